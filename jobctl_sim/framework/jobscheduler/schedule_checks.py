"""The server's checks of a ``schedule()``/``enqueue()`` call beyond ``JobInfo.enforceValidity``.

Sources (``apex/jobscheduler/service/java/com/android/server/job/JobSchedulerService.java``,
android-helper reference §3.2):

* ``enforceValidJobRequest``: the component must exist in the caller's package (``Tried to
  schedule job for non-existent component: ComponentInfo{…}``, ``uid U cannot schedule job in
  PKG``), be a service (``No such service``) and require ``BIND_JOB_SERVICE``;
* a persisted job needs ``RECEIVE_BOOT_COMPLETED`` (the message changed in 15); from 14, a job
  with a network constraint of an app targeting 34+ needs ``ACCESS_NETWORK_STATE``, a
  user-initiated job ``RUN_USER_INITIATED_JOBS``;
* ``enqueue``: from 14 (target 34+) a work item with network estimates needs a network
  constraint; a persisted job takes no work before 14 and no work item with an Intent after.
"""

from __future__ import annotations

from jobctl_sim.framework.jobscheduler.facts import SchedulerFacts
from jobctl_sim.framework.jobscheduler.model import (
    ACCESS_NETWORK_STATE,
    BIND_JOB_SERVICE,
    RECEIVE_BOOT_COMPLETED,
    RUN_USER_INITIATED_JOBS,
    JobInfo,
    JobWorkItem,
)
from jobctl_sim.framework.jobscheduler.validation import enforce_validity
from jobctl_sim.framework.shell_command import IllegalArgumentException, SecurityException
from jobctl_sim.framework.userhandle import app_id


def check_component(facts: SchedulerFacts, uid: int, job: JobInfo) -> None:
    """``enforceValidJobRequest`` / the component lookup."""
    package = facts.package(job.package)
    component = f"ComponentInfo{{{job.package}/{job.class_name}}}"
    if package is None:
        raise IllegalArgumentException(f"Tried to schedule job for non-existent component: {component}")
    if app_id(package.uid) != app_id(uid):
        raise IllegalArgumentException(f"uid {uid} cannot schedule job in {job.package}")
    if package.components:
        svc = next((c for c in package.components if c.name == job.class_name and c.kind == "service"), None)
        if svc is None:
            raise IllegalArgumentException(f"No such service {component}")
        if svc.permission != BIND_JOB_SERVICE:
            raise IllegalArgumentException(
                f"Scheduled service {component} does not require android.permission.BIND_JOB_SERVICE permission")


def check_schedule(facts: SchedulerFacts, uid: int, package: str, job: JobInfo, work: JobWorkItem | None) -> None:
    api = facts.api_level
    target = facts.target_sdk(package)
    enforce_validity(job, api, target)
    check_component(facts, uid, job)
    if job.persisted and not facts.has_permission(package, RECEIVE_BOOT_COMPLETED):
        if api >= 35:
            raise IllegalArgumentException(
                "Requested job cannot be persisted without holding "
                "android.permission.RECEIVE_BOOT_COMPLETED permission"
            )
        raise IllegalArgumentException(
            "Error: requested job be persisted without holding RECEIVE_BOOT_COMPLETED permission."
        )
    if (job.network is not None and api >= 34 and target >= 34
            and not facts.has_permission(package, ACCESS_NETWORK_STATE)):
        raise SecurityException(
            "android.permission.ACCESS_NETWORK_STATE required for jobs with a connectivity constraint"
        )
    if job.user_initiated and api >= 34 and not facts.has_permission(package, RUN_USER_INITIATED_JOBS):
        raise SecurityException("android.permission.RUN_USER_INITIATED_JOBS required to schedule user-initiated jobs.")
    if work is not None:
        check_work(api, job, work, target)


def check_work(api_level: int, job: JobInfo, work: JobWorkItem, target: int) -> None:
    if work.implies_network() and job.network is None and target >= 34 and api_level >= 34:
        raise IllegalArgumentException(
            "JobWorkItem implies network usage but job doesn't specify a network constraint"
        )
    if job.persisted:
        if api_level <= 33:
            raise IllegalArgumentException("Can't enqueue work for persisted jobs")
        if work.intent is not None:
            raise IllegalArgumentException("Cannot persist JobWorkItems with Intents")
