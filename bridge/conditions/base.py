"""What every condition family shares: the device's shell, the readback poller, and the snapshot
that records how to put each changed condition back (restored in reverse order).

A snapshot also holds the device's conditions lease (:mod:`.lease`: a second snapshot elsewhere
is refused rather than left to restore this one's changes as originals), and while it is active
in the main thread SIGTERM and SIGHUP restore the device as Ctrl-C does (:mod:`.signals`).
Outside a snapshot, the first change of a value no default describes (``battery_stats_constants``,
an app's standby bucket and background mode, metered overrides) records the original on the
device, for ``jobctl device reset`` (:mod:`.originals`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Self, TypeVar

from bridge.capabilities import ShellDevice
from bridge.conditions.lease import DEFAULT_LEASE_TTL, Lease
from bridge.conditions.originals import forget_records_line, record_original_line
from bridge.conditions.polling import DEFAULT_TIMEOUT, POLL_INTERVAL, ReadbackPoller
from bridge.signals import terminate_as_interrupt
from bridge.errors import ConditionError, ConditionRestoreError

T = TypeVar("T")

RestoreStep = Callable[[], None]


def on_off(value: object) -> str:
    """A readback as a user reads it: ``true``/``false`` for booleans, the text otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return value.name
    return str(value)


Capture = Callable[[], RestoreStep]
"""Reads a condition's original value now and returns the step that puts it back."""


@dataclass
class UndoLog:
    """Restore steps in the order their conditions were first changed; run in reverse."""

    keys: set[str] = field(default_factory=set)
    steps: list[tuple[str, RestoreStep]] = field(default_factory=list)
    last_steps: list[tuple[str, RestoreStep]] = field(default_factory=list)
    """Steps whose condition follows the others (Doze follows the screen and the charger): run last."""
    record_originals: bool = False
    """Keep the originals recorded on the device (:meth:`ConditionsBase.all_or_nothing`): a
    snapshot removes the ones it wrote once it restored them (:attr:`records`)."""
    records: list[str] = field(default_factory=list)
    """The originals this log's block recorded on the device (:mod:`bridge.conditions.originals`)."""

    def restore(self) -> tuple[list[str], BaseException | None]:
        failures: list[str] = []
        interrupt: BaseException | None = None
        for description, step in [*reversed(self.steps), *reversed(self.last_steps)]:
            try:
                step()
            except (KeyboardInterrupt, SystemExit) as stop:  # finish restoring, re-raise after
                interrupt = interrupt or stop
                failures.append(f"{description}: interrupted")
            except Exception as error:  # every step is tried, failures are collected
                failures.append(f"{description}: {error}")
        return failures, interrupt


