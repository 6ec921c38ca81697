"""PackageManagerService: ``pm`` / ``cmd package`` and ``run-as``.

Sources (AOSP ``frameworks/base/services/core/java/com/android/server/pm/``):

* ``PackageManagerShellCommand.java`` (Android 9-15): ``install`` prints ``Success`` or
  ``Failure [CODE: message]`` on stdout (exit 1 on failure); ``-r`` is accepted and ignored
  (replacing is the default), ``-R`` forbids it (``INSTALL_FAILED_ALREADY_EXISTS``), ``-t``,
  ``-g`` (grant all runtime permissions), ``-d`` (allow downgrade), ``-S SIZE`` reads the APK
  from stdin (the streamed/abb_exec flow, adb-protocol.md §5.2); an unknown option throws
  ``IllegalArgumentException("Unknown option X")``; a path that cannot be opened prints
  ``Error: Can't open file: PATH`` and throws the same; neither a path nor ``-S`` prints
  ``Error: must either specify a package size or an APK file`` on stderr (exit 1).
  ``uninstall [-k] PKG`` prints ``Success`` / ``Failure [DELETE_FAILED_INTERNAL_ERROR]``.
  ``list packages [-f] [-3] [-s] [-U] [--show-versioncode] [FILTER]`` prints sorted
  ``package:NAME`` lines. ``path PKG`` prints ``package:/data/app/…/base.apk`` or nothing with
  exit 1. ``clear PKG`` prints ``Success`` / ``Failed``.
* ``PermissionManagerService`` (Android 11+; ``PackageManagerService`` before): ``grant``/
  ``revoke`` of a non-runtime permission throw ``SecurityException("Permission P requested by
  PKG is not a changeable permission type")``; a permission the app did not request throws
  ``SecurityException("Package PKG has not requested permission P")``; unknown package
  ``IllegalArgumentException("Unknown package: PKG")``; unknown permission
  ``IllegalArgumentException("Unknown permission: P")``.
* ``PackageManagerService`` install checks: a lower versionCode without ``-d`` fails with
  ``INSTALL_FAILED_VERSION_DOWNGRADE: Downgrade detected: Update version code N is older than
  current M``; bytes that are not an APK fail with ``INSTALL_PARSE_FAILED_NOT_APK`` [I for the
  message after the code].
* App ids come from ``Settings.acquireAndRegisterNewAppIdLPw``: the lowest free id from 10000
  (so an update keeps its uid and a reinstall after uninstall gets the lowest free one).
* ``system/core/run-as/run-as.cpp``: a caller that is neither the shell (2000) nor root gets
  ``run-as: only 'shell' or 'root' users can run this program``; then ``run-as: unknown package:
  PKG`` / ``run-as: package not debuggable: PKG`` (exit 1); the command runs with the app's uid in
  its data directory.
* Permission holders (:meth:`PackageManagerService.check_uid_permission`, the check
  ``ActivityManager.checkComponentPermission`` makes for a protected receiver or activity): root
  and the system uid hold every permission; the shell uid what ``com.android.shell`` requests
  (``frameworks/base/packages/Shell/AndroidManifest.xml``, e.g. ``DUMP``); an app what it
  requested and was granted. ``DUMP``, ``READ_LOGS`` and the other
  ``signature|privileged|development`` permissions of ``core/res/AndroidManifest.xml`` are never
  granted to a third-party app at install, but ``pm grant`` may grant them (``BasePermission
  .enforceDeclaredUsedAndRuntimeOrDevelopment``: only runtime and development permissions are
  changeable).

A fresh install is *stopped* and in the NEVER standby bucket (shell ref §5.4, §7.4); an update
keeps both, its uid, data and granted permissions, and kills the app's process.
Packages, stopped state and grants persist across reboots (``/data/system/packages.xml``,
``package-restrictions.xml``, ``runtime-permissions.xml``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

from jobctl_sim.framework.shell_command import (
    ERROR,
    FIRST_APPLICATION_UID,
    ROOT_UID,
    SHELL_UID,
    SYSTEM_UID,
    ArgCursor,
    JavaException,
    VerbTable,
    illegal_argument,
    security_exception,
)
from jobctl_sim.framework.apk import ApkError, Manifest, read_apk
from jobctl_sim.framework.system import AndroidSystem, BinderService, Change, ComponentInfo, PackageFacts, Topic
from jobctl_sim.native.fs import FsError
from jobctl_sim.native.shell.command import Invocation

RUNTIME_PERMISSIONS: frozenset[str] = frozenset(
    "android.permission." + name
    for name in (
        "ACCESS_BACKGROUND_LOCATION ACCESS_COARSE_LOCATION ACCESS_FINE_LOCATION ACTIVITY_RECOGNITION "
        "BODY_SENSORS BLUETOOTH_CONNECT BLUETOOTH_SCAN CALL_PHONE CAMERA GET_ACCOUNTS "
        "NEARBY_WIFI_DEVICES POST_NOTIFICATIONS READ_CALENDAR READ_CALL_LOG READ_CONTACTS "
        "READ_EXTERNAL_STORAGE READ_MEDIA_AUDIO READ_MEDIA_IMAGES READ_MEDIA_VIDEO READ_PHONE_NUMBERS "
        "READ_PHONE_STATE READ_SMS RECEIVE_SMS RECORD_AUDIO SEND_SMS WRITE_CALENDAR WRITE_CALL_LOG "
        "WRITE_CONTACTS WRITE_EXTERNAL_STORAGE"
    ).split()
)
"""Dangerous (runtime) permissions of the platform manifest (``core/res/AndroidManifest.xml``)."""

DEVELOPMENT_PERMISSIONS: frozenset[str] = frozenset(
    "android.permission." + name
    for name in (
        "WRITE_SECURE_SETTINGS DUMP READ_LOGS SET_DEBUG_APP SET_PROCESS_LIMIT SET_ALWAYS_FINISH "
        "SIGNAL_PERSISTENT_PROCESSES"
    ).split()
)
"""``protectionLevel="signature|privileged|development"`` ("Permissions for special development
tools" in ``core/res/AndroidManifest.xml``): not granted to a third-party app at install, grantable
with ``pm grant``."""

SHELL_PERMISSIONS: frozenset[str] = frozenset(
    "android.permission." + name
    for name in (
        "DUMP WRITE_SECURE_SETTINGS SET_DEBUG_APP SET_PROCESS_LIMIT SET_ALWAYS_FINISH "
        "SIGNAL_PERSISTENT_PROCESSES PACKAGE_USAGE_STATS BATTERY_STATS FORCE_STOP_PACKAGES "
        "CHANGE_APP_IDLE_STATE DEVICE_POWER INTERACT_ACROSS_USERS INTERACT_ACROSS_USERS_FULL"
    ).split()
)
"""The part of ``com.android.shell``'s ``<uses-permission>`` list the model checks (the uid 2000
holds them all: the Shell package is platform-signed)."""

KNOWN_PERMISSIONS: frozenset[str] = RUNTIME_PERMISSIONS | DEVELOPMENT_PERMISSIONS | frozenset(
    "android.permission." + name
    for name in (
        "INTERNET ACCESS_NETWORK_STATE ACCESS_WIFI_STATE RECEIVE_BOOT_COMPLETED WAKE_LOCK "
        "FOREGROUND_SERVICE FOREGROUND_SERVICE_DATA_SYNC FOREGROUND_SERVICE_SPECIAL_USE "
        "SCHEDULE_EXACT_ALARM USE_EXACT_ALARM RUN_USER_INITIATED_JOBS REQUEST_IGNORE_BATTERY_OPTIMIZATIONS "
        "VIBRATE PACKAGE_USAGE_STATS WRITE_SECURE_SETTINGS DUMP BIND_JOB_SERVICE"
    ).split()
)


@dataclass(frozen=True)
class SystemPackage:
    package: str
    uid: int
    version_code: int = 35
    version_name: str = "15"


SYSTEM_PACKAGES: tuple[SystemPackage, ...] = (
    SystemPackage("android", 1000),
    SystemPackage("com.android.settings", 1000),
    SystemPackage("com.android.providers.settings", 1000),
    SystemPackage("com.android.shell", 2000),
    SystemPackage("com.android.systemui", 10050),
    SystemPackage("com.android.phone", 1001),
    SystemPackage("com.android.launcher3", 10051),
    SystemPackage("com.google.android.gms", 10052, 243234044, "24.32.34"),
)


@dataclass
class PackageRecord:
    """The package manager's mutable state for one package."""

    facts: PackageFacts
    min_sdk: int
    system: bool
    code_path: str
    first_install_ms: int
    last_update_ms: int
    stopped: bool = True
    not_launched: bool = True
    granted: set[str] = field(default_factory=set)

    @property
    def apk_path(self) -> str:
        return f"{self.code_path}/base.apk"


