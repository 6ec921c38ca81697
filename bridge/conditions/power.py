"""Power: charging, battery level, battery low and battery saver (ref §3, §5.5, §8.4, §8.13).

JobScheduler's own view is the readback: ``cmd jobscheduler get-battery-seq`` must reach the
sequence number the change printed, and ``get-battery-charging`` / ``get-battery-not-low`` must
say what was asked (CTS ``setBatteryState``, ref §3.4). The battery's snapshot and restore are
:mod:`bridge.conditions.battery`'s.
"""

from __future__ import annotations

from bridge.conditions.base import RestoreStep, on_off
from bridge.conditions.battery import (
    BATTERY_CONSTANTS,
    CHARGED_DELAY_KEY,
    CHARGING_LEVEL,
    BatteryConditions,
    with_zero_delay,
)
from bridge.conditions.values import require_level
from bridge.errors import InvalidConditionError
from bridge.parsers import bool_word, int_word

__all__ = ["BATTERY_CONSTANTS", "CHARGED_DELAY_KEY", "LOW_BATTERY_LEVEL", "NOT_LOW_BATTERY_LEVEL",
           "PowerConditions", "check_level", "require_level", "with_zero_delay"]

LOW_BATTERY_LEVEL = 5
"""Level used for "battery low": at or under ``config_lowBatteryWarningLevel`` (15), ref §3.1."""
NOT_LOW_BATTERY_LEVEL = 50
"""Level used for "battery not low": at or over the close-warning bump (15 + 5), ref §3.1."""


def check_level(level: int) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 100:
        raise InvalidConditionError(f"battery level must be an integer from 0 to 100, not {level!r}")
    return level


class PowerConditions(BatteryConditions):
    """Charging, battery level, battery low, battery saver."""

    def set_charging(self, charging: bool, *, level: int | None = None) -> None:
        """Plug in (AC) or unplug the way BatteryStats declares charging (ref §3.3, §3.4, §8.4):
        charged delay 0, ``monitor-battery on``, a plug event below ``level`` (default current + 1,
        capped at 100) and a visible *rise* to it, then poll ``get-battery-seq`` ≥ seq and
        ``get-battery-charging``. Already charging below ``level``: the rise alone. Unplugging is
        ``cmd battery unplug -f``."""
        if level is not None:
            check_level(level)
        if not charging:
            self._prepare_battery(charged_delay=False)
            seq = int_word(self._run("cmd battery unplug -f"), "battery seq")
            self._wait_battery(seq, charging=False)
            return
        self._prepare_battery(charged_delay=True)
        dump = self._battery_dump()
        current = require_level(dump.level)
        target = level if level is not None else min(100, current + 1)
        _, charging_now, _ = self._battery_readback()
        rises = target > current and (charging_now or not dump.plugged)  # from a plug event now, or charging
        if not rises and target < CHARGING_LEVEL:
            # A rise counts only since the last plug event (BatteryStatsImpl): plug in below target.
            self._battery("set", "level", str(max(target - 1, 0)))
            self._battery("unplug")
            self._battery("set", "ac", "1")
        else:
            self._battery("set", "ac", "1")
            if current >= target:
                self._battery("set", "level", str(max(target - 1, 1)))  # a visible rise (ref §3.4)
        seq = self._set_level_forced(target)
        self._wait_battery(seq, charging=True)

    def set_battery_level(self, level: int) -> None:
        """``cmd battery set -f level N`` and wait until JobScheduler saw that broadcast (ref §3.4)."""
        check_level(level)
        self._prepare_battery(charged_delay=False)
        seq = self._set_level_forced(level)
        self._wait_battery(seq)

    def set_battery_low(self, low: bool, *, level: int | None = None) -> None:
        """Battery low: unplug, level ≤ 15 (default 5); not low: level ≥ 20 (default 50). Poll
        ``get-battery-not-low`` (ref §3.1 thresholds, §1.6)."""
        if level is not None:
            check_level(level)
            if (low and level > 15) or (not low and level < 20):
                raise InvalidConditionError(
                    f"battery level {level} cannot make the battery {'low' if low else 'not low'}")
        target = level if level is not None else (LOW_BATTERY_LEVEL if low else NOT_LOW_BATTERY_LEVEL)
        self._prepare_battery(charged_delay=False)
        if low:
            self._run("cmd battery unplug")
        seq = self._set_level_forced(target)
        self._wait_battery(seq, not_low=not low)

    def set_battery_saver(self, enabled: bool) -> None:
        """Battery saver on: unplug first (it is ignored while plugged, ref §8.13), then
        ``cmd power set-mode 1``; off: ``set-mode 0``. Poll ``settings get global low_power``
        (ref §5.5). Restore puts the original mode back (the battery restore re-plugs)."""
        if enabled:
            self.set_charging(False)
        self._remember("battery-saver", "restore battery saver", self._capture_battery_saver)
        self._set_power_mode(enabled)

    def _read_battery_saver(self) -> bool:
        return bool_word(self._run("settings get global low_power"), "low_power")

    def _set_power_mode(self, enabled: bool) -> None:
        self._run(["cmd", "power", "set-mode", "1" if enabled else "0"])
        self._wait(self._read_battery_saver, lambda on: on is enabled, "battery saver", wanted=on_off(enabled))

    def _capture_battery_saver(self) -> RestoreStep:
        original = self._read_battery_saver()
        return lambda: self._set_power_mode(original)
