"""The package manager's shell: ``pm`` / ``cmd package``, ``dumpsys package`` and ``run-as``.

Sources:

* ``frameworks/base/services/core/java/com/android/server/pm/PackageManagerShellCommand.java``
  (Android 9-15): ``install`` prints ``Success`` or ``Failure [CODE: message]`` on stdout (exit 1
  on failure); ``-r`` is accepted and ignored (replacing is the default), ``-R`` forbids it
  (``INSTALL_FAILED_ALREADY_EXISTS``), ``-t``, ``-g`` (grant all runtime permissions), ``-d``
  (allow downgrade), ``-S SIZE`` reads the APK from stdin (the streamed/abb_exec flow,
  adb-protocol.md §5.2); an unknown option throws ``IllegalArgumentException("Unknown option
  X")``; a path that cannot be opened prints ``Error: Can't open file: PATH`` and throws the same;
  neither a path nor ``-S`` prints ``Error: must either specify a package size or an APK file``
  on stderr (exit 1). ``uninstall [-k] PKG`` prints ``Success`` / ``Failure
  [DELETE_FAILED_INTERNAL_ERROR]``. ``list packages [-f] [-3] [-s] [-U] [--show-versioncode]
  [FILTER]`` prints sorted ``package:NAME`` lines. ``path PKG`` prints
  ``package:/data/app/…/base.apk`` or nothing with exit 1. ``clear PKG`` prints ``Success`` /
  ``Failed``. ``grant``/``revoke``: :mod:`.packages`.
* ``ActivityManagerService.clearApplicationUserData`` (what ``clear`` calls): a caller that is
  neither the package's own uid nor holds ``CLEAR_APP_USER_DATA`` gets ``SecurityException: PID P
  does not have permission android.permission.CLEAR_APP_USER_DATA to clear data of package PKG``
  (printed as ``Exception occurred while executing 'clear':``, exit 255).
* ``system/core/run-as/run-as.cpp``: a caller that is neither the shell (2000) nor root gets
  ``run-as: only 'shell' or 'root' users can run this program``; then ``run-as: unknown package:
  PKG`` / ``run-as: package not debuggable: PKG`` (exit 1); the command runs with the app's uid in
  its data directory.
"""

from __future__ import annotations

import asyncio
import hashlib
import shlex
import time
from collections.abc import Mapping

from jobctl_sim.framework.features import features_section, list_features, permissions_section
from jobctl_sim.framework.install_sessions import InstallSessions
from jobctl_sim.framework.packages import InstallOptions, PackageManagerService, PackageRecord
from jobctl_sim.framework.permissions import RUNTIME_PERMISSIONS, calling_pid
from jobctl_sim.framework.shell_command import (
    ERROR,
    ArgCursor,
    IllegalArgumentException,
    NumberFormatException,
    SecurityException,
    Verb,
    VerbTable,
    java_bool,
)
from jobctl_sim.framework.userhandle import ROOT_UID, SHELL_UID
from jobctl_sim.native.fs import FsError
from jobctl_sim.native.shell.command import Invocation

INSTALL_FLAGS: Mapping[str, str] = {
    "-r": "replace-default",
    "-R": "no-replace",
    "-t": "allow_test",
    "-g": "grant_all",
    "-d": "allow_downgrade",
    "-l": "ignored",
    "-f": "ignored",
    "-i": "value",
    "--user": "value",
    "--install-reason": "value",
    "--originating-uri": "value",
    "--referrer": "value",
    "-p": "value",
    "-S": "size",
    "--dont-kill": "ignored",
    "--full": "ignored",
    "--instant": "ignored",
    "--bypass-low-target-sdk-block": "ignored",
    "--restrict-permissions": "ignored",
    "--staged": "ignored",
}
"""``makeInstallParams`` options: what each does here."""

CLEAR_APP_USER_DATA = "android.permission.CLEAR_APP_USER_DATA"


