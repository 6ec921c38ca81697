"""The typed result of each command (PROTOCOL.md §3.5), decoded from a response envelope. No I/O.

Each request class has one result class; :func:`result_for` maps a request to its result's type
(``InfoRequest`` -> :class:`InfoResult`, ``ListRequest`` -> ``tuple[PendingJob, ...]`` …) and
:func:`decode_result` does the same for a :class:`Command`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, overload

from bridge.errors import HelperProtocolError
from bridge.helper_protocol.fields import is_int
from bridge.helper_protocol.requests import (
    CancelAllRequest,
    CancelRequest,
    Command,
    EnqueueRequest,
    HelperRequest,
    InfoRequest,
    JournalRequest,
    ListRequest,
    PendingReasonsRequest,
    ResetRequest,
    ScheduleRequest,
)
from bridge.helper_protocol.responses import HelperResponse, Reader, decode_response
from bridge.model.enums import PendingReason, Priority
from bridge.model.events import JobEvent


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
class PendingJob:
    """One entry of the ``list`` result (§3.5); ``None`` where the getter is missing on the level."""

    job_id: int
    namespace: str | None
    pending_reason: PendingReason | int | None
    periodic: bool
    interval_ms: int
    flex_ms: int
    min_latency_ms: int
    override_deadline_ms: int
    persisted: bool
    expedited: bool | None
    user_initiated: bool | None
    prefetch: bool | None
    priority: Priority | int | None
    requires_network: bool
    estimated_download_bytes: int | None
    estimated_upload_bytes: int | None


@dataclass(frozen=True)
class PendingReasonsEntry:
    """One ``PendingJobReasonsInfo`` (API 36): when, and the reasons then."""

    timestamp_ms: int
    reasons: tuple[PendingReason | int, ...]


@dataclass(frozen=True)
class PendingReasons:
    """The ``pending_reasons`` result (§3.5): ``None`` where the device's level lacks the getter --
    ``reason`` below 34, ``reasons``/``history`` below 36, ``stats`` below 37."""

    job_id: int
    namespace: str | None
    reason: PendingReason | int | None
    reasons: tuple[PendingReason | int, ...] | None
    history: tuple[PendingReasonsEntry, ...] | None
    stats: tuple[tuple[PendingReason | int, int], ...] | None
    """(reason, cumulative ms waited for it), ascending reason; several reasons count at once."""


@dataclass(frozen=True)
class JournalResult:
    events: tuple[JobEvent, ...]
    next_seq: int
    first_seq: int
    dropped_before_seq: int | None
    epoch: str | None = None
    """The journal's epoch (PROTOCOL.md §5.6); None from a helper older than 1.3."""


@dataclass(frozen=True)
class ResetResult:
    cleared_journal: bool


PendingJobs = tuple[PendingJob, ...]
"""The ``list`` result."""

CommandResult = (InfoResult | JobRef | EnqueueResult | CancelAllResult | PendingJobs | PendingReasons | JournalResult
                 | ResetResult)
"""Any command's result."""

ResponseText = HelperResponse | str | Mapping[str, object]
"""A decoded envelope, its JSON text or its JSON object."""


EPOCH_PATTERN = re.compile(r"[0-9a-f]{16}")
"""PROTOCOL.md §5.6: a journal epoch is exactly 16 lowercase hex digits."""


def _opt_epoch(r: Reader, what: str) -> str | None:
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
                      _opt_epoch(journal, "info result: journal"))


def _pending_job(raw: object, index: int) -> PendingJob:
    job = Reader(raw, f"list result: jobs[{index}]")
    reason = job.opt_int("pending_reason")
    priority = job.opt_int("priority")
    return PendingJob(
        job_id=job.req_int("job_id"), namespace=job.opt_str("namespace"),
        pending_reason=None if reason is None else PendingReason.parse(reason),
        periodic=job.req_bool("periodic"), interval_ms=job.req_int("interval_ms"), flex_ms=job.req_int("flex_ms"),
        min_latency_ms=job.req_int("min_latency_ms"), override_deadline_ms=job.req_int("override_deadline_ms"),
        persisted=job.req_bool("persisted"), expedited=job.opt_bool("expedited"),
        user_initiated=job.opt_bool("user_initiated"), prefetch=job.opt_bool("prefetch"),
        priority=None if priority is None else (Priority(priority) if priority in Priority._value2member_map_
                                                else priority),
        requires_network=job.req_bool("requires_network"),
        estimated_download_bytes=job.opt_int("estimated_download_bytes"),
        estimated_upload_bytes=job.opt_int("estimated_upload_bytes"))


def _reason_list(raw: object, what: str) -> tuple[PendingReason | int, ...]:
    if not isinstance(raw, (list, tuple)) or not all(is_int(v) for v in raw):
        raise HelperProtocolError(f"malformed {what}: expected an array of integers")
    return tuple(PendingReason.parse(int(v)) for v in raw)


def _pending_reasons(r: Reader) -> PendingReasons:
    reason = r.opt_int("reason")
    reasons = None if r.raw.get("reasons") is None else _reason_list(r.raw.get("reasons"), "reasons")
    history = None
    if r.raw.get("history") is not None:
        entries = []
        for n, raw in enumerate(r.req_list("history")):
            entry = Reader(raw, f"pending_reasons result: history[{n}]")
            entries.append(PendingReasonsEntry(entry.req_int("timestamp_ms"),
                                               _reason_list(entry.raw.get("reasons"), f"history[{n}].reasons")))
        history = tuple(entries)
    stats = None
    if r.raw.get("stats") is not None:
        pairs = []
        for n, raw in enumerate(r.req_list("stats")):
            entry = Reader(raw, f"pending_reasons result: stats[{n}]")
            pairs.append((PendingReason.parse(entry.req_int("reason")), entry.req_int("ms")))
        stats = tuple(pairs)
    return PendingReasons(r.req_int("job_id"), r.opt_str("namespace"),
                          None if reason is None else PendingReason.parse(reason), reasons, history, stats)


def _event(raw: object, index: int) -> JobEvent:
    if not isinstance(raw, Mapping):
        raise HelperProtocolError(f"malformed journal result: events[{index}]: expected object")
    try:
        return JobEvent.from_json(raw)
    except ValueError as exc:
        raise HelperProtocolError(f"malformed journal result: events[{index}]: {exc}") from None


def _journal(r: Reader) -> JournalResult:
    events = tuple(_event(e, n) for n, e in enumerate(r.req_list("events")))
    return JournalResult(events, r.req_int("next_seq"), r.req_int("first_seq"), r.opt_int("dropped_before_seq"),
                         _opt_epoch(r, "journal result"))


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
        return tuple(_pending_job(j, n) for n, j in enumerate(r.req_list("jobs")))
    if cmd is Command.PENDING_REASONS:
        return _pending_reasons(r)
    if cmd is Command.JOURNAL:
        return _journal(r)
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
