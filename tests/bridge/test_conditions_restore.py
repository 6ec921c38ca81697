"""``Conditions.snapshot()`` puts the device back to exactly what it saw, whatever it started from.

Issue 15, item 2: after ``cmd battery set level 50`` and ``charging on`` the restore failed with a
ConditionRestoreError after 15 s and left charging stuck (every later ``charging on`` timed out).
The property test drives the virtual device into combinations of battery level, plugged state,
frozen overrides (``cmd battery set/unplug``, AOSP ``BatteryService``), charging and Doze with
real shell commands, changes conditions inside a snapshot, and compares every readback.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge.conditions import Conditions, ConditionsState
from bridge.errors import ConditionTimeoutError


@pytest.fixture
def conditions(adb, serial) -> Iterator[Conditions]:  # type: ignore[no-untyped-def]
    from bridge.device import connect

    yield Conditions(connect(serial, adb.server), timeout=5.0, poll_interval=0.01)


def _battery_view(state: ConditionsState) -> tuple[object, ...]:
    return (state.battery_level, state.plugged, state.charging, state.battery_not_low)


def _dump(conditions: Conditions) -> str:
    """``dumpsys battery`` without the lines the restore cannot and need not set back."""
    text = conditions.device.shell("dumpsys battery", check=True).text
    return "\n".join(line for line in text.splitlines() if "Charge counter" not in line)


def test_restore_after_level_50_and_charging_on_is_exact_and_charging_works_again(conditions: Conditions) -> None:
    conditions.device.shell("cmd battery set level 50", check=True)
    conditions.set_charging(True)  # `jobctl device charging on` on a device at 50 %
    before, dump = conditions.read(), _dump(conditions)
    with conditions.snapshot():  # the README's Python example
        conditions.set_charging(True)
        conditions.set_charging(False)
    assert conditions.read() == before
    assert _dump(conditions) == dump
    conditions.set_charging(False)
    conditions.set_charging(True)  # not stuck
    assert conditions.read().charging


def test_a_failed_readback_names_the_condition_wanted_and_seen_in_one_line(conditions: Conditions) -> None:
    quick = Conditions(conditions.device, timeout=0.3, poll_interval=0.01)
    try:
        with pytest.raises(ConditionTimeoutError) as raised:
            quick.set_charging(True, level=0)  # BatteryStats needs a rise to 0: it never charges
        message = str(raised.value)
        assert "\n" not in message
        assert message.startswith(f"{conditions.device.serial}: charging: wanted true, seen false")
    finally:
        conditions.device.shell("cmd battery reset", check=True)


# -------------------------------------------------------------------- the property test
SHELL_SETUPS = st.sampled_from([
    "cmd battery set level 50", "cmd battery set level 12", "cmd battery set level 95", "cmd battery set ac 1",
    "cmd battery set ac 0", "cmd battery set usb 0", "cmd battery set wireless 1", "cmd battery unplug",
    "cmd battery reset", "cmd battery set status 3", "cmd battery set -f level 17", "cmd deviceidle force-idle deep",
])
LIBRARY_CHANGES = st.sampled_from([
    ("charging", True), ("charging", False), ("charging-at", 50), ("level", 42), ("level", 80), ("low", True),
    ("low", False), ("doze", True), ("doze", False),
])


def _apply(conditions: Conditions, change: tuple[str, object]) -> None:
    kind, value = change
    if kind == "charging":
        conditions.set_charging(bool(value))
    elif kind == "charging-at":
        conditions.set_charging(True, level=int(value))  # type: ignore[call-overload]
    elif kind == "level":
        conditions.set_battery_level(int(value))  # type: ignore[call-overload]
    elif kind == "low":
        conditions.set_battery_low(bool(value))
    else:
        conditions.set_doze(bool(value))


def _fresh(conditions: Conditions) -> None:
    conditions.device.shell("cmd battery reset; cmd deviceidle unforce; cmd jobscheduler monitor-battery off; "
                            "settings delete global battery_stats_constants; input keyevent KEYCODE_WAKEUP",
                            check=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(setup=st.lists(st.one_of(SHELL_SETUPS, LIBRARY_CHANGES), max_size=4),
       inside=st.lists(LIBRARY_CHANGES, min_size=1, max_size=4))
def test_restore_returns_every_combination_exactly(conditions: Conditions, setup: list[object],
                                                   inside: list[tuple[str, object]]) -> None:
    _fresh(conditions)
    for step in setup:
        if isinstance(step, str):
            conditions.device.shell(step, check=True)
        else:
            _apply(conditions, step)  # type: ignore[arg-type]
    before, dump = conditions.read(), _dump(conditions)
    with conditions.snapshot():
        for change in inside:
            _apply(conditions, change)
    after = conditions.read()
    assert (_battery_view(after), after.deep_idle_state, after.doze_forced) == (
        _battery_view(before), before.deep_idle_state, before.doze_forced)
    assert after == before
    assert _dump(conditions) == dump
