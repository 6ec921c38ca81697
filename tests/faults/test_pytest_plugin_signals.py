"""A pytest run using jobctl's plugin, ended by SIGTERM or SIGHUP (a CI runner's cancel or timeout,
``kill``, a closed terminal), stops the virtual device and the private adb server the plugin
started, as Ctrl-C does.

Seen: Python's default action for those signals ends pytest before any fixture's teardown, so a
cancelled CI job left the plugin's ``adb fork-server`` running on the machine.

Each run is a user's project in a directory of its own, with that directory's ``tmp`` as
``TMPDIR``; what it left behind is found by that (:mod:`tests.support.leftovers`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.support.leftovers import adb_server_in, kill_all, started_in

USER_TEST = textwrap.dedent("""
    import pathlib, time

    def test_a_long_wait(jobctl_device):  # no conditions snapshot: it would catch the signal itself
        pathlib.Path(__file__).with_name("waiting").touch()  # (an xdist worker's output is not shown)
        time.sleep(120)
""")


def _run_until_waiting(project: Path, args: list[str], new_session: bool) -> subprocess.Popen[str]:
    (project / "test_user.py").write_text(USER_TEST)
    scratch = project / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("PYTEST_ADDOPTS", None)
    log = (project / "pytest.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args, "test_user.py"],
                            cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
                            start_new_session=new_session)
    log.close()
    try:
        deadline = time.monotonic() + 90
        while not (project / "waiting").exists():
            assert proc.poll() is None, f"pytest ended before the test ran:\n{_output(project)}"
            assert time.monotonic() < deadline, f"the test did not start within 90 s:\n{_output(project)}"
            time.sleep(0.05)
        assert adb_server_in(scratch, proc.pid), "the plugin's adb server is not up"
    except BaseException:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(scratch, proc.pid)
        raise
    return proc


def _output(project: Path) -> str:
    return (project / "pytest.log").read_text()


def _end(proc: subprocess.Popen[str], project: Path) -> tuple[str, list[int]]:
    scratch = project / "tmp"
    try:
        proc.wait(timeout=60)
        deadline = time.monotonic() + 10  # the workers of an xdist run end after the controller
        while started_in(scratch, proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        return _output(project), started_in(scratch, proc.pid)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(scratch, proc.pid)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds processes through /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_pytest_run_ended_by_a_signal_stops_the_plugins_device_and_adb_server(signum: signal.Signals,
                                                                                tmp_path: Path) -> None:
    proc = _run_until_waiting(tmp_path, ["-p", "no:xdist"], new_session=False)
    proc.send_signal(signum)
    output, left = _end(proc, tmp_path)
    assert not left, f"pytest left {len(left)} process(es) running after {signum.name}:\n{output}"
    assert proc.returncode == 2, output  # pytest's code for an interrupted run
    assert f"terminated by {signum.name}" in output


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds processes through /proc")
def test_an_xdist_run_whose_process_group_is_terminated_stops_every_workers_device(tmp_path: Path) -> None:
    proc = _run_until_waiting(tmp_path, ["-n", "1"], new_session=True)
    os.killpg(proc.pid, signal.SIGTERM)  # as a CI runner ends a job: the whole process group
    output, left = _end(proc, tmp_path)
    assert not left, f"pytest -n 1 left {len(left)} process(es) running after SIGTERM:\n{output}"
