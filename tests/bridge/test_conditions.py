"""Conditions: exact shell lines and restore order with a scripted fake device; end to end
against the virtual device (change, readback, restore via snapshot, also after an exception)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from bridge.conditions.reading import AIRPLANE_READBACK
from bridge.conditions import (
    AppOpMode,
    Conditions,
    ConditionsState,
    MeteredOverride,
    StandbyBucket,
    adb_link_is_network,
    wait_until,
)
from bridge.device import CommandResult, command_line
from bridge.errors import (
    ConditionRestoreError,
    ConditionTimeoutError,
    InvalidConditionError,
    NetworkCutRiskError,
    UnknownPackageError,
)
from bridge.parsers import parse_appop_mode, parse_battery_dump


# ---------------------------------------------------------------------------- fake device
class FakeDevice:
    """Answers scripted command lines; an answer list is consumed in order (its last item repeats).
    An unscripted line fails the test. ``lines`` records every line sent, in order."""

    def __init__(self, script: dict[str, object] | None = None, serial: str = "FAKE123") -> None:
        self.serial = serial
        self.script: dict[str, list[object]] = {}
        self.lines: list[str] = []
        for line, answer in (script or {}).items():
            self.on(line, answer)

    def on(self, line: str, *answers: object) -> FakeDevice:
        self.script[line] = list(answers[0] if len(answers) == 1 and isinstance(answers[0], list) else answers)
        return self

    def shell(self, command: str | Sequence[str], *, stdin: bytes | None = None, timeout: float | None = 60,
              check: bool = False, idempotent: bool = False) -> CommandResult:
        line = command_line(command)
        if line.startswith(("mkdir -p /data/local/tmp/jobctl", '[ "$(cat /data/local/tmp/jobctl/lease')):
            # the snapshot's lease and the originals kept for `device reset` (their own tests:
            # test_snapshot_lease.py, tests/cli/test_device_reset_complete.py): always granted
            return CommandResult(line, b"acquired\n" if "then echo" in line else b"", b"", 0)
        self.lines.append(line)
        if line not in self.script:
            raise AssertionError(f"unscripted command: {line}")
        answers = self.script[line]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, BaseException):
            raise answer
        text, code = answer if isinstance(answer, tuple) else (answer, 0)
        result = CommandResult(line, str(text).encode(), b"boom\n" if code else b"", code)
        return result.check() if check else result


BATTERY_READ = ("cmd jobscheduler get-battery-seq; cmd jobscheduler get-battery-charging; "
                "cmd jobscheduler get-battery-not-low")
DUMP_50 = "Current Battery Service state:\n  AC powered: false\n  USB powered: false\n  level: 50\n  scale: 100\n"


RESTORE_READS = ("5\nfalse\ntrue\n", "5\nfalse\ntrue\n", "7\ntrue\ntrue\n", "7\ntrue\ntrue\n", "9\nfalse\ntrue\n")
"""JobScheduler's readbacks through charging on and its restore: the original, before the plug,
charging, at the restore's start, and after the unplug."""


def conditions(device: FakeDevice) -> Conditions:
    return Conditions(device, timeout=0.0, poll_interval=0.0)


def charging_script() -> FakeDevice:
    return FakeDevice({
        "settings get global battery_stats_constants": "null\n",
        "settings put global battery_stats_constants battery_charged_delay_ms=0": "",
        "cmd jobscheduler monitor-battery on": "Battery monitoring enabled\n",
        "cmd battery set ac 1": "",
        "dumpsys battery": DUMP_50,
        "cmd battery set -f level 51": "7\n",
        BATTERY_READ: ["-1\nfalse\ntrue\n", "7\ntrue\ntrue\n"],
    })


# ---------------------------------------------------------------------------- unit: shell lines
def test_set_charging_sends_the_cts_sequence_and_polls_seq_and_charging() -> None:
    device = charging_script()
    device.on(BATTERY_READ, "7\ntrue\ntrue\n")
    conditions(device).set_charging(True)
    assert device.lines == [
        "settings get global battery_stats_constants",  # other constants are kept
        "settings put global battery_stats_constants battery_charged_delay_ms=0",
        "cmd jobscheduler monitor-battery on",
        "dumpsys battery",
        BATTERY_READ,  # charging already, or unplugged: the plug event comes now, the rise follows
        "cmd battery set ac 1",
        "cmd battery set -f level 51",
        BATTERY_READ,
    ]


