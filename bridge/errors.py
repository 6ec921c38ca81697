"""Every error jobctl raises on purpose. Each says what went wrong in one line."""

from __future__ import annotations


class JobctlError(Exception):
    """Base class of jobctl's errors."""


class AdbServerError(JobctlError):
    """The adb server could not be reached or started."""


class DeviceNotFoundError(JobctlError):
    """No device matches the serial asked for (or none is attached)."""


class MultipleDevicesError(JobctlError):
    """Several devices are attached and none was chosen."""


class DeviceOfflineError(JobctlError):
    """The device is known to the adb server but not online (offline, unauthorized, ...)."""


class DeviceConnectionError(JobctlError):
    """The connection to the device broke during a call; the call's outcome is unknown."""


class CommandTimeoutError(JobctlError):
    """A device command did not finish before its deadline."""


class CommandFailedError(JobctlError):
    """A device command exited with a non-zero status where success was required."""

    def __init__(self, command: str, exit_code: int, stderr: str) -> None:
        detail = stderr.strip().splitlines()[-1] if stderr.strip() else "no error output"
        super().__init__(f"`{command}` exited with {exit_code}: {detail}")
        self.command = command
        self.exit_code = exit_code
        self.stderr = stderr
