"""The JavaScript the site serves itself, from the npm registry, pinned and checked.

A page with widgets needs require.js and the ipywidgets HTML manager; lesson 08's
formula needs MathJax. MyST-NB and Sphinx would load all three from CDNs, which a
reader with no network cannot reach. Each package is fetched once with
``npm pack`` (the ordinary npm client; one tarball, no dependency tree: the files
used are prebuilt bundles), its sha512 compared with the one pinned here, and only
the files the site needs are copied, with the package's licence, into
``_static/vendor/``.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

WIDGETS = "amd/@jupyter-widgets/html-manager/dist"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # npm's "sha512-..." of the tarball
    files: tuple[tuple[str, str], ...]  # (pattern inside the tarball, folder under vendor/)

    @property
    def tarball(self) -> str:
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


PACKAGES = (
    Package(
        "@jupyter-widgets/html-manager", "1.0.15",
        "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        # The bundle names its modules "@jupyter-widgets/...", and looks for the Font Awesome
        # files of the buttons' icons beside those names, under require.js's baseUrl
        # (require-config.js sets it to amd/): so the fonts go in both folders.
        (("package/dist/embed-amd.js", WIDGETS), *[(f"package/dist/*.{kind}", folder)
         for kind in ("woff2", "woff", "ttf", "eot", "svg") for folder in (WIDGETS, "amd/@jupyter-widgets")],
         ("package/LICENSE*", WIDGETS)),
    ),
    Package(
        "requirejs", "2.3.8",
        "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
        (("package/require.js", ""), ("package/LICENSE*", "requirejs")),
    ),
    Package(
        "mathjax", "3.2.2",
        "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        # MathJax 3 keeps its fonts beside the script (MathJax 4 fetches them from a CDN)
        (("package/es5/tex-chtml.js", "mathjax"), ("package/es5/output/chtml/*", "mathjax/output/chtml"),
         ("package/es5/input/tex/extensions/*", "mathjax/input/tex/extensions"), ("package/es5/ui/*", "mathjax/ui"),
         ("package/LICENSE*", "mathjax")),
    ),
)


def integrity_of(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch(package: Package, downloads: Path) -> Path:
    """The package's tarball, from ``downloads`` or from the registry; its sha512 checked."""
    downloads.mkdir(parents=True, exist_ok=True)
    path = downloads / package.tarball
    if not path.is_file():
        answer = subprocess.run(
            ["npm", "pack", f"{package.name}@{package.version}", "--pack-destination", str(downloads), "--json",
             "--ignore-scripts", "--silent"],
            check=True, capture_output=True, text=True)
        path = downloads / json.loads(answer.stdout)[0]["filename"]
    found = integrity_of(path)
    if found != package.integrity:
        path.unlink()
        raise RuntimeError(f"{package.name}@{package.version}: the tarball's sha512 is {found}, "
                           f"not the pinned {package.integrity}")
    return path


def _relative_under(member: str, pattern: str) -> str:
    """The part of ``member`` below the fixed prefix of ``pattern`` (``package/es5/ui/x/y.js`` -> ``x/y.js``)."""
    prefix = pattern.split("*", 1)[0].rsplit("/", 1)[0] + "/"
    return member[len(prefix):] if "*" in pattern else member.rsplit("/", 1)[-1]


def extract(package: Package, tarball: Path, target: Path) -> int:
    """Copy the files the site uses from ``tarball`` to ``target``; return how many."""
    count = 0
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            for pattern, folder in package.files:
                if fnmatch.fnmatch(member.name, pattern):
                    destination = target / folder / _relative_under(member.name, pattern)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    with archive.extractfile(member) as source, destination.open("wb") as out:
                        shutil.copyfileobj(source, out)
                    count += 1
    return count


def vendor(downloads: Path, static: Path) -> Path:
    """Fill ``static/vendor/`` (a folder for ``html_static_path``) with every package's files."""
    target = static / "vendor"
    stamp = static / "vendor.json"
    config = Path(__file__).with_name("require-config.js").read_text()
    wanted = json.dumps([[[p.name, p.version, p.integrity, p.files] for p in PACKAGES], config])
    if stamp.is_file() and stamp.read_text() == wanted and target.is_dir():
        return static
    if target.exists():
        shutil.rmtree(target)
    for package in PACKAGES:
        if extract(package, fetch(package, downloads), target) == 0:
            raise RuntimeError(f"{package.name}@{package.version}: none of the expected files is in the tarball")
    (target / "widget-modules").mkdir()  # where a third-party widget's module would be looked up
    (target / "widget-modules" / "README.txt").write_text(
        "Third-party widget modules would be served from here; the course uses only ipywidgets' own.\n")
    shutil.copyfile(Path(__file__).with_name("require-config.js"), target / "require-config.js")
    stamp.write_text(wanted)
    return static