def test_set_charging_forces_a_visible_level_rise_when_already_at_the_target() -> None:
    device = charging_script()
    device.on("dumpsys battery", DUMP_50.replace("level: 50", "level: 100"))
    device.on("cmd battery set level 99", "")
    device.on("cmd battery set -f level 100", "9\n")
    device.on(BATTERY_READ, "9\ntrue\ntrue\n")
    conditions(device).set_charging(True)
    assert device.lines[3:] == ["dumpsys battery", BATTERY_READ, "cmd battery set ac 1", "cmd battery set level 99",
                                "cmd battery set -f level 100", BATTERY_READ]


def test_charging_readback_that_never_holds_raises_timeout() -> None:
    device = charging_script()
    device.on(BATTERY_READ, "7\nfalse\ntrue\n")
    with pytest.raises(ConditionTimeoutError, match="charging: wanted true, seen false"):
        conditions(device).set_charging(True)


def test_wait_until_polls_until_the_predicate_holds() -> None:
    values = iter([1, 2, 3])
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    assert wait_until(lambda: next(values), lambda v: v == 3, 1.0, what="x", interval=0.1,
                      clock=lambda: now[0], sleep=sleep) == 3
    assert now[0] == pytest.approx(0.2)


def test_wait_until_raises_with_the_last_readback_after_the_deadline() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(ConditionTimeoutError, match="last readback 'no'"):
        wait_until(lambda: "no", lambda v: v == "yes", 0.5, what="thing", interval=0.2, clock=lambda: now[0],
                   sleep=sleep)


def test_snapshot_restores_battery_in_reverse_order_of_first_change() -> None:
    device = charging_script()
    device.on("settings get global battery_stats_constants", "foo=1\n")
    device.on("settings put global battery_stats_constants foo=1,battery_charged_delay_ms=0", "")
    device.on(BATTERY_READ, *RESTORE_READS)
    device.on("cmd battery set level 50", "")
    device.on("cmd battery unplug -f", "9\n")
    device.on("cmd battery reset", "")
    device.on("cmd jobscheduler monitor-battery off", "Battery monitoring disabled\n")
    device.on("settings put global battery_stats_constants foo=1", "")
    conds = conditions(device)
    with conds.snapshot():
        conds.set_charging(True)
    assert device.lines == [
        "settings get global battery_stats_constants",
        "settings put global battery_stats_constants foo=1,battery_charged_delay_ms=0",
        "cmd jobscheduler monitor-battery on",
        "dumpsys battery",  # live values (no UPDATES STOPPED): restore ends with a reset
        BATTERY_READ,  # the original charging / not-low, read before the first battery change
        "dumpsys battery",
        BATTERY_READ,
        "cmd battery set ac 1",
        "cmd battery set -f level 51",
        BATTERY_READ,
        "dumpsys battery",  # restore: the battery as it is now ...
        BATTERY_READ,
        "cmd jobscheduler monitor-battery on",  # (a nested snapshot's restore may have turned it off)
        "cmd battery set ac 1",  # ... driven back to the original values, frozen ...
        "cmd battery set level 50",
        "cmd battery unplug -f",
        BATTERY_READ,
        BATTERY_READ,
        "cmd battery reset",  # ... then live again: the hardware's values, the same ones
        BATTERY_READ,
        "dumpsys battery",
        "cmd jobscheduler monitor-battery off",
        "settings put global battery_stats_constants foo=1",
    ]


def test_snapshot_deletes_battery_constants_that_were_null() -> None:
    device = charging_script()
    device.on(BATTERY_READ, *RESTORE_READS)
    device.on("cmd battery set level 50", "")
    device.on("cmd battery unplug -f", "9\n")
    device.on("cmd battery reset", "")
    device.on("cmd jobscheduler monitor-battery off", "")
    device.on("settings delete global battery_stats_constants", "Deleted 1 rows\n")
    conds = conditions(device)
    with conds.snapshot():
        conds.set_charging(True)
    assert device.lines[-1] == "settings delete global battery_stats_constants"


def test_snapshot_tries_every_restore_step_and_reports_all_failures() -> None:
    device = charging_script()
    device.on(BATTERY_READ, *RESTORE_READS)
    device.on("cmd battery set level 50", "")
    device.on("cmd battery unplug -f", "9\n")
    device.on("cmd battery reset", ("", 1))
    device.on("cmd jobscheduler monitor-battery off", "")
    device.on("settings delete global battery_stats_constants", ("", 1))
    conds = conditions(device)
    with pytest.raises(ConditionRestoreError) as caught, conds.snapshot():
        conds.set_charging(True)
    assert len(caught.value.failures) == 2
    assert caught.value.failures[0].startswith("restore battery: `cmd battery reset` exited with 1")
    assert device.lines[-3:] == ["cmd battery reset", "cmd jobscheduler monitor-battery off",
                                 "settings delete global battery_stats_constants"]


