"""A session's event history: bounded, indexed by delivery order, and waitable.

Every event a :class:`~bridge.jobs.Session` delivers gets an *index*: 0 for the first, +1 for
each next one, never reused. Waits and cursors (``Job.wait_*``, ``jobctl watch``, scenarios) hold
indexes, so the history can forget old events without moving anyone's place:

* it holds the last :data:`EVENT_HISTORY_LIMIT` events (trimmed in batches, so appending stays
  O(1) amortised); a long-lived session's memory is flat, and nothing scans more than that;
* events of a job that a live :class:`~bridge.jobs.Job` handle may still wait for (index at or
  after the handle's start, see :meth:`EventLog.pin`) are kept beside the history when they
  leave it, until the handle moves on or is dropped, so ``wait_started``/``wait_stopped`` on an
  old handle still see them however busy the session was meanwhile;
* a cursor older than the history (``get``) raises :class:`EventsForgottenError`: events are
  never skipped silently.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bridge.errors import JobctlError, WaitTimeoutError

if TYPE_CHECKING:  # a session that never delivers an event (most commands) never loads the event model
    from bridge.model import JobEvent

EVENT_HISTORY_LIMIT = 10_000
"""Events a session's history holds (the newest; about 5 MB of events at most)."""

JobKey = tuple[str | None, int | None]
"""(namespace, job id) of an event."""

EventPredicate = Callable[["JobEvent"], bool]


class EventsForgottenError(JobctlError):
    """A reader asked for an event the session's bounded history no longer holds."""


def job_key(event: JobEvent) -> JobKey:
    return (event.namespace, event.job_id)


class EventLog:
    """Every event delivered this session (the last ``limit`` of them), with waiting on a
    condition variable."""

    def __init__(self, limit: int = EVENT_HISTORY_LIMIT) -> None:
        if limit < 1:
            raise ValueError("the history limit must be at least 1")
        self.limit = limit
        self._events: list[JobEvent] = []
        self._offset = 0
        """Index of ``_events[0]``: how many events were forgotten."""
        self._pins: dict[int, tuple[JobKey, int]] = {}
        self._next_pin = 0
        self._kept: dict[JobKey, list[tuple[int, JobEvent]]] = {}
        """Events that left the history but a pinned job may still wait for: (index, event)."""
        self._changed = threading.Condition()

    # -- writing ----------------------------------------------------------------------------
    def append(self, event: JobEvent) -> None:
        with self._changed:
            self._events.append(event)
            if len(self._events) > self.limit + max(1, self.limit // 8):
                self._trim(len(self._events) - self.limit)
            self._changed.notify_all()

    def _trim(self, count: int) -> None:
        wanted = self._pinned_since()
        for n, event in enumerate(self._events[:count]):
            key = job_key(event)
            since = wanted.get(key)
            if since is not None and self._offset + n >= since:
                self._kept.setdefault(key, []).append((self._offset + n, event))
        del self._events[:count]
        self._offset += count

    # -- pins (what live Job handles may still wait for) --------------------------------------
    def pin(self, key: JobKey, since: int) -> int:
        """Keep ``key``'s events from index ``since`` on, even once they leave the history, until
        :meth:`unpin`; returns the pin's id (for :meth:`move_pin` and :meth:`unpin`)."""
        with self._changed:
            self._next_pin += 1
            self._pins[self._next_pin] = (key, since)
            return self._next_pin

    def move_pin(self, pin: int, since: int) -> None:
        with self._changed:
            if pin in self._pins:
                key, _ = self._pins[pin]
                self._pins[pin] = (key, since)
                self._prune(key)

    def unpin(self, pin: int) -> None:
        with self._changed:
            found = self._pins.pop(pin, None)
            if found is not None:
                self._prune(found[0])

    def _pinned_since(self) -> dict[JobKey, int]:
        wanted: dict[JobKey, int] = {}
        for key, since in self._pins.values():
            wanted[key] = min(since, wanted.get(key, since))
        return wanted

    def _prune(self, key: JobKey) -> None:
        kept = self._kept.get(key)
        if kept is None:
            return
        since = self._pinned_since().get(key)
        remaining = [] if since is None else [(i, e) for i, e in kept if i >= since]
        if remaining:
            self._kept[key] = remaining
        else:
            del self._kept[key]

    # -- reading ----------------------------------------------------------------------------
    def __len__(self) -> int:
        """How many events were delivered (the index the next one gets); not how many are held."""
        with self._changed:
            return self._offset + len(self._events)

    @property
    def first_index(self) -> int:
        """The index of the oldest event still held."""
        with self._changed:
            return self._offset

    def snapshot(self) -> list[JobEvent]:
        """The events held, oldest first (the last :attr:`limit`)."""
        with self._changed:
            return list(self._events)

    def since(self, index: int) -> list[JobEvent]:
        """The held events from ``index`` on (from the oldest held when ``index`` is older)."""
        with self._changed:
            return self._events[max(index - self._offset, 0):]

    def job_history(self, key: JobKey, start: int = 0) -> list[JobEvent]:
        """``key``'s events from index ``start`` on, kept or held, in order, with every
        ``process_started`` among them (it ends a job's open run, bridge.model.runs)."""
        from bridge.model import EventKind

        with self._changed:
            kept = [e for i, e in self._kept.get(key, ()) if i >= start]
            held = self._events[max(start - self._offset, 0):]
            return kept + [e for e in held if job_key(e) == key or e.kind is EventKind.PROCESS_STARTED]

    def get(self, index: int, timeout: float) -> JobEvent | None:
        """The ``index``-th event of the session, waiting up to ``timeout`` for it; None if it
        has not arrived by then (follow the log with an index of your own). Raises
        :class:`EventsForgottenError` when the history no longer holds it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while index >= self._offset + len(self._events):
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)
            if index < self._offset:
                raise EventsForgottenError(
                    f"event #{index} is no longer in the session's history (it holds the last {self.limit}; "
                    f"the oldest held is #{self._offset}): read events more often")
            return self._events[index - self._offset]

    def wait_for(self, predicate: EventPredicate, timeout: float, start: int = 0, what: str = "event",
                 key: JobKey | None = None) -> JobEvent:
        """The first event at index ≥ ``start`` matching ``predicate``. With ``key``, that job's
        events kept for a pin are looked at too; otherwise a ``start`` older than the history
        means its oldest held event."""
        return self.wait_for_index(predicate, timeout, start, what, key)[1]

    def wait_for_index(self, predicate: EventPredicate, timeout: float, start: int = 0, what: str = "event",
                       key: JobKey | None = None) -> tuple[int, JobEvent]:
        """:meth:`wait_for`, with the event's index."""
        deadline = time.monotonic() + timeout
        with self._changed:
            index = start
            while True:
                if index < self._offset:  # forgotten: a pinned job's kept events, then the oldest held
                    if key is not None:
                        for kept_index, event in self._kept.get(key, ()):
                            if index <= kept_index < self._offset and predicate(event):
                                return kept_index, event
                    index = self._offset
                while index < self._offset + len(self._events):
                    event = self._events[index - self._offset]
                    if predicate(event):
                        return index, event
                    index += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WaitTimeoutError(f"no {what} within {timeout:g} s")
                self._changed.wait(left)