class PackageShell:
    """``cmd package`` / ``dumpsys package`` / ``run-as`` over one :class:`PackageManagerService`."""

    def __init__(self, packages: PackageManagerService) -> None:
        self._packages = packages
        self._system = packages.system
        self._sessions = InstallSessions(packages, self._parse_install)

    # ------------------------------------------------------------------ shell: install
    @staticmethod
    def _parse_install(cursor: ArgCursor) -> InstallOptions:
        flags: set[str] = set()
        size: int | None = None
        while (opt := cursor.next_option()) is not None:
            kind = INSTALL_FLAGS.get(opt)
            if kind is None:
                raise IllegalArgumentException(f"Unknown option {opt}")
            if kind in ("no-replace", "allow_test", "grant_all", "allow_downgrade"):
                flags.add(kind)
            elif kind == "size":
                size_text = cursor.next_arg_required()
                if not size_text.isdigit():
                    raise NumberFormatException.for_input_string(size_text)
                size = int(size_text)
            elif kind == "value":
                cursor.next_arg_required()
        return InstallOptions(replace="no-replace" not in flags, allow_test="allow_test" in flags,
                              grant_all="grant_all" in flags, allow_downgrade="allow_downgrade" in flags, size=size)

    async def _verb_install(self, inv: Invocation, cursor: ArgCursor) -> int:
        options = self._parse_install(cursor)
        path = cursor.next_arg()
        if path is not None and path != "-":
            try:
                apk = self._system.device.fs.read_bytes(path)
            except FsError:
                inv.err(f"Error: Can't open file: {path}\n")
                raise IllegalArgumentException(f"Error: Can't open file: {path}") from None
        elif options.size is not None:
            try:
                apk = await inv.stdin.readexactly(options.size)
            except asyncio.IncompleteReadError as short:
                apk = short.partial
        else:
            inv.err("Error: must either specify a package size or an APK file\n")
            return 1
        result = self._packages.install_apk(apk, options)
        inv.out("Success\n" if result.ok else f"Failure [{result.message}]\n")
        return 0 if result.ok else 1

    def _verb_uninstall(self, inv: Invocation, cursor: ArgCursor) -> int:
        keep = False
        while (opt := cursor.next_option()) is not None:
            if opt == "-k":
                keep = True
            elif opt in ("--user", "--versionCode"):
                cursor.next_arg_required()
            else:
                raise IllegalArgumentException(f"Unknown option {opt}")
        package = cursor.next_arg()
        if package is None:
            inv.err("Error: package name not specified\n")
            return 1
        if self._packages.uninstall(package, keep):
            inv.out("Success\n")
            return 0
        inv.out("Failure [DELETE_FAILED_INTERNAL_ERROR]\n")
        return 1

    def _verb_list(self, inv: Invocation, cursor: ArgCursor) -> int:
        what = cursor.next_arg()
        if what in ("features", "feature"):
            inv.out(list_features())
            return 0
        if what not in ("packages", "package"):
            inv.err(f"Error: unknown list type '{what}'\n" if what else "Error: didn't specify type of data to list\n")
            return ERROR
        show_path = third_party = system_only = show_uid = show_version = False
        while (opt := cursor.next_option()) is not None:
            if opt == "-f":
                show_path = True
            elif opt == "-3":
                third_party = True
            elif opt == "-s":
                system_only = True
            elif opt == "-U":
                show_uid = True
            elif opt == "--show-versioncode" and self._system.api_level >= 28:
                show_version = True
            elif opt in ("-d", "-e", "-i", "-l", "-u", "--apex-only", "-a"):
                continue
            elif opt == "--user" or opt == "--uid":
                cursor.next_arg_required()
            else:
                inv.err(f"Error: Unknown option: {opt}\n")
                return ERROR
        name_filter = cursor.next_arg()
        lines = []
        for record in self._packages.records():
            name = record.facts.package
            if (third_party and record.system) or (system_only and not record.system):
                continue
            if name_filter and name_filter not in name:
                continue
            line = "package:" + (f"{record.apk_path}=" if show_path else "") + name
            if show_version:
                line += f" versionCode:{record.facts.version_code}"
            if show_uid:
                line += f" uid:{record.facts.uid}"
            lines.append(line)
        for line in sorted(lines):
            inv.out(line + "\n")
        return 0

    def _verb_path(self, inv: Invocation, cursor: ArgCursor) -> int:
        while (opt := cursor.next_option()) is not None:
            if opt == "--user":
                cursor.next_arg_required()
        package = cursor.next_arg_required()
        record = self._packages.record(package)
        if record is None:
            return 1
        inv.out(f"package:{record.apk_path}\n")
        for split in record.split_names:
            inv.out(f"package:{record.code_path}/split_{split}.apk\n")
        return 0

    def _grant_verb(self, grant: bool) -> Verb:
        def run(inv: Invocation, cursor: ArgCursor) -> int:
            while (opt := cursor.next_option()) is not None:
                if opt == "--user":
                    cursor.next_arg_required()
                elif opt == "--all-permissions" and grant:
                    continue
                else:
                    raise IllegalArgumentException(f"Unknown option {opt}")
            package = cursor.next_arg()
            if package is None:
                inv.err("Error: no package specified\n")
                return ERROR
            permission = cursor.next_arg()
            if permission is None:
                inv.err("Error: no permission specified\n")
                return ERROR
            if grant:
                self._packages.grant(package, permission)
            else:
                self._packages.revoke(package, permission)
            return 0

        return run

    def _verb_clear(self, inv: Invocation, cursor: ArgCursor) -> int:
        while (opt := cursor.next_option()) is not None:
            if opt == "--user":
                cursor.next_arg_required()
        package = cursor.next_arg()
        if package is None:
            inv.err("Error: no package specified\n")
            return ERROR
        facts = self._packages.get(package)
        own = facts is not None and facts.uid == inv.uid
        if not own and not self._packages.check_uid_permission(inv.uid, CLEAR_APP_USER_DATA):
            raise SecurityException(f"PID {calling_pid(inv)} does not have permission {CLEAR_APP_USER_DATA} "
                                    f"to clear data of package {package}")
        if self._packages.clear_data(package):
            inv.out("Success\n")
            return 0
        inv.out("Failed\n")
        return ERROR

    def verb_table(self) -> VerbTable:
        return VerbTable(
            {
                "install": self._verb_install,
                "uninstall": self._verb_uninstall,
                "list": self._verb_list,
                "path": self._verb_path,
                "grant": self._grant_verb(True),
                "revoke": self._grant_verb(False),
                "clear": self._verb_clear,
                **self._sessions.verbs(),
            },
            _help,
        )

    async def shell_command(self, inv: Invocation) -> int:
        return await self.verb_table().run(inv, inv.args)

    # ------------------------------------------------------------------ dumpsys package
    def dump(self, inv: Invocation) -> int:
        args = [a for a in inv.args if not a.startswith("-")]
        if args[:1] in (["f"], ["features"]):
            inv.out(features_section())
            return 0
        if args[:1] in (["permissions"], ["perm"]):
            inv.out(permissions_section(args[1:]))
            return 0
        if not args:
            inv.out(features_section() + "\n" + permissions_section([]) + "\n")
        records = {r.facts.package: r for r in self._packages.records()}
        names = [args[-1]] if args else sorted(records)
        if args and args[-1] not in records:
            return 0  # a package filter matching nothing prints no package section [I]
        inv.out("Packages:\n")
        for name in names:
            inv.out(self._dump_package(records[name]))
        return 0

    def _dump_package(self, record: PackageRecord) -> str:
        f = record.facts
        ident = hashlib.sha1(f.package.encode()).hexdigest()[:7]
        flags = ["HAS_CODE", "ALLOW_CLEAR_USER_DATA", "ALLOW_BACKUP"]
        if f.debuggable:
            flags.insert(0, "DEBUGGABLE")
        if record.system:
            flags.insert(0, "SYSTEM")
        stamp = _format_time(record.last_update_ms / 1000)
        install_perms = [p for p in f.requested_permissions if p not in RUNTIME_PERMISSIONS]
        runtime_perms = [p for p in f.requested_permissions if p in RUNTIME_PERMISSIONS]
        lines = [
            f"  Package [{f.package}] ({ident}):",
            f"    userId={f.uid}",
            f"    pkg=Package{{{ident} {f.package}}}",
            f"    codePath={record.code_path}",
            f"    resourcePath={record.code_path}",
            f"    versionCode={f.version_code} minSdk={record.min_sdk} targetSdk={f.target_sdk}",
            f"    versionName={f.version_name}",
            f"    splits=[{', '.join(['base', *record.split_names])}]",
            f"    applicationInfo=ApplicationInfo{{{ident} {f.package}}}",
            f"    flags=[ {' '.join(flags)} ]",
            f"    dataDir={self._packages.data_dir(f.package)}",
            f"    timeStamp={stamp}",
            f"    firstInstallTime={_format_time(record.first_install_ms / 1000)}",
            f"    lastUpdateTime={stamp}",
        ]
        if f.requested_permissions:
            lines.append("    requested permissions:")
            lines += [f"      {p}" for p in f.requested_permissions]
        if install_perms:
            lines.append("    install permissions:")
            lines += [f"      {p}: granted=true" for p in install_perms]
        lines.append(
            f"    User 0: ceDataInode=0 installed=true hidden=false suspended=false distractionFlags=0 "
            f"stopped={java_bool(record.stopped)} notLaunched={java_bool(record.not_launched)} enabled=0 "
            "instant=false virtual=false"
        )
        if runtime_perms:
            lines.append("      runtime permissions:")
            lines += [
                f"        {p}: granted={java_bool(p in record.granted)}, flags=[ ]" for p in runtime_perms
            ]
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ run-as
    async def run_as(self, inv: Invocation) -> int:
        args = inv.args
        if not args:
            inv.err("usage: run-as <package-name> [--user <uid>] <command> [<args>]\n")
            return 1
        if inv.uid not in (ROOT_UID, SHELL_UID):
            inv.err("run-as: only 'shell' or 'root' users can run this program\n")
            return 1
        package, rest = args[0], args[1:]
        if rest[:1] == ["--user"]:
            rest = rest[2:]
        record = self._packages.record(package)
        if record is None or record.system:
            inv.err(f"run-as: unknown package: {package}\n")
            return 1
        if not record.facts.debuggable:
            inv.err(f"run-as: package not debuggable: {package}\n")
            return 1
        line = " ".join(shlex.quote(a) for a in rest) if rest else (await inv.stdin.read()).decode("utf-8", "replace")
        return await inv.device.run_shell(line, inv.stdin, inv.stdout, inv.stderr, inv.hangup,
                                          uid=record.facts.uid, cwd=self._packages.data_dir(package))


