"""Power: charging, battery level, battery low and battery saver (ref §3, §5.5, §8.4, §8.13).

JobScheduler's own view is the readback: ``cmd jobscheduler get-battery-seq`` must reach the
sequence number the change printed, and ``get-battery-charging`` / ``get-battery-not-low`` must
say what was asked (CTS ``setBatteryState``, ref §3.4).
"""

from __future__ import annotations

from collections.abc import Callable

from bridge.conditions.base import ConditionsBase, RestoreStep
from bridge.errors import ConditionError, InvalidConditionError
from bridge.parsers import bool_word, int_word, parse_battery_dump

BATTERY_CONSTANTS = "battery_stats_constants"
CHARGED_DELAY_KEY = "battery_charged_delay_ms"
LOW_BATTERY_LEVEL = 5
"""Level used for "battery low": at or under ``config_lowBatteryWarningLevel`` (15), ref §3.1."""
NOT_LOW_BATTERY_LEVEL = 50
"""Level used for "battery not low": at or over the close-warning bump (15 + 5), ref §3.1."""
BATTERY_READBACK = ("cmd jobscheduler get-battery-seq; cmd jobscheduler get-battery-charging; "
                    "cmd jobscheduler get-battery-not-low")

BatteryPredicate = Callable[[bool, bool], bool]
"""``(charging, not_low)`` -> whether the wanted state is reached."""


def require_level(level: int | None) -> int:
    if level is None:
        raise ConditionError("dumpsys battery printed no level")
    return level


def with_zero_delay(constants: str | None) -> str:
    """``battery_stats_constants`` with ``battery_charged_delay_ms=0``, other keys kept (ref §3.4)."""
    pairs = [p for p in (constants or "").split(",") if p and not p.strip().startswith(f"{CHARGED_DELAY_KEY}=")]
    return ",".join([*pairs, f"{CHARGED_DELAY_KEY}=0"])


def check_level(level: int) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 100:
        raise InvalidConditionError(f"battery level must be an integer from 0 to 100, not {level!r}")
    return level


def _any_state(charging: bool, not_low: bool) -> bool:
    return True


