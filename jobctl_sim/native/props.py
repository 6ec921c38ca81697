"""Who the virtual device says it is: identity and system properties (``getprop``).

The identity mirrors the Google ``google_apis`` x86_64 emulator system images, because that is
what a developer without a phone runs and what jobctl's real-device tests were written against:

* API 26-29: product ``sdk_gphone_x86_64``, device ``generic_x86_64``, model
  ``Android SDK built for x86_64`` (the ``sdk_phone_x86_64`` era of
  ``build/make/target/product/sdk_phone_x86_64.mk``);
* API 30: product ``sdk_gphone_x86_64``, device ``generic_x86_64_arm64``, model
  ``sdk_gphone_x86_64`` (the first images with ARM translation);
* API 31-32: product/model ``sdk_gphone64_x86_64``, device ``emulator64_x86_64_arm64``;
* API 33-37: product/model ``sdk_gphone64_x86_64``, device ``emu64xa``
  (``device/generic/goldfish/64bitonly/product/sdk_gphone64_x86_64.mk`` era; Android 16 and 17
  images keep the names).

Manufacturer ``Google`` and brand ``google`` throughout. The build type is ``userdebug`` with
``dev-keys`` as on the ``google_apis`` images (the Play Store images are ``user``); the build ids
and security patch levels are representative values of the final emulator images for each level,
not a promise of a specific release.

Unlike an emulator there is no ``ro.kernel.qemu``/``ro.boot.qemu``: tools must not take the
emulator code paths. ``ro.jobctl.virtual=1`` says the device is jobctl's virtual device.
"""

from __future__ import annotations

from dataclasses import dataclass

RELEASES: dict[int, str] = {
    26: "8.0.0",
    27: "8.1.0",
    28: "9",
    29: "10",
    30: "11",
    31: "12",
    32: "12",
    33: "13",
    34: "14",
    35: "15",
    36: "16",
    37: "17",
}
"""``ro.build.version.release`` per API level (``build/make/core/version_defaults.mk``)."""

_BUILDS: dict[int, tuple[str, str, str]] = {
    26: ("OSR1.180418.026", "6741039", "2018-09-05"),
    27: ("OSM1.180201.031", "6740964", "2018-01-05"),
    28: ("PSR1.180720.122", "6736742", "2018-08-05"),
    29: ("QSR1.210802.001", "7603624", "2021-08-05"),
    30: ("RSR1.240422.006", "12134477", "2024-05-05"),
    31: ("SE1B.240122.005", "11350424", "2024-01-05"),
    32: ("SE2A.220901.001", "9010432", "2022-09-05"),
    33: ("TE1A.240213.009", "11443811", "2024-02-05"),
    34: ("UE1A.230829.036.A4", "12131779", "2024-08-05"),
    35: ("AE3A.240806.043", "12960925", "2025-01-05"),
    36: ("BP22.250325.006", "13283523", "2025-06-05"),
    37: ("CP21.260330.008", "14928417", "2026-06-05"),
}
"""(build id, incremental, security patch) per API level: representative emulator builds."""


@dataclass(frozen=True)
class DeviceIdentity:
    """The ``ro.product.*`` names a device reports."""

    product: str
    model: str
    device: str
    manufacturer: str = "Google"
    brand: str = "google"

    @classmethod
    def for_api_level(cls, api: int) -> DeviceIdentity:
        """The names the Google x86_64 emulator image of ``api`` uses (see the module doc)."""
        if api not in RELEASES:
            raise ValueError(f"API level {api} is not modelled")
        if api <= 29:
            return cls("sdk_gphone_x86_64", "Android SDK built for x86_64", "generic_x86_64")
        if api == 30:
            return cls("sdk_gphone_x86_64", "sdk_gphone_x86_64", "generic_x86_64_arm64")
        if api <= 32:
            return cls("sdk_gphone64_x86_64", "sdk_gphone64_x86_64", "emulator64_x86_64_arm64")
        return cls("sdk_gphone64_x86_64", "sdk_gphone64_x86_64", "emu64xa")


