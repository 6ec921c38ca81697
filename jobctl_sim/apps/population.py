"""The boot-time job population of a stock emulator image: system_server's and the providers' jobs.

:func:`install` (from :func:`jobctl_sim.apps.registration.install`) preinstalls the provider
packages the catalogue needs (MediaProvider, DownloadProvider: privileged system apps, so
EXEMPTED and never stopped), registers one :class:`SystemJobsApp` per owning package in
``system.apps`` and schedules :func:`jobctl_sim.apps.system_jobs.catalog` through the regular
``system.jobs.schedule`` path (so ``dumpsys jobscheduler``, ``get-job-state``, ``run``, history
and backoff treat them like any app's jobs). The owners schedule again at every
BOOT_COMPLETED, after JobScheduler restored its persisted jobs; like their sources (see
:mod:`.system_jobs`), an owner whose job is still pending leaves it alone (``getPendingJob(id) ==
null`` in MediaProvider/DownloadProvider, ``!jobInfo.equals(pendingJob)`` in UsageStatsIdleService).

Uids: ``android`` is 1000 (system_server); MediaProvider is ``u0a140`` as in the captured dump
(aosp-shell-interface.md §2.2 item 12); DownloadProvider 10047 [I].
"""

from __future__ import annotations

import asyncio
import contextlib

from jobctl_sim.apps import system_jobs
from jobctl_sim.apps.system_jobs import SystemJobSpec
from jobctl_sim.framework.jobscheduler.model import BIND_JOB_SERVICE, RECEIVE_BOOT_COMPLETED, JobParameters
from jobctl_sim.framework.system import (
    AndroidSystem,
    BroadcastResult,
    Change,
    ComponentInfo,
    Intent,
    PackageFacts,
    Topic,
)
from jobctl_sim.native.fs import FsError

MEDIA_UID = 10140
DOWNLOADS_UID = 10047


class SystemJobsApp:
    """The JobServices of one system package: each run takes ``spec.run_ms``, then
    ``jobFinished(params, false)``; ``onStopJob`` answers ``spec.reschedule_on_stop``."""

    def __init__(self, system: AndroidSystem, package: str) -> None:
        self.package = package
        self._system = system
        self._running: dict[int, asyncio.TimerHandle] = {}

    def _spec(self, params: JobParameters) -> SystemJobSpec | None:
        return system_jobs.find(self._system.api_level, self.package, params.job_id, params.namespace)

    def on_broadcast(self, intent: Intent) -> BroadcastResult:
        return BroadcastResult()

    def on_process_died(self) -> None:
        for timer in self._running.values():
            timer.cancel()
        self._running.clear()

    def on_start_job(self, params: JobParameters) -> bool:
        spec = self._spec(params)
        if spec is None:
            return False  # a job of this uid the model does not know (scheduled by a test)
        try:
            timer = self._system.clock.call_later(spec.run_ms / 1000, lambda: self._done(params, spec))
        except RuntimeError:
            return True  # no event loop (unit use): the work never ends
        self._running[params.handle] = timer
        return True

    def on_stop_job(self, params: JobParameters) -> bool:
        timer = self._running.pop(params.handle, None)
        if timer is not None:
            timer.cancel()
        spec = self._spec(params)
        return bool(spec and spec.reschedule_on_stop)

    def _done(self, params: JobParameters, spec: SystemJobSpec) -> None:
        if self._running.pop(params.handle, None) is None:
            return
        self._system.jobs.job_finished(params, False)
        if spec.reschedules_itself:
            schedule(self._system, spec, replace_pending=True)


def schedule(system: AndroidSystem, spec: SystemJobSpec, replace_pending: bool = False) -> None:
    """The owner's ``schedule`` call (skipped when its job is still pending, unless replacing)."""
    facts = system.packages.get(spec.package)
    if facts is None:
        return
    job = spec.job_info(system.clock.wall_time())
    pending = system.jobs.get_pending_job(facts.uid, spec.job_id, spec.namespace)
    if pending is not None and not replace_pending:
        return
    system.jobs.schedule(facts.uid, spec.package, job, spec.namespace)


def _provider(package: str, uid: int, services: tuple[str, ...], api_level: int) -> PackageFacts:
    return PackageFacts(
        package=package, uid=uid, version_code=api_level * 10_000_000, version_name=str(api_level),
        debuggable=False, target_sdk=api_level, requested_permissions=(RECEIVE_BOOT_COMPLETED,),
        components=tuple(ComponentInfo(s, "service", False, BIND_JOB_SERVICE) for s in services),
    )


def _preinstall_system_app(system: AndroidSystem, facts: PackageFacts, code_path: str) -> None:
    """A privileged app of the system image: installed from facts, then marked as system (its
    code under ``/system/priv-app``, EXEMPTED bucket, never stopped)."""
    packages = system.packages
    if packages.get(facts.package) is not None:
        return
    packages.install_package(facts, None, stopped=False)
    record = packages.record(facts.package)
    if record is None:
        return
    with contextlib.suppress(FsError):
        system.device.fs.remove(record.code_path, recursive=True)
    record.system = True
    record.stopped = False
    record.not_launched = False
    record.code_path = code_path


def owners(api_level: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.package for s in system_jobs.catalog(api_level)))


class Population:
    """Schedules the catalogue at boot (install time and every BOOT_COMPLETED)."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system

    def on_change(self, change: Change) -> None:
        if change.topic is Topic.BOOT_COMPLETED:
            self.schedule_all()

    def schedule_all(self) -> None:
        for spec in system_jobs.catalog(self._system.api_level):
            schedule(self._system, spec)


def install(system: AndroidSystem) -> Population:
    """Preinstall the providers, register the system job models, schedule the boot jobs."""
    api = system.api_level
    media = system_jobs.media_package(api)
    _preinstall_system_app(system, _provider(media, MEDIA_UID, ("com.android.providers.media.IdleService",), api),
                           "/system/priv-app/MediaProviderGoogle" if api >= 30 else "/system/priv-app/MediaProvider")
    _preinstall_system_app(system, _provider(system_jobs.DOWNLOADS, DOWNLOADS_UID,
                                             ("com.android.providers.downloads.DownloadIdleService",), api),
                           "/system/priv-app/DownloadProvider")
    for package in owners(api):
        if package not in system.apps:
            system.apps[package] = SystemJobsApp(system, package)
    population = Population(system)
    system.subscribe(population.on_change)
    population.schedule_all()
    return population


__all__ = ["Population", "SystemJobsApp", "install", "owners", "schedule"]
