"""Parsers for what the device prints: ``dumpsys jobscheduler``, ``dumpsys battery``, ``get-job-state``,
and the readbacks of the conditions (one-word answers, ``cmd wifi status``, ``cmd netpolicy``,
``cmd appops``).

Each is tolerant of the quirks listed in aosp-shell-interface.md §8 and never needs a device.
"""

from bridge.parsers.appops import RUN_ANY_IN_BACKGROUND, AppOpMode, parse_appop_mode
from bridge.parsers.battery import BatteryDump, parse_battery_dump
from bridge.parsers.errors import DeviceOutputError
from bridge.parsers.job_state import parse_job_state
from bridge.parsers.jobscheduler_dump import DumpedJob, HistoryEntry, JobSchedulerDump, parse_jobscheduler_dump
from bridge.parsers.network import MeteredOverride, parse_metered_overrides, parse_wifi_enabled, parse_wifi_ssid
from bridge.parsers.readback import bool_word, int_or, int_word, sectioned, split_sections
from bridge.parsers.uids import parse_uid

__all__ = ["RUN_ANY_IN_BACKGROUND", "AppOpMode", "BatteryDump", "DeviceOutputError", "DumpedJob", "HistoryEntry",
           "JobSchedulerDump", "MeteredOverride", "bool_word", "int_or", "int_word", "parse_appop_mode",
           "parse_battery_dump", "parse_job_state", "parse_jobscheduler_dump", "parse_metered_overrides",
           "parse_uid", "parse_wifi_enabled", "parse_wifi_ssid", "sectioned", "split_sections"]
