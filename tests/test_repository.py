"""The repository's own promises: clean notebooks, credited images, a small download."""

import json
import re
from pathlib import Path

import pytest

from helpers.thumbnails import find_images

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "tests" / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_carry_no_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"cell {index} has outputs: run `make strip`"
            assert cell["execution_count"] is None, f"cell {index} has an execution count: run `make strip`"


def test_lessons_are_numbered_in_order():
    numbers = [int(p.name[:2]) for p in (ROOT / "notebooks").glob("*.ipynb")]
    assert sorted(numbers) == list(range(len(numbers)))


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_every_lesson_has_exercises_with_hidden_solutions_and_ends_clean(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    solutions = [c for c in cells if "solution" in c["metadata"].get("tags", [])]
    assert len(solutions) >= 2
    assert all(c["metadata"].get("jupyter", {}).get("source_hidden") for c in solutions)
    assert "check_nothing_left" in "".join(cells[-1]["source"])
    code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "Image.ANTIALIAS" not in code, "removed in Pillow 10: use Image.Resampling.LANCZOS"


def test_every_image_is_credited_and_the_set_is_small_enough():
    images = find_images(ROOT / "images")
    sources = (ROOT / "images" / "SOURCES.md").read_text(encoding="utf-8")
    credited = set(re.findall(r"^\| `([^`]+)` \|", sources, flags=re.M))
    assert {p.relative_to(ROOT / "images").as_posix() for p in images} == credited
    assert 12 <= len(images) <= 24
    assert sum(p.stat().st_size for p in images) < 40 * 1024 * 1024


@pytest.mark.parametrize("target", ["lab", "lab-zh"])
def test_make_lab_serves_the_whole_course_folder(target):
    """Given only a notebook, JupyterLab serves its folder, and lesson 00's diagrams in docs/ 404."""
    import subprocess

    command = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    line = next(line for line in command.splitlines() if "jupyter lab" in line)
    assert f"--ServerApp.root_dir={ROOT}" in line


@pytest.mark.parametrize("path", NOTEBOOKS + sorted((ROOT / "notebooks" / "zh-CN").glob("*.ipynb")),
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebooks_are_in_nbformats_own_layout_so_stripping_changes_nothing(path):
    import nbformat

    text = path.read_text(encoding="utf-8")
    assert nbformat.writes(nbformat.reads(text, as_version=4)) + "\n" == text, \
        "not in nbformat's layout: run `make strip`"
