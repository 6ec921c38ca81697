"""PowerManagerService, DeviceIdleController and the power/sleep/wakeup keys.

Sources:

* ``apex/jobscheduler/service/java/com/android/server/DeviceIdleController.java`` (Android
  11-15, shell ref §5.2): ``force-idle`` (``Now forced in to deep idle mode`` / ``… light idle
  mode``; ``Unable to go deep idle; not enabled``), ``step`` (``Stepped to deep: STATE``),
  ``unforce``/``force-inactive`` (``Light state: L, deep state: D``), ``enable``/``disable``
  (``Deep idle mode enabled``, ``Light idle mode enable`` sic, ``… disabled``), ``enabled``
  (``1``/``0``), ``get`` (``Argument required``, ``Unknown get option: X``), ``whitelist``
  (``Added: PKG``, ``Unknown package: PKG``, ``Removed: PKG``, ``Package must be prefixed with
  +, -, or =: X``). Deep states step ACTIVE→INACTIVE→IDLE_PENDING→SENSING→LOCATING→IDLE⇄
  IDLE_MAINTENANCE; light ACTIVE→INACTIVE→IDLE⇄IDLE_MAINTENANCE. Leaving force-idle with the
  screen on or while charging makes the device ACTIVE again (``exitForceIdleLocked``).
  The automatic timers between states (30 min and more) are not modelled: only the screen-off
  transition to INACTIVE is.
* ``PowerManagerShellCommand.java``: ``set-mode 0|1`` prints nothing, a bad value prints
  ``Error: java.lang.NumberFormatException: …`` (-1). Battery saver does nothing while plugged
  in (shell ref §5.5, §8.13); ``settings put global low_power 1`` requests it as well.
* Who may: every ``cmd deviceidle`` verb but ``enabled`` and the ``whitelist`` listing starts with
  ``enforceCallingOrSelfPermission(DEVICE_POWER, null)``; ``tempwhitelist PKG`` needs
  ``CHANGE_DEVICE_IDLE_TEMP_WHITELIST`` (``No permission to change device idle whitelist: …``);
  ``set-mode`` (``PowerManagerService.setPowerSaveModeEnabled``) ``POWER_SAVER`` or
  ``DEVICE_POWER``. Another app's uid gets ``SecurityException: Neither user U nor current
  process has android.permission.DEVICE_POWER.`` (``Exception occurred while executing 'VERB':``,
  exit 255; :mod:`.permissions`).
* The keys that turn the screen on and off (``input keyevent``) are :mod:`.input`'s.

Persisted across reboots: the deviceidle allow-list (``/data/system/deviceidle.xml``) and
``low_power``. Not persisted: screen state (on after boot), forced idle, states, temp allow-list.
"""

from __future__ import annotations

import enum

from jobctl_sim.framework.permissions import enforce
from jobctl_sim.framework.shell_command import (
    ERROR,
    ArgCursor,
    JavaException,
    Verb,
    VerbTable,
    java_bool,
    parse_java_int,
)
from jobctl_sim.framework.system import AndroidSystem, BinderService, Change, Topic
from jobctl_sim.native.shell.command import Invocation


DEVICE_POWER = "android.permission.DEVICE_POWER"


