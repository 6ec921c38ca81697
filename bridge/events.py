"""The helper's events as they happen, with nothing lost, nothing delivered twice and nothing
believed that the helper did not write.

Live events arrive on a ``logcat -v threadtime,uid -s jobctl:I`` stream (PROTOCOL.md §5.4), read
on a background thread. Every event carries a sequence number that never repeats within its
journal's epoch (§5.1, §5.6). The stream delivers exactly ``next_seq`` onwards:

* an event below ``next_seq`` (logcat replays its buffer on every (re)connect) is dropped;
* an event above ``next_seq``, or a ``log_truncated`` stand-in, means something was missed
  (logcat overflowed, the line was cut, the connection broke): the missing range is read from
  the durable journal with ``run-as`` (§5.5), which does not wake the app;
* when the stream breaks (cable pulled, adb server restarted, device rebooted), the reader
  reconnects and resyncs from the journal before going live again.

Who wrote a line. Any app may log under the ``jobctl`` tag, but logd records the writer's uid
and pid from the kernel (``logd/LogListener.cpp``) and ``-v uid`` prints them
(:mod:`bridge.helper_protocol.journal`), so only lines of the helper's uid (``run-as … id -u``)
are believed; every other line under the tag is counted and ignored (:class:`LinesIgnored`,
reported once per kind). The journal -- private to the helper's uid, read with ``run-as`` -- is
the authority: a line is delivered straight from logcat only when it comes from the helper
process the journal names (its last ``process_started`` event, or a process whose line the
journal confirmed); any other line only makes the stream read the journal, which delivers what
it holds and nothing else. A line of another uid that would be news (a later ``seq``, an unknown
epoch) makes the stream ask the helper's uid again first -- a reinstall may give the helper a new
one. Those journal reads back off (:data:`RECHECK_MIN_INTERVAL` doubling up to
:data:`RECHECK_MAX_INTERVAL`) while they find nothing, so a stream of forged or malformed lines
costs a few reads, never a reconnect. The stream does not ask logcat for ``--uid=<helper>``
(Android 12+): a reinstalled helper's lines under a new uid would then never reach the host.

A new epoch (the helper's data was cleared or it was reinstalled: ``seq`` restarts at 1) is
seen in the journal; the stream reports it once (:class:`EpochChanged`) and delivers the new
journal from its start. Notices go to ``on_notice`` and :meth:`EventStream.notices`, never
through :meth:`EventStream.get`.

Journal rotation that dropped requested events is reported, never silently skipped: the
stream raises :class:`EventsDroppedError` from :meth:`EventStream.get`.
"""

from __future__ import annotations

import enum
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bridge import helper_protocol as protocol
from bridge.device import ShellStream
from bridge.errors import HelperMissingError, HelperProtocolError, JobctlError
from bridge.helper import Helper
from bridge.helper_protocol.journal import (
    HELPER_UID_COMMAND,
    JournalReadback,
    LogcatLine,
    logcat_uid_column,
    parse_logcat_entry,
    parse_uid,
)
from bridge.model import JobEvent

RECONNECT_INTERVAL = 0.2
RECHECK_MIN_INTERVAL = 0.25
"""Seconds between two journal reads prompted by lines that turned out to be nothing."""
RECHECK_MAX_INTERVAL = 5.0
"""The longest wait between such reads while untrusted lines keep coming."""
NOTICES_KEPT = 100
SAMPLE_CHARS = 160


class EventsDroppedError(JobctlError):
    """The journal rotated away events that were never delivered."""


@dataclass(frozen=True)
class EpochChanged:
    """The helper's journal started again (PROTOCOL.md §5.6): its data was cleared (``pm clear``)
    or it was reinstalled. ``last_seq`` is where delivery of the ``previous`` epoch had got to
    (``next_seq - 1``); delivery goes on from ``seq`` 1 of the ``current`` one. ``str()`` is
    the one line to show a user."""

    previous: str
    current: str
    last_seq: int

    def __str__(self) -> str:
        return (f"the helper's journal started again (epoch {self.previous} -> {self.current}: its data was "
                f"cleared or it was reinstalled); events continue from seq 1 of the new journal "
                f"(the last one delivered before was seq {self.last_seq})")