def test_snapshot_restores_after_an_exception_and_keeps_it() -> None:
    device = FakeDevice({
        "cmd deviceidle get deep; cmd deviceidle get force": ["ACTIVE\nfalse\n", "IDLE\ntrue\n", "IDLE\nfalse\n"],
        "cmd deviceidle force-idle deep": "Now forced in to deep idle mode\n",
        "cmd deviceidle unforce": "Light state: ACTIVE, deep state: ACTIVE\n",
    })
    conds = conditions(device)
    with pytest.raises(RuntimeError, match="inside"), conds.snapshot():
        conds.set_doze(True)
        raise RuntimeError("inside")
    assert device.lines[-2:] == ["cmd deviceidle unforce", "cmd deviceidle get deep; cmd deviceidle get force"]


def test_snapshot_restores_after_keyboard_interrupt() -> None:
    device = FakeDevice({
        "cmd devicestoragemonitor force-low -f": "4\n",
        "cmd devicestoragemonitor reset -f": "5\n",
        "cmd jobscheduler get-storage-seq; cmd jobscheduler get-storage-not-low": ["3\ntrue\n", "4\nfalse\n",
                                                                                   "5\ntrue\n"],
    })
    conds = conditions(device)
    with pytest.raises(KeyboardInterrupt), conds.snapshot():
        conds.set_storage_low(True)
        raise KeyboardInterrupt
    assert "cmd devicestoragemonitor reset -f" in device.lines


def test_restore_order_is_the_reverse_of_first_change_across_conditions() -> None:
    device = FakeDevice({
        AIRPLANE_READBACK: ["disabled\n", "enabled\n", "disabled\n"],
        "cmd connectivity airplane-mode enable": "",
        "cmd connectivity airplane-mode disable": "",
        "cmd wifi status": ["Wifi is disabled\n", "Wifi is enabled\n", "Wifi is disabled\n"],
        "svc wifi enable": "",
        "svc wifi disable": "",
    }, serial="127.0.0.1:5555")
    conds = conditions(device)
    with conds.snapshot():
        conds.set_airplane(True)
        conds.set_wifi(True)
    assert [line for line in device.lines if not line.endswith(("status", "airplane_mode_on"))] == [
        "cmd connectivity airplane-mode enable", "svc wifi enable", "svc wifi disable",
        "cmd connectivity airplane-mode disable",
    ]


def test_set_standby_bucket_validates_the_package_and_polls_the_bucket() -> None:
    device = FakeDevice({
        "pm path org.example.tiny": "package:/data/app/org.example.tiny/base.apk\n",
        "am get-standby-bucket org.example.tiny": "40\n",
        "am set-standby-bucket org.example.tiny rare": "",
    })
    conditions(device).set_standby_bucket("org.example.tiny", "RARE")
    assert device.lines == ["pm path org.example.tiny", "am set-standby-bucket org.example.tiny rare",
                            "am get-standby-bucket org.example.tiny"]


def test_set_background_restricted_sends_the_appop_and_polls_it() -> None:
    device = FakeDevice({
        "pm path org.example.tiny": "package:/x.apk\n",
        "cmd appops set org.example.tiny RUN_ANY_IN_BACKGROUND ignore": "",
        "cmd appops get org.example.tiny RUN_ANY_IN_BACKGROUND": "RUN_ANY_IN_BACKGROUND: ignore\n",
    })
    conditions(device).set_background_restricted("org.example.tiny", True)
    assert device.lines[1:] == ["cmd appops set org.example.tiny RUN_ANY_IN_BACKGROUND ignore",
                                "cmd appops get org.example.tiny RUN_ANY_IN_BACKGROUND"]


def test_set_metered_uses_the_connected_ssid() -> None:
    device = FakeDevice({
        "cmd wifi status": 'Wifi is enabled\nWifi is connected to "Home Net"\n',
        "cmd netpolicy set metered-network 'Home Net' true": "",
        "cmd netpolicy list wifi-networks": "Home Net;true\n",
    })
    conditions(device).set_metered(True)
    assert device.lines == ["cmd wifi status", "cmd netpolicy set metered-network 'Home Net' true",
                            "cmd netpolicy list wifi-networks"]


def test_set_idle_turns_the_screen_off_before_idle_maintenance() -> None:
    device = FakeDevice({
        "input keyevent KEYCODE_SLEEP": "",
        "cmd deviceidle get screen": "false\n",
        "cmd activity idle-maintenance": "Performing idle maintenance...\n",
    })
    conditions(device).set_idle(True)
    assert device.lines == ["input keyevent KEYCODE_SLEEP", "cmd deviceidle get screen",
                            "cmd activity idle-maintenance"]


