"""A live timeline of one device (``jobctl watch``): the helper's events as they arrive
(:class:`bridge.events.EventStream`, through the session's log) and the condition changes
between two reads (:meth:`bridge.conditions.Conditions.read`), as typed entries in cause and
effect order, plus the live state of every job the timeline has seen (:func:`next_board`).

Cause before effect: before a ``started``, ``stopped`` or ``network_changed`` event is yielded,
the conditions are read again, so a change that made JobScheduler stop (or start) a job is
yielded before that stop. Every change is stamped in the device's time: the window
``(after, at]`` in which it happened, where ``at`` is the device's time of the read that saw it,
or -- for a change that explains the stop or start it precedes -- the device time of that
event (the change happened before JobScheduler reacted to it). Device time is the helper's
clock (each event's ``wall_ms``, ``System.currentTimeMillis()``); reads are placed on it with
the offset learnt from the events' arrival (host time until the first event).

Which stop reason a condition explains follows the controllers that report them (AOSP
``apex/jobscheduler/service/java/com/android/server/job/controllers/``: ``BatteryController``
charging and battery-not-low, ``ConnectivityController`` connectivity, ``IdleController``
device idle, ``StorageController`` storage, ``DeviceIdleJobsController`` Doze as
``STOP_REASON_DEVICE_STATE``, ``BackgroundJobsController`` background restriction,
``QuotaController`` and ``JobSchedulerService`` standby buckets as ``STOP_REASON_QUOTA`` /
``STOP_REASON_APP_STANDBY``; constants in ``JobParameters.java``).

The timeline waits only inside :meth:`EventLog.get` (for the next event, at most until the
next condition poll or the end), never in a sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bridge.model import EventKind, JobEvent, StopReason

if TYPE_CHECKING:
    from bridge.events import StreamNotice
    from bridge.jobs import Session

CONDITION_POLL_SECONDS = 1.0

_STOP_CAUSES: Mapping[int, frozenset[str]] = MappingProxyType({
    StopReason.CONSTRAINT_CHARGING: frozenset({"charging", "plugged"}),
    StopReason.CONSTRAINT_BATTERY_NOT_LOW: frozenset({"battery_not_low", "battery_level"}),
    StopReason.CONSTRAINT_CONNECTIVITY: frozenset({"network", "wifi_enabled", "cellular_enabled", "airplane_mode",
                                                   "wifi_metered"}),
    StopReason.CONSTRAINT_DEVICE_IDLE: frozenset({"screen_on"}),
    StopReason.CONSTRAINT_STORAGE_NOT_LOW: frozenset({"storage_not_low"}),
    StopReason.DEVICE_STATE: frozenset({"deep_idle_state", "dozing", "doze_forced", "battery_saver"}),
    StopReason.BACKGROUND_RESTRICTION: frozenset({"background_restricted", "background_mode"}),
    StopReason.APP_STANDBY: frozenset({"standby_bucket"}),
    StopReason.QUOTA: frozenset({"standby_bucket"}),
})
"""Which conditions can explain a stop reason (the controllers named in the module docstring)."""

_START_CAUSES: Mapping[str, Callable[[Any], bool]] = MappingProxyType({
    "charging": lambda v: v is True, "plugged": lambda v: v is True, "battery_not_low": lambda v: v is True,
    "storage_not_low": lambda v: v is True, "network": lambda v: v != "none", "screen_on": lambda v: v is False,
    "deep_idle_state": lambda v: v != "IDLE", "dozing": lambda v: v is False, "battery_saver": lambda v: v is False,
    "standby_bucket": lambda v: True, "background_restricted": lambda v: v is False,
})
"""Changes that can let a waiting job start (a constraint became satisfied, a restriction lifted)."""


def flat_conditions(document: Mapping[str, Any]) -> dict[str, Any]:
    """``device status --json``'s conditions, flat (the app's bucket and restriction lifted out)
    and with the network the device would give a job by type: ``wifi``, ``cellular`` or ``none``."""
    flat = {key: value for key, value in document.items() if key != "app"}
    app = document.get("app")
    if isinstance(app, Mapping):
        flat["standby_bucket"] = app.get("standby_bucket")
        flat["background_restricted"] = app.get("background_restricted")
    if not {"airplane_mode", "wifi_enabled", "cellular_enabled"} & document.keys():
        return flat
    if document.get("airplane_mode"):
        network = "none"
    elif document.get("wifi_enabled") and document.get("wifi_ssid") is not None:
        network = "wifi"
    elif document.get("cellular_enabled"):
        network = "cellular"
    else:
        network = "none"
    return {"network": network, **flat}


@dataclass(frozen=True)
class ConditionsRead:
    """Every condition, read when the timeline starts (flat: :func:`flat_conditions`; ``app`` is
    ``device status --json``'s per-app object, kept whole for the JSON form)."""

    at: datetime
    conditions: Mapping[str, Any] = field(hash=False)
    app: Mapping[str, Any] | None = field(default=None, hash=False)

    def to_json_object(self) -> dict[str, Any]:
        document = {"type": "conditions", "at": self.at.isoformat(), **self.conditions}
        if self.app is not None:
            document["app"] = dict(self.app)
        return document


@dataclass(frozen=True)
class EventSeen:
    """One helper event (the journal's fields, PROTOCOL.md §5.2)."""

    event: JobEvent

    def to_json_object(self) -> dict[str, Any]:
        return {"type": "event", "at": self.event.wall_time.isoformat(), **self.event.to_json_object()}


@dataclass(frozen=True)
class ConditionChanged:
    """One condition that changed, in the device's time: after ``after``, at or before ``at``.
    ``explains`` is the seq of the stop or start event it is the likely cause of."""

    at: datetime
    name: str
    old: Any
    new: Any
    after: datetime | None = None
    explains: int | None = None

    def to_json_object(self) -> dict[str, Any]:
        return {"type": "condition", "at": self.at.isoformat(), "name": self.name, "old": self.old, "new": self.new,
                "after": None if self.after is None else self.after.isoformat(), "explains_seq": self.explains}


@dataclass(frozen=True)
class NoticeSeen:
    """Something the event stream reported once (:mod:`bridge.events`): the helper's journal
    started again (``pm clear``, reinstall) or lines under its tag were ignored. ``str(notice)``
    is the line to show."""

    notice: StreamNotice

    def to_json_object(self) -> dict[str, Any]:
        return {"type": "notice", "kind": type(self.notice).__name__, "message": str(self.notice)}


TimelineEntry = ConditionsRead | EventSeen | ConditionChanged | NoticeSeen


# ---------------------------------------------------------------------------- the live board
@dataclass(frozen=True)
class LiveJob:
    """What the timeline knows of one job now (the live table of ``jobctl watch``)."""

    job_id: int
    namespace: str | None
    state: str
    """``scheduled``, ``running``, ``stopped``, ``finished`` or ``cancelled``."""
    since: datetime
    runs: int = 0
    last_stop_reason: StopReason | int | None = None
    items_dequeued: int = 0
    items_completed: int = 0
    network: str | None = None

    def to_json_object(self) -> dict[str, Any]:
        reason = self.last_stop_reason
        return {"job_id": self.job_id, "namespace": self.namespace, "state": self.state,
                "since": self.since.isoformat(), "runs": self.runs,
                "last_stop_reason": reason.name if isinstance(reason, StopReason) else reason,
                "items_dequeued": self.items_dequeued, "items_completed": self.items_completed,
                "network": self.network}


Board = Mapping[tuple[str | None, int], LiveJob]


def stop_reason(value: object) -> StopReason | int | None:
    """A ``stopped`` event's ``stop_reason`` as the enum when known (the code when not)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    try:
        return StopReason(value)
    except ValueError:
        return value


def next_board(board: Board, entry: TimelineEntry) -> Board:
    """``board`` after ``entry`` (a new mapping; ``board`` is left as it was)."""
    if not isinstance(entry, EventSeen) or entry.event.job_id is None:
        return board
    event = entry.event
    assert event.job_id is not None
    key = (event.namespace, event.job_id)
    job = board.get(key) or LiveJob(event.job_id, event.namespace, "scheduled", event.wall_time)
    kind = event.kind
    if kind in (EventKind.SCHEDULED, EventKind.ENQUEUED) and job.state not in ("running",):
        job = replace(job, state="scheduled", since=event.wall_time)
    elif kind is EventKind.STARTED:
        job = replace(job, state="running", since=event.wall_time, runs=job.runs + 1, network=event.get("network"))
    elif kind is EventKind.STOPPED:
        reason = stop_reason(event.get("stop_reason"))
        job = replace(job, state="stopped", since=event.wall_time, last_stop_reason=reason)
    elif kind is EventKind.FINISHED:
        job = replace(job, state="finished", since=event.wall_time)
    elif kind is EventKind.CANCELLED:
        job = replace(job, state="cancelled", since=event.wall_time)
    elif kind is EventKind.WORK_DEQUEUED:
        job = replace(job, items_dequeued=job.items_dequeued + 1)
    elif kind is EventKind.WORK_COMPLETED:
        job = replace(job, items_completed=job.items_completed + 1)
    elif kind is EventKind.NETWORK_CHANGED:
        job = replace(job, network=event.get("network"))
    return MappingProxyType({**board, key: job})


# ---------------------------------------------------------------------------- the timeline
class _DeviceReads:
    """Reads the conditions and places them on the device's clock."""

    def __init__(self, session: Session, package: str, wall: Callable[[], float]) -> None:
        self._session, self._package, self._wall = session, package, wall
        self._offset_ms: float | None = None
        self.previous: Mapping[str, Any] = MappingProxyType({})
        self.previous_at: datetime | None = None

    def learn(self, event: JobEvent) -> None:
        """The device clock's offset: an event is written before it arrives, so the largest
        ``wall_ms - arrival`` is the closest estimate."""
        seen = event.wall_ms - self._wall() * 1000
        self._offset_ms = seen if self._offset_ms is None else max(self._offset_ms, seen)

    def read(self) -> tuple[datetime, Mapping[str, Any]]:
        return self._read()[:2]

    def _read(self) -> tuple[datetime, Mapping[str, Any], Mapping[str, Any]]:
        document = self._session.conditions.read([self._package]).to_json_object(self._package)
        now_ms = self._wall() * 1000 + (self._offset_ms or 0.0)
        app = document.get("app")
        return (datetime.fromtimestamp(now_ms / 1000, UTC), MappingProxyType(flat_conditions(document)),
                MappingProxyType(dict(app) if isinstance(app, Mapping) else {}))

    def first(self) -> ConditionsRead:
        self.previous_at, self.previous, app = self._read()
        return ConditionsRead(self.previous_at, self.previous, app)

    def changes(self, before: JobEvent | None = None) -> tuple[list[ConditionChanged], list[ConditionChanged]]:
        """``(causes, others)``: the changes since the last read; with ``before``, those that can
        explain that event (stamped no later than it) apart from the rest."""
        at, current = self.read()
        causes: list[ConditionChanged] = []
        others: list[ConditionChanged] = []
        for name, value in current.items():
            old = self.previous.get(name)
            if old == value:
                continue
            if before is not None and _explains(name, value, before):
                stamp = min(at, before.wall_time)
                after = None if self.previous_at is None else min(self.previous_at, stamp)  # clock learnt late
                causes.append(ConditionChanged(stamp, name, old, value, after, before.seq))
            else:
                others.append(ConditionChanged(at, name, old, value, self.previous_at))
        self.previous, self.previous_at = current, at
        return causes, others


def _explains(name: str, value: Any, event: JobEvent) -> bool:
    if event.kind is EventKind.STOPPED:
        reason = event.get("stop_reason")
        return isinstance(reason, int) and name in _STOP_CAUSES.get(reason, frozenset())
    if event.kind is EventKind.STARTED:
        check = _START_CAUSES.get(name)
        return check is not None and check(value)
    return event.kind is EventKind.NETWORK_CHANGED and name in _STOP_CAUSES[StopReason.CONSTRAINT_CONNECTIVITY]


_CAUSAL_KINDS = frozenset({EventKind.STARTED, EventKind.STOPPED, EventKind.NETWORK_CHANGED})


def watch_timeline(session: Session, package: str, duration_s: float | None = None,
                   poll_s: float = CONDITION_POLL_SECONDS, clock: Callable[[], float] = time.monotonic,
                   *, job_id: int | None = None, job_events: bool = True,
                   wall: Callable[[], float] = time.time) -> Iterator[TimelineEntry]:
    """The conditions of the device (the per-app ones for ``package``), then every event and
    condition change, until ``duration_s`` passes (``None``: until the caller stops iterating,
    e.g. on Ctrl-C). ``job_id`` keeps only that job's events; ``job_events=False`` shows none
    (the events are the helper's: another app's timeline has its conditions only).

    Raises what the event stream reported (e.g. events it lost) when it happens."""
    reads = _DeviceReads(session, package, wall)
    yield reads.first()
    deadline = None if duration_s is None else clock() + duration_s
    next_poll = clock() + poll_s
    cursor = len(session.log)
    notice_cursor = 0
    while deadline is None or clock() < deadline:
        wait = next_poll - clock()
        if deadline is not None:
            wait = min(wait, deadline - clock())
        session.events.get(timeout=0)  # raises what the stream reported (events it lost)
        notices, notice_cursor = session.events.notices_since(notice_cursor)
        for notice in notices:
            yield NoticeSeen(notice)
        event = session.log.get(cursor, timeout=max(wait, 0.0))
        if event is not None:
            cursor += 1
            reads.learn(event)
            later: list[ConditionChanged] = []
            if event.kind in _CAUSAL_KINDS:
                causes, later = reads.changes(before=event)
                yield from causes
            if job_events and (job_id is None or event.job_id == job_id):
                yield EventSeen(event)
            yield from later
        if clock() >= next_poll:
            next_poll = clock() + poll_s
            yield from reads.changes()[1]
