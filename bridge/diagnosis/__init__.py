"""Why a job is not running, until when, what would unblock it, and why jobs stopped.

:func:`diagnose` (:mod:`.diagnose`) merges the job's ``get-job-state``, its block of ``dumpsys
jobscheduler PKG``, the package's stopped flags and the device conditions into one
:class:`Diagnosis`. Each reason the job is held back is a :class:`Blocker` with a plain-language
``reason``, a machine ``kind`` (:class:`BlockerKind`) and the command that lifts it, runnable as
printed (``jobctl …`` for the helper, ``adb shell cmd jobscheduler …`` for any app). Time is
reasoned about in :mod:`.timing` (minimum latency, backoff, deadline, the periodic window), the
execution quota in :mod:`.quota` (bucket, used, refill), the fate of a job that is gone in
:mod:`.outcome` (finished, stopped, cancelled, force-stopped), bad past runs in :mod:`.problems`.

:func:`stop_history` (:mod:`.history`) rebuilds the stop reasons of past runs from the helper's
durable journal. :func:`reset_conditions` is :mod:`bridge.conditions.reset`'s, re-exported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bridge.conditions.reset import RESET_STEPS, reset_conditions
    from bridge.diagnosis.diagnose import diagnose
    from bridge.diagnosis.history import StopRecord, stop_history
    from bridge.diagnosis.model import (
        BackoffPolicy, Blocker, BlockerKind, Diagnosis, LastOutcome, OutcomeKind, QuotaState, RunProblem,
        RunProblemKind, Timing,
    )
    from bridge.diagnosis.problems import run_problems

_HOMES = {"RESET_STEPS": "bridge.conditions.reset", "reset_conditions": "bridge.conditions.reset",
          "diagnose": "bridge.diagnosis.diagnose", "StopRecord": "bridge.diagnosis.history",
          "stop_history": "bridge.diagnosis.history", "run_problems": "bridge.diagnosis.problems",
          **dict.fromkeys(("BackoffPolicy", "Blocker", "BlockerKind", "Diagnosis", "LastOutcome", "OutcomeKind",
                           "QuotaState", "RunProblem", "RunProblemKind", "Timing"), "bridge.diagnosis.model")}


def __getattr__(name: str) -> Any:
    """Each name imported on first use (PEP 562): ``jobctl stops`` needs the journal reader, not
    the whole diagnosis and every condition family."""
    import importlib

    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "RESET_STEPS",
    "BackoffPolicy",
    "Blocker",
    "BlockerKind",
    "Diagnosis",
    "LastOutcome",
    "OutcomeKind",
    "QuotaState",
    "RunProblem",
    "RunProblemKind",
    "StopRecord",
    "Timing",
    "diagnose",
    "reset_conditions",
    "run_problems",
    "stop_history",
]
