"""Pythons newer than the machine's own, from Debian unstable, in a chroot.

    python tests/python_chroot.py build            # build it if missing (about a minute)
    python tests/python_chroot.py run CMD ARG ...  # run CMD in the course folder, inside it
    python tests/python_chroot.py clean            # remove it

Why a chroot: Debian's unstable suite ("sid") packages ``python3.14`` and
``python3.15`` with their ``-venv`` modules, but they need a newer C library than
Debian 12 has, so they cannot be installed beside the machine's own Python. A
minimal sid tree made by ``mmdebstrap`` holds them instead (about 350 MB). It lives
in ``.cache/python-chroot/`` (git-ignored; ``make clean`` removes it) and is built
only when missing.

Each ``run`` happens in a private mount namespace (``unshare --mount``): the course
folder is bind-mounted at ``/course``, with ``/proc``, ``/sys``, a fresh ``/dev/shm``
(multiprocessing's semaphores live there), the host's CA bundle (pip needs it to
reach the package index through this machine's proxy) and the host's pip cache.
None of these mounts is visible outside the run, two runs never see each other's,
and they are unmounted when the run ends, however it ends (a ``trap`` unmounts them
explicitly; the namespace disappearing with its last process is the safety net).

Needs Linux, root (``mmdebstrap`` and ``mount``), ``unshare`` (util-linux) and
``mmdebstrap`` (installed with apt-get when missing).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIRECTORY = Path(os.environ.get("COURSE_CHROOT", ROOT / ".cache" / "python-chroot"))
SUITE = "sid"
# fonts-noto-cjk: the Chinese edition's plots, which the tests draw, need a CJK font there too.
PACKAGES = ("python3.14", "python3.14-venv", "python3.15", "python3.15-venv", "make", "git", "ca-certificates",
            "fonts-noto-cjk")
# sid's Release file is sometimes past its Valid-Until date; the packages are still signed.
APT_OPTION = 'Acquire::Check-Valid-Until "false"'
READY = ".course-chroot-ready"  # written last, so a half-built tree is never used
MOUNT_POINT = "/course"
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
PIP_CACHE = Path.home() / ".cache" / "pip"
# Host variables a run inside keeps; everything else is left outside (``env -i``).
PASSED_VARIABLES = ("CI", "TERM", "COURSE_LANG", "PIP_DEFAULT_TIMEOUT", "PIP_INDEX_URL",
                    "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")

# Runs inside the private mount namespace: mount, run the command chrooted, unmount.
MOUNT_SCRIPT = r"""
set -u
root=$1 repo=$2 ca=$3 pipcache=$4
shift 4
unmount() {
    for target in root/.cache/pip etc/ssl/certs/ca-certificates.crt dev/shm sys proc course; do
        umount "$root/$target" 2>/dev/null
    done
    return 0
}
trap unmount EXIT
trap 'exit 130' INT TERM HUP
mkdir -p "$root/course" "$root/root/.cache/pip" "$root/dev/shm" || exit 1
mount --bind "$repo" "$root/course" &&
mount -t proc proc "$root/proc" &&
mount -t sysfs -o ro sysfs "$root/sys" &&
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm" || exit 1
if [ -f "$ca" ]; then mount --bind -o ro "$ca" "$root/etc/ssl/certs/ca-certificates.crt" || exit 1; fi
if [ -d "$pipcache" ]; then mount --bind "$pipcache" "$root/root/.cache/pip" || exit 1; fi
chroot "$root" "$@"
"""


def unavailable_reason() -> str | None:
    """Why this machine cannot use the chroot, or None when it can."""
    if not sys.platform.startswith("linux"):
        return "the chroot needs Linux"
    if os.geteuid() != 0:
        return "building and entering the chroot needs root (run the matrix with sudo)"
    if shutil.which("unshare") is None or shutil.which("chroot") is None:
        return "unshare and chroot (util-linux, coreutils) are missing"
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    if probe.returncode != 0:
        return "this machine does not allow private mount namespaces (unshare --mount failed)"
    return None


def is_built(directory: Path = DIRECTORY) -> bool:
    """A complete chroot with the packages asked for now (a changed list builds it again)."""
    ready = directory / READY
    return ready.exists() and ready.read_text().split() == list(PACKAGES)


def mounts_under(directory: Path) -> list[str]:
    """Mount points at or below ``directory`` in this process's mount namespace."""
    prefix = str(directory.resolve())
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        target = line.split()[4].replace("\\040", " ")
        if target == prefix or target.startswith(prefix + "/"):
            found.append(target)
    return found


def remove_tree(directory: Path) -> None:
    """Delete a chroot tree, but never through a mount point (that would reach the host)."""
    if not directory.exists():
        return
    for target in sorted(mounts_under(directory), key=len, reverse=True):
        subprocess.run(["umount", "--lazy", target], check=False)
    if still := mounts_under(directory):
        raise RuntimeError(f"not removing {directory}: still mounted there: {', '.join(still)}")
    shutil.rmtree(directory)


