"""The signal half of :mod:`bench.fault_matrix`: are the device's conditions given back as found?

Each row changes conditions from another process, signals it (or runs two at once), and counts
the conditions that differ between a full readback before and one after. The readback is every
:class:`~bridge.conditions.ConditionsState` field (the helper's app conditions included), every
line of ``dumpsys battery`` (but the charge counter, which moves by itself), every global setting,
the helper's app ops and the conditions lease directory: a key that changed, appeared or
vanished counts once.

* ``jobctl device network none`` is held in the middle of its change (Wi-Fi already off, the read
  of mobile data delayed by the device's fault injector) and sent SIGINT, SIGTERM or SIGHUP;
* a Python program is held inside ``Conditions.snapshot()`` with six conditions changed and sent
  the same signals;
* two such programs start at once: one holds the device's conditions lease, the other is refused
  (:class:`~bridge.conditions.lease.ConditionsBusyError`) and changes nothing; both then end.

Every program starts with the three signals at their defaults, as a terminal starts it, whatever
the bench inherited: a signal the bench ignores (a background job ignores SIGINT, ``nohup``
SIGHUP) would otherwise be ignored by the program too, and its row would measure nothing. And
each ``jobctl`` row starts with Wi-Fi on, so its wait for Wi-Fi off waits for that program.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from bridge.adb.private import PrivateAdbServer
from bridge.conditions import Conditions
from bridge.device import Device
from bridge.helper_protocol import HELPER_PACKAGE
from jobctl_sim.faults import CommandFault, FaultAction
from jobctl_sim.harness import SimHarness

HOLDER = textwrap.dedent("""
    import sys
    from bridge.adb.server import AdbServer
    from bridge.conditions import Conditions
    from bridge.conditions.lease import ConditionsBusyError
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
            print("held", flush=True)
            sys.stdin.readline()  # until the matrix says so, or a signal arrives
    except ConditionsBusyError:
        print("busy", flush=True)
        sys.exit(9)
    except KeyboardInterrupt as stop:  # SIGINT, and SIGTERM/SIGHUP as bridge's Terminated
        print("restored", flush=True)
        sys.exit(getattr(stop, "exit_code", 130))
    print("restored", flush=True)
""")
"""A program that changes six conditions inside a snapshot and holds them."""

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True)
class SignalRow:
    fault: str
    trials: int
    changed: int
    """Conditions that differ from the readback before, summed over the trials."""
    note: str
    seconds: float


def readback(device: Device) -> dict[str, str]:
    """Every condition the matrix's programs can change, keyed one per value."""
    state = Conditions(device).read([HELPER_PACKAGE])
    values: dict[str, str] = {}
    for item in dataclasses.fields(state):
        if item.name in ("battery_seq", "storage_seq"):
            continue
        value = getattr(state, item.name)
        if item.name == "apps":
            for app in value:
                for app_field in dataclasses.fields(app):
                    values[f"app {app.package} {app_field.name}"] = repr(getattr(app, app_field.name))
        else:
            values[item.name] = repr(value)
    for line in device.shell("dumpsys battery", check=True).text.splitlines():
        if ":" in line and "Charge counter" not in line:
            key, _, value = line.partition(":")
            values[f"battery {key.strip()}"] = value.strip()
    for line in device.shell("settings list global", check=True).text.splitlines():
        key, _, value = line.partition("=")
        values[f"global {key}"] = value
    for line in device.shell(["cmd", "appops", "get", HELPER_PACKAGE], check=True).text.splitlines():
        key, _, value = line.partition(":")
        values[f"appops {key.strip()}"] = value.strip()
    values["lease"] = device.shell("ls /data/local/tmp/jobctl/lease 2>/dev/null; true").text.strip()
    return values


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The keys whose value changed, appeared or vanished."""
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


def _finish(process: subprocess.Popen[str], timeout: float = 90) -> tuple[int, str]:
    try:
        _, err = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, err


def _holder(adb: PrivateAdbServer, serial: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", HOLDER, serial, HELPER_PACKAGE], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=adb.env, cwd=os.getcwd())


def _first_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line:
        raise RuntimeError(f"the holder ended before changing anything: {_finish(process)[1].strip()[-500:]}")
    return line


def signal_jobctl(adb: PrivateAdbServer, sim: SimHarness, device: Device, signum: int) -> tuple[int, int]:
    """``jobctl device network none`` held with Wi-Fi off, then ``signum``: (conditions changed, exit code)."""
    if not _wifi_enabled(device):  # an earlier row left it off (counted there): start as the first row did
        Conditions(device).set_wifi(True)
    before = readback(device)
    sim.run(lambda: sim.devices[0].faults.arm(CommandFault(FaultAction.DELAY, "settings get global mobile_data",
                                                           delay=60)))
    environment = {k: v for k, v in adb.env.items() if k != "ANDROID_SERIAL"}
    process = subprocess.Popen([sys.executable, "-m", "cli.main", "-s", device.serial, "device", "network", "none"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    try:
        _wait(lambda: not _wifi_enabled(device), 60, "jobctl to turn Wi-Fi off")
        process.send_signal(signum)
        code, _ = _finish(process)
    finally:
        sim.run(sim.devices[0].faults.disarm)
    return len(changed(before, readback(device))), code


def _wifi_enabled(device: Device) -> bool:
    return "Wifi is enabled" in device.shell("cmd wifi status").text


@contextlib.contextmanager
def _signals_at_default_in_children() -> Iterator[None]:
    """For the block, each of :data:`SIGNALS` the bench ignores gets a handler that does nothing:
    the bench still ignores it, and a program it starts gets it at its default (``exec`` resets
    caught signals, not ignored ones). Main thread only; the previous handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _ignore) for signum in SIGNALS
                if signal.getsignal(signum) is signal.SIG_IGN}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _ignore(signum: int, frame: object) -> None:
    """A handler that does what SIG_IGN does, but is not inherited by the programs started."""