class IgnoredLineReason(enum.Enum):
    FOREIGN = "foreign"
    """Written by another uid than the helper's (another app, the shell)."""
    MALFORMED = "malformed"
    """Written by the helper's uid, but not an event (§5.4)."""
    UNCONFIRMED = "unconfirmed"
    """Written by the helper's uid from another process, and not in the journal."""


_REASON_TEXT = {
    IgnoredLineReason.FOREIGN: "not written by the helper",
    IgnoredLineReason.MALFORMED: "not a helper event",
    IgnoredLineReason.UNCONFIRMED: "not confirmed by the helper's journal",
}


@dataclass(frozen=True)
class LinesIgnored:
    """The first logcat line under the ``jobctl`` tag ignored for ``reason`` (later ones are only
    counted: :attr:`EventStream.ignored_lines`)."""

    reason: IgnoredLineReason
    uid: str
    """The writer's uid as logcat printed it."""
    pid: int
    sample: str
    """The start of the line's message."""

    def __str__(self) -> str:
        return (f"ignored a logcat line tagged jobctl from uid {self.uid} pid {self.pid} "
                f"({_REASON_TEXT[self.reason]}): {self.sample!r}; further ones are only counted")


StreamNotice = EpochChanged | LinesIgnored


class EventStream:
    """Iterate :class:`JobEvent`s from ``from_seq`` (default: only events after now) of the journal
    epoch ``epoch`` (default: the helper's current one, read before the constructor returns).

    The epoch is fixed here, not by the reader thread's first journal read: a ``pm clear`` before
    that read must show as a new epoch delivered from seq 1, not as the new journal taken with the
    old one's ``from_seq`` (which dropped its first events as already delivered)."""

    def __init__(self, helper: Helper, from_seq: int | None = None,
                 on_event: Callable[[JobEvent], None] | None = None, *, epoch: str | None = None,
                 on_notice: Callable[[StreamNotice], None] | None = None) -> None:
        self.helper = helper
        # The reader thread reconnects on its own terms (and must notice close() at once), so
        # its device calls fail fast instead of waiting for the device inside one call.
        self._reader = Helper(helper.device.with_reconnect_timeout(0))
        self._on_event = on_event
        self._on_notice = on_notice
        if from_seq is None or epoch is None:  # read now: a later read could find a newer journal
            info = helper.info()
            from_seq = info.journal_next_seq if from_seq is None else from_seq
            epoch = epoch or info.journal_epoch
        self.next_seq = from_seq
        self.epoch = epoch
        """The journal epoch being delivered (None until known, or from a helper before 1.3)."""
        self.helper_uid: int | None = None
        """The helper's uid, the only writer whose lines are believed."""
        self.resyncs = 0
        """How many times a gap was filled from the journal (for tests and benchmarks)."""
        self.rechecks = 0
        """Journal reads prompted by a line that could not be delivered straight away."""
        self.reconnects = 0
        """How many times the logcat stream was opened again after the first time."""
        self._ignored = {reason: 0 for reason in IgnoredLineReason}
        self._notices: deque[StreamNotice] = deque(maxlen=NOTICES_KEPT)
        self._notice_count = 0
        self._uid_column: str | None = None
        self._old_uid_columns: set[str] = set()
        self._helper_pid: int | None = None
        self._old_epochs: set[str] = set()
        self._recheck_delay = 0.0
        self._next_recheck = 0.0
        self._recheck_lock = threading.Lock()
        self._deferred: tuple[LogcatLine, JobEvent | None, bool] | None = None
        """The newest line that asked for a journal read while reads were backing off; read by
        the rechecker thread once the back-off ends (the logcat reader never waits for it)."""
        self._deferred_due = threading.Event()
        self._rechecker: threading.Thread | None = None
        self._queue: queue.Queue[JobEvent | BaseException] = queue.Queue()
        self._lock = threading.RLock()
        self._closed = threading.Event()
        self._stream: ShellStream | None = None
        self._thread = threading.Thread(target=self._read_forever, name="jobctl-events", daemon=True)
        self._thread.start()

    # -- consumer side ---------------------------------------------------------------------
    def get(self, timeout: float | None = None) -> JobEvent | None:
        """The next event, or None when ``timeout`` passes first."""
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(item, BaseException):
            raise item
        return item

    def __iter__(self) -> Iterator[JobEvent]:
        while not self._closed.is_set():
            event = self.get(timeout=0.2)
            if event is not None:
                yield event

    def notices(self) -> tuple[StreamNotice, ...]:
        """What the stream reported so far (the newest :data:`NOTICES_KEPT`), oldest first."""
        with self._lock:
            return tuple(self._notices)

    def notices_since(self, cursor: int = 0) -> tuple[tuple[StreamNotice, ...], int]:
        """The notices reported since ``cursor`` (0: the stream's start) and the cursor to pass
        next time: ``new, cursor = stream.notices_since(cursor)`` (a poller such as ``jobctl watch``
        sees each notice once)."""
        with self._lock:
            first_kept = self._notice_count - len(self._notices)
            return tuple(self._notices)[max(cursor - first_kept, 0):], self._notice_count

    @property
    def ignored_lines(self) -> Mapping[IgnoredLineReason, int]:
        """Lines under the ``jobctl`` tag that were not believed, by reason."""
        with self._lock:
            return MappingProxyType(dict(self._ignored))

    def catch_up(self) -> None:
        """Deliver now whatever the journal holds beyond the last delivered event (one
        ``run-as`` read; does not wake the app)."""
        try:
            self._resync()
        except EventsDroppedError as error:
            self._queue.put(error)

    def close(self) -> None:
        self._closed.set()
        stream = self._stream
        if stream is not None:
            stream.close()
        self._thread.join(5)
        if self._rechecker is not None:
            self._rechecker.join(5)

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reader thread -------------------------------------------------------------------
    def _read_forever(self) -> None:
        opened = False
        while not self._closed.is_set():
            if opened:
                self.reconnects += 1
            opened = True
            try:
                self._learn_uid()
                self._resync()  # whatever happened while we were not listening
                self._stream = self._reader.device.stream(protocol.LOGCAT_COMMAND)
                for line in self._stream.lines():
                    if self._closed.is_set():
                        return
                    self._on_line(line)
            except EventsDroppedError as error:
                self._queue.put(error)
            except (JobctlError, OSError):
                pass  # device offline, connection lost, helper being reinstalled: retry below
            finally:
                if self._stream is not None:
                    self._stream.close()
                    self._stream = None
            self._closed.wait(RECONNECT_INTERVAL)

    def _on_line(self, line: str) -> None:
        entry = parse_logcat_entry(line)
        if entry is None or entry.tag != protocol.LOGCAT_TAG:
            return  # a divider, or a line cut by a broken connection
        with self._lock:
            helper_line = entry.uid == self._uid_column
            old_helper_line = entry.uid in self._old_uid_columns
        if not helper_line:
            self._on_foreign_line(entry, old_helper_line)
            return
        try:
            event = protocol.parse_logcat_line(entry.message)
        except HelperProtocolError:
            self._ignore(IgnoredLineReason.MALFORMED, entry)
            self._recheck(entry, None)
            return
        if event is not None:
            self._accept(entry, event)

    def _on_foreign_line(self, entry: LogcatLine, old_helper_line: bool) -> None:
        """Another uid's line: never delivered; when it would be news, the helper's uid is asked
        again (a reinstalled helper may have a new one) and the journal read."""
        event = _lenient_event(entry.message)
        news = event is not None and self._is_news(event)
        if old_helper_line and not news:
            return  # the helper's own lines from before it was reinstalled, replayed
        if news and not old_helper_line:
            self._recheck(entry, event, learn_uid=True)
            with self._lock:
                if entry.uid == self._uid_column:
                    return  # it was the helper under its new uid: the journal had what it said
        self._ignore(IgnoredLineReason.FOREIGN, entry)

    def _is_news(self, event: JobEvent) -> bool:
        with self._lock:
            if event.epoch is not None and event.epoch in self._old_epochs:
                return False
            return event.epoch not in (None, self.epoch) or event.seq >= self.next_seq

    def _accept(self, entry: LogcatLine, event: JobEvent) -> None:
        with self._lock:
            if event.epoch is not None and event.epoch in self._old_epochs:
                return
            same_epoch = event.epoch is None or self.epoch is None or event.epoch == self.epoch
            if same_epoch:
                if event.seq < self.next_seq:
                    return
                if event.seq == self.next_seq and not event.log_truncated and entry.pid == self._helper_pid:
                    self._deliver(event)
                    return
        self._recheck(entry, event)

    def _recheck(self, entry: LogcatLine, event: JobEvent | None, learn_uid: bool = False) -> None:
        """Read the journal (and the helper's uid) because of ``entry``, backing off while such
        reads find nothing. While backing off the read is left to the rechecker thread (only the
        newest such line is kept), so the logcat reader goes on delivering the helper's own lines
        at once: a flood of forged lines costs a journal read every few seconds, not a delay."""
        with self._recheck_lock:
            if self._next_recheck > time.monotonic():
                previous = self._deferred
                self._deferred = (entry, event, learn_uid or (previous is not None and previous[2]))
                self._start_rechecker()
                self._deferred_due.set()
                return
        self._recheck_now(entry, event, learn_uid)

    def _recheck_now(self, entry: LogcatLine, event: JobEvent | None, learn_uid: bool) -> None:
        self.rechecks += 1
        found = self._learn_uid() if learn_uid else False
        found = self._resync(entry, event) or found
        with self._recheck_lock:
            self._recheck_delay = 0.0 if found else min(max(self._recheck_delay * 2, RECHECK_MIN_INTERVAL),
                                                         RECHECK_MAX_INTERVAL)
            self._next_recheck = time.monotonic() + self._recheck_delay

    def _start_rechecker(self) -> None:
        """(Under ``_recheck_lock``.) The thread that does deferred journal reads, started once."""
        if self._rechecker is None:
            self._rechecker = threading.Thread(target=self._recheck_forever, name="jobctl-events-recheck",
                                               daemon=True)
            self._rechecker.start()

    def _recheck_forever(self) -> None:
        while not self._closed.is_set():
            if not self._deferred_due.wait(RECONNECT_INTERVAL):
                continue
            with self._recheck_lock:
                wait = self._next_recheck - time.monotonic()
            if wait > 0 and self._closed.wait(wait):
                return
            with self._recheck_lock:
                deferred, self._deferred = self._deferred, None
                self._deferred_due.clear()
            if deferred is None:
                continue
            try:
                self._recheck_now(*deferred)
            except EventsDroppedError as error:
                self._queue.put(error)
            except (JobctlError, OSError):
                pass  # the reader's reconnect reads the journal again

    def _learn_uid(self) -> bool:
        """Ask the device for the helper's uid; True when it is not the one known."""
        result = self._reader.device.shell(HELPER_UID_COMMAND, idempotent=True)
        if result.exit_code != 0 or result.error_text.strip():
            said = result.error_text.strip() or result.text.strip()
            raise HelperMissingError(f"cannot read the helper's uid: {said}")
        uid = parse_uid(result.text)
        with self._lock:
            if uid == self.helper_uid:
                return False
            if self._uid_column is not None:
                self._old_uid_columns.add(self._uid_column)
            self.helper_uid, self._uid_column, self._helper_pid = uid, logcat_uid_column(uid), None
            self._old_uid_columns.discard(self._uid_column)
            return True

    def _resync(self, entry: LogcatLine | None = None, event: JobEvent | None = None) -> bool:
        """Deliver every journal event from ``next_seq`` on, in order; follow the journal to a new
        epoch; trust ``entry``'s process when the journal holds exactly its ``event``. True when
        that changed anything."""
        with self._lock:
            readback = self._reader.read_journal(1)
            found = self._follow_epoch(readback)
            if readback.helper_pid is not None and readback.helper_pid != self._helper_pid:
                self._helper_pid, found = readback.helper_pid, True
            part = readback.since(self.next_seq)
            if part.dropped_before_seq is not None and part.dropped_before_seq > self.next_seq:
                missing = (self.next_seq, part.dropped_before_seq)
                self.next_seq = part.dropped_before_seq
                raise EventsDroppedError(f"events {missing[0]}..{missing[1] - 1} were rotated out of the "
                                         "helper's journal before they were read")
            delivered = False
            for journal_event in part.events:
                if journal_event.seq == self.next_seq:
                    self._deliver(journal_event)
                    delivered = True
            if delivered:
                self.resyncs += 1
            if entry is not None and event is not None and entry.uid == self._uid_column:
                if _confirms(readback, event):
                    if entry.pid != self._helper_pid:
                        self._helper_pid, found = entry.pid, True
                elif event.epoch is None or event.epoch not in self._old_epochs:
                    self._ignore(IgnoredLineReason.UNCONFIRMED, entry)
            return delivered or found

    def _follow_epoch(self, readback: JournalReadback) -> bool:
        """Take the journal's epoch: the first one seen is adopted, a new one is reported once and
        delivered from seq 1. True when the epoch changed."""
        current = readback.epoch
        if current is None or current == self.epoch:
            return False
        if self.epoch is None:
            self.epoch = current
            return False
        notice = EpochChanged(self.epoch, current, self.next_seq - 1)
        self._old_epochs.add(self.epoch)
        self.epoch, self.next_seq, self._helper_pid = current, 1, None
        self._notify(notice)
        return True

    def _ignore(self, reason: IgnoredLineReason, entry: LogcatLine) -> None:
        with self._lock:
            self._ignored[reason] += 1
            first = self._ignored[reason] == 1
        if first:
            self._notify(LinesIgnored(reason, entry.uid, entry.pid, entry.message[:SAMPLE_CHARS]))

    def _notify(self, notice: StreamNotice) -> None:
        with self._lock:
            self._notices.append(notice)
            self._notice_count += 1
        if self._on_notice is not None:
            self._on_notice(notice)

    def _deliver(self, event: JobEvent) -> None:
        """To ``on_event`` when given (the queue then carries only errors), else to the queue."""
        self.next_seq = event.seq + 1
        if self._on_event is not None:
            self._on_event(event)
        else:
            self._queue.put(event)


def _lenient_event(message: str) -> JobEvent | None:
    try:
        return protocol.parse_logcat_line(message)
    except HelperProtocolError:
        return None


def _confirms(readback: JournalReadback, event: JobEvent) -> bool:
    """Whether the journal holds ``event`` as logged (a ``log_truncated`` stand-in: its header)."""
    stored = next((e for e in reversed(readback.whole) if e.seq == event.seq), None)
    if stored is None or stored.epoch != event.epoch:
        return False
    if event.log_truncated:
        return (stored.elapsed_ms, stored.wall_ms, stored.kind) == (event.elapsed_ms, event.wall_ms, event.kind)
    return stored.to_json_object() == event.to_json_object()
