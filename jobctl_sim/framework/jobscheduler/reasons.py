"""Why a job is not running: the stop reason of a job that lost readiness, the pending reason.

Sources (``apex/jobscheduler/service/java/com/android/server/job/``):

* ``controllers/JobStatus.java`` ``mReasonReadyToUnready``: the constraint a ready job lost
  decides its stop reason (:func:`~.constraints.stop_reason_for_lost`); the implicit ones are
  looked at first; a job in the NEVER bucket stops for QUOTA;
* ``JobSchedulerService.getPendingJobReason`` (34+): a stopped package is USER; background
  restriction is BACKGROUND_RESTRICTION when the user restricted the app, else DEVICE_STATE
  (battery saver), as is Doze; a RESTRICTED or NEVER bucket job not ready is APP_STANDBY; out of
  quota is QUOTA; then the first missing functional constraint in the order below, unless an
  expired deadline makes it ready anyway. On 36+ the singular getter is the first of
  ``getPendingJobReasons`` (:mod:`.pending_history`, from an Android 16 tree).
"""

from __future__ import annotations

from jobctl_sim.framework.jobscheduler.constraints import PRINT_ORDER, B, C, stop_reason_for_lost
from jobctl_sim.framework.jobscheduler.model import PendingJobReason, StopReason
from jobctl_sim.framework.jobscheduler.status import JobStatus
from jobctl_sim.framework.aosp_constants import StandbyBucket

_R = PendingJobReason
MISSING_CONSTRAINT_REASONS: tuple[tuple[int, PendingJobReason], ...] = (
    (B.CHARGING, _R.PENDING_JOB_REASON_CONSTRAINT_CHARGING),
    (B.BATTERY_NOT_LOW, _R.PENDING_JOB_REASON_CONSTRAINT_BATTERY_NOT_LOW),
    (B.STORAGE_NOT_LOW, _R.PENDING_JOB_REASON_CONSTRAINT_STORAGE_NOT_LOW),
    (B.IDLE, _R.PENDING_JOB_REASON_CONSTRAINT_DEVICE_IDLE),
    (B.CONNECTIVITY, _R.PENDING_JOB_REASON_CONSTRAINT_CONNECTIVITY),
    (B.CONTENT_TRIGGER, _R.PENDING_JOB_REASON_CONSTRAINT_CONTENT_TRIGGER),
    (B.TIMING_DELAY, _R.PENDING_JOB_REASON_CONSTRAINT_MINIMUM_LATENCY),
)


def lost_reason(js: JobStatus, before: int) -> StopReason:
    """The stop reason for a job that was ready with ``before`` satisfied and is not now."""
    relevant = js.required | js.dynamic_required | C.DEVICE_NOT_DOZING | C.BACKGROUND_NOT_RESTRICTED | C.WITHIN_QUOTA
    lost = before & ~js.satisfied & relevant
    for bit in (C.DEVICE_NOT_DOZING, C.BACKGROUND_NOT_RESTRICTED, C.WITHIN_QUOTA, *PRINT_ORDER):
        if lost & bit:
            return stop_reason_for_lost(bit, js.required, js.user_bg_restricted)
    if js.bucket == StandbyBucket.NEVER:
        return StopReason.STOP_REASON_QUOTA
    return StopReason.STOP_REASON_UNDEFINED


def pending_reason(js: JobStatus, api_level: int, package_stopped: bool) -> PendingJobReason:
    """``getPendingJobReason`` of a tracked job that is not executing."""
    if package_stopped:
        return _R.PENDING_JOB_REASON_USER
    if not js.satisfied & C.BACKGROUND_NOT_RESTRICTED:
        if js.user_bg_restricted:
            return _R.PENDING_JOB_REASON_BACKGROUND_RESTRICTION
        return _R.PENDING_JOB_REASON_DEVICE_STATE
    parts = js.ready_parts(api_level)
    if not parts["not_dozing"]:
        return _R.PENDING_JOB_REASON_DEVICE_STATE
    standby_held = js.bucket == StandbyBucket.RESTRICTED or (
        js.bucket == StandbyBucket.NEVER and not parts["within_quota"])
    if standby_held and not js.is_ready(api_level):
        return _R.PENDING_JOB_REASON_APP_STANDBY
    if not parts["within_quota"]:
        return _R.PENDING_JOB_REASON_QUOTA
    missing = js.required & ~js.satisfied
    for bit, reason in MISSING_CONSTRAINT_REASONS:
        if missing & bit and not js.deadline_satisfied():
            return reason
    return _R.PENDING_JOB_REASON_UNDEFINED
