"""``com.example.jobctl.sample``: a debuggable app that schedules through WorkManager (2.10+ model).

**What is on the device.** Installed by default (uid 10190, ``u0a190``; stopped and in the NEVER
bucket like any fresh install, so it has no work and no jobs until launched). Components:
``.MainActivity`` (exported), ``androidx.work.impl.background.systemjob.SystemJobService``
(BIND_JOB_SERVICE), ``androidx.work.impl.diagnostics.DiagnosticsReceiver`` (exported, needs
``android.permission.DUMP``: the shell has it), ``.SampleReceiver`` (exported). WorkManager's
database is ``/data/data/com.example.jobctl.sample/databases/androidx.work.workdb`` (schema 24,
WAL header, always checkpointed: :mod:`.workmanager.schema`), readable with
``run-as com.example.jobctl.sample cat databases/androidx.work.workdb``.

**Jobs.** WorkManager's jobs run ``androidx.work.impl.background.systemjob.SystemJobService``;
on API 34+ they live in namespace ``androidx.work.systemjobscheduler`` (``-n`` on the shell),
below 34 in the default one. Job ids come from the ``Preference`` row
``next_job_scheduler_id`` (0, 1, 2, … in scheduling order); the ``SystemIdInfo`` table maps
``work_spec_id`` -> ``system_id``; the job's extras carry ``EXTRA_WORK_SPEC_ID``,
``EXTRA_WORK_SPEC_GENERATION`` and ``EXTRA_IS_PERIODIC``. Work ids are UUIDs.

**The demo work**, enqueued by the first launch (``am start -n
com.example.jobctl.sample/.MainActivity``: the activity enqueues, then finishes), by
``am broadcast -n com.example.jobctl.sample/.SampleReceiver --es kind demo`` or by
:meth:`SampleApp.enqueue_demo`, scheduled in this order on a fresh install (job ids 0-3; the
chain's second step gets the next free id -- 4 unless other work was scheduled first, e.g. the
DiagnosticsWorker -- when the first step succeeds):

====  =======================================  ==============================================
job   worker class (``…sample.work.``)          request
====  =======================================  ==============================================
0     ``SyncWorker``                            one-time, tag ``sync``, network CONNECTED
1     ``RefreshWorker``                         periodic 15 min, flex 5 min, unique ``refresh``
                                                (KEEP), tag ``refresh``: first run after 10 min
2     ``UploadWorker``                          one-time, unique ``upload`` (KEEP), tag
                                                ``upload``, requires charging
3     ``CompressWorker``                        chain step 1, tag ``chain``
(4)   ``ArchiveWorker``                         chain step 2 (BLOCKED until step 1 succeeds)
====  =======================================  ==============================================

Every WorkSpec is also tagged with its worker's class name (WorkRequest.Builder does that).
Each worker runs 2 s and succeeds unless :meth:`SampleApp.set_behaviour` says otherwise.
``SampleReceiver`` also takes ``--es kind one-time|periodic|unique|chain`` (one more request of
that shape; ``--es worker CLASS`` overrides the class, ``--es name N`` the unique name).

**Diagnostics**: ``am broadcast -a androidx.work.diagnostics.REQUEST_DIAGNOSTICS -p
com.example.jobctl.sample`` logs the DiagnosticsWorker's tables under ``WM-DiagnosticsWrkr``
(:mod:`.workmanager.diagnostics`). The app logs WorkManager's debug lines (``WM-*`` tags):
a forced run of periodic or backed-off work before its time logs ``Delaying execution for
<class> because it is being executed before schedule.`` and ends with ``jobFinished(true)``.

**Typed API** for tests: ``sample_app(system)`` returns the :class:`SampleApp` (``None`` if not
installed); ``enqueue_one_time``, ``enqueue_periodic``, ``enqueue_chain``, ``enqueue_demo``,
``set_behaviour``, ``work(id)``, ``job_id(work_id)``, ``work_for_job(job_id)``,
``request_diagnostics()``; ``SampleApp.wm`` is the :class:`~.workmanager.runtime.WorkManager`.
"""

from __future__ import annotations

from jobctl_sim.apps.workmanager import diagnostics
from jobctl_sim.apps.workmanager.model import Constraints, Network, Result, WorkSpec, periodic_bounds
from jobctl_sim.apps.workmanager.runtime import SERVICE_CLASS, WorkerBehaviour, WorkManager
from jobctl_sim.framework.jobscheduler.model import (
    ACCESS_NETWORK_STATE,
    BIND_JOB_SERVICE,
    RECEIVE_BOOT_COMPLETED,
    JobParameters,
)
from jobctl_sim.framework.system import (
    AndroidSystem,
    BroadcastResult,
    Change,
    ComponentInfo,
    Intent,
    PackageFacts,
    Topic,
)

