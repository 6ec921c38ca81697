"""A live timeline of another app's jobs, by polling: ``jobctl watch -p PKG``.

The helper's own jobs report their events; another app's do not, so its timeline is rebuilt
from what the device prints, read every :data:`APP_POLL_SECONDS` (one ``dumpsys jobscheduler
PKG`` bracketed by two ``date`` reads, :func:`bridge.history.read_dump`) until a deadline:

* new ``Job history`` lines (``JobPackageTracker``: each start and stop with its reason text) are
  found by aligning the new list with the previous one (the ring only drops from the front and
  appends at the end), and become ``started``/``stopped``/``finished`` entries;
* jobs that appear in or vanish from ``Registered jobs`` become ``scheduled``/``gone`` (finished
  for good, cancelled, or the app force-stopped: the dump does not say which);
* a change of a job's place (``Active jobs`` → ``active``, ``Pending queue`` → ``pending``, else
  its ``Ready:`` line → ``ready``/``waiting``) becomes a ``state`` entry.

Before each dump the device's conditions and the app's bucket and restriction are read too
(:class:`bridge.conditions.Conditions`, as ``jobctl device status`` reads them): the first read is
one ``ConditionsRead``, every later difference a ``ConditionChanged`` that happened after the
previous poll and no later than this one (``after``/``at``), shown before the job changes found
by the same poll, which it may have caused.

A start and stop both shorter than the poll interval are still seen (the history keeps them);
only the ``state`` entries and the conditions can miss what happened between two polls.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bridge.app_jobs import AppJobs
from bridge.history import HistoryKind, HistoryRecord, HistorySource, dump_records, read_dump
from bridge.watch_timeline import ConditionChanged, ConditionsRead, flat_conditions

if TYPE_CHECKING:
    from bridge.device import Device
    from bridge.parsers.jobscheduler_dump import JobSchedulerDump

APP_POLL_SECONDS = 1.0
"""How often another app's jobs are read (documented in ``jobctl watch --help``)."""
_SAME_LINE_MS = 1000
"""Two reads of one history line differ only by the ``date`` round trips around each dump."""

JobKey = tuple[str | None, int]


@dataclass(frozen=True)
class AppJobChange:
    """One synthesised entry of another app's timeline."""

    at: datetime
    package: str
    job_id: int
    namespace: str | None
    kind: str
    """``started``, ``stopped``, ``finished``, ``scheduled``, ``gone`` or ``state``."""
    detail: str
    """The stop's reasons in words, or the new state."""
    record: HistoryRecord | None = None

    def to_json_object(self) -> dict[str, Any]:
        return {"type": "app_job", "at": self.at.isoformat(), "package": self.package, "job_id": self.job_id,
                "namespace": self.namespace, "kind": self.kind, "detail": self.detail,
                "history": None if self.record is None else self.record.to_json_object()}


AppTimelineEntry = ConditionsRead | ConditionChanged | AppJobChange


def _conditions(device: Device, package: str) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    from bridge.conditions import Conditions

    document = Conditions(device).read([package]).to_json_object(package)
    app = document.get("app")
    return (MappingProxyType(flat_conditions(document)),
            MappingProxyType(dict(app) if isinstance(app, Mapping) else {}))


def _states(dump: JobSchedulerDump, app: AppJobs) -> dict[JobKey, str]:
    active = {(j.namespace, j.job_id) for j in dump.active if app.mine(j)}
    pending = {(j.namespace, j.job_id) for j in dump.pending if app.mine(j)}
    states: dict[JobKey, str] = {}
    for job in dump.jobs:
        if not app.mine(job):
            continue
        key = (job.namespace, job.job_id)
        states[key] = ("active" if key in active else "pending" if key in pending
                       else "ready" if job.ready else "waiting")
    return states


def _line_key(record: HistoryRecord) -> tuple[object, ...]:
    return record.kind, record.namespace, record.job_id, record.reason_text


def new_history(previous: list[HistoryRecord], current: list[HistoryRecord]) -> list[HistoryRecord]:
    """The records of ``current`` after the longest overlap of ``previous``'s tail with its head."""
    for overlap in range(min(len(previous), len(current)), 0, -1):
        tail, head = previous[-overlap:], current[:overlap]
        if all(_line_key(a) == _line_key(b) and abs((a.at - b.at).total_seconds() * 1000) <= _SAME_LINE_MS
               for a, b in zip(tail, head, strict=True)):
            return current[overlap:]
    return current


def _kind(record: HistoryRecord) -> str:
    if record.kind is HistoryKind.START:
        return "started"
    return "finished" if record.ending is not None and record.ending.value == "finished" else "stopped"


def watch_app(device: Device, package: str, duration_s: float | None = None, *, job_id: int | None = None,
              poll_s: float = APP_POLL_SECONDS, clock: Callable[[], float] = time.monotonic,
              stop: threading.Event | None = None, conditions: bool = True) -> Iterator[AppTimelineEntry]:
    """``package``'s job changes until ``duration_s`` passes (``None``: until the caller stops
    iterating or ``stop`` is set). The first poll reports every registered job's state (as
    ``state``), not the history before it; the deadline is followed by one last poll. Waits
    between polls on ``stop`` (an ``Event``) with a timeout: no unbounded sleep. ``conditions``
    False: the jobs only."""
    app = AppJobs(device, package)
    app.check_installed()
    waiter = stop or threading.Event()
    deadline = None if duration_s is None else clock() + duration_s
    previous_lines: list[HistoryRecord] | None = None
    previous_states: dict[JobKey, str] | None = None
    previous_conditions: Mapping[str, Any] | None = None
    previous_at: datetime | None = None
    last = False
    while True:
        read = _conditions(device, package) if conditions else None
        dump, now_ms = read_dump(device, package)
        now = datetime.fromtimestamp(now_ms / 1000, UTC)
        if read is not None:
            flat, app_conditions = read
            if previous_conditions is None:
                yield ConditionsRead(now, flat, app_conditions)
            else:
                for name, value in flat.items():
                    if previous_conditions.get(name) != value:
                        yield ConditionChanged(now, name, previous_conditions.get(name), value, previous_at)
            previous_conditions = flat
        previous_at = now
        lines = [r for r in dump_records(dump, now_ms, package) if HistorySource.JOB_HISTORY in r.sources]
        states = _states(dump, app)
        changes: list[AppJobChange] = []
        if previous_lines is not None:
            changes += [AppJobChange(r.at, package, r.job_id, r.namespace, _kind(r), r.describe(), r)
                        for r in new_history(previous_lines, lines)]
        before = previous_states or {}
        for key in sorted(set(before) | set(states), key=lambda k: (k[0] or "", k[1])):
            old, new = before.get(key), states.get(key)
            if old == new:
                continue
            kind = "gone" if new is None else "scheduled" if old is None and previous_states is not None else "state"
            changes.append(AppJobChange(now, package, key[1], key[0], kind, new or f"was {old}"))
        for change in sorted(changes, key=lambda c: c.at):
            if job_id is None or change.job_id == job_id:
                yield change
        previous_lines, previous_states = lines, states
        if last:
            return
        wait = poll_s if deadline is None else max(min(poll_s, deadline - clock()), 0.0)
        if waiter.wait(wait):
            return
        last = deadline is not None and clock() >= deadline  # one more read: what the last interval did


__all__ = ["APP_POLL_SECONDS", "AppJobChange", "AppTimelineEntry", "new_history", "watch_app"]
