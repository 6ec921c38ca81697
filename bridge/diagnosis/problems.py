"""Past runs that ended badly, from the dump's ``Job history`` (``JobPackageTracker``).

An ``onStartJob``/``onStopJob`` that did not return within ``JobServiceContext.OP_TIMEOUT_MILLIS``
(8 s; from Android 14 an ANR for apps targeting 34+, before that a silent clean-up) and, on
Android 16, a timeout of a job whose ``JobParameters`` were dropped without ``jobFinished``
(``STOP_REASON_TIMEOUT_ABANDONED``). A job whose ``onStartJob`` timed out is dropped, so this is
read for unscheduled jobs too.
"""

from __future__ import annotations

from bridge.diagnosis.model import RunProblem, RunProblemKind
from bridge.parsers import JobSchedulerDump

_RUN_PROBLEM_REASONS: dict[str, RunProblemKind] = {
    "timed out while starting": RunProblemKind.START_CALLBACK_TIMEOUT,
    "timed out while stopping": RunProblemKind.STOP_CALLBACK_TIMEOUT,
    "timeout while executing and maybe abandoned": RunProblemKind.ABANDONED_TIMEOUT,
    "client timed out and maybe abandoned": RunProblemKind.ABANDONED_TIMEOUT,
}
"""JobServiceContext's debug reasons (the ``Job history`` stop lines) and what they mean."""


def _explain(kind: RunProblemKind, api_level: int) -> str:
    if kind is RunProblemKind.ABANDONED_TIMEOUT:
        return ("the run hit its time limit after the app dropped its JobParameters without jobFinished: "
                "Android 16 reports STOP_REASON_TIMEOUT_ABANDONED (16), and after more than 3 such timeouts "
                "it uses an aggressive backoff")
    callback = "onStartJob" if kind is RunProblemKind.START_CALLBACK_TIMEOUT else "onStopJob"
    effect = ("JobScheduler dropped the run without rescheduling it" if kind is RunProblemKind.START_CALLBACK_TIMEOUT
              else "JobScheduler gave up waiting and rescheduled the job")
    anr = (f"; on Android 14+ ({'this device' if api_level >= 34 else 'not this device'}) an app targeting "
           "API 34+ also gets an ANR, which kills it when it is in the background")
    return (f"{callback} did not return within 8 s: JobService callbacks run on the app's main thread, "
            f"so the main thread was blocked; {effect}{anr}")


def run_problems(dump: JobSchedulerDump, job_id: int, namespace: str | None, api_level: int) -> tuple[RunProblem, ...]:
    """The job's bad endings in the dump's ``Job history``, oldest first."""
    problems = []
    for entry in dump.history:
        kind = _RUN_PROBLEM_REASONS.get((entry.reason or "").strip())
        if kind is None or entry.is_start or entry.job_id != job_id or entry.namespace != namespace:
            continue
        problems.append(RunProblem(kind, -entry.offset_ms, _explain(kind, api_level)))
    return tuple(problems)
