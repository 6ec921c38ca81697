"""SIGTERM and SIGHUP give the device back as found, as Ctrl-C does (issue 17, item 3).

Before: a process killed with SIGTERM inside ``Conditions.snapshot()`` died at once -- 24 of 25
trials left charging, battery, Wi-Fi, storage, Doze and the background restriction changed. Each
test here runs a real subprocess (a Python program using the library, or ``jobctl``) against the
virtual device through the real adb server, changes conditions, signals it, and compares every
condition on the device with what it was before.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.conditions import Conditions
from bridge.device import Device, connect
from bridge.helper_protocol import HELPER_PACKAGE
from jobctl_sim.faults import CommandFault, FaultAction
from jobctl_sim.harness import SimHarness
from tests.support.waiting import wait_until

SIGNALS = [pytest.param(signal.SIGTERM, 143, id="SIGTERM"), pytest.param(signal.SIGHUP, 129, id="SIGHUP")]

HOLDER = textwrap.dedent("""
    import sys, threading
    from bridge.adb.server import AdbServer
    from bridge.conditions import Conditions
    from bridge.signals import Terminated
    from bridge.device import connect

    conditions = Conditions(connect(sys.argv[1], AdbServer()))
    try:
        with conditions.snapshot():
            conditions.set_charging(False)
            conditions.set_battery_level(42)
            conditions.set_wifi(False)
            conditions.set_storage_low(True)
            conditions.set_doze(True)
            conditions.set_background_restricted(sys.argv[2], True)
            print("changed", flush=True)
            threading.Event().wait(120)  # until a signal arrives
    except Terminated as stop:
        print(f"restored after {stop}", flush=True)
        sys.exit(stop.exit_code)
""")


def device_view(device: Device) -> dict[str, str]:
    """Every condition the snapshot above changes, as the device prints it."""
    state = replace(Conditions(device).read([HELPER_PACKAGE]), battery_seq=0, storage_seq=0)  # counters
    battery = "\n".join(line for line in device.shell("dumpsys battery", check=True).text.splitlines()
                        if "Charge counter" not in line)
    return {"state": repr(state), "battery": battery,
            "constants": device.shell("settings get global battery_stats_constants", check=True).text,
            "settings": device.shell("settings list global", check=True).text,
            "appops": device.shell(["cmd", "appops", "get", HELPER_PACKAGE], check=True).text,
            "lease": device.shell("ls /data/local/tmp/jobctl; true", check=True).text}


@pytest.fixture
def device(adb: PrivateAdbServer, serial: str) -> Iterator[Device]:
    yield connect(serial, adb.server)


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
def test_a_signal_to_a_python_process_inside_a_snapshot_restores_every_condition(
        adb: PrivateAdbServer, serial: str, device: Device, signum: int, code: int) -> None:
    before = device_view(device)
    process = subprocess.Popen([sys.executable, "-c", HOLDER, serial, HELPER_PACKAGE], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=adb.env, cwd=os.getcwd())
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "changed", process.stderr.read() if process.stderr else ""
        assert device_view(device) != before
        process.send_signal(signum)
        out, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == code, err
    assert out.strip() == f"restored after terminated by {signal.Signals(signum).name}"
    assert "Traceback" not in err
    assert device_view(device) == before


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
def test_a_signal_to_jobctl_in_the_middle_of_a_device_change_puts_back_what_it_had_changed(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, device: Device, signum: int, code: int) -> None:
    before = device_view(device)
    # `device network none` turns Wi-Fi off, then reads mobile data before turning it off: that
    # read is held for a minute, so the signal lands with Wi-Fi already off.
    sim.run(lambda: sim.devices[0].faults.arm(CommandFault(FaultAction.DELAY, "settings get global mobile_data",
                                                           delay=60)))
    environment = {k: v for k, v in adb.env.items() if k != "ANDROID_SERIAL"}
    process = subprocess.Popen([sys.executable, "-m", "cli.main", "-s", serial, "device", "network", "none"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    try:
        assert wait_until(lambda: "Wifi is disabled" in device.shell("cmd wifi status").text, 30)
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == code, err
    assert err.splitlines() == [f"jobctl: terminated by {signal.Signals(signum).name}"]
    assert out == ""
    assert device_view(device) == before


def test_ctrl_c_to_jobctl_in_the_middle_of_a_device_change_puts_back_what_it_had_changed_too(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, device: Device) -> None:
    before = device_view(device)
    sim.run(lambda: sim.devices[0].faults.arm(CommandFault(FaultAction.DELAY, "settings get global mobile_data",
                                                           delay=60)))
    environment = {k: v for k, v in adb.env.items() if k != "ANDROID_SERIAL"}
    process = subprocess.Popen([sys.executable, "-m", "cli.main", "-s", serial, "device", "network", "none"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    try:
        assert wait_until(lambda: "Wifi is disabled" in device.shell("cmd wifi status").text, 30)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (process.returncode, err.splitlines()) == (130, ["jobctl: interrupted"])
    assert device_view(device) == before


def test_the_snapshot_leaves_the_programs_own_signal_handlers_alone_and_puts_back_the_defaults(
        device: Device) -> None:
    conditions = Conditions(device)
    # As a program starts (the suite's own fixtures turn SIGTERM into an interrupt while they run).
    previous_term = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    previous_hup = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # nohup: stays ignored
    try:
        with conditions.snapshot():
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGHUP, previous_hup)


def test_sigterm_ends_jobctl_watch_as_ctrl_c_does_with_exit_143(adb: PrivateAdbServer, serial: str) -> None:
    environment = {k: v for k, v in adb.env.items() if k != "ANDROID_SERIAL"}
    process = subprocess.Popen([sys.executable, "-m", "cli.main", "-s", serial, "watch"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**environment, "NO_COLOR": "1"})
    try:
        assert process.stdout is not None
        assert "watching" in process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 143, err
    assert out.strip().splitlines()[-1] == "stopped watching"
    assert "Traceback" not in err


SCENARIO = """
[scenario]
name = "held"
description = "Changes conditions, then pauses until it is stopped."

