"""The package's metadata tells the truth: what it needs, and which Pythons it supports.

``pip install .`` must give a package that imports (so ``pyproject.toml`` lists what
``helpers`` imports), ``requirements.txt`` pins each of those, and every place that
names the supported Pythons names the same ones as the test matrix.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from run_matrix import VERSIONS

from helpers.setup_check import SUPPORTED, supported_range

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(line: str) -> str:
    return canonical(re.split(r"[<>=!~;\[ ]", line.strip(), maxsplit=1)[0])


def third_party_imports() -> set[str]:
    """Top-level modules ``helpers`` imports that are neither the standard library nor itself."""
    found = set()
    for path in (ROOT / "helpers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name not in {"helpers", "__future__"}}


def test_the_import_scan_finds_what_it_should():
    found = third_party_imports()
    assert {"PIL", "matplotlib", "httpx"} <= found
    assert not found & {"os", "sys", "helpers"}


def test_pyproject_dependencies_cover_what_helpers_imports():
    declared = {requirement_name(d) for d in PROJECT["dependencies"]}
    distributions = importlib.metadata.packages_distributions()
    undeclared = {module: distributions.get(module, [module]) for module in third_party_imports()
                  if not {canonical(d) for d in distributions.get(module, [module])} & declared}
    assert not undeclared, f"imported by helpers but not in pyproject.toml's dependencies: {undeclared}"


def test_requirements_pin_every_dependency_exactly():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            assert "==" in line, f"not pinned: {line}"
            pins[requirement_name(line)] = line
    missing = {requirement_name(d) for d in PROJECT["dependencies"]} - set(pins)
    assert not missing, f"in pyproject.toml but not pinned in requirements.txt: {missing}"


def test_every_place_names_the_same_supported_pythons():
    low, high = SUPPORTED
    versions = [f"3.{minor}" for minor in range(low[1], high[1] + 1)]
    assert list(VERSIONS) == versions
    assert PROJECT["requires-python"] == f">={versions[0]}"
    classified = [c.rsplit(" :: ", 1)[1] for c in PROJECT["classifiers"]
                  if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert classified == versions
    assert any(c.startswith("Programming Language :: Python :: Free Threading") for c in PROJECT["classifiers"])
    assert f"Python {supported_range()}" in (ROOT / "README.md").read_text()
    assert f"Python {supported_range()}" in (ROOT / "requirements.txt").read_text()
