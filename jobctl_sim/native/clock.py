"""The virtual device's one clock, with a speed factor.

Every timer in the virtual device goes through this clock, so ``--speed 60`` makes a
10-minute JobScheduler timeout pass in 10 real seconds. Elapsed realtime starts at 0 at boot
(as ``SystemClock.elapsedRealtime()`` does) and restarts on a virtual reboot; wall time
runs at the same speed from the host's time at boot.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class VirtualClock:
    """Elapsed-realtime and wall clocks running ``speed`` times faster than the host's."""

    def __init__(self, speed: float = 1.0) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be positive, got {speed!r}")
        self.speed = speed
        self._boot_monotonic = time.monotonic()
        self._boot_wall = time.time()

    def reboot(self) -> None:
        """Elapsed realtime restarts at zero; wall time carries on."""
        self._boot_wall = self.wall_time()
        self._boot_monotonic = time.monotonic()

    def elapsed(self) -> float:
        """Virtual seconds since boot."""
        return (time.monotonic() - self._boot_monotonic) * self.speed

    def elapsed_realtime_ms(self) -> int:
        """``SystemClock.elapsedRealtime()`` of the virtual device."""
        return int(self.elapsed() * 1000)

    def wall_time(self) -> float:
        """Virtual ``System.currentTimeMillis() / 1000``."""
        return self._boot_wall + self.elapsed()

    def real_seconds(self, virtual_seconds: float) -> float:
        """How long ``virtual_seconds`` take on the host."""
        return max(0.0, virtual_seconds) / self.speed

    async def sleep(self, virtual_seconds: float) -> None:
        await asyncio.sleep(self.real_seconds(virtual_seconds))

    def call_later(self, virtual_seconds: float, callback: Callable[[], object]) -> asyncio.TimerHandle:
        """Run ``callback`` on the running loop after ``virtual_seconds``."""
        loop = asyncio.get_running_loop()
        return loop.call_later(self.real_seconds(virtual_seconds), callback)
