"""Which permissions the package manager knows, which are changeable, and what the shell holds.

Sources:

* ``frameworks/base/core/res/AndroidManifest.xml``: the dangerous (runtime) permissions; the
  ``protectionLevel="signature|privileged|development"`` ones ("Permissions for special
  development tools"), never granted to a third-party app at install but grantable with
  ``pm grant`` (``BasePermission.enforceDeclaredUsedAndRuntimeOrDevelopment``: only runtime and
  development permissions are changeable);
* ``frameworks/base/packages/Shell/AndroidManifest.xml``: what ``com.android.shell`` (uid 2000,
  platform-signed, so it holds them all) requests, e.g. ``DUMP``.

How services refuse a caller (the texts a shell command run as another app's uid -- ``run-as PKG
cmd …`` -- prints, :func:`enforce`):

* ``core/java/android/app/ContextImpl.java`` ``enforce``: ``[MESSAGE: ]Neither user UID nor current
  process has PERMISSION.`` for ``enforceCallingOrSelfPermission``, ``[MESSAGE: ]uid UID does not
  have PERMISSION.`` for ``enforceCallingPermission``/``enforcePermission``;
* ``ActivityManager.checkComponentPermission``: root (0) and system (1000) hold every permission;
  the shell holds :data:`SHELL_PERMISSIONS`; an app what its package was granted
  (:meth:`~jobctl_sim.framework.packages.PackageManagerService.check_uid_permission`).

The calling pid a message names (``Binder.getCallingPid()``) is the ``cmd`` process, a child of the
shell that ran it: the virtual device does not number commands, so it is the shell's pid + 1 [I].
"""

from __future__ import annotations

from typing import Protocol

from jobctl_sim.framework.shell_command import SecurityException
from jobctl_sim.native.shell.command import Invocation

RUNTIME_PERMISSIONS: frozenset[str] = frozenset(
    "android.permission." + name
    for name in (
        "ACCESS_BACKGROUND_LOCATION",
        "ACCESS_COARSE_LOCATION",
        "ACCESS_FINE_LOCATION",
        "ACTIVITY_RECOGNITION",
        "BODY_SENSORS",
        "BLUETOOTH_CONNECT",
        "BLUETOOTH_SCAN",
        "CALL_PHONE",
        "CAMERA",
        "GET_ACCOUNTS",
        "NEARBY_WIFI_DEVICES",
        "POST_NOTIFICATIONS",
        "READ_CALENDAR",
        "READ_CALL_LOG",
        "READ_CONTACTS",
        "READ_EXTERNAL_STORAGE",
        "READ_MEDIA_AUDIO",
        "READ_MEDIA_IMAGES",
        "READ_MEDIA_VIDEO",
        "READ_PHONE_NUMBERS",
        "READ_PHONE_STATE",
        "READ_SMS",
        "RECEIVE_SMS",
        "RECORD_AUDIO",
        "SEND_SMS",
        "WRITE_CALENDAR",
        "WRITE_CALL_LOG",
        "WRITE_CONTACTS",
        "WRITE_EXTERNAL_STORAGE",
    )
)
"""Dangerous (runtime) permissions of the platform manifest (``core/res/AndroidManifest.xml``)."""

DEVELOPMENT_PERMISSIONS: frozenset[str] = frozenset(
    "android.permission." + name
    for name in (
        "WRITE_SECURE_SETTINGS",
        "DUMP",
        "READ_LOGS",
        "SET_DEBUG_APP",
        "SET_PROCESS_LIMIT",
        "SET_ALWAYS_FINISH",
        "SIGNAL_PERSISTENT_PROCESSES",
    )
)
"""``protectionLevel="signature|privileged|development"`` ("Permissions for special development
tools" in ``core/res/AndroidManifest.xml``): not granted to a third-party app at install, grantable
with ``pm grant``."""

SIGNATURE_PERMISSIONS: frozenset[str] = frozenset(
    "android.permission." + name
    for name in (
        "FORCE_STOP_PACKAGES",
        "CLEAR_APP_USER_DATA",
        "DEVICE_POWER",
        "CHANGE_APP_IDLE_STATE",
        "MANAGE_APP_OPS_MODES",
        "UPDATE_APP_OPS_STATS",
        "GET_APP_OPS_STATS",
        "MANAGE_ACTIVITY_TASKS",
        "CHANGE_DEVICE_IDLE_TEMP_WHITELIST",
        "MODIFY_PHONE_STATE",
        "MANAGE_NETWORK_POLICY",
        "POWER_SAVER",
        "BATTERY_STATS",
        "INTERACT_ACROSS_USERS",
        "INTERACT_ACROSS_USERS_FULL",
        "PACKAGE_USAGE_STATS",
        "WRITE_SETTINGS",
        "WRITE_DEVICE_CONFIG",
    )
)
"""Permissions a third-party app never holds by asking for them in its manifest: ``signature`` or
``signature|privileged`` in ``core/res/AndroidManifest.xml`` (``PACKAGE_USAGE_STATS`` and
``WRITE_SETTINGS`` are also ``appop``: granted through Settings, which the model has no screen
for)."""

