"""What one run of a program left running, found by its environment.

Give the run a temporary directory of its own as ``TMPDIR``: everything it starts inherits it
(a private adb server's ``HOME`` and ``TMPDIR`` are a scratch directory made inside it), so the
processes whose ``TMPDIR`` or ``HOME`` lies in that directory are exactly the run's. Tests kill
only those, by pid."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path


def started_in(scratch: Path, exclude: int | None = None) -> list[int]:
    """Pids of processes whose ``TMPDIR`` or ``HOME`` lies in ``scratch`` (``exclude``: the run itself)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == exclude:
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue  # gone, or not ours
        for variable in environ:
            name, _, value = variable.partition(b"=")
            if name in (b"TMPDIR", b"HOME") and value.decode(errors="replace").startswith(str(scratch)):
                found.append(int(entry.name))
                break
    return found


def adb_server_in(scratch: Path, exclude: int | None = None) -> bool:
    """Whether an ``adb fork-server`` of that run is up."""
    for pid in started_in(scratch, exclude):
        try:
            if b"fork-server" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


def kill_all(scratch: Path, exclude: int | None = None) -> None:
    """SIGKILL what the run left (a test's cleanup after it failed)."""
    for pid in started_in(scratch, exclude):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def run_in(scratch: Path, args: list[str], timeout: float, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``subprocess.run`` with ``scratch`` as the program's ``TMPDIR``; whatever it left running
    when it ended -- killed by a timeout, or the test's own timeout -- is killed afterwards."""
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=cwd,
                              env={**os.environ, "TMPDIR": str(scratch)})
    finally:
        kill_all(scratch)
