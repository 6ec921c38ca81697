"""DeviceIdlenessTracker: when the device counts as idle for IDLE-constrained jobs.

Source: ``apex/jobscheduler/service/java/com/android/server/job/controllers/idle/
DeviceIdlenessTracker.java``: the screen turning on ends idle (and dock idle); the screen turning
off arms the inactivity alarm (``INACTIVITY_IDLE_THRESHOLD``, 31 min [I: order of magnitude
only]), after which the device is idle; ``ACTION_TRIGGER_IDLE`` (``am idle-maintenance``) makes
it idle at once only when the screen is off or the dock is idle; ``ACTION_DOCK_IDLE`` /
``ACTION_DOCK_ACTIVE`` (``cmd jobscheduler trigger-dock-state``) are ignored while the screen is
off. A reboot starts not idle.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from jobctl_sim.native.clock import VirtualClock

IDLE_INACTIVITY_MS = 31 * 60_000


class IdlenessTracker:
    """``idle`` and ``dock_idle``, driven by screen, idle-maintenance and dock events."""

    def __init__(self, clock: VirtualClock, screen_on: Callable[[], bool], on_idle: Callable[[], None]) -> None:
        self._clock = clock
        self._screen_on = screen_on
        self._on_idle = on_idle
        self.idle = False
        self.dock_idle = False
        self._alarm: asyncio.TimerHandle | None = None
        self.check_scheduled_ms = -1
        """``mIdlenessCheckScheduledElapsed``: when the idleness check was armed, -1 when not."""

    def on_screen(self) -> None:
        if self._screen_on():
            self.idle = False
            self.dock_idle = False
            self._cancel_alarm()
        else:
            self._arm_alarm()

    def on_idle_trigger(self) -> None:
        if not self._screen_on() or self.dock_idle:
            self.idle = True
            self._cancel_alarm()

    def on_dock(self, idle: bool) -> bool:
        """Dock idle/active; False when ignored (screen off)."""
        if not self._screen_on():
            return False
        if idle:
            self.dock_idle = True
            self._arm_alarm()
        else:
            self.dock_idle = False
            self.idle = False
            self._cancel_alarm()
        return True

    def reset(self) -> None:
        self.idle = False
        self.dock_idle = False

    def _arm_alarm(self) -> None:
        self._cancel_alarm()
        self.check_scheduled_ms = self._clock.elapsed_realtime_ms()

        def fire() -> None:
            self._alarm = None
            self.check_scheduled_ms = -1
            if not self._screen_on() or self.dock_idle:
                self.idle = True
                self._on_idle()

        try:
            self._alarm = self._clock.call_later(IDLE_INACTIVITY_MS / 1000, fire)
        except RuntimeError:
            self._alarm = None

    def _cancel_alarm(self) -> None:
        self.check_scheduled_ms = -1
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
