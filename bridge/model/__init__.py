"""jobctl's typed model of JobScheduler: what to schedule, what the device reports.

* :mod:`.enums` -- the SDK enums of what a job asks for (``NetworkType``, ``BackoffPolicy``,
  ``Priority``) with platform values and API levels;
* :mod:`.reasons` -- why a job stopped or waits (``StopReason``, ``PendingReason``);
* :mod:`.spec` -- :class:`JobSpec` / :class:`WorkItem`, each option with its API level;
* :mod:`.script` -- the helper's JOB-/ITEM-SCRIPT vocabulary (PROTOCOL.md §7);
* :mod:`.state` -- ``get-job-state`` as :class:`JobState`;
* :mod:`.events` -- journal events (:class:`JobEvent`, PROTOCOL.md §5);
* :mod:`.runs` -- :class:`JobRun` and :func:`runs_from_events`.

Names load on first use (PEP 562): ``from bridge.model import X`` imports only the
submodule that defines ``X``, so a command that needs one parser or one model class does not pay for all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bridge.model.enums import BackoffPolicy, NetworkType, Priority
    from bridge.model.events import EVENT_FIELDS, EventKind, JobEvent
    from bridge.model.reasons import PendingReason, StopReason
    from bridge.model.runs import JobRun, RunEnd, WorkDelivery, WorkOutcome, runs_from_events
    from bridge.model.script import (
        DEFAULT_ITEM_SCRIPT,
        DEFAULT_JOB_SCRIPT,
        Estimate,
        Finish,
        Hold,
        ItemScript,
        ItemStep,
        JobScript,
        JobStep,
        Sleep,
        Transfer,
        Work,
    )
    from bridge.model.spec import (
        HELPER_MIN_SDK,
        HELPER_TARGET_SDK,
        NETWORK_BYTES_UNKNOWN,
        Backoff,
        ByteEstimate,
        ExtraValue,
        Extras,
        JobSpec,
        NetworkRequest,
        Periodic,
        SpecOption,
        TriggerContentUri,
        WorkItem,
        extras,
        item_options,
        option_api_level,
        spec_options,
    )
    from bridge.model.state import JOB_STATE_TOKENS, JobState

_EXPORTS: dict[str, tuple[str, ...]] = {
    "bridge.model.enums": ("BackoffPolicy", "NetworkType", "Priority"),
    "bridge.model.reasons": ("PendingReason", "StopReason"),
    "bridge.model.events": ("EVENT_FIELDS", "EventKind", "JobEvent"),
    "bridge.model.runs": ("JobRun", "RunEnd", "WorkDelivery", "WorkOutcome", "runs_from_events"),
    "bridge.model.script": (
        "DEFAULT_ITEM_SCRIPT", "DEFAULT_JOB_SCRIPT", "Estimate", "Finish", "Hold", "ItemScript", "ItemStep",
        "JobScript", "JobStep", "Sleep", "Transfer", "Work",
    ),
    "bridge.model.spec": (
        "HELPER_MIN_SDK", "HELPER_TARGET_SDK", "NETWORK_BYTES_UNKNOWN", "Backoff", "ByteEstimate", "ExtraValue",
        "Extras", "JobSpec", "NetworkRequest", "Periodic", "SpecOption", "TriggerContentUri", "WorkItem", "extras",
        "item_options", "option_api_level", "spec_options",
    ),
    "bridge.model.state": ("JOB_STATE_TOKENS", "JobState"),
}
"""Each submodule and the names it gives this package."""

__all__ = [
    "DEFAULT_ITEM_SCRIPT",
    "DEFAULT_JOB_SCRIPT",
    "EVENT_FIELDS",
    "HELPER_MIN_SDK",
    "HELPER_TARGET_SDK",
    "JOB_STATE_TOKENS",
    "NETWORK_BYTES_UNKNOWN",
    "Backoff",
    "BackoffPolicy",
    "ByteEstimate",
    "Estimate",
    "EventKind",
    "ExtraValue",
    "Extras",
    "Finish",
    "Hold",
    "ItemScript",
    "ItemStep",
    "JobEvent",
    "JobRun",
    "JobScript",
    "JobSpec",
    "JobState",
    "JobStep",
    "NetworkRequest",
    "NetworkType",
    "PendingReason",
    "Periodic",
    "Priority",
    "RunEnd",
    "Sleep",
    "SpecOption",
    "StopReason",
    "Transfer",
    "TriggerContentUri",
    "Work",
    "WorkDelivery",
    "WorkItem",
    "WorkOutcome",
    "extras",
    "item_options",
    "option_api_level",
    "runs_from_events",
    "spec_options",
]


def __getattr__(name: str) -> Any:
    for module, names in _EXPORTS.items():
        if name in names:
            return getattr(importlib.import_module(module), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
