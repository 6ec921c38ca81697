"""What every condition family shares: the device's shell, the readback poller, and the snapshot
that records how to put each changed condition back (restored in reverse order)."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Self, TypeVar

from bridge.capabilities import ShellDevice
from bridge.conditions.polling import DEFAULT_TIMEOUT, POLL_INTERVAL, ReadbackPoller
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
                 poll_interval: float = POLL_INTERVAL) -> None:
        self.device = device
        self.timeout = timeout
        self.poll_interval = poll_interval
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
        exception or KeyboardInterrupt. Every restore step is tried; failures are collected into
        one :class:`ConditionRestoreError` (attached as a note if the block itself raised)."""
        if self._undo is not None:
            raise ConditionError("a snapshot is already active on this Conditions object")
        self._undo = UndoLog()
        try:
            yield self
        except (KeyboardInterrupt, SystemExit) as stop:
            failures, _ = self._end_snapshot()
            if failures:
                stop.add_note(str(ConditionRestoreError(failures)))
            raise
        except BaseException as error:
            failures, interrupt = self._end_snapshot()
            if interrupt is not None:
                raise interrupt from error
            if failures:
                raise ConditionRestoreError(failures) from error
            raise
        else:
            failures, interrupt = self._end_snapshot()
            if interrupt is not None:
                raise interrupt
            if failures:
                raise ConditionRestoreError(failures)

    def _end_snapshot(self) -> tuple[list[str], BaseException | None]:
        log, self._undo = self._undo, None
        return log.restore() if log is not None else ([], None)

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