PACKAGE = "com.example.jobctl.sample"
PREFERRED_UID = 10190
MAIN_ACTIVITY = f"{PACKAGE}.MainActivity"
SAMPLE_RECEIVER = f"{PACKAGE}.SampleReceiver"
WORK = f"{PACKAGE}.work"
SYNC, REFRESH, UPLOAD, COMPRESS, ARCHIVE = (f"{WORK}.{n}" for n in
                                            ("SyncWorker", "RefreshWorker", "UploadWorker", "CompressWorker",
                                             "ArchiveWorker"))
KEEP, REPLACE = "KEEP", "REPLACE"
NO_CONSTRAINTS = Constraints()


def package_facts(api_level: int) -> PackageFacts:
    return PackageFacts(
        package=PACKAGE, uid=PREFERRED_UID, version_code=1, version_name="1.0", debuggable=True,
        target_sdk=api_level,
        requested_permissions=(RECEIVE_BOOT_COMPLETED, ACCESS_NETWORK_STATE, "android.permission.WAKE_LOCK",
                               "android.permission.FOREGROUND_SERVICE"),
        components=(
            ComponentInfo(MAIN_ACTIVITY, "activity", exported=True),
            ComponentInfo(SERVICE_CLASS, "service", exported=True, permission=BIND_JOB_SERVICE),
            ComponentInfo(diagnostics.RECEIVER_CLASS, "receiver", exported=True, permission=diagnostics.DUMP),
            ComponentInfo(SAMPLE_RECEIVER, "receiver", exported=True),
        ),
    )


class SampleApp:
    """The app model: WorkManager plus the sample's activity and receivers."""

    def __init__(self, system: AndroidSystem, uid: int) -> None:
        self.package = PACKAGE
        self._system = system
        self._behaviours: dict[str, WorkerBehaviour] = {}
        self.wm = WorkManager(system, PACKAGE, uid, self.behaviour)

    # ------------------------------------------------------------------ API
    def behaviour(self, worker: str) -> WorkerBehaviour:
        return self._behaviours.get(worker, WorkerBehaviour())

    def set_behaviour(self, worker: str, run_ms: int = 2_000, results: tuple[Result, ...] = (Result.SUCCESS,)) -> None:
        """How ``worker`` behaves from now on (its successive runs return ``results``)."""
        self._behaviours[worker] = WorkerBehaviour(run_ms, results)

    def _existing(self, unique_name: str | None, policy: str) -> str | None:
        if unique_name is None:
            return None
        live = [w for w in self.wm.unique(unique_name) if not self.wm.specs[w].state.finished]
        if live and policy == KEEP:
            return live[0]
        for w in live:
            self.wm.cancel_work(w)
        return None

    def enqueue_one_time(self, worker: str, tags: tuple[str, ...] = (), delay_ms: int = 0,
                         constraints: Constraints = NO_CONSTRAINTS, unique_name: str | None = None,
                         policy: str = KEEP) -> str:
        """``enqueue(OneTimeWorkRequest)`` / ``enqueueUniqueWork(name, policy, …)``; the work id
        (the kept one when KEEP finds unfinished work under ``unique_name``)."""
        kept = self._existing(unique_name, policy)
        if kept is not None:
            return kept
        spec = self.wm.insert(WorkSpec(self.wm.new_id(), worker, initial_delay=delay_ms, constraints=constraints),
                              tags, unique_name)
        self.wm.schedule_eligible()
        return spec.id

    def enqueue_periodic(self, worker: str, interval_ms: int, flex_ms: int | None = None, tags: tuple[str, ...] = (),
                         constraints: Constraints = NO_CONSTRAINTS, unique_name: str | None = None,
                         policy: str = KEEP) -> str:
        """``enqueue(PeriodicWorkRequest)`` / ``enqueueUniquePeriodicWork``."""
        kept = self._existing(unique_name, policy)
        if kept is not None:
            return kept
        interval, flex = periodic_bounds(interval_ms, flex_ms)
        spec = self.wm.insert(WorkSpec(self.wm.new_id(), worker, interval_duration=interval, flex_duration=flex,
                                       constraints=constraints), tags, unique_name)
        self.wm.schedule_eligible()
        return spec.id

    def enqueue_chain(self, workers: tuple[str, ...], tags: tuple[str, ...] = ()) -> tuple[str, ...]:
        """``beginWith(A).then(B)….enqueue()``: each step depends on the one before."""
        ids: list[str] = []
        for worker in workers:
            spec = self.wm.insert(WorkSpec(self.wm.new_id(), worker), tags, None, tuple(ids[-1:]))
            ids.append(spec.id)
        self.wm.schedule_eligible()
        return tuple(ids)

    def enqueue_demo(self) -> dict[str, str]:
        """The demo set of the module docstring: ``{"one_time", "periodic", "unique", "chain_a",
        "chain_b"}`` -> work id."""
        out = {
            "one_time": self.enqueue_one_time(SYNC, ("sync",), constraints=Constraints(network=Network.CONNECTED)),
            "periodic": self.enqueue_periodic(REFRESH, 15 * 60_000, 5 * 60_000, ("refresh",), unique_name="refresh"),
            "unique": self.enqueue_one_time(UPLOAD, ("upload",), constraints=Constraints(requires_charging=True),
                                            unique_name="upload"),
        }
        out["chain_a"], out["chain_b"] = self.enqueue_chain((COMPRESS, ARCHIVE), ("chain",))
        return out

    def work(self, work_id: str) -> WorkSpec | None:
        return self.wm.specs.get(work_id)

    def job_id(self, work_id: str) -> int | None:
        return self.wm.job_id(work_id)

    def work_for_job(self, job_id: int) -> str | None:
        return self.wm.work_for_job(job_id)

    def request_diagnostics(self) -> str:
        return diagnostics.request(self.wm)

    # ------------------------------------------------------------------ app model hooks
    def receiver_for_action(self, action: str) -> str | None:
        """The manifest receiver whose intent filter matches ``action`` (package-only broadcasts)."""
        return diagnostics.RECEIVER_CLASS if action == diagnostics.ACTION else None

    def on_broadcast(self, intent: Intent) -> BroadcastResult:
        receiver = (intent.component or "").partition("/")[2]
        if receiver in (diagnostics.RECEIVER_CLASS, ".impl.diagnostics.DiagnosticsReceiver"):
            self.request_diagnostics()
            return BroadcastResult()
        if receiver in (SAMPLE_RECEIVER, ".SampleReceiver"):
            return self._sample_broadcast(intent)
        return BroadcastResult()

    def _sample_broadcast(self, intent: Intent) -> BroadcastResult:
        kind = str(intent.extras.get("kind", "demo"))
        worker = intent.extras.get("worker")
        name = intent.extras.get("name")
        if kind == "demo":
            ids = list(self.enqueue_demo().values())
        elif kind == "one-time":
            ids = [self.enqueue_one_time(str(worker or SYNC))]
        elif kind == "periodic":
            ids = [self.enqueue_periodic(str(worker or REFRESH), 15 * 60_000, unique_name=name and str(name))]
        elif kind == "unique":
            ids = [self.enqueue_one_time(str(worker or UPLOAD), unique_name=str(name or "upload"))]
        elif kind == "chain":
            ids = list(self.enqueue_chain((COMPRESS, ARCHIVE)))
        else:
            return BroadcastResult(code=0, data=f"unknown kind {kind}")
        return BroadcastResult(code=-1, data=",".join(ids))

    def on_activity_start(self, intent: Intent) -> bool:
        """MainActivity: WorkManager initialises (reschedules work that lost its job), the first
        launch enqueues the demo set; the activity then finishes."""
        self.wm.reconcile()
        if not self.wm.specs:
            self.enqueue_demo()
        return True

    def on_start_job(self, params: JobParameters) -> bool:
        return self.wm.on_start_job(params)

    def on_stop_job(self, params: JobParameters) -> bool:
        return self.wm.on_stop_job(params)

    def on_process_died(self) -> None:
        self.wm.on_process_died()

    def on_change(self, change: Change) -> None:
        if change.package is not None and change.package != PACKAGE:
            return
        if change.topic is Topic.PACKAGE_FORCE_STOPPED:
            self.wm.cancel_runs()
            if change.detail.get("reason") == "clear data":
                self.wm.forget()
        elif change.topic is Topic.BOOT_COMPLETED and not self._system.packages.is_stopped(PACKAGE):
            self.wm.reconcile()  # RescheduleReceiver / ForceStopRunnable after a reboot


