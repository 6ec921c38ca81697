"""Every condition in one round trip: one sectioned shell line, cut back into a
:class:`~bridge.conditions.values.ConditionsState` (:func:`read_conditions`, also
``Conditions.read``). Reading needs none of the modules that change conditions, so ``jobctl
device status`` loads only this one and its values and parsers (issue 16: start-up)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bridge.conditions.values import AppConditions, ConditionsState, StandbyBucket, check_package_name, require_level
from bridge.errors import ConditionError
from bridge.parsers import (
    RUN_ANY_IN_BACKGROUND,
    bool_word,
    int_word,
    parse_appop_mode,
    parse_battery_dump,
    parse_metered_overrides,
    parse_wifi_enabled,
    parse_wifi_ssid,
    sectioned,
    split_sections,
)

if TYPE_CHECKING:
    from bridge.capabilities import ShellDevice

AIRPLANE_READBACK = ("a=$(cmd connectivity airplane-mode) && echo \"$a\" "
                     "|| settings get global airplane_mode_on")
"""``enabled``/``disabled`` from ConnectivityService's shell (API 30+, ref §4); below API 30 that verb
is ``Unknown command: airplane-mode`` (exit 255), so the ``airplane_mode_on`` setting is read instead."""

DEVICE_READBACKS: tuple[tuple[str, str], ...] = (
    ("battery", "dumpsys battery"),
    ("js", "cmd jobscheduler get-battery-seq; cmd jobscheduler get-battery-charging; "
           "cmd jobscheduler get-battery-not-low; cmd jobscheduler get-storage-seq; "
           "cmd jobscheduler get-storage-not-low"),
    ("wifi", "cmd wifi status"),
    ("mobile", "settings get global mobile_data"),
    ("airplane", AIRPLANE_READBACK),
    ("metered", "cmd netpolicy list wifi-networks"),
    ("idle", "cmd deviceidle get screen; cmd deviceidle get deep; cmd deviceidle get force"),
    ("saver", "settings get global low_power"),
)
"""``(section, command)`` for every device-wide condition."""


def readback_commands(packages: Sequence[str]) -> list[tuple[str, str]]:
    """:data:`DEVICE_READBACKS` plus one ``app<N>`` section per package (bucket and appop).
    An argument that is not a package name raises :class:`~bridge.errors.InvalidConditionError`."""
    commands = list(DEVICE_READBACKS)
    for index, package in enumerate(packages):
        quoted = shlex.quote(check_package_name(package))  # a package name needs no quoting; this keeps it so
        commands.append((f"app{index}", f"am get-standby-bucket {quoted}; "
                                        f"cmd appops get {quoted} {RUN_ANY_IN_BACKGROUND}"))
    return commands


def read_conditions(device: ShellDevice, packages: Sequence[str] = ()) -> ConditionsState:
    """Every condition in one round trip (one sectioned shell line); per-app conditions for
    ``packages`` (not validated: an unknown package reads as bucket/op defaults or fails)."""
    commands = readback_commands(packages)
    parts = split_sections(device.shell(sectioned(commands), idempotent=True).text, [name for name, _ in commands])
    return state_from(parts, packages)


def state_from(parts: Mapping[str, str], packages: Sequence[str]) -> ConditionsState:
    """The state printed by :func:`readback_commands`' sections (run as one
    :func:`~bridge.parsers.sectioned` line, cut apart by :func:`~bridge.parsers.split_sections`)."""
    battery = parse_battery_dump(parts["battery"])
    js = parts["js"].split()
    idle = parts["idle"].split()
    if len(js) != 5 or len(idle) != 3:
        raise ConditionError(f"unreadable JobScheduler/deviceidle readback: {js!r} {idle!r}")
    apps = []
    for index, package in enumerate(packages):
        bucket_text, _, op_text = parts[f"app{index}"].partition("\n")
        apps.append(AppConditions(package, StandbyBucket.parse(int_word(bucket_text, "standby bucket")),
                                  parse_appop_mode(op_text)))
    return ConditionsState(
        battery_level=require_level(battery.level),
        plugged=bool(battery.plugged),
        charging=bool_word(js[1], "charging"),
        battery_not_low=bool_word(js[2], "battery not low"),
        storage_not_low=bool_word(js[4], "storage not low"),
        wifi_enabled=parse_wifi_enabled(parts["wifi"]),
        wifi_ssid=parse_wifi_ssid(parts["wifi"]),
        cellular_enabled=bool_word(parts["mobile"], "mobile_data"),
        airplane_mode=bool_word(parts["airplane"], "airplane mode"),
        metered_overrides=parse_metered_overrides(parts["metered"]),
        screen_on=bool_word(idle[0], "screen state"),
        deep_idle_state=idle[1],
        doze_forced=bool_word(idle[2], "deviceidle force"),
        battery_saver=bool_word(parts["saver"], "low_power"),
        apps=tuple(apps),
        battery_seq=int_word(js[0], "battery seq"),
        storage_seq=int_word(js[3], "storage seq"),
    )
