"""BatteryService (``cmd battery`` / ``dumpsys battery``) and the charging signal JobScheduler sees.

Sources (shell ref §3, which read ``frameworks/base/services/core/java/com/android/server/
BatteryService.java`` of Android 11-15):

* the shell verbs, their outputs and exit codes (table in ref §3.1); ``-f`` is honoured only
  right after the verb (``parseOptions`` reads leading options only); ``set``/``unplug`` freeze
  the state (``mUpdatesStopped``) and accumulate; ``reset`` restores the hardware values and
  prints the sequence with ``-f`` only if updates were stopped; ``set invalid`` survives
  ``reset``; ``get`` exists from Android 12 (``counter`` too), ``dock`` from 13;
* ``dumpsys battery`` with no argument or ``-a`` dumps; any other argument runs the shell;
* ``mSequence`` starts at 1 and increments with every battery-changed broadcast (a change or
  ``-f``);
* battery low (``processValuesLocked``): low when unplugged, status known and
  ``level <= 15`` (``config_lowBatteryWarningLevel``); okay again when plugged, or at
  ``level >= 20`` (warning + ``config_lowBatteryCloseWarningBump`` 5), or with ``-f`` at
  ``level >= 15``;
* charging (``BatteryStatsImpl``, ref §3.3): unplugging ends it at once; plugged with
  ``level >= 90`` starts it at once; below that, a level *rise* while plugged
  arms a ``battery_charged_delay_ms`` timer (``settings global battery_stats_constants``,
  default 900000) after which charging starts; a level drop while charging ends it [I].

Who may: ``set``/``unplug``/``reset`` call ``enforceCallingOrSelfPermission(DEVICE_POWER, null)``
after reading their options (another app's uid: ``SecurityException: Neither user U nor current
process has android.permission.DEVICE_POWER.``, printed as ``Exception occurred while executing
'VERB':``, exit 255); ``get`` is open. ``dumpsys battery`` (and the shell reached through it) first
passes ``DumpUtils.checkDumpPermission``: without ``DUMP`` it prints ``Permission Denial: can't dump
BatteryService from from pid=P, uid=U due to missing android.permission.DUMP permission`` and
stops (``frameworks/base/core/java/com/android/internal/util/DumpUtils.java``; the doubled "from"
is the platform's).
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
from dataclasses import dataclass

from jobctl_sim.framework.permissions import calling_pid, enforce
from jobctl_sim.framework.shell_command import (
    ERROR,
    ArgCursor,
    NumberFormatException,
    SecurityException,
    VerbTable,
    java_bool,
    parse_java_int,
)
from jobctl_sim.framework.system import AndroidSystem, BinderService, Change, Topic
from jobctl_sim.native.shell.command import Invocation

LOW_BATTERY_WARNING_LEVEL = 15
LOW_BATTERY_CLOSE_WARNING_BUMP = 5
CHARGING_LEVEL = 90
DEFAULT_CHARGED_DELAY_MS = 900_000


class Status(enum.IntEnum):
    UNKNOWN = 1
    CHARGING = 2
    DISCHARGING = 3
    NOT_CHARGING = 4
    FULL = 5


@dataclass(frozen=True)
class HealthInfo:
    """What the health HAL reports (``android.hardware.health.HealthInfo``)."""

    ac: bool = False
    usb: bool = True
    wireless: bool = False
    dock: bool = False
    status: int = Status.FULL
    health: int = 2
    present: bool = True
    level: int = 100
    scale: int = 100
    voltage: int = 4352
    temperature: int = 274
    counter: int = 3_270_000
    max_charging_current: int = 500_000
    max_charging_voltage: int = 5_000_000
    technology: str = "Li-ion"

    @property
    def plugged(self) -> bool:
        return self.ac or self.usb or self.wireless or self.dock

    @property
    def plug_type(self) -> int:
        """``BatteryManager.BATTERY_PLUGGED_*`` of the first plugged source (AC 1, USB 2, WIRELESS 4, DOCK 8)."""
        for flag, value in ((self.ac, 1), (self.usb, 2), (self.wireless, 4), (self.dock, 8)):
            if flag:
                return value
        return 0


def _set_props(api: int) -> tuple[str, ...]:
    props = ["ac", "usb", "wireless"]
    if api >= 33:
        props.append("dock")
    props += ["status", "level", "temp", "present"]
    if api >= 31:
        props.append("counter")
    props.append("invalid")
    return tuple(props)


class BatteryService:
    """The battery model; implements :class:`~jobctl_sim.framework.system.BatteryFacts`."""

    def __init__(self, system: AndroidSystem, hardware: HealthInfo = HealthInfo()) -> None:
        self._system = system
        self._hardware = hardware
        self._info = hardware
        self._updates_stopped = False
        self._invalid_charger = 0
        self.sequence = 1
        self._low = False
        self._charging = hardware.plugged and hardware.level >= CHARGING_LEVEL
        self._last_charging_level = hardware.level
        self._charge_timer: asyncio.TimerHandle | None = None
        self._low = self._compute_low(force=False)

    # ------------------------------------------------------------------ facts
    @property
    def level(self) -> int:
        return self._info.level

    @property
    def scale(self) -> int:
        return self._info.scale

    @property
    def plugged_ac(self) -> bool:
        return self._info.ac

    @property
    def plugged_usb(self) -> bool:
        return self._info.usb

    @property
    def plugged_wireless(self) -> bool:
        return self._info.wireless

    @property
    def plugged_dock(self) -> bool:
        return self._info.dock

    @property
    def power_connected(self) -> bool:
        return self._info.plugged

    @property
    def charging(self) -> bool:
        return self._charging

    @property
    def battery_low(self) -> bool:
        return self._low

    @property
    def updates_stopped(self) -> bool:
        return self._updates_stopped

    @property
    def info(self) -> HealthInfo:
        return self._info

    # ------------------------------------------------------------------ state changes
    def set_hardware(self, **changes: object) -> None:
        """Test hook: what the real battery does (ignored while frozen, as on a phone)."""
        self._hardware = dataclasses.replace(self._hardware, **changes)  # type: ignore[arg-type]
        if not self._updates_stopped:
            self._apply(self._hardware, force=False)

    def reset_overrides(self) -> None:
        """What a reboot does: overrides are gone (``mUpdatesStopped`` is not persisted)."""
        self._updates_stopped = False
        self._apply(self._hardware, force=False)

    def _apply(self, info: HealthInfo, force: bool) -> None:
        """``processValuesLocked``: new values, low/charging re-evaluation, broadcast."""
        old = self._info
        self._info = info
        self._low = self._compute_low(force)
        self._update_charging(old, info)
        if force or info != old:
            self.sequence += 1
            self._system.publish(
                Change(Topic.BATTERY, detail={"sequence": self.sequence, "level": info.level, "plugged": info.plugged})
            )

    def _compute_low(self, force: bool) -> bool:
        info = self._info
        if not self._low:
            return (not info.plugged) and info.status != Status.UNKNOWN and info.level <= LOW_BATTERY_WARNING_LEVEL
        if info.plugged:
            return False
        if info.level >= LOW_BATTERY_WARNING_LEVEL + LOW_BATTERY_CLOSE_WARNING_BUMP:
            return False
        return not (force and info.level >= LOW_BATTERY_WARNING_LEVEL)

    def _update_charging(self, old: HealthInfo, new: HealthInfo) -> None:
        if not new.plugged:
            self._cancel_charge_timer()
            self._set_charging(False)
            self._last_charging_level = new.level
            return
        if not old.plugged:
            self._last_charging_level = new.level
        if new.level >= CHARGING_LEVEL:
            self._cancel_charge_timer()
            self._last_charging_level = new.level
            self._set_charging(True)
        elif not self._charging:
            if new.level > self._last_charging_level:
                self._last_charging_level = new.level
                self._arm_charge_timer()
        elif new.level < self._last_charging_level:
            self._last_charging_level = new.level
            self._set_charging(False)

    def _charged_delay_ms(self) -> int:
        return self._system.settings.key_value_constant("battery_stats_constants", "battery_charged_delay_ms",
                                                        DEFAULT_CHARGED_DELAY_MS)

    def _arm_charge_timer(self) -> None:
        self._cancel_charge_timer()
        delay = self._charged_delay_ms()
        if delay <= 0:
            self._set_charging(True)
            return
        try:
            self._charge_timer = self._system.clock.call_later(delay / 1000, self._charge_timer_fired)
        except RuntimeError:  # no running loop (synchronous use): the delay cannot elapse
            self._charge_timer = None

    def _charge_timer_fired(self) -> None:
        self._charge_timer = None
        if self._info.plugged:
            self._set_charging(True)

    def _cancel_charge_timer(self) -> None:
        if self._charge_timer is not None:
            self._charge_timer.cancel()
            self._charge_timer = None

    def _set_charging(self, charging: bool) -> None:
        if charging != self._charging:
            self._charging = charging
            self._system.publish(Change(Topic.BATTERY, detail={"charging": charging, "sequence": self.sequence}))

    # ------------------------------------------------------------------ shell
    def _frozen_copy(self) -> HealthInfo:
        return self._info if self._updates_stopped else self._hardware

    @staticmethod
    def _force(cursor: ArgCursor) -> bool:
        force = False
        while (opt := cursor.next_option()) is not None:
            force = force or opt == "-f"
        return force

    def _finish(self, inv: Invocation, info: HealthInfo, force: bool) -> int:
        self._updates_stopped = True
        self._apply(info, force)
        if force:
            inv.out(f"{self.sequence}\n")
        return 0

    def _enforce_device_power(self, inv: Invocation) -> None:
        enforce(self._system.packages, inv, DEVICE_POWER)

    def _verb_set(self, inv: Invocation, cursor: ArgCursor) -> int:
        force = self._force(cursor)
        self._enforce_device_power(inv)
        key = cursor.next_arg()
        if key is None:
            inv.out("No property specified\n")
            return ERROR
        value = cursor.next_arg()
        if value is None:
            inv.out("No value specified\n")
            return ERROR
        try:
            number = parse_java_int(value)
        except NumberFormatException:
            inv.out(f"Bad value: {value}\n")
            return ERROR
        info = self._frozen_copy()
        if key not in _set_props(self._system.api_level):
            inv.out(f"Unknown set option: {key}\n")
            return 0
        if key == "invalid":
            self._invalid_charger = number
            return self._finish(inv, info, force)
        info = _with_property(info, key, number)
        return self._finish(inv, info, force)

    def _verb_get(self, inv: Invocation, cursor: ArgCursor) -> int:
        key = cursor.next_arg()
        if key is None:
            inv.out("No property specified\n")
            return ERROR
        info = self._info
        values: dict[str, str] = {
            "present": java_bool(info.present),
            "ac": java_bool(info.ac),
            "usb": java_bool(info.usb),
            "wireless": java_bool(info.wireless),
            "status": str(info.status),
            "level": str(info.level),
            "counter": str(info.counter),
            "temp": str(info.temperature),
            "invalid": str(self._invalid_charger),
        }
        if self._system.api_level >= 33:
            values["dock"] = java_bool(info.dock)
        inv.out(f"{values[key]}\n" if key in values else f"Unknown get option: {key}\n")
        return 0

    def _verb_unplug(self, inv: Invocation, cursor: ArgCursor) -> int:
        force = self._force(cursor)
        self._enforce_device_power(inv)
        info = dataclasses.replace(self._frozen_copy(), ac=False, usb=False, wireless=False, dock=False)
        return self._finish(inv, info, force)

    def _verb_reset(self, inv: Invocation, cursor: ArgCursor) -> int:
        force = self._force(cursor)
        self._enforce_device_power(inv)
        if self._updates_stopped:
            self._updates_stopped = False
            self._apply(self._hardware, force)
            if force:
                inv.out(f"{self.sequence}\n")
        return 0

    def _verb_suspend_input(self, inv: Invocation, cursor: ArgCursor) -> int:
        raise SecurityException("battery suspend_input is only supported on debuggable builds")

    def verb_table(self) -> VerbTable:
        verbs = {"set": self._verb_set, "unplug": self._verb_unplug, "reset": self._verb_reset}
        if self._system.api_level >= 31:
            verbs["get"] = self._verb_get
        if self._system.api_level >= 30:
            verbs["suspend_input"] = self._verb_suspend_input
        return VerbTable(verbs, self.help_text)

    def help_text(self) -> str:
        api = self._system.api_level
        props = "|".join(p for p in _set_props(api) if p != "counter" or api >= 31)
        lines = ["Battery service (battery) commands:", "  help", "    Print this help text."]
        if api >= 31:
            lines.append(f"  get [-f] [{props}]")
        lines += [
            f"  set [-f] [{props}] <value>",
            "    Force a battery property value, freezing battery state.",
            "    -f: force a battery change broadcast be sent, prints new sequence.",
            "  unplug [-f]",
            "    Force battery unplugged, freezing battery state.",
            "    -f: force a battery change broadcast be sent, prints new sequence.",
            "  reset [-f]",
            "    Unfreeze battery state, returning to current hardware values.",
            "    -f: force a battery change broadcast be sent, prints new sequence.",
        ]
        return "\n".join(lines) + "\n"

    async def shell_command(self, inv: Invocation) -> int:
        return await self.verb_table().run(inv, inv.args)

    async def dump(self, inv: Invocation) -> int:
        if not self._system.packages.check_uid_permission(inv.uid, DUMP):
            inv.out(f"Permission Denial: can't dump BatteryService from from pid={calling_pid(inv)}, uid={inv.uid} "
                    "due to missing android.permission.DUMP permission\n")
            return 0
        if inv.args and inv.args[0] != "-a":
            return await self.shell_command(inv)
        inv.out(self.dump_text())
        return 0

    def dump_text(self) -> str:
        info, api = self._info, self._system.api_level
        lines = ["Current Battery Service state:"]
        if self._updates_stopped:
            lines.append("  (UPDATES STOPPED -- use 'reset' to restart)")
        lines += [
            f"  AC powered: {java_bool(info.ac)}",
            f"  USB powered: {java_bool(info.usb)}",
            f"  Wireless powered: {java_bool(info.wireless)}",
        ]
        if api >= 33:
            lines.append(f"  Dock powered: {java_bool(info.dock)}")
        lines += [
            f"  Max charging current: {info.max_charging_current}",
            f"  Max charging voltage: {info.max_charging_voltage}",
            f"  Charge counter: {info.counter}",
            f"  status: {info.status}",
            f"  health: {info.health}",
            f"  present: {java_bool(info.present)}",
            f"  level: {info.level}",
            f"  scale: {info.scale}",
            f"  voltage: {info.voltage}",
            f"  temperature: {info.temperature}",
            f"  technology: {info.technology}",
        ]
        if api >= 35:
            lines += ["  Charging state: 0", "  Charging policy: 0"]
        return "\n".join(lines) + "\n"


DEVICE_POWER = "android.permission.DEVICE_POWER"
DUMP = "android.permission.DUMP"


def _with_property(info: HealthInfo, key: str, number: int) -> HealthInfo:
    """``cmd battery set KEY N`` on a copy of ``info`` (``ac``/``usb``/… are booleans: N != 0)."""
    flag = number != 0
    if key == "ac":
        return dataclasses.replace(info, ac=flag)
    if key == "usb":
        return dataclasses.replace(info, usb=flag)
    if key == "wireless":
        return dataclasses.replace(info, wireless=flag)
    if key == "dock":
        return dataclasses.replace(info, dock=flag)
    if key == "present":
        return dataclasses.replace(info, present=flag)
    if key == "status":
        return dataclasses.replace(info, status=number)
    if key == "level":
        return dataclasses.replace(info, level=number)
    if key == "temp":
        return dataclasses.replace(info, temperature=number)
    return dataclasses.replace(info, counter=number)


def install(system: AndroidSystem) -> BatteryService:
    service = BatteryService(system)
    system.battery = service
    system.add_binder_service(BinderService("battery", shell_command=service.shell_command, dump=service.dump))
    return service
