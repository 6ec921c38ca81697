"""Executions of jobs, rebuilt from the helper's journal (PROTOCOL.md §5.2, §7).

A run opens with ``started`` and ends with the first of ``finished``, ``stopped``, an
``error`` that ended the script (``where`` ``dequeue_work``/``complete_work``/``job_finished``,
§7.4) or ``process_started`` (the process died under it). A ``stopped`` that arrives after the
run ended (the platform's stop after an error, §7.4) is still recorded on that run.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, UTC
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bridge.model.reasons import StopReason
from bridge.model.events import EventKind, JobEvent

if TYPE_CHECKING:  # bridge.model.spec (with .script: 17 dataclasses) loads when bytes are counted (issue 16)
    from bridge.model.spec import ByteEstimate

RUN_ENDING_ERRORS = frozenset({"dequeue_work", "complete_work", "job_finished"})
"""``error.where`` values after which the script makes no further platform calls (§7.4)."""


class RunEnd(enum.Enum):
    """How a run ended."""

    FINISHED = "finished"
    """``jobFinished`` or work exhausted (``finished`` event)."""
    STOPPED = "stopped"
    """The platform called ``onStopJob`` (``stopped`` event)."""
    ERROR = "error"
    """A platform call in the script threw and the script ended (§7.4)."""
    PROCESS_DIED = "process_died"
    """A ``process_started`` came while the run was open: the process died under it."""


class WorkOutcome(enum.Enum):
    """What became of one dequeued work item within one run."""

    COMPLETED = "completed"
    INCOMPLETE = "incomplete"
    """The item script ended with ``complete: false``: the platform redelivers it."""
    IN_PROGRESS = "in_progress"
    """Neither completed nor declared incomplete when the run ended (stop, error, death)."""


@dataclass(frozen=True)
class WorkDelivery:
    """One delivery of a work item within a run."""

    tag: str
    delivery_count: int
    outcome: WorkOutcome = WorkOutcome.IN_PROGRESS
    transferred: ByteEstimate | None = None
    """Last cumulative ``transferred`` bytes reported for the item in this run."""
    estimated: ByteEstimate | None = None
    """Last ``estimated`` bytes reported for the item in this run."""


@dataclass(frozen=True)
class JobRun:
    """One execution of one job (``onStartJob`` to its end)."""

    job_id: int
    namespace: str | None
    start_seq: int
    start_elapsed_ms: int
    start_wall_ms: int
    expedited: bool | None = None
    user_initiated: bool | None = None
    network: str | None = None
    end: RunEnd | None = None
    """``None`` while the run is still open."""
    end_seq: int | None = None
    end_elapsed_ms: int | None = None
    end_wall_ms: int | None = None
    stop_reason: StopReason | int | None = None
    """``getStopReason()`` of the ``stopped`` event (raw int when unknown, ``None`` below 31)."""
    stop_elapsed_ms: int | None = None
    reschedule: bool | None = None
    """``onStopJob``'s return value, or ``jobFinished``'s ``reschedule`` argument."""
    finished_via: str | None = None
    """``job_finished`` or ``work_exhausted`` for a ``finished`` end."""
    transferred: ByteEstimate | None = None
    """Last cumulative job-level ``transferred`` report (``tag`` null)."""
    estimated: ByteEstimate | None = None
    """Last job-level ``estimated`` report."""
    work: tuple[WorkDelivery, ...] = ()
    errors: tuple[JobEvent, ...] = ()

    @property
    def start_time(self) -> datetime:
        return datetime.fromtimestamp(self.start_wall_ms / 1000, tz=UTC)

    @property
    def end_time(self) -> datetime | None:
        if self.end_wall_ms is None:
            return None
        return datetime.fromtimestamp(self.end_wall_ms / 1000, tz=UTC)

    @property
    def duration_ms(self) -> int | None:
        return None if self.end_elapsed_ms is None else self.end_elapsed_ms - self.start_elapsed_ms

    @property
    def items_dequeued(self) -> int:
        return len(self.work)

    @property
    def items_completed(self) -> int:
        return sum(1 for w in self.work if w.outcome is WorkOutcome.COMPLETED)

    @property
    def total_transferred(self) -> ByteEstimate:
        """Job-level plus per-item transferred bytes."""
        from bridge.model.spec import ByteEstimate

        parts = [b for b in [self.transferred, *(w.transferred for w in self.work)] if b is not None]
        return ByteEstimate(sum(b.down for b in parts), sum(b.up for b in parts))


class _Builder:
    """One run being put together from its events: its fields as they come (mutable), and
    :meth:`freeze` makes the :class:`JobRun` once (a ``dataclasses.replace`` per event cost
    ~10 us each, most of reading a full journal's 4,000 runs)."""

    def __init__(self, **start: object) -> None:
        self.values: dict[str, object] = start
        self.work: list[WorkDelivery] = []
        self.errors: list[JobEvent] = []

    def freeze(self) -> JobRun:
        return JobRun(**self.values, work=tuple(self.work), errors=tuple(self.errors))  # type: ignore[arg-type]

    def set_item(self, tag: str | None, **changes: object) -> None:
        for index in range(len(self.work) - 1, -1, -1):
            if self.work[index].tag == tag:
                self.work[index] = replace(self.work[index], **changes)  # type: ignore[arg-type]
                return

    def close(self, end: RunEnd, event: JobEvent, **changes: object) -> None:
        self.values.update(end=end, end_seq=event.seq, end_elapsed_ms=event.elapsed_ms, end_wall_ms=event.wall_ms,
                           **changes)


def runs_from_events(events: Iterable[JobEvent]) -> list[JobRun]:
    """Every run in ``events`` (in seq order), in order of their ``started`` events."""
    builders: list[_Builder] = []
    open_runs: dict[tuple[str | None, int | None], _Builder] = {}
    last_run: dict[tuple[str | None, int | None], _Builder] = {}
    for event in sorted(events, key=lambda e: e.seq):
        key = (event.namespace, event.job_id)
        kind = event.kind
        if kind is EventKind.PROCESS_STARTED:
            for running in open_runs.values():
                running.close(RunEnd.PROCESS_DIED, event)
            open_runs.clear()
            continue
        if kind is EventKind.STARTED:
            if key in open_runs:
                open_runs.pop(key).close(RunEnd.PROCESS_DIED, event)
            started = _Builder(
                job_id=event.job_id if event.job_id is not None else -1, namespace=event.namespace,
                start_seq=event.seq, start_elapsed_ms=event.elapsed_ms, start_wall_ms=event.wall_ms,
                expedited=event.get("expedited"), user_initiated=event.get("user_initiated"),
                network=event.get("network"))
            builders.append(started)
            open_runs[key] = last_run[key] = started
            continue
        builder = open_runs.get(key)
        if kind is EventKind.STOPPED:
            target = builder or last_run.get(key)
            if target is None:
                continue
            raw = event.get("stop_reason")
            stop = {"stop_reason": None if raw is None else StopReason.parse(raw),
                    "stop_elapsed_ms": event.elapsed_ms}
            if builder is not None:
                builder.close(RunEnd.STOPPED, event, reschedule=event.get("reschedule"), **stop)
                del open_runs[key]
            elif target.values.get("stop_elapsed_ms") is None:
                target.values.update(stop)
            continue
        if builder is None:
            continue
        if kind is EventKind.WORK_DEQUEUED:
            builder.work.append(WorkDelivery(event.get("tag"), event.get("delivery_count")))
        elif kind is EventKind.WORK_COMPLETED:
            builder.set_item(event.get("tag"), outcome=WorkOutcome.COMPLETED)
        elif kind is EventKind.WORK_INCOMPLETE:
            builder.set_item(event.get("tag"), outcome=WorkOutcome.INCOMPLETE)
        elif kind is EventKind.BYTES_REPORTED:
            from bridge.model.spec import ByteEstimate

            value = ByteEstimate(event.get("down"), event.get("up"))
            name = "transferred" if event.get("direction") == "transferred" else "estimated"
            if event.get("tag") is None:
                builder.values[name] = value
            else:
                builder.set_item(event.get("tag"), **{name: value})
        elif kind is EventKind.FINISHED:
            builder.close(RunEnd.FINISHED, event, reschedule=event.get("reschedule"),
                          finished_via=event.get("via"))
            del open_runs[key]
        elif kind is EventKind.NETWORK_CHANGED:
            builder.values["network"] = event.get("network")
        elif kind is EventKind.ERROR:
            builder.errors.append(event)
            if event.get("where") in RUN_ENDING_ERRORS:
                builder.close(RunEnd.ERROR, event)
                del open_runs[key]
    return [b.freeze() for b in builders]