class ConditionsBase:
    """One device's shell, poller and snapshot; each condition family extends it."""

    def __init__(self, device: ShellDevice, *, timeout: float = DEFAULT_TIMEOUT,
                 poll_interval: float = POLL_INTERVAL, lease_ttl: float = DEFAULT_LEASE_TTL) -> None:
        self.device = device
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.lease_ttl = lease_ttl
        """How long a snapshot's device lease lives unrenewed (:mod:`bridge.conditions.lease`)."""
        self._undo: UndoLog | None = None

    # -- shell ------------------------------------------------------------------------
    def _run(self, command: str | Sequence[str]) -> str:
        """Run a command that must succeed; its stdout. Every command here reads a condition or
        sets it to a value, so it is safe to send again after a lost connection (and restoring
        the device's conditions survives a pulled cable or an adb server restart)."""
        return self.device.shell(command, check=True, idempotent=True).text

    def _wait(self, read: Callable[[], T], predicate: Callable[[T], bool], what: str, *, wanted: str,
              seen: Callable[[T], str] = on_off) -> T:
        """Poll ``read`` until ``predicate`` holds; a timeout names the condition (``what``), the
        ``wanted`` value and the last one ``seen``, in one line."""
        poller = ReadbackPoller(self.timeout, self.poll_interval)
        return poller.wait(read, predicate, f"{self.device.serial}: {what}", wanted=wanted, seen=seen)

    # -- snapshot ---------------------------------------------------------------------
    @contextmanager
    def snapshot(self) -> Iterator[Self]:
        """Record the original value of every condition changed inside the block (lazily, on
        its first change) and restore them all in reverse order on exit -- also after an
        exception, a KeyboardInterrupt (Ctrl-C) or, in the main thread, SIGTERM or SIGHUP (raised
        as :class:`~bridge.signals.Terminated`, a KeyboardInterrupt, while the block
        runs, unless the program set its own handler; the previous handlers are put back on
        exit). Every restore step is tried; failures are collected into one
        :class:`ConditionRestoreError` (attached as a note if the block itself raised).

        The block holds the device's conditions lease (:mod:`bridge.conditions.lease`): while it
        runs, a snapshot of another process on the same device raises
        :class:`~bridge.conditions.lease.ConditionsBusyError` before changing anything."""
        if self._undo is not None:
            raise ConditionError("a snapshot is already active on this Conditions object")
        with terminate_as_interrupt():
            lease = Lease(self.device, self.lease_ttl)
            lease.acquire()
            self._undo = UndoLog()
            try:
                yield self
            except (KeyboardInterrupt, SystemExit) as stop:
                failures, _ = self._end_snapshot(lease)
                if failures:
                    stop.add_note(str(ConditionRestoreError(failures)))
                raise
            except BaseException as error:
                failures, interrupt = self._end_snapshot(lease)
                if interrupt is not None:
                    raise interrupt from error
                if failures:
                    raise ConditionRestoreError(failures) from error
                raise
            else:
                failures, interrupt = self._end_snapshot(lease)
                if interrupt is not None:
                    raise interrupt
                if failures:
                    raise ConditionRestoreError(failures)

    @contextmanager
    def all_or_nothing(self) -> Iterator[Self]:
        """Keep the changes made in the block if it completes; undo them (as a snapshot would) if
        it raises, is interrupted (Ctrl-C) or, in the main thread, gets SIGTERM or SIGHUP. What
        each ``jobctl device …`` command runs in: a change either happens whole or not at all.
        No lease is taken (a single change does not restore anything later), and originals are
        recorded for ``device reset`` as outside a snapshot."""
        if self._undo is not None:
            raise ConditionError("a snapshot is already active on this Conditions object")
        with terminate_as_interrupt():
            self._undo = UndoLog(record_originals=True)
            try:
                yield self
            except BaseException as error:
                log, self._undo = self._undo, None
                failures, _ = log.restore()
                if failures:
                    error.add_note(str(ConditionRestoreError(failures)))
                raise
            self._undo = None

    def _end_snapshot(self, lease: Lease) -> tuple[list[str], BaseException | None]:
        """Restore, then give the lease back (a failure to remove it is left to its expiry)."""
        log, self._undo = self._undo, None
        failures, interrupt = log.restore() if log is not None else ([], None)
        import logging  # here, not at the top: only a snapshot's end logs (start-up, issue 16)

        logger = logging.getLogger("jobctl.conditions")
        try:
            if log is not None and log.records and not failures:  # restored: no longer needed
                self._run(forget_records_line(log.records))
        except (KeyboardInterrupt, SystemExit) as stop:
            interrupt = interrupt or stop
        except Exception as error:  # a stale record only makes `device reset` set the same value again
            logger.warning("%s: the originals this snapshot recorded were not removed (%s)", self.device.serial, error)
        try:
            lease.release()
        except (KeyboardInterrupt, SystemExit) as stop:
            interrupt = interrupt or stop
        except Exception as error:  # the lease expires on its own; the conditions are what matter
            logger.warning("%s: the conditions lease was not removed (%s); it expires in %.0f s",
                           self.device.serial, error, lease.ttl)
        return failures, interrupt

    def _record_original(self, name: str, read_command: str) -> None:
        """Before the first change jobctl ever makes to ``name``, keep what ``read_command``
        prints now on the device (once; ``jobctl device reset`` puts it back and forgets it). A
        snapshot forgets the records it wrote after restoring them itself (:meth:`_end_snapshot`)."""
        wrote = "recorded" in self._run(record_original_line(name, read_command))
        if wrote and self._undo is not None and not self._undo.record_originals:
            self._undo.records.append(name)

    def _remember(self, key: str, description: str, capture: Capture, *, last: bool = False) -> None:
        """Inside a snapshot, on the first change of ``key``: read the original now (``capture``)
        and keep the step that puts it back (``last``: after every other step)."""
        log = self._undo
        if log is None or key in log.keys:
            return
        restore = capture()
        log.keys.add(key)
        (log.last_steps if last else log.steps).append((description, restore))

    # -- restore steps ----------------------------------------------------------------
    def _command_step(self, command: str) -> RestoreStep:
        """A restore step that runs one command that must succeed."""
        def step() -> None:
            self._run(command)

        return step

    @staticmethod
    def _capture(read: Callable[[], bool], switch: Callable[[bool], None]) -> Capture:
        """A capture for a boolean condition: read it now, restore by switching back."""
        def capture() -> RestoreStep:
            original = read()
            return lambda: switch(original)

        return capture
