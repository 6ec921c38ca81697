"""A benchmark script ended by SIGTERM or SIGHUP (a CI runner's cancel or timeout, ``kill``, a
closed terminal) stops what it started -- its private adb server, its virtual devices and their
worker processes -- and exits with the shell's 128 + signal, one line on stderr.

Seen: ``bench/fault_matrix.py`` killed with SIGTERM left its ``adb fork-server`` running (the
default action ends Python before any ``with`` block cleans up).

Each run gets a temporary directory of its own as ``TMPDIR``; what it left behind is found by
that (:mod:`tests.support.leftovers`), and only that is killed afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.leftovers import adb_server_in, kill_all, started_in

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = ["bridge_ops.py", "cli_commands.py", "device_soak.py", "fault_matrix.py", "run_all.py",
           "session_soak.py", "shell_roundtrip.py"]
"""Every script that starts a private adb server."""


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds processes through /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("script", SCRIPTS)
def test_a_benchmark_ended_by_a_signal_stops_everything_it_started(script: str, signum: signal.Signals,
                                                                  tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen([sys.executable, str(REPO / "bench" / script)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not adb_server_in(tmp_path, proc.pid):
            assert proc.poll() is None, f"{script} ended before its adb server came up: {proc.communicate()[1]}"
            assert time.monotonic() < deadline, f"{script} started no adb server within 60 s"
            time.sleep(0.05)
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
        left = started_in(tmp_path, proc.pid)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(tmp_path, proc.pid)
    assert not left, f"{script} left {len(left)} process(es) running after {signum.name}"
    assert proc.returncode == 128 + signum, stderr
    assert stderr.strip().splitlines() == [f"{script}: terminated by {signum.name}"], stderr
