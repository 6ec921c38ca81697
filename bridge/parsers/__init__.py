"""Parsers for what the device prints: ``dumpsys jobscheduler``, ``dumpsys battery``, ``get-job-state``.

Each is tolerant of the quirks listed in aosp-shell-interface.md §8 and never needs a device.
"""

from bridge.parsers.battery import BatteryDump, parse_battery_dump
from bridge.parsers.errors import DeviceOutputError
from bridge.parsers.job_state import parse_job_state
from bridge.parsers.jobscheduler_dump import DumpedJob, HistoryEntry, JobSchedulerDump, parse_jobscheduler_dump
from bridge.parsers.uids import parse_uid

__all__ = ["BatteryDump", "DeviceOutputError", "DumpedJob", "HistoryEntry", "JobSchedulerDump", "parse_battery_dump",
           "parse_job_state", "parse_jobscheduler_dump", "parse_uid"]
