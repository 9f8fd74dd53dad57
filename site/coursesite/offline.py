"""Run a command with no network but the loopback interface: ``python -m coursesite.offline CMD ...``.

``make site`` builds this way (after fetching its JavaScript from npm) to prove that
executing the lessons, Sphinx and the theme fetch nothing from any site; ``make
test-site`` tests this way, so the browser that opens every page has no network at
all, only the local server. It needs ``unshare`` and either root or unprivileged
user namespaces; where neither works the command runs as it is, and says so.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import struct
import subprocess
import sys

INSIDE = "COURSE_SITE_OFFLINE"  # set in the isolated process, so it does not isolate itself again


def loopback_up() -> None:
    """Bring up ``lo`` in a fresh network namespace (kernels and the test server use 127.0.0.1)."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(s, siocgifflags, request))[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))


def isolation_command() -> list[str] | None:
    """``unshare`` arguments that give a process no network but loopback, if this machine allows it."""
    if shutil.which("unshare") is None:
        return None
    for command in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        if subprocess.run([*command, "true"], capture_output=True).returncode == 0:
            return command
    return None


def isolated() -> bool:
    return os.environ.get(INSIDE) == "1"


def rerun_isolated(argv: list[str]) -> int | None:
    """Run ``argv`` (a Python module's command line) again, isolated; None if this machine cannot."""
    command = isolation_command()
    if command is None:
        print("note: this machine cannot cut the network off (unshare); running with it", flush=True)
        return None
    print(f"running with no network but loopback ({' '.join(command)})", flush=True)
    return subprocess.call([*command, sys.executable, *argv], env=dict(os.environ, **{INSIDE: "1"}))


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if not isolated():
        code = rerun_isolated(["-m", "coursesite.offline", *argv])
        if code is not None:
            return code
    else:
        loopback_up()
    return subprocess.call(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
