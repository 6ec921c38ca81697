"""PackageManagerService: installed packages, their uids, stopped state and runtime grants.

Sources (AOSP ``frameworks/base/services/core/java/com/android/server/pm/``):

* ``PackageManagerService`` install checks: a lower versionCode without ``-d`` fails with
  ``INSTALL_FAILED_VERSION_DOWNGRADE: Downgrade detected: Update version code N is older than
  current M``; bytes that are not an APK fail with ``INSTALL_PARSE_FAILED_NOT_APK`` [I for the
  message after the code]; ``-R`` (no replacing) fails with ``INSTALL_FAILED_ALREADY_EXISTS``.
* ``PermissionManagerService`` (Android 11+; ``PackageManagerService`` before): ``grant``/
  ``revoke`` of a non-runtime permission throw ``SecurityException("Permission P requested by
  PKG is not a changeable permission type")``; a permission the app did not request throws
  ``SecurityException("Package PKG has not requested permission P")``; unknown package
  ``IllegalArgumentException("Unknown package: PKG")``; unknown permission
  ``IllegalArgumentException("Unknown permission: P")`` (the permission sets: :mod:`.permissions`).
* App ids come from ``Settings.acquireAndRegisterNewAppIdLPw``: the lowest free id from 10000
  (so an update keeps its uid and a reinstall after uninstall gets the lowest free one).
* Permission holders (:meth:`PackageManagerService.check_uid_permission`, the check
  ``ActivityManager.checkComponentPermission`` makes for a protected receiver or activity): root
  and the system uid hold every permission; the shell uid what ``com.android.shell`` requests;
  an app what it requested and was granted.

A fresh install is *stopped* and in the NEVER standby bucket (shell ref §5.4, §7.4); an update
keeps both, its uid, data and granted permissions, and kills the app's process.
Packages, stopped state and grants persist across reboots (``/data/system/packages.xml``,
``package-restrictions.xml``, ``runtime-permissions.xml``). The shell surface (``pm``,
``dumpsys package``, ``run-as``) is :mod:`.package_shell`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from dataclasses import dataclass, field

from jobctl_sim.framework.apk import ApkError, Manifest, ManifestComponent, read_apk
from jobctl_sim.framework.permissions import (
    DEVELOPMENT_PERMISSIONS,
    KNOWN_PERMISSIONS,
    RUNTIME_PERMISSIONS,
    SHELL_PERMISSIONS,
    SIGNATURE_PERMISSIONS,
)
from jobctl_sim.framework.shell_command import IllegalArgumentException, SecurityException
from jobctl_sim.framework.system import AndroidSystem, BinderService, Change, ComponentInfo, PackageFacts, Topic
from jobctl_sim.framework.userhandle import FIRST_APPLICATION_UID, ROOT_UID, SHELL_UID, SYSTEM_UID
from jobctl_sim.native.fs import FsError


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
    split_names: tuple[str, ...] = ()
    """The split APKs installed next to ``base.apk`` (``split_NAME.apk``), by split name."""

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


class PackageManagerService:
    """The installed packages; implements :class:`~jobctl_sim.framework.system.PackagesFacts`."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        self._packages: dict[str, PackageRecord] = {}
        self._session = 0
        for sp in SYSTEM_PACKAGES:
            facts = PackageFacts(sp.package, sp.uid, sp.version_code, sp.version_name, False, system.api_level, (), ())
            self._packages[sp.package] = PackageRecord(
                facts, system.api_level, True, f"/system/app/{sp.package}", 0, 0, stopped=False, not_launched=False)

    @property
    def system(self) -> AndroidSystem:
        return self._system

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
        if permission in SIGNATURE_PERMISSIONS:
            return record.system  # platform-signed system packages only
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

    def records(self) -> list[PackageRecord]:
        return list(self._packages.values())

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
        """Preinstall a package from facts alone (system apps of a device image, tests):
        ``facts.uid`` is used as given unless it is 0 or taken. The helper is preinstalled from its
        real APK instead (:meth:`preinstall_apk`)."""
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

    def preinstall_apk(self, apk: bytes, preferred_uid: int, stopped: bool = True) -> None:
        """Preinstall a real APK as ``adb install`` would commit it, reading its binary manifest;
        the package gets ``preferred_uid`` unless that uid is taken. Raises :class:`ApkError` for
        bytes that are not an APK (a preinstall is the device image's, not the user's, input)."""
        manifest = read_apk(apk)
        existing = self._packages.get(manifest.package)
        uid = existing.facts.uid if existing is not None else preferred_uid
        if existing is None and (uid <= 0 or self.by_uid(uid) is not None):
            uid = self._allocate_uid()
        self._commit(manifest, apk, InstallOptions(), stopped=stopped, uid=uid)

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
                return InstallResult(False, f"INSTALL_FAILED_ALREADY_EXISTS: Attempt to re-install {manifest.package} "
                                            "without first uninstalling.")
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
            components=tuple(ComponentInfo(c.name, c.kind, c.exported, c.permission)
                             for c in manifest.components),
        )
        if existing is not None:
            record = existing
            self._remove_code(record)
            record.facts = facts
            record.min_sdk = manifest.min_sdk
            record.last_update_ms = now
            record.code_path = self._new_code_path(manifest.package)
            record.split_names = ()
        else:
            record = PackageRecord(facts, manifest.min_sdk, False, self._new_code_path(manifest.package), now, now,
                                   stopped=stopped, not_launched=stopped)
            self._packages[manifest.package] = record
        runtime = [p for p in manifest.permissions if p in RUNTIME_PERMISSIONS]
        if options.grant_all or manifest.target_sdk < 23:
            record.granted |= set(runtime)
        record.granted &= set(runtime) | (set(manifest.permissions) & DEVELOPMENT_PERMISSIONS)
        self._write_code(record, apk)
        self._make_data_dir(record)
        if replacing:
            self._system.activity.kill_process(manifest.package, reason="replace pkg")
        else:
            self._system.standby.on_package_added(manifest.package)
        self._system.publish(Change(Topic.PACKAGE_ADDED, package=manifest.package, uid=uid,
                                    detail={"replacing": replacing}))

    def _new_code_path(self, package: str) -> str:
        token = hashlib.sha256(f"{package}{self._session}{len(self._packages)}".encode()).hexdigest()[:22]
        if self._system.api_level >= 30:
            return f"/data/app/~~{token[:11]}==/{package}-{token[11:]}=="
        return f"/data/app/{package}-{token}=="

    def _write_code(self, record: PackageRecord, apk: bytes) -> None:
        fs = self._system.device.fs
        with contextlib.suppress(FsError):
            fs.mkdir(record.code_path, parents=True, uid=SYSTEM_UID)
            fs.write_bytes(record.apk_path, apk, mode=0o100644, uid=SYSTEM_UID)

    def _remove_code(self, record: PackageRecord) -> None:
        fs = self._system.device.fs
        path = record.code_path.split("/")[:4] if self._system.api_level >= 30 else record.code_path.split("/")
        with contextlib.suppress(FsError):
            fs.remove("/".join(path), recursive=True)

    def _make_data_dir(self, record: PackageRecord) -> None:
        fs = self._system.device.fs
        path = self.data_dir(record.facts.package)
        with contextlib.suppress(FsError):
            if not fs.exists(path):
                fs.mkdir(path, mode=0o700, uid=record.facts.uid)
                for sub in ("cache", "code_cache"):
                    fs.mkdir(f"{path}/{sub}", mode=0o771, uid=record.facts.uid)
            if not fs.exists("/data/user/0"):
                fs.mkdir("/data/user", parents=True, mode=0o711)
                fs.symlink("/data/data", "/data/user/0")

    def uninstall(self, package: str, keep_data: bool = False) -> bool:
        record = self._packages.get(package)
        if record is None or record.system:
            return False
        self._system.activity.kill_process(package, reason="uninstall pkg")
        del self._packages[package]
        self._remove_code(record)
        if not keep_data:
            with contextlib.suppress(FsError):
                self._system.device.fs.remove(self.data_dir(package), recursive=True)
            self._system.appops.forget_package(package)
        self._system.publish(Change(Topic.PACKAGE_REMOVED, package=package, uid=record.facts.uid,
                                    detail={"replacing": False}))
        return True

    def clear_data(self, package: str) -> bool:
        """``pm clear``: kill, wipe the data dir, reset runtime grants; JobScheduler drops the jobs."""
        record = self._packages.get(package)
        if record is None or record.system:
            return False
        self._system.activity.kill_process(package, reason="clear data")
        with contextlib.suppress(FsError):
            self._system.device.fs.remove(self.data_dir(package), recursive=True)
        record.granted.clear()
        self._make_data_dir(record)
        self._system.publish(
            Change(Topic.PACKAGE_FORCE_STOPPED, package=package, uid=record.facts.uid, detail={"reason": "clear data"})
        )
        return True

    # ------------------------------------------------------------------ runtime permissions
    def _changeable(self, package: str, permission: str) -> PackageRecord:
        record = self._packages.get(package)
        if record is None:
            raise IllegalArgumentException(f"Unknown package: {package}")
        if permission not in KNOWN_PERMISSIONS and permission not in record.facts.requested_permissions:
            raise IllegalArgumentException(f"Unknown permission: {permission}")
        if permission not in record.facts.requested_permissions:
            raise SecurityException(f"Package {package} has not requested permission {permission}")
        if permission not in RUNTIME_PERMISSIONS and permission not in DEVELOPMENT_PERMISSIONS:
            raise SecurityException(
                f"Permission {permission} requested by {package} is not a changeable permission type"
            )
        return record

    def grant(self, package: str, permission: str) -> None:
        """``pm grant``: throws like ``PermissionManagerService.grantRuntimePermission``."""
        self._changeable(package, permission).granted.add(permission)

    def revoke(self, package: str, permission: str) -> None:
        """``pm revoke``: the app's process is killed, as on a phone."""
        self._changeable(package, permission).granted.discard(permission)
        self._system.activity.kill_process(package, reason="permissions revoked")


def _manifest_component(c: ComponentInfo) -> ManifestComponent:
    return ManifestComponent(c.name, c.kind, c.exported, c.permission)


def install(system: AndroidSystem) -> PackageManagerService:
    from jobctl_sim.framework.package_shell import PackageShell

    service = PackageManagerService(system)
    shell = PackageShell(service)
    system.packages = service
    system.add_binder_service(BinderService("package", shell_command=shell.shell_command, dump=shell.dump))
    system.device.commands.register("run-as", shell.run_as)
    return service
