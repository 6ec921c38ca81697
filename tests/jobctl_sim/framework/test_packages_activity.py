import asyncio

import pytest
from tests.support.axml_writer import build_apk, build_manifest, manifest
from tests.jobctl_sim.android_model import make, sh

from jobctl_sim.framework.apk import ApkError, parse_axml, read_apk, read_manifest
from jobctl_sim.framework.system import BroadcastResult, Topic

PKG = "dev.example.app"
RECEIVER = ("receiver", {"name": ".Ctl", "exported": True}, [])
ACTIVITY = ("activity", {"name": ".Main", "exported": True}, [])


def apk(version=1, debuggable=True, perms=("android.permission.INTERNET", "android.permission.POST_NOTIFICATIONS"),
        utf8=True):
    return build_apk(manifest(PKG, version, f"{version}.0", debuggable, 34, perms, (RECEIVER, ACTIVITY)), utf8)


@pytest.mark.parametrize("utf8", [True, False])
def test_axml_reader(utf8):
    m = read_apk(apk(7, utf8=utf8))
    assert (m.package, m.version_code, m.version_name, m.target_sdk, m.min_sdk, m.debuggable) == (
        PKG, 7, "7.0", 34, 26, True)
    assert m.permissions == ("android.permission.INTERNET", "android.permission.POST_NOTIFICATIONS")
    assert [(c.name, c.kind, c.exported) for c in m.components] == [
        (f"{PKG}.Ctl", "receiver", True), (f"{PKG}.Main", "activity", True)]


def test_axml_errors():
    with pytest.raises(ApkError):
        read_apk(b"not a zip")
    with pytest.raises(ApkError):
        parse_axml(b"\x00" * 16)
    with pytest.raises(ApkError):
        read_manifest(parse_axml(build_manifest(("application", {}, []))))


def install(d, data, opts="-r -t"):
    d.fs.write_bytes("/data/local/tmp/a.apk", data)
    return sh(d, f"pm install {opts} /data/local/tmp/a.apk")


def test_install_flow(dev):
    d, s = dev
    events = []
    s.subscribe(lambda c: events.append(c.topic))
    r = install(d, apk())
    assert (r.text, r.exit_code) == ("Success\n", 0)
    facts = s.packages.get(PKG)
    assert facts.uid == 10000 and s.packages.is_stopped(PKG) and s.standby.bucket(PKG) == 50
    assert Topic.PACKAGE_ADDED in events
    assert d.fs.stat(f"/data/data/{PKG}").uid == 10000
    assert sh(d, "pm list packages -3 --show-versioncode").text == f"package:{PKG} versionCode:1\n"
    assert sh(d, f"pm path {PKG}").text.startswith("package:/data/app/~~")
    assert sh(d, "pm path nope").exit_code == 1
    r = install(d, apk(version=0))
    assert r.text == ("Failure [INSTALL_FAILED_VERSION_DOWNGRADE: Downgrade detected: "
                      "Update version code 0 is older than current 1]\n")
    assert install(d, apk(version=0), "-r -d").text == "Success\n"
    assert s.packages.get(PKG).uid == 10000
    r = install(d, b"garbage")
    assert r.exit_code == 1 and r.text.startswith("Failure [INSTALL_PARSE_FAILED_NOT_APK")
    dump = sh(d, f"dumpsys package {PKG}").text
    assert "versionCode=0 minSdk=26 targetSdk=34" in dump and "DEBUGGABLE" in dump and "stopped=true" in dump
    assert "android.permission.POST_NOTIFICATIONS: granted=false" in dump


def test_streamed_install_and_errors(dev):
    d, _s = dev
    data = apk()
    r = sh(d, f"cmd package install -S {len(data)}", stdin=data)
    assert r.text == "Success\n"
    r = sh(d, "pm install /nope.apk")
    assert r.exit_code == 255 and b"Error: Can't open file: /nope.apk" in r.stderr
    r = sh(d, "pm install")
    assert (r.stderr, r.exit_code) == (b"Error: must either specify a package size or an APK file\n", 1)
    r = sh(d, "pm install -z /x")
    assert b"java.lang.IllegalArgumentException: Unknown option -z" in r.stderr


