"""Two snapshots at once on one device do not restore each other's values (issue 17, item 3).

Before: a second process's ``snapshot()`` read the first one's changes as its originals and put
them back after the first had restored -- the device ended with charging off. Now a snapshot
holds a lease recorded on the device (:mod:`bridge.conditions.lease`); the second process gets a
one-line :class:`ConditionsBusyError` (``jobctl``: exit 9) and changes nothing, a lease whose
holder died is taken over once it expires, and snapshots nested in one process share it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.conditions import Conditions
from bridge.conditions.lease import LEASE_DIR, ConditionsBusyError
from bridge.device import Device, connect
from tests.support.waiting import wait_until

HOLDER = textwrap.dedent("""
    import sys
    from bridge.adb.server import AdbServer
    from bridge.conditions import Conditions
    from bridge.device import connect

    conditions = Conditions(connect(sys.argv[1], AdbServer()), lease_ttl=float(sys.argv[2]))
    with conditions.snapshot():
        conditions.set_charging(False)
        conditions.set_battery_level(33)
        print("held", flush=True)
        sys.stdin.readline()  # until the test says so (or the process is killed)
    print("restored", flush=True)
""")


@pytest.fixture
def device(adb: PrivateAdbServer, serial: str) -> Iterator[Device]:
    yield connect(serial, adb.server)


def _holder(adb: PrivateAdbServer, serial: str, ttl: float) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, serial, str(ttl)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=adb.env,
                               cwd=os.getcwd())
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held", process.stderr.read() if process.stderr else ""
    return process


def _battery(device: Device) -> tuple[object, ...]:
    state = Conditions(device).read()
    return state.battery_level, state.plugged, state.charging


def _device_clock(device: Device) -> int:
    return int(device.shell("date +%s", check=True).text)


def test_a_second_process_snapshot_is_refused_in_one_line_and_neither_restores_the_others_values(
        adb: PrivateAdbServer, serial: str, device: Device) -> None:
    original = _battery(device)
    first = _holder(adb, serial, ttl=2.0)
    try:
        # past the first expiry: the holder renews its lease while it runs
        expiry = _device_clock(device) + 3
        assert wait_until(lambda: _device_clock(device) >= expiry, 10)
        second = Conditions(device)
        with pytest.raises(ConditionsBusyError) as refused, second.snapshot():
            second.set_charging(True)  # never reached
        message = str(refused.value)
        assert "\n" not in message and message.startswith(f"{serial}: another snapshot is changing")
        assert _battery(device)[1:] == (False, False)  # the first one's changes stand
        cli = subprocess.run([sys.executable, "-m", "cli.main", "-s", serial, "scenario", "run",
                              "scenarios/charging.toml"], capture_output=True, text=True, timeout=120,
                             env={k: v for k, v in adb.env.items() if k != "ANDROID_SERIAL"})
        assert cli.returncode == 9, cli.stderr
        holder = message.split("held by ", 1)[1].split(",", 1)[0]
        assert re.fullmatch(rf"jobctl: error: {re.escape(serial)}: another snapshot is changing this device's "
                            rf"conditions \(held by {re.escape(holder)}, .*", cli.stderr.strip().splitlines()[-1])
        assert "Traceback" not in cli.stderr
    finally:
        out, err = first.communicate("\n", timeout=60)
    assert first.returncode == 0 and out.strip() == "restored", err
    assert _battery(device) == original
    assert device.shell(f"ls {LEASE_DIR}").exit_code != 0  # released
    with Conditions(device).snapshot() as free:  # free again
        free.set_charging(False)
    assert _battery(device) == original


def test_the_lease_of_a_killed_holder_is_taken_over_once_it_expires(
        adb: PrivateAdbServer, serial: str, device: Device, caplog: pytest.LogCaptureFixture) -> None:
    first = _holder(adb, serial, ttl=2.0)
    first.send_signal(signal.SIGKILL)  # a host crash: nothing is restored, nothing released
    first.wait()
    holder = device.shell(f"cat {LEASE_DIR}/holder", check=True).text.strip()
    assert holder.split(":")[1] == str(first.pid) and len(holder.split(":")) == 4  # host:pid:start:token
    expires = int(device.shell(f"cat {LEASE_DIR}/expires", check=True).text)
    second = Conditions(device)
    if _device_clock(device) < expires:
        with pytest.raises(ConditionsBusyError), second.snapshot():
            pass
    assert wait_until(lambda: _device_clock(device) >= expires, 10)
    with caplog.at_level("WARNING", logger="jobctl.conditions"), second.snapshot():
        assert device.shell(f"cat {LEASE_DIR}/holder", check=True).text.strip() != holder
    assert any("taking over the conditions lease" in r.getMessage() and holder in r.getMessage()
               for r in caplog.records)
    assert device.shell(f"ls {LEASE_DIR}").exit_code != 0


def test_snapshots_nested_in_one_process_share_the_lease_and_the_outer_one_releases_it(device: Device) -> None:
    outer, inner = Conditions(device), Conditions(device)
    original = _battery(device)
    with outer.snapshot():
        outer.set_battery_level(60)
        with inner.snapshot():
            inner.set_charging(False)
        assert device.shell(f"ls {LEASE_DIR}").exit_code == 0  # still the outer one's
        assert _battery(device)[0] == 60
    assert device.shell(f"ls {LEASE_DIR}").exit_code != 0
    assert _battery(device) == original


def test_two_processes_with_the_same_host_pid_and_start_are_different_holders() -> None:
    """Two containers, each running jobctl as pid 1 started at the same tick, on hosts with the
    same name: their holder ids still differ (the per-process random token)."""
    import subprocess
    import sys

    program = ("import os; from unittest import mock; from bridge.conditions import lease; "
               "mock.patch('os.getpid', return_value=1).start(); "
               "mock.patch('socket.gethostname', return_value='ci').start(); "
               "print(lease.holder_id().split(':', 3)[::2][0], lease.holder_id().split(':')[1], "
               "lease.holder_id().split(':')[3])")
    ids = {subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
           for _ in range(2)}
    assert len(ids) == 2 and all(line.split()[:2] == ["ci", "1"] for line in ids)
