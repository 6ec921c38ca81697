"""The battery as BatteryService and JobScheduler see it: the readback, the snapshot's capture of
the battery, and driving the battery to an exact state (level, power sources, status, frozen or
live, JobScheduler's charging and battery-not-low) -- the restore step.

AOSP facts (ref §3; ``frameworks/base/services/core/java/com/android/server/BatteryService.java``
for ``cmd battery``, ``.../power/stats/BatteryStatsImpl.java`` (``com.android.internal.os`` before
14) for charging):

* ``cmd battery set ac|usb|wireless|dock|status|level N`` and ``unplug`` freeze the state
  (``mUpdatesStopped``) and each runs ``processValuesLocked``, so every step below is seen;
  ``set -f`` prints the new broadcast sequence; ``reset`` returns to the hardware's values.
* ``unplug`` puts every power source offline and leaves ``status`` alone.
* Battery low: when unplugged with a known status and ``level <= 15``; it clears when plugged,
  at ``level >= 20``, or with ``-f`` at ``level >= 15``.
* Charging (BatteryStatsImpl): ends on unplug; plugged at ``level >= 90`` it starts at once;
  below, it starts ``battery_charged_delay_ms`` after the level is seen to *rise* since the plug
  event (a plug event records the level), and a drop ends it. So the one sure way to an exact
  "plugged at L and charging" is: plug at L-1, then raise to L (CTS ``setBatteryState``, §3.4);
  and "plugged at L, not charging" is: plug at L and do not raise.
"""

from __future__ import annotations

from dataclasses import dataclass

from bridge.conditions.base import ConditionsBase, RestoreStep, on_off
from bridge.conditions.originals import BATTERY_CONSTANTS_RECORD
from bridge.conditions.values import require_level
from bridge.errors import ConditionError
from bridge.parsers import BatteryDump, bool_word, int_word, parse_battery_dump

BATTERY_CONSTANTS = "battery_stats_constants"
CHARGED_DELAY_KEY = "battery_charged_delay_ms"
BATTERY_READBACK = ("cmd jobscheduler get-battery-seq; cmd jobscheduler get-battery-charging; "
                    "cmd jobscheduler get-battery-not-low")
CHARGING_LEVEL = 90
"""BatteryStatsImpl: plugged at this level or above is charging at once."""
LOW_WARNING_LEVEL = 15
"""``config_lowBatteryWarningLevel``."""
SOURCES = ("ac", "usb", "wireless", "dock")

def with_zero_delay(constants: str | None) -> str:
    """``battery_stats_constants`` with ``battery_charged_delay_ms=0``, other keys kept (ref §3.4)."""
    pairs = [p for p in (constants or "").split(",") if p and not p.strip().startswith(f"{CHARGED_DELAY_KEY}=")]
    return ",".join([*pairs, f"{CHARGED_DELAY_KEY}=0"])


@dataclass(frozen=True)
class BatteryTarget:
    """A battery state to return to, as ``dumpsys battery`` and JobScheduler showed it."""

    sources: tuple[tuple[str, bool], ...]
    """``(source, online)`` for each power source the dump printed (dock only on 13+)."""
    level: int
    status: int | None
    charging: bool
    not_low: bool
    frozen: bool
    """``UPDATES STOPPED``: set back with ``cmd battery set``; else ``cmd battery reset`` at the end."""

    @property
    def plugged(self) -> bool:
        return any(online for _, online in self.sources)

    def describe(self) -> str:
        online = "+".join(name for name, on in self.sources if on) or "unplugged"
        return (f"level {self.level}, {online}, charging {on_off(self.charging)}, "
                f"not low {on_off(self.not_low)}{', frozen' if self.frozen else ''}")

    @classmethod
    def seen(cls, dump: BatteryDump, charging: bool, not_low: bool) -> BatteryTarget:
        printed = (dump.ac_powered, dump.usb_powered, dump.wireless_powered, dump.dock_powered)
        return cls(sources=tuple((name, bool(on)) for name, on in zip(SOURCES, printed, strict=True) if on is not None),
                   level=require_level(dump.level), status=dump.status, charging=charging, not_low=not_low,
                   frozen=dump.updates_stopped)


