"""The JobStatus that replaces a finished one: backoff after a failure, the next period.

Sources (``apex/jobscheduler/service/java/com/android/server/job/JobSchedulerService.java``):

* ``getRescheduleJobForFailureLocked``: linear ``initial * n`` or exponential
  ``initial * 2^(n-1)`` backoff, capped at 5 h, for ``jobFinished(true)`` and ``onStopJob ->
  true``. From 14 the internal reasons of :data:`SYSTEM_STOPS` count as system stops, not app
  failures, and the attempts are ``numFailures + numSystemStops / 3``, so a first constraint stop
  reschedules at once. Executing (dequeued, not completed) work goes to the front of the
  rescheduled job's queue (``JobStatus.stopTrackingJobLocked``) and is redelivered with delivery
  count 2.
* 16+ (API 36, 37) -- ``getRescheduleJobForFailureLocked`` and ``shouldUseAggressiveBackoff`` of
  yaap/frameworks_base ``apex/jobscheduler/service/java/com/android/server/job/
  JobSchedulerService.java`` @3ddcaa00537ad17c17a59c73990d12441d689aaf (an Android 16 tree), with
  the flag ``android.app.job.handle_abandoned_jobs`` on (a decompiled Android 16 framework's
  ``FeatureFlagsImpl``) and the compat change ``OVERRIDE_HANDLE_ABANDONED_JOBS`` off (its default):
  a stop with internal reason SUCCESSFUL_FINISH, TIMEOUT or ANR, or with public reason USER, is a
  failure; one with INTERNAL_STOP_REASON_TIMEOUT_ABANDONED is a failure **and** an abandoned
  failure (``mNumAbandonedFailures``); every other stop is a system stop. Once the abandoned
  failures exceed ``abandoned_job_timeouts_before_aggressive_backoff`` (``Constants``, default 3)
  the policy becomes exponential whatever the job asked for; the delay is then the usual
  ``max(initial, min_exp_backoff_time_ms 10 s) * 2^(attempts-1)`` with ``attempts = failures +
  system stops / system_stop_to_failure_ratio (3)``, capped at 5 h. ``mNumAbandonedFailures``
  carries over to each rescheduled JobStatus; it is not printed by ``dumpsys``.
* ``getRescheduleJobForPeriodic``: the next window ends one interval after the current one (or
  after now, if that passed) and opens ``flex`` before its end.
* Both build the new JobStatus with the rescheduling constructor, which (17) clones the pending
  reason stats of the old one (muhomorr/platform_frameworks_base-15 ``…/job/controllers/
  JobStatus.java`` @a7059b050d1e015e0085fc356ef439b5a38439d5; :mod:`.pending_record`).
* ``JobInfo.Builder.setPeriodic`` sets ``mHasEarlyConstraint = mHasLateConstraint = true``, so
  every JobStatus of a periodic job -- the first and each one copied from it -- requires
  TIMING_DELAY and DEADLINE (:data:`PERIODIC_CONSTRAINTS`).
"""

from __future__ import annotations

from jobctl_sim.framework.jobscheduler.constraints import B
from jobctl_sim.framework.jobscheduler.model import (
    MAX_BACKOFF_DELAY_MILLIS,
    BackoffPolicy,
    InternalStopReason,
    JobParameters,
    StopReason,
)
from jobctl_sim.framework.jobscheduler.status import NO_LATEST_RUNTIME, JobStatus

PERIODIC_CONSTRAINTS = B.TIMING_DELAY | B.DEADLINE

SYSTEM_STOPS = frozenset({
    InternalStopReason.INTERNAL_STOP_REASON_CONSTRAINTS_NOT_SATISFIED,
    InternalStopReason.INTERNAL_STOP_REASON_PREEMPT,
    InternalStopReason.INTERNAL_STOP_REASON_DEVICE_IDLE,
    InternalStopReason.INTERNAL_STOP_REASON_DEVICE_THERMAL,
    InternalStopReason.INTERNAL_STOP_REASON_RESTRICTED_BUCKET,
    InternalStopReason.INTERNAL_STOP_REASON_RTC_UPDATED,
})
"""Internal reasons counted as system stops, not app failures."""


