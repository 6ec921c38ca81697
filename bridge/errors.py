"""Every error jobctl raises on purpose. Each says what went wrong in one line."""

from __future__ import annotations


COMMAND_SHOWN = 80
"""How much of a device command line an error message shows."""


def shown_command(command: str) -> str:
    """A command line as error messages show it: its start only. A helper request carries the
    job's extras in its command line, and error messages end up in CI logs (the whole line stays
    in the exception's ``command`` attribute)."""
    return command if len(command) <= COMMAND_SHOWN else command[:COMMAND_SHOWN - 1] + "…"


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


class OutcomeUnknownError(DeviceConnectionError):
    """The connection broke after a command reached the device and before its answer came back,
    and the command is not idempotent, so it was not sent again: it may or may not have taken
    effect. Read the device's state (``jobctl jobs``, ``jobctl stops``) before repeating it."""

    def __init__(self, serial: str, command: str, cause: str) -> None:
        super().__init__(f"{serial}: connection lost during `{shown_command(command)}` ({cause}); it may or may not "
                         "have taken effect and was not repeated because repeating it is not safe")
        self.serial = serial
        self.command = command


TRANSPORT_ERRORS: tuple[type[JobctlError], ...] = (AdbServerError, DeviceNotFoundError, DeviceOfflineError,
                                                   DeviceConnectionError)
"""What a device call raises when the device could not be reached or the connection broke (after
its reconnect wait): a caller that already changed something on the device before such a call
turns it into :class:`OutcomeUnknownError` instead of passing the bare transport message on."""


class InvalidCommandError(JobctlError, ValueError):
    """A device command that cannot be sent as it is (refused before the device is touched)."""


class CommandTimeoutError(JobctlError):
    """A device command did not finish before its deadline."""


class OutputLimitError(JobctlError):
    """A device command printed more than the caller's limit; jobctl stopped reading it (and the
    command) instead of holding it all in memory."""

    def __init__(self, serial: str, command: str, limit: int) -> None:
        super().__init__(f"{serial}: `{shown_command(command)}` printed more than {limit} bytes; stopped reading "
                         "(jobctl's limit for its answer)")
        self.command = command
        self.limit = limit


class CommandFailedError(JobctlError):
    """A device command exited with a non-zero status where success was required."""

    def __init__(self, command: str, exit_code: int, stderr: str) -> None:
        detail = stderr.strip().splitlines()[-1] if stderr.strip() else "no error output"
        super().__init__(f"`{shown_command(command)}` exited with {exit_code}: {detail}")
        self.command = command
        self.exit_code = exit_code
        self.stderr = stderr


class InvalidConditionError(JobctlError, ValueError):
    """A device-condition request was refused before anything on the device changed."""


class UnknownPackageError(InvalidConditionError):
    """The package is not installed on the device (``pm path`` found nothing)."""


class ConditionError(JobctlError):
    """A device condition could not be changed, read back or restored."""


class ConditionTimeoutError(ConditionError):
    """A condition's readback did not reach the wanted value before its deadline."""


class NetworkCutRiskError(ConditionError):
    """The change would cut the network the adb connection itself rides on (pass ``force=True``)."""


class ConditionRestoreError(ConditionError):
    """One or more steps of restoring the original device conditions failed (all were tried)."""

    def __init__(self, failures: list[str]) -> None:
        super().__init__(f"{len(failures)} restore step(s) failed: " + "; ".join(failures))
        self.failures = list(failures)


class JobSpecError(JobctlError):
    """A job spec or work item the device would refuse (bridge.validation).

    ``java_type`` is the exception the platform would throw (``java.lang.IllegalArgumentException``
    …) and ``message`` its text verbatim; ``java_type`` is None for jobctl's own refusals (an
    option the device's API level lacks, a value the helper protocol rejects), whose ``option``
    names the field path (``spec.expedited``) and ``min_api`` the level it needs, if that is why.
    """

    def __init__(self, message: str, java_type: str | None = None, option: str | None = None,
                 min_api: int | None = None) -> None:
        simple = java_type.rsplit(".", 1)[-1] if java_type else None
        super().__init__(f"{simple}: {message}" if simple else message)
        self.message = message
        self.java_type = java_type
        self.option = option
        self.min_api = min_api


class HelperError(JobctlError):
    """The helper answered a command with a structured error (PROTOCOL.md §4)."""

    def __init__(self, code: str, message: str | None, java_type: str | None = None,
                 details: dict[str, object] | None = None) -> None:
        text = message if message is not None else "(no message)"
        super().__init__(f"helper error {code}: {java_type + ': ' if java_type else ''}{text}")
        self.code = code
        self.message = message
        self.java_type = java_type
        self.details = details


class HelperProtocolError(JobctlError):
    """The helper's output does not follow PROTOCOL.md (no ``Broadcast completed`` line, bad JSON …)."""


class HelperMissingError(JobctlError):
    """The helper app is not installed (and no APK was given to install)."""


class HelperIncompatibleError(JobctlError):
    """The installed helper speaks no protocol version this jobctl knows."""


class JobNotFoundError(JobctlError):
    """JobScheduler has no such job (``cmd jobscheduler`` exit 23)."""


class JobNotReadyError(JobctlError):
    """``run -s``: the job's constraints are not satisfied (exit 22)."""


class WaitTimeoutError(JobctlError):
    """What was waited for did not happen before the deadline."""
