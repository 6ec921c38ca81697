"""JobSchedulerService: jobs per uid and namespace, readiness, the pending queue, stop reasons.

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
  (:mod:`.reasons`), internal CONSTRAINTS_NOT_SATISFIED and debug
  ``cancelled due to unsatisfied constraints``; a RESTRICTED-bucket job losing a dynamic
  constraint gets APP_STANDBY / RESTRICTED_BUCKET, ``cancelled due to restricted bucket``
  (``JobConcurrencyManager.stopNonReadyActiveJobsLocked``).
* ``isReadyToBeExecutedLocked``: ready, booted, package not stopped, not already active; the
  pending queue is sorted by priority (expedited and user-initiated default to MAX), then
  enqueue time.
* ``run -f``/``run -s`` set ``JobStatus.overrideState`` (``executeRunCommand``); nothing clears
  it while the job runs (``isConstraintsSatisfied`` keeps answering true for OVERRIDE_FULL), so
  losing a constraint does not stop a forced run. Rescheduling creates a new JobStatus without it.
* Process death (``JobServiceContext.onServiceDisconnected``) closes the job with reschedule,
  ``unexpectedly disconnected``, stop reason left UNDEFINED.
* ``JobStore``: only persisted jobs survive a reboot (:mod:`.job_store`).

Beside it: :mod:`.facts` (what it reads of the device), :mod:`.execution`, :mod:`.quota`,
:mod:`.content`, :mod:`.idleness`, :mod:`.reschedule`, :mod:`.schedule_checks`, :mod:`.reasons`,
:mod:`.bus` (what it does on a change of a fact), :mod:`.pump_scope` (which jobs a pump evaluates).
Simplifications (package README/report): no flexibility/prefetch controllers, single user (0).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING

from jobctl_sim.framework.jobscheduler import bus, pending_history, reschedule
from jobctl_sim.framework.jobscheduler.constraints import B, DeviceFacts
from jobctl_sim.framework.jobscheduler.content import ContentTriggers
from jobctl_sim.framework.jobscheduler.execution import Completed, Execution, HistoryEvent, JobContexts
from jobctl_sim.framework.jobscheduler.facts import SchedulerFacts
from jobctl_sim.framework.jobscheduler.idleness import IdlenessTracker
from jobctl_sim.framework.jobscheduler.model import (
    RESULT_FAILURE,
    RESULT_SUCCESS,
    InternalStopReason,
    JobInfo,
    JobParameters,
    JobWorkItem,
    Notification,
    PendingJobReason,
    StopReason,
)
from jobctl_sim.framework.jobscheduler.pump_scope import AppFacts, PumpScope
from jobctl_sim.framework.jobscheduler.quota import REFILL_CHECK_MS, QuotaTracker
from jobctl_sim.framework.jobscheduler.reasons import lost_reason, pending_reason
from jobctl_sim.framework.jobscheduler.schedule_checks import check_schedule
from jobctl_sim.framework.jobscheduler.status import JobStatus
from jobctl_sim.framework.jobscheduler.shell_v36 import ShellOverrides
from jobctl_sim.framework.jobscheduler.validation import normalize, validate_namespace
from jobctl_sim.framework.shell_command import IllegalStateException, NullPointerException
from jobctl_sim.framework.aosp_constants import StandbyBucket
from jobctl_sim.framework.system import Change

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem

JobKey = tuple[int, str | None, int]
Cancel = tuple[StopReason, int, str]


def max_jobs_per_uid(api_level: int) -> int:
    """150 from Android 12, 100 before (android-helper reference §3.2)."""
    return 150 if api_level >= 31 else 100


class JobSchedulerService:
    """The model behind ``system.jobs``; see :mod:`.app_api` for the app-facing contract."""

    def __init__(self, system: AndroidSystem) -> None:
        self.system = system
        self.clock = system.clock
        self.facts = SchedulerFacts(system)
        self.jobs: dict[JobKey, JobStatus] = {}
        self.pending: list[JobStatus] = []
        self.contexts = JobContexts(system, self._on_finished)
        self.quota = QuotaTracker(system.api_level)
        self.content = ContentTriggers(self.clock, self.jobs, self.request_pump)
        self.idleness = IdlenessTracker(self.clock, self.facts.screen_on, self.request_pump)
        self.monitor_battery = False
        self.shell_overrides = ShellOverrides()
        self.battery_seq = -1
        self.storage_seq = -1
        self.booted = True
        self.persisted: list[JobStatus] = []
        self.persist_stats = [0, 0, 0, 0, 0, 0]
        self._idents = itertools.count(0x3E6E5B, 0x1F3)
        self._pump_handle: asyncio.TimerHandle | None = None
        self._alarm: asyncio.TimerHandle | None = None
        self.pump_scope = PumpScope()

    # ================================================================== views
    @property
    def api_level(self) -> int:
        return self.system.api_level

    def now(self) -> int:
        return self.clock.elapsed_realtime_ms()

    @property
    def active(self) -> dict[int, Execution]:
        return self.contexts.active

    @property
    def history(self) -> deque[HistoryEvent]:
        return self.contexts.history

    @property
    def completed(self) -> deque[Completed]:
        return self.contexts.completed

    @property
    def quota_used(self) -> dict[str, list[tuple[int, int]]]:
        """Timing sessions per package (QuotaController)."""
        return self.quota.sessions

    def device_facts(self) -> DeviceFacts:
        return self.facts.device_facts(self.idleness.idle)

    def package_uid(self, package: str | None, user: int = 0) -> int:
        return self.facts.package_uid(package, user)

    def find(self, uid: int, namespace: str | None, job_id: int) -> JobStatus | None:
        return self.jobs.get((uid, namespace, job_id))

    def all_statuses(self) -> Iterable[JobStatus]:
        return sorted(self.jobs.values(), key=lambda j: (j.uid, j.job_id))

    def is_active(self, js: JobStatus) -> bool:
        return self.contexts.is_active(js)

    def execution_for(self, js: JobStatus) -> Execution | None:
        return self.contexts.execution_for(js)

    # ================================================================== evaluation
    def app_facts(self, uid: int, package: str) -> AppFacts:
        """What a job's evaluation reads of its app: bucket, background restriction, Doze allowlist."""
        facts = self.facts
        return (facts.bucket(package), facts.user_bg_restricted(uid, package), facts.doze_exempt(package))

    def evaluate(self, js: JobStatus, facts: DeviceFacts, now: int,
                 running: Iterable[tuple[str, int]] | None = None, app: AppFacts | None = None) -> None:
        """Re-read the job's app facts and recompute its constraints; ``running`` is
        ``contexts.running_spans()`` and ``app`` is :meth:`app_facts` when the caller already
        has them (a pump reads them once, not once per job)."""
        if app is None:
            app = self.app_facts(js.uid, js.package)
        js.bucket, js.user_bg_restricted, js.doze_exempt = app
        js.evaluate(facts, now)
        not_dozing = not facts.deep_doze
        not_restricted = not js.user_bg_restricted and not (facts.battery_saver and not js.job.user_initiated)
        if running is None:
            running = self.contexts.running_spans()
        within_quota = self.quota.within_quota(js, now, running)
        js.set_implicit(not_dozing, not_restricted, within_quota, self.api_level)
        pending_history.record(self, js, now)  # the constraint history too

    def ready_to_execute(self, js: JobStatus) -> bool:
        """``isReadyToBeExecutedLocked``: ready, booted, package not stopped, not active."""
        return (
            self.booted
            and js.is_ready(self.api_level)
            and not self.facts.package_stopped(js.package)
            and not self.is_active(js)
        )

    # ================================================================== pump
    def request_pump(self, changed: JobStatus | None = None) -> None:
        """Queue a re-evaluation on the loop (``maybeRunPendingJobs`` via the handler).

        ``changed``: the request is for that one job alone (it was scheduled or given work). A
        request without it (a device or app fact, a finished job, a shell override, an alarm)
        asks for every job. :mod:`.pump_scope` works out which jobs a pump must evaluate."""
        self.pump_scope.request(changed)
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
        api_level = self.api_level
        running = list(self.contexts.running_spans())  # evaluating jobs starts and stops none
        plan = self.pump_scope.plan(facts, now, self._active_packages(), self._tracked, self.app_facts)
        named = {id(js) for js in plan.named}
        apps: dict[tuple[int, str], AppFacts] = {}
        for js in plan.named if plan.narrow else list(self.jobs.values()):
            key = (js.uid, js.package)
            app = apps.get(key) or apps.setdefault(key, self.app_facts(*key))
            if plan.narrow or plan.everything or id(js) in named or PumpScope.stale(js, now, plan.watched, app):
                before = js.satisfied
                was_ready = js.is_ready(api_level)
                self.evaluate(js, facts, now, running, app)
                if was_ready and not js.is_ready(api_level):
                    js.ready_to_unready_reason = lost_reason(js, before)
        self.contexts.network_changed(facts)
        self._stop_non_ready()
        if plan.narrow:  # every other job's readiness is unchanged
            ready = [js for js in self.pending if self._tracked(js) and js not in plan.named]
            ready += [js for js in plan.named if js.is_ready(api_level) and self.ready_to_execute(js)]
        else:
            ready = [js for js in self.jobs.values() if js.is_ready(api_level) and self.ready_to_execute(js)]
        self.pending = self._sorted_jobs(ready)
        while self.pending and self.contexts.has_free_context():
            self.contexts.start(self.pending.pop(0), self.device_facts(), self.now())
        marks = self.pump_scope.after(now, self._active_packages(), plan.named if plan.narrow else self.jobs.values(),
                                  not plan.narrow, apps, self.quota.refills)
        self._arm_alarm(now, *marks, self._quota_cutoff(now))

    def _tracked(self, js: JobStatus) -> bool:
        return self.jobs.get(js.key) is js

    def _active_packages(self) -> frozenset[str]:
        return frozenset(ex.status.package for ex in self.active.values())

    @staticmethod
    def _sorted_jobs(jobs: list[JobStatus]) -> list[JobStatus]:
        """The pending queue's order (priority, then enqueue time); only ready jobs are sorted."""
        def order(js: JobStatus) -> tuple[int, int, int]:
            return (-js.job.effective_priority, js.enqueue_time_ms, js.job_id)

        return sorted(jobs, key=order)

    def _stop_non_ready(self) -> None:
        for ex in list(self.active.values()):
            js = ex.status
            if ex.stopping or js.is_ready(self.api_level):
                continue
            reason = StopReason(js.ready_to_unready_reason or StopReason.STOP_REASON_UNDEFINED)
            if js.bucket == StandbyBucket.RESTRICTED and reason == StopReason.STOP_REASON_APP_STANDBY:
                self.contexts.stop(ex, reason, InternalStopReason.INTERNAL_STOP_REASON_RESTRICTED_BUCKET,
                                   "cancelled due to restricted bucket")
            else:
                self.contexts.stop(ex, reason, InternalStopReason.INTERNAL_STOP_REASON_CONSTRAINTS_NOT_SATISFIED,
                                   "cancelled due to unsatisfied constraints")

    def _quota_cutoff(self, now: int) -> int | None:
        """When the first package running charged jobs runs out of quota (QuotaController's
        ``Timer.scheduleCutoff``: ``MSG_REACHED_QUOTA`` after ``getTimeUntilQuotaConsumedLocked``);
        its jobs are stopped with ``STOP_REASON_QUOTA`` by the evaluation the alarm asks for."""
        running = list(self.contexts.running_spans())
        left = (self.quota.time_until_consumed(package, self.facts.bucket(package), now, running)
                for package in {package for package, _ in running})
        return min((now + ms for ms in left if ms), default=None)  # 0: out already, this pump stopped it

    def _arm_alarm(self, now: int, next_change: int | None, refill_wait: bool, quota_cutoff: int | None) -> None:
        """One alarm at the next time-based change (delay end, deadline, quota refill, quota cutoff)."""
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        times = [t for t in (next_change, quota_cutoff) if t is not None]
        if refill_wait:
            times.append(now + REFILL_CHECK_MS)
        if times:
            with contextlib.suppress(RuntimeError):  # no running loop (device built outside one): no alarm
                self._alarm = self.clock.call_later((min(times) - now) / 1000, self.request_pump)

    # ================================================================== finished executions
    def _on_finished(self, ex: Execution, reschedule_wanted: bool, now: int) -> None:
        """``onJobCompletedLocked``: reschedule (backoff/periodic) or drop the job."""
        js = ex.status
        charged_from = self.contexts.charged_from(ex)
        if not js.job.user_initiated and charged_from is not None:
            self.quota.save_timing_session(js.package, charged_from, now)
        wall = self.clock.wall_time()
        if self.jobs.get(js.key) is js:
            if reschedule_wanted:
                js.last_failed_run_wall = wall
                self._replace(js, reschedule.for_failure(js, now, ex.params, next(self._idents), self.api_level))
            elif js.job.periodic:
                js.last_successful_run_wall = wall
                self._replace(js, reschedule.for_next_period(js, now, next(self._idents)))
            else:
                js.last_successful_run_wall = wall
                self._remove(js)
        self.request_pump()

    def _replace(self, old: JobStatus, new: JobStatus) -> None:
        new.last_successful_run_wall = old.last_successful_run_wall
        new.last_failed_run_wall = old.last_failed_run_wall
        self.jobs[old.key] = new

    def _remove(self, js: JobStatus) -> None:
        if self.jobs.get(js.key) is js:
            del self.jobs[js.key]
        self.content.forget(js.key)

    # ================================================================== app API: scheduling
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
        check_schedule(self.facts, uid, package, job, work)
        if job.user_initiated and self.api_level >= 34 and not self.facts.is_top(package):
            # The app must be TOP (or hold a background-activity-start exemption, not modelled):
            # otherwise schedule() returns RESULT_FAILURE (android-helper.md §3.2).
            self.system.log("W", "JobScheduler", f"{package} not in a state to schedule user-initiated jobs")
            return RESULT_FAILURE
        key = (uid, namespace, job.job_id)
        existing = self.jobs.get(key)
        now = self.now()
        if work is not None and existing is not None and existing.job == job:
            existing.work.enqueue(work)
            self.request_pump(existing)
            return RESULT_SUCCESS
        # mJobs.countJobsForUid(uid) > MAX_JOBS_PER_APP, taken before the new job is tracked and
        # counting the job it would replace: an app may hold 151 jobs, and at 151 even
        # rescheduling one of them throws (only the enqueue fast path above skips the check).
        # (No uid can hold more jobs than are tracked in all: count only past the limit.)
        limit = max_jobs_per_uid(self.api_level)
        if len(self.jobs) > limit and sum(1 for k in self.jobs if k[0] == uid) > limit:
            self.system.log("W", "JobScheduler", f"Too many jobs for uid {uid}")
            raise IllegalStateException(
                f"Apps may not schedule more than {max_jobs_per_uid(self.api_level)} distinct jobs"
            )
        js = self.new_status(job, uid, package, namespace, now)
        if existing is not None:
            js.work = existing.work if work is not None else js.work
            if existing.work.executing and work is not None:
                js.work = existing.work.carry_over()
            self.cancel_status(existing, (StopReason.STOP_REASON_CANCELLED_BY_APP,
                                          InternalStopReason.INTERNAL_STOP_REASON_CANCELED,
                                          "job rescheduled by app"))
        if work is not None:
            js.work.enqueue(work)
        self.jobs[key] = js
        self.evaluate(js, self.device_facts(), now)  # startTrackingJobLocked: controllers set their bits
        self.request_pump(js)
        return RESULT_SUCCESS

    def new_status(self, job: JobInfo, uid: int, package: str, namespace: str | None, now: int) -> JobStatus:
        if job.periodic:
            latest = now + job.interval_ms
            js = JobStatus(job, uid, package, namespace, now, earliest_ms=latest - job.flex_ms,
                           latest_ms=latest, ident=next(self._idents))
            js.required |= reschedule.PERIODIC_CONSTRAINTS
        else:
            js = JobStatus(job, uid, package, namespace, now, ident=next(self._idents))
        if self.facts.is_top(package) and not js.required & (B.TIMING_DELAY | B.DEADLINE):
            js.internal_flags |= 1  # maybeAddForegroundExemption: HAS_FOREGROUND_EXEMPTION
        js.bucket = self.facts.bucket(package)
        return js

    def cancel_status(self, js: JobStatus, why: Cancel) -> None:
        """``cancelJobImplLocked``: untrack, stop if running (no reschedule)."""
        self._remove(js)
        if js in self.pending:
            self.pending.remove(js)
        ex = self.execution_for(js)
        if ex is not None:
            self.contexts.stop(ex, why[0], why[1], why[2], cancelled=True)

    def _cancel_by_app(self, jobs: Iterable[JobStatus], debug: str) -> None:
        for js in list(jobs):
            self.cancel_status(js, (StopReason.STOP_REASON_CANCELLED_BY_APP,
                                    InternalStopReason.INTERNAL_STOP_REASON_CANCELED, debug))
        self.request_pump()

    def cancel(self, uid: int, package: str, job_id: int, namespace: str | None = None) -> None:
        """``JobScheduler.cancel``: CANCELLED_BY_APP, ``cancel() called by app, …``."""
        js = self.jobs.get((uid, namespace, job_id))
        if js is not None:
            self._cancel_by_app([js], f"cancel() called by app, callingUid={uid} uid={uid} jobId={job_id}")

    def cancel_all(self, uid: int, package: str, namespace: str | None = None) -> None:
        """``cancelAll``: from 34 only the current namespace; before, every job of the uid."""
        self._cancel_by_app([js for js in self.jobs.values()
                             if js.uid == uid and (self.api_level < 34 or js.namespace == namespace)],
                            f"cancelAll() called by app, callingUid={uid}")

    def cancel_in_all_namespaces(self, uid: int, package: str) -> None:
        self._cancel_by_app([js for js in self.jobs.values() if js.uid == uid],
                            f"cancelAll() called by app, callingUid={uid}")

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
        reasons = pending_history.all_reasons(self, js) if self.api_level >= 36 else None  # 16: plural[0]
        return reasons[0] if reasons else pending_reason(js, self.api_level, self.facts.package_stopped(js.package))

    # ================================================================== app API: in the job
    def job_finished(self, params: JobParameters | int, wants_reschedule: bool) -> None:
        """``JobService.jobFinished``; a stale handle is ignored (``verifyCallerLocked``)."""
        self.contexts.job_finished(params, wants_reschedule)

    def dequeue_work(self, params: JobParameters | int) -> JobWorkItem | None:
        """``JobParameters.dequeueWork``: None with no executing work left ends the job."""
        return self.contexts.dequeue_work(params)

    def complete_work(self, params: JobParameters | int, item: JobWorkItem) -> None:
        """``completeWork``; an item that is not executing raises ``IllegalArgumentException``."""
        self.contexts.complete_work(params, item)

    def update_estimated_network_bytes(self, params: JobParameters | int, item: JobWorkItem | None,
                                       download: int, upload: int) -> None:
        self.contexts.update_network_bytes(params, item, download, upload, estimated=True)

    def update_transferred_network_bytes(self, params: JobParameters | int, item: JobWorkItem | None,
                                         download: int, upload: int) -> None:
        self.contexts.update_network_bytes(params, item, download, upload, estimated=False)

    def set_notification(self, params: JobParameters | int, notification_id: int,
                         notification: Notification | None, end_policy: int) -> None:
        """``JobService.setNotification`` (34+), validated like JobNotificationCoordinator."""
        self.contexts.set_notification(params, notification_id, notification, end_policy)

    def notify_content_change(self, uri: str) -> None:
        """A content provider's ``notifyChange(uri)`` (ContentObserverController)."""
        self.content.notify_change(uri, self.now())

    # ================================================================== shell controls
    def set_monitor_battery(self, enabled: bool) -> None:
        """``monitor-battery on|off``: registering for the sticky ACTION_BATTERY_CHANGED
        delivers the current sequence at once."""
        self.monitor_battery = enabled
        if enabled:
            self.battery_seq = self.facts.battery_sequence

    def trigger_dock_state(self, idle: bool) -> None:
        """ACTION_DOCK_IDLE / ACTION_DOCK_ACTIVE; dock events are ignored while the screen is off."""
        if self.idleness.on_dock(idle):
            self.request_pump()

    def reset_execution_quota(self, package: str, user: int = 0) -> None:
        self.quota.reset_execution_quota(package)
        self.request_pump()

    def reset_schedule_quota(self) -> None:
        self.quota.reset_schedule_quota()

    # ================================================================== bus
    def on_change(self, change: Change) -> None:
        """A fact changed on the device's bus (:mod:`.bus`); then every job is re-evaluated."""
        bus.handle(self, change)
        self.request_pump()