APP_FAILURES = frozenset({
    InternalStopReason.INTERNAL_STOP_REASON_SUCCESSFUL_FINISH,
    InternalStopReason.INTERNAL_STOP_REASON_TIMEOUT,
    InternalStopReason.INTERNAL_STOP_REASON_ANR,
})
"""16: internal reasons counted as the app's failures (with any stop whose public reason is USER)."""

ABANDONED_TIMEOUTS_BEFORE_AGGRESSIVE_BACKOFF = 3
"""``Constants.DEFAULT_ABANDONED_JOB_TIMEOUTS_BEFORE_AGGRESSIVE_BACKOFF``."""


def _counts_16(js: JobStatus, stop_reason: int, internal: int) -> tuple[int, int, int]:
    """(failures, system stops, abandoned failures) after this stop, as Android 16 counts them."""
    failures, system_stops, abandoned = js.num_failures, js.num_system_stops, js.num_abandoned_failures
    if internal in APP_FAILURES or stop_reason == StopReason.STOP_REASON_USER:
        failures += 1
    elif internal == InternalStopReason.INTERNAL_STOP_REASON_TIMEOUT_ABANDONED:
        failures, abandoned = failures + 1, abandoned + 1
    else:
        system_stops += 1
    return failures, system_stops, abandoned


def for_failure(js: JobStatus, now: int, params: JobParameters, ident: int, api_level: int) -> JobStatus:
    """``getRescheduleJobForFailureLocked`` for the stop reasons in ``params``."""
    internal = params.internal_stop_reason
    if api_level >= 36:
        failures, system_stops, abandoned = _counts_16(js, params.stop_reason, internal)
    else:
        failures, system_stops, abandoned = js.num_failures, js.num_system_stops, js.num_abandoned_failures
        if internal in SYSTEM_STOPS:
            system_stops += 1
        else:
            failures += 1
    attempts = failures + system_stops // 3
    initial = js.job.initial_backoff_ms
    aggressive = abandoned > ABANDONED_TIMEOUTS_BEFORE_AGGRESSIVE_BACKOFF
    if attempts <= 0:
        delay = 0
    elif js.job.backoff_policy == BackoffPolicy.LINEAR and not aggressive:
        delay = initial * attempts
    else:
        delay = initial * (2 ** (attempts - 1))
    delay = min(delay, MAX_BACKOFF_DELAY_MILLIS)
    new = JobStatus(js.job, js.uid, js.package, js.namespace, now,
                    earliest_ms=now + delay if delay else 0,
                    latest_ms=NO_LATEST_RUNTIME if not js.job.periodic else js.latest_ms,
                    num_failures=failures, work=js.work.carry_over(), ident=ident)
    new.num_system_stops = system_stops
    new.num_abandoned_failures = abandoned
    new.pending_record.carry_stats(js.pending_record)
    if delay:
        new.required |= B.TIMING_DELAY
    if js.job.periodic:
        new.required |= PERIODIC_CONSTRAINTS
    return new


def for_next_period(js: JobStatus, now: int, ident: int) -> JobStatus:
    """``getRescheduleJobForPeriodic``."""
    interval, flex = js.job.interval_ms, js.job.flex_ms
    base = js.latest_ms if js.latest_ms != NO_LATEST_RUNTIME and js.latest_ms > now else now
    latest = base + interval
    new = JobStatus(js.job, js.uid, js.package, js.namespace, now, earliest_ms=latest - flex,
                    latest_ms=latest, work=js.work.carry_over(), ident=ident)
    new.required |= PERIODIC_CONSTRAINTS  # or the next period would start at once, again and again
    new.pending_record.carry_stats(js.pending_record)
    return new