def test_set_battery_saver_unplugs_first() -> None:
    device = FakeDevice({
        "cmd jobscheduler monitor-battery on": "",
        "cmd battery unplug -f": "12\n",
        BATTERY_READ: "12\nfalse\ntrue\n",
        "cmd power set-mode 1": "",
        "settings get global low_power": "1\n",
    })
    conditions(device).set_battery_saver(True)
    assert device.lines == ["cmd jobscheduler monitor-battery on", "cmd battery unplug -f", BATTERY_READ,
                            "cmd power set-mode 1", "settings get global low_power"]


# ---------------------------------------------------------------------------- unit: validation
@pytest.mark.parametrize("level", [-1, 101, 50.5, True])
def test_battery_level_outside_0_to_100_is_refused_before_any_command(level: object) -> None:
    device = FakeDevice()
    with pytest.raises(InvalidConditionError):
        conditions(device).set_battery_level(level)  # type: ignore[arg-type]
    assert device.lines == []


def test_bad_bucket_name_is_a_value_error_and_changes_nothing() -> None:
    device = FakeDevice()
    with pytest.raises(ValueError, match="unknown standby bucket 'sometimes'"):
        conditions(device).set_standby_bucket("org.example.tiny", "sometimes")
    with pytest.raises(InvalidConditionError, match="EXEMPTED"):
        conditions(device).set_standby_bucket("org.example.tiny", StandbyBucket.EXEMPTED)
    assert device.lines == []


def test_unknown_package_is_refused_after_pm_path_only() -> None:
    device = FakeDevice({"pm path no.such.pkg": ("", 1)})
    with pytest.raises(UnknownPackageError, match=r"no\.such\.pkg is not installed"):
        conditions(device).set_background_restricted("no.such.pkg", True)
    assert device.lines == ["pm path no.such.pkg"]
    assert isinstance(UnknownPackageError("x"), ValueError)


def test_standby_bucket_parses_names_and_values() -> None:
    assert StandbyBucket.parse("working_set") is StandbyBucket.WORKING_SET
    assert StandbyBucket.parse(45) is StandbyBucket.RESTRICTED
    assert StandbyBucket.parse("50") is StandbyBucket.NEVER
    assert [b.value for b in StandbyBucket] == [5, 10, 20, 30, 40, 45, 50]


@pytest.mark.parametrize("serial,network", [
    ("192.168.1.20:5555", True), ("phone.lan:5555", True), ("[fe80::1]:5555", True),
    ("adb-R58M-abc._adb-tls-connect._tcp", True),
    ("127.0.0.1:40123", False), ("localhost:5555", False), ("[::1]:5555", False),
    ("emulator-5554", False), ("R58M123ABC", False),
])
def test_adb_link_over_network_is_recognised(serial: str, network: bool) -> None:
    assert adb_link_is_network(serial) is network


def test_cutting_wifi_under_adb_over_wifi_needs_force() -> None:
    device = FakeDevice({"cmd wifi status": "Wifi is disabled\n", "svc wifi disable": ""},
                        serial="192.168.1.20:5555")
    with pytest.raises(NetworkCutRiskError, match="force=True"):
        conditions(device).set_wifi(False)
    with pytest.raises(NetworkCutRiskError):
        conditions(device).set_airplane(True)
    assert device.lines == []
    conditions(device).set_wifi(False, force=True)
    assert device.lines == ["svc wifi disable", "cmd wifi status"]


def test_parsers_read_by_key() -> None:
    assert parse_battery_dump(DUMP_50 + "Other section:\n  level: 7\n").level == 50
    assert parse_appop_mode("No operations.\nDefault mode: allow\n") is AppOpMode.DEFAULT
    assert parse_appop_mode("RUN_ANY_IN_BACKGROUND: ignore; time=+1s ago\n") is AppOpMode.IGNORE


# ---------------------------------------------------------------------------- end to end (virtual device)
@pytest.fixture
def device(adb, serial):  # type: ignore[no-untyped-def]
    from bridge.device import connect

    return connect(serial, adb.server)


@pytest.fixture
def conds(device) -> Conditions:  # type: ignore[no-untyped-def]
    return Conditions(device, timeout=5.0, poll_interval=0.01)


@pytest.fixture
def tiny(device, tiny_apk) -> Iterator[str]:  # type: ignore[no-untyped-def]
    device.install(str(tiny_apk))
    yield "org.example.tiny"