def sample_app(system: AndroidSystem) -> SampleApp | None:
    app = system.apps.get(PACKAGE)
    return app if isinstance(app, SampleApp) else None


class SampleRegistration:
    """Keeps ``system.apps[PACKAGE]`` in step with the package manager."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system

    def on_change(self, change: Change) -> None:
        if change.package != PACKAGE:
            app = sample_app(self._system)
            if app is not None and change.topic is Topic.BOOT_COMPLETED:
                app.on_change(change)
            return
        app = sample_app(self._system)
        if change.topic is Topic.PACKAGE_ADDED and app is None:
            facts = self._system.packages.get(PACKAGE)
            if facts is not None:
                self._system.apps[PACKAGE] = SampleApp(self._system, facts.uid)
        elif change.topic is Topic.PACKAGE_REMOVED and not change.detail.get("replacing"):
            removed = self._system.apps.pop(PACKAGE, None)
            if removed is not None:
                removed.on_process_died()
        elif app is not None:
            app.on_change(change)


def install(system: AndroidSystem) -> None:
    """Register the model and preinstall the app (stopped, as after ``adb install``)."""
    system.subscribe(SampleRegistration(system).on_change)
    if system.packages.get(PACKAGE) is None:
        system.packages.install_package(package_facts(system.api_level), None, stopped=True)


__all__ = ["ARCHIVE", "COMPRESS", "PACKAGE", "REFRESH", "SYNC", "UPLOAD", "SampleApp", "install", "sample_app"]
