"""A live timeline of one device (``jobctl watch``): the helper's events as they arrive
(:class:`bridge.events.EventStream`, through the session's log) and the changes between two
:meth:`bridge.conditions.Conditions.read` polls, as typed entries.

The timeline waits only inside :meth:`EventLog.get` (for the next event, at most until the
next condition poll or the end), never in a sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bridge.jobs import Session
    from bridge.model import JobEvent

CONDITION_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class ConditionsRead:
    """Every condition, read when the timeline starts (``device status --json``'s fields)."""

    at: datetime
    conditions: Mapping[str, Any] = field(hash=False)

    def to_json_object(self) -> dict[str, Any]:
        return {"type": "conditions", "at": self.at.isoformat(), **self.conditions}


@dataclass(frozen=True)
class EventSeen:
    """One helper event (the journal's fields, PROTOCOL.md §5.2)."""

    event: JobEvent

    def to_json_object(self) -> dict[str, Any]:
        return {"type": "event", "at": self.event.wall_time.isoformat(), **self.event.to_json_object()}


@dataclass(frozen=True)
class ConditionChanged:
    """One condition that changed between two polls."""

    at: datetime
    name: str
    old: Any
    new: Any

    def to_json_object(self) -> dict[str, Any]:
        return {"type": "condition", "at": self.at.isoformat(), "name": self.name, "old": self.old, "new": self.new}


TimelineEntry = ConditionsRead | EventSeen | ConditionChanged


def watch_timeline(session: Session, package: str, duration_s: float | None = None,
                   poll_s: float = CONDITION_POLL_SECONDS,
                   clock: Callable[[], float] = time.monotonic) -> Iterator[TimelineEntry]:
    """The conditions of ``package``'s device, then every event and condition change, until
    ``duration_s`` passes (``None``: until the caller stops iterating, e.g. on Ctrl-C).

    Raises what the event stream reported (e.g. events it lost) when it happens."""
    previous = MappingProxyType(session.conditions.read([package]).to_json_object(package))
    yield ConditionsRead(datetime.now(UTC), previous)
    deadline = None if duration_s is None else clock() + duration_s
    next_poll = clock() + poll_s
    cursor = len(session.log)
    while deadline is None or clock() < deadline:
        wait = next_poll - clock()
        if deadline is not None:
            wait = min(wait, deadline - clock())
        session.events.get(timeout=0)  # raises what the stream reported (events it lost)
        event = session.log.get(cursor, timeout=max(wait, 0.0))
        if event is not None:
            cursor += 1
            yield EventSeen(event)
        if clock() >= next_poll:
            next_poll = clock() + poll_s
            current = MappingProxyType(session.conditions.read([package]).to_json_object(package))
            now = datetime.now(UTC)
            for name, value in current.items():
                if previous.get(name) != value:
                    yield ConditionChanged(now, name, previous.get(name), value)
            previous = current
