"""Why a job waits, over time: ``getPendingJobReasons``, ``…History`` (API 36), ``…Stats`` (37).

Sources: ``apex/jobscheduler/framework/java/android/app/job/JobScheduler.java`` (Android 16/17
API: ``int[] getPendingJobReasons(int)``, ``List<PendingJobReasonsInfo>
getPendingJobReasonsHistory(int)`` with ``getTimestampMillis()``/``getPendingJobReasons()``,
``Map<Integer, Duration> getPendingJobReasonStats(int)``) and the developer reference: every
reason that currently holds the job back (``getPendingJobReason`` returns only the first); a
bounded history whose entries are written when the reasons change (no fixed sampling), lost on
reboot; per reason the cumulative time the job waited for it (several reasons count at once, so
the sum can exceed the wait), cleared when the job finishes or is cancelled.

[I] The history length is not documented; the model keeps the last 10 changes (as
``JobStatus.NUM_CONSTRAINT_CHANGE_HISTORY``), with wall-clock timestamps; an unknown job id
answers ``[INVALID_JOB_ID]`` for the reasons (as the singular call does), an empty history and an
empty map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobctl_sim.framework.jobscheduler.constraints import B
from jobctl_sim.framework.jobscheduler.model import PendingJobReason
from jobctl_sim.framework.jobscheduler.reasons import MISSING_CONSTRAINT_REASONS
from jobctl_sim.framework.jobscheduler.status import JobStatus
from jobctl_sim.framework.aosp_constants import StandbyBucket

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.service import JobSchedulerService

_R = PendingJobReason


def all_reasons(js: JobStatus, api_level: int, package_stopped: bool) -> tuple[int, ...]:
    """Every reason the job is held back, in ``getPendingJobReason``'s order (UNDEFINED if none)."""
    reasons: list[int] = []
    if package_stopped:
        reasons.append(_R.PENDING_JOB_REASON_USER)
    if not js.satisfied & B.BACKGROUND_NOT_RESTRICTED:
        reasons.append(_R.PENDING_JOB_REASON_BACKGROUND_RESTRICTION if js.user_bg_restricted
                       else _R.PENDING_JOB_REASON_DEVICE_STATE)
    parts = js.ready_parts(api_level)
    if not parts["not_dozing"] and _R.PENDING_JOB_REASON_DEVICE_STATE not in reasons:
        reasons.append(_R.PENDING_JOB_REASON_DEVICE_STATE)
    if js.bucket in (StandbyBucket.RESTRICTED, StandbyBucket.NEVER) and not js.is_ready(api_level):
        reasons.append(_R.PENDING_JOB_REASON_APP_STANDBY)
    if not parts["within_quota"]:
        reasons.append(_R.PENDING_JOB_REASON_QUOTA)
    missing = js.required & ~js.satisfied
    if not js.deadline_satisfied():
        reasons += [reason for bit, reason in MISSING_CONSTRAINT_REASONS if missing & bit]
    return tuple(int(r) for r in reasons) or (int(_R.PENDING_JOB_REASON_UNDEFINED),)


def record(svc: JobSchedulerService, js: JobStatus, now: int) -> None:
    """After an evaluation (36+): note the reasons of a job that is not running."""
    if svc.api_level < 36 or svc.is_active(js):
        return
    reasons = all_reasons(js, svc.api_level, svc.facts.package_stopped(js.package))
    js.pending_record.update(reasons, now, int(svc.clock.wall_time() * 1000))


def _find(svc: JobSchedulerService, uid: int, job_id: int, namespace: str | None) -> JobStatus | None:
    return svc.jobs.get((uid, namespace, job_id))


def get_pending_job_reasons(svc: JobSchedulerService, uid: int, job_id: int,
                            namespace: str | None = None) -> list[int]:
    """``JobScheduler.getPendingJobReasons`` (36)."""
    js = _find(svc, uid, job_id, namespace)
    if js is None:
        return [int(_R.PENDING_JOB_REASON_INVALID_JOB_ID)]
    if svc.is_active(js):
        return [int(_R.PENDING_JOB_REASON_EXECUTING)]
    return list(all_reasons(js, svc.api_level, svc.facts.package_stopped(js.package)))


def get_pending_job_reasons_history(svc: JobSchedulerService, uid: int, job_id: int,
                                    namespace: str | None = None) -> list[tuple[int, tuple[int, ...]]]:
    """``getPendingJobReasonsHistory`` (36): (timestamp ms, reasons), oldest first."""
    js = _find(svc, uid, job_id, namespace)
    return [] if js is None else list(js.pending_record.history)


def get_pending_job_reason_stats(svc: JobSchedulerService, uid: int, job_id: int,
                                 namespace: str | None = None) -> dict[int, int]:
    """``getPendingJobReasonStats`` (37): reason → cumulative ms waited for it."""
    js = _find(svc, uid, job_id, namespace)
    return {} if js is None else js.pending_record.stats(svc.now())
