"""The typed result of each command (PROTOCOL.md §3.5), decoded from a response envelope. No I/O.

Each request class has one result class; :func:`result_for` maps a request to its result's type
(``InfoRequest`` -> :class:`InfoResult`, ``ListRequest`` -> ``tuple[PendingJob, ...]`` …) and
:func:`decode_result` does the same for a :class:`Command`. The small acknowledgements are here;
the ``list`` and ``pending_reasons`` results are :mod:`.pending_results` and the ``journal``
result :mod:`.journal_result`, loaded when such a result is decoded (issue 16: start-up).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias, overload

from bridge.errors import HelperProtocolError
from bridge.helper_protocol.fields import is_int
from bridge.helper_protocol.requests import Command
from bridge.helper_protocol.responses import HelperResponse, Reader, decode_response

if TYPE_CHECKING:
    from bridge.helper_protocol.job_requests import (
        CancelAllRequest,
        CancelRequest,
        ListRequest,
        PendingReasonsRequest,
    )
    from bridge.helper_protocol.journal_requests import JournalRequest, ResetRequest
    from bridge.helper_protocol.journal_result import JournalResult
    from bridge.helper_protocol.pending_results import PendingJobs, PendingReasons
    from bridge.helper_protocol.requests import HelperRequest, InfoRequest
    from bridge.helper_protocol.spec_requests import EnqueueRequest, ScheduleRequest


@dataclass(frozen=True)
class InfoResult:
    """``info``: the helper build, the protocols it speaks, the device level and the journal's range."""

    package: str
    helper_version: str
    version_code: int
    protocol_version: int
    protocol_versions: tuple[int, ...]
    api_level: int
    journal_first_seq: int
    journal_next_seq: int
    journal_epoch: str | None = None
    """The journal's epoch (PROTOCOL.md §5.6, helper 1.3+): 16 lowercase hex digits that change when
    the helper's data is wiped and ``seq`` restarts at 1; None from an older helper."""


@dataclass(frozen=True)
class JobRef:
    """``schedule`` / ``cancel`` result: ``{"job_id":1,"namespace":null}``."""

    job_id: int
    namespace: str | None


@dataclass(frozen=True)
class EnqueueResult:
    job_id: int
    namespace: str | None
    enqueued: int


@dataclass(frozen=True)
class CancelAllResult:
    scope: str
    """``namespace`` or ``all``."""
    namespace: str | None


@dataclass(frozen=True)
class ResetResult:
    cleared_journal: bool


CommandResult: TypeAlias = ("InfoResult | JobRef | EnqueueResult | CancelAllResult | PendingJobs | PendingReasons "
                            "| JournalResult | ResetResult")
"""Any command's result (a forward reference: the ``list``, ``pending_reasons`` and ``journal``
results' modules load only when such a result is decoded)."""

ResponseText = HelperResponse | str | Mapping[str, object]
"""A decoded envelope, its JSON text or its JSON object."""


EPOCH_PATTERN = re.compile(r"[0-9a-f]{16}")
"""PROTOCOL.md §5.6: a journal epoch is exactly 16 lowercase hex digits."""


def opt_epoch(r: Reader, what: str) -> str | None:
    """The ``epoch`` field (PROTOCOL.md §5.6), checked; None from a helper older than 1.3."""
    epoch = r.opt_str("epoch")
    if epoch is not None and EPOCH_PATTERN.fullmatch(epoch) is None:
        raise HelperProtocolError(f"malformed {what}: field epoch: expected 16 lowercase hex digits")
    return epoch


def _info(r: Reader) -> InfoResult:
    journal = Reader(r.req_object("journal"), "info result: journal")
    versions: list[int] = []
    for version in r.req_list("protocol_versions"):
        if not is_int(version):
            raise HelperProtocolError("malformed info result: field protocol_versions: expected integers")
        versions.append(version)
    return InfoResult(r.req_str("package"), r.req_str("helper_version"), r.req_int("version_code"),
                      r.req_int("protocol_version"), tuple(versions), r.req_int("api_level"),
                      journal.req_int("first_seq"), journal.req_int("next_seq"),
                      opt_epoch(journal, "info result: journal"))