def test_grant_revoke_uninstall(dev):
    d, s = dev
    install(d, apk())
    assert sh(d, f"pm grant {PKG} android.permission.POST_NOTIFICATIONS").exit_code == 0
    assert s.packages.is_granted(PKG, "android.permission.POST_NOTIFICATIONS")
    r = sh(d, f"pm grant {PKG} android.permission.INTERNET")
    assert r.exit_code == 255
    assert b"java.lang.SecurityException: Permission android.permission.INTERNET requested by" in r.stderr
    assert sh(d, f"pm uninstall {PKG}").text == "Success\n"
    assert sh(d, f"pm uninstall {PKG}").text == "Failure [DELETE_FAILED_INTERNAL_ERROR]\n"


def test_run_as(dev):
    d, _s = dev
    install(d, apk(debuggable=False))
    r = sh(d, f"run-as {PKG} ls")
    assert (r.stderr, r.exit_code) == (f"run-as: package not debuggable: {PKG}\n".encode(), 1)
    r = sh(d, "run-as nope ls")
    assert r.stderr == b"run-as: unknown package: nope\n"


class Helper:
    package = PKG

    def __init__(self):
        self.got, self.deaths = [], 0

    def on_broadcast(self, intent):
        self.got.append(intent)
        return BroadcastResult(1, "hello", {"k": "v"})

    def on_process_died(self):
        self.deaths += 1


def test_broadcast_start_force_stop(dev):
    d, s = dev
    install(d, apk())
    app = Helper()
    s.apps[PKG] = app
    r = sh(d, f"am broadcast -n {PKG}/.Ctl --es cmd ping")
    assert r.text == (f"Broadcasting: Intent {{ flg=0x400000 cmp={PKG}/.Ctl (has extras) }}\n"
                      "Broadcast completed: result=0\n")
    assert app.got == []  # stopped app
    r = sh(d, f"am broadcast --include-stopped-packages -n {PKG}/.Ctl --ei n 5")
    assert r.text.endswith('Broadcast completed: result=1, data="hello", extras: Bundle[{k=v}]\n')
    assert app.got[0].extras == {"n": 5} and app.got[0].flags == 0x400020
    r = sh(d, f"am start -n {PKG}/.Main")
    assert r.text == f"Starting: Intent {{ cmp={PKG}/.Main }}\n"
    assert not s.packages.is_stopped(PKG) and s.standby.bucket(PKG) == 10
    events = []
    s.subscribe(lambda c: events.append(c.topic))
    assert sh(d, f"am force-stop {PKG}").text == ""
    assert events == [Topic.PROCESS_DIED, Topic.PACKAGE_FORCE_STOPPED] and app.deaths == 1
    r = sh(d, "am broadcast --bogus")
    assert r.exit_code == 255 and b"Unknown option: --bogus" in r.stderr


def test_standby_and_misc(dev):
    d, _s = dev
    install(d, apk())
    assert sh(d, f"am set-standby-bucket {PKG} rare").text == ""
    assert sh(d, f"am get-standby-bucket {PKG}").text == "40\n"
    assert sh(d, f"am get-inactive {PKG}").text == "Idle=true\n"
    r = sh(d, f"am set-standby-bucket {PKG} bogus")
    assert (r.stderr, r.exit_code) == (b"Error: Unknown bucket: bogus\n", 255)
    assert sh(d, "am get-standby-bucket").text == f"{PKG}: 40\n"
    assert sh(d, "cmd activity idle-maintenance").text == "Performing idle maintenance...\n"
    r = sh(d, f"am instrument -w -r {PKG}/.Runner")
    assert "Unable to find instrumentation info for: ComponentInfo{dev.example.app/dev.example.app.Runner}" in r.text
    assert r.exit_code == 1 and b"INSTRUMENTATION_FAILED" in r.stderr
    assert sh(d, "cmd activity instrument x").text == "Error: must be invoked through 'am instrument'.\n"


def test_stop_app_by_level():
    d, _ = make(33)
    assert sh(d, "am stop-app x").text == "Unknown command: stop-app\n"
    d, _ = make(34)
    assert sh(d, "am stop-app x").exit_code == 0


def test_reboot_keeps_and_resets(dev):
    d, s = dev
    install(d, apk())
    sh(d, f"am set-standby-bucket {PKG} frequent")
    sh(d, "cmd battery set level 10")
    sh(d, "cmd deviceidle force-idle")
    sh(d, "settings put global foo 1")
    topics = []
    s.subscribe(lambda c: topics.append(c.topic))
    asyncio.run(s.reboot())
    assert topics[0] is Topic.SHUTDOWN and topics[-1] is Topic.BOOT_COMPLETED
    assert s.battery.level == 100 and not s.power.deep_idle and s.power.screen_on
    assert s.standby.bucket(PKG) == 30 and s.settings.get("global", "foo") == "1" and s.packages.get(PKG)
