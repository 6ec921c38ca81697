"""The command line's first device lookup waits, as every later call does, for a device that is
rebooting or an adb server that is restarting (README "When things go wrong": up to 30 s),
reading the device list again until the device is online or the wait is over.

Each test starts ``jobctl`` while the device or the adb server is away and shows that it is
still waiting (not exited) after a while, then brings it back and sees the command succeed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from jobctl_sim.harness import SimHarness
from tests.faults.conftest import adb_state
from tests.support.waiting import wait_until

STILL_WAITING = 1.5
"""Seconds after which a jobctl that does not wait has long exited (it starts in about 0.3 s)."""


@pytest.fixture
def own_adb() -> Iterator[PrivateAdbServer]:
    """An adb server for one test alone: it is killed and started again."""
    server = PrivateAdbServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def device(own_adb: PrivateAdbServer) -> Iterator[tuple[SimHarness, str]]:
    with SimHarness() as sim:
        yield sim, sim.connect(own_adb.server)[0]


def _start(adb: PrivateAdbServer, tmp_path: Path, *args: str, wait: str | None = None) -> subprocess.Popen[str]:
    environment = dict(adb.env)
    environment.pop("ANDROID_SERIAL", None)
    environment["JOBCTL_STATE_DIR"] = str(tmp_path)
    environment.pop("JOBCTL_DEVICE_WAIT", None)
    if wait is not None:
        environment["JOBCTL_DEVICE_WAIT"] = wait
    return subprocess.Popen([sys.executable, "-m", "cli.main", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=environment)


def _still_running(process: subprocess.Popen[str], seconds: float) -> bool:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return True
    return False


def _finish(process: subprocess.Popen[str], timeout: float = 40) -> tuple[int, str, str]:
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    return process.returncode, stdout, stderr


def test_a_command_started_while_the_device_reboots_waits_for_it_and_succeeds(
        own_adb: PrivateAdbServer, device: tuple[SimHarness, str], tmp_path: Path) -> None:
    sim, serial = device
    sim.run(sim.devices[0].faults.reboot)
    assert wait_until(lambda: adb_state(own_adb, serial) != "device", 10)
    process = _start(own_adb, tmp_path, "-s", serial, "--json", "jobs")
    code, stdout, stderr = _finish(process)
    assert code == 0, stderr
    assert json.loads(stdout) == []
    assert adb_state(own_adb, serial) == "device"


def test_a_command_started_while_the_device_is_away_is_still_waiting_then_succeeds(
        own_adb: PrivateAdbServer, device: tuple[SimHarness, str], tmp_path: Path) -> None:
    sim, serial = device
    sim.call(sim.servers[0].go_offline())
    try:
        assert wait_until(lambda: adb_state(own_adb, serial) == "offline", 10)
        process = _start(own_adb, tmp_path, "-s", serial, "--json", "jobs")
        assert _still_running(process, STILL_WAITING), process.communicate()
    finally:
        sim.call(sim.servers[0].come_back())
    code, stdout, stderr = _finish(process)
    assert code == 0, stderr
    assert json.loads(stdout) == []


def test_a_command_started_while_the_adb_server_restarts_waits_for_it_and_succeeds(
        own_adb: PrivateAdbServer, device: tuple[SimHarness, str], tmp_path: Path) -> None:
    sim, serial = device
    own_adb.server.kill()
    assert wait_until(lambda: not own_adb.server.is_running(), 10)
    process = _start(own_adb, tmp_path, "-s", serial, "--json", "jobs")
    try:
        assert _still_running(process, STILL_WAITING), process.communicate()
    finally:
        own_adb.start()  # the same port, key and HOME; the device's cable plugs it in again
    code, stdout, stderr = _finish(process)
    assert code == 0, stderr
    assert json.loads(stdout) == []
    assert sim.cables[0].replugs >= 1


def test_without_a_serial_the_only_device_is_waited_for_too(
        own_adb: PrivateAdbServer, device: tuple[SimHarness, str], tmp_path: Path) -> None:
    sim, serial = device
    sim.run(sim.devices[0].faults.reboot)
    assert wait_until(lambda: adb_state(own_adb, serial) != "device", 10)
    code, stdout, stderr = _finish(_start(own_adb, tmp_path, "--json", "jobs"))
    assert code == 0, stderr
    assert json.loads(stdout) == []


def test_the_wait_is_bounded_and_says_how_long_it_waited(
        own_adb: PrivateAdbServer, device: tuple[SimHarness, str], tmp_path: Path) -> None:
    sim, serial = device
    sim.call(sim.servers[0].go_offline())
    try:
        assert wait_until(lambda: adb_state(own_adb, serial) == "offline", 10)
        code, _, stderr = _finish(_start(own_adb, tmp_path, "-s", serial, "jobs", wait="1"))
    finally:
        sim.call(sim.servers[0].come_back())
    assert code == 6
    assert stderr.strip() == f"jobctl: error: device '{serial}' is offline (after waiting 1 s)"


def test_a_wait_of_0_fails_at_once_and_a_bad_wait_is_a_usage_error(
        own_adb: PrivateAdbServer, tmp_path: Path) -> None:
    code, _, stderr = _finish(_start(own_adb, tmp_path, "-s", "nowhere:5555", "jobs", wait="0"))
    assert code == 3
    assert stderr.strip() == "jobctl: error: device 'nowhere:5555' not found (attached: none)"
    code, _, stderr = _finish(_start(own_adb, tmp_path, "-s", "nowhere:5555", "jobs", wait="soon"))
    assert code == 2
    assert "JOBCTL_DEVICE_WAIT must be a number of seconds from 0 to 3600, got 'soon'" in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_a_person_at_a_terminal_is_told_once_that_jobctl_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from bridge.adb.server import AdbServer
    from bridge.device import find_device
    from bridge.errors import DeviceNotFoundError
    from cli import context

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    looks = iter([DeviceNotFoundError("no devices attached"), DeviceNotFoundError("no devices attached")])

    def once(serial: str | None, server: AdbServer) -> object:
        error = next(looks, None)
        if error is None:
            return "found"
        raise error

    monkeypatch.setattr("bridge.device._find_device_once", once)
    monkeypatch.setattr("bridge.device.RECONNECT_POLL", 0.0)
    found: object = find_device("x", AdbServer(), wait=5, on_wait=context._tell_waiting)
    assert found == "found"
    assert terminal.getvalue().splitlines() == [
        "jobctl: no devices attached; waiting up to 5 s (set JOBCTL_DEVICE_WAIT=0 not to wait)"]
