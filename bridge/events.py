"""The helper's events as they happen, with nothing lost and nothing delivered twice.

Live events arrive on a ``logcat -v raw -s jobctl:I`` stream (PROTOCOL.md §5.4), read on a
background thread. Every event carries a sequence number that never repeats, across helper
restarts and journal rotation (§5.1). The stream delivers exactly ``next_seq`` onwards:

* an event below ``next_seq`` (logcat replays its buffer on every (re)connect) is dropped;
* an event above ``next_seq``, or a ``log_truncated`` stand-in, means something was missed
  (logcat overflowed, the line was cut, the connection broke): the missing range is read from
  the durable journal with ``run-as`` (§5.5), which does not wake the app;
* when the stream breaks (cable pulled, adb server restarted, device rebooted), the reader
  reconnects and resyncs from the journal before going live again.

Journal rotation that dropped requested events is reported, never silently skipped: the
stream raises :class:`EventsDroppedError` from :meth:`EventStream.get`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

from bridge import helper_protocol as protocol
from bridge.device import ShellStream
from bridge.errors import JobctlError
from bridge.helper import Helper
from bridge.model import JobEvent

RECONNECT_INTERVAL = 0.2


class EventsDroppedError(JobctlError):
    """The journal rotated away events that were never delivered."""


class EventStream:
    """Iterate :class:`JobEvent`s from ``from_seq`` (default: only events after now)."""

    def __init__(self, helper: Helper, from_seq: int | None = None,
                 on_event: Callable[[JobEvent], None] | None = None) -> None:
        self.helper = helper
        # The reader thread reconnects on its own terms (and must notice close() at once), so
        # its device calls fail fast instead of waiting for the device inside one call.
        self._reader = Helper(helper.device.with_reconnect_timeout(0))
        self._on_event = on_event
        self.next_seq = helper.info().journal_next_seq if from_seq is None else from_seq
        self.resyncs = 0
        """How many times a gap was filled from the journal (for tests and benchmarks)."""
        self._queue: queue.Queue[JobEvent | BaseException] = queue.Queue()
        self._lock = threading.Lock()
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

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reader thread -------------------------------------------------------------------
    def _read_forever(self) -> None:
        while not self._closed.is_set():
            try:
                self._resync()  # whatever happened while we were not listening
                self._stream = self._reader.device.stream(protocol.LOGCAT_COMMAND)
                for line in self._stream.lines():
                    if self._closed.is_set():
                        return
                    event = protocol.parse_logcat_line(line)
                    if event is not None:
                        self._accept(event)
            except EventsDroppedError as error:
                self._queue.put(error)
            except (JobctlError, OSError):
                pass  # device offline, connection lost: retry below
            finally:
                if self._stream is not None:
                    self._stream.close()
                    self._stream = None
            self._closed.wait(RECONNECT_INTERVAL)

    def _accept(self, event: JobEvent) -> None:
        with self._lock:
            if event.seq < self.next_seq:
                return
            if event.seq == self.next_seq and not event.log_truncated:
                self._deliver(event)
                return
        self._resync()

    def _resync(self) -> None:
        """Deliver every journal event from ``next_seq`` on, in order."""
        with self._lock:
            readback = self._reader.read_journal(self.next_seq)
            if readback.dropped_before_seq is not None and readback.dropped_before_seq > self.next_seq:
                missing = (self.next_seq, readback.dropped_before_seq)
                self.next_seq = readback.dropped_before_seq
                raise EventsDroppedError(f"events {missing[0]}..{missing[1] - 1} were rotated out of the "
                                         "helper's journal before they were read")
            delivered = False
            for event in readback.events:
                if event.seq == self.next_seq:
                    self._deliver(event)
                    delivered = True
            if delivered:
                self.resyncs += 1

    def _deliver(self, event: JobEvent) -> None:
        """To ``on_event`` when given (the queue then carries only errors), else to the queue."""
        self.next_seq = event.seq + 1
        if self._on_event is not None:
            self._on_event(event)
        else:
            self._queue.put(event)
