"""jobctl's library: drive Android's JobScheduler over adb, on a real device or the virtual one.

The virtual device lives in :mod:`jobctl_sim`; nothing else in ``bridge`` imports it.
Heavy modules load on first use, so ``import bridge`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from bridge._version import __version__

_EXPORTS = {
    "connect": "bridge.device",
    "Device": "bridge.device",
    "CommandResult": "bridge.device",
    "list_devices": "bridge.device",
    "for_each_device": "bridge.fleet",
    "describe_devices": "bridge.fleet",
    "Conditions": "bridge.conditions",
    "JobSpec": "bridge.model",
    "WorkItem": "bridge.model",
    "StopReason": "bridge.model",
    "JobEvent": "bridge.model",
    "JobRun": "bridge.model",
    "runs_from_events": "bridge.model",
    "validate": "bridge.validation",
    "parse_jobscheduler_dump": "bridge.parsers",
    "parse_battery_dump": "bridge.parsers",
    "parse_job_state": "bridge.parsers",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'bridge' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
