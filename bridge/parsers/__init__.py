"""Parsers for what the device prints: ``dumpsys jobscheduler``, ``dumpsys battery``, ``get-job-state``,
and the readbacks of the conditions (one-word answers, ``cmd wifi status``, ``cmd netpolicy``,
``cmd appops``).

Each is tolerant of the quirks listed in aosp-shell-interface.md §8 and never needs a device.

Names load on first use (PEP 562): ``from bridge.parsers import X`` imports only the
submodule that defines ``X``, so a command that needs one parser or one model class does not pay for all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bridge.parsers.appops import RUN_ANY_IN_BACKGROUND, AppOpMode, parse_appop_mode
    from bridge.parsers.battery import BatteryDump, parse_battery_dump
    from bridge.parsers.errors import DeviceOutputError
    from bridge.parsers.job_state import parse_job_state
    from bridge.parsers.jobscheduler_dump import DumpedJob, HistoryEntry, JobSchedulerDump, parse_jobscheduler_dump
    from bridge.parsers.network import MeteredOverride, parse_metered_overrides, parse_wifi_enabled, parse_wifi_ssid
    from bridge.parsers.readback import bool_word, int_or, int_word, sectioned, split_sections
    from bridge.parsers.uids import parse_uid

_EXPORTS: dict[str, tuple[str, ...]] = {
    "bridge.parsers.appops": ("RUN_ANY_IN_BACKGROUND", "AppOpMode", "parse_appop_mode"),
    "bridge.parsers.battery": ("BatteryDump", "parse_battery_dump"),
    "bridge.parsers.errors": ("DeviceOutputError",),
    "bridge.parsers.job_state": ("parse_job_state",),
    "bridge.parsers.jobscheduler_dump": ("DumpedJob", "HistoryEntry", "JobSchedulerDump", "parse_jobscheduler_dump"),
    "bridge.parsers.network": ("MeteredOverride", "parse_metered_overrides", "parse_wifi_enabled", "parse_wifi_ssid"),
    "bridge.parsers.readback": ("bool_word", "int_or", "int_word", "sectioned", "split_sections"),
    "bridge.parsers.uids": ("parse_uid",),
}
"""Each submodule and the names it gives this package."""

__all__ = ["RUN_ANY_IN_BACKGROUND", "AppOpMode", "BatteryDump", "DeviceOutputError", "DumpedJob", "HistoryEntry",
           "JobSchedulerDump", "MeteredOverride", "bool_word", "int_or", "int_word", "parse_appop_mode",
           "parse_battery_dump", "parse_job_state", "parse_jobscheduler_dump", "parse_metered_overrides",
           "parse_uid", "parse_wifi_enabled", "parse_wifi_ssid", "sectioned", "split_sections"]


def __getattr__(name: str) -> Any:
    for module, names in _EXPORTS.items():
        if name in names:
            return getattr(importlib.import_module(module), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
