import asyncio

import pytest
from tests.jobctl_sim.android_model import make, sh


def test_cmd_unknown_and_empty(dev):
    d, _ = dev
    r = sh(d, "cmd nope")
    assert (r.stdout, r.stderr, r.exit_code) == (b"", b"cmd: Can't find service: nope\n", 20)
    r = sh(d, "cmd")
    assert r.exit_code == 20 and r.stderr.startswith(b"cmd: No service specified")
    assert sh(d, "cmd -l").text.startswith("Currently running services:\n  activity\n")


def test_dumpsys_unknown_exits_zero(dev):
    d, _ = dev
    r = sh(d, "dumpsys nope")
    assert (r.stdout, r.stderr, r.exit_code) == (b"", b"Can't find service: nope\n", 0)
    assert "  battery\n" in sh(d, "dumpsys -l").text


def test_unknown_verb_and_help_exit_255(dev):
    d, _ = dev
    r = sh(d, "cmd battery frob")
    assert (r.text, r.exit_code) == ("Unknown command: frob\n", 255)
    assert sh(d, "cmd battery help").exit_code == 255


@pytest.mark.parametrize("line,out,code", [
    ("cmd battery set -f level 50", "2\n", 0),
    ("cmd battery set level 50 -f", "", 0),
    ("cmd battery set", "No property specified\n", 255),
    ("cmd battery set level", "No value specified\n", 255),
    ("cmd battery set level abc", "Bad value: abc\n", 255),
    ("cmd battery set foo 1", "Unknown set option: foo\n", 0),
    ("cmd battery get foo", "Unknown get option: foo\n", 0),
    ("cmd battery get", "No property specified\n", 255),
    ("cmd battery get level", "100\n", 0),
    ("cmd battery reset -f", "", 0),
])
def test_battery_shell_table(line, out, code):
    d, _ = make(34)
    r = sh(d, line)
    assert (r.text, r.exit_code) == (out, code)


def test_battery_levels_by_api():
    d, _ = make(30)
    assert sh(d, "cmd battery get level").text == "Unknown command: get\n"
    assert sh(d, "cmd battery set counter 5").text == "Unknown set option: counter\n"
    assert "Dock powered" not in sh(d, "dumpsys battery").text
    d, _ = make(33)
    assert "  Dock powered: false\n" in sh(d, "dumpsys battery").text


def test_battery_freeze_reset_and_dumpsys_shell(dev):
    d, s = dev
    assert sh(d, "dumpsys battery unplug").text == ""
    text = sh(d, "dumpsys battery").text
    assert "(UPDATES STOPPED -- use 'reset' to restart)" in text and "USB powered: false" in text
    assert "status: 5" in text  # unplug does not change status
    seq = s.battery.sequence
    assert sh(d, "cmd battery reset -f").text == f"{seq + 1}\n"
    assert "UPDATES STOPPED" not in sh(d, "dumpsys battery").text


def test_charging_level_rise_and_delay():
    d, s = make(34)

    async def run():
        await d.shell("cmd battery unplug")
        await d.shell("cmd battery set level 50")
        assert not s.battery.charging
        await d.shell("cmd battery set ac 1")
        assert not s.battery.charging  # plugged at 50%: no rise yet
        await d.shell("settings put global battery_stats_constants battery_charged_delay_ms=50")
        await d.shell("cmd battery set level 51")
        assert not s.battery.charging
        await asyncio.sleep(0.1)
        assert s.battery.charging
        await d.shell("cmd battery unplug")
        assert not s.battery.charging
        await d.shell("cmd battery set ac 1")
        await d.shell("cmd battery set level 95")
        assert s.battery.charging

    asyncio.run(run())


def test_battery_low_hysteresis(dev):
    d, s = dev
    sh(d, "cmd battery unplug")
    sh(d, "cmd battery set status 3")
    sh(d, "cmd battery set level 15")
    assert s.battery.battery_low
    sh(d, "cmd battery set level 19")
    assert s.battery.battery_low
    sh(d, "cmd battery set level 20")
    assert not s.battery.battery_low


def test_storage_sequence(dev):
    d, s = dev
    assert sh(d, "cmd devicestoragemonitor force-low -f").text == "2\n"
    assert s.storage.low
    assert sh(d, "cmd devicestoragemonitor force-not-low").text == ""
    assert sh(d, "cmd devicestoragemonitor reset -f").text == "4\n"
    assert not s.storage.low


def test_costs(dev):
    d, s = dev
    for line in ("cmd battery get level", "am instrument -w a/.B", "ls /", "echo hi", "run-as x ls",
                 "content query --uri x"):
        sh(d, line)
    snap = s.costs.snapshot()
    assert snap["by_class"]["app_process"] == 2
    assert snap["by_class"]["run-as"] == 1
    assert snap["by_class"]["native"] == 1
