"""The site's own words (the boxes it adds to a page), in each edition's language.

In the Chinese strings, punctuation stays outside ``**bold**``: CommonMark does not
close emphasis on a full-width colon followed by a Chinese character.

They are few and belong to the site, not to the course's message catalogue: the
site is built by a Python that may not have the course's ``helpers`` installed
in the same environment, and these sentences never appear in a notebook.
"""

from __future__ import annotations

TEXT = {
    "en": {
        "run_title": "Run this lesson",
        "run_local": (
            "**On your computer:** get the course and, in its folder, run the README's two commands "
            "(you need Python 3.11 or newer and `make`; without `make`, the [README]({readme}) gives the steps). "
            "Then open `{path}` in JupyterLab."
        ),
        "run_binder": (
            "**In your browser, with nothing to install:** [open this lesson on Binder]({binder}) "
            "(a free service; starting can take a few minutes)."
        ),
        "executed": (
            "**Executed on** {machine} · {cores} · {python} · start method `{start_method}` · {date}. "
            "Every timing and speed-up on this page is that machine's: yours will differ, "
            "and the lesson shows you how to read them."
        ),
        "cores": "{n} usable cores",
        "cmd_lab": "creates .venv, installs everything, opens JupyterLab",
        "cmd_test": "runs every test",
        "still_caption": (
            "**Still picture:** what the widget above drew after one press of {buttons}, saved when this "
            "page was built. Here the widget only shows its last state; it runs live in JupyterLab "
            "(see *{run_title}* at the top)."
        ),
        "shot_caption": (
            "**Still picture:** the widget above as this page's build left it, after one press of "
            "{buttons}. It runs live in JupyterLab (see *{run_title}* at the top)."
        ),
        "shot_alt": "The widget after the build pressed its button",
        "still_alt": "What the widget drew after one press of {buttons}",
        "untranslated": "",
        "solution_show": "Show the solution",
        "solution_hide": "Hide the solution",
        "explanation_show": "Show why the solution works",
        "switch_label": "中文",
        "switch_title": "阅读本页的中文版",
        "lessons": "Lessons",
        "more": "For instructors and reference",
        "landing_title": "Python concurrency, hands-on",  # when the README has no title
    },
    "zh-CN": {
        "run_title": "运行本课",
        "run_local": (
            "**在自己的电脑上**：获取课程，在课程文件夹中运行 README 里的两条命令"
            "（需要 Python 3.11 或更新版本以及 `make`；没有 `make` 时，步骤见 [README]({readme})）。"
            "然后在 JupyterLab 中打开 `{path}`。"
        ),
        "run_binder": (
            "**直接在浏览器中运行，无需安装**：[在 Binder 上打开本课]({binder})"
            "（免费服务，启动可能需要几分钟）。"
        ),
        "executed": (
            "**本页的运行环境**：{machine} · {cores} · {python} · 启动方式 `{start_method}` · {date}。"
            "页面上的所有耗时和加速比都来自这台机器；在你的机器上数字会不同，本课会教你如何解读它们。"
        ),
        "cores": "{n} 个可用核心",
        "cmd_lab": "创建 .venv，安装全部依赖，打开 JupyterLab",
        "cmd_test": "运行全部测试",
        "still_caption": (
            "**静态图**：构建本页时按下一次 {buttons} 后，上方控件画出的结果。"
            "这里的控件只显示它最后的状态；在 JupyterLab 中它可以实际运行（见页首的“{run_title}”）。"
        ),
        "shot_caption": (
            "**静态图**：本页构建时按下一次 {buttons} 之后，上方控件的样子。"
            "在 JupyterLab 中它可以实际运行（见页首的“{run_title}”）。"
        ),
        "shot_alt": "构建时按下按钮之后的控件",
        "still_alt": "按下一次 {buttons} 后控件画出的图",
        "untranslated": "本页尚无中文版，下面是英文原文。",
        "solution_show": "显示答案",
        "solution_hide": "隐藏答案",
        "explanation_show": "显示答案的讲解",
        "switch_label": "English",
        "switch_title": "Read this page in English",
        "lessons": "课程",
        "more": "教师指南与参考",
        "landing_title": "Python 并发编程实战",
    },
}


def text(edition: str, key: str, **values: object) -> str:
    """The site's sentence ``key`` in ``edition``'s language, with ``values`` filled in."""
    return TEXT[edition][key].format(**values)