[[step]]
action = "device"
charging = false
wifi = false
storage_low = true

[[step]]
action = "wait"
seconds = 120
"""


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
def test_a_signal_to_jobctl_scenario_run_restores_what_the_scenario_changed(
        adb: PrivateAdbServer, serial: str, device: Device, tmp_path: Path, signum: int, code: int) -> None:
    before = device_view(device)
    scenario = tmp_path / "held.toml"
    scenario.write_text(SCENARIO)
    environment = {k: v for k, v in adb.env.items() if k != "ANDROID_SERIAL"}
    process = subprocess.Popen([sys.executable, "-m", "cli.main", "-s", serial, "scenario", "run", str(scenario)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    try:
        # the last change of the first step: storage low, as JobScheduler sees it
        assert wait_until(lambda: device.shell("cmd jobscheduler get-storage-not-low").text.strip() == "false", 60)
        process.send_signal(signum)
        _, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == code, err
    assert err.strip().splitlines()[-1] == f"jobctl: terminated by {signal.Signals(signum).name}"
    assert "Traceback" not in err
    assert device_view(device) == before


LOADING = textwrap.dedent("""
    import os, signal, sys, threading
    sys.argv[0] = "/usr/local/bin/jobctl"  # as the console script runs it
    import cli.main  # the start-up handlers are set while jobctl loads ...
    os.kill(os.getpid(), int(sys.argv[1]))  # ... and a signal comes before main() runs
    threading.Event().wait(30)
""")


@pytest.mark.parametrize(("signum", "code", "line"), [
    (signal.SIGINT, 130, "jobctl: interrupted"), (signal.SIGTERM, 143, "jobctl: terminated by SIGTERM"),
    (signal.SIGHUP, 129, "jobctl: terminated by SIGHUP")], ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_while_jobctl_is_still_loading_is_one_line_and_its_exit_code(signum: int, code: int,
                                                                               line: str) -> None:
    result = subprocess.run([sys.executable, "-c", LOADING, str(int(signum))], capture_output=True, text=True,
                            timeout=60)
    assert (result.returncode, result.stderr, result.stdout) == (code, line + "\n", "")


def test_importing_the_cli_as_a_library_sets_no_signal_handler() -> None:
    result = subprocess.run([sys.executable, "-c", "import signal, cli.main; "
                             "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler, "
                             "signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)"],
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["True", "True"], result.stderr
