"""What logd holds: a bounded ring of log entries that followers (``logcat`` without ``-d``) wait on.

Buffer names and priorities are liblog's (``liblog/include/log/log_id.h``, ``android/log.h``).
Binary buffers are not modelled: ``events`` entries are stored as text.

Who wrote an entry is logd's to say, not the writer's: ``logd/LogListener.cpp`` takes the uid
and pid of every entry from the ``SCM_CREDENTIALS`` the kernel attaches to the ``logdw`` datagram
(only the tid comes from the writer's header), so :class:`LogEntry` carries the writing process's
``uid`` and ``pid`` and no app can log under another's. Who may read an entry is logd's too
(:func:`reader_sees_all`): ``LogBuffer::flushTo`` skips every entry whose uid is not the
reader's unless the reader has log credentials (``logd/LogCommand.cpp``
``clientHasLogCredentials``: uid or gid root, system or log, or ``log`` among its supplementary
groups -- the adb shell's, ``packages/modules/adb/daemon/main.cpp``); apps have not been granted
``READ_LOGS`` since Android 4.1, so an app reads its own lines only. An unprivileged ``logcat -c``
clears only the caller's own entries (``CommandListener`` ``ClearCmd`` passes the caller's uid to
``LogBuffer::clear``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass
from typing import Any

from jobctl_sim.native.clock import VirtualClock
from jobctl_sim.native.processes import BOOT_PROCESSES

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

ROOT_UID, SYSTEM_UID, LOG_UID, SHELL_UID = 0, 1000, 1007, 2000
"""``android_filesystem_config.h`` AIDs that matter to logd."""
LOG_CREDENTIAL_UIDS = frozenset({ROOT_UID, SYSTEM_UID, LOG_UID, SHELL_UID})
"""Readers that see every uid's entries: root, system and log by uid, the shell by its ``log``
supplementary group (the virtual device's app processes have no such group)."""


def reader_sees_all(uid: int) -> bool:
    """``clientHasLogCredentials`` for a reader running as ``uid`` (see the module doc)."""
    return uid in LOG_CREDENTIAL_UIDS


def default_writer_uid(pid: int) -> int:
    """The uid of the native process ``pid`` (init, the daemons, zygote64, system_server: the
    boot table of :mod:`jobctl_sim.native.processes`), else system_server's (``AID_SYSTEM``):
    the uid logd records for a writer that did not say who it is."""
    return _NATIVE_UIDS.get(pid, SYSTEM_UID)


_NATIVE_UIDS = {process.pid: process.uid for process in BOOT_PROCESSES}


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
    uid: int = SYSTEM_UID
    """The writing process's uid, as the kernel told logd (``SCM_CREDENTIALS``)."""

    def visible_to(self, reader_uid: int) -> bool:
        """Whether a ``logcat`` running as ``reader_uid`` is sent this entry (``LogBuffer::flushTo``)."""
        return self.uid == reader_uid or reader_sees_all(reader_uid)


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
        uid: int | None = None,
    ) -> LogEntry:
        """Append an entry written by process ``pid`` running as ``uid`` (default: that native
        process's uid, :func:`default_writer_uid`; ``tid`` defaults to ``pid``) and wake the followers."""
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
            uid=default_writer_uid(pid) if uid is None else uid,
        )
        self._next_seq += 1
        self._entries.append(entry)
        while len(self._entries) > self.capacity:
            self._entries.popleft()
            self.dropped += 1
        self._wake()
        return entry

    def clear(self, buffers: Iterable[str] | None = None, uid: int | None = None) -> None:
        """Forget the entries (of ``buffers`` only, if given; only those written by ``uid`` when
        the clearing reader lacks log credentials, ``LogBuffer::clear``)."""
        if buffers is None and (uid is None or reader_sees_all(uid)):
            self._entries.clear()
            return
        cleared = set(BUFFERS if buffers is None else buffers)
        mine_only = uid is not None and not reader_sees_all(uid)
        self._entries = deque(e for e in self._entries
                              if e.buffer not in cleared or (mine_only and e.uid != uid))

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