def ensure_mmdebstrap() -> str:
    found = shutil.which("mmdebstrap")
    if found:
        return found
    print("--- installing mmdebstrap with apt-get", flush=True)
    subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "mmdebstrap"], check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("mmdebstrap")
    if not found:
        raise RuntimeError("apt-get did not install mmdebstrap")
    return found


def build(directory: Path = DIRECTORY) -> None:
    """Build the chroot unless a complete one is there. Safe to call every time."""
    if is_built(directory):
        return
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    mmdebstrap = ensure_mmdebstrap()
    partial = directory.with_name(directory.name + ".partial")
    with exclusive(directory):
        remove_tree(partial)
        remove_tree(directory)
        partial.parent.mkdir(parents=True, exist_ok=True)
        print(f"--- building a Debian {SUITE} chroot with {', '.join(PACKAGES)} in {directory}", flush=True)
        subprocess.run([mmdebstrap, "--variant=apt", f"--aptopt={APT_OPTION}", "--quiet",
                        f"--include={','.join(PACKAGES)}", SUITE, str(partial)], check=True)
        (partial / "course").mkdir(exist_ok=True)
        (partial / READY).write_text(" ".join(PACKAGES) + "\n")
        partial.rename(directory)


def inner_environment(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The variables a command inside sees: a clean set, plus proxies and CI's flags."""
    env = {
        "HOME": "/root",
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG": "C.UTF-8",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    ca = str(HOST_CA)
    env.update(SSL_CERT_FILE=ca, PIP_CERT=ca, REQUESTS_CA_BUNDLE=ca)
    env.update({name: environ[name] for name in PASSED_VARIABLES if name in environ})
    return env


def lock_path(directory: Path = DIRECTORY) -> Path:
    """A file every run holds a shared lock on, and a rebuild or a clean an exclusive one."""
    return directory.with_name(directory.name + ".lock")


@contextlib.contextmanager
def exclusive(directory: Path = DIRECTORY):
    """Hold the chroot for a rebuild or a removal, or refuse at once if a run is using it.

    A run's mounts live in its own namespace, invisible here, so without this lock a
    rebuild would delete the tree under a running test.
    """
    path = lock_path(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"{directory} is in use by a test run: wait for it to end") from None
        yield


def command(argv: Sequence[str], directory: Path = DIRECTORY, repo: Path = ROOT, cwd: str = MOUNT_POINT,
            environ: Mapping[str, str] = os.environ) -> list[str]:
    """The host command that runs ``argv`` inside the chroot, in ``cwd``, holding a shared lock on it."""
    env = [f"{name}={value}" for name, value in inner_environment(environ).items()]
    inner = ["/usr/bin/env", "-i", *env, "/bin/sh", "-c", 'cd "$0" && exec "$@"', cwd, *argv]
    lock_path(directory).parent.mkdir(parents=True, exist_ok=True)
    return ["flock", "--shared", str(lock_path(directory)),
            "unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", MOUNT_SCRIPT, "mount-and-run",
            str(directory.resolve()), str(repo.resolve()), str(HOST_CA), str(PIP_CACHE), *inner]


def run(argv: Sequence[str], directory: Path = DIRECTORY, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """Run ``argv`` in the course folder inside the chroot (building the chroot first if needed)."""
    build(directory)
    return subprocess.run(command(argv, directory), check=check, **kwargs)


def python_in_chroot(version: str, directory: Path = DIRECTORY) -> str | None:
    """``/usr/bin/python3.X`` inside the chroot, installing it from Debian sid when it has one.

    3.14 and 3.15 are there from the start. Another version Debian packages (3.13 in
    2026) is installed on demand, for a machine with no other way to get it.
    """
    build(directory)
    path = f"/usr/bin/python{version}"
    if (directory / path.lstrip("/")).exists():
        return path
    packages = [f"python{version}", f"python{version}-venv"]
    print(f"--- installing {' '.join(packages)} from Debian {SUITE} into the chroot", flush=True)
    update = ["apt-get", "-o", "Acquire::Check-Valid-Until=false", "update", "-q"]
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    if run(update, directory, check=False, stdout=subprocess.DEVNULL).returncode != 0:
        return None
    if run(install, directory, check=False, stdout=subprocess.DEVNULL).returncode != 0:
        return None
    return path if (directory / path.lstrip("/")).exists() else None


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"build", "run", "clean"}:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "clean":
        with exclusive():
            remove_tree(DIRECTORY.with_name(DIRECTORY.name + ".partial"))
            remove_tree(DIRECTORY)
        lock_path().unlink(missing_ok=True)
        return 0
    reason = unavailable_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    build()
    if argv[0] == "run":
        return run(argv[1:] or ["/bin/bash"], check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
