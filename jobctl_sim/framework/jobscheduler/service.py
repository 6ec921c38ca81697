"""JobSchedulerService: jobs per uid and namespace, readiness, execution, stop reasons.

Fidelity notes (frameworks/base ``apex/jobscheduler/service/java/com/android/server/job/``):

* ``JobSchedulerService.scheduleAsPackage``: the 150-job limit per uid is
  ``mJobs.countJobsForUid(uId) > MAX_JOBS_PER_APP``, checked before the new job is tracked and
  counting the job it replaces (``IllegalStateException``; 100 before Android 12): an app can
  hold 151 jobs, and with 151 even a reschedule of one of them throws; only the enqueue fast
  path (same JobInfo, work added to the existing job) skips it. An existing job with the
  same (uid, namespace, id) is replaced and, if running, stopped with CANCELLED_BY_APP
  (``cancelJobImplLocked(…, STOP_REASON_CANCELLED_BY_APP, INTERNAL_STOP_REASON_CANCELED,
  "job rescheduled by app")``).
* ``enqueue`` with an equal JobInfo adds the work to the existing job without restarting it.
* ``PACKAGE_RESTARTED`` (force-stop) cancels every job of the package with STOP_REASON_USER /
  INTERNAL_STOP_REASON_CANCELED, debug ``app force stopped`` (decompiled 13/14 smali: const
  0xd, 0x0). Uninstall: STOP_REASON_USER / INTERNAL_STOP_REASON_UNINSTALL, ``app uninstalled``.
* A running job that stops being ready is stopped with the reason of the constraint it lost
  (``JobStatus.mReasonReadyToUnready``), internal CONSTRAINTS_NOT_SATISFIED and debug
  ``cancelled due to unsatisfied constraints``; a RESTRICTED-bucket job losing a dynamic
  constraint gets APP_STANDBY / RESTRICTED_BUCKET, ``cancelled due to restricted bucket``
  (``JobConcurrencyManager.stopNonReadyActiveJobsLocked``).
* ``run -f``/``run -s`` set ``JobStatus.overrideState`` (``executeRunCommand``); nothing clears
  it while the job runs (``isConstraintsSatisfied`` keeps answering true for OVERRIDE_FULL), so
  losing a constraint does not stop a forced run. Rescheduling creates a new JobStatus without it.
* ``JobServiceContext``: the execution limit (regular 10 min; expedited 3 min; user-initiated
  12 h [I]) ends in onStopJob with TIMEOUT/INTERNAL_TIMEOUT and the log line
  ``Client timed out while executing (no jobFinished received). Sending onStop: …`` (13+;
  12: ``…received), sending onStop: …``; ≤11: ``…received). sending onStop. …``).
  Process death (``onServiceDisconnected``) closes the job with reschedule, ``unexpectedly
  disconnected``, stop reason left UNDEFINED.
* Backoff (``getRescheduleJobForFailureLocked``): linear ``initial × n`` or exponential
  ``initial × 2^(n-1)``, capped at 5 h, for ``jobFinished(true)`` and ``onStopJob → true``.
  Executing (dequeued, not completed) work goes to the front of the rescheduled job's queue
  (``JobStatus.stopTrackingJobLocked``) and is redelivered with delivery count 2.

Simplifications (documented in the package README/report): quota is time-in-window per bucket
without sessions, one concurrency limit (16, ``MAX_JOB_CONTEXTS_COUNT``) without work types,
no preemption, no flexibility/prefetch controllers, single user (0).
"""

from __future__ import annotations

import asyncio
import collections
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from jobctl_sim.framework.jobscheduler.constraints import PRINT_ORDER, C, DeviceFacts, stop_reason_for_lost
from jobctl_sim.framework.jobscheduler.errors import (
    IllegalArgumentException,
    IllegalStateException,
    NullPointerException,
    SecurityException,
)
from jobctl_sim.framework.jobscheduler.model import (
    ACCESS_NETWORK_STATE,
    BIND_JOB_SERVICE,
    MAX_BACKOFF_DELAY_MILLIS,
    RECEIVE_BOOT_COMPLETED,
    RESULT_FAILURE,
    RESULT_SUCCESS,
    RUN_USER_INITIATED_JOBS,
    BackoffPolicy,
    InternalStopReason,
    JobInfo,
    JobParameters,
    JobWorkItem,
    NetworkHandle,
    Notification,
    PendingJobReason,
    StandbyBucket,
    StopReason,
)
from jobctl_sim.framework.jobscheduler.status import NO_LATEST_RUNTIME, JobStatus, Override
from jobctl_sim.framework.jobscheduler.timefmt import format_uid, user_id
from jobctl_sim.framework.jobscheduler.validation import enforce_validity, normalize, validate_namespace

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem

MAX_JOB_CONTEXTS_COUNT = 16
MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
REGULAR_LIMIT_MS = 10 * MINUTE_MS
EXPEDITED_LIMIT_MS = 3 * MINUTE_MS
USER_INITIATED_LIMIT_MS = 12 * HOUR_MS
IDLE_INACTIVITY_MS = 31 * MINUTE_MS
"""DeviceIdlenessTracker's screen-off inactivity threshold [I: order of magnitude only]."""
QUOTA_ALLOWED_MS = 10 * MINUTE_MS
QUOTA_WINDOW_MS = {
    StandbyBucket.WORKING_SET: 2 * HOUR_MS,
    StandbyBucket.FREQUENT: 8 * HOUR_MS,
    StandbyBucket.RARE: 24 * HOUR_MS,
    StandbyBucket.RESTRICTED: 24 * HOUR_MS,
}
"""QuotaController defaults: 10 min allowed per window (ACTIVE's window is 10 min, so an
ACTIVE app never runs out)."""
QUOTA_MAX_PERIOD_MS = 24 * HOUR_MS
"""QuotaController ``MAX_PERIOD_MS``: ``deleteObsoleteSessionsLocked`` forgets timing sessions
that ended this long ago (no window looks further back), so the record stays bounded."""
HISTORY_SIZE = 100
RECENTLY_COMPLETED = 20
DEFAULT_TRIGGER_UPDATE_DELAY = 10_000
DEFAULT_TRIGGER_MAX_DELAY = 120_000

Cancel = tuple[StopReason, int, str]
PERIODIC_CONSTRAINTS = C.TIMING_DELAY | C.DEADLINE
"""``JobInfo.Builder.setPeriodic`` sets ``mHasEarlyConstraint = mHasLateConstraint = true``, so
every JobStatus of a periodic job -- the first and each one ``getRescheduleJobForPeriodic`` /
``getRescheduleJobForFailureLocked`` copies from it -- requires TIMING_DELAY and DEADLINE."""