class PowerConditions(ConditionsBase):
    """Charging, battery level, battery low, battery saver."""

    def _battery_readback(self) -> tuple[int, bool, bool]:
        """``(get-battery-seq, get-battery-charging, get-battery-not-low)`` in one round trip."""
        text = self._run(BATTERY_READBACK)
        words = text.split()
        if len(words) != 3:
            raise ConditionError(f"unreadable battery readback: {text.strip()!r}")
        return (int_word(words[0], "battery seq"), bool_word(words[1], "charging"),
                bool_word(words[2], "battery not low"))

    def _wait_battery(self, seq: int, what: str, predicate: BatteryPredicate = _any_state) -> None:
        """Poll until JobScheduler saw battery broadcast ``seq`` and ``predicate(charging, not_low)``
        holds (CTS ``setBatteryState``, ref §3.4)."""
        self._wait(self._battery_readback, lambda r: r[0] >= seq and predicate(r[1], r[2]), what)

    def _prepare_battery(self, *, charged_delay: bool) -> None:
        """Record the battery's restore steps, then (ref §3.4): optionally set
        ``battery_charged_delay_ms=0`` (keeping the other constants), and ``monitor-battery on``
        so ``get-battery-seq`` follows the broadcasts."""
        if charged_delay:
            original = self._remember_battery_constants()
            self._run(["settings", "put", "global", BATTERY_CONSTANTS, with_zero_delay(original)])
        self._remember("battery-monitor", "cmd jobscheduler monitor-battery off",
                       lambda: self._command_step("cmd jobscheduler monitor-battery off"))
        self._run("cmd jobscheduler monitor-battery on")
        self._remember("battery", "cmd battery reset", self._capture_battery)

    def _remember_battery_constants(self) -> str | None:
        original = self._run(["settings", "get", "global", BATTERY_CONSTANTS]).strip()
        value = None if original in ("", "null") else original

        def restore() -> None:
            if value is None:
                self._run(["settings", "delete", "global", BATTERY_CONSTANTS])
            else:
                self._run(["settings", "put", "global", BATTERY_CONSTANTS, value])

        self._remember("battery-constants", f"restore {BATTERY_CONSTANTS}", lambda: restore)
        return value

    def _capture_battery(self) -> RestoreStep:
        """Live battery values are restored with ``cmd battery reset``; values someone had
        already frozen with ``cmd battery set/unplug`` (the dump says ``UPDATES STOPPED``,
        ref §3.1) are set again, since a reset would bring back the hardware's instead."""
        dump = parse_battery_dump(self._run("dumpsys battery"))
        _, charging, not_low = self._battery_readback()
        expected = f"battery back to charging={charging} not-low={not_low}"

        def reset() -> None:
            self._run("cmd battery reset")
            self._wait(self._battery_readback, lambda r: r[1:] == (charging, not_low), expected)

        def refreeze() -> None:
            sources = {"ac": dump.ac_powered, "usb": dump.usb_powered, "wireless": dump.wireless_powered,
                       "dock": dump.dock_powered}
            for source, powered in sources.items():
                if powered is not None:
                    self._run(["cmd", "battery", "set", source, "1" if powered else "0"])
            level = dump.level if dump.level is not None else self._battery_level()
            if charging and level > 1:
                self._run(["cmd", "battery", "set", "level", str(level - 1)])  # a visible rise (ref §3.4)
            self._wait_battery(self._set_level_forced(level), expected,
                               lambda c, n: (c, n) == (charging, not_low))

        return refreeze if dump.updates_stopped else reset

    def _battery_level(self) -> int:
        return require_level(parse_battery_dump(self._run("dumpsys battery")).level)

    def _set_level_forced(self, level: int) -> int:
        """``cmd battery set -f level N`` (``-f`` right after the verb, ref §3.1); the new seq."""
        return int_word(self._run(["cmd", "battery", "set", "-f", "level", str(level)]), "battery seq")

    def set_charging(self, charging: bool, *, level: int | None = None) -> None:
        """Plug in (AC) or unplug the way BatteryStats declares charging (ref §3.3, §3.4, §8.4):
        charged delay 0, ``monitor-battery on``, ``set ac 1``, a visible level *rise* (to ``level``,
        default current + 1, capped at 100), then poll ``get-battery-seq`` ≥ seq and
        ``get-battery-charging``. Unplugging is ``cmd battery unplug -f``."""
        if level is not None:
            check_level(level)
        if not charging:
            self._prepare_battery(charged_delay=False)
            seq = int_word(self._run("cmd battery unplug -f"), "battery seq")
            self._wait_battery(seq, "charging=false", lambda c, n: not c)
            return
        self._prepare_battery(charged_delay=True)
        self._run("cmd battery set ac 1")
        current = self._battery_level()
        target = level if level is not None else min(100, current + 1)
        if current >= target:
            self._run(["cmd", "battery", "set", "level", str(max(target - 1, 1))])
        seq = self._set_level_forced(target)
        self._wait_battery(seq, "charging=true", lambda c, n: c)

    def set_battery_level(self, level: int) -> None:
        """``cmd battery set -f level N`` and wait until JobScheduler saw that broadcast (ref §3.4)."""
        check_level(level)
        self._prepare_battery(charged_delay=False)
        seq = self._set_level_forced(level)
        self._wait_battery(seq, f"battery level {level}")

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
        self._wait_battery(seq, f"battery-not-low={str(not low).lower()}", lambda c, n: n is not low)

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
        self._wait(self._read_battery_saver, lambda on: on is enabled, f"battery saver {'on' if enabled else 'off'}")

    def _capture_battery_saver(self) -> RestoreStep:
        original = self._read_battery_saver()
        return lambda: self._set_power_mode(original)
