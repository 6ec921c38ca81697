"""``dumpsys jobscheduler [-h] [PKG]`` in the layout of the device's API level.

Layout: ``JobSchedulerService.dumpInternal`` (FB-13 read in full, FB-main additions) and
``JobStatus.dump`` as summarised in shell reference §2.2/§2.3: Settings lines end in a space
(11+), blocks are separated by a two-space line, ``Registered N jobs:`` counts every job even
when filtered, per-job ``JOB #u0a183/42: <hash> <batteryName>``, constraint masks in lowercase
hex, ``Pending queue:`` (``  None`` on 13+, nothing on ≤12), ``Active jobs:`` as ``Slot #i``
(≤13) or ``N/A`` + ``Idle contexts (16):`` (14+), ``Job history`` labels with the upstream
STOP/STOP-P inversion (JobPackageTracker.dumpHistory).
Job blocks: :mod:`.job_block`; controller, active-job and recently-completed sections:
:mod:`.dump_sections`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobctl_sim.framework.aosp_constants import StandbyBucket
from jobctl_sim.framework.jobscheduler.constraints import C
from jobctl_sim.framework.jobscheduler.dump_sections import controller_sections, execution_sections
from jobctl_sim.framework.jobscheduler.job_block import dump_job
from jobctl_sim.framework.jobscheduler.quota import QUOTA_ALLOWED_MS, quota_of
from jobctl_sim.framework.jobscheduler.timefmt import HUNDRED_DAY_FIELD_LEN, format_duration
from jobctl_sim.framework.shell_command import java_bool
from jobctl_sim.framework.userhandle import format_uid
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.service import JobSchedulerService
    from jobctl_sim.framework.jobscheduler.status import JobStatus

HELP = """Job Scheduler (jobscheduler) dump options:
  [-h] [package] ...
    -h: print this help
  [package] is an optional package name to limit the output to.
"""


def _settings(api: int) -> list[str]:
    sp = " " if api >= 30 else ""
    if api >= 34:
        keys = [("min_ready_cpu_only_jobs_count", 5), ("min_ready_non_active_jobs_count", 5),
                ("max_cpu_only_job_batch_delay_ms", 1860000), ("max_non_active_job_batch_delay_ms", 1860000),
                ("heavy_use_factor", 0.9), ("moderate_use_factor", 0.5), ("min_linear_backoff_time_ms", 10000),
                ("min_exp_backoff_time_ms", 10000), ("conn_congestion_delay_frac", 0.1),
                ("conn_prefetch_relax_frac", 0.5), ("enable_api_quotas", "true"),
                ("aq_schedule_count", 250), ("aq_schedule_window_ms", 60000),
                ("runtime_min_guarantee_ms", 600000), ("runtime_min_ej_guarantee_ms", 180000),
                ("runtime_ui_limit_ms", 43200000), ("persist_in_split_files", "true"),
                ("max_num_persisted_job_work_items", 100000)]
        if api == 34:
            keys.append(("enable_tare", "false"))
        if api >= 36:
            # JobSchedulerService.Constants.dump (yaap/frameworks_base JobSchedulerService.java
            # @3ddcaa00, Android 16): the backoff keys are min_linear, min_exp,
            # system_stop_to_failure_ratio (3), abandoned_job_timeouts_before_aggressive_backoff (3),
            # then the conn_* keys.
            at = keys.index(("min_exp_backoff_time_ms", 10000)) + 1
            keys[at:at] = [("system_stop_to_failure_ratio", 3),
                           ("abandoned_job_timeouts_before_aggressive_backoff", 3)]
    elif api >= 30:
        keys = [("min_ready_non_active_jobs_count", 5), ("max_non_active_job_batch_delay_ms", 1860000),
                ("heavy_use_factor", 0.9), ("moderate_use_factor", 0.5), ("min_linear_backoff_time_ms", 10000),
                ("min_exp_backoff_time_ms", 10000), ("enable_api_quotas", "true"),
                ("aq_schedule_count", 250), ("aq_schedule_window_ms", 60000)]
    else:
        keys = [("min_idle_count", 1), ("min_charging_count", 1), ("min_connectivity_count", 1),
                ("min_ready_jobs_count", 1), ("heavy_use_factor", 0.9), ("moderate_use_factor", 0.5),
                ("max_standard_reschedule_count", 2147483647)]
    return ["Settings:"] + [f"  {k}={v}{sp}" for k, v in keys]


def _history(svc: JobSchedulerService, now: int, pkg_uid: int | None) -> list[str]:
    lines = ["  Job history:"]
    for ev in svc.history:
        js = ev.status
        if pkg_uid is not None and js.uid != pkg_uid:
            continue
        periodic = js.job.periodic
        # upstream inversion of the stop labels (noteInactive)
        label = ("START-P" if periodic else "  START") if ev.start else ("   STOP" if periodic else " STOP-P")
        tail = f" {ev.reason}" if (not ev.start and ev.reason) else ""
        lines.append(f"{format_duration(ev.elapsed_ms - now, HUNDRED_DAY_FIELD_LEN)} {label}: "
                     f"{js.unique_id(svc.api_level)} {js.battery_name(svc.api_level)}{tail}")
    return lines


def _remaining_quota(svc: JobSchedulerService, js: JobStatus, now: int) -> int:
    """``getRemainingExecutionTimeLocked``: 0 in NEVER, the allowance minus the window's use."""
    if js.bucket == StandbyBucket.NEVER:
        return 0
    quota = quota_of(StandbyBucket(js.bucket), api_level=svc.api_level)
    if quota is None:
        return QUOTA_ALLOWED_MS
    used = svc.quota.window_used(js.package, StandbyBucket(js.bucket), now, svc.contexts.running_spans())
    return max(0, quota[0] - used)


