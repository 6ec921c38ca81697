"""WorkManager's diagnostics: ``DiagnosticsReceiver`` and ``DiagnosticsWorker``.

Sources (androidx ``work/work-runtime/src/main/java/androidx/work/impl/``):

* ``diagnostics/DiagnosticsReceiver.kt``: exported, protected by ``android.permission.DUMP``,
  action ``androidx.work.diagnostics.REQUEST_DIAGNOSTICS``; logs ``Requesting diagnostics``
  (debug, ``WM-DiagnosticsRcvr``) and enqueues a OneTimeWorkRequest of DiagnosticsWorker.
* ``workers/DiagnosticsWorker.kt``: logs at INFO with tag ``WM-DiagnosticsWrkr`` the sections
  ``Recently completed work:\\n\\n`` (finished work enqueued in the last day, newest first),
  ``Running work:\\n\\n`` and ``Enqueued work:\\n\\n`` (at most 200), each followed by one
  message of rows: the header ``\\n Id \\t Class Name\\t Job Id\\t State\\t Unique Name\\t Tags\\t``
  (``Alarm Id`` below API 23) and per WorkSpec ``\\n<id>\\t <class>\\t <job id or null>\\t
  <STATE>\\t <names>\\t <tags>\\t``. A section with no work is left out.

The worker itself is WorkManager work (it shows in ``Running work:`` and gets a job id); the
model runs it in-process at once, as GreedyScheduler does while the receiver's process lives.
"""

from __future__ import annotations

from jobctl_sim.apps.workmanager.model import WorkSpec, WorkState
from jobctl_sim.apps.workmanager.runtime import WorkManager

ACTION = "androidx.work.diagnostics.REQUEST_DIAGNOSTICS"
RECEIVER_CLASS = "androidx.work.impl.diagnostics.DiagnosticsReceiver"
WORKER_CLASS = "androidx.work.impl.workers.DiagnosticsWorker"
DUMP = "android.permission.DUMP"
DAY_MS = 86_400_000
MAX_GREEDY_SCHEDULER_LIMIT = 200


def rows(wm: WorkManager, specs: list[WorkSpec]) -> str:
    """``workSpecRows``."""
    header = "\n Id \t Class Name\t Job Id\t State\t Unique Name\t Tags\t"
    out = [header]
    for spec in specs:
        job_id = wm.system_ids.get((spec.id, spec.generation))
        names = ",".join(wm.names.get(spec.id, []))
        tags = ",".join(wm.tags.get(spec.id, []))
        out.append(f"\n{spec.id}\t {spec.worker_class_name}\t {'null' if job_id is None else job_id}\t "
                   f"{spec.state.name}\t {names}\t {tags}\t")
    return "".join(out)


def report(wm: WorkManager) -> None:
    """``DiagnosticsWorker.doWork``: the three sections to logcat."""
    start_at = wm.now() - DAY_MS
    specs = list(wm.specs.values())
    completed = sorted((s for s in specs if s.state.finished and s.last_enqueue_time >= start_at),
                       key=lambda s: -s.last_enqueue_time)
    running = [s for s in specs if s.state == WorkState.RUNNING]
    enqueued = sorted((s for s in specs if s.state == WorkState.ENQUEUED),
                      key=lambda s: s.last_enqueue_time)[:MAX_GREEDY_SCHEDULER_LIMIT]
    for title, group in (("Recently completed work", completed), ("Running work", running),
                         ("Enqueued work", enqueued)):
        if group:
            wm.log("I", "DiagnosticsWrkr", f"{title}:\n\n")
            wm.log("I", "DiagnosticsWrkr", rows(wm, group))


def request(wm: WorkManager) -> str:
    """``DiagnosticsReceiver.onReceive``: enqueue the worker (it runs at once); returns its id."""
    wm.log("D", "DiagnosticsRcvr", "Requesting diagnostics")
    spec = wm.insert(WorkSpec(wm.new_id(), WORKER_CLASS), (), None)
    wm.schedule_eligible()
    wm.run_in_process(spec.id, lambda: report(wm))
    return spec.id


__all__ = ["ACTION", "DUMP", "RECEIVER_CLASS", "WORKER_CLASS", "report", "request", "rows"]
