"""The device shell lines that carry helper requests and read its events (PROTOCOL.md §2.3,
§2.5, §5.4, §5.5), and the helper's component names. No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a command line is built without loading the request classes
    from bridge.helper_protocol.requests import HelperRequest

HELPER_PACKAGE = "dev.jobctl.helper"
COMMAND_ACTION = "dev.jobctl.helper.COMMAND"
COMMAND_RECEIVER = "dev.jobctl.helper/.CommandReceiver"
SCHEDULE_ACTIVITY = "dev.jobctl.helper/.ScheduleActivity"
JOB_SERVICE = "dev.jobctl.helper/.HelperJobService"
LOGCAT_TAG = "jobctl"
INBOX_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")
JOURNAL_READ_COMMAND = ("run-as dev.jobctl.helper sh -c "
                        "'cat files/journal/previous.jsonl files/journal/current.jsonl 2>/dev/null'")
"""§5.5: the durable read-back."""
LOGCAT_COMMAND = "logcat -v threadtime,uid -s jobctl:I"
"""§5.4: live events, each line with its writer's uid and pid (``bridge.helper_protocol.journal``)."""


def shell_quote(text: str) -> str:
    """``'…'`` with every ``'`` written ``'\\''`` (§2.3)."""
    return "'" + text.replace("'", "'\\''") + "'"


def _check_inbox_name(name: str) -> str:
    if not INBOX_NAME.match(name):
        raise ValueError(f"bad inbox name: {name}")
    return name


def _request_text(request: HelperRequest | str) -> str:
    return request if isinstance(request, str) else request.to_json()


def broadcast_command(request: HelperRequest | str) -> str:
    """§2.3 inline request: the ``am broadcast … --es req '<REQ>'`` shell line."""
    return (f"am broadcast -a {COMMAND_ACTION} -n {COMMAND_RECEIVER} --include-stopped-packages "
            f"--es req {shell_quote(_request_text(request))}")


def inbox_write_command(name: str) -> str:
    """§2.3: the ``run-as`` line that stores stdin as ``files/inbox/NAME``."""
    _check_inbox_name(name)
    return (f"run-as {HELPER_PACKAGE} sh -c 'mkdir -p files/inbox && cat > files/inbox/{name}.tmp "
            f"&& mv files/inbox/{name}.tmp files/inbox/{name}'")


def inbox_remove_command(names: Sequence[str]) -> str:
    """§2.3: the ``run-as`` line that deletes inbox files the host wrote but the helper never took
    (``NAME`` and a cut ``NAME.tmp``): the next call after an interrupted inbox request runs it."""
    if not names:
        raise ValueError("no inbox names to remove")
    paths = " ".join(f"files/inbox/{_check_inbox_name(name)} files/inbox/{name}.tmp" for name in names)
    return f"run-as {HELPER_PACKAGE} sh -c 'rm -f {paths}'"


def inbox_broadcast_command(name: str) -> str:
    """§2.3: the broadcast naming an inbox file (``--es req_file NAME``)."""
    _check_inbox_name(name)
    return (f"am broadcast -a {COMMAND_ACTION} -n {COMMAND_RECEIVER} --include-stopped-packages "
            f"--es req_file {name}")


def activity_commands(request: HelperRequest | str, reply: str) -> tuple[str, str, str]:
    """§2.5: start ``ScheduleActivity``, read the outbox reply, delete it."""
    _check_inbox_name(reply)
    return (f"am start -W -n {SCHEDULE_ACTIVITY} --es req {shell_quote(_request_text(request))} --es reply {reply}",
            f"run-as {HELPER_PACKAGE} cat files/outbox/{reply}",
            f"run-as {HELPER_PACKAGE} rm -f files/outbox/{reply}")