def dump(svc: JobSchedulerService, inv: Invocation) -> int:
    args = list(inv.args)
    pkg: str | None = None
    for a in args:
        if a == "-h":
            inv.out(HELP)
            return 0
        if a == "-a":
            continue
        if a.startswith("-"):
            inv.out(f"Unknown option: {a}\n")
            return 0
        pkg = a
        break
    pkg_uid = None
    if pkg is not None:
        pkg_uid = svc.package_uid(pkg)
        if pkg_uid < 0:
            inv.out(f"Invalid package: {pkg}\n")
            return 0
    inv.out("\n".join(render(svc, pkg_uid)) + "\n")
    return 0


def render(svc: JobSchedulerService, pkg_uid: int | None) -> list[str]:
    api = svc.api_level
    now = svc.now()
    out = _settings(api)
    out += ["  ", "  TimeController:", "    skip_not_ready_jobs=true ", "  "]
    if api >= 34:
        out += ["", "Thermal status: 0", ""]
        facts = svc.facts
        out += [f"Battery charging: {java_bool(facts.get_battery_charging())}",
                f"Battery not low: {java_bool(facts.battery_not_low())}"]
        if api >= 35:
            out += [f"Power connected: {java_bool(facts.power_connected)}",
                    f"Considered charging: {java_bool(facts.battery_charging_raw())}",
                    f"Battery level: {facts.battery_level}"]
            if svc.monitor_battery:
                out.append(f"MONITORING: seq={svc.battery_seq}")
        out.append("")
    out.append("Started users: [0]")
    if api >= 34:
        out.append("Media Cloud Providers: {}")
    jobs = list(svc.all_statuses())
    out.append(f"Registered {len(jobs)} jobs:")
    shown = [js for js in jobs if pkg_uid is None or js.uid % 100000 == pkg_uid % 100000]
    for js in shown:
        out.append(f"  JOB {js.unique_id(api)}: {js.ident:x} {js.battery_name(api)}")
        out += dump_job(js, svc, now)
        out.append("    Restricted due to: none.")
        ready = js.is_ready(api)
        bits = (f"job={str(ready).lower()} user=true"
                + (" !restricted=true" if api >= 30 else "")
                + f" !pending={str(js not in svc.pending).lower()} !active={str(not svc.is_active(js)).lower()}"
                + " !backingup=true comp=true")
        out.append(f"    Ready: {java_bool(svc.ready_to_execute(js) or (svc.is_active(js) and ready))} ({bits})")
    if not shown:
        out.append("  None.")
    out += controller_sections(svc, shown)
    out += ["", "QuotaController:", f"  Current elapsed time: {now}", ""]
    for js in shown:
        # QuotaController.dumpControllerStateLocked: "<bucket>, within quota|not within quota, <N>ms remaining in quota"
        within = "within quota" if js.satisfied & C.WITHIN_QUOTA else "not within quota"
        out += [f"  {js.unique_id(api)} from {format_uid(js.uid)}",
                f"    {StandbyBucket(js.bucket).name}, {within}, {_remaining_quota(svc, js, now)}ms remaining in quota"]
    out += ["", "DeviceIdleJobsController:", "", "BackgroundJobsController:", ""]
    out += _history(svc, now, pkg_uid)
    out += ["", "Pending queue:"]
    pend = [js for js in svc.pending if pkg_uid is None or js.uid == pkg_uid]
    for n, js in enumerate(pend):
        out.append(f"  Pending #{n}: {js.ident:x} {js.unique_id(api)} {js.battery_name(api)}")
        out += dump_job(js, svc, now)
        out.append(f"    Enq: {format_duration(js.enqueue_time_ms - now)}")
    if not pend and api >= 33:
        out.append("  None")
    out += execution_sections(svc, now, pkg_uid)
    if pkg_uid is None:
        out += ["", "mReadyToRock=true", "mReportedActive=false"]
    screen = "ON" if svc.facts.screen_on() else "OFF"
    out += ["", "Concurrency:", f"  Screen state: current {screen}  effective {screen}", "",
            "PersistStats: FirstLoad: {}/{}/{} LastSave: {}/{}/{}".format(*svc.persist_stats), ""]
    return out
