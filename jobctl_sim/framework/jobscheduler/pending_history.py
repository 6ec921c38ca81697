"""Why a job waits, over time: ``getPendingJobReasons``, ``…History`` (API 36), ``…Stats`` (37).

Sources: the Android 16 tree yaap/frameworks_base @3ddcaa00537ad17c17a59c73990d12441d689aaf, read
in full -- ``apex/jobscheduler/service/java/com/android/server/job/JobSchedulerService.java``
(``getPendingJobReasons``/``getPendingJobReasonsLocked``/``getPendingJobReasonsHistory``, and the
binder stub's ``getPendingJobReason`` = ``getPendingJobReasons(…)[0]``) and
``…/job/controllers/JobStatus.java`` (``getPendingJobReasons(restriction)``,
``constraintsToPendingJobReasons``, ``populatePendingJobReasonsHistoryMap``,
``getPendingJobReasonsHistory``); the API shape is ``apex/jobscheduler/framework/java/android/app/
job/JobScheduler.java`` (``int[] getPendingJobReasons(int)``, ``List<PendingJobReasonsInfo>
getPendingJobReasonsHistory(int)``, 37 ``Map<Integer, Duration> getPendingJobReasonStats(int)``).
The flags ``get_pending_job_reasons_api`` and ``…_history_api`` are on in a decompiled Android 16
framework's ``FeatureFlagsImpl``.

* **Reasons now** (:func:`get_pending_job_reasons`): an unknown job is ``[INVALID_JOB_ID]``, a
  running one ``[EXECUTING]``. A job that is not ready gets the reasons of its unsatisfied
  constraints -- ``~satisfied & (required | dynamic | BACKGROUND_NOT_RESTRICTED | DEVICE_NOT_DOZING
  | FLEXIBILITY | WITHIN_QUOTA)``, FLEXIBILITY left out (:data:`IMPLICIT_16`) -- in
  :func:`constraint_reasons`' fixed order: background
  restriction (BACKGROUND_RESTRICTION if the user restricted the app, else DEVICE_STATE), Doze
  (DEVICE_STATE once), battery-not-low, charging, idle (their CONSTRAINT_* reason when the job asked
  for them, else APP_STANDBY once: the RESTRICTED bucket's dynamic constraints), connectivity,
  content trigger, flexibility (JOB_SCHEDULER_OPTIMIZATION), prefetch, storage, timing delay
  (MINIMUM_LATENCY), quota, deadline (CONSTRAINT_DEADLINE, 16). None of them: USER in the NEVER
  bucket, else APP (the component is present). A ready job that is not running waits in the pending
  queue: DEVICE_STATE; otherwise UNDEFINED. ``getPendingJobReason`` is the first of these on 36+.
* **History** (:func:`record`): ``setConstraintSatisfied`` appends one ``PendingJobReasonsInfo``
  at every change of a satisfied constraint -- whether or not the job runs -- stamped with the
  wall-clock time of the change: ``[APP]`` when the change leaves the job ready, else its
  constraint reasons (``[UNDEFINED]`` if none). Same reasons are not merged. The list is trimmed
  to its last 10 entries once it holds 25 (``PENDING_JOB_HISTORY_TRIM_THRESHOLD``) and the getter
  returns the last 10 (``PENDING_JOB_HISTORY_RETURN_LIMIT``), oldest first; a rescheduled job is a
  new JobStatus with an empty history. The model records once per change of the satisfied set
  (AOSP: once per constraint bit, in controller order).
* **Stats** (37; :func:`get_pending_job_reason_stats`, :func:`_count_changes`): the Android 17 tree
  muhomorr/platform_frameworks_base-15 -- ``apex/jobscheduler/service/java/com/android/server/job/
  controllers/JobStatus.java`` @a7059b050d1e015e0085fc356ef439b5a38439d5
  (``setConstraintSatisfied`` → ``updatePendingJobReasonStats``, ``constraintToPendingJobReason``,
  ``getPendingJobReasonStats``) and ``…/job/JobSchedulerService.java``
  @f6fe7399dbe2968abc60ed3e1e4234846affb0ef (``getPendingJobReasonStats``, the binder stub,
  ``startTrackingJobLocked`` setting ``enqueueTime``); the API is ``apex/jobscheduler/framework/
  java/android/app/job/JobScheduler.java`` @fafd196af8ffdd862b857a438a4afb5e5007a89c (``Map<Integer,
  Duration> getPendingJobReasonStats(int)``; the service sends ``Map<String, ParcelDuration>``, the
  reason as a decimal string, ``new ParcelDuration(ms)`` = ``Duration.ofMillis``). Each changed
  constraint bit -- whether or not the job runs -- is mapped to one reason (the reason
  :func:`constraint_reasons` gives that bit alone) and counted by
  :meth:`.PendingReasonsRecord.constraint_changed`; the query adds the open spans of the reasons the
  job waits for now (:meth:`.PendingReasonsRecord.stats`). Units are ms of elapsed realtime; the
  map has no order (the helper sorts it). The bits of one evaluation are taken in the order of the
  service's controller list (Prefetch, Flexibility, Connectivity, Time, Idle, Battery, Storage,
  Background, ContentObserver, DeviceIdle, Quota); within the battery controller charging before
  battery-not-low (``BatteryController.maybeReportNewChargingStateLocked``, Neoteric-OS/
  android_frameworks_base @03d59b3c281cf1b7a58f7cf5ba02a2ae9535c9f5) -- it matters only when both
  stand for APP_STANDBY, in the RESTRICTED bucket.
  A job the platform does not track for a constraint never has that bit set or cleared: only
  ``required | dynamic (less connectivity, as addDynamicConstraints drops it for a job without a
  network) | IMPLICIT`` bits are followed.
* **An unknown job** (no JobStatus for uid, namespace, id): ``getPendingJobReasons`` answers
  ``[INVALID_JOB_ID]``, while ``getPendingJobReasonsHistory`` and (37) ``getPendingJobReasonStats``
  throw ``IllegalArgumentException`` -- ``Invalid job id`` in the 16 tree, ``Job not found for
  uid=<uid>, namespace=<ns>, jobId=<id>`` (``null`` for the default namespace) in the 17 tree. The
  binder stubs do not catch it, and ``JobSchedulerImpl`` catches only ``RemoteException`` (a
  decompiled Android 16 ``framework.jar``), so the app gets the exception with its message
  (``Parcel.writeException`` carries ``IllegalArgumentException``).

Model choices (no 16 source): a ready job of a stopped package (the model's never-launched state)
answers USER; the 16 answer cache (``mPendingJobReasonsCache``, cleared when the job is re-tracked)
is not modelled, so the answer is always current.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobctl_sim.framework.aosp_constants import StandbyBucket
from jobctl_sim.framework.jobscheduler.constraints import B
from jobctl_sim.framework.jobscheduler.model import PendingJobReason
from jobctl_sim.framework.jobscheduler.status import JobStatus
from jobctl_sim.framework.shell_command import IllegalArgumentException

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.service import JobSchedulerService

_R = PendingJobReason
IMPLICIT_16 = B.BACKGROUND_NOT_RESTRICTED | B.DEVICE_NOT_DOZING | B.WITHIN_QUOTA
"""``JobStatus.IMPLICIT_CONSTRAINTS`` less FLEXIBILITY: the model has no FlexibilityController (no job
requires the flex constraint, nothing satisfies it), so JOB_SCHEDULER_OPTIMIZATION never shows."""

_AFTER_POWER: tuple[tuple[int, PendingJobReason], ...] = (
    (B.CONNECTIVITY, _R.PENDING_JOB_REASON_CONSTRAINT_CONNECTIVITY),
    (B.CONTENT_TRIGGER, _R.PENDING_JOB_REASON_CONSTRAINT_CONTENT_TRIGGER),
    (B.FLEXIBILITY, _R.PENDING_JOB_REASON_JOB_SCHEDULER_OPTIMIZATION),
    (B.PREFETCH, _R.PENDING_JOB_REASON_CONSTRAINT_PREFETCH),
    (B.STORAGE_NOT_LOW, _R.PENDING_JOB_REASON_CONSTRAINT_STORAGE_NOT_LOW),
    (B.TIMING_DELAY, _R.PENDING_JOB_REASON_CONSTRAINT_MINIMUM_LATENCY),
    (B.WITHIN_QUOTA, _R.PENDING_JOB_REASON_QUOTA),
    (B.DEADLINE, _R.PENDING_JOB_REASON_CONSTRAINT_DEADLINE),
)
_POWER: tuple[tuple[int, PendingJobReason], ...] = (
    (B.BATTERY_NOT_LOW, _R.PENDING_JOB_REASON_CONSTRAINT_BATTERY_NOT_LOW),
    (B.CHARGING, _R.PENDING_JOB_REASON_CONSTRAINT_CHARGING),
    (B.IDLE, _R.PENDING_JOB_REASON_CONSTRAINT_DEVICE_IDLE),
)


def unsatisfied_16(js: JobStatus) -> int:
    """``~satisfied & (required | dynamic | IMPLICIT_CONSTRAINTS)``; an app on the Doze whitelist
    has DEVICE_NOT_DOZING satisfied (DeviceIdleJobsController)."""
    satisfied = js.satisfied | (B.DEVICE_NOT_DOZING if js.doze_exempt else 0)
    return ~satisfied & (js.required | js.dynamic_required | IMPLICIT_16)


def constraint_reasons(js: JobStatus, unsatisfied: int) -> list[int]:
    """``JobStatus.constraintsToPendingJobReasons`` (16)."""
    reasons: list[int] = []
    if unsatisfied & B.BACKGROUND_NOT_RESTRICTED:
        reasons.append(_R.PENDING_JOB_REASON_BACKGROUND_RESTRICTION if js.user_bg_restricted
                       else _R.PENDING_JOB_REASON_DEVICE_STATE)
    if unsatisfied & B.DEVICE_NOT_DOZING and _R.PENDING_JOB_REASON_DEVICE_STATE not in reasons:
        reasons.append(_R.PENDING_JOB_REASON_DEVICE_STATE)
    for bit, reason in _POWER:
        if not unsatisfied & bit:
            continue
        if js.required & bit:
            reasons.append(reason)
        elif _R.PENDING_JOB_REASON_APP_STANDBY not in reasons:
            reasons.append(_R.PENDING_JOB_REASON_APP_STANDBY)
    reasons += [reason for bit, reason in _AFTER_POWER if unsatisfied & bit]
    return [int(r) for r in reasons]


def _not_ready_reasons(js: JobStatus) -> list[int]:
    """``JobStatus.getPendingJobReasons(null)``: the constraints, else USER (NEVER) or APP."""
    reasons = constraint_reasons(js, unsatisfied_16(js))
    if reasons:
        return reasons
    return [int(_R.PENDING_JOB_REASON_USER if js.bucket == StandbyBucket.NEVER else _R.PENDING_JOB_REASON_APP)]


def all_reasons(svc: JobSchedulerService, js: JobStatus) -> list[int]:
    """``getPendingJobReasonsLocked`` for a tracked job that is not running."""
    if not js.is_ready(svc.api_level):
        return _not_ready_reasons(js)
    if svc.facts.package_stopped(js.package):
        return [int(_R.PENDING_JOB_REASON_USER)]
    if js in svc.pending:
        return [int(_R.PENDING_JOB_REASON_DEVICE_STATE)]
    return [int(_R.PENDING_JOB_REASON_UNDEFINED)]


def record(svc: JobSchedulerService, js: JobStatus, now: int) -> None:
    """After an evaluation: the ``Constraint history:`` entry (every level), on 36+ the pending
    reasons history entry of a change of the satisfied set, and on 37 the stats of each changed bit."""
    js.record_constraints(now)
    if svc.api_level < 36:
        return
    kept = js.pending_record
    if js.satisfied != kept.last_satisfied:
        kept.last_satisfied = js.satisfied
        if js.is_ready(svc.api_level):
            reasons = [int(_R.PENDING_JOB_REASON_APP)]
        else:
            reasons = constraint_reasons(js, unsatisfied_16(js)) or [int(_R.PENDING_JOB_REASON_UNDEFINED)]
        kept.append(tuple(reasons), int(svc.clock.wall_time() * 1000))
    if svc.api_level >= 37:
        _count_changes(js, now)


_CONTROLLER_BITS = (
    B.PREFETCH, B.FLEXIBILITY, B.CONNECTIVITY, B.TIMING_DELAY, B.DEADLINE, B.IDLE, B.CHARGING,
    B.BATTERY_NOT_LOW, B.STORAGE_NOT_LOW, B.BACKGROUND_NOT_RESTRICTED, B.CONTENT_TRIGGER,
    B.DEVICE_NOT_DOZING, B.WITHIN_QUOTA,
)
"""The constraint bits in the order of ``JobSchedulerService``'s controller list (17)."""


