"""``jobctl sim fault …`` against a running daemon, as a user runs it: every fault kind reaches
the device through the daemon's control socket, and bad requests end in one line."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from tests.cli.test_sim_and_devices import jobctl
from tests.faults.conftest import adb_state
from tests.support.waiting import wait_until


@pytest.fixture
def daemon_serial(own_adb: PrivateAdbServer, tmp_path: Path) -> Iterator[str]:
    started = jobctl(own_adb, "--json", "sim", "start", state_dir=tmp_path)
    assert started.returncode == 0, started.stderr
    try:
        yield json.loads(started.stdout)["serials"][0]
    finally:
        stopped = jobctl(own_adb, "sim", "stop", state_dir=tmp_path)
        assert stopped.returncode == 0, stopped.stderr


def _fault(adb: PrivateAdbServer, state_dir: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = jobctl(adb, "--json", "sim", "fault", *args, state_dir=state_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_armed_faults_fire_on_the_device_and_are_listed(own_adb: PrivateAdbServer, daemon_serial: str,
                                                        tmp_path: Path) -> None:
    serial = daemon_serial
    armed = _fault(own_adb, tmp_path, "slow", "--delay-ms", "300", "--on", "echo slow", "--times", "1")
    assert armed[0]["address"] == serial and armed[0]["id"] >= 1
    _fault(own_adb, tmp_path, "drop-on", "getprop ro.build.version.sdk", "--when", "before")
    listed = _fault(own_adb, tmp_path, "list")[0]
    assert [(a["action"], a["pattern"]) for a in listed["armed"]] == [
        ("delay", "echo slow"), ("drop-before", "getprop ro.build.version.sdk")]

    started = time.monotonic()
    slow = own_adb.adb("-s", serial, "shell", "echo slow")
    assert slow.stdout == "slow\n" and time.monotonic() - started >= 0.3
    device = connect(serial, own_adb.server)
    assert device.api_level == 34  # its first attempt was dropped; it waited and asked again
    fired = _fault(own_adb, tmp_path, "list")[0]["fired"]
    assert [f["kind"] for f in fired] == ["delay", "drop-before"]
    assert _fault(own_adb, tmp_path, "list")[0]["armed"] == []


def test_immediate_faults_reach_the_device(own_adb: PrivateAdbServer, daemon_serial: str, tmp_path: Path) -> None:
    serial = daemon_serial
    assert _fault(own_adb, tmp_path, "overflow-logcat", "--lines", "10")[0]["lines"] == 10
    tail = own_adb.adb("-s", serial, "logcat", "-d", "-s", "chatty_spammer:I").stdout
    assert tail.count("storm line") == 10
    killed = _fault(own_adb, tmp_path, "lmk", "--package", "dev.jobctl.helper")[0]
    assert killed["package"] == "dev.jobctl.helper" and killed["killed"] in (True, False)
    device = connect(serial, own_adb.server)
    _fault(own_adb, tmp_path, "drop")
    assert device.shell(["echo", "after the drop"]).text == "after the drop\n"
    _fault(own_adb, tmp_path, "reboot")
    assert wait_until(lambda: adb_state(own_adb, serial) != "device", 10)
    assert device.shell(["getprop", "sys.boot_completed"], idempotent=True).text.strip() == "1"
    assert _fault(own_adb, tmp_path, "clear")[0]["cleared"] == 0


def test_restarting_the_adb_server_brings_the_virtual_device_back(own_adb: PrivateAdbServer, daemon_serial: str,
                                                                  tmp_path: Path) -> None:
    result = jobctl(own_adb, "sim", "fault", "restart-adb", state_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"adb server tcp:127.0.0.1:{own_adb.port}: restarted"
    # The new server knew nothing of the device; its cable plugged it in again.
    assert wait_until(lambda: adb_state(own_adb, daemon_serial) == "device", 15)


@pytest.mark.parametrize(("args", "message"), [
    (("drop-on", "x", "--after-bytes", "5"), "--after-bytes only goes with --when mid-output"),
    (("slow",), "Missing option '--delay-ms'"),
    (("slow", "--delay-ms", "0"), "0 is not in the range 1<=x<=600000"),
    (("drop-on", "x", "--when", "sideways"), "'sideways' is not one of 'before', 'after', 'mid-output'"),
])
def test_bad_fault_requests_are_usage_errors_in_one_line(args: tuple[str, ...], message: str,
                                                         tmp_path: Path) -> None:
    result = jobctl(None, "sim", "fault", *args, state_dir=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_fault_for_no_running_device_is_one_line_and_exit_8(tmp_path: Path) -> None:
    result = jobctl(None, "sim", "fault", "drop", state_dir=tmp_path)
    assert result.returncode == 8
    assert result.stderr.strip() == "jobctl: error: no virtual devices are running (start some with `jobctl sim start`)"


def test_a_fault_for_an_unknown_serial_names_it(own_adb: PrivateAdbServer, daemon_serial: str,
                                                tmp_path: Path) -> None:
    result = jobctl(own_adb, "-s", "127.0.0.1:1", "sim", "fault", "drop", state_dir=tmp_path)
    assert result.returncode == 8
    assert "no running virtual device is called '127.0.0.1:1'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
