"""What logd holds: a bounded ring of log entries that followers (``logcat`` without ``-d``) wait on.

Buffer names and priorities are liblog's (``liblog/include/log/log_id.h``, ``android/log.h``).
Binary buffers are not modelled: ``events`` entries are stored as text.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass
from typing import Any

from jobctl_sim.native.clock import VirtualClock

PRIORITIES = "VDIWEF"
"""Log priorities, lowest first (``ANDROID_LOG_VERBOSE`` .. ``ANDROID_LOG_FATAL``)."""
PRIORITY_LEVEL = {letter: level for level, letter in enumerate(PRIORITIES, start=2)}
"""``android_LogPriority`` value of each priority letter."""

BUFFERS = ("main", "radio", "events", "system", "crash", "stats", "security", "kernel")
"""Log buffer names in log id order (``liblog/include/log/log_id.h``)."""
DEFAULT_BUFFERS = frozenset({"main", "system", "crash", "kernel"})
"""What ``logcat`` reads without ``-b`` (``logcat.cpp``)."""

DEFAULT_CAPACITY = 16384
"""Entries kept before the oldest are dropped."""


@dataclass(frozen=True)
class LogEntry:
    """One log record as logd stores it."""

    time: float
    """Wall-clock seconds since the epoch (virtual clock)."""
    pid: int
    tid: int
    priority: str
    """One of ``V D I W E F``."""
    tag: str
    message: str
    seq: int
    """Position in the buffer's history: strictly increasing, never reused."""
    buffer: str = "main"
    elapsed: float = 0.0
    """Virtual seconds since boot when logged (for ``-v monotonic``)."""


class LogBuffer:
    """A bounded ring of :class:`LogEntry` with async followers."""

    def __init__(self, clock: VirtualClock, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.clock = clock
        self.capacity = capacity
        self._entries: deque[LogEntry] = deque()
        self._next_seq = 1
        self._waiters: set[asyncio.Future[None]] = set()
        self.dropped = 0
        """Entries pushed out by overflow since boot."""

    def write(
        self,
        priority: str,
        tag: str,
        message: str,
        pid: int = 1000,
        tid: int | None = None,
        buffer: str = "main",
    ) -> LogEntry:
        """Append an entry (``tid`` defaults to ``pid``) and wake the followers."""
        if priority not in PRIORITY_LEVEL:
            raise ValueError(f"priority must be one of {PRIORITIES}, got {priority!r}")
        if buffer not in BUFFERS:
            raise ValueError(f"unknown log buffer {buffer!r}")
        entry = LogEntry(
            time=self.clock.wall_time(),
            pid=pid,
            tid=pid if tid is None else tid,
            priority=priority,
            tag=tag,
            message=message,
            seq=self._next_seq,
            buffer=buffer,
            elapsed=self.clock.elapsed(),
        )
        self._next_seq += 1
        self._entries.append(entry)
        while len(self._entries) > self.capacity:
            self._entries.popleft()
            self.dropped += 1
        self._wake()
        return entry

    def clear(self, buffers: Iterable[str] | None = None) -> None:
        """Forget the entries (of ``buffers`` only, if given)."""
        if buffers is None:
            self._entries.clear()
            return
        keep = set(BUFFERS) - set(buffers)
        self._entries = deque(e for e in self._entries if e.buffer in keep)

    def entries(self) -> list[LogEntry]:
        """Everything held, oldest first."""
        return list(self._entries)

    def entries_after(self, seq: int) -> list[LogEntry]:
        """Entries newer than ``seq``, oldest first. Scans from the newest end, so a follower
        that is nearly caught up pays for what is new, not for the whole buffer."""
        fresh: list[LogEntry] = []
        for entry in reversed(self._entries):
            if entry.seq <= seq:
                break
            fresh.append(entry)
        fresh.reverse()
        return fresh

    @property
    def last_seq(self) -> int:
        """Sequence number of the newest entry ever written (0 if none)."""
        return self._next_seq - 1

    @property
    def waiters(self) -> int:
        """Followers currently blocked waiting for an entry (for leak checks)."""
        return len(self._waiters)

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def follow(self, after_seq: int, stop: asyncio.Event | None = None) -> AsyncGenerator[LogEntry, None]:
        """Yield every entry newer than ``after_seq`` as it arrives, until ``stop`` is set.

        Entries that overflowed before the follower read them are skipped (see
        :attr:`dropped`). Use with :func:`contextlib.aclosing` so the waiter is released at
        once when the consumer stops early.
        """
        stop = stop or asyncio.Event()
        stopper = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                fresh = self.entries_after(after_seq)
                if fresh:
                    for entry in fresh:
                        if stop.is_set():
                            return
                        after_seq = entry.seq
                        yield entry
                    continue
                waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._waiters.add(waiter)
                racers: set[asyncio.Future[Any]] = {waiter, stopper}
                try:
                    await asyncio.wait(racers, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    self._waiters.discard(waiter)
                    waiter.cancel()
        finally:
            stopper.cancel()
