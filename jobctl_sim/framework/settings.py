"""Settings provider and DeviceConfig: ``settings …`` / ``cmd settings …``, ``device_config …``.

Sources:

* ``frameworks/base/packages/SettingsProvider/src/com/android/providers/settings/
  SettingsService.java`` (Android 8-15): verbs ``get``/``put``/``delete``/``list``/``reset``;
  ``get`` of a missing key prints ``null``; ``delete`` prints ``Deleted N rows``; ``list``
  prints sorted ``key=value`` lines; an unknown verb prints ``Invalid command: X`` and an
  unknown table ``Invalid namespace 'X'``, both on stderr with -1; missing arguments print
  ``Bad arguments`` on stderr [I: exact wording of the last one].
* ``frameworks/base/services/core/java/com/android/server/am/DeviceConfigService.java``
  (Android 10+): ``get NS KEY`` (``null`` when unset), ``put NS KEY VALUE [default]``,
  ``delete NS KEY`` (``Successfully deleted KEY from NS`` / ``Failed to delete KEY from NS``),
  ``list [NS]`` (sorted ``key=value``; without a namespace ``ns/key=value``).

Who may write (``SettingsProvider.java``): ``put``/``delete``/``reset`` of ``global`` and ``secure``
need ``WRITE_SECURE_SETTINGS`` (``checkCallingOrSelfPermission``); another app's uid gets
``SecurityException: Permission denial, must have one of: [android.permission.WRITE_SECURE_SETTINGS]``
(``enforceHasAtLeastOnePermission``, Android 14+) or ``Permission denial: writing to settings
requires:android.permission.WRITE_SECURE_SETTINGS`` (``enforceWritePermission``, before) [I: the
level of the change], printed as ``Exception occurred while executing 'put':`` with exit 255. A
``system`` write without it goes through ``Settings.checkAndNoteWriteSettingsOperation`` with the
calling package ``SettingsService.resolveCallingPackage`` gives an app uid, null: refused without
an exception, nothing changes, exit 0 [I]. ``device_config put|delete|reset`` reach
``SettingsProvider``'s config table, which wants ``WRITE_DEVICE_CONFIG`` (Android 14+: or
``WRITE_ALLOWLISTED_DEVICE_CONFIG``, ``Permission denial, must have one of: [...]``; before:
``Permission denial: writing to settings requires:android.permission.WRITE_DEVICE_CONFIG``) [I: read
from the provider, the shell layer between not re-read]. Reading is open.

Everything persists across a reboot (``settings_global.xml`` etc. live in ``/data/system``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from jobctl_sim.framework.shell_command import ERROR, ArgCursor, SecurityException, default_command, print_exception
from jobctl_sim.framework.system import AndroidSystem, BinderService, Change, Topic
from jobctl_sim.native.shell.command import Invocation


WRITE_SECURE_SETTINGS = "android.permission.WRITE_SECURE_SETTINGS"
WRITE_DEVICE_CONFIG = "android.permission.WRITE_DEVICE_CONFIG"


class Namespace(enum.Enum):
    GLOBAL = "global"
    SECURE = "secure"
    SYSTEM = "system"


DEFAULTS: Mapping[Namespace, Mapping[str, str]] = {
    Namespace.GLOBAL: {
        "adb_enabled": "1",
        "adb_wifi_enabled": "0",
        "airplane_mode_on": "0",
        "airplane_mode_radios": "cell,bluetooth,wifi,nfc,wimax",
        "auto_time": "1",
        "bluetooth_on": "0",
        "boot_count": "1",
        "development_settings_enabled": "1",
        "device_provisioned": "1",
        "low_power": "0",
        "mobile_data": "1",
        "package_verifier_user_consent": "-1",
        "stay_on_while_plugged_in": "0",
        "wifi_on": "1",
    },
    Namespace.SECURE: {
        "android_id": "5f3c2a1b9d8e7f60",
        "user_setup_complete": "1",
    },
    Namespace.SYSTEM: {
        "screen_brightness": "102",
        "screen_off_timeout": "60000",
    },
}
"""A freshly set-up phone's values for the keys tools and CTS read."""


