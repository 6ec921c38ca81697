"""An interrupted ``jobctl sim start`` leaves no daemon behind (issue 17, item 3).

Before: Ctrl-C while ``sim start`` waited for its daemon left the daemon (its own session, so the
terminal's SIGINT never reached it) serving devices with nobody to stop it. The test starts
``jobctl sim start`` as a real process, signals it at several points of its start-up -- the
daemon spawned but not announced, announced and being connected -- and checks the exit code, the
one line on stderr, and that no daemon process, record or socket is left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from tests.support.waiting import wait_until


def _daemons(state_dir: Path) -> list[int]:
    """Live processes running the sim daemon for ``state_dir``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"jobctl_sim.daemon" in cmdline and str(state_dir).encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _spawned(state_dir: Path) -> bool:
    return bool(_daemons(state_dir))


def _announced(state_dir: Path) -> bool:
    return any((state_dir / "sims").glob("*.json"))


POINTS: list[tuple[str, Callable[[Path], bool]]] = [("spawned", _spawned), ("announced", _announced)]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(("point", "reached"), POINTS, ids=[p for p, _ in POINTS])
def test_a_signal_during_sim_start_leaves_no_daemon_and_exits_with_one_line(
        adb: PrivateAdbServer, tmp_path: Path, point: str, reached: Callable[[Path], bool], signum: int) -> None:
    state_dir = tmp_path / "state"
    environment = {k: v for k, v in adb.env.items() if k != "ANDROID_SERIAL"}
    environment["JOBCTL_STATE_DIR"] = str(state_dir)
    process = subprocess.Popen([sys.executable, "-m", "cli.main", "sim", "start", "--api", "34"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
                               cwd=os.getcwd())
    survivors: list[int] = []
    try:
        assert wait_until(lambda: reached(state_dir) or process.poll() is not None, 60, interval=0.002)
        if process.poll() is not None:
            pytest.skip(f"sim start finished before the {point} point could be caught")
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
        if not wait_until(lambda: not _daemons(state_dir), 10):
            survivors = _daemons(state_dir)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in _daemons(state_dir):  # what the bug leaves: stop it for the next tests
            os.kill(pid, signal.SIGKILL)
    if out.strip():  # it had printed its devices: the signal came as it exited, after start-up
        pytest.skip(f"sim start had finished when the signal came at the {point} point")
    assert survivors == []
    expected: dict[int, tuple[int, str]] = {signal.SIGINT: (130, "jobctl: interrupted"),
                                           signal.SIGTERM: (143, "jobctl: terminated by SIGTERM")}
    assert (process.returncode, err.strip().splitlines()[-1:]) == (expected[signum][0], [expected[signum][1]]), err
    assert "Traceback" not in err
    assert out == ""
    leftovers = sorted(p.name for p in (state_dir / "sims").glob("*")) if (state_dir / "sims").exists() else []
    assert leftovers == []


def test_a_signal_while_popen_spawns_the_daemon_still_ends_the_daemon(
        adb: PrivateAdbServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Seen in a full local run (the "spawned" point above, under load): SIGTERM after the daemon's exec but
    # before subprocess.Popen returned lost the daemon's handle, so nothing abandoned it.
    from bridge.signals import Terminated, raise_terminated
    from jobctl_sim import daemon
    from jobctl_sim.fleet import FleetSpec

    state_dir = tmp_path / "state"
    real_popen = subprocess.Popen

    def popen_then_signal(*args, **kwargs):  # type: ignore[no-untyped-def]
        process = real_popen(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)  # handled before this returns (os.kill checks signals)
        return process

    previous = signal.signal(signal.SIGTERM, raise_terminated)  # as `jobctl` runs every command
    monkeypatch.setattr(daemon.subprocess, "Popen", popen_then_signal)
    try:
        with pytest.raises(Terminated):
            daemon.start(FleetSpec(), adb.server, state_dir)
        monkeypatch.undo()
        survivors = [] if wait_until(lambda: not _daemons(state_dir), 10) else _daemons(state_dir)
    finally:
        monkeypatch.undo()
        signal.signal(signal.SIGTERM, previous)
        for pid in _daemons(state_dir):
            os.kill(pid, signal.SIGKILL)
    assert survivors == []
    leftovers = sorted(p.name for p in (state_dir / "sims").glob("*")) if (state_dir / "sims").exists() else []
    assert leftovers == []