def test_read_reports_the_virtual_device_defaults(conds: Conditions) -> None:
    state = conds.read()
    assert isinstance(state, ConditionsState)
    assert state.plugged and state.charging and state.battery_not_low and state.storage_not_low
    assert state.wifi_enabled and state.wifi_ssid == "AndroidWifi" and state.wifi_metered is MeteredOverride.AUTOMATIC
    assert state.screen_on and not state.dozing and not state.battery_saver and not state.airplane_mode


def test_snapshot_restores_charging_after_an_exception(conds: Conditions, device) -> None:  # type: ignore[no-untyped-def]
    before = conds.read()
    with pytest.raises(RuntimeError), conds.snapshot():
        conds.set_charging(False)
        assert not conds.read().charging
        conds.set_charging(True, level=60)
        state = conds.read()
        assert state.charging and state.battery_level == 60
        raise RuntimeError("job failed")
    assert conds.read() == before
    assert device.shell("settings get global battery_stats_constants").text.strip() == "null"


def test_battery_level_and_low_change_and_restore(conds: Conditions) -> None:
    before = conds.read()
    with conds.snapshot():
        conds.set_battery_level(42)
        assert conds.read().battery_level == 42
        conds.set_battery_low(True)
        state = conds.read()
        assert not state.battery_not_low and not state.plugged and state.battery_level == 5
        conds.set_battery_low(False)
        assert conds.read().battery_not_low
    assert conds.read() == before


def test_battery_saver_changes_and_restores(conds: Conditions) -> None:
    before = conds.read()
    with conds.snapshot():
        conds.set_battery_saver(True)
        state = conds.read()
        assert state.battery_saver and not state.plugged
    assert conds.read() == before


def test_network_conditions_change_and_restore(conds: Conditions) -> None:
    before = conds.read()
    with conds.snapshot():
        conds.set_wifi(False)
        assert not conds.read().wifi_enabled
        conds.set_cellular(False)
        assert not conds.read().cellular_enabled
        conds.set_airplane(True)
        assert conds.read().airplane_mode
    assert conds.read() == before


def test_metered_override_changes_and_restores(conds: Conditions) -> None:
    before = conds.read()
    with conds.snapshot():
        conds.set_metered(True)
        assert conds.read().wifi_metered is MeteredOverride.METERED
        conds.set_metered(False)
        assert conds.read().wifi_metered is MeteredOverride.UNMETERED
    assert conds.read() == before


def test_idle_and_doze_change_and_restore(conds: Conditions) -> None:
    before = conds.read()
    with conds.snapshot():
        conds.set_idle(True)
        assert not conds.read().screen_on
        conds.set_doze(True)
        state = conds.read()
        assert state.dozing and state.doze_forced
    after = conds.read()
    assert after == before, (before, after)


def test_storage_low_changes_and_restores(conds: Conditions) -> None:
    before = conds.read()
    with conds.snapshot():
        conds.set_storage_low(True)
        assert not conds.read().storage_not_low
    assert conds.read() == before


def test_app_conditions_change_and_restore(conds: Conditions, tiny: str) -> None:
    before = conds.read([tiny])
    with conds.snapshot():
        conds.set_standby_bucket(tiny, StandbyBucket.RARE)
        conds.set_background_restricted(tiny, True)
        app = conds.read([tiny]).app(tiny)
        assert app.standby_bucket is StandbyBucket.RARE and app.background_restricted
    assert conds.read([tiny]) == before


def test_unknown_package_on_the_virtual_device_changes_nothing(conds: Conditions) -> None:
    with pytest.raises(UnknownPackageError):
        conds.set_standby_bucket("no.such.pkg", "rare")


def test_virtual_device_serial_is_loopback_so_wifi_may_be_cut(conds: Conditions, device) -> None:  # type: ignore[no-untyped-def]
    assert device.serial.startswith("127.0.0.1:")
    with conds.snapshot():
        conds.set_wifi(False)


def test_snapshot_restores_a_battery_state_that_was_already_overridden(adb, serial) -> None:  # type: ignore[no-untyped-def]
    from bridge.device import connect

    conditions = Conditions(connect(serial, adb.server))
    conditions.set_charging(False)  # frozen by cmd battery unplug before the snapshot starts
    before = conditions.read()
    with conditions.snapshot():
        conditions.set_charging(True)
        assert conditions.read().charging
    after = conditions.read()
    assert (after.charging, after.plugged, after.battery_level) == (before.charging, before.plugged,
                                                                    before.battery_level)
    conditions.device.shell("cmd battery reset", check=True)
