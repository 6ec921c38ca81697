"""WorkManager inside one app: its database, SystemJobScheduler, SystemJobService and WorkerWrapper.

Sources (androidx ``work/work-runtime/src/main/java/androidx/work/impl/``):

* ``background/systemjob/JobSchedulerExt.kt``: from API 34 WorkManager's JobScheduler is
  ``forNamespace("androidx.work.systemjobscheduler")`` (WorkManager 2.10+); before, the default
  namespace.
* ``background/systemjob/SystemJobScheduler.java``: a WorkSpec keeps the job id of its
  ``SystemIdInfo`` row, else ``IdGenerator.nextJobSchedulerIdWithRange(0, Integer.MAX_VALUE)``;
  the log ``Scheduling work ID <id>Job ID <jobId>`` (sic, no space); ``cancel`` cancels the
  WorkSpec's jobs and drops its SystemIdInfo.
* ``utils/IdGenerator.kt``: ids come from the ``Preference`` row ``next_job_scheduler_id``
  (0 first, then +1; wraps to 0 after Integer.MAX_VALUE).
* ``background/systemjob/SystemJobInfoConverter.java``: extras ``EXTRA_WORK_SPEC_ID``,
  ``EXTRA_WORK_SPEC_GENERATION``, ``EXTRA_IS_PERIODIC``; charging/idle/battery/storage and
  network from the Constraints; backoff criteria unless idle is required; no ``setPeriodic``
  ever -- periodic work is a one-off job with ``setMinimumLatency(next run - now)`` (always set
  up to API 28, only when positive after); ``setImportantWhileForeground(true)`` when there is no
  delay (the captured dialer WorkManager job in aosp-shell-interface.md §2.3 shows its ``Flags: 2``
  and ``Priority: 400 [HIGH]``); never persisted (WorkManager reschedules on
  BOOT_COMPLETED); expedited only for a first, undelayed attempt (31+); trace tag (35+).
* ``background/systemjob/SystemJobService.java``: ``onStartJob for WorkGenerationalId(...)``,
  ``onStopJob for ...`` (debug), ``onStopJob`` returns true unless the work was cancelled;
  ``onExecuted`` calls ``jobFinished(params, needsReschedule)``.
* ``WorkerWrapper.kt``: work not ENQUEUED ends at once (``... is not in ENQUEUED state. Nothing
  more to do``); periodic or backed-off work started before ``calculateNextRunTime`` logs
  ``Delaying execution for <class> because it is being executed before schedule.`` and resolves
  with reschedule (the worker does not run: ``jobFinished(params, true)``); a run sets RUNNING and
  increments ``run_attempt_count``; the result is logged at INFO as ``Worker result SUCCESS|RETRY|
  FAILURE for Work [ id=<id>, tags={ <tags> } ]``; SUCCESS of one-time work -> SUCCEEDED and its
  dependents unblocked; of periodic work -> ENQUEUED, ``period_count`` + 1, attempts reset, next
  period scheduled on the same job id; RETRY -> ENQUEUED with reschedule; FAILURE -> FAILED, and
  its dependents FAILED; a stop resets the work to ENQUEUED with the stop reason.
* ``Logger.kt``: tags are ``WM-`` + the class's tag. The sample app sets
  ``Configuration.Builder().setMinimumLoggingLevel(Log.DEBUG)``, so debug lines reach logcat.

Simplification: WorkManager's GreedyScheduler (in-process execution while the process lives)
runs only the DiagnosticsWorker; all other work goes through JobScheduler alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from jobctl_sim.apps.workmanager import schema
from jobctl_sim.apps.workmanager.model import Backoff, Network, Result, WorkSpec, WorkState
from jobctl_sim.framework.jobscheduler.model import (
    BackoffPolicy,
    JobInfo,
    JobParameters,
    NetworkRequirement,
    NetworkType,
)
from jobctl_sim.framework.system import AndroidSystem
from jobctl_sim.native.fs import FsError

NAMESPACE = "androidx.work.systemjobscheduler"
SERVICE_CLASS = "androidx.work.impl.background.systemjob.SystemJobService"
NEXT_JOB_ID_KEY = "next_job_scheduler_id"
EXTRA_WORK_SPEC_ID = "EXTRA_WORK_SPEC_ID"
EXTRA_IS_PERIODIC = "EXTRA_IS_PERIODIC"
EXTRA_WORK_SPEC_GENERATION = "EXTRA_WORK_SPEC_GENERATION"
STOP_REASON_UNKNOWN = -512
_NETWORK = {Network.CONNECTED: NetworkType.ANY, Network.UNMETERED: NetworkType.UNMETERED,
            Network.NOT_ROAMING: NetworkType.NOT_ROAMING, Network.METERED: NetworkType.CELLULAR}


@dataclass(frozen=True)
class WorkerBehaviour:
    """What a worker class does when it runs: how long, and the results of successive runs
    (the last one repeats)."""

    run_ms: int = 2_000
    results: tuple[Result, ...] = (Result.SUCCESS,)


@dataclass
class _Run:
    work_id: str
    params: JobParameters | None
    timer: asyncio.TimerHandle | None = None


class WorkManager:
    """``WorkManagerImpl`` of one app (``package``/``uid``), its database written to the app's
    ``databases/androidx.work.workdb`` after every transaction."""

    def __init__(self, system: AndroidSystem, package: str, uid: int,
                 behaviour: Callable[[str], WorkerBehaviour]) -> None:
        self._system = system
        self.package = package
        self.uid = uid
        self._behaviour = behaviour
        self.specs: dict[str, WorkSpec] = {}
        self.tags: dict[str, list[str]] = {}
        self.names: dict[str, list[str]] = {}
        self.dependencies: list[tuple[str, str]] = []
        self.system_ids: dict[tuple[str, int], int] = {}
        self.preferences: dict[str, int] = {}
        self._runs: dict[str, _Run] = {}
        self._attempts: dict[str, int] = {}
        self._uuids = (uuid.UUID(int=(0x5A3C_0000 << 96) + n, version=4) for n in itertools.count(1))

    # ------------------------------------------------------------------ helpers
    @property
    def namespace(self) -> str | None:
        return NAMESPACE if self._system.api_level >= 34 else None

    @property
    def service(self) -> str:
        return f"{self.package}/{SERVICE_CLASS}"

    def now(self) -> int:
        return int(self._system.clock.wall_time() * 1000)

    def log(self, priority: str, tag: str, message: str) -> None:
        process = self._system.activity.ensure_process(self.package)
        self._system.log(priority, f"WM-{tag}"[:23], message, pid=process.pid if process else None)

    def new_id(self) -> str:
        return str(next(self._uuids))

    def description(self, work_id: str) -> str:
        return f"Work [ id={work_id}, tags={{ {','.join(self.tags.get(work_id, []))} }} ]"

    def job_id(self, work_id: str) -> int | None:
        spec = self.specs.get(work_id)
        return None if spec is None else self.system_ids.get((work_id, spec.generation))

    def work_for_job(self, job_id: int) -> str | None:
        return next((w for (w, _), j in self.system_ids.items() if j == job_id), None)

    # ------------------------------------------------------------------ database
    def persist(self) -> None:
        """Write ``databases/androidx.work.workdb`` (+ empty ``-wal``, ``-shm``), owned by the app."""
        data = schema.build(
            (s.row() for s in self.specs.values()),
            ((t, w) for w, ts in self.tags.items() for t in ts),
            ((n, w) for w, ns in self.names.items() for n in ns),
            self.dependencies,
            ((w, g, j) for (w, g), j in self.system_ids.items()),
            sorted(self.preferences.items()),
        )
        fs = self._system.device.fs
        directory = f"{self._system.packages.data_dir(self.package)}/databases"
        try:
            if not fs.exists(directory):
                fs.mkdir(directory, parents=True, mode=0o40771, uid=self.uid)
            path = f"{directory}/{schema.DATABASE_NAME}"
            fs.write_bytes(path, data, mode=0o100660, uid=self.uid)
            fs.write_bytes(f"{path}-wal", b"", mode=0o100660, uid=self.uid)
            fs.write_bytes(f"{path}-shm", bytes(32768), mode=0o100660, uid=self.uid)
        except FsError:
            pass  # data directory gone (uninstalled / cleared): nothing to write into

    def forget(self) -> None:
        """``pm clear``/uninstall: the database is gone with the data directory."""
        self.specs.clear()
        self.tags.clear()
        self.names.clear()
        self.dependencies.clear()
        self.system_ids.clear()
        self.preferences.clear()
        self.cancel_runs()

    def _set(self, spec: WorkSpec) -> WorkSpec:
        self.specs[spec.id] = spec
        return spec

    # ------------------------------------------------------------------ enqueue
    def insert(self, spec: WorkSpec, tags: tuple[str, ...], unique_name: str | None,
               prerequisites: tuple[str, ...] = ()) -> WorkSpec:
        """Insert one WorkSpec (``WorkContinuationImpl``/``EnqueueRunnable``): tagged with its
        class name first, BLOCKED while a prerequisite is unfinished."""
        blocked = any(not self.specs[p].state.finished for p in prerequisites if p in self.specs)
        failed = any(self.specs[p].state in (WorkState.FAILED, WorkState.CANCELLED)
                     for p in prerequisites if p in self.specs)
        state = WorkState.FAILED if failed else WorkState.BLOCKED if blocked else WorkState.ENQUEUED
        spec = self._set(replace(spec, state=state, last_enqueue_time=self.now()))
        self.tags[spec.id] = list(dict.fromkeys((spec.worker_class_name, *tags)))
        if unique_name is not None:
            self.names[spec.id] = [unique_name]
        self.dependencies += [(spec.id, p) for p in prerequisites]
        return spec

    def unique(self, name: str) -> list[str]:
        return [w for w, ns in self.names.items() if name in ns]

    def cancel_work(self, work_id: str) -> None:
        """``CancelWorkRunnable``: unfinished work and its dependents CANCELLED, jobs cancelled."""
        for w in [work_id, *self._dependents(work_id)]:
            spec = self.specs.get(w)
            if spec is None or spec.state.finished:
                continue
            self._set(replace(spec, state=WorkState.CANCELLED))
            self._cancel_jobs(w)
            run = self._runs.pop(w, None)
            if run is not None and run.timer is not None:
                run.timer.cancel()

    def _dependents(self, work_id: str) -> list[str]:
        out: list[str] = []
        frontier = [work_id]
        while frontier:
            current = frontier.pop()
            for w, p in self.dependencies:
                if p == current and w not in out:
                    out.append(w)
                    frontier.append(w)
        return out

    # ------------------------------------------------------------------ SystemJobScheduler
    def schedule_eligible(self) -> None:
        """``Schedulers.schedule``: every ENQUEUED WorkSpec not yet handed to a scheduler."""
        for spec in list(self.specs.values()):
            if spec.state == WorkState.ENQUEUED and spec.schedule_requested_at == -1:
                self._set(replace(spec, schedule_requested_at=self.now()))
                self.schedule(spec.id)
        self.persist()

    def schedule(self, work_id: str) -> None:
        """``SystemJobScheduler.schedule`` of one WorkSpec."""
        spec = self.specs.get(work_id)
        if spec is None:
            self.log("W", "SystemJobScheduler", f"Skipping scheduling {work_id} because it's no longer in the DB")
            return
        if spec.state != WorkState.ENQUEUED:
            self.log("W", "SystemJobScheduler", f"Skipping scheduling {work_id} because it is no longer enqueued")
            return
        key = (work_id, spec.generation)
        job_id = self.system_ids.get(key)
        if job_id is None:
            job_id = self._next_job_id()
            self.system_ids[key] = job_id
        self.log("D", "SystemJobScheduler", f"Scheduling work ID {work_id}Job ID {job_id}")
        self._system.jobs.schedule(self.uid, self.package, self.convert(spec, job_id), self.namespace)

    def _next_job_id(self) -> int:
        """``IdGenerator.nextJobSchedulerIdWithRange(0, Integer.MAX_VALUE)``."""
        current = self.preferences.get(NEXT_JOB_ID_KEY, 0)
        self.preferences[NEXT_JOB_ID_KEY] = 0 if current == 2**31 - 1 else current + 1
        return current

    def convert(self, spec: WorkSpec, job_id: int) -> JobInfo:
        """``SystemJobInfoConverter.convert``."""
        api = self._system.api_level
        offset = max(spec.next_run_time() - self.now(), 0)
        c = spec.constraints
        network = None if c.network == Network.NOT_REQUIRED else NetworkRequirement(_NETWORK[c.network])
        backoff = not c.requires_device_idle
        latency = api <= 28 or offset > 0
        return JobInfo(
            job_id=job_id,
            service=self.service,
            extras=((EXTRA_IS_PERIODIC, spec.periodic), (EXTRA_WORK_SPEC_GENERATION, spec.generation),
                    (EXTRA_WORK_SPEC_ID, spec.id)),
            requires_charging=c.requires_charging,
            requires_device_idle=c.requires_device_idle,
            requires_battery_not_low=c.requires_battery_not_low,
            requires_storage_not_low=c.requires_storage_not_low,
            network=network,
            min_latency_ms=offset if latency else 0,
            has_early_constraint=latency,
            initial_backoff_ms=spec.backoff_delay_duration if backoff else 30_000,
            backoff_policy=(BackoffPolicy.LINEAR if spec.backoff_policy == Backoff.LINEAR
                            else BackoffPolicy.EXPONENTIAL),
            backoff_set=backoff,
            important_while_foreground=api >= 29 and offset == 0 and not spec.expedited,
            expedited=api >= 31 and spec.expedited and spec.run_attempt_count == 0 and offset == 0,
            trace_tag=spec.worker_class_name if api >= 35 else None,
        )

    def _cancel_jobs(self, work_id: str) -> None:
        for (w, g) in [k for k in self.system_ids if k[0] == work_id]:
            self._system.jobs.cancel(self.uid, self.package, self.system_ids.pop((w, g)), self.namespace)

    def reconcile(self) -> None:
        """``ForceStopRunnable``/``SystemJobScheduler.reconcileJobs``: ENQUEUED work without a
        job in JobScheduler (after a reboot or a force-stop) is scheduled again."""
        pending = {job.job_id for job in self._system.jobs.get_all_pending(self.uid, self.namespace)}
        for spec in list(self.specs.values()):
            job_id = self.job_id(spec.id)
            if spec.state == WorkState.ENQUEUED and (job_id is None or job_id not in pending):
                self._set(replace(spec, schedule_requested_at=-1))
        self.schedule_eligible()

    # ------------------------------------------------------------------ SystemJobService
    def on_start_job(self, params: JobParameters) -> bool:
        extras = dict(params.extras)
        work_id = extras.get(EXTRA_WORK_SPEC_ID)
        if not isinstance(work_id, str):
            self.log("E", "SystemJobService", "WorkSpec id not found!")
            return False
        generation = int(extras.get(EXTRA_WORK_SPEC_GENERATION, 0))
        gen_id = f"WorkGenerationalId(workSpecId={work_id}, generation={generation})"
        if work_id in self._runs:
            self.log("D", "SystemJobService", f"Job is already being executed by SystemJobService: {gen_id}")
            return False
        self.log("D", "SystemJobService", f"onStartJob for {gen_id}")
        self.start_work(work_id, params)
        return True

    def on_stop_job(self, params: JobParameters) -> bool:
        work_id = dict(params.extras).get(EXTRA_WORK_SPEC_ID)
        if not isinstance(work_id, str):
            return False
        generation = int(dict(params.extras).get(EXTRA_WORK_SPEC_GENERATION, 0))
        self.log("D", "SystemJobService",
                 f"onStopJob for WorkGenerationalId(workSpecId={work_id}, generation={generation})")
        spec = self.specs.get(work_id)
        run = self._runs.pop(work_id, None)
        if run is not None and run.timer is not None:
            run.timer.cancel()
        if spec is None or spec.state == WorkState.CANCELLED:
            return False
        if spec.state == WorkState.RUNNING:
            reason = params.stop_reason if self._system.api_level >= 31 else STOP_REASON_UNKNOWN
            self.log("D", "WorkerWrapper", f"Work interrupted for {self.description(work_id)}")
            self._set(replace(spec, state=WorkState.ENQUEUED, stop_reason=int(reason)))
            self.persist()
        return True

    def cancel_runs(self) -> None:
        for run in self._runs.values():
            if run.timer is not None:
                run.timer.cancel()
        self._runs.clear()

    def on_process_died(self) -> None:
        """The worker threads die with the process: RUNNING work stays RUNNING in the database
        until WorkManager starts again (``ForceStopRunnable`` resets it to ENQUEUED)."""
        self.cancel_runs()

    # ------------------------------------------------------------------ WorkerWrapper
    def start_work(self, work_id: str, params: JobParameters | None) -> None:
        spec = self.specs.get(work_id)
        if spec is None:
            self._finish(params, False)
            return
        if spec.state != WorkState.ENQUEUED:
            self.log("D", "WorkerWrapper", f"{spec.worker_class_name} is not in ENQUEUED state. Nothing more to do")
            self._finish(params, False)
            return
        if (spec.periodic or spec.backed_off) and self.now() < spec.next_run_time():
            self.log("D", "WorkerWrapper", f"Delaying execution for {spec.worker_class_name} because it is being "
                     "executed before schedule.")
            self._finish(params, True)
            return
        spec = self._set(replace(spec, state=WorkState.RUNNING, run_attempt_count=spec.run_attempt_count + 1))
        self.persist()
        behaviour = self._behaviour(spec.worker_class_name)
        run = _Run(work_id, params)
        self._runs[work_id] = run
        with contextlib.suppress(RuntimeError):  # no event loop (unit use): the worker never returns
            run.timer = self._system.clock.call_later(behaviour.run_ms / 1000, lambda: self._worker_done(run))

    def run_in_process(self, work_id: str, body: Callable[[], None]) -> None:
        """GreedyScheduler: run ``body`` as the worker now, in the app's process."""
        spec = self.specs.get(work_id)
        if spec is None or spec.state != WorkState.ENQUEUED:
            return
        self._set(replace(spec, state=WorkState.RUNNING, run_attempt_count=spec.run_attempt_count + 1))
        body()
        self._complete(work_id, Result.SUCCESS, None)

    def _worker_done(self, run: _Run) -> None:
        if self._runs.get(run.work_id) is not run:
            return
        del self._runs[run.work_id]
        spec = self.specs[run.work_id]
        behaviour = self._behaviour(spec.worker_class_name)
        attempt = self._attempts.get(spec.worker_class_name, 0)
        self._attempts[spec.worker_class_name] = attempt + 1
        result = behaviour.results[min(attempt, len(behaviour.results) - 1)]
        self._complete(run.work_id, result, run.params)

    def _complete(self, work_id: str, result: Result, params: JobParameters | None) -> None:
        spec = self.specs[work_id]
        self.log("I", "WorkerWrapper", f"Worker result {result.value} for {self.description(work_id)}")
        now = self.now()
        reschedule = False
        if result is Result.SUCCESS and spec.periodic:
            self._set(replace(spec, state=WorkState.ENQUEUED, period_count=spec.period_count + 1,
                              last_enqueue_time=now, run_attempt_count=0, schedule_requested_at=-1))
        elif result is Result.SUCCESS:
            self._set(replace(spec, state=WorkState.SUCCEEDED))
            self._unblock_dependents(work_id)
        elif result is Result.RETRY:
            self._set(replace(spec, state=WorkState.ENQUEUED, last_enqueue_time=now))
            reschedule = True
        else:
            self._set(replace(spec, state=WorkState.FAILED))
            for w in self._dependents(work_id):
                self._set(replace(self.specs[w], state=WorkState.FAILED))
        self.persist()
        if params is not None:
            self.log("D", "SystemJobService", f"{work_id} executed on JobScheduler")
        self._finish(params, reschedule)
        self.schedule_eligible()

    def _unblock_dependents(self, work_id: str) -> None:
        for w, p in self.dependencies:
            spec = self.specs.get(w)
            if p != work_id or spec is None or spec.state != WorkState.BLOCKED:
                continue
            prerequisites = [self.specs[q] for x, q in self.dependencies if x == w and q in self.specs]
            if all(q.state == WorkState.SUCCEEDED for q in prerequisites):
                self._set(replace(spec, state=WorkState.ENQUEUED, last_enqueue_time=self.now()))

    def _finish(self, params: JobParameters | None, reschedule: bool) -> None:
        if params is not None:
            self._system.jobs.job_finished(params, reschedule)


__all__ = ["EXTRA_WORK_SPEC_ID", "NAMESPACE", "SERVICE_CLASS", "WorkManager", "WorkerBehaviour"]