@dataclass(frozen=True)
class InstallOptions:
    replace: bool = True
    allow_test: bool = False
    grant_all: bool = False
    allow_downgrade: bool = False
    size: int | None = None


@dataclass(frozen=True)
class InstallResult:
    ok: bool
    message: str = "Success"


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


class PackageManagerService:
    """Implements :class:`~jobctl_sim.framework.system.PackagesFacts`."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        self._packages: dict[str, PackageRecord] = {}
        self._session = 0
        for sp in SYSTEM_PACKAGES:
            facts = PackageFacts(sp.package, sp.uid, sp.version_code, sp.version_name, False, system.api_level, (), ())
            self._packages[sp.package] = PackageRecord(
                facts, system.api_level, True, f"/system/app/{sp.package}", 0, 0, stopped=False, not_launched=False
            )

    # ------------------------------------------------------------------ facts
    def get(self, package: str) -> PackageFacts | None:
        record = self._packages.get(package)
        return record.facts if record else None

    def by_uid(self, uid: int) -> PackageFacts | None:
        for record in self._packages.values():
            if record.facts.uid == uid and not record.system:
                return record.facts
        for record in self._packages.values():
            if record.facts.uid == uid:
                return record.facts
        return None

    def is_stopped(self, package: str) -> bool:
        record = self._packages.get(package)
        return bool(record and record.stopped)

    def is_granted(self, package: str, permission: str) -> bool:
        record = self._packages.get(package)
        if record is None or permission not in record.facts.requested_permissions:
            return False
        if permission in RUNTIME_PERMISSIONS or permission in DEVELOPMENT_PERMISSIONS:
            return permission in record.granted
        return True

    def check_uid_permission(self, uid: int, permission: str) -> bool:
        """Whether ``uid`` holds ``permission`` (``ActivityManager.checkComponentPermission``:
        "Root, system server get to do everything"; the shell uid holds com.android.shell's list;
        an app uid what its package holds)."""
        if uid in (ROOT_UID, SYSTEM_UID):
            return True
        if uid == SHELL_UID:
            return permission in SHELL_PERMISSIONS
        record = next((r for r in self._packages.values() if r.facts.uid == uid and not r.system), None)
        return record is not None and self.is_granted(record.facts.package, permission)

    def is_system(self, package: str) -> bool:
        record = self._packages.get(package)
        return bool(record and record.system)

    def record(self, package: str) -> PackageRecord | None:
        return self._packages.get(package)

    def packages(self) -> list[PackageFacts]:
        return [r.facts for r in self._packages.values()]

    def data_dir(self, package: str) -> str:
        return f"/data/data/{package}"

    # ------------------------------------------------------------------ state changes
    def set_stopped(self, package: str, stopped: bool) -> bool:
        """Mark stopped/unstopped; True if it changed (the caller publishes)."""
        record = self._packages.get(package)
        if record is None or record.stopped == stopped or record.system:
            return False
        record.stopped = stopped
        if not stopped:
            record.not_launched = False
        return True

    def _allocate_uid(self) -> int:
        used = {r.facts.uid for r in self._packages.values()}
        uid = FIRST_APPLICATION_UID
        while uid in used:
            uid += 1
        return uid

    def install_package(self, facts: PackageFacts, apk_bytes: bytes | None, stopped: bool = True,
                        min_sdk: int = 26) -> None:
        """Preinstall (the helper model): ``facts.uid`` is used as given unless it is 0 or taken."""
        existing = self._packages.get(facts.package)
        uid = facts.uid
        if existing is not None:
            uid = existing.facts.uid
        elif uid <= 0 or self.by_uid(uid) is not None:
            uid = self._allocate_uid()
        facts = dataclasses.replace(facts, uid=uid)
        manifest = Manifest(
            facts.package, facts.version_code, facts.version_name, min_sdk, facts.target_sdk,
            facts.debuggable, facts.requested_permissions,
            tuple(_manifest_component(c) for c in facts.components),
        )
        self._commit(manifest, apk_bytes or b"", InstallOptions(), stopped=stopped, uid=uid)

    def install_apk(self, apk: bytes, options: InstallOptions) -> InstallResult:
        """The install session: parse, check, commit. Never raises for a bad APK."""
        self._session += 1
        tmp = f"/data/app/vmdl{1000000 + self._session * 7919}.tmp/base.apk"
        try:
            manifest = read_apk(apk)
        except ApkError:
            if self._system.api_level >= 30:
                return InstallResult(
                    False, f"INSTALL_PARSE_FAILED_NOT_APK: Failed to parse {tmp}: Failed to load asset path {tmp}"
                )
            return InstallResult(False, f"INSTALL_PARSE_FAILED_NOT_APK: Failed to parse {tmp}")
        existing = self._packages.get(manifest.package)
        if existing is not None:
            if not options.replace:
                return InstallResult(
                    False,
                    f"INSTALL_FAILED_ALREADY_EXISTS: Attempt to re-install {manifest.package} without first uninstalling.",
                )
            if manifest.version_code < existing.facts.version_code and not options.allow_downgrade:
                return InstallResult(
                    False,
                    "INSTALL_FAILED_VERSION_DOWNGRADE: Downgrade detected: Update version code "
                    f"{manifest.version_code} is older than current {existing.facts.version_code}",
                )
        self._commit(manifest, apk, options, stopped=True, uid=None)
        return InstallResult(True)

    def _commit(self, manifest: Manifest, apk: bytes, options: InstallOptions, stopped: bool, uid: int | None) -> None:
        now = int(self._system.clock.wall_time() * 1000)
        existing = self._packages.get(manifest.package)
        replacing = existing is not None
        if uid is None:
            uid = existing.facts.uid if existing else self._allocate_uid()
        facts = PackageFacts(
            package=manifest.package,
            uid=uid,
            version_code=manifest.version_code,
            version_name=manifest.version_name,
            debuggable=manifest.debuggable,
            target_sdk=manifest.target_sdk,
            requested_permissions=manifest.permissions,
            components=tuple(ComponentInfo(c.name, c.kind, c.exported, c.permission) for c in manifest.components),
        )
        if existing is not None:
            record = existing
            self._remove_code(record)
            record.facts = facts
            record.min_sdk = manifest.min_sdk
            record.last_update_ms = now
            record.code_path = self._new_code_path(manifest.package)
        else:
            record = PackageRecord(
                facts, manifest.min_sdk, False, self._new_code_path(manifest.package), now, now, stopped=stopped,
                not_launched=stopped,
            )
            self._packages[manifest.package] = record
        runtime = [p for p in manifest.permissions if p in RUNTIME_PERMISSIONS]
        if options.grant_all or manifest.target_sdk < 23:
            record.granted |= set(runtime)
        record.granted &= set(runtime) | (set(manifest.permissions) & DEVELOPMENT_PERMISSIONS)
        self._write_code(record, apk)
        self._make_data_dir(record)
        activity = getattr(self._system, "activity", None)
        if replacing and activity is not None:
            activity.kill_process(manifest.package, reason="replace pkg")
        if not replacing:
            standby = getattr(self._system, "standby", None)
            if standby is not None and hasattr(standby, "on_package_added"):
                standby.on_package_added(manifest.package)
        self._system.publish(Change(Topic.PACKAGE_ADDED, package=manifest.package, uid=uid, detail={"replacing": replacing}))

    def _new_code_path(self, package: str) -> str:
        token = hashlib.sha256(f"{package}{self._session}{len(self._packages)}".encode()).hexdigest()[:22]
        if self._system.api_level >= 30:
            return f"/data/app/~~{token[:11]}==/{package}-{token[11:]}=="
        return f"/data/app/{package}-{token}=="

    def _write_code(self, record: PackageRecord, apk: bytes) -> None:
        fs = self._system.device.fs
        try:
            fs.mkdir(record.code_path, parents=True, uid=1000)
            fs.write_bytes(record.apk_path, apk, mode=0o100644, uid=1000)
        except FsError:
            pass

    def _remove_code(self, record: PackageRecord) -> None:
        fs = self._system.device.fs
        path = record.code_path.split("/")[:4] if self._system.api_level >= 30 else record.code_path.split("/")
        try:
            fs.remove("/".join(path), recursive=True)
        except FsError:
            pass

    def _make_data_dir(self, record: PackageRecord) -> None:
        fs = self._system.device.fs
        path = self.data_dir(record.facts.package)
        try:
            if not fs.exists(path):
                fs.mkdir(path, mode=0o700, uid=record.facts.uid)
                for sub in ("cache", "code_cache"):
                    fs.mkdir(f"{path}/{sub}", mode=0o771, uid=record.facts.uid)
            if not fs.exists("/data/user/0"):
                fs.mkdir("/data/user", parents=True, mode=0o711)
                fs.symlink("/data/data", "/data/user/0")
        except FsError:
            pass

    def uninstall(self, package: str, keep_data: bool = False) -> bool:
        record = self._packages.get(package)
        if record is None or record.system:
            return False
        activity = getattr(self._system, "activity", None)
        if activity is not None:
            activity.kill_process(package, reason="uninstall pkg")
        del self._packages[package]
        self._remove_code(record)
        if not keep_data:
            try:
                self._system.device.fs.remove(self.data_dir(package), recursive=True)
            except FsError:
                pass
            appops = getattr(self._system, "appops", None)
            if appops is not None:
                appops.forget_package(package)
        self._system.publish(Change(Topic.PACKAGE_REMOVED, package=package, uid=record.facts.uid, detail={"replacing": False}))
        return True

    def clear_data(self, package: str) -> bool:
        """``pm clear``: kill, wipe the data dir, reset runtime grants; JobScheduler drops the jobs."""
        record = self._packages.get(package)
        if record is None or record.system:
            return False
        activity = getattr(self._system, "activity", None)
        if activity is not None:
            activity.kill_process(package, reason="clear data")
        fs = self._system.device.fs
        try:
            fs.remove(self.data_dir(package), recursive=True)
        except FsError:
            pass
        record.granted.clear()
        self._make_data_dir(record)
        self._system.publish(
            Change(Topic.PACKAGE_FORCE_STOPPED, package=package, uid=record.facts.uid, detail={"reason": "clear data"})
        )
        return True

    # ------------------------------------------------------------------ shell: install
    def _parse_install(self, cursor: ArgCursor) -> InstallOptions:
        values: dict[str, object] = {}
        while (opt := cursor.next_option()) is not None:
            kind = INSTALL_FLAGS.get(opt)
            if kind is None:
                raise illegal_argument(f"Unknown option {opt}")
            if kind == "no-replace":
                values["replace"] = False
            elif kind in ("allow_test", "grant_all", "allow_downgrade"):
                values[kind] = True
            elif kind == "size":
                size_text = cursor.next_arg_required()
                if not size_text.isdigit():
                    raise JavaException("java.lang.NumberFormatException", f'For input string: "{size_text}"')
                values["size"] = int(size_text)
            elif kind == "value":
                cursor.next_arg_required()
        return InstallOptions(**values)  # type: ignore[arg-type]

    async def _verb_install(self, inv: Invocation, cursor: ArgCursor) -> int:
        options = self._parse_install(cursor)
        path = cursor.next_arg()
        if path is not None and path != "-":
            try:
                apk = self._system.device.fs.read_bytes(path)
            except FsError:
                inv.err(f"Error: Can't open file: {path}\n")
                raise illegal_argument(f"Error: Can't open file: {path}") from None
        elif options.size is not None:
            try:
                apk = await inv.stdin.readexactly(options.size)
            except asyncio.IncompleteReadError as short:
                apk = short.partial
        else:
            inv.err("Error: must either specify a package size or an APK file\n")
            return 1
        result = self.install_apk(apk, options)
        inv.out("Success\n" if result.ok else f"Failure [{result.message}]\n")
        return 0 if result.ok else 1

    def _verb_uninstall(self, inv: Invocation, cursor: ArgCursor) -> int:
        keep = False
        while (opt := cursor.next_option()) is not None:
            if opt == "-k":
                keep = True
            elif opt == "--user":
                cursor.next_arg_required()
            elif opt == "--versionCode":
                cursor.next_arg_required()
            else:
                raise illegal_argument(f"Unknown option {opt}")
        package = cursor.next_arg()
        if package is None:
            inv.err("Error: package name not specified\n")
            return 1
        if self.uninstall(package, keep):
            inv.out("Success\n")
            return 0
        inv.out("Failure [DELETE_FAILED_INTERNAL_ERROR]\n")
        return 1

    def _verb_list(self, inv: Invocation, cursor: ArgCursor) -> int:
        what = cursor.next_arg()
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
        for record in self._packages.values():
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
        record = self._packages.get(package)
        if record is None:
            return 1
        inv.out(f"package:{record.apk_path}\n")
        return 0

    def _grant_checks(self, package: str, permission: str) -> PackageRecord:
        record = self._packages.get(package)
        if record is None:
            raise illegal_argument(f"Unknown package: {package}")
        if permission not in KNOWN_PERMISSIONS and permission not in record.facts.requested_permissions:
            raise illegal_argument(f"Unknown permission: {permission}")
        if permission not in record.facts.requested_permissions:
            raise security_exception(f"Package {package} has not requested permission {permission}")
        if permission not in RUNTIME_PERMISSIONS and permission not in DEVELOPMENT_PERMISSIONS:
            raise security_exception(
                f"Permission {permission} requested by {package} is not a changeable permission type"
            )
        return record

    def _grant_verb(self, grant: bool):  # noqa: ANN202 - a VerbTable entry
        def run(inv: Invocation, cursor: ArgCursor) -> int:
            while (opt := cursor.next_option()) is not None:
                if opt == "--user":
                    cursor.next_arg_required()
                elif opt == "--all-permissions" and grant:
                    continue
                else:
                    raise illegal_argument(f"Unknown option {opt}")
            package = cursor.next_arg()
            if package is None:
                inv.err("Error: no package specified\n")
                return ERROR
            permission = cursor.next_arg()
            if permission is None:
                inv.err("Error: no permission specified\n")
                return ERROR
            record = self._grant_checks(package, permission)
            if grant:
                record.granted.add(permission)
            else:
                record.granted.discard(permission)
                activity = getattr(self._system, "activity", None)
                if activity is not None:
                    activity.kill_process(package, reason="permissions revoked")
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
        if self.clear_data(package):
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
            },
            _help,
        )

    async def shell_command(self, inv: Invocation) -> int:
        return await self.verb_table().run(inv, inv.args)

    # ------------------------------------------------------------------ dumpsys package
    def dump(self, inv: Invocation) -> int:
        args = [a for a in inv.args if not a.startswith("-")]
        names = [args[-1]] if args else sorted(self._packages)
        if args and args[-1] not in self._packages:
            return 0  # a package filter matching nothing prints no package section [I]
        inv.out("Packages:\n")
        for name in names:
            inv.out(self._dump_package(self._packages[name]))
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
            "    splits=[base]",
            f"    applicationInfo=ApplicationInfo{{{ident} {f.package}}}",
            f"    flags=[ {' '.join(flags)} ]",
            f"    dataDir={self.data_dir(f.package)}",
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
            f"stopped={str(record.stopped).lower()} notLaunched={str(record.not_launched).lower()} enabled=0 "
            "instant=false virtual=false"
        )
        if runtime_perms:
            lines.append("      runtime permissions:")
            lines += [
                f"        {p}: granted={str(p in record.granted).lower()}, flags=[ ]" for p in runtime_perms
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
        record = self._packages.get(package)
        if record is None or record.system:
            inv.err(f"run-as: unknown package: {package}\n")
            return 1
        if not record.facts.debuggable:
            inv.err(f"run-as: package not debuggable: {package}\n")
            return 1
        if rest:
            line = " ".join(shlex.quote(a) for a in rest)
        else:
            line = (await inv.stdin.read()).decode("utf-8", "replace")
        return await inv.device.run_shell(line, inv.stdin, inv.stdout, inv.stderr, inv.hangup,
                                          uid=record.facts.uid, cwd=self.data_dir(package))


def _manifest_component(c: ComponentInfo):  # noqa: ANN202
    from jobctl_sim.framework.apk import ManifestComponent

    return ManifestComponent(c.name, c.kind, c.exported, c.permission)


def _format_time(seconds: float) -> str:
    import time

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


def install(system: AndroidSystem) -> PackageManagerService:
    service = PackageManagerService(system)
    system.packages = service
    system.add_binder_service(BinderService("package", shell_command=service.shell_command, dump=service.dump))
    return service
