"""Identity and system properties of the virtual device."""

from __future__ import annotations

import asyncio

import pytest

from jobctl_sim.device import DeviceConfig, ShellResult, VirtualDevice
from jobctl_sim.native.props import RELEASES, DeviceIdentity, build_properties


def shell(command: str, api_level: int = 34) -> ShellResult:
    async def go() -> ShellResult:
        return await VirtualDevice(DeviceConfig(serial="emulator-test", api_level=api_level)).shell(command)

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("api", "release"),
    [(26, "8.0.0"), (27, "8.1.0"), (28, "9"), (29, "10"), (30, "11"), (31, "12"), (32, "12"),
     (33, "13"), (34, "14"), (35, "15")],
)
def test_release_matches_api_level(api: int, release: str) -> None:
    props = build_properties(api, "emulator-test")
    assert props["ro.build.version.sdk"] == str(api)
    assert props["ro.build.version.release"] == release
    assert props["ro.build.version.codename"] == "REL"


def test_identity_names_follow_the_emulator_images() -> None:
    assert DeviceIdentity.for_api_level(34) == DeviceIdentity(
        "sdk_gphone64_x86_64", "sdk_gphone64_x86_64", "emu64xa", "Google", "google"
    )
    assert DeviceIdentity.for_api_level(31).device == "emulator64_x86_64_arm64"
    assert DeviceIdentity.for_api_level(28).model == "Android SDK built for x86_64"
    with pytest.raises(ValueError):
        DeviceIdentity.for_api_level(25)


@pytest.mark.parametrize("api", sorted(RELEASES))
def test_fingerprint_is_consistent(api: int) -> None:
    props = build_properties(api, "emulator-test")
    ident = DeviceIdentity.for_api_level(api)
    brand, product, rest = props["ro.build.fingerprint"].split("/", 2)
    assert (brand, product) == (ident.brand, ident.product)
    assert rest.startswith(f"{ident.device}:{RELEASES[api]}/")
    assert rest.endswith(":userdebug/dev-keys")
    assert props["ro.product.system.model"] == ident.model
    assert props["ro.product.model"] == ident.model


def test_serial_and_virtual_markers() -> None:
    props = build_properties(34, "emulator-5554")
    assert props["ro.serialno"] == props["ro.boot.serialno"] == "emulator-5554"
    assert props["ro.jobctl.virtual"] == "1"
    assert "ro.kernel.qemu" not in props
    assert props["sys.boot_completed"] == "1"
    assert props["ro.build.type"] == "userdebug"
    assert props["ro.debuggable"] == "1"
    assert props["persist.sys.timezone"] == "UTC"
    assert props["ro.product.cpu.abi"] == "x86_64"
    assert props["ro.build.version.security_patch"].count("-") == 2


def test_getprop_one_name() -> None:
    assert shell("getprop ro.build.version.sdk", api_level=30).text == "30\n"
    assert shell("getprop no.such.prop").text == "\n"
    assert shell("getprop no.such.prop fallback").text == "fallback\n"


def test_getprop_lists_everything_sorted() -> None:
    lines = shell("getprop").text.splitlines()
    keys = [line[1:line.index("]")] for line in lines]
    assert keys == sorted(keys)
    assert "[ro.serialno]: [emulator-test]" in lines


def test_setprop_writable_and_refused() -> None:
    async def go() -> tuple[ShellResult, ShellResult, ShellResult]:
        dev = VirtualDevice(DeviceConfig(serial="emulator-test"))
        ok = await dev.shell("setprop debug.jobctl.x 5; getprop debug.jobctl.x")
        refused = await dev.shell("setprop ro.build.version.sdk 99")
        usage = await dev.shell("setprop onlyone")
        return ok, refused, usage

    ok, refused, usage = asyncio.run(go())
    assert ok.text == "5\n"
    assert refused.exit_code == 1
    assert refused.stderr == b"setprop: failed to set property 'ro.build.version.sdk' to '99'\n"
    assert usage.exit_code == 1


def test_id_for_shell_user() -> None:
    assert shell("id").text == (
        "uid=2000(shell) gid=2000(shell) groups=2000(shell),1004(input),1007(log),1011(adb),"
        "1015(sdcard_rw),1028(sdcard_r),1078(ext_data_rw),1079(ext_obb_rw),3001(net_bt_admin),"
        "3002(net_bt),3003(inet),3006(net_bw_stats),3009(readproc),3011(uhid),3012(readtracefs) "
        "context=u:r:shell:s0\n"
    )
    assert shell("id -u").text == "2000\n"
    assert shell("id -un").text == "shell\n"


def test_which_and_command_v() -> None:
    assert shell("which getprop").text == "/system/bin/getprop\n"
    assert shell("command -v echo").text == "echo\n"
    assert shell("which nosuch").exit_code == 1
