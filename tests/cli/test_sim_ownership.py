"""Issue 15, item 4: virtual devices belong to whoever started them.

Two users (or terminals, or CI jobs) on one machine, each with a private adb server, share the
default state directory: ``sim stop`` and ``sim fault`` without ``-s`` act only on the devices of
the adb server in use, ``sim status`` names each device's adb server, and two ``sim stop`` at once
neither fail nor print a traceback (the bad-input case of a concurrent stop).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import list_devices
from jobctl_sim import daemon
from tests.cli.test_sim_and_devices import jobctl


@pytest.fixture
def second_adb() -> Iterator[PrivateAdbServer]:
    server = PrivateAdbServer().start()
    try:
        yield server
    finally:
        server.stop()


def _start(adb: PrivateAdbServer, state: Path) -> str:
    started = jobctl(adb, "--json", "sim", "start", state_dir=state)
    assert started.returncode == 0, started.stderr
    [serial] = json.loads(started.stdout)["serials"]
    return str(serial)


def test_sim_stop_and_fault_touch_only_the_devices_of_the_adb_server_in_use(
        adb: PrivateAdbServer, second_adb: PrivateAdbServer, tmp_path: Path) -> None:
    state = tmp_path / "shared-state"
    mine, theirs = _start(adb, state), _start(second_adb, state)
    try:
        status = json.loads(jobctl(adb, "--json", "sim", "status", state_dir=state).stdout)
        servers = {row["serial"]: row["adb_server"] for row in status}
        assert servers == {mine: f"tcp:127.0.0.1:{adb.port}", theirs: f"tcp:127.0.0.1:{second_adb.port}"}
        table = jobctl(adb, "sim", "status", state_dir=state, env={"COLUMNS": "200"}).stdout
        assert f"127.0.0.1:{second_adb.port}" in table and "adb server" in table

        dropped = jobctl(adb, "--json", "sim", "fault", "list", state_dir=state)
        assert dropped.returncode == 0, dropped.stderr
        assert [row["address"] for row in json.loads(dropped.stdout)] == [mine]

        stopped = jobctl(adb, "sim", "stop", state_dir=state)
        assert (stopped.returncode, stopped.stdout) == (0, f"stopped {mine}\n")
        assert [r.devices[0].address for r in daemon.records(state)] == [theirs]
        assert [d.serial for d in list_devices(second_adb.server) if d.state == "device"] == [theirs]

        nothing = jobctl(adb, "sim", "fault", "drop", state_dir=state)
        assert nothing.returncode == 8 and nothing.stderr.count("\n") == 1
        assert f"no virtual devices are running on the adb server at tcp:127.0.0.1:{adb.port}" in nothing.stderr
        assert jobctl(adb, "sim", "stop", state_dir=state).stdout == "no virtual devices running\n"
        assert [r.devices[0].address for r in daemon.records(state)] == [theirs]
    finally:
        jobctl(None, "sim", "stop", "--all", state_dir=state)
    assert daemon.records(state) == []


def test_two_sim_stops_at_once_both_succeed_without_a_traceback(adb: PrivateAdbServer, tmp_path: Path) -> None:
    state = tmp_path / "state"
    serial = _start(adb, state)
    environment = dict(adb.env, JOBCTL_STATE_DIR=str(state))
    both = [subprocess.Popen([sys.executable, "-m", "cli.main", "sim", "stop"], env=environment, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outcomes = [(p.wait(60), *p.communicate()) for p in both]
    for code, out, err in outcomes:
        assert code == 0 and err == "", (code, out, err)
        assert out in (f"stopped {serial}\n", "no virtual devices running\n")
    assert daemon.records(state) == []
    assert serial not in [d.serial for d in list_devices(adb.server)]