class DeepState(enum.Enum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    IDLE_PENDING = "IDLE_PENDING"
    SENSING = "SENSING"
    LOCATING = "LOCATING"
    IDLE = "IDLE"
    IDLE_MAINTENANCE = "IDLE_MAINTENANCE"


class LightState(enum.Enum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    IDLE = "IDLE"
    WAITING_FOR_NETWORK = "WAITING_FOR_NETWORK"
    IDLE_MAINTENANCE = "IDLE_MAINTENANCE"
    OVERRIDE = "OVERRIDE"


DEEP_NEXT = {
    DeepState.INACTIVE: DeepState.IDLE_PENDING,
    DeepState.IDLE_PENDING: DeepState.SENSING,
    DeepState.SENSING: DeepState.LOCATING,
    DeepState.LOCATING: DeepState.IDLE,
    DeepState.IDLE: DeepState.IDLE_MAINTENANCE,
    DeepState.IDLE_MAINTENANCE: DeepState.IDLE,
}
LIGHT_NEXT = {
    LightState.INACTIVE: LightState.IDLE,
    LightState.IDLE: LightState.IDLE_MAINTENANCE,
    LightState.WAITING_FOR_NETWORK: LightState.IDLE_MAINTENANCE,
    LightState.IDLE_MAINTENANCE: LightState.IDLE,
}



class PowerService:
    """Screen, battery saver and Doze; implements :class:`~jobctl_sim.framework.system.PowerFacts`."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        self.screen_on = True
        self.deep_enabled = True
        self.light_enabled = True
        self.force_idle = False
        self.state = DeepState.ACTIVE
        self.light_state = LightState.ACTIVE
        self.allowlist: set[str] = set()
        self.temp_allowlist: set[str] = set()
        self._saver = self.battery_saver
        system.subscribe(self._on_change)

    # ------------------------------------------------------------------ facts
    @property
    def battery_saver(self) -> bool:
        requested = self._system.settings.get("global", "low_power") == "1"
        return requested and not self._system.battery.power_connected

    @property
    def deep_idle(self) -> bool:
        return self.state is DeepState.IDLE

    @property
    def light_idle(self) -> bool:
        return self.light_state in (LightState.IDLE, LightState.WAITING_FOR_NETWORK, LightState.OVERRIDE)

    @property
    def charging(self) -> bool:
        return self._system.battery.power_connected

    def is_doze_allowlisted(self, package: str) -> bool:
        """On the user allow-list (``cmd deviceidle whitelist +PKG``): DeviceIdleJobsController
        does not hold the app's jobs back in Doze."""
        return package in self.allowlist

    # ------------------------------------------------------------------ transitions
    def _on_change(self, change: Change) -> None:
        if change.topic in (Topic.SETTINGS, Topic.BATTERY):
            self._check_saver()
        if change.topic is Topic.BATTERY and self.charging and not self.force_idle:
            self._become_active()

    def _check_saver(self) -> None:
        now = self.battery_saver
        if now != self._saver:
            self._saver = now
            self._system.publish(Change(Topic.BATTERY_SAVER, detail={"enabled": now}))

    def _publish_doze(self) -> None:
        self._system.publish(
            Change(Topic.DOZE, detail={"deep": self.state.value, "light": self.light_state.value,
                                       "deep_idle": self.deep_idle, "light_idle": self.light_idle})
        )

    def _become_active(self) -> None:
        if self.state is not DeepState.ACTIVE or self.light_state is not LightState.ACTIVE:
            self.state, self.light_state = DeepState.ACTIVE, LightState.ACTIVE
            self._publish_doze()

    def _become_inactive_if_appropriate(self) -> None:
        if (not self.screen_on and not self.charging) or self.force_idle:
            changed = False
            if self.deep_enabled and self.state is DeepState.ACTIVE:
                self.state, changed = DeepState.INACTIVE, True
            if self.light_enabled and self.light_state is LightState.ACTIVE:
                self.light_state, changed = LightState.INACTIVE, True
            if changed:
                self._publish_doze()

    def set_screen(self, on: bool) -> None:
        if on == self.screen_on:
            return
        self.screen_on = on
        self._system.publish(Change(Topic.SCREEN, detail={"on": on}))
        if on and not self.force_idle:
            self._become_active()
        else:
            self._become_inactive_if_appropriate()

    def step_deep(self) -> None:
        nxt = DEEP_NEXT.get(self.state)
        if nxt is not None:
            self.state = nxt
            self._publish_doze()

    def step_light(self) -> None:
        nxt = LIGHT_NEXT.get(self.light_state)
        if nxt is not None:
            self.light_state = nxt
            self._publish_doze()

    def reset_for_boot(self) -> None:
        self.screen_on = True
        self.force_idle = False
        self.state, self.light_state = DeepState.ACTIVE, LightState.ACTIVE
        self.temp_allowlist.clear()
        self._saver = self.battery_saver

    # ------------------------------------------------------------------ cmd deviceidle
    def _verb_force_idle(self, inv: Invocation, cursor: ArgCursor) -> int:
        arg = cursor.next_arg()
        if arg in (None, "deep"):
            if not self.deep_enabled:
                inv.out("Unable to go deep idle; not enabled\n")
                return ERROR
            self.force_idle = True
            self._become_inactive_if_appropriate()
            while self.state is not DeepState.IDLE:
                self.step_deep()
            inv.out("Now forced in to deep idle mode\n")
        elif arg == "light":
            if not self.light_enabled:
                inv.out("Unable to go light idle; not enabled\n")
                return ERROR
            self.force_idle = True
            self._become_inactive_if_appropriate()
            while self.light_state is not LightState.IDLE:
                self.step_light()
            inv.out("Now forced in to light idle mode\n")
        else:
            inv.out(f"Unknown idle mode: {arg}\n")
            return ERROR
        return 0

    def _verb_step(self, inv: Invocation, cursor: ArgCursor) -> int:
        arg = cursor.next_arg()
        if arg in (None, "deep"):
            self.step_deep()
            inv.out(f"Stepped to deep: {self.state.value}\n")
        elif arg == "light":
            self.step_light()
            inv.out(f"Stepped to light: {self.light_state.value}\n")
        else:
            inv.out(f"Unknown idle mode: {arg}\n")
            return ERROR
        return 0

    def _verb_force_inactive(self, inv: Invocation, cursor: ArgCursor) -> int:
        self.force_idle = True
        self._become_inactive_if_appropriate()
        inv.out(f"Light state: {self.light_state.value}, deep state: {self.state.value}\n")
        return 0

    def _verb_unforce(self, inv: Invocation, cursor: ArgCursor) -> int:
        self.force_idle = False
        if self.screen_on or self.charging:
            self._become_active()
        inv.out(f"Light state: {self.light_state.value}, deep state: {self.state.value}\n")
        return 0

    def _modes(self, inv: Invocation, arg: str | None) -> tuple[bool, bool] | None:
        if arg in (None, "all"):
            return True, True
        if arg == "deep":
            return True, False
        if arg == "light":
            return False, True
        inv.out(f"Unknown idle mode: {arg}\n")
        return None

    def _enable_verb(self, enable: bool) -> Verb:
        def run(inv: Invocation, cursor: ArgCursor) -> int:
            modes = self._modes(inv, cursor.next_arg())
            if modes is None:
                return ERROR
            deep, light = modes
            word = "enabled" if enable else "disabled"
            if deep:
                self.deep_enabled = enable
                inv.out(f"Deep idle mode {word}\n")
            if light:
                self.light_enabled = enable
                inv.out("Light idle mode enable\n" if enable else "Light idle mode disabled\n")
            if enable:
                self._become_inactive_if_appropriate()
            else:
                if deep and self.state is not DeepState.ACTIVE:
                    self.state = DeepState.ACTIVE
                    self._publish_doze()
                if light and self.light_state is not LightState.ACTIVE:
                    self.light_state = LightState.ACTIVE
                    self._publish_doze()
            return 0

        return run

    def _verb_enabled(self, inv: Invocation, cursor: ArgCursor) -> int:
        arg = cursor.next_arg()
        values = {None: self.deep_enabled and self.light_enabled, "all": self.deep_enabled and self.light_enabled,
                  "deep": self.deep_enabled, "light": self.light_enabled}
        if arg not in values:
            inv.out(f"Unknown idle mode: {arg}\n")
            return ERROR
        inv.out("1\n" if values[arg] else "0\n")
        return 0

    def _verb_get(self, inv: Invocation, cursor: ArgCursor) -> int:
        arg = cursor.next_arg()
        if arg is None:
            inv.out("Argument required\n")
            return ERROR
        network = self._system.connectivity.default_network() is not None
        values = {"light": self.light_state.value, "deep": self.state.value, "force": java_bool(self.force_idle),
                  "screen": java_bool(self.screen_on), "charging": java_bool(self.charging),
                  "network": java_bool(network)}
        if self._system.api_level >= 29:
            values["quick"] = "false"
        inv.out(f"{values[arg]}\n" if arg in values else f"Unknown get option: {arg}\n")
        return 0

    def _device_power(self, verb: Verb) -> Verb:
        """``verb`` behind ``enforceCallingOrSelfPermission(DEVICE_POWER, null)``."""
        def run(inv: Invocation, cursor: ArgCursor) -> int:
            enforce(self._system.packages, inv, DEVICE_POWER)
            result = verb(inv, cursor)
            assert isinstance(result, int)
            return result

        return run

    def _verb_whitelist(self, inv: Invocation, cursor: ArgCursor) -> int:
        args = cursor.remaining()
        if args:
            enforce(self._system.packages, inv, DEVICE_POWER)
        if not args:
            for pkg in sorted(self.allowlist):
                facts = self._system.packages.get(pkg)
                inv.out(f"user,{pkg},{facts.uid if facts else 0}\n")
            return 0
        for arg in args:
            prefix, pkg = arg[:1], arg[1:]
            if prefix == "+":
                if self._system.packages.get(pkg) is not None:
                    self.allowlist.add(pkg)
                    inv.out(f"Added: {pkg}\n")
                else:
                    inv.out(f"Unknown package: {pkg}\n")
            elif prefix == "-":
                if pkg in self.allowlist:
                    self.allowlist.discard(pkg)
                    inv.out(f"Removed: {pkg}\n")
            elif prefix == "=":
                inv.out(f"{java_bool(pkg in self.allowlist)}\n")
            else:
                inv.out(f"Package must be prefixed with +, -, or =: {arg}\n")
                return ERROR
        self._publish_doze()
        return 0

    def _verb_tempwhitelist(self, inv: Invocation, cursor: ArgCursor) -> int:
        remove = False
        while (opt := cursor.next_option()) is not None:
            if opt in ("-u", "-d"):
                cursor.next_arg_required()
            elif opt == "-r":
                remove = True
        pkg = cursor.next_arg()
        if pkg is None:
            for name in sorted(self.temp_allowlist):
                inv.out(f"  {name}\n")
            return 0
        enforce(self._system.packages, inv, "android.permission.CHANGE_DEVICE_IDLE_TEMP_WHITELIST",
                "No permission to change device idle whitelist")
        (self.temp_allowlist.discard if remove else self.temp_allowlist.add)(pkg)
        return 0

    def deviceidle_table(self) -> VerbTable:
        return VerbTable(
            {"force-idle": self._device_power(self._verb_force_idle), "step": self._device_power(self._verb_step),
             "force-inactive": self._device_power(self._verb_force_inactive),
             "unforce": self._device_power(self._verb_unforce), "enable": self._device_power(self._enable_verb(True)),
             "disable": self._device_power(self._enable_verb(False)),
             "enabled": self._verb_enabled, "get": self._device_power(self._verb_get),
             "whitelist": self._verb_whitelist, "tempwhitelist": self._verb_tempwhitelist},
            _deviceidle_help,
        )

    async def deviceidle_command(self, inv: Invocation) -> int:
        return await self.deviceidle_table().run(inv, inv.args)

    async def deviceidle_dump(self, inv: Invocation) -> int:
        if inv.args and not inv.args[0].startswith("-"):
            return await self.deviceidle_command(inv)
        inv.out(
            "  Settings:\n"
            f"  mLightEnabled={java_bool(self.light_enabled)}  mDeepEnabled={java_bool(self.deep_enabled)}\n"
            f"  mForceIdle={java_bool(self.force_idle)}\n"
            f"  mScreenOn={java_bool(self.screen_on)}\n"
            f"  mCharging={java_bool(self.charging)}\n"
            f"  mState={self.state.value} mLightState={self.light_state.value}\n"
        )
        if self.allowlist:
            inv.out("  Whitelist user apps:\n" + "".join(f"    {p}\n" for p in sorted(self.allowlist)))
        return 0

    # ------------------------------------------------------------------ cmd power / dumpsys power
    def _verb_set_mode(self, inv: Invocation, cursor: ArgCursor) -> int:
        try:
            mode = parse_java_int(cursor.next_arg_required())
        except JavaException as exc:
            inv.out(f"Error: {exc}\n")
            return ERROR
        if not self._system.packages.check_uid_permission(inv.uid, "android.permission.POWER_SAVER"):
            enforce(self._system.packages, inv, DEVICE_POWER)
        if mode == 1 and self._system.battery.power_connected:
            return 0  # BatterySaverStateMachine ignores a manual enable while plugged in
        self._system.settings.put("global", "low_power", "1" if mode == 1 else "0")
        return 0

    async def power_command(self, inv: Invocation) -> int:
        return await VerbTable({"set-mode": self._verb_set_mode}, _power_help).run(inv, inv.args)

    def power_dump(self, inv: Invocation) -> int:
        battery = self._system.battery
        plug = battery.info.plug_type
        inv.out(
            "POWER MANAGER (dumpsys power)\n\n"
            "Power Manager State:\n"
            f"  mWakefulness={'Awake' if self.screen_on else 'Asleep'}\n"
            "  mWakefulnessChanging=false\n"
            f"  mIsPowered={java_bool(battery.power_connected)}\n"
            f"  mPlugType={plug}\n"
            f"  mBatteryLevel={battery.level}\n"
            f"  mDeviceIdleMode={java_bool(self.deep_idle)}\n"
            f"  mLightDeviceIdleMode={java_bool(self.light_idle)}\n"
            f"  mBatterySaverEnabled={java_bool(self.battery_saver)}\n"
            f"Display Power: state={'ON' if self.screen_on else 'OFF'}\n"
        )
        return 0


def _deviceidle_help() -> str:
    return (
        "Device idle controller (deviceidle) commands:\n"
        "  help\n"
        "    Print this help text.\n"
        "  step [light|deep]\n"
        "    Immediately step to next state, without waiting for alarm.\n"
        "  force-idle [light|deep]\n"
        "    Force directly into idle mode, regardless of other device state.\n"
        "  force-inactive\n"
        "    Force to be inactive, ready to freely step idle states.\n"
        "  unforce\n"
        "    Resume normal functioning after force-idle or force-inactive.\n"
        "  get [light|deep|force|screen|charging|network]\n"
        "    Retrieve the current given state.\n"
        "  disable [light|deep|all]\n"
        "    Completely disable device idle mode.\n"
        "  enable [light|deep|all]\n"
        "    Re-enable device idle mode after it had previously been disabled.\n"
        "  enabled [light|deep|all]\n"
        "    Print 1 if device idle mode is currently enabled, else 0.\n"
        "  whitelist\n"
        "    Print currently whitelisted apps.\n"
        "  whitelist [package ...]\n"
        "    Add (prefix with +) or remove (prefix with -) packages.\n"
        "  tempwhitelist\n"
        "    Print packages that are temporarily whitelisted.\n"
        "  tempwhitelist [-u USER] [-d DURATION] [-r] [package]\n"
        "    Temporarily place package in whitelist for DURATION milliseconds.\n"
    )


def _power_help() -> str:
    return (
        "Power manager (power) commands:\n"
        "  help\n"
        "    Print this help text.\n\n"
        "  set-adaptive-power-saver-enabled [true|false]\n"
        "    enables or disables adaptive power saver.\n"
        "  set-mode MODE\n"
        "    sets the power mode of the device to MODE.\n"
        "    1 turns low power mode on and 0 turns low power mode off.\n"
    )


def install(system: AndroidSystem) -> PowerService:
    service = PowerService(system)
    system.power = service
    system.add_binder_service(BinderService("power", shell_command=service.power_command, dump=service.power_dump))
    system.add_binder_service(
        BinderService("deviceidle", shell_command=service.deviceidle_command, dump=service.deviceidle_dump)
    )
    return service
