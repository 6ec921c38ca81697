"""``jobctl device reset`` gives the device back as a fresh one (issue 17, item 3).

Before: reset left ``settings global battery_stats_constants`` at ``battery_charged_delay_ms=0``,
the helper's ``RUN_ANY_IN_BACKGROUND`` at ``allow`` where a fresh device prints "No operations.",
the standby bucket moved, JobScheduler's battery monitoring on. The test runs every ``jobctl
device …`` command on a fresh virtual device, then ``reset``, and compares every setting and
override the device prints with what it printed before the first command; and the same after
a snapshot whose process was killed with SIGKILL (a host crash: nothing restored, nothing released).
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

from bridge.adb.private import PrivateAdbServer
from bridge.device import Device, connect
from bridge.helper_protocol import HELPER_PACKAGE
from tests.cli.test_sim_and_devices import jobctl
from tests.support.waiting import wait_until

EVERY_DEVICE_COMMAND = (
    ("network", "wifi"), ("network", "metered"), ("network", "unmetered"), ("network", "cellular"),
    ("charging", "on"), ("charging", "off"), ("battery", "15"), ("battery", "80"), ("battery-saver", "on"),
    ("storage", "low"), ("idle", "on"), ("doze", "on"), ("bucket", "rare"), ("bucket", "frequent"),
    ("restrict", "on"), ("restrict", "off"), ("restrict", "on"), ("network", "none"), ("network", "airplane"),
    ("charging", "on"), ("status",),
)

READBACKS = (
    "settings list global", "settings list secure", "settings list system",
    "dumpsys deviceidle", "cmd deviceidle get deep; cmd deviceidle get light; cmd deviceidle get force; "
    "cmd deviceidle get screen; cmd deviceidle get charging",
    "dumpsys battery", "cmd jobscheduler get-battery-charging; cmd jobscheduler get-battery-not-low; "
    "cmd jobscheduler get-storage-not-low",
    f"cmd appops get {HELPER_PACKAGE}", f"am get-standby-bucket {HELPER_PACKAGE}",
    "cmd netpolicy list wifi-networks", "cmd wifi status", "cmd connectivity airplane-mode",
    "dumpsys power | grep -i -e 'mBatterySaver' -e 'low_power'",
    "dumpsys jobscheduler | grep -e MONITORING -e 'Power connected' -e 'Considered charging' -e 'Battery level'",
    "ls /data/local/tmp",
)
COUNTERS = re.compile(r"Charge counter: \d+|seq=\d+")


def device_view(device: Device) -> dict[str, str]:
    return {line: COUNTERS.sub("", device.shell(line).text) for line in READBACKS}


def test_reset_after_every_device_command_leaves_the_device_as_a_fresh_one(adb: PrivateAdbServer,
                                                                             serial: str) -> None:
    device = connect(serial, adb.server)
    fresh = device_view(device)
    for args in EVERY_DEVICE_COMMAND:
        result = jobctl(adb, "-s", serial, "device", *args)
        assert result.returncode == 0, (args, result.stderr)
    changed = device_view(device)
    assert changed["settings list global"] != fresh["settings list global"]
    assert "battery_stats_constants" in changed["settings list global"]
    reset = jobctl(adb, "-s", serial, "device", "reset")
    assert reset.returncode == 0, reset.stderr
    after = device_view(device)
    assert {k: v for k, v in after.items() if v != fresh[k]} == {}


def test_reset_puts_back_a_battery_stats_constants_the_device_shipped_with(adb: PrivateAdbServer,
                                                                           serial: str) -> None:
    device = connect(serial, adb.server)
    device.shell("settings put global battery_stats_constants track_cpu_active_cluster_time=false", check=True)
    assert jobctl(adb, "-s", serial, "device", "charging", "on").returncode == 0
    assert "battery_charged_delay_ms=0" in device.shell("settings get global battery_stats_constants").text
    assert jobctl(adb, "-s", serial, "device", "charging", "on").returncode == 0  # the first original stays
    assert jobctl(adb, "-s", serial, "device", "reset").returncode == 0
    assert device.shell("settings get global battery_stats_constants").text.strip() == \
        "track_cpu_active_cluster_time=false"


KILLED_HOLDER = textwrap.dedent("""
    import sys
    from bridge.adb.server import AdbServer
    from bridge.conditions import Conditions
    from bridge.device import connect

    conditions = Conditions(connect(sys.argv[1], AdbServer()), lease_ttl=1.0)
    with conditions.snapshot():
        conditions.set_charging(True)          # battery_stats_constants changed
        conditions.set_background_restricted(sys.argv[2], True)
        conditions.set_standby_bucket(sys.argv[2], "rare")
        conditions.set_doze(True)
        print("changed", flush=True)
        sys.stdin.readline()
""")


def test_reset_after_a_snapshot_killed_with_sigkill_puts_back_what_it_had_changed(adb: PrivateAdbServer,
                                                                                   serial: str) -> None:
    device = connect(serial, adb.server)
    fresh = device_view(device)
    holder = subprocess.Popen([sys.executable, "-c", KILLED_HOLDER, serial, HELPER_PACKAGE], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=adb.env)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "changed"
    finally:
        holder.kill()  # a host crash: no restore, no release
        holder.communicate()
    assert "battery_charged_delay_ms=0" in device.shell("settings get global battery_stats_constants").text
    expires = int(device.shell("cat /data/local/tmp/jobctl/lease/expires", check=True).text)
    assert wait_until(lambda: int(device.shell("date +%s", check=True).text) >= expires, 10)
    reset = jobctl(adb, "-s", serial, "device", "reset")
    assert reset.returncode == 0, reset.stderr
    after = device_view(device)
    assert {k: v for k, v in after.items() if v != fresh[k]} == {}
