"""AppOpsService: ``cmd appops set|get|reset`` (also ``appops …``).

Source: ``frameworks/base/services/core/java/com/android/server/appop/AppOpsService.java``
(``Shell`` inner class, Android 10-15; ``com.android.server.AppOpsService`` before):

* ``set [--user U] [--uid] PACKAGE|UID OP MODE`` prints nothing; missing pieces print
  ``Error: Package name not specified.`` / ``Error: Operation not specified.`` /
  ``Error: Mode not specified.`` on stderr (-1); an unknown op
  ``Error: Unknown operation string: X``; a bad mode ``Error: Mode X is not valid``;
  an unknown package ``Error: No UID for PKG in user 0``;
* ``get PACKAGE [OP]``: one line per op that has a non-default state,
  ``OP_NAME: mode`` (with ``; time=…`` when accessed, never here); nothing set prints
  ``No operations.`` and, with an op, ``Default mode: MODE`` (ref §5.5 [O]);
* ``reset [--user U] [PACKAGE]`` prints ``Reset all modes for: user 0, all packages`` or
  ``…, package PKG``.

Who may: ``setMode``/``setUidMode`` and ``resetAllModes`` call ``enforceManageAppOpsModes`` and
``getOpsForPackage`` of another uid ``enforceGetAppOpsStatsPermissionIfNeeded``, both
``Context.enforcePermission(PERM, pid, uid, null)``: another app's uid gets ``SecurityException:
uid U does not have android.permission.MANAGE_APP_OPS_MODES.`` (``GET_APP_OPS_STATS`` for
``get``), printed as ``Exception occurred while executing 'VERB':``, exit 255 (:mod:`.permissions`).

Modes persist across reboots (``/data/system/appops.xml``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from jobctl_sim.framework.permissions import enforce
from jobctl_sim.framework.shell_command import ERROR, ArgCursor, VerbTable
from jobctl_sim.framework.system import AndroidSystem, BinderService, Change, Topic
from jobctl_sim.native.shell.command import Invocation


class Mode(enum.Enum):
    ALLOW = "allow"
    IGNORE = "ignore"
    DENY = "deny"
    DEFAULT = "default"
    FOREGROUND = "foreground"


MODE_NUMBERS = {Mode.ALLOW: 0, Mode.IGNORE: 1, Mode.DENY: 2, Mode.DEFAULT: 3, Mode.FOREGROUND: 4}

OPS: Mapping[str, tuple[int, Mode]] = {
    "COARSE_LOCATION": (0, Mode.FOREGROUND),
    "FINE_LOCATION": (1, Mode.FOREGROUND),
    "POST_NOTIFICATION": (11, Mode.ALLOW),
    "CAMERA": (26, Mode.FOREGROUND),
    "RECORD_AUDIO": (27, Mode.FOREGROUND),
    "WAKE_LOCK": (40, Mode.ALLOW),
    "GET_USAGE_STATS": (43, Mode.DEFAULT),
    "SYSTEM_ALERT_WINDOW": (24, Mode.DEFAULT),
    "WRITE_SETTINGS": (23, Mode.DEFAULT),
    "RUN_IN_BACKGROUND": (63, Mode.ALLOW),
    "REQUEST_INSTALL_PACKAGES": (66, Mode.DEFAULT),
    "RUN_ANY_IN_BACKGROUND": (70, Mode.ALLOW),
    "MANAGE_EXTERNAL_STORAGE": (92, Mode.DEFAULT),
    "SCHEDULE_EXACT_ALARM": (107, Mode.DEFAULT),
}
"""``AppOpsManager`` op names, numbers and default modes for the ops jobctl and CTS touch."""
_OP_BY_NUMBER = {number: name for name, (number, _) in OPS.items()}


class AppOpsService:
    """Implements :class:`~jobctl_sim.framework.system.AppOpsFacts`."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        self._package_modes: dict[tuple[int, str, str], Mode] = {}
        self._uid_modes: dict[tuple[int, str], Mode] = {}

    # ------------------------------------------------------------------ facts
    def mode(self, op: str, uid: int, package: str) -> str:
        """The effective mode: the uid mode if set, else the package mode, else the default."""
        if (uid, op) in self._uid_modes:
            return self._uid_modes[(uid, op)].value
        if (uid, package, op) in self._package_modes:
            return self._package_modes[(uid, package, op)].value
        return OPS[op][1].value if op in OPS else Mode.ALLOW.value

    def set_mode(self, op: str, mode: Mode, uid: int, package: str | None) -> None:
        if package is None:
            self._uid_modes[(uid, op)] = mode
        else:
            self._package_modes[(uid, package, op)] = mode
        self._system.publish(Change(Topic.APP_OPS, package=package, uid=uid, detail={"op": op, "mode": mode.value}))

    def forget_package(self, package: str) -> None:
        for key in [k for k in self._package_modes if k[1] == package]:
            del self._package_modes[key]

    # ------------------------------------------------------------------ shell
    def _resolve_op(self, inv: Invocation, text: str) -> str | None:
        if text in OPS:
            return text
        if text.lstrip("-").isdigit() and int(text) in _OP_BY_NUMBER:
            return _OP_BY_NUMBER[int(text)]
        inv.err(f"Error: Unknown operation string: {text}\n")
        return None

    @staticmethod
    def _resolve_mode(inv: Invocation, text: str) -> Mode | None:
        for mode, number in MODE_NUMBERS.items():
            if text == mode.value or text == str(number):
                return mode
        inv.err(f"Error: Mode {text} is not valid\n")
        return None

    def _target(self, inv: Invocation, cursor: ArgCursor) -> tuple[bool, str | None, bool] | None:
        """Leading options (``--user U``, ``--uid``) then PACKAGE|UID: (ok, target, by_uid)."""
        by_uid = False
        while (opt := cursor.next_option()) is not None:
            if opt == "--user":
                cursor.next_arg_required()
            elif opt == "--uid":
                by_uid = True
            else:
                inv.err(f"Error: Unknown option: {opt}\n")
                return None
        target = cursor.next_arg()
        if target is None:
            inv.err("Error: Package name not specified.\n")
            return None
        return True, target, by_uid

    def _uid_of(self, inv: Invocation, target: str) -> int | None:
        if target.isdigit():
            return int(target)
        facts = self._system.packages.get(target)
        if facts is None:
            inv.err(f"Error: No UID for {target} in user 0\n")
            return None
        return facts.uid

    def _verb_set(self, inv: Invocation, cursor: ArgCursor) -> int:
        parsed = self._target(inv, cursor)
        if parsed is None:
            return ERROR
        _, target, by_uid = parsed
        op_text = cursor.next_arg()
        if op_text is None:
            inv.err("Error: Operation not specified.\n")
            return ERROR
        op = self._resolve_op(inv, op_text)
        if op is None:
            return ERROR
        mode_text = cursor.next_arg()
        if mode_text is None:
            inv.err("Error: Mode not specified.\n")
            return ERROR
        mode = self._resolve_mode(inv, mode_text)
        if mode is None:
            return ERROR
        uid = self._uid_of(inv, target or "")
        if uid is None:
            return ERROR
        package = None if (by_uid or (target or "").isdigit()) else target
        enforce(self._system.packages, inv, "android.permission.MANAGE_APP_OPS_MODES", self_too=False)
        self.set_mode(op, mode, uid, package)
        return 0

    def _verb_get(self, inv: Invocation, cursor: ArgCursor) -> int:
        parsed = self._target(inv, cursor)
        if parsed is None:
            return ERROR
        _, target, _ = parsed
        op: str | None = None
        if (op_text := cursor.next_arg()) is not None:
            op = self._resolve_op(inv, op_text)
            if op is None:
                return ERROR
        uid = self._uid_of(inv, target or "")
        if uid is None:
            return ERROR
        if uid != inv.uid:
            enforce(self._system.packages, inv, "android.permission.GET_APP_OPS_STATS", self_too=False)
        uid_lines = [
            f"  {name}: {mode.value}" for (u, name), mode in sorted(self._uid_modes.items())
            if u == uid and op in (None, name)
        ]
        package_lines = [
            f"{name}: {mode.value}"
            for (u, pkg, name), mode in sorted(self._package_modes.items(), key=lambda kv: OPS.get(kv[0][2], (999,))[0])
            if u == uid and pkg == target and op in (None, name)
        ]
        if not uid_lines and not package_lines:
            inv.out("No operations.\n")
            if op is not None:
                inv.out(f"Default mode: {OPS[op][1].value}\n")
            return 0
        if uid_lines:
            inv.out("Uid mode:\n" + "\n".join(uid_lines) + "\n")
        for line in package_lines:
            inv.out(line + "\n")
        return 0

    def _verb_reset(self, inv: Invocation, cursor: ArgCursor) -> int:
        while (opt := cursor.next_option()) is not None:
            if opt == "--user":
                cursor.next_arg_required()
            else:
                inv.err(f"Error: Unknown option: {opt}\n")
                return ERROR
        package = cursor.next_arg()
        enforce(self._system.packages, inv, "android.permission.MANAGE_APP_OPS_MODES", self_too=False)
        if package is None:
            self._package_modes.clear()
            self._uid_modes.clear()
            inv.out("Reset all modes for: user 0, all packages\n")
        else:
            self.forget_package(package)
            inv.out(f"Reset all modes for: user 0, package {package}\n")
        self._system.publish(Change(Topic.APP_OPS, package=package, detail={"reset": True}))
        return 0

    def verb_table(self) -> VerbTable:
        return VerbTable({"set": self._verb_set, "get": self._verb_get, "reset": self._verb_reset}, _help)

    async def shell_command(self, inv: Invocation) -> int:
        return await self.verb_table().run(inv, inv.args)


def _help() -> str:
    return (
        "AppOps service (appops) commands:\n"
        "  help\n"
        "    Print this help text.\n"
        "  start [--user <USER_ID>] [--attribution <ATTRIBUTION_TAG>] <PACKAGE | UID> <OP> \n"
        "    Starts a given operation for a particular application.\n"
        "  stop [--user <USER_ID>] [--attribution <ATTRIBUTION_TAG>] <PACKAGE | UID> <OP> \n"
        "    Stops a given operation for a particular application.\n"
        "  set [--user <USER_ID>] <[--uid] PACKAGE | UID> <OP> <MODE>\n"
        "    Set the mode for a particular application and operation.\n"
        "  get [--user <USER_ID>] [--attribution <ATTRIBUTION_TAG>] <PACKAGE | UID> [<OP>]\n"
        "    Return the mode for a particular application and optional operation.\n"
        "  reset [--user <USER_ID>] [<PACKAGE>]\n"
        "    Reset the given application or all applications to default modes.\n"
    )


def install(system: AndroidSystem) -> AppOpsService:
    service = AppOpsService(system)
    system.appops = service
    system.add_binder_service(BinderService("appops", shell_command=service.shell_command))
    return service
