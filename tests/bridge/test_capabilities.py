"""Capabilities: one probe round trip, parsed from ``cmd jobscheduler help`` (ref §0, §1.1, §1.7)."""

from __future__ import annotations

import gc
from collections.abc import Sequence

import pytest

from bridge import capabilities
from bridge.capabilities import PROBE_COMMAND, SEPARATOR, Capabilities, parse_verbs, probe
from bridge.device import CommandResult, command_line
from bridge.errors import DeviceConnectionError

HELP_13 = """Job scheduler (jobscheduler) commands:
  help
    Print this help text.
  run [-f | --force] [-s | --satisfied] [-u | --user USER_ID] PACKAGE JOB_ID
    Trigger immediate execution of a specific scheduled job.
  timeout [-u | --user USER_ID] [PACKAGE] [JOB_ID]
    Trigger immediate timeout of currently executing jobs, as if their.
  cancel [-u | --user USER_ID] PACKAGE [JOB_ID]
  heartbeat [num]
  monitor-battery [on|off]
  get-battery-seq
  get-battery-charging
  get-battery-not-low
  get-storage-seq
  get-storage-not-low
  get-job-state [-u | --user USER_ID] PACKAGE JOB_ID
      pending: currently on the pending list, waiting to be active
  trigger-dock-state [idle|active]

"""


class ProbeDevice:
    """Answers the probe line with a scripted text; counts round trips."""

    def __init__(self, text: str, serial: str = "fake") -> None:
        self.serial = serial
        self.text = text
        self.lines: list[str] = []

    def shell(self, command: str | Sequence[str], *, stdin: bytes | None = None, timeout: float | None = 60,
              check: bool = False, idempotent: bool = False) -> CommandResult:
        line = command_line(command)
        self.lines.append(line)
        return CommandResult(line, self.text.encode(), b"", 255)


def test_probe_of_android_13_has_no_namespaces_stop_or_byte_getters() -> None:
    device = ProbeDevice(f"33\nREL\n13\n{SEPARATOR}\n{HELP_13}")
    caps = probe(device)
    assert device.lines == [PROBE_COMMAND]
    assert caps.api_level == 33 and caps.sdk_codename == "REL" and caps.release == "13"
    assert "get-battery-seq" in caps.jobscheduler_verbs and "stop" not in caps.jobscheduler_verbs
    assert not caps.supports_namespaces and not caps.has_byte_getters and not caps.has_stop_with_reason


def test_verbs_are_the_two_space_indented_usage_lines_only() -> None:
    verbs = parse_verbs(HELP_13)
    assert verbs == {"help", "run", "timeout", "cancel", "heartbeat", "monitor-battery", "get-battery-seq",
                     "get-battery-charging", "get-battery-not-low", "get-storage-seq", "get-storage-not-low",
                     "get-job-state", "trigger-dock-state"}


def test_missing_help_falls_back_on_the_api_level() -> None:
    caps = probe(ProbeDevice(f"34\nREL\n14\n{SEPARATOR}\n"))
    assert caps.supports_namespaces and caps.has_byte_getters and caps.has_stop_with_reason


def test_unreadable_api_level_is_a_connection_error() -> None:
    with pytest.raises(DeviceConnectionError):
        probe(ProbeDevice(f"\n\n\n{SEPARATOR}\n{HELP_13}"))


def test_capabilities_are_probed_once_per_device_object() -> None:
    device = ProbeDevice(f"33\nREL\n13\n{SEPARATOR}\n{HELP_13}")
    first = capabilities.of(device)
    assert capabilities.of(device) is first
    assert len(device.lines) == 1
    other = ProbeDevice(device.text)
    capabilities.of(other)
    assert len(other.lines) == 1
    del device, other
    gc.collect()


def test_probe_of_the_virtual_device_in_one_round_trip(adb, serial) -> None:  # type: ignore[no-untyped-def]
    from bridge.device import connect

    device = connect(serial, adb.server)
    caps = capabilities.of(device)
    assert isinstance(caps, Capabilities)
    assert caps.api_level == 34 == device.api_level
    assert caps.supports_namespaces and caps.has_byte_getters and caps.has_stop_with_reason
    assert {"run", "stop", "cancel", "monitor-battery", "get-job-state", "get-battery-seq"} <= caps.jobscheduler_verbs
    assert "get-aconfig-flag-state" not in caps.jobscheduler_verbs  # Android 15 only (ref §1.1)