def signal_snapshot(adb: PrivateAdbServer, device: Device, signum: int) -> tuple[int, int]:
    """A Python program inside ``snapshot()`` with six conditions changed, then ``signum``."""
    before = readback(device)
    process = _holder(adb, device.serial)
    if _first_line(process) != "held":
        _finish(process)
        raise RuntimeError("the holder could not take the conditions lease")
    process.send_signal(signum)
    code, _ = _finish(process)
    return len(changed(before, readback(device))), code


def concurrent_snapshots(adb: PrivateAdbServer, device: Device) -> tuple[int, str]:
    """Two programs enter ``snapshot()`` at once; both end: (conditions changed, what each said)."""
    before = readback(device)
    processes = [_holder(adb, device.serial) for _ in range(2)]
    said = [_first_line(process) for process in processes]
    for process in processes:
        if process.poll() is None and process.stdin is not None:
            process.stdin.write("\n")
            process.stdin.flush()
    codes = [_finish(process)[0] for process in processes]
    return len(changed(before, readback(device))), " + ".join(f"{s} (exit {c})" for s, c in zip(said, codes,
                                                                                                 strict=True))


def signal_rows(adb: PrivateAdbServer, sim: SimHarness, device: Device, trials: int) -> list[SignalRow]:
    with _signals_at_default_in_children():
        return _signal_rows(adb, sim, device, trials)


def _signal_rows(adb: PrivateAdbServer, sim: SimHarness, device: Device, trials: int) -> list[SignalRow]:
    rows: list[SignalRow] = []
    for signum in SIGNALS:
        name = signal.Signals(signum).name
        runs: tuple[tuple[str, Callable[[], tuple[int, int]]], ...] = (
            (f"{name} to `jobctl device network none`", partial(signal_jobctl, adb, sim, device, signum)),
            (f"{name} to Python inside conditions.snapshot()", partial(signal_snapshot, adb, device, signum)))
        for label, run in runs:
            started = time.monotonic()
            results = [run() for _ in range(trials)]
            codes = sorted({code for _, code in results})
            rows.append(SignalRow(label, trials, sum(count for count, _ in results),
                                  f"exit {', '.join(map(str, codes))}", round(time.monotonic() - started, 1)))
    started = time.monotonic()
    results_c = [concurrent_snapshots(adb, device) for _ in range(trials)]
    rows.append(SignalRow("two concurrent snapshots", trials, sum(count for count, _ in results_c),
                          "; ".join(sorted({note for _, note in results_c})), round(time.monotonic() - started, 1)))
    return rows
