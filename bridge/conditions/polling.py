"""The readback poller: the one place the conditions wait (ref §6, "never trust one shell call").

A change is followed by reading a readback until a predicate holds or a deadline passes; the
pause between reads is the poller's ``sleep`` (injectable, never hidden in a caller).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bridge.errors import ConditionTimeoutError

T = TypeVar("T")

DEFAULT_TIMEOUT = 15.0
"""Seconds to wait for a readback (CTS uses 15 s for battery and doze, 10 s for storage; ref §6)."""
POLL_INTERVAL = 0.05


def wait_until(
    read: Callable[[], T],
    predicate: Callable[[T], bool],
    timeout: float,
    *,
    what: str,
    interval: float = POLL_INTERVAL,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    wanted: str | None = None,
    seen: Callable[[T], str] = repr,
) -> T:
    """Call ``read`` until ``predicate`` holds for its value; raise :class:`ConditionTimeoutError`
    once ``timeout`` seconds have passed (ref §6). The error is one line: ``what`` (the condition),
    ``wanted`` and the last value as ``seen`` shows it -- ``charging: wanted true, seen false``."""
    deadline = clock() + timeout
    while True:
        value = read()
        if predicate(value):
            return value
        remaining = deadline - clock()
        if remaining <= 0:
            if wanted is None:
                raise ConditionTimeoutError(f"{what}: not reached within {timeout:g} s (last readback {value!r})")
            raise ConditionTimeoutError(f"{what}: wanted {wanted}, seen {seen(value)} (after {timeout:g} s)")
        sleep(min(interval, remaining))


@dataclass(frozen=True)
class ReadbackPoller:
    """:func:`wait_until` with a fixed deadline length, interval, clock and sleep."""

    timeout: float = DEFAULT_TIMEOUT
    interval: float = POLL_INTERVAL
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    def wait(self, read: Callable[[], T], predicate: Callable[[T], bool], what: str, *, wanted: str | None = None,
             seen: Callable[[T], str] = repr) -> T:
        """The first value of ``read`` for which ``predicate`` holds, within :attr:`timeout` seconds."""
        return wait_until(read, predicate, self.timeout, what=what, interval=self.interval, clock=self.clock,
                          sleep=self.sleep, wanted=wanted, seen=seen)