def _count_changes(js: JobStatus, now: int) -> None:
    """``updatePendingJobReasonStats`` for each bit ``setConstraintSatisfied`` changed (37)."""
    kept = js.pending_record
    followed = js.required | (js.dynamic_required & ~B.CONNECTIVITY) | IMPLICIT_16
    satisfied = js.satisfied | (B.DEVICE_NOT_DOZING if js.doze_exempt else 0)
    changed = (satisfied ^ kept.stats_satisfied) & followed
    if not changed:
        return
    for bit in _CONTROLLER_BITS:
        if changed & bit:
            for reason in constraint_reasons(js, bit):  # constraintToPendingJobReason: one reason
                kept.constraint_changed(reason, bool(satisfied & bit), now, js.enqueue_time_ms)
    kept.stats_satisfied = (kept.stats_satisfied & ~changed) | (satisfied & changed)


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
    return all_reasons(svc, js)


def _tracked(svc: JobSchedulerService, uid: int, job_id: int, namespace: str | None) -> JobStatus:
    """The job, else the service's ``IllegalArgumentException`` (16 and 17 texts differ)."""
    js = _find(svc, uid, job_id, namespace)
    if js is not None:
        return js
    if svc.api_level < 37:
        raise IllegalArgumentException("Invalid job id")
    shown = "null" if namespace is None else namespace
    raise IllegalArgumentException(f"Job not found for uid={uid}, namespace={shown}, jobId={job_id}")


def get_pending_job_reasons_history(svc: JobSchedulerService, uid: int, job_id: int,
                                    namespace: str | None = None) -> list[tuple[int, tuple[int, ...]]]:
    """``getPendingJobReasonsHistory`` (36): (timestamp ms, reasons), the last 10, oldest first;
    an unknown job raises ``IllegalArgumentException``."""
    return _tracked(svc, uid, job_id, namespace).pending_record.returned_history()


def get_pending_job_reason_stats(svc: JobSchedulerService, uid: int, job_id: int,
                                 namespace: str | None = None) -> dict[int, int]:
    """``getPendingJobReasonStats`` (37): reason → ms waited for it (unordered); an unknown job
    raises ``IllegalArgumentException``."""
    js = _tracked(svc, uid, job_id, namespace)
    return js.pending_record.stats(constraint_reasons(js, unsatisfied_16(js)), svc.now(), js.enqueue_time_ms)
