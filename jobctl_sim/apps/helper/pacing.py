"""Waiting inside a script on the device clock (PROTOCOL.md §7.1 ``sleep``, ``transfer``, ``hold``).

The virtual device's counterpart of the Java helper's ``ThreadPacer``: every wait is a
:meth:`VirtualClock.call_later` timer (so ``--speed`` applies), and ``onStopJob`` wakes every wait.
"""

from __future__ import annotations

import asyncio

from jobctl_sim.native.clock import VirtualClock


class ClockPacer:
    """One running job's waits; :meth:`wake` is called once, from ``onStopJob``."""

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock
        self._woken = False
        self._waiting: set[asyncio.Future[bool]] = set()

    async def wait(self, ms: int) -> bool:
        """Wait ``ms`` virtual milliseconds; False if stopped before or during the wait."""
        if self._woken:
            return False
        if ms <= 0:
            return True
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

        def elapse() -> None:
            if not future.done():
                future.set_result(True)

        timer = self._clock.call_later(ms / 1000, elapse)
        self._waiting.add(future)
        try:
            return await future
        finally:
            timer.cancel()
            self._waiting.discard(future)

    async def wait_for_stop(self) -> None:
        """``hold``: until ``onStopJob``."""
        if self._woken:
            return
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.add(future)
        try:
            await future
        finally:
            self._waiting.discard(future)

    async def checkpoint(self) -> None:
        """Yield to the event loop between work items (no virtual time passes)."""
        await asyncio.sleep(0)

    def wake(self) -> None:
        self._woken = True
        for future in list(self._waiting):
            if not future.done():
                future.set_result(False)
