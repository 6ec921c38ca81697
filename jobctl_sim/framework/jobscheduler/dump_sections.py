"""The per-controller sections and the execution sections of ``dumpsys jobscheduler``.

Sources (``apex/jobscheduler/service/java/com/android/server/job/``), aosp-mirror main:

* ``controllers/BatteryController.dumpControllerStateLocked``: ``Power connected:`` (14+, the
  ``PowerTracker``), ``Stable power:``, ``Not low:``, then ``#<uniqueId> from <uid>`` per job;
* ``controllers/StorageController``: ``Not low:``, ``Sequence:``, an empty line, the jobs;
* ``controllers/IdleController``: ``Currently idle:``, ``Idleness tracker:`` and
  ``controllers/idle/DeviceIdlenessTracker.dump`` (``  mIdle:``, ``  mScreenOn:``,
  ``  mIsStablePower:`` [15+, I: the field arrived with the stable-power idle threshold],
  ``  mDockIdle:``, ``  mProjectionActive:``, ``  mIdlenessCheckScheduledElapsed:``), an empty
  line, the jobs; the other controllers list their tracked jobs;
* ``JobSchedulerService.dumpInternal`` (FB-13, shell reference §2.2 items 14-15): ≤13 ``Slot #i``
  lines, a free slot ``inactive`` or ``inactive since <t>, stopped because: <reason>``
  (``JobServiceContext.dumpLocked``); 14+ (``JobConcurrencyManager.dumpContextInfoLocked``)
  ``Active jobs:`` (``N/A`` when none) then ``Idle contexts (<n>):`` with the same per-context
  text; ``Recently completed jobs:`` one ``<time>`` line per job, then, double-indented, its
  ``toShortString()`` and its ``JobStatus.dump`` (``None`` when empty).
  The ids of idle contexts are stand-ins (AOSP prints the context's identity) [I].
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobctl_sim.framework.jobscheduler.constraints import CONTROLLERS
from jobctl_sim.framework.jobscheduler.job_block import dump_job
from jobctl_sim.framework.jobscheduler.status import JobStatus
from jobctl_sim.framework.jobscheduler.timefmt import format_duration
from jobctl_sim.framework.shell_command import java_bool
from jobctl_sim.framework.userhandle import format_uid

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.service import JobSchedulerService

CONTEXTS = 16
IDLE_CONTEXT_ID_BASE = 5685186
"""First stand-in id of an idle context (a value seen in a capture, §2.2 item 14)."""


def _tracked(js: JobStatus) -> str:
    return f"  #{format_uid(js.uid)}/{js.job_id} from {format_uid(js.uid)}"


def _controller_state(name: str, svc: JobSchedulerService) -> list[str]:
    api = svc.api_level
    facts = svc.facts
    if name == "BatteryController":
        lines = [f"  Power connected: {java_bool(facts.power_connected)}"] if api >= 34 else []
        lines.append(f"  Stable power: {java_bool(facts.stable_power())}")
        lines.append(f"  Not low: {java_bool(facts.battery_not_low())}")
        return lines
    if name == "StorageController":
        return [f"  Not low: {java_bool(facts.storage_not_low())}", f"  Sequence: {svc.storage_seq}", ""]
    if name == "IdleController":
        tracker = svc.idleness
        lines = [f"  Currently idle: {java_bool(tracker.idle)}", "  Idleness tracker:",
                 f"    mIdle: {java_bool(tracker.idle)}", f"    mScreenOn: {java_bool(facts.screen_on())}"]
        if api >= 35:
            lines.append(f"    mIsStablePower: {java_bool(facts.stable_power())}")
        lines += [f"    mDockIdle: {java_bool(tracker.dock_idle)}", "    mProjectionActive: false",
                  f"    mIdlenessCheckScheduledElapsed: {tracker.check_scheduled_ms}", ""]
        return lines
    return []


def controller_sections(svc: JobSchedulerService, shown: list[JobStatus]) -> list[str]:
    out: list[str] = []
    for controller in CONTROLLERS:
        out += ["", f"{controller.name}:", *_controller_state(controller.name, svc)]
        out += [_tracked(js) for js in shown if controller.tracks(js.job)]
    return out


def _inactive(svc: JobSchedulerService, n: int, now: int, pkg_uid: int | None) -> str:
    """A free context: the n-th most recent completion it hosted, if any (``dumpLocked``)."""
    done = [c for c in reversed(svc.completed) if pkg_uid is None or c.status.uid == pkg_uid]
    if n < len(done):
        return f"inactive since {format_duration(done[n].elapsed_ms - now)}, stopped because: {done[n].reason}"
    return "inactive"


def execution_sections(svc: JobSchedulerService, now: int, pkg_uid: int | None) -> list[str]:
    """``Active jobs:`` (with the free contexts) and ``Recently completed jobs:``."""
    api = svc.api_level
    out = ["", "Active jobs:"]
    running = [ex for ex in svc.active.values() if pkg_uid is None or ex.status.uid == pkg_uid]
    free = CONTEXTS - len(svc.active)
    if api >= 34:
        for ex in running:
            name = f"{ex.status.unique_id(api)} {ex.status.battery_name(api)}"
            out.append(f"  ID={ex.handle}: {ex.status.ident:x} {name}")
            out += dump_job(ex.status, svc, now, "      ")
            out.append(f"    Running for: {format_duration(now - ex.started_ms)}")
        if not running:
            out.append("  N/A")
        out += ["", f"Idle contexts ({free}):"]
        out += [f"  ID={IDLE_CONTEXT_ID_BASE + n}: {_inactive(svc, n, now, pkg_uid)}" for n in range(free)]
    else:
        for n, ex in enumerate(running):
            out.append(f"  Slot #{n}: {ex.status.ident:x} {ex.status.unique_id(api)} {ex.status.battery_name(api)}")
            out += dump_job(ex.status, svc, now, "    ")
            out.append(f"    Active at {format_duration(ex.started_ms - now)}, "
                       f"pending for {format_duration(ex.started_ms - ex.status.enqueue_time_ms)}")
        out += [f"  Slot #{n}: {_inactive(svc, n - len(running), now, pkg_uid)}"
                for n in range(len(running), CONTEXTS)]
    out += ["", "Recently completed jobs:"]
    done = [c for c in svc.completed if pkg_uid is None or c.status.uid == pkg_uid]
    for c in reversed(done):
        js = c.status
        out.append(f"  {format_duration(c.elapsed_ms - now)}")
        out.append(f"      {js.ident:x} {js.unique_id(api)} {js.battery_name(api)}")
        out += dump_job(js, svc, now, "      ")
    if not done:
        out.append("  None")
    return out
