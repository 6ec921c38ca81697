"""Another app on the virtual device, with jobs of its own: installed from facts and given a
JobService model that keeps each job running until it is stopped or told to finish
(the app-model contract of ``jobctl_sim.framework.jobscheduler.app_api``)."""

from __future__ import annotations

from typing import Any

from jobctl_sim.harness import SimHarness

PACKAGE = "org.example.other"
SERVICE = f"{PACKAGE}/.Jobs"


class KeepRunningApp:
    """``onStartJob`` returns true (the job runs until stopped); ``finish`` calls ``jobFinished``."""

    def __init__(self, system: Any) -> None:
        self.package = PACKAGE
        self.system = system
        self.running: dict[tuple[str | None, int], Any] = {}
        self.stop_reasons: list[int] = []
        self.reschedule = False
        """What ``onStopJob`` answers (true: JobScheduler keeps the job, with backoff)."""

    def on_start_job(self, params: Any) -> bool:
        self.running[(params.namespace, params.job_id)] = params
        return True

    def on_stop_job(self, params: Any) -> bool:
        self.running.pop((params.namespace, params.job_id), None)
        self.stop_reasons.append(int(params.stop_reason))
        return self.reschedule

    def finish(self, job_id: int, namespace: str | None = None) -> None:
        params = self.running.pop((namespace, job_id))
        self.system.jobs.job_finished(params, False)


def install_other_app(sim: SimHarness) -> KeepRunningApp:
    """Install ``org.example.other`` (launched: not in the stopped state) with its app model."""
    from jobctl_sim.framework.system import ComponentInfo, PackageFacts

    def install() -> KeepRunningApp:
        system = sim.devices[0].android
        system.packages.install_package(PackageFacts(
            PACKAGE, 0, 1, "1", True, 34, ("android.permission.ACCESS_NETWORK_STATE",),
            (ComponentInfo(f"{PACKAGE}.Jobs", "service", True, "android.permission.BIND_JOB_SERVICE"),)),
            None, stopped=False)
        app = KeepRunningApp(system)
        system.apps[PACKAGE] = app
        return app

    return sim.run(install)


def schedule(sim: SimHarness, job_id: int, namespace: str | None = None, **info: Any) -> None:
    """Schedule a job of the other app as the app itself would (``JobScheduler.schedule``)."""
    from jobctl_sim.framework.jobscheduler.model import JobInfo

    def call() -> None:
        system = sim.devices[0].android
        uid = system.packages.get(PACKAGE).uid
        system.jobs.schedule(uid, PACKAGE, JobInfo(job_id, SERVICE, **info), namespace=namespace)

    sim.run(call)


def running_jobs(sim: SimHarness, app: KeepRunningApp) -> set[tuple[str | None, int]]:
    """The other app's jobs now inside ``onStartJob``…``onStopJob`` (read on the device's loop)."""
    return sim.run(lambda: set(app.running))


def finish(sim: SimHarness, app: KeepRunningApp, job_id: int, namespace: str | None = None) -> None:
    """The app calls ``jobFinished(params, false)`` for its running job."""
    sim.run(lambda: app.finish(job_id, namespace))