class SettingsService:
    """``settings`` tables and DeviceConfig namespaces; implements :class:`SettingsFacts`."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        self._tables: dict[Namespace, dict[str, str]] = {ns: dict(values) for ns, values in DEFAULTS.items()}
        self._device_config: dict[str, dict[str, str]] = {}

    # ------------------------------------------------------------------ facts
    def get(self, namespace: str, key: str) -> str | None:
        return self._tables[Namespace(namespace)].get(key)

    def device_config(self, namespace: str, key: str) -> str | None:
        return self._device_config.get(namespace, {}).get(key)

    # ------------------------------------------------------------------ mutations (Python side)
    def put(self, namespace: str, key: str, value: str | None) -> None:
        """Write (``None`` deletes) and publish :attr:`Topic.SETTINGS` if the value changed."""
        table = self._tables[Namespace(namespace)]
        old = table.get(key)
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
        if old != value:
            self._system.publish(
                Change(Topic.SETTINGS, detail={"namespace": namespace, "key": key, "value": value})
            )

    def put_device_config(self, namespace: str, key: str, value: str | None) -> bool:
        table = self._device_config.setdefault(namespace, {})
        existed = key in table
        old = table.get(key)
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
        if old != value:
            self._system.publish(
                Change(Topic.DEVICE_CONFIG, detail={"namespace": namespace, "key": key, "value": value})
            )
        return existed

    def global_int(self, key: str, default: int) -> int:
        try:
            return int(self.get("global", key) or default)
        except ValueError:
            return default

    def key_value_constant(self, key: str, name: str, default: int) -> int:
        """One ``name=value`` of a ``KeyValueListParser`` global (e.g. ``battery_stats_constants``)."""
        raw = self.get("global", key) or ""
        for item in raw.split(","):
            k, sep, v = item.partition("=")
            if sep and k.strip() == name:
                try:
                    return int(v.strip())
                except ValueError:
                    return default
        return default

    # ------------------------------------------------------------------ settings shell
    def settings_command(self, inv: Invocation) -> int:
        """``SettingsService.MyShellCommand.onCommand``: a single-pass argument walk."""
        args = inv.args
        if not args or args[0] in ("help", "-h"):
            return default_command(inv, args[0] if args else None, _settings_help)
        verb: str | None = None
        table: Namespace | None = None
        key = value = None
        extra: list[str] = []
        cursor = ArgCursor(args)
        while (arg := cursor.next_arg()) is not None:
            if arg == "--user":
                cursor.next_arg()  # only user 0 / current exist on the virtual device
            elif verb is None:
                if arg.lower() not in ("get", "put", "delete", "list", "reset"):
                    inv.err(f"Invalid command: {arg}\n")
                    return ERROR
                verb = arg.lower()
            elif table is None:
                try:
                    table = Namespace(arg.lower())
                except ValueError:
                    inv.err(f"Invalid namespace '{arg}'\n")
                    return ERROR
            elif key is None:
                key = arg
            elif value is None and verb == "put":
                value = arg
            elif verb == "put" and len(extra) < 2:
                extra.append(arg)
            else:
                inv.err("Too many arguments\n")
                return ERROR
        if verb is None or table is None or (verb in ("get", "delete", "put") and key is None) or (
            verb == "put" and value is None
        ):
            inv.err("Bad arguments\n")
            return ERROR
        ns = table.value
        if verb in ("put", "delete", "reset") and not self._may_write(inv.uid):
            if table is Namespace.SYSTEM:
                return 0
            print_exception(inv, args[0], SecurityException(self._write_denial()))
            return ERROR
        if verb == "get":
            value = self.get(ns, key or "")
            inv.out(f"{'null' if value is None else value}\n")
        elif verb == "put":
            self.put(ns, key or "", value)
        elif verb == "delete":
            existed = (key or "") in self._tables[table]
            self.put(ns, key or "", None)
            inv.out(f"Deleted {1 if existed else 0} rows\n")
        elif verb == "list":
            for line in sorted(f"{k}={v}" for k, v in self._tables[table].items()):
                inv.out(line + "\n")
        else:  # reset: untrusted defaults -> back to the platform defaults
            self._tables[table] = dict(DEFAULTS[table])
        return 0

    def _may_write(self, uid: int) -> bool:
        return self._system.packages.check_uid_permission(uid, WRITE_SECURE_SETTINGS)

    def _write_denial(self) -> str:
        if self._system.api_level >= 34:
            return f"Permission denial, must have one of: [{WRITE_SECURE_SETTINGS}]"
        return f"Permission denial: writing to settings requires:{WRITE_SECURE_SETTINGS}"

    def _config_denial(self) -> str:
        if self._system.api_level >= 34:
            return ("Permission denial, must have one of: "
                    f"[{WRITE_DEVICE_CONFIG}, android.permission.WRITE_ALLOWLISTED_DEVICE_CONFIG]")
        return f"Permission denial: writing to settings requires:{WRITE_DEVICE_CONFIG}"

    # ------------------------------------------------------------------ device_config shell
    def device_config_command(self, inv: Invocation) -> int:
        """``DeviceConfigService.MyShellCommand.onCommand``."""
        args = inv.args
        if not args or args[0] in ("help", "-h"):
            return default_command(inv, args[0] if args else None, _device_config_help)
        verb = args[0]
        rest = args[1:]
        arity = {"get": (2, 2), "put": (3, 4), "delete": (2, 2), "list": (0, 1), "reset": (1, 2)}
        if verb not in arity:
            inv.err(f"Invalid command: {verb}\n")
            return ERROR
        low, high = arity[verb]
        if not low <= len(rest) <= high or (verb == "put" and len(rest) == 4 and rest[3] != "default"):
            inv.err("Bad Arguments\n")
            return ERROR
        if verb in ("put", "delete", "reset") and not self._system.packages.check_uid_permission(
                inv.uid, WRITE_DEVICE_CONFIG):
            print_exception(inv, verb, SecurityException(self._config_denial()))
            return ERROR
        if verb == "get":
            value = self.device_config(rest[0], rest[1])
            inv.out(f"{'null' if value is None else value}\n")
        elif verb == "put":
            self.put_device_config(rest[0], rest[1], rest[2])
        elif verb == "delete":
            existed = self.put_device_config(rest[0], rest[1], None)
            if existed:
                inv.out(f"Successfully deleted {rest[1]} from {rest[0]}\n")
            else:
                inv.out(f"Failed to delete {rest[1]} from {rest[0]}\n")
        elif verb == "list":
            lines: list[str] = []
            for ns, table in self._device_config.items():
                if rest and ns != rest[0]:
                    continue
                for k, v in table.items():
                    lines.append(f"{k}={v}" if rest else f"{ns}/{k}={v}")
            for line in sorted(lines):
                inv.out(line + "\n")
        else:  # reset MODE [NS]: drop the shell's values
            for ns in [rest[1]] if len(rest) > 1 else list(self._device_config):
                for k in list(self._device_config.get(ns, {})):
                    self.put_device_config(ns, k, None)
        return 0


def _settings_help() -> str:
    return (
        "Settings provider (settings) commands:\n"
        "  help\n"
        "      Print this help text.\n"
        "  get [--user <USER_ID> | current] NAMESPACE KEY\n"
        "      Retrieve the current value of KEY.\n"
        "  put [--user <USER_ID> | current] NAMESPACE KEY VALUE [TAG] [default]\n"
        "      Change the contents of KEY to VALUE.\n"
        "      TAG to associate with the setting.\n"
        "      {default} to set as the default, case-insensitive only for global/secure namespace\n"
        "  delete [--user <USER_ID> | current] NAMESPACE KEY\n"
        "      Delete the entry for KEY.\n"
        "  reset [--user <USER_ID> | current] NAMESPACE {PACKAGE_NAME | RESET_MODE}\n"
        "      Reset the global/secure table for a package with mode.\n"
        "      RESET_MODE is one of {untrusted_defaults, untrusted_clear, trusted_defaults}, case-insensitive\n"
        "  list [--user <USER_ID> | current] NAMESPACE\n"
        "      Print all defined keys.\n"
        "      NAMESPACE is one of {system, secure, global}, case-insensitive\n"
    )


def _device_config_help() -> str:
    return (
        "Device Config (device_config) commands:\n"
        "  help\n"
        "      Print this help text.\n"
        "  get NAMESPACE KEY\n"
        "      Retrieve the current value of KEY from the given NAMESPACE.\n"
        "  put NAMESPACE KEY VALUE [default]\n"
        "      Change the contents of KEY to VALUE for the given NAMESPACE.\n"
        "      {default} to set as the default value.\n"
        "  delete NAMESPACE KEY\n"
        "      Delete the entry for KEY for the given NAMESPACE.\n"
        "  list [NAMESPACE]\n"
        "      Print all keys and values defined, optionally for the given NAMESPACE.\n"
        "  reset RESET_MODE [NAMESPACE]\n"
        "      Reset all flag values, optionally for a NAMESPACE, according to RESET_MODE.\n"
    )


def install(system: AndroidSystem) -> SettingsService:
    service = SettingsService(system)
    system.settings = service
    system.add_binder_service(BinderService("settings", shell_command=service.settings_command))
    if system.api_level >= 29:
        system.add_binder_service(BinderService("device_config", shell_command=service.device_config_command))
    return service
