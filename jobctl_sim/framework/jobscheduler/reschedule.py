"""The JobStatus that replaces a finished one: backoff after a failure, the next period.

Sources (``apex/jobscheduler/service/java/com/android/server/job/JobSchedulerService.java``):

* ``getRescheduleJobForFailureLocked``: linear ``initial * n`` or exponential
  ``initial * 2^(n-1)`` backoff, capped at 5 h, for ``jobFinished(true)`` and ``onStopJob ->
  true``. From 14 the internal reasons of :data:`SYSTEM_STOPS` count as system stops, not app
  failures, and the attempts are ``numFailures + numSystemStops / 3``, so a first constraint stop
  reschedules at once. Executing (dequeued, not completed) work goes to the front of the
  rescheduled job's queue (``JobStatus.stopTrackingJobLocked``) and is redelivered with delivery
  count 2.
* 16+ (API 36): a stop with INTERNAL_STOP_REASON_TIMEOUT_ABANDONED counts as a failure and an
  abandoned failure (``mNumAbandonedFailures``); once the abandoned failures exceed
  ``abandoned_job_timeouts_before_aggressive_backoff`` (default 3, ``JobSchedulerService.Constants``)
  ``shouldUseAggressiveBackoff`` is true and the backoff is exponential whatever the job's policy
  [I: the exact aggressive formula was not readable in the decompiled sources; exponential from
  the job's initial backoff is assumed].
* ``getRescheduleJobForPeriodic``: the next window ends one interval after the current one (or
  after now, if that passed) and opens ``flex`` before its end.
* ``JobInfo.Builder.setPeriodic`` sets ``mHasEarlyConstraint = mHasLateConstraint = true``, so
  every JobStatus of a periodic job -- the first and each one copied from it -- requires
  TIMING_DELAY and DEADLINE (:data:`PERIODIC_CONSTRAINTS`).
"""

from __future__ import annotations

from jobctl_sim.framework.jobscheduler.constraints import B
from jobctl_sim.framework.jobscheduler.model import MAX_BACKOFF_DELAY_MILLIS, BackoffPolicy, InternalStopReason
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


ABANDONED_TIMEOUTS_BEFORE_AGGRESSIVE_BACKOFF = 3


def for_failure(js: JobStatus, now: int, internal: int, ident: int) -> JobStatus:
    """``getRescheduleJobForFailureLocked``."""
    failures, system_stops = js.num_failures, js.num_system_stops
    abandoned = js.num_abandoned_failures
    if internal in SYSTEM_STOPS:
        system_stops += 1
    else:
        failures += 1
    if internal == InternalStopReason.INTERNAL_STOP_REASON_TIMEOUT_ABANDONED:
        abandoned += 1
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
    return new