def max_jobs_per_uid(api_level: int) -> int:
    """150 from Android 12, 100 before (android-helper reference §3.2)."""
    return 150 if api_level >= 31 else 100


@dataclass
class Execution:
    """One running job (a JobServiceContext)."""

    handle: int
    status: JobStatus
    params: JobParameters
    started_ms: int
    started_wall: float
    timer: asyncio.TimerHandle | None = None
    stopping: bool = False
    finished: bool = False
    notification: tuple[int, Notification, int] | None = None


@dataclass
class HistoryEvent:
    """A JobPackageTracker history entry."""

    elapsed_ms: int
    start: bool
    status: JobStatus
    reason: str | None = None


@dataclass
class Completed:
    status: JobStatus
    elapsed_ms: int
    reason: str


@dataclass
class ContentWatch:
    first_change_ms: int
    timer: asyncio.TimerHandle | None = None
    uris: list[str] = field(default_factory=list)


class JobSchedulerService:
    """The model behind ``system.jobs``; see :mod:`.app_api` for the app-facing contract."""

    def __init__(self, system: "AndroidSystem") -> None:
        self.system = system
        self.clock = system.clock
        self.jobs: dict[tuple[int, str | None, int], JobStatus] = {}
        self.pending: list[JobStatus] = []
        self.active: dict[int, Execution] = {}
        self.history: collections.deque[HistoryEvent] = collections.deque(maxlen=HISTORY_SIZE)
        self.completed: collections.deque[Completed] = collections.deque(maxlen=RECENTLY_COMPLETED)
        self.monitor_battery = False
        self.battery_seq = -1
        self.storage_seq = -1
        self.dock_idle = False
        self.idle = False
        self.booted = True
        self.persisted: list[JobStatus] = []
        self.quota_used: dict[str, list[tuple[int, int]]] = {}
        self.schedule_quota_resets = 0
        self._handles = itertools.count(1)
        self._idents = itertools.count(0x3E6E5B, 0x1F3)
        self._pump_handle: asyncio.TimerHandle | None = None
        self._alarm: asyncio.TimerHandle | None = None
        self._idle_alarm: asyncio.TimerHandle | None = None
        self._content: dict[tuple[int, str | None, int], ContentWatch] = {}
        self._last_network: Any = None
        self.persist_stats = [0, 0, 0, 0, 0, 0]

    # ================================================================== facts
    @property
    def api_level(self) -> int:
        return self.system.api_level

    def now(self) -> int:
        return self.clock.elapsed_realtime_ms()

    def _fact(self, name: str) -> Any:
        return getattr(self.system, name, None)

    def battery_charging_raw(self) -> bool:
        battery = self._fact("battery")
        if battery is None:
            return False
        charging = bool(battery.charging)
        if self.api_level >= 35 and battery.power_connected and battery.level >= 70:
            return True  # 15: "considered charging" (adaptive charging), reference §3.3
        return charging

    def battery_not_low(self) -> bool:
        battery = self._fact("battery")
        return True if battery is None else not battery.battery_low

    def stable_power(self) -> bool:
        """BatteryController: charging and not low (``isOnStablePower``)."""
        return self.battery_charging_raw() and self.battery_not_low()

    def get_battery_charging(self) -> bool:
        """``get-battery-charging``: ≤13 stable power; 14+ BatteryStateTracker's charging."""
        return self.stable_power() if self.api_level <= 33 else self.battery_charging_raw()

    def storage_not_low(self) -> bool:
        storage = self._fact("storage")
        return True if storage is None else not storage.low

    def screen_on(self) -> bool:
        power = self._fact("power")
        return True if power is None else bool(power.screen_on)

    def device_facts(self) -> DeviceFacts:
        power = self._fact("power")
        conn = self._fact("connectivity")
        return DeviceFacts(
            api_level=self.api_level,
            charging=self.stable_power(),
            battery_not_low=self.battery_not_low(),
            storage_not_low=self.storage_not_low(),
            idle=self.idle,
            deep_doze=bool(power and power.deep_idle),
            battery_saver=bool(power and power.battery_saver),
            network=conn.default_network() if conn is not None else None,
        )

    def bucket(self, package: str) -> StandbyBucket:
        standby = self._fact("standby")
        if standby is None:
            return StandbyBucket.ACTIVE
        try:
            return StandbyBucket(standby.bucket(package))
        except ValueError:
            return StandbyBucket.ACTIVE

    def user_bg_restricted(self, uid: int, package: str) -> bool:
        appops = self._fact("appops")
        return appops is not None and appops.mode("RUN_ANY_IN_BACKGROUND", uid, package) == "ignore"

    def package_stopped(self, package: str) -> bool:
        packages = self._fact("packages")
        return packages is not None and packages.is_stopped(package)

    def package_uid(self, package: str | None, user: int = 0) -> int:
        packages = self._fact("packages")
        if package is None or packages is None:
            return -1
        facts = packages.get(package)
        return -1 if facts is None else facts.uid % 100000 + user * 100000

    def doze_exempt(self, package: str) -> bool:
        power = self._fact("power")
        check = getattr(power, "is_doze_allowlisted", None)
        return bool(check(package)) if callable(check) else False

    # ================================================================== quota
    def quota_window_used(self, package: str, bucket: StandbyBucket, now: int) -> int:
        window = QUOTA_WINDOW_MS.get(bucket)
        if window is None:
            return 0
        used = 0
        for start, end in self.quota_used.get(package, []):
            used += max(0, min(end, now) - max(start, now - window))
        for ex in self.active.values():
            if ex.status.package == package and not ex.status.job.user_initiated:
                used += max(0, now - max(ex.started_ms, now - window))
        return used

    def within_quota(self, js: JobStatus, now: int) -> bool:
        bucket = js.bucket
        if bucket == StandbyBucket.NEVER:
            return False
        if bucket in (StandbyBucket.EXEMPTED, StandbyBucket.ACTIVE):
            return True
        return self.quota_window_used(js.package, bucket, now) < QUOTA_ALLOWED_MS

    def _save_timing_session(self, package: str, start: int, end: int) -> None:
        """``saveTimingSession``, then ``deleteObsoleteSessionsLocked``: sessions that ended
        ``MAX_PERIOD_MS`` (24 h) ago or earlier are dropped."""
        sessions = self.quota_used.setdefault(package, [])
        sessions.append((start, end))
        sessions[:] = [s for s in sessions if s[1] > end - QUOTA_MAX_PERIOD_MS]

    def reset_execution_quota(self, package: str, user: int = 0) -> None:
        self.quota_used.pop(package, None)
        self.request_pump()

    def reset_schedule_quota(self) -> None:
        self.schedule_quota_resets += 1

    # ================================================================== evaluation
    def evaluate(self, js: JobStatus, facts: DeviceFacts, now: int) -> None:
        js.bucket = self.bucket(js.package)
        js.user_bg_restricted = self.user_bg_restricted(js.uid, js.package)
        js.doze_exempt = self.doze_exempt(js.package)
        js.evaluate(facts, now)
        not_dozing = not facts.deep_doze
        not_restricted = not js.user_bg_restricted and not (facts.battery_saver and not js.job.user_initiated)
        js.set_implicit(not_dozing, not_restricted, self.within_quota(js, now), self.api_level)

    def ready_to_execute(self, js: JobStatus) -> bool:
        """``isReadyToBeExecutedLocked``: ready, booted, package not stopped, not active."""
        return (
            self.booted
            and js.is_ready(self.api_level)
            and not self.package_stopped(js.package)
            and not self.is_active(js)
        )

    def is_active(self, js: JobStatus) -> bool:
        return any(ex.status is js for ex in self.active.values())

    def execution_for(self, js: JobStatus) -> Execution | None:
        for ex in self.active.values():
            if ex.status is js:
                return ex
        return None

    # ================================================================== pump
    def request_pump(self) -> None:
        """Queue a re-evaluation on the loop (``maybeRunPendingJobs`` via the handler)."""
        if self._pump_handle is not None:
            return
        try:
            self._pump_handle = self.clock.call_later(0, self._pump)
        except RuntimeError:  # no running loop: evaluate synchronously (unit use)
            self._pump()

    def _pump(self) -> None:
        self._pump_handle = None
        now = self.now()
        facts = self.device_facts()
        for js in list(self.jobs.values()):
            before = js.satisfied
            was_ready = js.is_ready(self.api_level)
            self.evaluate(js, facts, now)
            if was_ready and not js.is_ready(self.api_level):
                js.ready_to_unready_reason = self._lost_reason(js, before)
        self._network_changed(facts)
        self._stop_non_ready()
        self.pending = [js for js in self._sorted_jobs() if self.ready_to_execute(js)]
        while self.pending and len(self.active) < MAX_JOB_CONTEXTS_COUNT:
            self._start(self.pending.pop(0))
        self._arm_alarm(now)

    def _sorted_jobs(self) -> list[JobStatus]:
        def order(js: JobStatus) -> tuple[int, int, int]:
            return (-js.job.effective_priority, js.enqueue_time_ms, js.job_id)

        return sorted(self.jobs.values(), key=order)

    def _lost_reason(self, js: JobStatus, before: int) -> StopReason:
        relevant = js.required | js.dynamic_required | C.DEVICE_NOT_DOZING | C.BACKGROUND_NOT_RESTRICTED | C.WITHIN_QUOTA
        lost = before & ~js.satisfied & relevant
        for bit in (C.DEVICE_NOT_DOZING, C.BACKGROUND_NOT_RESTRICTED, C.WITHIN_QUOTA, *PRINT_ORDER):
            if lost & bit:
                return stop_reason_for_lost(bit, js.required, js.user_bg_restricted)
        if js.bucket == StandbyBucket.NEVER:
            return StopReason.STOP_REASON_QUOTA
        return StopReason.STOP_REASON_UNDEFINED

    def _stop_non_ready(self) -> None:
        for ex in list(self.active.values()):
            js = ex.status
            if ex.stopping or js.is_ready(self.api_level):
                continue
            reason = StopReason(js.ready_to_unready_reason or StopReason.STOP_REASON_UNDEFINED)
            if js.bucket == StandbyBucket.RESTRICTED and reason == StopReason.STOP_REASON_APP_STANDBY:
                self._stop(ex, reason, InternalStopReason.INTERNAL_STOP_REASON_RESTRICTED_BUCKET,
                           "cancelled due to restricted bucket")
            else:
                self._stop(ex, reason, InternalStopReason.INTERNAL_STOP_REASON_CONSTRAINTS_NOT_SATISFIED,
                           "cancelled due to unsatisfied constraints")

    def _arm_alarm(self, now: int) -> None:
        """One alarm at the next time-based change (delay end, deadline, quota refill)."""
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        times = []
        for js in self.jobs.values():
            if js.earliest_ms > now:
                times.append(js.earliest_ms)
            if js.latest_ms != NO_LATEST_RUNTIME and js.latest_ms > now:
                times.append(js.latest_ms)
        if any(not js.satisfied & C.WITHIN_QUOTA and js.bucket in QUOTA_WINDOW_MS for js in self.jobs.values()):
            times.append(now + MINUTE_MS)
        if times:
            self._alarm = self.clock.call_later((min(times) - now) / 1000, self.request_pump)

    # ================================================================== execution
    def _params_for(self, js: JobStatus, handle: int, facts: DeviceFacts) -> JobParameters:
        network = None
        if js.job.network is not None and facts.network is not None:
            network = NetworkHandle(facts.network.network_id, facts.network.transport)
        uris = tuple(js.changed_uris) if js.changed_uris else None
        auths = tuple(js.changed_authorities) if js.changed_authorities else None
        return JobParameters(
            handle=handle,
            job_id=js.job_id,
            namespace=js.namespace,
            extras=js.job.extras,
            transient_extras=js.job.transient_extras,
            triggered_content_uris=uris,
            triggered_content_authorities=auths,
            network=network,
            is_override_deadline_expired=js.override_deadline_expired and js.job.has_late_constraint,
            is_expedited=js.job.expedited and self.api_level >= 31,
            is_user_initiated=js.job.user_initiated and self.api_level >= 34,
        )

    def execution_limit_ms(self, js: JobStatus) -> int:
        if js.job.user_initiated and self.api_level >= 34:
            return USER_INITIATED_LIMIT_MS
        if js.job.expedited and self.api_level >= 31:
            return EXPEDITED_LIMIT_MS
        return REGULAR_LIMIT_MS

    def _start(self, js: JobStatus) -> None:
        handle = next(self._handles)
        facts = self.device_facts()
        params = self._params_for(js, handle, facts)
        js.changed_uris, js.changed_authorities = [], []
        js.content_triggered = False
        # The shell's override (``run -f``/``run -s``) stays on this JobStatus while it runs:
        # AOSP sets ``overrideState`` only in ``executeRunCommand`` and a finished job is either
        # dropped or replaced by a fresh JobStatus, so a forced job is not stopped as "not ready".
        ex = Execution(handle, js, params, self.now(), self.clock.wall_time())
        self.active[handle] = ex
        self.history.append(HistoryEvent(self.now(), True, js))
        ex.timer = self.clock.call_later(self.execution_limit_ms(js) / 1000, lambda: self._on_timeout(handle))
        app = self.system.apps.get(js.package)
        start = getattr(app, "on_start_job", None)
        if start is None:
            self._finish(ex, False, "onStartJob returned false")
            return
        keep = bool(start(params))
        if not keep and not ex.finished:
            self._finish(ex, False, "onStartJob returned false")

    def _on_timeout(self, handle: int) -> None:
        ex = self.active.get(handle)
        if ex is None or ex.finished:
            return
        name = f"{ex.status.ident:x} {ex.status.unique_id(self.api_level)} {ex.status.battery_name(self.api_level)}"
        if self.api_level >= 33:
            text = f"Client timed out while executing (no jobFinished received). Sending onStop: {name}"
        elif self.api_level == 32 or self.api_level == 31:
            text = f"Client timed out while executing (no jobFinished received), sending onStop: {name}"
        else:
            text = f"Client timed out while executing (no jobFinished received). sending onStop. {name}"
        self.system.log("I", "JobServiceContext", text)
        self._stop(ex, StopReason.STOP_REASON_TIMEOUT, InternalStopReason.INTERNAL_STOP_REASON_TIMEOUT,
                   "client timed out" if self.api_level >= 33 else "timeout while executing")

    def _stop(self, ex: Execution, reason: StopReason, internal: int, debug: str,
              cancelled: bool = False, notify_app: bool = True) -> None:
        """``cancelExecutingJobLocked`` → onStopJob; its return decides rescheduling."""
        if ex.stopping or ex.finished:
            return
        ex.stopping = True
        ex.params = replace(ex.params, stop_reason=reason, internal_stop_reason=internal, debug_stop_reason=debug)
        wants = False
        app = self.system.apps.get(ex.status.package)
        stop = getattr(app, "on_stop_job", None)
        if notify_app and stop is not None:
            wants = bool(stop(ex.params))
        self._finish(ex, wants and not cancelled, debug)

    def _finish(self, ex: Execution, reschedule: bool, debug: str) -> None:
        """``onJobCompletedLocked``: reschedule (backoff/periodic) or drop the job."""
        if ex.finished:
            return
        ex.finished = True
        if ex.timer is not None:
            ex.timer.cancel()
        self.active.pop(ex.handle, None)
        now = self.now()
        js = ex.status
        if not js.job.user_initiated:
            self._save_timing_session(js.package, ex.started_ms, now)
        self.history.append(HistoryEvent(now, False, js, debug))
        self.completed.append(Completed(js, now, debug))
        wall = self.clock.wall_time()
        still_tracked = self.jobs.get(js.key) is js
        if still_tracked:
            if reschedule:
                js.last_failed_run_wall = wall
                self._replace(js, self._reschedule_for_failure(js, now, ex.params.internal_stop_reason))
            elif js.job.periodic:
                js.last_successful_run_wall = wall
                self._replace(js, self._reschedule_periodic(js, now))
            else:
                js.last_successful_run_wall = wall
                self._remove(js)
        self.request_pump()

    SYSTEM_STOPS = frozenset({
        InternalStopReason.INTERNAL_STOP_REASON_CONSTRAINTS_NOT_SATISFIED,
        InternalStopReason.INTERNAL_STOP_REASON_PREEMPT,
        InternalStopReason.INTERNAL_STOP_REASON_DEVICE_IDLE,
        InternalStopReason.INTERNAL_STOP_REASON_DEVICE_THERMAL,
        InternalStopReason.INTERNAL_STOP_REASON_RESTRICTED_BUCKET,
        InternalStopReason.INTERNAL_STOP_REASON_RTC_UPDATED,
    })
    """Internal reasons counted as system stops, not app failures (14+
    ``getRescheduleJobForFailureLocked``: ``numSystemStops``; backoff attempts are
    ``numFailures + numSystemStops / 3``, so a first constraint stop reschedules at once)."""

    def _reschedule_for_failure(self, js: JobStatus, now: int, internal: int) -> JobStatus:
        failures, system_stops = js.num_failures, js.num_system_stops
        if internal in self.SYSTEM_STOPS:
            system_stops += 1
        else:
            failures += 1
        attempts = failures + system_stops // 3
        initial = js.job.initial_backoff_ms
        if attempts <= 0:
            delay = 0
        elif js.job.backoff_policy == BackoffPolicy.LINEAR:
            delay = initial * attempts
        else:
            delay = initial * (2 ** (attempts - 1))
        delay = min(delay, MAX_BACKOFF_DELAY_MILLIS)
        new = JobStatus(js.job, js.uid, js.package, js.namespace, now,
                        earliest_ms=now + delay if delay else 0,
                        latest_ms=NO_LATEST_RUNTIME if not js.job.periodic else js.latest_ms,
                        num_failures=failures, work=js.work.carry_over(), ident=next(self._idents))
        new.num_system_stops = system_stops
        if delay:
            new.required |= C.TIMING_DELAY
        if js.job.periodic:
            new.required |= PERIODIC_CONSTRAINTS
        return new

    def _reschedule_periodic(self, js: JobStatus, now: int) -> JobStatus:
        interval, flex = js.job.interval_ms, js.job.flex_ms
        base = js.latest_ms if js.latest_ms != NO_LATEST_RUNTIME and js.latest_ms > now else now
        latest = base + interval
        new = JobStatus(js.job, js.uid, js.package, js.namespace, now, earliest_ms=latest - flex,
                        latest_ms=latest, work=js.work.carry_over(), ident=next(self._idents))
        new.required |= PERIODIC_CONSTRAINTS  # or the next period would start at once, again and again
        return new

    def _replace(self, old: JobStatus, new: JobStatus) -> None:
        new.last_successful_run_wall = old.last_successful_run_wall
        new.last_failed_run_wall = old.last_failed_run_wall
        self.jobs[old.key] = new

    def _remove(self, js: JobStatus) -> None:
        if self.jobs.get(js.key) is js:
            del self.jobs[js.key]
        watch = self._content.pop(js.key, None)
        if watch is not None and watch.timer is not None:
            watch.timer.cancel()

    def _network_changed(self, facts: DeviceFacts) -> None:
        """JobServiceContext.informOfNetworkChangeLocked → onNetworkChanged (34+)."""
        net = facts.network
        if net == self._last_network:
            return
        self._last_network = net
        if self.api_level < 34 or net is None:
            return
        for ex in list(self.active.values()):
            if ex.status.job.network is None or ex.stopping:
                continue
            if ex.status.satisfied & C.CONNECTIVITY:
                ex.params = replace(ex.params, network=NetworkHandle(net.network_id, net.transport))
                hook = getattr(self.system.apps.get(ex.status.package), "on_network_changed", None)
                if hook is not None:
                    hook(ex.params)

    # ================================================================== app API: scheduling
    def _package_facts(self, package: str) -> Any:
        packages = self._fact("packages")
        return packages.get(package) if packages is not None else None

    def _target_sdk(self, package: str) -> int:
        facts = self._package_facts(package)
        return facts.target_sdk if facts is not None else self.api_level

    def _has_permission(self, package: str, permission: str) -> bool:
        facts = self._package_facts(package)
        if facts is None:
            return False
        return permission in facts.requested_permissions

    def _check_component(self, uid: int, job: JobInfo) -> None:
        """``JobSchedulerService.enforceValidJobRequest`` / component lookup."""
        facts = self._package_facts(job.package)
        component = f"ComponentInfo{{{job.package}/{job.class_name}}}"
        if facts is None:
            raise IllegalArgumentException(f"Tried to schedule job for non-existent component: {component}")
        if facts.uid % 100000 != uid % 100000:
            raise IllegalArgumentException(f"uid {uid} cannot schedule job in {job.package}")
        if facts.components:
            svc = next((c for c in facts.components if c.name == job.class_name and c.kind == "service"), None)
            if svc is None:
                raise IllegalArgumentException(f"No such service {component}")
            if svc.permission != BIND_JOB_SERVICE:
                raise IllegalArgumentException(
                    f"Scheduled service {component} does not require "
                    f"android.permission.BIND_JOB_SERVICE permission"
                )

    def _check_schedule(self, uid: int, package: str, job: JobInfo, work: JobWorkItem | None) -> None:
        target = self._target_sdk(package)
        enforce_validity(job, self.api_level, target)
        self._check_component(uid, job)
        if job.persisted and not self._has_permission(package, RECEIVE_BOOT_COMPLETED):
            if self.api_level >= 35:
                raise IllegalArgumentException(
                    "Requested job cannot be persisted without holding "
                    "android.permission.RECEIVE_BOOT_COMPLETED permission"
                )
            raise IllegalArgumentException(
                "Error: requested job be persisted without holding RECEIVE_BOOT_COMPLETED permission."
            )
        if job.network is not None and self.api_level >= 34 and target >= 34:
            if not self._has_permission(package, ACCESS_NETWORK_STATE):
                raise SecurityException(
                    "android.permission.ACCESS_NETWORK_STATE required for jobs with a connectivity constraint"
                )
        if job.user_initiated and self.api_level >= 34 and not self._has_permission(package, RUN_USER_INITIATED_JOBS):
            raise SecurityException(
                "android.permission.RUN_USER_INITIATED_JOBS required to schedule user-initiated jobs."
            )
        if work is not None:
            self._check_work(job, work, target)

    def _may_schedule_user_initiated(self, package: str) -> bool:
        """The app must be TOP (or hold a background-activity-start exemption, not modelled):
        otherwise schedule() returns RESULT_FAILURE (android-helper.md §3.2)."""
        activity = getattr(self.system, "activity", None)
        return activity is not None and activity.is_top(package)

    def _check_work(self, job: JobInfo, work: JobWorkItem, target: int) -> None:
        if work.implies_network() and job.network is None and target >= 34 and self.api_level >= 34:
            raise IllegalArgumentException(
                "JobWorkItem implies network usage but job doesn't specify a network constraint"
            )
        if job.persisted:
            if self.api_level <= 33:
                raise IllegalArgumentException("Can't enqueue work for persisted jobs")
            if work.intent is not None:
                raise IllegalArgumentException("Cannot persist JobWorkItems with Intents")

    def schedule(self, uid: int, package: str, job: JobInfo, namespace: str | None = None) -> int:
        """``JobScheduler.schedule`` (RESULT_SUCCESS / RESULT_FAILURE, or raises)."""
        return self._schedule(uid, package, job, None, namespace)

    def enqueue(self, uid: int, package: str, job: JobInfo, work: JobWorkItem | None,
                namespace: str | None = None) -> int:
        """``JobScheduler.enqueue``; ``work=None`` raises ``NullPointerException("work is null")``."""
        if work is None:
            raise NullPointerException("work is null")
        return self._schedule(uid, package, job, work, namespace)

    def _schedule(self, uid: int, package: str, job: JobInfo, work: JobWorkItem | None,
                  namespace: str | None) -> int:
        namespace = validate_namespace(namespace) if self.api_level >= 34 else None
        job = normalize(job)
        self._check_schedule(uid, package, job, work)
        if job.user_initiated and self.api_level >= 34 and not self._may_schedule_user_initiated(package):
            self.system.log("W", "JobScheduler", f"{package} not in a state to schedule user-initiated jobs")
            return RESULT_FAILURE
        key = (uid, namespace, job.job_id)
        existing = self.jobs.get(key)
        now = self.now()
        if work is not None and existing is not None and existing.job == job:
            existing.work.enqueue(work)
            self.request_pump()
            return RESULT_SUCCESS
        # mJobs.countJobsForUid(uid) > MAX_JOBS_PER_APP, taken before the new job is tracked and
        # counting the job it would replace: an app may hold 151 jobs, and at 151 even
        # rescheduling one of them throws (only the enqueue fast path above skips the check).
        if sum(1 for k in self.jobs if k[0] == uid) > max_jobs_per_uid(self.api_level):
            self.system.log("W", "JobScheduler", f"Too many jobs for uid {uid}")
            raise IllegalStateException(
                f"Apps may not schedule more than {max_jobs_per_uid(self.api_level)} distinct jobs"
            )
        js = self._new_status(job, uid, package, namespace, now)
        if existing is not None:
            js.work = existing.work if work is not None else js.work
            if existing.work.executing and work is not None:
                js.work = existing.work.carry_over()
            self._cancel_status(existing, (StopReason.STOP_REASON_CANCELLED_BY_APP,
                                           InternalStopReason.INTERNAL_STOP_REASON_CANCELED,
                                           "job rescheduled by app"))
        if work is not None:
            js.work.enqueue(work)
        self.jobs[key] = js
        self.request_pump()
        return RESULT_SUCCESS

    def _new_status(self, job: JobInfo, uid: int, package: str, namespace: str | None, now: int) -> JobStatus:
        if job.periodic:
            latest = now + job.interval_ms
            js = JobStatus(job, uid, package, namespace, now, earliest_ms=latest - job.flex_ms,
                           latest_ms=latest, ident=next(self._idents))
            js.required |= PERIODIC_CONSTRAINTS
        else:
            js = JobStatus(job, uid, package, namespace, now, ident=next(self._idents))
        js.bucket = self.bucket(package)
        return js

    def _cancel_status(self, js: JobStatus, why: Cancel) -> None:
        """``cancelJobImplLocked``: untrack, stop if running (no reschedule)."""
        self._remove(js)
        if js in self.pending:
            self.pending.remove(js)
        ex = self.execution_for(js)
        if ex is not None:
            self._stop(ex, why[0], why[1], why[2], cancelled=True)

    def cancel(self, uid: int, package: str, job_id: int, namespace: str | None = None) -> None:
        """``JobScheduler.cancel``: CANCELLED_BY_APP, ``cancel() called by app, …``."""
        js = self.jobs.get((uid, namespace, job_id))
        if js is not None:
            self._cancel_status(js, (StopReason.STOP_REASON_CANCELLED_BY_APP,
                                     InternalStopReason.INTERNAL_STOP_REASON_CANCELED,
                                     f"cancel() called by app, callingUid={uid} uid={uid} jobId={job_id}"))
            self.request_pump()

    def cancel_all(self, uid: int, package: str, namespace: str | None = None) -> None:
        """``cancelAll``: from 34 only the current namespace; before, every job of the uid."""
        for js in list(self.jobs.values()):
            if js.uid == uid and (self.api_level < 34 or js.namespace == namespace):
                self._cancel_status(js, (StopReason.STOP_REASON_CANCELLED_BY_APP,
                                         InternalStopReason.INTERNAL_STOP_REASON_CANCELED,
                                         f"cancelAll() called by app, callingUid={uid}"))
        self.request_pump()

    def cancel_in_all_namespaces(self, uid: int, package: str) -> None:
        for js in list(self.jobs.values()):
            if js.uid == uid:
                self._cancel_status(js, (StopReason.STOP_REASON_CANCELLED_BY_APP,
                                         InternalStopReason.INTERNAL_STOP_REASON_CANCELED,
                                         f"cancelAll() called by app, callingUid={uid}"))
        self.request_pump()

    def get_all_pending(self, uid: int, namespace: str | None = None) -> list[JobInfo]:
        return [js.job for js in self.jobs.values() if js.uid == uid and js.namespace == namespace]

    def get_pending_jobs_in_all_namespaces(self, uid: int) -> dict[str | None, list[JobInfo]]:
        out: dict[str | None, list[JobInfo]] = {}
        for js in self.jobs.values():
            if js.uid == uid:
                out.setdefault(js.namespace, []).append(js.job)
        return out

    def get_pending_job(self, uid: int, job_id: int, namespace: str | None = None) -> JobInfo | None:
        js = self.jobs.get((uid, namespace, job_id))
        return js.job if js is not None else None

    def get_pending_job_reason(self, uid: int, job_id: int, namespace: str | None = None) -> int:
        """``getPendingJobReason`` (34+): one PENDING_JOB_REASON_* code."""
        js = self.jobs.get((uid, namespace, job_id))
        if js is None:
            return PendingJobReason.PENDING_JOB_REASON_INVALID_JOB_ID
        if self.is_active(js):
            return PendingJobReason.PENDING_JOB_REASON_EXECUTING
        return self._pending_reason(js)

    def _pending_reason(self, js: JobStatus) -> PendingJobReason:
        R = PendingJobReason
        if self.package_stopped(js.package):
            return R.PENDING_JOB_REASON_USER
        if not js.satisfied & C.BACKGROUND_NOT_RESTRICTED:
            return R.PENDING_JOB_REASON_BACKGROUND_RESTRICTION if js.user_bg_restricted else R.PENDING_JOB_REASON_DEVICE_STATE
        if not js.ready_parts(self.api_level)["not_dozing"]:
            return R.PENDING_JOB_REASON_DEVICE_STATE
        if js.bucket == StandbyBucket.NEVER or js.bucket == StandbyBucket.RESTRICTED:
            if not js.ready_parts(self.api_level)["within_quota"] or js.bucket == StandbyBucket.RESTRICTED:
                if not js.is_ready(self.api_level):
                    return R.PENDING_JOB_REASON_APP_STANDBY
        if not js.ready_parts(self.api_level)["within_quota"]:
            return R.PENDING_JOB_REASON_QUOTA
        missing = js.required & ~js.satisfied
        for bit, reason in (
            (C.CHARGING, R.PENDING_JOB_REASON_CONSTRAINT_CHARGING),
            (C.BATTERY_NOT_LOW, R.PENDING_JOB_REASON_CONSTRAINT_BATTERY_NOT_LOW),
            (C.STORAGE_NOT_LOW, R.PENDING_JOB_REASON_CONSTRAINT_STORAGE_NOT_LOW),
            (C.IDLE, R.PENDING_JOB_REASON_CONSTRAINT_DEVICE_IDLE),
            (C.CONNECTIVITY, R.PENDING_JOB_REASON_CONSTRAINT_CONNECTIVITY),
            (C.CONTENT_TRIGGER, R.PENDING_JOB_REASON_CONSTRAINT_CONTENT_TRIGGER),
            (C.TIMING_DELAY, R.PENDING_JOB_REASON_CONSTRAINT_MINIMUM_LATENCY),
        ):
            if missing & bit and not js.deadline_satisfied():
                return reason
        return R.PENDING_JOB_REASON_UNDEFINED

    # ================================================================== app API: in the job
    def _execution(self, params_or_handle: JobParameters | int) -> Execution | None:
        handle = params_or_handle if isinstance(params_or_handle, int) else params_or_handle.handle
        ex = self.active.get(handle)
        return None if ex is None or ex.finished else ex

    def job_finished(self, params: JobParameters | int, wants_reschedule: bool) -> None:
        """``JobService.jobFinished``; a stale handle is ignored (``verifyCallerLocked``)."""
        ex = self._execution(params)
        if ex is not None:
            self._finish(ex, wants_reschedule, "app called jobFinished")

    def dequeue_work(self, params: JobParameters | int) -> JobWorkItem | None:
        """``JobParameters.dequeueWork``: None with no executing work left ends the job
        (``last work dequeued``)."""
        ex = self._execution(params)
        if ex is None or ex.stopping:
            return None
        item = ex.status.work.dequeue()
        if item is None and not ex.status.work.executing:
            self._finish(ex, False, "last work dequeued")
        return item

    def complete_work(self, params: JobParameters | int, item: JobWorkItem) -> None:
        """``completeWork``; an item that is not executing raises
        ``IllegalArgumentException("Given work is not active: …")``."""
        ex = self._execution(params)
        if ex is None:
            return
        if not ex.status.work.complete(item.work_id):
            raise IllegalArgumentException(f"Given work is not active: {item}")
        ex.status.transferred_download = max(ex.status.transferred_download, 0)

    def update_estimated_network_bytes(self, params: JobParameters | int, item: JobWorkItem | None,
                                       download: int, upload: int) -> None:
        ex = self._execution(params)
        if ex is None:
            return
        if item is None:
            ex.status.estimated_download, ex.status.estimated_upload = download, upload
        else:
            self._item_bytes(ex).setdefault(item.work_id, {}).update(est=(download, upload))

    def update_transferred_network_bytes(self, params: JobParameters | int, item: JobWorkItem | None,
                                         download: int, upload: int) -> None:
        ex = self._execution(params)
        if ex is None:
            return
        if item is None:
            ex.status.transferred_download, ex.status.transferred_upload = download, upload
        else:
            self._item_bytes(ex).setdefault(item.work_id, {}).update(xfer=(download, upload))

    def _item_bytes(self, ex: Execution) -> dict[int, dict[str, tuple[int, int]]]:
        store = getattr(ex.status, "item_bytes", None)
        if store is None:
            store = {}
            ex.status.item_bytes = store  # type: ignore[attr-defined]
        return store

    def set_notification(self, params: JobParameters | int, notification_id: int,
                         notification: Notification | None, end_policy: int) -> None:
        """``JobService.setNotification`` (34+), validated like JobNotificationCoordinator."""
        ex = self._execution(params)
        if notification is None:
            raise NullPointerException("notification")
        if notification.small_icon is None:
            raise IllegalArgumentException("small icon required")
        if not notification.channel_id:
            raise IllegalArgumentException("invalid notification channel")
        if end_policy not in (0, 1):
            raise IllegalArgumentException("invalid job end notification policy")
        if ex is not None:
            ex.notification = (notification_id, notification, end_policy)

    # ================================================================== content triggers
    def notify_content_change(self, uri: str) -> None:
        """A content provider's ``notifyChange(uri)`` (ContentObserverController)."""
        now = self.now()
        for js in list(self.jobs.values()):
            if not any(self._uri_matches(t.uri, t.flags, uri) for t in js.job.trigger_content_uris):
                continue
            if uri not in js.changed_uris:
                js.changed_uris.append(uri)
            authority = uri.split("://", 1)[-1].split("/", 1)[0]
            if authority not in js.changed_authorities:
                js.changed_authorities.append(authority)
            self._arm_content(js, now)

    @staticmethod
    def _uri_matches(trigger: str, flags: int, uri: str) -> bool:
        if uri == trigger:
            return True
        return bool(flags & 1) and uri.startswith(trigger.rstrip("/") + "/")

    def _arm_content(self, js: JobStatus, now: int) -> None:
        watch = self._content.get(js.key)
        if watch is None:
            watch = ContentWatch(now)
            self._content[js.key] = watch
        if watch.timer is not None:
            watch.timer.cancel()
        update = js.job.trigger_content_update_delay_ms
        update = DEFAULT_TRIGGER_UPDATE_DELAY if update < 0 else update
        max_delay = js.job.trigger_content_max_delay_ms
        max_delay = DEFAULT_TRIGGER_MAX_DELAY if max_delay < 0 else max_delay
        fire = min(now + update, watch.first_change_ms + max_delay)
        key = js.key

        def trigger() -> None:
            self._content.pop(key, None)
            target = self.jobs.get(key)
            if target is not None:
                target.content_triggered = True
                self.request_pump()

        watch.timer = self.clock.call_later(max(0, fire - now) / 1000, trigger)

    # ================================================================== bus
    def on_change(self, change: Any) -> None:
        from jobctl_sim.framework.system import Topic

        handlers: dict[Topic, Callable[[Any], None]] = {
            Topic.BATTERY: self._on_battery,
            Topic.STORAGE: self._on_storage,
            Topic.SCREEN: self._on_screen,
            Topic.IDLE_MAINTENANCE: self._on_idle_trigger,
            Topic.DOCK: self._on_dock,
            Topic.PACKAGE_FORCE_STOPPED: self._on_force_stop,
            Topic.PACKAGE_REMOVED: self._on_removed,
            Topic.PROCESS_DIED: self._on_process_died,
            Topic.SHUTDOWN: self._on_shutdown,
            Topic.BOOT_COMPLETED: self._on_boot,
        }
        handler = handlers.get(change.topic)
        if handler is not None:
            handler(change)
        self.request_pump()

    def _on_battery(self, change: Any) -> None:
        battery = self._fact("battery")
        if self.monitor_battery and battery is not None:
            self.battery_seq = int(battery.sequence)

    def set_monitor_battery(self, enabled: bool) -> None:
        """``monitor-battery on|off``: registering for the sticky ACTION_BATTERY_CHANGED
        delivers the current sequence at once."""
        self.monitor_battery = enabled
        battery = self._fact("battery")
        if enabled and battery is not None:
            self.battery_seq = int(battery.sequence)

    def _on_storage(self, change: Any) -> None:
        storage = self._fact("storage")
        if storage is not None:
            self.storage_seq = int(storage.sequence)

    def _on_screen(self, change: Any) -> None:
        """DeviceIdlenessTracker: screen on ends idle (and dock idle); screen off arms the
        inactivity alarm."""
        if self.screen_on():
            self.idle = False
            self.dock_idle = False
            self._cancel_idle_alarm()
        else:
            self._arm_idle_alarm()

    def _on_idle_trigger(self, change: Any) -> None:
        """ACTION_TRIGGER_IDLE: idle at once only when the screen is off or the dock is idle."""
        if not self.screen_on() or self.dock_idle:
            self.idle = True
            self._cancel_idle_alarm()

    def _on_dock(self, change: Any) -> None:
        self.trigger_dock_state(bool(change.detail.get("idle", False)))

    def trigger_dock_state(self, idle: bool) -> None:
        """ACTION_DOCK_IDLE / ACTION_DOCK_ACTIVE; dock events are ignored while the screen is off."""
        if not self.screen_on():
            return
        if idle:
            self.dock_idle = True
            self._arm_idle_alarm()
        else:
            self.dock_idle = False
            self.idle = False
            self._cancel_idle_alarm()
        self.request_pump()

    def _arm_idle_alarm(self) -> None:
        self._cancel_idle_alarm()

        def fire() -> None:
            self._idle_alarm = None
            if not self.screen_on() or self.dock_idle:
                self.idle = True
                self.request_pump()

        try:
            self._idle_alarm = self.clock.call_later(IDLE_INACTIVITY_MS / 1000, fire)
        except RuntimeError:
            self._idle_alarm = None

    def _cancel_idle_alarm(self) -> None:
        if self._idle_alarm is not None:
            self._idle_alarm.cancel()
            self._idle_alarm = None

    def _package_jobs(self, package: str | None, uid: int | None) -> list[JobStatus]:
        return [js for js in self.jobs.values()
                if js.package == package and (uid is None or js.uid % 100000 == uid % 100000)]

    def _on_force_stop(self, change: Any) -> None:
        for js in self._package_jobs(change.package, change.uid):
            self._cancel_status(js, (StopReason.STOP_REASON_USER,
                                     InternalStopReason.INTERNAL_STOP_REASON_CANCELED, "app force stopped"))

    def _on_removed(self, change: Any) -> None:
        if change.detail.get("replacing"):
            return
        for js in self._package_jobs(change.package, change.uid):
            self._cancel_status(js, (StopReason.STOP_REASON_USER,
                                     InternalStopReason.INTERNAL_STOP_REASON_UNINSTALL, "app uninstalled"),)

    def _on_process_died(self, change: Any) -> None:
        """onServiceDisconnected: reschedule, stop reason stays UNDEFINED, app not called."""
        for ex in list(self.active.values()):
            if ex.status.package == change.package and not ex.finished:
                ex.params = replace(ex.params, debug_stop_reason="unexpectedly disconnected")
                ex.stopping = True
                self._finish(ex, True, "unexpectedly disconnected")

    def _on_shutdown(self, change: Any) -> None:
        """Processes die; JobStore keeps only persisted jobs (written to disk)."""
        for ex in list(self.active.values()):
            ex.stopping = True
            self._finish(ex, True, "unexpectedly disconnected")
        self.persisted = [js for js in self.jobs.values() if js.job.persisted]
        self.persist_stats[3:] = [len(self.persisted), sum(1 for j in self.persisted if j.job.periodic), 0]
        self.jobs.clear()
        self.pending.clear()
        self.booted = False
        self.idle = False
        self.dock_idle = False
        self.monitor_battery = False
        self.battery_seq = -1
        self.storage_seq = -1

    def _on_boot(self, change: Any) -> None:
        """JobStore load: persisted jobs come back with re-based run windows."""
        if not self.booted:
            now = self.now()
            for old in self.persisted:
                js = self._new_status(old.job, old.uid, old.package, old.namespace, now)
                js.num_failures = old.num_failures
                js.work = old.work.carry_over()
                self.jobs[js.key] = js
            self.persist_stats[:3] = [len(self.persisted), sum(1 for j in self.persisted if j.job.periodic), 0]
            self.persisted = []
            self.booted = True

    # ================================================================== shell helpers
    def find(self, uid: int, namespace: str | None, job_id: int) -> JobStatus | None:
        return self.jobs.get((uid, namespace, job_id))

    def execute_run(self, package: str, user: int, namespace: str | None, job_id: int,
                    satisfied: bool, force: bool) -> int:
        """``executeRunCommand``: 0, or -1000/-1001/-1002 (CMD_ERR_*)."""
        uid = self.package_uid(package, user)
        if uid < 0:
            return -1000
        js = self.find(uid, namespace, job_id)
        if js is None:
            return -1001
        js.override = Override.FULL if force else (Override.SORTING if satisfied else Override.SOFT)
        self.evaluate(js, self.device_facts(), self.now())
        if not js.constraints_satisfied() and not js.deadline_satisfied():
            js.override = Override.NONE
            return -1002
        self.request_pump()
        return 0

    def running_matching(self, package: str | None, user: int, namespace: str | None,
                         has_job_id: bool, job_id: int) -> list[Execution]:
        out = []
        for ex in self.active.values():
            js = ex.status
            if ex.finished or ex.stopping:
                continue
            if package is not None and js.package != package:
                continue
            if user != -1 and user_id(js.uid) != user:
                continue
            if self.api_level >= 34 and namespace is not None and js.namespace != namespace:
                continue
            if has_job_id and js.job_id != job_id:
                continue
            out.append(ex)
        return out

    def stop_from_shell(self, ex: Execution, reason: int, internal: int, debug: str) -> None:
        try:
            public = StopReason(reason)
        except ValueError:
            public = reason  # type: ignore[assignment]
        self._stop(ex, public, internal, debug)

    def cancel_from_shell(self, uid: int, namespace: str | None, job_id: int | None) -> bool:
        targets = [js for js in self.jobs.values() if js.uid == uid and
                   (job_id is None or (js.job_id == job_id and js.namespace == namespace))]
        debug = "cancel shell command for package" if job_id is None else (
            f"cancel() called by shell, callingUid=2000 uid={uid} jobId={job_id}")
        for js in targets:
            self._cancel_status(js, (StopReason.STOP_REASON_USER,
                                     InternalStopReason.INTERNAL_STOP_REASON_CANCELED, debug))
        self.request_pump()
        return bool(targets)

    def job_state_tokens(self, js: JobStatus) -> list[str]:
        tokens = []
        if js in self.pending:
            tokens.append("pending")
        if self.is_active(js):
            tokens.append("active")
        if js.is_ready(self.api_level):
            tokens.append("ready")
        return tokens

    def all_statuses(self) -> Iterable[JobStatus]:
        return sorted(self.jobs.values(), key=lambda j: (j.uid, j.job_id))

    def format_uid(self, uid: int) -> str:
        return format_uid(uid)

    def transferred_bytes(self, js: JobStatus, upload: bool) -> int:
        """Ask the running app (JobServiceEngine ``getTransferred*Bytes``), else the last report."""
        ex = self.execution_for(js)
        if ex is not None:
            hook = getattr(self.system.apps.get(js.package),
                           "get_transferred_upload_bytes" if upload else "get_transferred_download_bytes", None)
            if hook is not None:
                return int(hook(ex.params, None))
        return js.transferred_upload if upload else js.transferred_download
