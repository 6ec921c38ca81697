"""``jobctl device reset``: put back everything jobctl changes on a device.

Conditions with a default go back to it (AOSP's own resets where there is one: ``cmd battery
reset`` -- ``BatteryService.java``; ``cmd devicestoragemonitor reset -f`` --
``DeviceStorageMonitorService.java``; ``cmd deviceidle unforce`` -- ``DeviceIdleController.java``).
Those without one -- ``battery_stats_constants``, standby buckets, ``RUN_ANY_IN_BACKGROUND``
modes, metered overrides -- go back to the originals recorded on the device before jobctl first
changed them (:mod:`.originals`), and the records are removed. ``cmd jobscheduler monitor-battery``
is turned off again (JobSchedulerShellCommand). An expired snapshot lease (:mod:`.lease`) is removed.
"""

from __future__ import annotations

from bridge.conditions.controller import Conditions
from bridge.conditions.lease import remove_expired_lease
from bridge.conditions.originals import (
    BATTERY_CONSTANTS_RECORD,
    METERED_RECORD,
    forget_originals,
    read_originals,
)
from bridge.conditions.power import BATTERY_CONSTANTS
from bridge.conditions.values import StandbyBucket
from bridge.errors import ConditionError
from bridge.parsers import AppOpMode, MeteredOverride, int_word, parse_metered_overrides

RESET_STEPS = (
    "airplane mode off (cmd connectivity airplane-mode disable)",
    "Wi-Fi on (svc wifi enable)",
    "mobile data on (svc data enable)",
    "metered overrides back to their originals (cmd netpolicy set metered-network SSID …)",
    "battery saver off (cmd power set-mode 0)",
    "battery back to the real hardware state (cmd battery reset)",
    f"{BATTERY_CONSTANTS} back to its original (settings put|delete global {BATTERY_CONSTANTS})",
    "JobScheduler's battery monitoring off (cmd jobscheduler monitor-battery off)",
    "storage back to the real state (cmd devicestoragemonitor reset -f)",
    "Doze unforced (cmd deviceidle unforce)",
    "screen on (input keyevent KEYCODE_WAKEUP)",
    "background mode of each app back to its original (cmd appops set PKG RUN_ANY_IN_BACKGROUND …)",
    "standby bucket of each app back to its original (am set-standby-bucket PKG …)",
)
"""What :func:`reset_conditions` does, in order. A value jobctl never changed is left as it is
(a standby bucket jobctl did not set stays where it is; a background restriction set by someone
else is lifted with ``allow``)."""


def _installed(conditions: Conditions, package: str) -> bool:
    result = conditions.device.shell(["pm", "path", package], idempotent=True)
    return result.exit_code == 0 and "package:" in result.text


def _restore_metered(conditions: Conditions, recorded: str | None) -> None:
    original = dict(parse_metered_overrides(recorded)) if recorded is not None else None
    now = dict(parse_metered_overrides(conditions._run("cmd netpolicy list wifi-networks")))
    if original is None:  # never recorded: the connected network back to automatic, as before
        state = conditions.read()
        if state.wifi_ssid is not None and state.wifi_metered not in (None, MeteredOverride.AUTOMATIC):
            conditions.set_metered(None)
        return
    for ssid in sorted(set(now) | set(original)):
        wanted = original.get(ssid, MeteredOverride.AUTOMATIC)
        if now.get(ssid, MeteredOverride.AUTOMATIC) is not wanted:
            conditions._switch_metered(ssid, wanted)


def _restore_constants(conditions: Conditions, recorded: str | None) -> None:
    if recorded is None:
        return
    value = recorded.strip()
    conditions._constants_step(None if value in ("", "null") else value)()


def _restore_appops(conditions: Conditions, records: dict[str, str], package: str) -> None:
    packages = {name.removeprefix("appop-"): text for name, text in records.items() if name.startswith("appop-")}
    for name, text in sorted(packages.items()):
        if _installed(conditions, name):
            conditions.restore_appops(name, text)
    if package not in packages and conditions._read_appop(package) is AppOpMode.IGNORE:
        conditions.set_background_restricted(package, False)


def _restore_buckets(conditions: Conditions, records: dict[str, str]) -> None:
    for name, text in sorted(records.items()):
        if not name.startswith("bucket-"):
            continue
        package = name.removeprefix("bucket-")
        original = StandbyBucket.parse(int_word(text.strip(), "standby bucket"))
        if original is not StandbyBucket.EXEMPTED and _installed(conditions, package):
            conditions._switch_bucket(package, original)


def reset_conditions(conditions: Conditions, package: str) -> tuple[str, ...]:
    """Put every condition jobctl changes back (:data:`RESET_STEPS`, in that order); each step
    waits for its readback. ``package``: the app whose background restriction is lifted even if
    jobctl did not set it. Returns the steps done."""
    if conditions._undo is not None:
        raise ConditionError("device reset inside a snapshot: the snapshot's own restore would undo it")
    records = read_originals(conditions.device)
    done: list[str] = []

    def step(index: int) -> None:
        done.append(RESET_STEPS[index])

    conditions.set_airplane(False)
    step(0)
    conditions.set_wifi(True)
    step(1)
    conditions.set_cellular(True)
    step(2)
    _restore_metered(conditions, records.get(METERED_RECORD))
    step(3)
    conditions.set_battery_saver(False)
    step(4)
    conditions._run("cmd battery reset")
    step(5)
    _restore_constants(conditions, records.get(BATTERY_CONSTANTS_RECORD))
    step(6)
    conditions._run("cmd jobscheduler monitor-battery off")
    step(7)
    conditions._run(["cmd", "devicestoragemonitor", "reset", "-f"])
    step(8)
    conditions.set_doze(False)
    step(9)
    conditions.set_idle(False)
    step(10)
    _restore_appops(conditions, records, package)
    step(11)
    _restore_buckets(conditions, records)
    step(12)
    remove_expired_lease(conditions.device)
    forget_originals(conditions.device)  # the steps above recorded some again
    return tuple(done)
