"""``cmd jobscheduler``'s job verbs as the host reads them: the API levels their options need,
their exit statuses and their "nothing matched" text (``JobSchedulerShellCommand``,
aosp-shell-interface.md §1.1-§1.2). :mod:`bridge.jobs` (the helper's jobs) and
:mod:`bridge.app_jobs` (any app's) drive the same verbs with these; no dataclass or model is
loaded here, so a command that sends one verb pays for nothing else (issue 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bridge.errors import JobctlError

if TYPE_CHECKING:
    from bridge.device import CommandResult
    from bridge.model import StopReason

USER_SYSTEM = 0
"""``run``, ``cancel``, ``get-job-state`` and the byte getters default to user 0; ``stop`` and
``timeout`` to all users (§1.1): every call here names user 0, so all verbs act on the same job."""
STOP_API = 34
"""``cmd jobscheduler stop`` and ``-n NAMESPACE`` (FB-14 ``JobSchedulerShellCommand``)."""
BYTES_API = 34
"""``get-estimated-*-bytes`` / ``get-transferred-*-bytes`` (FB-14)."""
RESET_QUOTA_API = 30
"""``reset-execution-quota`` (and ``reset-schedule-quota``): from Android 11; below, ``Unknown command``."""
NOT_EXECUTING = "No matching executing jobs found."
"""``stop``/``timeout`` when nothing matched (``executeStopCommand``/``executeTimeoutCommand``, exit 0)."""
EXIT_NO_PACKAGE, EXIT_NO_JOB, EXIT_CONSTRAINTS = 24, 23, 22
"""``CMD_ERR_NO_PACKAGE`` / ``CMD_ERR_NO_JOB`` / ``CMD_ERR_CONSTRAINTS`` (-1000/-1001/-1002) as an
exit status (the low byte, §1.2)."""
UNKNOWN_COMMAND = "Unknown command"
"""``ShellCommand.handleDefaultCommands``' answer to a verb the level lacks (exit 255)."""


class VerbUnavailableError(JobctlError):
    """The device's ``cmd jobscheduler`` has no such verb or option at its API level."""


def check_available(verb: str, result: CommandResult, where: str) -> None:
    """:class:`VerbUnavailableError` when the device answered that it does not know ``verb`` or one
    of its options (``Unknown command: VERB`` / ``Error: unknown option 'X'``, exit 255:
    ``ShellCommand.handleDefaultCommands`` / ``BasicShellCommandHandler.getNextOption``), e.g.
    ``stop`` below API 34 or ``run -s`` below 30 (8-10 take only ``-f`` and ``-u``; sources in
    jobctl_sim/framework/jobscheduler/shell_legacy.py). Asking changed nothing on the device;
    ``where`` names it in the message."""
    said = (result.text + result.error_text).strip()
    if result.exit_code == 255 and (said.startswith(UNKNOWN_COMMAND) or "unknown option" in said):
        raise VerbUnavailableError(f"cmd jobscheduler {verb} on {where}: {said.splitlines()[0]}")


def stop_options(reason: StopReason | None, internal_reason: int | None) -> list[str]:
    """``-s REASON [-i INTERNAL]`` of ``cmd jobscheduler stop`` (§1.1): nothing without a reason (an
    internal reason alone is not passed, as the shell takes ``-i`` only with ``-s``)."""
    if reason is None:
        return []
    options = ["-s", str(int(reason))]
    if internal_reason is not None:
        options += ["-i", str(internal_reason)]
    return options
