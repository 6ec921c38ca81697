"""LocationManagerService's shell command: ``cmd location``.

Sources: ``services/core/java/com/android/server/location/LocationShellCommand.java`` (Android
11+): ``is-location-enabled [--user USER_ID]`` prints ``true``/``false``;
``set-location-enabled [--user USER_ID] true|false`` prints nothing (``Boolean.parseBoolean``:
anything but ``true``, in any case, is false); a missing value throws ``Argument expected after
"set-location-enabled"``; an option other than ``--user`` throws ``IllegalArgumentException
("Unknown option: X")``; no verb or ``help`` prints the help, an unknown verb ``Unknown command:
X`` (exit 255). The switch is ``Settings.Secure.LOCATION_MODE`` (``location_mode``: 3
``LOCATION_MODE_ON``, 0 off; on by default on the emulator). Before Android 11 the service has
no shell command (``cmd location`` prints nothing).
"""

from __future__ import annotations

from jobctl_sim.framework.shell_command import (
    ArgCursor,
    IllegalArgumentException,
    VerbTable,
    java_bool,
    parse_user_arg,
)
from jobctl_sim.framework.system import AndroidSystem, BinderService
from jobctl_sim.native.shell.command import Invocation

LOCATION_MODE = "location_mode"
LOCATION_MODE_ON = "3"
LOCATION_MODE_OFF = "0"


class LocationService:
    def __init__(self, system: AndroidSystem) -> None:
        self._system = system

    @property
    def enabled(self) -> bool:
        return self._system.settings.get("secure", LOCATION_MODE) != LOCATION_MODE_OFF

    @staticmethod
    def _user(cursor: ArgCursor) -> None:
        while (opt := cursor.next_option()) is not None:
            if opt != "--user":
                raise IllegalArgumentException(f"Unknown option: {opt}")
            parse_user_arg(cursor.next_arg_required())

    def _verb_is_enabled(self, inv: Invocation, cursor: ArgCursor) -> int:
        self._user(cursor)
        inv.out(java_bool(self.enabled) + "\n")
        return 0

    def _verb_set_enabled(self, inv: Invocation, cursor: ArgCursor) -> int:
        self._user(cursor)
        enabled = cursor.next_arg_required().lower() == "true"
        self._system.settings.put("secure", LOCATION_MODE, LOCATION_MODE_ON if enabled else LOCATION_MODE_OFF)
        return 0

    async def shell_command(self, inv: Invocation) -> int:
        table = VerbTable({"is-location-enabled": self._verb_is_enabled,
                           "set-location-enabled": self._verb_set_enabled}, _help)
        return await table.run(inv, inv.args)


def _help() -> str:
    return ("Location service commands:\n"
            "  help or -h\n"
            "    Print this help text.\n"
            "  is-location-enabled [--user <USER_ID>]\n"
            "    Gets the master location switch enabled state. If no user is specified,\n"
            "    the current user is assumed.\n"
            "  set-location-enabled [--user <USER_ID>] true|false\n"
            "    Sets the master location switch enabled state. If no user is specified,\n"
            "    the current user is assumed.\n")


def install(system: AndroidSystem) -> LocationService:
    service = LocationService(system)
    shell = service.shell_command if system.api_level >= 30 else None
    system.add_binder_service(BinderService("location", shell_command=shell))
    return service


__all__ = ["LocationService", "install"]
