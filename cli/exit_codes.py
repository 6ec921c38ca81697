"""Exit codes of ``jobctl`` (documented in docs/cli-json.md)."""

from __future__ import annotations

import enum
import sys


class ExitCode(enum.IntEnum):
    OK = 0
    FAILURE = 1
    """The command ran and what it checked failed (a scenario expectation, a device command)."""
    USAGE = 2
    """Bad arguments (click's own code for usage errors)."""
    NO_DEVICE = 3
    """No device, or the serial asked for is not attached."""
    MULTIPLE_DEVICES = 4
    """Several devices and no -s/ANDROID_SERIAL."""
    ADB_SERVER = 5
    """The adb server could not be reached or started."""
    DEVICE_UNAVAILABLE = 6
    """The device is offline or the connection broke during the command."""
    TIMEOUT = 7
    """A wait or a device command ran past its deadline."""
    SIM = 8
    """A virtual device could not be started or stopped."""
    BUSY = 9
    """Another process's snapshot holds the device's conditions (bridge.conditions.lease)."""
    HANGUP = 129
    """SIGHUP (128 + 1): the terminal went away; changed conditions were put back."""
    INTERRUPTED = 130
    TERMINATED = 143
    """SIGTERM (128 + 15): asked to stop; changed conditions were put back."""


def for_exception(error: BaseException) -> ExitCode:
    """The exit code for a :class:`bridge.errors.JobctlError` subclass."""
    from bridge import errors

    table: list[tuple[type[BaseException], ExitCode]] = [
        (errors.DeviceNotFoundError, ExitCode.NO_DEVICE),
        (errors.MultipleDevicesError, ExitCode.MULTIPLE_DEVICES),
        (errors.AdbServerError, ExitCode.ADB_SERVER),
        (errors.DeviceOfflineError, ExitCode.DEVICE_UNAVAILABLE),
        (errors.DeviceConnectionError, ExitCode.DEVICE_UNAVAILABLE),
        (errors.CommandTimeoutError, ExitCode.TIMEOUT),
        (errors.ConditionTimeoutError, ExitCode.TIMEOUT),
    ]
    # A SimError can only come from a command that loaded the virtual device's fleet; for every
    # other command, importing it just to rule it out would cost ~60 ms of a failing command.
    fleet = sys.modules.get("jobctl_sim.fleet")
    if fleet is not None:
        table.append((fleet.SimError, ExitCode.SIM))
    lease = sys.modules.get("bridge.conditions.lease")  # loaded by every command that takes a lease
    if lease is not None:
        table.append((lease.ConditionsBusyError, ExitCode.BUSY))
    for kind, code in table:
        if isinstance(error, kind):
            return code
    return ExitCode.FAILURE


def for_interrupt(stop: KeyboardInterrupt) -> int:
    """130 for Ctrl-C; 128 + the signal (143 SIGTERM, 129 SIGHUP) for a KeyboardInterrupt that
    carries one (``bridge.signals.Terminated``)."""
    signum = getattr(stop, "signum", None)
    return 128 + signum if isinstance(signum, int) else ExitCode.INTERRUPTED