BUILD_TYPE = "userdebug"
BUILD_TAGS = "dev-keys"
BUILD_TYPES = ("user", "userdebug", "eng")
"""What ``ro.build.type`` can be (``build/make/core/main.mk``: TARGET_BUILD_VARIANT). ``user`` builds
(the Play Store emulator images) are not debuggable and are signed with ``release-keys``; ``userdebug``
and ``eng`` set ``ro.debuggable=1``, which is what lets ``adb root`` work
(``packages/modules/adb/daemon/restart_service.cpp``)."""


def build_tags(build_type: str) -> str:
    """``ro.build.tags``: ``release-keys`` on the user images, ``dev-keys`` on the others."""
    return "release-keys" if build_type == "user" else BUILD_TAGS


def fingerprint(api_level: int, identity: DeviceIdentity, build_type: str = BUILD_TYPE) -> str:
    """``ro.build.fingerprint``: ``BRAND/PRODUCT/DEVICE:RELEASE/ID/INCREMENTAL:TYPE/TAGS``
    (the layout ``build/make/core/sysprop.mk`` assembles)."""
    build_id, incremental, _ = _BUILDS[api_level]
    return (
        f"{identity.brand}/{identity.product}/{identity.device}:{RELEASES[api_level]}/"
        f"{build_id}/{incremental}:{build_type}/{build_tags(build_type)}"
    )


def build_properties(api_level: int, serial: str, build_type: str = BUILD_TYPE) -> dict[str, str]:
    """The system properties of a booted virtual device (what ``getprop`` lists) of a
    ``build_type`` build (:data:`BUILD_TYPES`)."""
    if build_type not in BUILD_TYPES:
        raise ValueError(f"unknown build type {build_type!r}; choose one of {', '.join(BUILD_TYPES)}")
    tags = build_tags(build_type)
    identity = DeviceIdentity.for_api_level(api_level)
    build_id, incremental, patch = _BUILDS[api_level]
    release = RELEASES[api_level]
    fp = fingerprint(api_level, identity, build_type)
    props: dict[str, str] = {
        "ro.build.version.sdk": str(api_level),
        "ro.build.version.release": release,
        "ro.build.version.release_or_codename": release,
        "ro.build.version.codename": "REL",
        "ro.build.version.all_codenames": "REL",
        "ro.build.version.incremental": incremental,
        "ro.build.version.security_patch": patch,
        "ro.build.id": build_id,
        "ro.build.display.id": f"{identity.product}-{build_type} {release} {build_id} {incremental} {tags}",
        "ro.build.fingerprint": fp,
        "ro.build.type": build_type,
        "ro.build.tags": tags,
        "ro.build.user": "android-build",
        "ro.build.host": "virtual",
        "ro.build.characteristics": "emulator",
        "ro.debuggable": "0" if build_type == "user" else "1",
        "ro.secure": "1",
        "ro.adb.secure": "0",
        "ro.hardware": "ranchu",
        "ro.board.platform": "goldfish",
        "ro.product.cpu.abi": "x86_64",
        "ro.product.cpu.abilist": "x86_64,x86",
        "ro.product.cpu.abilist64": "x86_64",
        "ro.product.cpu.abilist32": "x86",
        "ro.product.locale": "en-US",
        "ro.serialno": serial,
        "ro.boot.serialno": serial,
        "ro.jobctl.virtual": "1",
        "sys.boot_completed": "1",
        "dev.bootcomplete": "1",
        "init.svc.adbd": "running",
        "service.bootanim.exit": "1",
        "persist.sys.timezone": "UTC",
        "persist.sys.locale": "en-US",
        "persist.sys.usb.config": "adb",
        "logd.ready": "true",
    }
    for partition in ("", "system.", "vendor.", "product."):
        props[f"ro.product.{partition}name"] = identity.product
        props[f"ro.product.{partition}model"] = identity.model
        props[f"ro.product.{partition}device"] = identity.device
        props[f"ro.product.{partition}manufacturer"] = identity.manufacturer
        props[f"ro.product.{partition}brand"] = identity.brand
    for partition in ("system.", "vendor."):
        props[f"ro.{partition}build.fingerprint"] = fp
        props[f"ro.{partition}build.version.sdk"] = str(api_level)
        props[f"ro.{partition}build.version.release"] = release
        props[f"ro.{partition}build.type"] = build_type
        props[f"ro.{partition}build.tags"] = tags
    return props
