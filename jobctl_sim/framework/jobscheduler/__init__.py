"""JobScheduler for the virtual device: ``system.jobs``, ``cmd jobscheduler``, ``dumpsys jobscheduler``.

Modules: :mod:`.model` (JobInfo/JobWorkItem/JobParameters and the SDK enums), :mod:`.validation`
(builder checks), :mod:`.schedule_checks` (the server's schedule checks), :mod:`.constraints`
(bits and controllers), :mod:`.facts` (what the controllers read of the device), :mod:`.status`
(JobStatus), :mod:`.service` (JobSchedulerService: jobs, readiness, the pending queue),
:mod:`.execution` (JobServiceContexts), :mod:`.slow_response` (callbacks that do not return:
clean-up, ANR), :mod:`.quota`, :mod:`.content` (content triggers), :mod:`.idleness`
(DeviceIdlenessTracker), :mod:`.reschedule` (backoff, periods, abandoned jobs), :mod:`.reasons`
(stop and pending reasons), :mod:`.pending_history` / :mod:`.pending_record` (the API 36/37
pending-reason history and stats), :mod:`.shell` / :mod:`.shell_help` / :mod:`.shell_v36`
(``cmd jobscheduler``), :mod:`.dump` / :mod:`.job_block` / :mod:`.dump_sections` (``dumpsys
jobscheduler``), :mod:`.app_api` (the JobService contract with app models).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobctl_sim.framework.jobscheduler.service import JobSchedulerService

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem


def install(system: AndroidSystem) -> JobSchedulerService:
    """Create the service as ``system.jobs``, subscribe it to the bus, register ``jobscheduler``."""
    from jobctl_sim.framework.jobscheduler.dump import dump
    from jobctl_sim.framework.jobscheduler.shell import shell_command
    from jobctl_sim.framework.system import BinderService

    service = JobSchedulerService(system)
    system.jobs = service
    system.subscribe(service.on_change)
    system.add_binder_service(
        BinderService("jobscheduler", shell_command=shell_command(service), dump=lambda inv: dump(service, inv))
    )
    return service


__all__ = ["JobSchedulerService", "install"]
