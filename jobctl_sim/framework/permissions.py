"""Which permissions the package manager knows, which are changeable, and what the shell holds.

Sources:

* ``frameworks/base/core/res/AndroidManifest.xml``: the dangerous (runtime) permissions; the
  ``protectionLevel="signature|privileged|development"`` ones ("Permissions for special
  development tools"), never granted to a third-party app at install but grantable with
  ``pm grant`` (``BasePermission.enforceDeclaredUsedAndRuntimeOrDevelopment``: only runtime and
  development permissions are changeable);
* ``frameworks/base/packages/Shell/AndroidManifest.xml``: what ``com.android.shell`` (uid 2000,
  platform-signed, so it holds them all) requests, e.g. ``DUMP``.
"""

from __future__ import annotations

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
