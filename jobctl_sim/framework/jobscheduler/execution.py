"""JobServiceContexts: running jobs, their time limits, and the app's calls inside a job.

Sources (``apex/jobscheduler/service/java/com/android/server/job/``):

* ``JobServiceContext.java``: the execution limit (regular 10 min; expedited 3 min;
  user-initiated 12 h: ``JobSchedulerService.Constants.DEFAULT_RUNTIME_UI_LIMIT_MS`` =
  ``max(12 h, RUNTIME_FREE_QUOTA_MAX_LIMIT 30 min)`` of 14-16, and a real capture: a Pixel 8a on
  15 and a Pixel 7a on 14 timed a user-initiated job out exactly 12 h after its start with the
  log line below) ends in onStopJob with TIMEOUT/INTERNAL_TIMEOUT and the log line
  ``Client timed out while executing (no jobFinished received). Sending onStop: …`` (13+;
  12: ``…received), sending onStop: …``; ≤11: ``…received). sending onStop. …``);
  ``verifyCallerLocked``: calls with a stale handle are ignored; ``informOfNetworkChangeLocked``
  hands a running job its new network (``onNetworkChanged``, 34+).
* ``JobParameters.dequeueWork``/``completeWork`` (``JobStatus.dequeueWorkLocked``,
  ``completeWorkLocked``): no executing work left and none pending ends the job (``last work
  dequeued``); completing an item that is not executing throws ``Given work is not active: …``.
* ``JobNotificationCoordinator`` / ``JobService.setNotification`` (34+): the checks on the
  notification and the end policy.
* ``handleOpTimeoutLocked`` for a callback that did not return (main thread blocked in
  onStartJob/onStopJob): :mod:`.slow_response`; an app model tells how long its callback
  blocks through the optional ``callback_block_ms(params, callback)`` hook.
* 16+ (API 36): ``doHandleAbandonedJob`` marks the running JobStatus abandoned (its
  JobParameters were collected without ``jobFinished``); a timeout then stops it with
  STOP_REASON_TIMEOUT_ABANDONED / INTERNAL_STOP_REASON_TIMEOUT_ABANDONED, debug ``client timed
  out and maybe abandoned``, stopped because ``timeout while executing and maybe abandoned``
  (``JobServiceContextTest``).
* ``JobPackageTracker``: the history of starts and stops (100 entries) and the recently
  completed jobs (20) that ``dumpsys jobscheduler`` prints.

Simplifications (documented in the package README/report): one concurrency limit (16,
``MAX_JOB_CONTEXTS_COUNT``) without work types, no preemption.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from jobctl_sim.framework.jobscheduler.constraints import B, DeviceFacts
from jobctl_sim.framework.jobscheduler.model import (
    InternalStopReason,
    JobParameters,
    JobWorkItem,
    NetworkHandle,
    Notification,
    StopReason,
)
from jobctl_sim.framework.jobscheduler.slow_response import OP_TIMEOUT_MS, anr_report, slow_response
from jobctl_sim.framework.jobscheduler.status import JobStatus
from jobctl_sim.framework.shell_command import IllegalArgumentException, NullPointerException
from jobctl_sim.framework.system import NetworkFacts

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem

MAX_JOB_CONTEXTS_COUNT = 16
MINUTE_MS = 60_000
REGULAR_LIMIT_MS = 10 * MINUTE_MS
EXPEDITED_LIMIT_MS = 3 * MINUTE_MS
USER_INITIATED_LIMIT_MS = 12 * 60 * MINUTE_MS
HISTORY_SIZE = 100
RECENTLY_COMPLETED = 20


@dataclass
class Execution:
    """One running job (a JobServiceContext)."""

    handle: int
    status: JobStatus
    params: JobParameters
    started_ms: int
    started_wall: float
    timer: asyncio.TimerHandle | None = None
    op_timer: asyncio.TimerHandle | None = None
    """The OP_TIMEOUT of a callback that has not returned yet."""
    stopping: bool = False
    finished: bool = False
    notification: tuple[int, Notification, int] | None = None
    top_started: bool = False
    """The app was on top when the job started (QuotaController ``mTopStartedJobs``)."""
    charge_from_ms: int | None = None
    """16+: when a top-started job began to count against quota (the app was seen off top)."""
    top_timer: asyncio.TimerHandle | None = None
    item_bytes: dict[int, dict[str, tuple[int, int]]] = field(default_factory=dict)
    """Per work item: the last ``est``/``xfer`` (download, upload) the app reported."""


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


Finished = Callable[[Execution, bool, int], None]
"""Told when an execution ended: the execution, whether the job asked to be rescheduled, when."""


def timeout_message(api_level: int, name: str) -> str:
    if api_level >= 33:
        return f"Client timed out while executing (no jobFinished received). Sending onStop: {name}"
    if api_level in (31, 32):
        return f"Client timed out while executing (no jobFinished received), sending onStop: {name}"
    return f"Client timed out while executing (no jobFinished received). sending onStop. {name}"


class JobContexts:
    """The running executions and what happens to them until they finish."""

    def __init__(self, system: AndroidSystem, on_finished: Finished) -> None:
        self._system = system
        self._clock = system.clock
        self._on_finished = on_finished
        self.active: dict[int, Execution] = {}
        self.history: collections.deque[HistoryEvent] = collections.deque(maxlen=HISTORY_SIZE)
        self.completed: collections.deque[Completed] = collections.deque(maxlen=RECENTLY_COMPLETED)
        self._handles = itertools.count(1)
        self._last_network: NetworkFacts | None = None

    @property
    def api_level(self) -> int:
        return self._system.api_level

    # ------------------------------------------------------------------ lookups
    def execution_for(self, js: JobStatus) -> Execution | None:
        for ex in self.active.values():
            if ex.status is js:
                return ex
        return None

    def is_active(self, js: JobStatus) -> bool:
        return self.execution_for(js) is not None

    def get(self, params_or_handle: JobParameters | int) -> Execution | None:
        """The live execution an app call refers to (``verifyCallerLocked``), else None."""
        handle = params_or_handle if isinstance(params_or_handle, int) else params_or_handle.handle
        ex = self.active.get(handle)
        return None if ex is None or ex.finished else ex

    def charged_from(self, ex: Execution) -> int | None:
        """When the run began to count against quota (:mod:`.quota`), None: not (yet) charged.

        Top-started runs are free up to 15; from 16 they are charged from when the app is seen off
        top. AOSP learns it from a UidObserver; the model has no process-state callbacks, so
        :meth:`_watch_top` looks once a virtual second [I]."""
        if not ex.top_started:
            return ex.started_ms
        if self.api_level >= 36 and ex.charge_from_ms is None and not self._system.activity.is_top(ex.status.package):
            ex.charge_from_ms = self._clock.elapsed_realtime_ms()
        return ex.charge_from_ms

    def _watch_top(self, handle: int) -> None:
        ex = self.active.get(handle)
        if ex is None or ex.finished or self.charged_from(ex) is not None:
            return
        ex.top_timer = self._clock.call_later(1, lambda: self._watch_top(handle))

    def running_spans(self) -> Iterable[tuple[str, int]]:
        """What counts against quota now: running jobs that are not user-initiated."""
        spans = []
        for ex in self.active.values():
            since = self.charged_from(ex)
            if not ex.status.job.user_initiated and since is not None:
                spans.append((ex.status.package, since))
        return spans

    def has_free_context(self) -> bool:
        return len(self.active) < MAX_JOB_CONTEXTS_COUNT

    # ------------------------------------------------------------------ start, stop, finish
    def execution_limit_ms(self, js: JobStatus) -> int:
        if js.job.user_initiated and self.api_level >= 34:
            return USER_INITIATED_LIMIT_MS
        if js.job.expedited and self.api_level >= 31:
            return EXPEDITED_LIMIT_MS
        return REGULAR_LIMIT_MS

    def _params_for(self, js: JobStatus, handle: int, facts: DeviceFacts) -> JobParameters:
        network = None
        if js.job.network is not None and facts.network is not None:
            network = NetworkHandle(facts.network.network_id, facts.network.transport)
        return JobParameters(
            handle=handle,
            job_id=js.job_id,
            namespace=js.namespace,
            extras=js.job.extras,
            transient_extras=js.job.transient_extras,
            triggered_content_uris=tuple(js.changed_uris) if js.changed_uris else None,
            triggered_content_authorities=tuple(js.changed_authorities) if js.changed_authorities else None,
            network=network,
            is_override_deadline_expired=js.override_deadline_expired and js.job.has_late_constraint,
            is_expedited=js.job.expedited and self.api_level >= 31,
            is_user_initiated=js.job.user_initiated and self.api_level >= 34,
        )

    def start(self, js: JobStatus, facts: DeviceFacts, now: int) -> None:
        handle = next(self._handles)
        params = self._params_for(js, handle, facts)
        js.changed_uris, js.changed_authorities = [], []
        js.content_triggered = False
        # The shell's override (``run -f``/``run -s``) stays on this JobStatus while it runs:
        # AOSP sets ``overrideState`` only in ``executeRunCommand`` and a finished job is either
        # dropped or replaced by a fresh JobStatus, so a forced job is not stopped as "not ready".
        ex = Execution(handle, js, params, now, self._clock.wall_time(),
                       top_started=self._system.activity.is_top(js.package))
        self.active[handle] = ex
        if ex.top_started and self.api_level >= 36:
            self._watch_top(handle)
        self.history.append(HistoryEvent(now, True, js))
        ex.timer = self._clock.call_later(self.execution_limit_ms(js) / 1000, lambda: self._on_timeout(handle))
        on_start_job: Callable[[JobParameters], bool] | None = getattr(
            self._system.apps.get(js.package), "on_start_job", None)
        if on_start_job is None:
            self.finish(ex, False, "onStartJob returned false")
            return
        keep = bool(on_start_job(params))
        if self._callback_blocks(ex, "onStartJob"):
            return
        if not keep and not ex.finished:
            self.finish(ex, False, "onStartJob returned false")

    def _on_timeout(self, handle: int) -> None:
        ex = self.active.get(handle)
        if ex is None or ex.finished:
            return
        api = self.api_level
        self._system.log("I", "JobServiceContext", timeout_message(api, self._short_string(ex)))
        if api >= 36 and ex.status.abandoned:
            self.stop(ex, StopReason.STOP_REASON_TIMEOUT_ABANDONED,
                      InternalStopReason.INTERNAL_STOP_REASON_TIMEOUT_ABANDONED,
                      "client timed out and maybe abandoned",
                      stopped_because="timeout while executing and maybe abandoned")
            return
        self.stop(ex, StopReason.STOP_REASON_TIMEOUT, InternalStopReason.INTERNAL_STOP_REASON_TIMEOUT,
                  "client timed out" if api >= 33 else "timeout while executing")

    def _short_string(self, ex: Execution) -> str:
        """``JobStatus.toShortString``."""
        api = self.api_level
        return f"{ex.status.ident:x} {ex.status.unique_id(api)} {ex.status.battery_name(api)}"

    def _callback_blocks(self, ex: Execution, callback: str) -> bool:
        """True when the app's ``callback`` will not return within OP_TIMEOUT: the context waits for
        ``handleOpTimeoutLocked`` instead of the answer."""
        hook: Callable[[JobParameters, str], int] | None = getattr(
            self._system.apps.get(ex.status.package), "callback_block_ms", None)
        if hook is None or int(hook(ex.params, callback)) < OP_TIMEOUT_MS:
            return False
        handle = ex.handle
        ex.op_timer = self._clock.call_later(OP_TIMEOUT_MS / 1000, lambda: self._on_op_timeout(handle, callback))
        return True

    def _on_op_timeout(self, handle: int, callback: str) -> None:
        """``handleOpTimeoutLocked`` in VERB_STARTING / VERB_STOPPING (:mod:`.slow_response`)."""
        ex = self.active.get(handle)
        if ex is None or ex.finished:
            return
        js = ex.status
        facts = self._system.packages.get(js.package)
        target_sdk = facts.target_sdk if facts is not None else self.api_level
        short_class = js.job.short_service.split("/", 1)[-1]
        response = slow_response(self.api_level, callback, self._short_string(ex), short_class, js.job_id,
                                 target_sdk)
        self._system.log(response.log_priority, "JobServiceContext", response.log_message)
        if response.stop_reasons is not None:
            public, internal = response.stop_reasons
            ex.params = replace(ex.params, stop_reason=public, internal_stop_reason=internal,
                                debug_stop_reason=response.debug_reason)
        self.finish(ex, response.reschedule, response.debug_reason)
        if response.anr_reason is not None:
            self._app_not_responding(js.package, response.anr_reason)

    def _app_not_responding(self, package: str, reason: str) -> None:
        """``ActivityManagerInternal.appNotResponding`` for a job service: report, then the silent
        (background) ANR kill unless the app is on screen."""
        activity = self._system.activity
        record = activity.processes.get(package)
        if record is None:
            return
        for line in anr_report(package, record.pid, reason):
            self._system.log("E", "ActivityManager", line)
        if not activity.is_top(package):
            activity.kill_process(package, "bg anr")

    def handle_abandoned_job(self, params: JobParameters | int) -> None:
        """``doHandleAbandonedJob`` (16+): the running job's JobParameters were collected."""
        ex = self.get(params)
        if ex is not None and self.api_level >= 36:
            ex.status.abandoned = True

    def stop(self, ex: Execution, reason: int, internal: int, debug: str, cancelled: bool = False,
             stopped_because: str | None = None) -> None:
        """``cancelExecutingJobLocked`` -> onStopJob; its return decides rescheduling."""
        if ex.stopping or ex.finished:
            return
        ex.stopping = True
        try:
            public: int = StopReason(reason)
        except ValueError:
            public = reason  # the shell's ``stop -s N`` may give any number
        ex.params = replace(ex.params, stop_reason=public, internal_stop_reason=internal, debug_stop_reason=debug)
        on_stop_job: Callable[[JobParameters], bool] | None = getattr(
            self._system.apps.get(ex.status.package), "on_stop_job", None)
        wants = bool(on_stop_job(ex.params)) if on_stop_job is not None else False
        if self._callback_blocks(ex, "onStopJob"):
            return
        self.finish(ex, wants and not cancelled, stopped_because or debug)

    def process_died(self, ex: Execution) -> None:
        """``onServiceDisconnected``: reschedule, stop reason left UNDEFINED, app not called."""
        ex.params = replace(ex.params, debug_stop_reason="unexpectedly disconnected")
        ex.stopping = True
        self.finish(ex, True, "unexpectedly disconnected")

    def finish(self, ex: Execution, reschedule: bool, debug: str) -> None:
        """``onJobCompletedLocked``: the context is free; the service reschedules or drops the job."""
        if ex.finished:
            return
        ex.finished = True
        for timer in (ex.timer, ex.op_timer, ex.top_timer):
            if timer is not None:
                timer.cancel()
        self.active.pop(ex.handle, None)
        now = self._clock.elapsed_realtime_ms()
        self.history.append(HistoryEvent(now, False, ex.status, debug))
        self.completed.append(Completed(ex.status, now, debug))
        self._on_finished(ex, reschedule, now)

    def network_changed(self, facts: DeviceFacts) -> None:
        """``informOfNetworkChangeLocked`` -> ``onNetworkChanged`` (34+)."""
        net = facts.network
        if net == self._last_network:
            return
        self._last_network = net
        if self.api_level < 34 or net is None:
            return
        for ex in list(self.active.values()):
            if ex.status.job.network is None or ex.stopping:
                continue
            if ex.status.satisfied & B.CONNECTIVITY:
                ex.params = replace(ex.params, network=NetworkHandle(net.network_id, net.transport))
                on_network_changed: Callable[[JobParameters], None] | None = getattr(
                    self._system.apps.get(ex.status.package), "on_network_changed", None)
                if on_network_changed is not None:
                    on_network_changed(ex.params)

    # ------------------------------------------------------------------ the app's calls in a job
    def job_finished(self, params: JobParameters | int, wants_reschedule: bool) -> None:
        ex = self.get(params)
        if ex is not None:
            self.finish(ex, wants_reschedule, "app called jobFinished")

    def dequeue_work(self, params: JobParameters | int) -> JobWorkItem | None:
        ex = self.get(params)
        if ex is None or ex.stopping:
            return None
        item = ex.status.work.dequeue()
        if item is None and not ex.status.work.executing:
            self.finish(ex, False, "last work dequeued")
        return item

    def complete_work(self, params: JobParameters | int, item: JobWorkItem) -> None:
        ex = self.get(params)
        if ex is None:
            return
        if not ex.status.work.complete(item.work_id):
            raise IllegalArgumentException(f"Given work is not active: {item}")
        ex.status.transferred_download = max(ex.status.transferred_download, 0)

    def update_network_bytes(self, params: JobParameters | int, item: JobWorkItem | None, download: int,
                             upload: int, estimated: bool) -> None:
        ex = self.get(params)
        if ex is None:
            return
        if item is not None:
            ex.item_bytes.setdefault(item.work_id, {})["est" if estimated else "xfer"] = (download, upload)
        elif estimated:
            ex.status.estimated_download, ex.status.estimated_upload = download, upload
        else:
            ex.status.transferred_download, ex.status.transferred_upload = download, upload

    def set_notification(self, params: JobParameters | int, notification_id: int,
                         notification: Notification | None, end_policy: int) -> None:
        ex = self.get(params)
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

    def transferred_bytes(self, js: JobStatus, upload: bool) -> int:
        """Ask the running app (JobServiceEngine ``getTransferred*Bytes``), else the last report."""
        ex = self.execution_for(js)
        if ex is not None:
            hook: Callable[[JobParameters, JobWorkItem | None], int] | None = getattr(
                self._system.apps.get(js.package),
                "get_transferred_upload_bytes" if upload else "get_transferred_download_bytes", None)
            if hook is not None:
                return int(hook(ex.params, None))
        return js.transferred_upload if upload else js.transferred_download
