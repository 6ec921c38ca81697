"""The ``list`` and ``pending_reasons`` results (PROTOCOL.md §3.5): the helper's pending jobs
and why one of them waits. No I/O; decoded by :func:`.results.decode_result`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bridge.errors import HelperProtocolError
from bridge.helper_protocol.fields import is_int
from bridge.helper_protocol.responses import Reader
from bridge.model.enums import Priority
from bridge.model.reasons import PendingReason


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


PendingJobs = tuple[PendingJob, ...]
"""The ``list`` result."""


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


def decode_pending_reasons(r: Reader) -> PendingReasons:
    """The ``pending_reasons`` result."""
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


def decode_pending_jobs(r: Reader) -> PendingJobs:
    """The ``list`` result's ``jobs``."""
    return tuple(_pending_job(j, n) for n, j in enumerate(r.req_list("jobs")))
