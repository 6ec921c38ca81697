"""``JobStore`` across a reboot: only persisted jobs survive, and come back with re-based windows.

``apex/jobscheduler/service/java/com/android/server/job/JobStore.java``: at shutdown the persisted
jobs are written to disk (``PersistStats`` ``LastSave``) and every other job is lost; at boot they
are read back (``FirstLoad``) and get new run windows from the new boot's elapsed time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.service import JobSchedulerService


def shutdown(svc: JobSchedulerService) -> None:
    """Processes die (running jobs end ``unexpectedly disconnected``); persisted jobs are kept."""
    for ex in list(svc.active.values()):
        ex.stopping = True
        svc.contexts.finish(ex, True, "unexpectedly disconnected")
    svc.persisted = [js for js in svc.jobs.values() if js.job.persisted]
    svc.persist_stats[3:] = [len(svc.persisted), sum(1 for j in svc.persisted if j.job.periodic), 0]
    svc.jobs.clear()
    svc.pending.clear()
    svc.booted = False
    svc.idleness.reset()
    svc.monitor_battery = False
    svc.battery_seq = -1
    svc.storage_seq = -1


def boot(svc: JobSchedulerService) -> None:
    """JobStore load: persisted jobs come back with re-based run windows (once per boot)."""
    if svc.booted:
        return
    now = svc.now()
    for old in svc.persisted:
        js = svc.new_status(old.job, old.uid, old.package, old.namespace, now)
        js.num_failures = old.num_failures
        js.work = old.work.carry_over()
        svc.jobs[js.key] = js
    svc.persist_stats[:3] = [len(svc.persisted), sum(1 for j in svc.persisted if j.job.periodic), 0]
    svc.persisted = []
    svc.booted = True
