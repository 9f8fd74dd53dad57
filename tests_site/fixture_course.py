"""A tiny course in both languages, for testing the site machinery end to end in seconds.

It has what the real course has and the site must handle: a README and its
Chinese twin, an instructor's guide with no Chinese version yet, photo credits,
and one lesson in each edition with byte-identical code cells (issue 14) that
prints in the kernel's language, draws a figure, has a widget whose button
draws into an Output, a hidden solution cell and a formula. The Chinese lesson's
figure uses a CJK font, as the course's helpers will (issue 14).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

# Shared by both editions, byte for byte.
CODE = [
    "from helpers.i18n import language\n\nHELLO = {\"en\": \"hello from the kernel\", \"zh_CN\": \"来自内核的问候\"}\n"
    "print(HELLO[language()])",
    "import matplotlib\nimport matplotlib.pyplot as plt\n\n"
    "matplotlib.rcParams[\"font.sans-serif\"] = [\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"DejaVu Sans\"]\n"
    "TITLE = {\"en\": \"Two threads take turns\", \"zh_CN\": \"两个线程轮流运行\"}[language()]\n"
    "fig, ax = plt.subplots(figsize=(4, 2))\nax.barh([0, 1], [2, 3], left=[0, 2])\nax.set_title(TITLE);",
    "import ipywidgets as w\nfrom IPython.display import display\n\n"
    "slider = w.IntSlider(value=3, min=1, max=8, description=\"bars\")\n"
    "button = w.Button(description=\"Draw\", button_style=\"primary\")\nout = w.Output()\n\n\n"
    "def draw(_):\n    with out:\n        out.clear_output(wait=True)\n"
    "        fig, ax = plt.subplots(figsize=(4, 2))\n        ax.bar(range(slider.value), range(1, slider.value + 1))\n"
    "        ax.set_title(TITLE)\n        display(fig)\n        plt.close(fig)\n\n\n"
    "button.on_click(draw)\nw.VBox([w.HBox([slider, button]), out])",
    "answer = sum(range(4))\nassert answer == 6\nprint(\"solution checked\")",
]
MARKDOWN = {
    "en": [
        "# 00 · A fixture lesson\n\nIt says hello, draws, and has a widget. "
        "Back to the [course](../README.md), or the [guide](../docs/INSTRUCTOR.md).",
        "A figure:",
        "A widget: press **Draw**.",
        "The **solution** (hidden), then a formula:\n\n$$s(n) = \\frac{1}{s + (1 - s)/n}$$",
    ],
    "zh-CN": [
        "# 00 · 测试用的一课\n\n它会问候、画图，还有一个控件。"
        "回到[课程首页](../../README.zh-CN.md)，或看[教师指南](../../docs/INSTRUCTOR.md)。",
        "一张图：",
        "一个控件：按下 **Draw**。",
        "**答案**（已隐藏），然后是一个公式：\n\n$$s(n) = \\frac{1}{s + (1 - s)/n}$$",
    ],
}
README = {
    "README.md": "# Fixture course\n\nOne [lesson](notebooks/00_fixture.ipynb); the [guide](docs/INSTRUCTOR.md); "
                 "[中文版](README.zh-CN.md); the [licence](LICENSE); the [helpers](helpers).\n\n"
                 "## Start here\n\nRun `make lab`. Search word: thread.\n",
    "README.zh-CN.md": "# 测试课程\n\n一课：[第 00 课](notebooks/zh-CN/00_fixture.ipynb)；[English](README.md)；"
                       "[许可证](LICENSE)。\n\n## 从这里开始\n\n运行 `make lab`。搜索词：线程。\n",
    "docs/INSTRUCTOR.md": "# Instructor's guide\n\nThe fixture's guide, [back home](../README.md).\n",
    "docs/GLOSSARY.md": "# Glossary · 术语表\n\n| English | 中文 |\n|---|---|\n| thread | 线程 |\n",
    "images/SOURCES.md": "# Sample photographs\n\nNone in the fixture.\n",
    "LICENSE": "MIT\n",
    "helpers/README.txt": "stands for the course's package folder\n",
}


def lesson(edition: str) -> nbformat.NotebookNode:
    cells = []
    for index, (markdown, code) in enumerate(zip(MARKDOWN[edition], CODE, strict=True)):
        text = nbformat.v4.new_markdown_cell(markdown)
        text.id = f"fixture-{index}-text"
        cell = nbformat.v4.new_code_cell(code)
        cell.id = f"fixture-{index}-code"
        if index == len(CODE) - 1:
            cell.metadata = {"tags": ["solution"], "jupyter": {"source_hidden": True}}
        cells += [text, cell]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def make(root: Path) -> Path:
    """Write the fixture course into ``root`` and return it."""
    for name, content in README.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    for edition, folder in (("en", "notebooks"), ("zh-CN", "notebooks/zh-CN")):
        (root / folder).mkdir(parents=True, exist_ok=True)
        nbformat.write(lesson(edition), root / folder / "00_fixture.ipynb")
    return root