def _result_reader(command: Command, response: ResponseText) -> Reader:
    """The ``result`` object of ``response``; raises the response's :class:`~bridge.errors.HelperError`."""
    resp = response if isinstance(response, HelperResponse) else decode_response(response)
    if not resp.ok:
        if resp.error is None:
            raise HelperProtocolError("helper response is neither ok nor an error")
        raise resp.error
    return Reader(resp.result or {}, f"{command.value} result")


@overload
def decode_result(command: Literal[Command.INFO, "info"], response: ResponseText) -> InfoResult: ...
@overload
def decode_result(command: Literal[Command.SCHEDULE, Command.CANCEL, "schedule", "cancel"],
                  response: ResponseText) -> JobRef: ...
@overload
def decode_result(command: Literal[Command.ENQUEUE, "enqueue"], response: ResponseText) -> EnqueueResult: ...
@overload
def decode_result(command: Literal[Command.CANCEL_ALL, "cancel_all"], response: ResponseText) -> CancelAllResult: ...
@overload
def decode_result(command: Literal[Command.LIST, "list"], response: ResponseText) -> PendingJobs: ...
@overload
def decode_result(command: Literal[Command.PENDING_REASONS, "pending_reasons"],
                  response: ResponseText) -> PendingReasons: ...
@overload
def decode_result(command: Literal[Command.JOURNAL, "journal"], response: ResponseText) -> JournalResult: ...
@overload
def decode_result(command: Literal[Command.RESET, "reset"], response: ResponseText) -> ResetResult: ...
@overload
def decode_result(command: Command | str, response: ResponseText) -> CommandResult: ...
def decode_result(command: Command | str, response: ResponseText) -> CommandResult:
    """The typed result of ``command``'s response; raises the response's :class:`~bridge.errors.HelperError`,
    or :class:`HelperProtocolError` when a field is missing or of the wrong type.

    ``list`` gives a ``tuple[PendingJob, ...]``; the other commands their result class.
    """
    cmd = Command(command) if isinstance(command, str) else command
    r = _result_reader(cmd, response)
    if cmd is Command.INFO:
        return _info(r)
    if cmd in (Command.SCHEDULE, Command.CANCEL):
        return JobRef(r.req_int("job_id"), r.opt_str("namespace"))
    if cmd is Command.ENQUEUE:
        return EnqueueResult(r.req_int("job_id"), r.opt_str("namespace"), r.req_int("enqueued"))
    if cmd is Command.CANCEL_ALL:
        return CancelAllResult(r.req_str("scope"), r.opt_str("namespace"))
    if cmd is Command.LIST:
        from bridge.helper_protocol.pending_results import decode_pending_jobs

        return decode_pending_jobs(r)
    if cmd is Command.PENDING_REASONS:
        from bridge.helper_protocol.pending_results import decode_pending_reasons

        return decode_pending_reasons(r)
    if cmd is Command.JOURNAL:
        from bridge.helper_protocol.journal_result import decode_journal_result

        return decode_journal_result(r)
    return ResetResult(r.req_bool("cleared_journal"))


@overload
def result_for(request: InfoRequest, response: ResponseText) -> InfoResult: ...
@overload
def result_for(request: ScheduleRequest | CancelRequest, response: ResponseText) -> JobRef: ...
@overload
def result_for(request: EnqueueRequest, response: ResponseText) -> EnqueueResult: ...
@overload
def result_for(request: CancelAllRequest, response: ResponseText) -> CancelAllResult: ...
@overload
def result_for(request: ListRequest, response: ResponseText) -> PendingJobs: ...
@overload
def result_for(request: PendingReasonsRequest, response: ResponseText) -> PendingReasons: ...
@overload
def result_for(request: JournalRequest, response: ResponseText) -> JournalResult: ...
@overload
def result_for(request: ResetRequest, response: ResponseText) -> ResetResult: ...
@overload
def result_for(request: HelperRequest, response: ResponseText) -> CommandResult: ...
def result_for(request: HelperRequest, response: ResponseText) -> CommandResult:
    """The typed result of the response to ``request`` (its class decides the result's)."""
    return decode_result(request.command, response)
