"""System features and the platform's permissions: ``pm list features`` and the ``Features:`` /
``Permissions:`` sections of ``dumpsys package``.

Sources (``frameworks/base/services/core/java/com/android/server/pm/``):

* ``PackageManagerShellCommand.runListFeatures``: the features sorted by name, the one without a
  name first, which is printed as ``reqGlEsVersion=0x30000`` (no ``feature:`` prefix); the others
  as ``feature:NAME`` plus ``=VERSION`` when the version is not 0.
* ``PackageManagerService``/``ComputerEngine`` dump, ``DUMP_FEATURES`` (``dumpsys package f`` /
  ``features``): ``Features:`` then ``  NAME`` (`` version=N`` when > 0).
* ``permission/PermissionManagerService`` dump (``dumpsys package permissions`` / ``perm``,
  optionally followed by permission names): ``Permissions:`` then ``  Permission [NAME] (HASH):``,
  ``    sourcePackage=android``, ``    uid=1000 gids=[] type=0 prot=LEVEL``, ``    flags=0x0``.
* The feature list is the emulator's (``device/generic/goldfish/data/etc/handheld_core_hardware.xml``
  and the ``android.hardware.*`` files the goldfish device copies).
"""

from __future__ import annotations

import zlib

from jobctl_sim.framework.permissions import DEVELOPMENT_PERMISSIONS, KNOWN_PERMISSIONS, RUNTIME_PERMISSIONS

GL_ES_VERSION = 0x30000
SYSTEM_FEATURES: dict[str, int] = {
    "android.hardware.audio.output": 0,
    "android.hardware.bluetooth": 0,
    "android.hardware.camera": 0,
    "android.hardware.camera.any": 0,
    "android.hardware.camera.autofocus": 0,
    "android.hardware.camera.front": 0,
    "android.hardware.faketouch": 0,
    "android.hardware.location": 0,
    "android.hardware.location.gps": 0,
    "android.hardware.location.network": 0,
    "android.hardware.microphone": 0,
    "android.hardware.ram.normal": 0,
    "android.hardware.screen.landscape": 0,
    "android.hardware.screen.portrait": 0,
    "android.hardware.sensor.accelerometer": 0,
    "android.hardware.sensor.compass": 0,
    "android.hardware.sensor.proximity": 0,
    "android.hardware.telephony": 0,
    "android.hardware.telephony.gsm": 0,
    "android.hardware.touchscreen": 0,
    "android.hardware.touchscreen.multitouch": 0,
    "android.hardware.touchscreen.multitouch.distinct": 0,
    "android.hardware.touchscreen.multitouch.jazzhand": 0,
    "android.hardware.vulkan.level": 1,
    "android.hardware.vulkan.version": 4206592,
    "android.hardware.wifi": 0,
    "android.software.app_widgets": 0,
    "android.software.autofill": 0,
    "android.software.backup": 0,
    "android.software.companion_device_setup": 0,
    "android.software.device_admin": 0,
    "android.software.home_screen": 0,
    "android.software.input_methods": 0,
    "android.software.live_wallpaper": 0,
    "android.software.managed_users": 0,
    "android.software.print": 0,
    "android.software.verified_boot": 0,
    "android.software.webview": 0,
}


def list_features() -> str:
    lines = [f"reqGlEsVersion=0x{GL_ES_VERSION:x}"]
    lines += [f"feature:{name}" + (f"={version}" if version else "")
              for name, version in sorted(SYSTEM_FEATURES.items())]
    return "\n".join(lines) + "\n"


def features_section() -> str:
    lines = ["Features:"]
    lines += [f"  {name}" + (f" version={version}" if version > 0 else "")
              for name, version in SYSTEM_FEATURES.items()]
    return "\n".join(lines) + "\n"


def protection(permission: str) -> str:
    if permission in RUNTIME_PERMISSIONS:
        return "dangerous"
    if permission in DEVELOPMENT_PERMISSIONS:
        return "signature|privileged|development"
    return "normal"


def permissions_section(names: list[str]) -> str:
    wanted = [n for n in sorted(KNOWN_PERMISSIONS) if not names or n in names]
    lines = ["Permissions:"]
    for name in wanted:
        lines += [f"  Permission [{name}] ({zlib.crc32(name.encode()) & 0xFFFFFFF:x}):",
                  "    sourcePackage=android",
                  f"    uid=1000 gids=[] type=0 prot={protection(name)}",
                  "    flags=0x0"]
    return "\n".join(lines) + "\n"


__all__ = ["SYSTEM_FEATURES", "features_section", "list_features", "permissions_section"]
