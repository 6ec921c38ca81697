"""``jobctl device …``: parsing without a device, then every verb on the virtual device."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bridge.adb.private import PrivateAdbServer
from bridge.conditions import Conditions
from bridge.helper_protocol import HELPER_PACKAGE
from cli.main import cli
from tests.cli.test_sim_and_devices import jobctl


@pytest.mark.parametrize("args", [
    ["device", "charging", "maybe"], ["device", "charging"], ["device", "battery", "101"],
    ["device", "battery", "-1"], ["device", "battery", "full"], ["device", "network", "5g"],
    ["device", "idle", "yes"], ["device", "doze", "1"], ["device", "storage", "full"],
    ["device", "bucket", "exempted"], ["device", "bucket", "sometimes"], ["device", "restrict", "please"],
    ["device", "battery-saver", "auto"], ["device", "warp"], ["device", "--package", "not a pkg", "status"],
])
def test_bad_values_are_one_line_usage_errors(no_device: None, args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "error" in lines[0].lower(), result.output
    assert "Traceback" not in result.output


def test_status_json(adb: PrivateAdbServer, serial: str) -> None:
    result = jobctl(adb, "-s", serial, "--json", "device", "status")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    for key in ("battery_level", "plugged", "charging", "battery_not_low", "storage_not_low", "wifi_enabled",
                "wifi_ssid", "wifi_metered", "cellular_enabled", "airplane_mode", "screen_on", "deep_idle_state",
                "dozing", "doze_forced", "battery_saver", "app"):
        assert key in document
    assert document["app"]["package"] == HELPER_PACKAGE
    text = jobctl(adb, "-s", serial, "device", "status", env={"NO_COLOR": "1"})
    assert text.returncode == 0 and "charging" in text.stdout and "\x1b[" not in text.stdout


def test_every_verb_changes_the_device_and_reset_restores(adb: PrivateAdbServer, serial: str,
                                                           session) -> None:  # type: ignore[no-untyped-def]
    def device(*args: str) -> dict:  # type: ignore[type-arg]
        result = jobctl(adb, "-s", serial, "--json", "device", *args)
        assert result.returncode == 0, (args, result.stderr)
        return json.loads(result.stdout)["status"]

    assert device("charging", "on")["charging"] is True
    assert device("charging", "off")["charging"] is False
    assert device("battery", "10")["battery_not_low"] is False
    assert device("battery", "60")["battery_level"] == 60
    assert device("network", "airplane")["airplane_mode"] is True
    assert device("network", "wifi")["wifi_enabled"] is True
    assert device("network", "metered")["wifi_metered"] == "true"
    assert device("network", "unmetered")["wifi_metered"] == "false"
    assert device("network", "none")["cellular_enabled"] is False
    assert device("network", "cellular")["cellular_enabled"] is True
    assert device("idle", "on")["screen_on"] is False
    assert device("idle", "off")["screen_on"] is True
    assert device("doze", "on")["dozing"] is True
    assert device("doze", "off")["doze_forced"] is False
    assert device("storage", "low")["storage_not_low"] is False
    assert device("storage", "ok")["storage_not_low"] is True
    assert device("bucket", "rare")["app"]["standby_bucket"] == "RARE"
    assert device("--package", HELPER_PACKAGE, "bucket", "active")["app"]["standby_bucket"] == "ACTIVE"
    assert device("restrict", "on")["app"]["background_restricted"] is True
    assert device("battery-saver", "on")["battery_saver"] is True
    device("doze", "on")
    device("storage", "low")
    device("network", "airplane")
    result = jobctl(adb, "-s", serial, "--json", "device", "reset")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)["status"]
    assert not status["airplane_mode"] and status["wifi_enabled"] and status["cellular_enabled"]
    assert status["wifi_metered"] in (None, "none")
    assert not status["battery_saver"] and status["storage_not_low"] and not status["doze_forced"]
    assert status["screen_on"] and not status["app"]["background_restricted"]
    assert status["app"]["standby_bucket"] == "ACTIVE"  # reset leaves the bucket alone
    assert Conditions(session.device).read().airplane_mode is False


def test_unknown_package_is_one_line_error(adb: PrivateAdbServer, serial: str) -> None:
    result = jobctl(adb, "-s", serial, "device", "--package", "org.example.absent", "bucket", "rare")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "not installed" in result.stderr