SHELL_PERMISSIONS: frozenset[str] = frozenset(
    "android.permission." + name
    for name in (
        "DUMP",
        "WRITE_SECURE_SETTINGS",
        "SET_DEBUG_APP",
        "SET_PROCESS_LIMIT",
        "SET_ALWAYS_FINISH",
        "SIGNAL_PERSISTENT_PROCESSES",
        "PACKAGE_USAGE_STATS",
        "BATTERY_STATS",
        "FORCE_STOP_PACKAGES",
        "CHANGE_APP_IDLE_STATE",
        "DEVICE_POWER",
        "INTERACT_ACROSS_USERS",
        "INTERACT_ACROSS_USERS_FULL",
        "CLEAR_APP_USER_DATA",
        "KILL_BACKGROUND_PROCESSES",
        "MANAGE_APP_OPS_MODES",
        "UPDATE_APP_OPS_STATS",
        "GET_APP_OPS_STATS",
        "WRITE_SETTINGS",
        "CHANGE_DEVICE_IDLE_TEMP_WHITELIST",
        "MODIFY_PHONE_STATE",
        "MANAGE_NETWORK_POLICY",
        "POWER_SAVER",
        "MANAGE_ACTIVITY_TASKS",
        "CHANGE_WIFI_STATE",
        "WRITE_DEVICE_CONFIG",
    )
)
"""The part of ``com.android.shell``'s ``<uses-permission>`` list the model checks (the uid 2000
holds them all: the Shell package is platform-signed)."""

KNOWN_PERMISSIONS: frozenset[str] = RUNTIME_PERMISSIONS | DEVELOPMENT_PERMISSIONS | frozenset(
    "android.permission." + name
    for name in (
        "INTERNET",
        "ACCESS_NETWORK_STATE",
        "ACCESS_WIFI_STATE",
        "RECEIVE_BOOT_COMPLETED",
        "WAKE_LOCK",
        "FOREGROUND_SERVICE",
        "FOREGROUND_SERVICE_DATA_SYNC",
        "FOREGROUND_SERVICE_SPECIAL_USE",
        "SCHEDULE_EXACT_ALARM",
        "USE_EXACT_ALARM",
        "RUN_USER_INITIATED_JOBS",
        "REQUEST_IGNORE_BATTERY_OPTIMIZATIONS",
        "VIBRATE",
        "PACKAGE_USAGE_STATS",
        "WRITE_SECURE_SETTINGS",
        "DUMP",
        "BIND_JOB_SERVICE",
    )
)


class PermissionChecker(Protocol):
    """What answers ``checkUidPermission`` (the package manager)."""

    def check_uid_permission(self, uid: int, permission: str) -> bool: ...


def calling_pid(inv: Invocation) -> int:
    """``Binder.getCallingPid()`` of a shell command: its ``cmd`` process (see the module doc)."""
    return inv.shell_pid + 1


def enforce(checker: PermissionChecker, inv: Invocation, permission: str, message: str | None = None,
            self_too: bool = True) -> None:
    """``ContextImpl.enforceCallingOrSelfPermission`` (``self_too``) or ``enforceCallingPermission``:
    raise the platform's ``SecurityException`` unless the caller's uid holds ``permission``."""
    if checker.check_uid_permission(inv.uid, permission):
        return
    who = f"Neither user {inv.uid} nor current process has " if self_too else f"uid {inv.uid} does not have "
    raise SecurityException((f"{message}: " if message else "") + who + permission + ".")


def require(checker: PermissionChecker, inv: Invocation, permission: str, denial: str) -> None:
    """A service's own check with its own text (``denial``), e.g. ``forceStopPackage``'s
    ``Permission Denial: … requires android.permission.FORCE_STOP_PACKAGES``."""
    if not checker.check_uid_permission(inv.uid, permission):
        raise SecurityException(denial)


def ams_denial(inv: Invocation, method: str, permission: str) -> str:
    """``ActivityManagerService``'s text: ``Permission Denial: METHOD() from pid=P, uid=U requires PERM``."""
    return f"Permission Denial: {method}() from pid={calling_pid(inv)}, uid={inv.uid} requires {permission}"
