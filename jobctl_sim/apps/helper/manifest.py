"""The helper's identity and manifest facts, in one place (PROTOCOL.md §1, §8).

These values must equal ``android-helper/AndroidManifest.xml`` and ``core/Protocol.java``
(``tests/jobctl_sim/apps/test_helper_app_units.py`` checks them against the real files).
"""

from __future__ import annotations

from jobctl_sim.framework.system import ComponentInfo, PackageFacts

PACKAGE = "dev.jobctl.helper"
PROTOCOL_VERSION = 1
BUILD = 4
VERSION_CODE = PROTOCOL_VERSION * 1000 + BUILD
VERSION_NAME = f"{PROTOCOL_VERSION}.{BUILD}"
MIN_SDK = 26
TARGET_SDK = 34
DEBUGGABLE = True
PREFERRED_UID = 10123
"""The uid the contract vectors assume; the package manager may hand out another one."""

JOB_SERVICE = f"{PACKAGE}.HelperJobService"
COMMAND_RECEIVER = f"{PACKAGE}.CommandReceiver"
SCHEDULE_ACTIVITY = f"{PACKAGE}.ScheduleActivity"
JOB_SERVICE_COMPONENT = f"{PACKAGE}/.HelperJobService"
LOG_TAG = "jobctl"
NOTIFICATION_CHANNEL = "jobctl"

PERMISSIONS: tuple[str, ...] = (
    "android.permission.RECEIVE_BOOT_COMPLETED",
    "android.permission.ACCESS_NETWORK_STATE",
    "android.permission.INTERNET",
    "android.permission.RUN_USER_INITIATED_JOBS",
    "android.permission.POST_NOTIFICATIONS",
)
"""``<uses-permission>`` entries, in manifest order (§8)."""

COMPONENTS: tuple[ComponentInfo, ...] = (
    ComponentInfo(JOB_SERVICE, "service", exported=False, permission="android.permission.BIND_JOB_SERVICE"),
    ComponentInfo(COMMAND_RECEIVER, "receiver", exported=True, permission="android.permission.DUMP"),
    ComponentInfo(SCHEDULE_ACTIVITY, "activity", exported=True, permission="android.permission.DUMP"),
)
"""``<service>``, ``<receiver>``, ``<activity>`` entries (§8); no ``<instrumentation>`` (§2.1)."""


def package_facts(uid: int = PREFERRED_UID) -> PackageFacts:
    """What the package manager records for the helper APK."""
    return PackageFacts(
        package=PACKAGE,
        uid=uid,
        version_code=VERSION_CODE,
        version_name=VERSION_NAME,
        debuggable=DEBUGGABLE,
        target_sdk=TARGET_SDK,
        requested_permissions=PERMISSIONS,
        components=COMPONENTS,
    )
