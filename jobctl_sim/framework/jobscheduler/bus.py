"""What JobSchedulerService does when a fact changes on the virtual device's bus.

Each handler mirrors a receiver of ``JobSchedulerService`` or of a controller (AOSP
``apex/jobscheduler/service/java/com/android/server/job/``): the battery and storage
sequences the ``monitor-battery``/``get-storage-seq`` shell commands report, the idle and
dock signals of DeviceIdlenessTracker, a force-stop (``PACKAGE_RESTARTED``: STOP_REASON_USER,
INTERNAL_STOP_REASON_CANCELED, ``app force stopped``), an uninstall (STOP_REASON_USER,
INTERNAL_STOP_REASON_UNINSTALL, ``app uninstalled``; not when the package is being replaced),
a dead process, shutdown and boot (:mod:`.job_store`). The service re-evaluates every job
after any change (:meth:`~.service.JobSchedulerService.on_change`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from jobctl_sim.framework.jobscheduler import job_store
from jobctl_sim.framework.jobscheduler.model import InternalStopReason, StopReason
from jobctl_sim.framework.system import Change, Topic
from jobctl_sim.framework.userhandle import app_id

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.service import JobSchedulerService
    from jobctl_sim.framework.jobscheduler.status import JobStatus


def handle(svc: JobSchedulerService, change: Change) -> None:
    """Apply ``change`` to ``svc`` (the caller then asks for a pump)."""
    handlers: dict[Topic, Callable[[JobSchedulerService, Change], None]] = {
        Topic.BATTERY: _on_battery,
        Topic.STORAGE: _on_storage,
        Topic.SCREEN: lambda svc, change: svc.idleness.on_screen(),
        Topic.IDLE_MAINTENANCE: lambda svc, change: svc.idleness.on_idle_trigger(),
        Topic.DOCK: lambda svc, change: svc.trigger_dock_state(bool(change.detail.get("idle", False))),
        Topic.PACKAGE_FORCE_STOPPED: _on_force_stop,
        Topic.PACKAGE_REMOVED: _on_removed,
        Topic.PROCESS_DIED: _on_process_died,
        Topic.SHUTDOWN: lambda svc, change: job_store.shutdown(svc),
        Topic.BOOT_COMPLETED: lambda svc, change: job_store.boot(svc),
    }
    handler = handlers.get(change.topic)
    if handler is not None:
        handler(svc, change)


def _on_battery(svc: JobSchedulerService, change: Change) -> None:
    if svc.monitor_battery:
        svc.battery_seq = svc.facts.battery_sequence


def _on_storage(svc: JobSchedulerService, change: Change) -> None:
    svc.storage_seq = svc.facts.storage_sequence


def _package_jobs(svc: JobSchedulerService, package: str | None, uid: int | None) -> list[JobStatus]:
    return [js for js in svc.jobs.values()
            if js.package == package and (uid is None or app_id(js.uid) == app_id(uid))]


def _on_force_stop(svc: JobSchedulerService, change: Change) -> None:
    for js in _package_jobs(svc, change.package, change.uid):
        svc.cancel_status(js, (StopReason.STOP_REASON_USER,
                               InternalStopReason.INTERNAL_STOP_REASON_CANCELED, "app force stopped"))


def _on_removed(svc: JobSchedulerService, change: Change) -> None:
    if change.detail.get("replacing"):
        return
    for js in _package_jobs(svc, change.package, change.uid):
        svc.cancel_status(js, (StopReason.STOP_REASON_USER,
                               InternalStopReason.INTERNAL_STOP_REASON_UNINSTALL, "app uninstalled"))


def _on_process_died(svc: JobSchedulerService, change: Change) -> None:
    for ex in list(svc.active.values()):
        if ex.status.package == change.package and not ex.finished:
            svc.contexts.process_died(ex)
