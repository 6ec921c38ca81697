"""Another app's uid cannot change the device or the helper through the shell (issue 17 item 6).

A command run with ``run-as org.example.intruder …`` (a debuggable third-party app installed for
the purpose) runs as that app's uid; the framework services refuse it with the platform's own
``SecurityException`` texts and exit codes (jobctl_sim/framework/permissions.py and the service
modules cite the AOSP sources), and nothing changes. The shell (2000) and root keep their rights.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from typing import Any
from pathlib import Path

import pytest

import jobctl_sim.assembly
from bridge.adb.private import PrivateAdbServer
from jobctl_sim.apps.helper import PACKAGE
from jobctl_sim.device import DeviceConfig, VirtualDevice
from jobctl_sim.native.streams import BufferOutput, InputStream
from tests.support.apk import build_apk

INTRUDER = "org.example.intruder"


def run(body: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(body())


def device(api: int = 34) -> VirtualDevice:
    return VirtualDevice(DeviceConfig(serial="perm", api_level=api, speed=1000.0),
                         extensions=[jobctl_sim.assembly.install_android])


async def sh(dev: VirtualDevice, line: str, uid: int = 2000) -> tuple[int, str, str]:
    out, err = BufferOutput(), BufferOutput()
    code = await dev.run_shell(line, InputStream.of(b""), out, err, uid=uid)
    return code, out.getvalue().decode(), err.getvalue().decode()


async def as_intruder(dev: VirtualDevice, line: str) -> tuple[int, str, str]:
    """``run-as org.example.intruder LINE`` from the shell, as ``adb shell run-as …`` does."""
    return await sh(dev, f"run-as {INTRUDER} {line}")


async def install_intruder(dev: VirtualDevice) -> int:
    dev.fs.write_bytes("/data/local/tmp/intruder.apk", build_apk(INTRUDER), make_parents=True)
    code, out, _ = await sh(dev, "pm install /data/local/tmp/intruder.apk")
    assert (code, out.strip()) == (0, "Success")
    facts = dev.android.packages.get(INTRUDER)
    assert facts is not None
    return int(facts.uid)


def exception(verb: str, text: str) -> str:
    """What ``BasicShellCommandHandler.exec`` prints for an exception escaping ``onCommand``."""
    return f"\nException occurred while executing '{verb}':\njava.lang.SecurityException: {text}\n"


PID = re.compile(r"pid=\d+|PID \d+")


def test_the_intruder_runs_as_its_own_uid() -> None:
    async def body() -> None:
        dev = device()
        uid = await install_intruder(dev)
        assert await as_intruder(dev, "id -u") == (0, f"{uid}\n", "")

    run(body)


def test_another_app_cannot_clear_the_helpers_data_but_may_clear_its_own() -> None:
    async def body() -> None:
        dev = device()
        uid = await install_intruder(dev)
        assert (await sh(dev, f"run-as {PACKAGE} sh -c 'mkdir -p files && touch files/keep'"))[0] == 0
        code, out, err = await as_intruder(dev, f"pm clear {PACKAGE}")
        assert (code, out) == (255, "")
        assert PID.sub("PID P", err) == exception(
            "clear", f"PID P does not have permission android.permission.CLEAR_APP_USER_DATA to clear data "
                     f"of package {PACKAGE}")
        assert (await sh(dev, f"run-as {PACKAGE} ls files"))[1] == "keep\n"
        assert (await as_intruder(dev, f"pm clear {INTRUDER}"))[:2] == (0, "Success\n")
        assert (await sh(dev, f"pm clear {PACKAGE}"))[:2] == (0, "Success\n")  # the shell still may
        assert uid != dev.android.packages.get(PACKAGE).uid

    run(body)


def test_another_app_cannot_force_stop_kill_or_crash_the_helper() -> None:
    async def body() -> None:
        dev = device()
        uid = await install_intruder(dev)
        dev.android.activity.launch(PACKAGE)
        for verb, method, permission in (
            ("force-stop", "forceStopPackage", "FORCE_STOP_PACKAGES"),
            ("kill", "killBackgroundProcesses", "KILL_BACKGROUND_PROCESSES"),
            ("crash", "crashApplication", "FORCE_STOP_PACKAGES"),
            ("make-uid-idle", "makePackageIdle", "FORCE_STOP_PACKAGES"),
            ("stop-app", "stopAppForUser", "MANAGE_ACTIVITY_TASKS"),
        ):
            code, out, err = await as_intruder(dev, f"am {verb} {PACKAGE}")
            assert (code, out) == (255, ""), verb
            assert PID.sub("pid=P", err) == exception(
                verb, f"Permission Denial: {method}() from pid=P, uid={uid} requires android.permission.{permission}")
        assert PACKAGE in dev.android.activity.processes and not dev.android.packages.is_stopped(PACKAGE)
        _, log, _ = await sh(dev, "logcat -d -v raw -s ActivityManager:W")
        assert f"uid={uid} requires android.permission.FORCE_STOP_PACKAGES" in log
        code, _, err = await as_intruder(dev, "cmd activity kill-all")
        assert code == 255 and "killAllBackgroundProcesses() from pid=" in err
        assert await sh(dev, f"am force-stop {PACKAGE}") == (0, "", "")
        assert dev.android.packages.is_stopped(PACKAGE)

    run(body)


def test_another_app_cannot_run_stop_or_cancel_the_helpers_jobs() -> None:
    async def body() -> None:
        dev = device()
        uid = await install_intruder(dev)
        for line, operation in (
            (f"run -f {PACKAGE} 1", "force scheduled jobs"),
            (f"stop {PACKAGE}", "stop jobs"),
            (f"timeout {PACKAGE}", "force timeout jobs"),
            (f"cancel {PACKAGE}", "cancel jobs"),
            (f"get-job-state {PACKAGE} 1", "get job state"),
            ("reset-schedule-quota", "reset schedule quota"),
            ("monitor-battery on", "change battery monitoring"),
        ):
            assert await as_intruder(dev, f"cmd jobscheduler {line}") == (
                255, f"Exception: java.lang.SecurityException: Uid {uid} not permitted to {operation}\n", ""), line
        assert (await as_intruder(dev, "cmd jobscheduler get-battery-charging"))[0] == 0
        # the shell and root reach the service (which then finds no such job)
        for caller in (2000, 0):
            code, _, err = await sh(dev, f"cmd jobscheduler run -f {PACKAGE} 1", uid=caller)
            assert (code, err) == (-1001 & 0xFF, f"Could not find job 1 in package {PACKAGE} / user 0\n"), caller

    run(body)


@pytest.mark.parametrize(("api", "text"), [
    (34, "Permission denial, must have one of: [android.permission.WRITE_SECURE_SETTINGS]"),
    (33, "Permission denial: writing to settings requires:android.permission.WRITE_SECURE_SETTINGS"),
])
def test_another_app_cannot_write_global_or_secure_settings(api: int, text: str) -> None:
    async def body() -> None:
        dev = device(api)
        await install_intruder(dev)
        for verb, line in (("put", "put global stay_on_while_plugged_in 7"), ("delete", "delete secure x"),
                           ("reset", "reset global untrusted_defaults")):
            assert await as_intruder(dev, f"settings {line}") == (255, "", exception(verb, text)), line
        assert await as_intruder(dev, "settings get global stay_on_while_plugged_in") == (0, "0\n", "")
        # a system write without WRITE_SETTINGS is refused quietly
        assert await as_intruder(dev, "settings put system screen_off_timeout 5") == (0, "", "")
        assert dev.android.settings.get("system", "screen_off_timeout") != "5"
        config = "device_config put jobscheduler min_ready_non_active_jobs_count 1"
        code, _, err = await as_intruder(dev, config)
        assert code == 255 and err.startswith("\nException occurred while executing 'put':\n"
                                              "java.lang.SecurityException: Permission denial")
        assert "android.permission.WRITE_DEVICE_CONFIG" in err
        assert dev.android.settings.device_config("jobscheduler", "min_ready_non_active_jobs_count") is None
        assert await sh(dev, config) == (0, "", "")
        assert await sh(dev, "settings put global stay_on_while_plugged_in 7") == (0, "", "")
        assert dev.android.settings.get("global", "stay_on_while_plugged_in") == "7"

    run(body)


def test_another_app_cannot_fake_the_battery_but_may_read_it() -> None:
    async def body() -> None:
        dev = device()
        uid = await install_intruder(dev)
        denial = exception("unplug", f"Neither user {uid} nor current process has android.permission.DEVICE_POWER.")
        assert await as_intruder(dev, "cmd battery unplug") == (255, "", denial)
        assert (await as_intruder(dev, "cmd battery set level 3"))[::2] == (255, denial.replace("'unplug'", "'set'"))
        assert (await as_intruder(dev, "cmd battery reset"))[0] == 255
        assert await as_intruder(dev, "cmd battery get level") == (0, f"{dev.android.battery.level}\n", "")
        plugged = dev.android.battery.power_connected
        assert plugged
        code, out, _ = await as_intruder(dev, "dumpsys battery unplug")
        assert code == 0 and PID.sub("pid=P", out) == (
            f"Permission Denial: can't dump BatteryService from from pid=P, uid={uid} "
            "due to missing android.permission.DUMP permission\n")
        assert dev.android.battery.power_connected

    run(body)


def test_another_app_cannot_doze_the_device_or_change_power_saving() -> None:
    async def body() -> None:
        dev = device()
        uid = await install_intruder(dev)
        denial = f"Neither user {uid} nor current process has android.permission.DEVICE_POWER."
        for verb in ("force-idle", "step", "unforce", "disable"):
            assert await as_intruder(dev, f"cmd deviceidle {verb}") == (255, "", exception(verb, denial)), verb
        assert await as_intruder(dev, f"cmd deviceidle whitelist +{INTRUDER}") == (
            255, "", exception("whitelist", denial))
        assert await as_intruder(dev, "cmd deviceidle enabled") == (0, "1\n", "")
        assert not dev.android.power.deep_idle and not dev.android.power.is_doze_allowlisted(INTRUDER)
        assert await as_intruder(dev, "cmd power set-mode 1") == (255, "", exception("set-mode", denial))

    run(body)


def test_another_app_cannot_change_app_ops_standby_buckets_or_radios() -> None:
    async def body() -> None:
        dev = device()
        uid = await install_intruder(dev)
        helper_uid = dev.android.packages.get(PACKAGE).uid
        before = dev.android.appops.mode("RUN_ANY_IN_BACKGROUND", helper_uid, PACKAGE)
        assert await as_intruder(dev, f"cmd appops set {PACKAGE} RUN_ANY_IN_BACKGROUND ignore") == (
            255, "", exception("set", f"uid {uid} does not have android.permission.MANAGE_APP_OPS_MODES."))
        assert await as_intruder(dev, f"am set-standby-bucket {PACKAGE} rare") == (
            255, "", exception("set-standby-bucket", f"No permission to change app standby state: uid {uid} "
                                                     "does not have android.permission.CHANGE_APP_IDLE_STATE."))
        assert await as_intruder(dev, "svc wifi disable") == (
            255, "", exception("set-wifi-enabled", f"WifiService: Neither user {uid} nor current process has "
                                                   "android.permission.CHANGE_WIFI_STATE."))
        assert dev.android.connectivity.wifi_enabled
        assert (await as_intruder(dev, "svc data disable"))[0] == 255
        assert dev.android.appops.mode("RUN_ANY_IN_BACKGROUND", helper_uid, PACKAGE) == before

    run(body)


def test_through_adb_another_app_is_refused_with_exit_255_and_the_exception_on_stderr(
        adb: PrivateAdbServer, serial: str, tiny_apk: Path) -> None:
    """The same over the real adb CLI: ``adb shell run-as APP am force-stop dev.jobctl.helper``."""
    assert adb.adb("-s", serial, "install", str(tiny_apk)).returncode == 0
    uid = adb.adb("-s", serial, "shell", "run-as org.example.tiny id -u").stdout.strip()
    refused = adb.adb("-s", serial, "shell", f"run-as org.example.tiny am force-stop {PACKAGE}")
    assert (refused.returncode, refused.stdout) == (255, "")
    assert PID.sub("pid=P", refused.stderr) == exception(
        "force-stop", f"Permission Denial: forceStopPackage() from pid=P, uid={uid} "
                      "requires android.permission.FORCE_STOP_PACKAGES")
    jobs = adb.adb("-s", serial, "shell", f"run-as org.example.tiny cmd jobscheduler run -f {PACKAGE} 1")
    assert (jobs.returncode, jobs.stdout) == (
        255, f"Exception: java.lang.SecurityException: Uid {uid} not permitted to force scheduled jobs\n")
    assert adb.adb("-s", serial, "shell", f"am force-stop {PACKAGE}").returncode == 0
