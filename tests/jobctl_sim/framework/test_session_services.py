"""The framework commands test tools call on every session (issue 14, item 3): wm, dumpsys
window/input/activity/meminfo/batterystats/package, pm features and install sessions, cmd
location, ime, screencap, input keyevent, /proc and /sys, the boot log."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from tests.jobctl_sim.android_model import make, sh
from tests.support.axml_writer import build_apk, manifest

from jobctl_sim.framework.processes import SYSTEM_SERVER_PID


def out(device, line: str) -> tuple[str, str, int]:
    result = sh(device, line)
    return result.text, result.stderr.decode(), result.exit_code


# --------------------------------------------------------------------------- wm
def test_wm_size_reports_physical_then_override_and_reset_clears_it(dev):
    d, _ = dev
    assert out(d, "wm size") == ("Physical size: 1080x2400\n", "", 0)
    assert out(d, "wm size 1080x1920") == ("", "", 0)
    assert out(d, "wm size") == ("Physical size: 1080x2400\nOverride size: 1080x1920\n", "", 0)
    assert out(d, "cmd window size reset") == ("", "", 0)
    assert out(d, "wm size")[0] == "Physical size: 1080x2400\n"


def test_wm_density_override_persists_in_secure_settings(dev):
    d, s = dev
    assert out(d, "wm density 320") == ("", "", 0)
    assert out(d, "wm density") == ("Physical density: 420\nOverride density: 320\n", "", 0)
    assert s.settings.get("secure", "display_density_forced") == "320"
    out(d, "wm density reset")
    assert out(d, "wm density") == ("Physical density: 420\n", "", 0)


@pytest.mark.parametrize(("line", "stderr"), [
    ("wm size 1080", "Error: bad size 1080\n"),
    ("wm size x1920", "Error: bad size x1920\n"),
    ("wm size 10x", "Error: bad size 10x\n"),
    ("wm size axb", 'Error: bad number java.lang.NumberFormatException: For input string: "a"\n'),
    ("wm density abc", 'Error: bad number java.lang.NumberFormatException: For input string: "abc"\n'),
    ("wm density 71", "Error: density must be >= 72\n"),
])
def test_wm_bad_values_print_the_shell_command_error_and_exit_255(dev, line, stderr):
    assert out(dev[0], line) == ("", stderr, 255)


def test_wm_unknown_verb_and_other_display(dev):
    d, _ = dev
    assert out(d, "wm frob") == ("Unknown command: frob\n", "", 255)
    assert out(d, "wm size -d 3") == ("Physical size: 0x0\n", "", 0)
    assert out(d, "wm density -d 3") == ("Physical density: -1\n", "", 0)
    assert out(d, "wm size -d x")[1] == 'Error: bad number java.lang.NumberFormatException: For input string: "x"\n'


def test_wm_size_is_clamped_and_dp_sizes_scale_by_density(dev):
    d, _ = dev
    out(d, "wm size 10x100000")
    assert "Override size: 200x7200\n" in out(d, "wm size")[0]
    out(d, "wm size 360dpx640dp")
    assert "Override size: 945x1680\n" in out(d, "wm size")[0]


# --------------------------------------------------------------------------- lock, power keys, dumpsys window
def lock_state(d) -> dict[str, str]:
    text = out(d, "dumpsys window")[0]
    return {key: re.search(rf"{key}=(.+)", text).group(1)  # type: ignore[union-attr]
            for key in ("mDreamingLockscreen", "isKeyguardShowing", "mIsShowing", "screenState", "mCurrentFocus")}


def test_device_boots_to_the_lock_screen_and_menu_unlocks_a_swipe_lock(dev):
    d, _ = dev
    assert lock_state(d)["mDreamingLockscreen"] == "true"
    assert "NotificationShade" in lock_state(d)["mCurrentFocus"]
    assert out(d, "input keyevent 82") == ("", "", 0)
    state = lock_state(d)
    assert (state["mDreamingLockscreen"], state["isKeyguardShowing"], state["mIsShowing"]) == ("false",) * 3
    assert "com.android.launcher3/com.android.launcher3.uioverrides.QuickstepLauncher" in state["mCurrentFocus"]


def test_power_key_sleeps_and_locks_then_wakeup_keeps_the_lock(dev):
    d, s = dev
    out(d, "input keyevent KEYCODE_MENU")
    out(d, "input keyevent 26")
    assert s.power.screen_on is False
    assert lock_state(d)["screenState"] == "SCREEN_STATE_OFF"
    assert lock_state(d)["mDreamingLockscreen"] == "true"
    out(d, "input keyevent 82")  # the lock screen is not interactive while the screen is off
    assert lock_state(d)["mIsShowing"] == "true"
    out(d, "input keyevent WAKEUP")
    assert lock_state(d)["screenState"] == "SCREEN_STATE_ON"
    assert lock_state(d)["mIsShowing"] == "true"
    out(d, "input keyevent 223")
    assert s.power.screen_on is False
    out(d, "input keyevent 224")
    out(d, "input swipe 540 1800 540 400")
    assert lock_state(d)["mIsShowing"] == "false"
    out(d, "wm dismiss-keyguard")


def test_dumpsys_window_old_levels_print_is_status_bar_keyguard(dev):
    d, _ = make(28)
    text = out(d, "dumpsys window policy")[0]
    assert "mDreamingLockscreen=true mDreamingSleepToken=null" in text
    assert re.search(r"mStatusBar=Window\{\w+ u0 StatusBar\} isStatusBarKeyguard=true", text)
    assert out(d, "wm size")[0] == "Physical size: 1080x1920\n"


def test_dumpsys_window_displays_shows_init_and_base_sizes_and_focus(dev):
    d, _ = dev
    out(d, "input keyevent 82")
    out(d, "wm size 720x1280")
    text = out(d, "dumpsys window displays")[0]
    assert text.startswith("WINDOW MANAGER DISPLAY CONTENTS (dumpsys window displays)\n")
    assert "    init=1080x2400 420dpi base=720x1280 420dpi cur=720x1280" in text
    assert out(d, "dumpsys window bogus")[0] == "Bad window command, or no windows match: bogus\nUse -h for help.\n"
    assert out(d, "dumpsys window -x")[0] == "Unknown argument: -x; use -h for help\n"


def test_dumpsys_window_sections_follow_the_real_order(dev):
    text = out(dev[0], "dumpsys window")[0]
    titles = re.findall(r"^WINDOW MANAGER (.+) \(dumpsys window (\w+)\)$", text, re.M)
    assert [t[1] for t in titles] == ["lastanr", "policy", "animator", "sessions", "displays", "tokens", "windows"]
    assert text.count("-" * 79 + "\n") == 6


# --------------------------------------------------------------------------- input
@pytest.mark.parametrize(("line", "stderr"), [
    ("input keyevent", '\nException occurred while executing \'keyevent\':\n'
                       'java.lang.IllegalArgumentException: Argument expected after "keyevent"\n'),
    ("input tap 1 x", "\nException occurred while executing 'tap':\n"
                      "java.lang.IllegalArgumentException: Error: Invalid arguments for command: tap\n"),
    ("input -d x keyevent 3", "\nException occurred while executing '-d':\n"
                              "java.lang.IllegalArgumentException: Error: Invalid arguments for display ID.\n"),
    ("input touchscreen swipe 1 2 3", "\nException occurred while executing 'touchscreen':\n"
                                      "java.lang.IllegalArgumentException: Argument expected after \"3\"\n"),
])
def test_input_bad_arguments_throw_like_input_shell_command(dev, line, stderr):
    assert out(dev[0], line) == ("", stderr, 255)


def test_input_without_command_prints_help_and_unknown_command_exits_0(dev):
    d, _ = dev
    text, _, code = out(d, "input")
    assert text.startswith("Usage: input [<source>] [-d DISPLAY_ID] <command> [<arg>...]\n") and code == 0
    assert out(d, "input frob") == ("Unknown command: frob\n", "", 0)
    old, _ = make(30)
    assert out(old, "input")[1:] == ("Usage: input [<source>] [-d DISPLAY_ID] <command> [<arg>...]\n", 1)


def test_dumpsys_input_shows_manager_state_devices_and_dispatcher_focus(dev):
    d, _ = dev
    text = out(d, "dumpsys input")[0]
    for heading in ("INPUT MANAGER (dumpsys input)", "Input Manager State:", "Event Hub State:",
                    "Input Reader State", "Input Dispatcher State:", "FocusedApplications:", "FocusedWindows:"):
        assert heading in text
    assert "Interactive: true" in text and "virtio_input_multi_touch_1" in text


# --------------------------------------------------------------------------- activity, processes
def test_activity_processes_and_the_process_table_agree_on_pids(dev):
    d, s = dev
    s.activity.launch("com.android.settings")  # a system app of uid 1000, started cold
    record = s.activity.processes["com.android.settings"]
    table = {p.pid: p for p in s.process_table.processes()}
    assert table[record.pid].name == "com.android.settings"
    assert table[SYSTEM_SERVER_PID].name == "system_server"
    text = out(d, "dumpsys activity processes")[0]
    assert text.startswith("ACTIVITY MANAGER RUNNING PROCESSES (dumpsys activity processes)\n")
    assert re.search(rf"\*APP\* UID 1000 ProcessRecord\{{\w+ {record.pid}:com.android.settings/1000\}}", text)
    assert f"    PID #{record.pid}: ProcessRecord{{" in text
    assert s.process_table.pids_of("system_server") == [SYSTEM_SERVER_PID]


def test_dumpsys_activity_top_and_activities_name_the_resumed_activity(dev):
    d, _ = dev
    text = out(d, "dumpsys activity top")[0]
    assert text.startswith("TASK com.android.launcher3 id=1 userId=0\n"
                           "  ACTIVITY com.android.launcher3/.uioverrides")
    assert text.rstrip().endswith("pid=1789")
    activities = out(d, "dumpsys activity activities")[0]
    assert activities.startswith("ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)\n")
    assert re.search(r"  ResumedActivity: ActivityRecord\{\w+ u0 com.android.launcher3/\.uioverrides\.\w+ t1\}",
                     activities)
    assert out(d, "dumpsys activity frob")[0] == (
        "Bad activity command, or no activities match: frob\nUse -h for help.\n")


# --------------------------------------------------------------------------- meminfo, batterystats
def test_dumpsys_meminfo_summary_and_per_package(dev):
    d, _ = dev
    text = out(d, "dumpsys meminfo")[0]
    assert text.startswith("Applications Memory Usage (in Kilobytes):\nUptime: ")
    assert re.search(r"^ +[\d,]+K: system_server \(pid 900\)$", text, re.M)
    assert re.search(r"^Total RAM: 2,014,236K \(status normal\)$", text, re.M)
    app = out(d, "dumpsys meminfo com.android.systemui")[0]
    assert "** MEMINFO in pid 1402 [com.android.systemui] **" in app
    assert re.search(r"^  Native Heap +\d+", app, re.M) and re.search(r"^        TOTAL +\d+", app, re.M)
    assert " App Summary" in app
    assert out(d, "dumpsys meminfo org.nope")[0] == "No process found for: org.nope\n"


def test_dumpsys_batterystats_layout_and_bad_input(dev):
    d, _ = dev
    text = out(d, "dumpsys batterystats")[0]
    assert text.startswith("Battery History (")
    assert "\nStatistics since last charge:\n  System starts: 1, currently on battery: " in text
    assert re.search(r"^  1000:$", text, re.M)
    assert out(d, "dumpsys batterystats --reset")[0] == "Battery stats reset.\n"
    assert out(d, "dumpsys batterystats --frob")[0].startswith("Unknown option: --frob\nBattery stats")
    assert out(d, "dumpsys batterystats org.nope")[0].startswith("Unknown package: org.nope\n")


# --------------------------------------------------------------------------- package: features, permissions, sessions
def test_pm_list_features_puts_gles_first_then_sorted_features(dev):
    lines = out(dev[0], "pm list features")[0].splitlines()
    assert lines[0] == "reqGlEsVersion=0x30000"
    assert lines[1:] == sorted(lines[1:]) and "feature:android.hardware.vulkan.level=1" in lines
    assert all(line.startswith("feature:") for line in lines[1:])


def test_dumpsys_package_has_features_and_permissions_sections(dev):
    d, _ = dev
    assert out(d, "dumpsys package f")[0].startswith("Features:\n  android.hardware.audio.output\n")
    perm = out(d, "dumpsys package permissions android.permission.CAMERA")[0]
    assert re.fullmatch(r"Permissions:\n  Permission \[android.permission.CAMERA\] \(\w+\):\n"
                        r"    sourcePackage=android\n    uid=1000 gids=\[\] type=0 prot=dangerous\n"
                        r"    flags=0x0\n", perm)
    full = out(d, "dumpsys package")[0]
    assert full.index("Features:") < full.index("Permissions:") < full.index("Packages:")


def split_apk(package: str, split: str) -> bytes:
    root = ("manifest", {"package": package, "split": split, "versionCode": 1}, [("application", {}, [])])
    return build_apk(root)


def test_install_session_with_splits_installs_base_and_split(dev):
    d, _ = dev
    base = build_apk(manifest("org.example.split", 4, "4.0"))
    split = split_apk("org.example.split", "config.en")
    created = out(d, f"pm install-create -S {len(base) + len(split)}")[0]
    session = re.fullmatch(r"Success: created install session \[(\d+)\]\n", created).group(1)  # type: ignore[union-attr]
    assert sh(d, f"pm install-write -S {len(base)} {session} 0_base -", base).text == \
        f"Success: streamed {len(base)} bytes\n"
    assert sh(d, f"pm install-write -S {len(split)} {session} 1_split -", split).exit_code == 0
    assert out(d, f"pm install-commit {session}") == ("Success\n", "", 0)
    paths = out(d, "pm path org.example.split")[0].splitlines()
    assert paths[0].endswith("/base.apk") and paths[1].endswith("/split_config.en.apk")
    assert "splits=[base, config.en]" in out(d, "dumpsys package org.example.split")[0]


def test_install_session_failures(dev):
    d, _ = dev
    session = re.search(r"\[(\d+)\]", out(d, "pm install-create")[0]).group(1)  # type: ignore[union-attr]
    split = split_apk("org.example.split", "config.en")
    sh(d, f"pm install-write -S {len(split)} {session} s -", split)
    assert out(d, f"pm install-commit {session}") == (
        "Failure [INSTALL_FAILED_INVALID_APK: Full install must include a base package]\n", "", 1)
    assert out(d, f"pm install-commit {session}")[1].endswith(
        f"java.lang.SecurityException: Caller has no access to session {session}\n")
    other = re.search(r"\[(\d+)\]", out(d, "pm install-create")[0]).group(1)  # type: ignore[union-attr]
    assert out(d, f"pm install-write {other} base -") == ("", "Error: must specify a APK size\n", 1)
    assert out(d, f"pm install-write -Z 1 {other}")[1].endswith(
        "java.lang.IllegalArgumentException: Unknown option: -Z\n")
    assert out(d, "pm install-commit abc")[1].endswith('java.lang.NumberFormatException: For input string: "abc"\n')
    assert out(d, f"pm install-abandon {other}") == ("Success\n", "", 0)


# --------------------------------------------------------------------------- location, ime
def test_cmd_location_toggles_the_location_mode_setting(dev):
    d, s = dev
    assert out(d, "cmd location is-location-enabled") == ("true\n", "", 0)
    assert out(d, "cmd location set-location-enabled false") == ("", "", 0)
    assert s.settings.get("secure", "location_mode") == "0"
    assert out(d, "cmd location is-location-enabled --user 0") == ("false\n", "", 0)
    assert out(d, "cmd location set-location-enabled")[1].endswith(
        'java.lang.IllegalArgumentException: Argument expected after "set-location-enabled"\n')
    assert out(d, "cmd location is-location-enabled -x")[1].endswith("Unknown option: -x\n")
    assert out(d, "cmd location frob") == ("Unknown command: frob\n", "", 255)


def test_ime_list_brief_and_full(dev):
    d, _ = dev
    assert out(d, "ime list -s") == ("com.android.inputmethod.latin/.LatinIME\n", "", 0)
    assert out(d, "ime list -a -s")[0] == "com.android.inputmethod.latin/.LatinIME\n"
    full = out(d, "ime list")[0]
    assert full.startswith("com.android.inputmethod.latin/.LatinIME:\n  mId=com.android.inputmethod.latin/.LatinIME ")
    assert out(d, "ime list -q") == ("", "Unknown option: -q\n", 255)
    out(d, "ime disable com.android.inputmethod.latin/.LatinIME")
    assert out(d, "ime list -s")[0] == "" and out(d, "ime list -a -s")[0] != ""


# --------------------------------------------------------------------------- screencap
def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and struct.unpack(">I", data[16 + length:20 + length])[0] == zlib.crc32(
        data[12:16 + length])
    return struct.unpack(">II", data[16:24])


def test_screencap_png_has_the_display_size_and_valid_chunks(dev):
    d, _ = dev
    assert png_size(sh(d, "screencap -p").stdout) == (1080, 2400)
    out(d, "wm size 720x1280")
    data = sh(d, "screencap -p").stdout
    assert png_size(data) == (720, 1280)
    idat = data.index(b"IDAT")
    (length,) = struct.unpack(">I", data[idat - 4:idat])
    raw = zlib.decompress(data[idat + 4:idat + 4 + length])
    assert len(raw) == 1280 * (1 + 720 * 4)
    assert out(d, "screencap /data/local/tmp/s.png") == ("", "", 0)
    assert png_size(d.fs.read_bytes("/data/local/tmp/s.png")) == (720, 1280)


def test_screencap_raw_header_and_errors(dev):
    d, _ = dev
    raw = sh(d, "screencap").stdout
    assert struct.unpack("<IIII", raw[:16]) == (1080, 2400, 1, 0) and len(raw) == 16 + 1080 * 2400 * 4
    assert out(d, "screencap /system/x.png")[1:] == ("Error opening file: /system/x.png (Permission denied)\n", 1)
    _, err, code = out(d, "screencap -q")
    assert err.startswith("screencap: unknown option -- q\nusage: screencap [-hp] [-d display-id] [FILENAME]\n")
    assert code == 1


# --------------------------------------------------------------------------- /proc, /sys, boot log
def test_proc_files_follow_the_kernel_layouts(dev):
    d, _ = dev
    stat = out(d, "cat /proc/stat")[0].splitlines()
    assert stat[0].startswith("cpu  ")
    assert [line.split()[0] for line in stat[1:5]] == ["cpu0", "cpu1", "cpu2", "cpu3"]
    assert any(line.startswith("btime ") for line in stat)
    meminfo = out(d, "cat /proc/meminfo")[0].splitlines()
    assert meminfo[0] == "MemTotal:        2014236 kB"
    assert [line.split(":")[0] for line in meminfo[:3]] == ["MemTotal", "MemFree", "MemAvailable"]
    fields = out(d, f"cat /proc/{SYSTEM_SERVER_PID}/stat")[0].split()
    assert fields[:4] == [str(SYSTEM_SERVER_PID), "(system_server)", "S", "600"] and len(fields) == 52
    assert sh(d, f"cat /proc/{SYSTEM_SERVER_PID}/cmdline").stdout == b"system_server\0"
    assert out(d, "cat /proc/1402/stat")[0].split()[1] == "(ndroid.systemui)"


def test_proc_pid_directories_follow_app_processes(dev):
    d, s = dev
    record = s.activity.ensure_process("com.android.settings")
    assert out(d, f"cat /proc/{record.pid}/cmdline")[0] == "com.android.settings\0"
    s.activity.kill_process("com.android.settings", "test")
    assert out(d, f"cat /proc/{record.pid}/stat")[2] == 1


def test_sys_cpu_lists_four_cpus(dev):
    d, _ = dev
    for name in ("online", "possible", "present"):
        assert out(d, f"cat /sys/devices/system/cpu/{name}") == ("0-3\n", "", 0)
    assert out(d, "cat /sys/devices/system/cpu/cpu3/online")[0] == "1\n"
    assert sorted(e for e in out(d, "ls /sys/devices/system/cpu")[0].split() if e.startswith("cpu")) == [
        "cpu0", "cpu1", "cpu2", "cpu3"]


def test_logcat_starts_with_the_boot_log_then_what_happened_since(dev):
    d, s = dev
    s.log("I", "JobctlTest", "after boot")
    lines = out(d, "logcat -d")[0].splitlines()
    entries = [re.match(r"\S+ \S+ +(\d+) +\d+ [VDIWEF] (.*?) *: ", line) for line in lines
               if not line.startswith("-")]
    tags = [m.group(2) for m in entries if m]
    pids = {m.group(2): int(m.group(1)) for m in entries if m}
    for tag in ("init", "Zygote", "SystemServer", "PackageManager", "JobScheduler", "ActivityManager"):
        assert tag in tags
    assert tags.index("init") < tags.index("SystemServer") < tags.index("ActivityManager") < tags.index("JobctlTest")
    assert pids["init"] == 1 and pids["SystemServer"] == SYSTEM_SERVER_PID


def test_native_ps_table_pidof_and_dumpsys_activity_agree(dev):
    from jobctl_sim.native.processes import process_table_of

    d, s = dev
    record = s.activity.ensure_process("com.android.settings")
    native = {p.pid: p.name for p in process_table_of(d).processes()}
    assert native[record.pid] == "com.android.settings"
    assert native[SYSTEM_SERVER_PID] == "system_server"
    dumped = re.findall(r"PID #(\d+): ProcessRecord\{\w+ \d+:([\w.]+)/", out(d, "dumpsys activity processes")[0])
    assert {int(pid): name for pid, name in dumped}.items() <= native.items()
    if "pidof" in d.commands:
        assert out(d, "pidof system_server")[0] == f"{SYSTEM_SERVER_PID}\n"
        assert out(d, "pidof com.android.settings")[0] == f"{record.pid}\n"
    if "ps" in d.commands:
        assert f" {record.pid} " in out(d, "ps -A")[0]