def _format_time(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))


def _help() -> str:
    return (
        "Package manager (package) commands:\n"
        "  help\n"
        "    Print this help text.\n"
        "  path [--user USER_ID] PACKAGE\n"
        "    Print the path to the .apk of the given PACKAGE.\n"
        "  list packages [-f] [-d] [-e] [-s] [-3] [-i] [-l] [-u] [-U] [--show-versioncode] [--user USER_ID] [FILTER]\n"
        "    Prints all packages; optionally only those whose name contains\n"
        "    the text in FILTER.\n"
        "  install [-rtfdg] [-i PACKAGE] [--user USER_ID] [-S BYTES] [PATH|-]\n"
        "    Install an application.  Must provide the apk data to install, either as a\n"
        "    file path or '-' to read from stdin.\n"
        "  uninstall [-k] [--user USER_ID] PACKAGE\n"
        "    Remove the given package name from the system.\n"
        "  clear [--user USER_ID] PACKAGE\n"
        "    Deletes all data associated with a package.\n"
        "  grant [--user USER_ID] PACKAGE PERMISSION\n"
        "  revoke [--user USER_ID] PACKAGE PERMISSION\n"
        "    These commands either grant or revoke permissions to apps.  The permissions\n"
        "    must be declared as used in the app's manifest, be runtime permissions\n"
        "    (protection level dangerous), and the app targeting SDK greater than Lollipop MR1.\n"
    )
