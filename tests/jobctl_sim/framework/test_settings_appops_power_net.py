from tests.jobctl_sim.android_model import make, sh


def test_settings(dev):
    d, s = dev
    assert sh(d, "settings get global nope").text == "null\n"
    assert sh(d, "settings put global foo bar").text == ""
    assert s.settings.get("global", "foo") == "bar"
    assert sh(d, "settings delete global foo").text == "Deleted 1 rows\n"
    assert sh(d, "settings delete global foo").text == "Deleted 0 rows\n"
    r = sh(d, "settings get bogus x")
    assert (r.stderr, r.exit_code) == (b"Invalid namespace 'bogus'\n", 255)
    r = sh(d, "settings frob global x")
    assert (r.stderr, r.exit_code) == (b"Invalid command: frob\n", 255)
    r = sh(d, "settings get global")
    assert r.exit_code == 255 and r.stdout == b""
    assert "low_power=0\n" in sh(d, "settings list global").text


def test_device_config(dev):
    d, s = dev
    assert sh(d, "device_config get jobscheduler k").text == "null\n"
    sh(d, "device_config put jobscheduler min_ready_non_active_jobs_count 0")
    assert s.settings.device_config("jobscheduler", "min_ready_non_active_jobs_count") == "0"
    assert sh(d, "device_config list jobscheduler").text == "min_ready_non_active_jobs_count=0\n"
    assert sh(d, "device_config delete jobscheduler min_ready_non_active_jobs_count").text == (
        "Successfully deleted min_ready_non_active_jobs_count from jobscheduler\n")


def test_appops(dev):
    d, s = dev
    assert sh(d, "cmd appops get com.android.shell RUN_ANY_IN_BACKGROUND").text == (
        "No operations.\nDefault mode: allow\n")
    assert sh(d, "cmd appops set com.android.shell RUN_ANY_IN_BACKGROUND ignore").text == ""
    assert sh(d, "cmd appops get com.android.shell RUN_ANY_IN_BACKGROUND").text == "RUN_ANY_IN_BACKGROUND: ignore\n"
    assert s.appops.mode("RUN_ANY_IN_BACKGROUND", 2000, "com.android.shell") == "ignore"
    r = sh(d, "cmd appops set com.android.shell FOO allow")
    assert (r.stderr, r.exit_code) == (b"Error: Unknown operation string: FOO\n", 255)
    r = sh(d, "cmd appops set com.android.shell RUN_ANY_IN_BACKGROUND maybe")
    assert (r.stderr, r.exit_code) == (b"Error: Mode maybe is not valid\n", 255)
    r = sh(d, "cmd appops set nope.pkg RUN_ANY_IN_BACKGROUND allow")
    assert r.stderr == b"Error: No UID for nope.pkg in user 0\n"
    assert sh(d, "cmd appops reset").text == "Reset all modes for: user 0, all packages\n"


def test_deviceidle(dev):
    d, s = dev
    assert sh(d, "cmd deviceidle enabled deep").text == "1\n"
    assert sh(d, "cmd deviceidle force-idle deep").text == "Now forced in to deep idle mode\n"
    assert s.power.deep_idle
    assert sh(d, "cmd deviceidle get deep").text == "IDLE\n"
    assert sh(d, "cmd deviceidle unforce").text == "Light state: ACTIVE, deep state: ACTIVE\n"
    assert sh(d, "cmd deviceidle enable light").text == "Light idle mode enable\n"
    assert sh(d, "cmd deviceidle get").text == "Argument required\n"
    assert sh(d, "cmd deviceidle get foo").text == "Unknown get option: foo\n"
    assert sh(d, "cmd deviceidle whitelist +nope").text == "Unknown package: nope\n"
    assert sh(d, "cmd deviceidle whitelist +com.android.shell").text == "Added: com.android.shell\n"
    r = sh(d, "cmd deviceidle whitelist x")
    assert (r.text, r.exit_code) == ("Package must be prefixed with +, -, or =: x\n", 255)
    sh(d, "cmd deviceidle disable deep")
    assert sh(d, "cmd deviceidle force-idle").text == "Unable to go deep idle; not enabled\n"
    assert "  mState=ACTIVE mLightState=ACTIVE\n" in sh(d, "dumpsys deviceidle").text


def test_screen_and_saver(dev):
    d, s = dev
    sh(d, "input keyevent KEYCODE_SLEEP")
    assert not s.power.screen_on
    assert "mWakefulness=Asleep" in sh(d, "dumpsys power").text
    sh(d, "input keyevent 224")
    assert s.power.screen_on
    sh(d, "cmd power set-mode 1")
    assert not s.power.battery_saver  # plugged in: ignored
    sh(d, "cmd battery unplug")
    sh(d, "cmd power set-mode 1")
    assert s.power.battery_saver
    r = sh(d, "cmd power set-mode x")
    assert (r.text, r.exit_code) == ('Error: java.lang.NumberFormatException: For input string: "x"\n', 255)


def test_network(dev):
    d, s = dev
    assert s.connectivity.default_network().transport == "wifi"
    assert not s.connectivity.default_network().metered
    sh(d, "cmd netpolicy set metered-network AndroidWifi true")
    assert s.connectivity.default_network().metered
    assert sh(d, "cmd netpolicy list wifi-networks").text == "AndroidWifi;true\n"
    sh(d, "svc wifi disable")
    assert s.connectivity.default_network().transport == "cellular"
    sh(d, "cmd connectivity airplane-mode enable")
    assert s.connectivity.default_network() is None
    assert sh(d, "cmd connectivity airplane-mode").text == "enabled\n"
    assert "Active default network: none" in sh(d, "dumpsys connectivity").text
    sh(d, "svc wifi enable")
    assert s.connectivity.default_network().transport == "wifi"
    r = sh(d, "svc wifi")
    assert r.exit_code == 1 and r.text.startswith("Control the Wi-Fi manager\n")
    assert sh(d, "cmd wifi status").text.startswith("Wifi is enabled\n")


def test_airplane_missing_before_30():
    d, _ = make(29)
    assert sh(d, "cmd connectivity airplane-mode").text == "Unknown command: airplane-mode\n"
