"""One APK everywhere: the virtual device's helper is the shipped APK's bytes and its real manifest."""

from __future__ import annotations

from bridge.helper_apk import shipped_apk_bytes
from jobctl_sim.apps.helper import manifest
from jobctl_sim.framework.apk import read_apk


def test_the_sim_helper_facts_are_the_shipped_apks_binary_manifest() -> None:
    real = read_apk(shipped_apk_bytes())
    facts = manifest.package_facts()
    assert (real.package, real.version_code, real.version_name) == (facts.package, facts.version_code,
                                                                    facts.version_name)
    assert (real.min_sdk, real.target_sdk, real.debuggable) == (manifest.MIN_SDK, facts.target_sdk, facts.debuggable)
    assert real.permissions == facts.requested_permissions
    assert [(c.name, c.kind, c.exported, c.permission) for c in real.components] == [
        (c.name, c.kind, c.exported, c.permission) for c in facts.components]


def test_the_virtual_devices_preinstalled_helper_is_the_shipped_apk_byte_for_byte(adb, serial: str) -> None:  # type: ignore[no-untyped-def]
    from bridge.device import connect
    from bridge.helper_protocol import HELPER_PACKAGE

    device = connect(serial, adb.server)
    path = device.shell(["pm", "path", HELPER_PACKAGE], check=True).text.strip().removeprefix("package:")
    assert device.shell(["cat", path], check=True).stdout == shipped_apk_bytes()
    dump = device.shell(["dumpsys", "package", HELPER_PACKAGE], check=True).text
    assert f"versionCode={manifest.VERSION_CODE} minSdk={manifest.MIN_SDK} targetSdk={manifest.TARGET_SDK}" in dump


def test_adb_install_of_the_shipped_apk_on_a_bare_virtual_device_gives_a_ready_helper(adb) -> None:  # type: ignore[no-untyped-def]
    """The same install path as on a phone: ensure_ready finds no helper and installs the shipped APK
    through ``adb install``; the virtual device reads its real binary manifest and runs the helper."""
    from bridge.device import connect
    from bridge.helper import Helper
    from jobctl_sim.fleet import FleetSpec
    from jobctl_sim.harness import SimHarness

    with SimHarness(FleetSpec(helper=False)) as bare:
        helper = Helper(connect(bare.connect(adb.server)[0], adb.server))
        assert helper.status().installed is False
        info = helper.ensure_ready()
        assert info.version_code == manifest.VERSION_CODE
        assert helper.status().up_to_date


def test_a_helper_of_another_version_is_replaced_by_the_shipped_apk(adb, serial: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Reinstall on mismatch: an older helper (versionCode 1001) is uninstalled and the shipped one
    installed, exactly as on a phone."""
    from bridge.device import connect
    from bridge.helper import Helper
    from bridge.helper_protocol import HELPER_PACKAGE
    from tests.support.apk import build_apk

    device = connect(serial, adb.server)
    old = tmp_path / "old-helper.apk"
    old.write_bytes(build_apk(HELPER_PACKAGE, version_code=1001, version_name="1.1"))
    device.shell(["pm", "uninstall", HELPER_PACKAGE], check=True)
    device.install(str(old))
    assert "versionCode=1001" in device.shell(["dumpsys", "package", HELPER_PACKAGE]).text
    helper = Helper(device)
    assert not helper.status().up_to_date
    assert helper.ensure_ready().version_code == manifest.VERSION_CODE
    path = device.shell(["pm", "path", HELPER_PACKAGE], check=True).text.strip().removeprefix("package:")
    assert device.shell(["cat", path], check=True).stdout == shipped_apk_bytes()