class BatteryConditions(ConditionsBase):
    """The battery readback, the battery's snapshot capture and its exact restore."""

    def _battery_readback(self) -> tuple[int, bool, bool]:
        """``(get-battery-seq, get-battery-charging, get-battery-not-low)`` in one round trip."""
        text = self._run(BATTERY_READBACK)
        words = text.split()
        if len(words) != 3:
            raise ConditionError(f"unreadable battery readback: {text.strip()!r}")
        return (int_word(words[0], "battery seq"), bool_word(words[1], "charging"),
                bool_word(words[2], "battery not low"))

    def _wait_battery(self, seq: int, *, charging: bool | None = None, not_low: bool | None = None) -> None:
        """Poll until JobScheduler saw battery broadcast ``seq`` (CTS ``setBatteryState``, ref §3.4)
        and says ``charging`` / ``not_low`` where given. A timeout names the condition, the
        wanted and the seen value in one line (``charging: wanted true, seen false``)."""
        def reached(r: tuple[int, bool, bool]) -> bool:
            return r[0] >= seq and charging in (None, r[1]) and not_low in (None, r[2])

        def late(r: tuple[int, bool, bool]) -> str:
            return "" if r[0] >= seq else f" (JobScheduler saw broadcast {r[0]}, not yet {seq})"

        if charging is not None:
            self._wait(self._battery_readback, reached, "charging", wanted=on_off(charging),
                       seen=lambda r: on_off(r[1]) + late(r))
        elif not_low is not None:
            self._wait(self._battery_readback, reached, "battery not low", wanted=on_off(not_low),
                       seen=lambda r: on_off(r[2]) + late(r))
        else:
            self._wait(self._battery_readback, reached, "battery broadcast seen by JobScheduler",
                       wanted=str(seq), seen=lambda r: str(r[0]))

    def _battery_dump(self) -> BatteryDump:
        return parse_battery_dump(self._run("dumpsys battery"))

    def _battery_level(self) -> int:
        return require_level(self._battery_dump().level)

    def _set_level_forced(self, level: int) -> int:
        """``cmd battery set -f level N`` (``-f`` right after the verb, ref §3.1); the new seq."""
        return int_word(self._run(["cmd", "battery", "set", "-f", "level", str(level)]), "battery seq")

    def _battery(self, *words: str) -> None:
        self._run(["cmd", "battery", *words])

    # -- snapshot ---------------------------------------------------------------------
    def _prepare_battery(self, *, charged_delay: bool) -> None:
        """Record the battery's restore steps, then (ref §3.4): optionally set
        ``battery_charged_delay_ms=0`` (keeping the other constants), and ``monitor-battery on``
        so ``get-battery-seq`` follows the broadcasts."""
        if charged_delay:
            self._record_original(BATTERY_CONSTANTS_RECORD, f"settings get global {BATTERY_CONSTANTS}")
            original = self._read_battery_constants()
            self._remember("battery-constants", f"restore {BATTERY_CONSTANTS}", lambda: self._constants_step(original))
            self._zero_charged_delay(original)
        else:  # read only inside a snapshot: the battery's restore may need a zero delay for a while
            self._remember("battery-constants", f"restore {BATTERY_CONSTANTS}",
                           lambda: self._constants_step(self._read_battery_constants()))
        self._remember("battery-monitor", "cmd jobscheduler monitor-battery off",
                       lambda: self._command_step("cmd jobscheduler monitor-battery off"))
        self._run("cmd jobscheduler monitor-battery on")
        self._remember("battery", "restore battery", self._capture_battery)

    def _read_battery_constants(self) -> str | None:
        original = self._run(["settings", "get", "global", BATTERY_CONSTANTS]).strip()
        return None if original in ("", "null") else original

    def _zero_charged_delay(self, constants: str | None) -> None:
        self._run(["settings", "put", "global", BATTERY_CONSTANTS, with_zero_delay(constants)])

    def _constants_step(self, value: str | None) -> RestoreStep:
        def restore() -> None:
            if value is None:
                self._run(["settings", "delete", "global", BATTERY_CONSTANTS])
            else:
                self._run(["settings", "put", "global", BATTERY_CONSTANTS, value])

        return restore

    def _capture_battery(self) -> RestoreStep:
        """The battery as it is now; the step drives it back there (:meth:`_drive_battery`)."""
        dump = self._battery_dump()
        _, charging, not_low = self._battery_readback()
        target = BatteryTarget.seen(dump, charging, not_low)
        return lambda: self._drive_battery(target)

    # -- driving the battery to an exact state -----------------------------------------
    def _drive_battery(self, target: BatteryTarget) -> None:
        """Put the battery exactly where ``target`` says (see the module's notes for why each
        step): nothing is sent when the device already matches."""
        dump = self._battery_dump()
        _, charging, not_low = self._battery_readback()
        if BatteryTarget.seen(dump, charging, not_low) == target:
            return
        # the readbacks below follow the broadcasts only while JobScheduler monitors the battery: a
        # snapshot nested in this one may have turned that off already (its own restore step)
        self._run("cmd jobscheduler monitor-battery on")
        if target.charging and target.plugged and target.level < CHARGING_LEVEL:
            # the rise below must count at once (the constants' own restore step puts them back)
            self._zero_charged_delay(self._read_battery_constants())
        if target.status is not None and dump.status != target.status:
            self._battery("set", "status", str(target.status))
        self._battery("set", "ac", "1")  # plugged: battery low is cleared, a known start
        if target.plugged:
            self._drive_plugged(target)
        else:
            self._drive_unplugged(target)
        if not target.frozen:
            self._battery("reset")  # the frozen values are the hardware's: nothing changes but the freeze
        self._wait(self._battery_readback, lambda r: (r[1], r[2]) == (target.charging, target.not_low),
                   "battery", wanted=f"charging {on_off(target.charging)}, not low {on_off(target.not_low)}",
                   seen=lambda r: f"charging {on_off(r[1])}, not low {on_off(r[2])}")
        dump = self._battery_dump()
        if BatteryTarget.seen(dump, target.charging, target.not_low) != target:
            _, charging, not_low = self._battery_readback()
            now = BatteryTarget.seen(dump, charging, not_low)
            raise ConditionError(f"{self.device.serial}: battery: wanted {target.describe()}, seen {now.describe()}")

    def _plug_sources(self, target: BatteryTarget) -> None:
        """From unplugged: put the target's sources online (the first one is the plug event)."""
        for name, online in target.sources:
            if online:
                self._battery("set", name, "1")

    def _drive_plugged(self, target: BatteryTarget) -> None:
        level = target.level
        if target.charging and level < CHARGING_LEVEL:
            self._battery("set", "level", str(max(level - 1, 0)))
            self._battery("unplug")
            self._plug_sources(target)  # the plug event records level - 1 ...
        else:
            self._battery("set", "level", str(level))
            self._battery("unplug")
            self._plug_sources(target)  # ... or level itself: no rise, no charging below 90
        seq = self._set_level_forced(level)  # ... and the rise to level starts charging
        self._wait_battery(seq)

    def _drive_unplugged(self, target: BatteryTarget) -> None:
        level = target.level
        if target.not_low:
            self._battery("set", "level", str(level))
            seq = int_word(self._run("cmd battery unplug -f"), "battery seq")
            self._wait_battery(seq)
            if not self._battery_readback()[2] and level >= LOW_WARNING_LEVEL:
                self._set_level_forced(level)  # low at 15..19 is cleared by a forced broadcast
        else:
            self._battery("set", "level", str(min(level, LOW_WARNING_LEVEL)))
            self._battery("unplug")  # low: unplugged, status known, level <= 15
            if level > LOW_WARNING_LEVEL:
                self._battery("set", "level", str(level))  # stays low below 20 (no -f: it would clear it)
