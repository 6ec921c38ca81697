"""``dumpsys jobscheduler [-h] [PKG]`` in the layout of the device's API level.

Layout: ``JobSchedulerService.dumpInternal`` (FB-13 read in full, FB-main additions) and
``JobStatus.dump`` as summarised in shell reference §2.2/§2.3: Settings lines end in a space
(11+), blocks are separated by a two-space line, ``Registered N jobs:`` counts every job even
when filtered, per-job ``JOB #u0a183/42: <hash> <batteryName>``, constraint masks in lowercase
hex, ``Pending queue:`` (``  None`` on 13+, nothing on ≤12), ``Active jobs:`` as ``Slot #i``
(≤13) or ``N/A`` + ``Idle contexts (16):`` (14+), ``Job history`` labels with the upstream
STOP/STOP-P inversion (JobPackageTracker.dumpHistory).
Controller sections carry only their headers and the per-job tracking lines modelled here.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from jobctl_sim.framework.aosp_constants import StandbyBucket
from jobctl_sim.framework.jobscheduler.constraints import CONTROLLERS, C, format_constraints
from jobctl_sim.framework.jobscheduler.model import Priority
from jobctl_sim.framework.jobscheduler.status import NO_LATEST_RUNTIME, JobStatus
from jobctl_sim.framework.jobscheduler.timefmt import HUNDRED_DAY_FIELD_LEN, format_duration
from jobctl_sim.framework.shell_command import java_bool
from jobctl_sim.framework.userhandle import format_uid
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.service import JobSchedulerService

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


def _priority_name(p: int) -> str:
    try:
        return Priority(p).name
    except ValueError:
        return str(p)


def dump_job(js: JobStatus, svc: JobSchedulerService, now: int, indent: str = "    ") -> list[str]:
    """``JobStatus.dump`` (lines under the ``JOB`` header)."""
    api = svc.api_level
    job = js.job
    i, j = indent, indent + "  "
    lines = [f"{i}{format_uid(js.uid)} tag={js.tag(api)}",
             f"{i}Source: uid={format_uid(js.uid)} user={js.uid // 100000} pkg={js.package}",
             f"{i}JobInfo:", f"{j}Service: {job.short_service}"]
    if job.periodic:
        lines.append(f"{j}PERIODIC: interval={format_duration(job.interval_ms)} flex={format_duration(job.flex_ms)}")
    if job.persisted:
        lines.append(f"{j}PERSISTED")
    if api >= 33:
        p = job.effective_priority
        lines.append(f"{j}Priority: {p} [{_priority_name(p)}]")
    flags = job.constraint_flags
    if flags:
        lines.append(f"{j}Requires: charging={str(job.requires_charging).lower()} "
                     f"batteryNotLow={str(job.requires_battery_not_low).lower()} "
                     f"deviceIdle={str(job.requires_device_idle).lower()}")
    if job.trigger_content_uris:
        lines.append(f"{j}Trigger content URIs:")
        lines += [f"{j}  {t.flags:x} {t.uri}" for t in job.trigger_content_uris]
    if job.extras:
        lines.append(f"{j}Extras: {{{', '.join(f'{k}={v}' for k, v in job.extras)}}}")
    if job.network is not None:
        lines.append(f"{j}Network type: NetworkRequest [ NONE id=0, [ Capabilities: "
                     f"{job.network.capabilities()} Uid: {js.uid}] ]")
    if job.min_latency_ms:
        lines.append(f"{j}Minimum latency: {format_duration(job.min_latency_ms)}")
    if job.has_late_constraint:
        lines.append(f"{j}Max execution delay: {format_duration(job.override_deadline_ms)}")
    if job.backoff_set:
        lines.append(f"{j}Backoff: policy={int(job.backoff_policy)} initial={format_duration(job.initial_backoff_ms)}")
    if job.has_early_constraint:
        lines.append(f"{j}Has early constraint")
    if job.has_late_constraint:
        lines.append(f"{j}Has late constraint")
    tare = api in (33, 34)
    lines.append(f"{i}Required constraints:{format_constraints(js.required, tare)}")
    if api == 34:
        lines.append(f"{i}Preferred constraints:")
    if api >= 30:
        lines.append(f"{i}Dynamic constraints:{format_constraints(js.dynamic_required, tare)}")
    lines.append(f"{i}Satisfied constraints:{format_constraints(js.satisfied, tare)}")
    lines.append(f"{i}Unsatisfied constraints:{format_constraints(js.unsatisfied(api), tare)}")
    if js.doze_exempt:
        lines.append(f"{i}Doze whitelisted: true")
    tracking = [*js.tracking(), "QUOTA"] if api >= 28 else js.tracking()
    lines.append(f"{i}Tracking: {' '.join(tracking)}")
    parts = js.ready_parts(api)
    lines.append(f"{i}Implicit constraints:")
    lines.append(f"{j}readyNotDozing: {str(parts['not_dozing']).lower()}")
    lines.append(f"{j}readyNotRestrictedInBg: {str(parts['not_restricted']).lower()}")
    if job.has_late_constraint:
        lines.append(f"{j}readyDeadlineSatisfied: {str(parts['deadline']).lower()}")
    if api == 30 or js.dynamic_required:
        lines.append(f"{j}readyDynamicSatisfied: {str(parts['dynamic']).lower()}")
    if api >= 31:
        lines.append(f"{j}readyComponentEnabled: true")
    if api >= 34:
        lines.append(f"{i}Started with foreground flag: false")
    if js.changed_uris:
        lines.append(f"{i}Changed URIs:")
        lines += [f"{j}{u}" for u in js.changed_uris]
    ex = svc.execution_for(js)
    if ex is not None and ex.params.network is not None:
        lines.append(f"{i}Network: {ex.params.network.net_id}")
    for title, items in (("Pending work", js.work.pending), ("Executing work", js.work.executing)):
        if items:
            lines.append(f"{i}{title}:")
            for n, item in enumerate(items):
                intent = item.intent.to_string() if item.intent is not None else "Intent {  }"
                lines.append(f"{j}#{n}: #{item.work_id} {item.delivery_count}x {intent}")
    lines.append(f"{i}Standby bucket: {StandbyBucket(js.bucket).name}")
    lines.append(f"{i}Enqueue time: {format_duration(js.enqueue_time_ms - now)}")
    earliest = "none" if js.earliest_ms == 0 else format_duration(js.earliest_ms - now)
    latest = "none" if js.latest_ms == NO_LATEST_RUNTIME else format_duration(js.latest_ms - now)
    original = "none" if js.original_latest_ms == NO_LATEST_RUNTIME else format_duration(js.original_latest_ms - now)
    lines.append(f"{i}Run time: earliest={earliest}, latest={latest}, original latest={original}")
    if js.num_failures:
        lines.append(f"{i}Num failures: {js.num_failures}")
    for label, wall in (("Last successful run", js.last_successful_run_wall),
                        ("Last failed run", js.last_failed_run_wall)):
        if wall is not None:
            lines.append(f"{i}{label}: {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(wall))}")
    return lines


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
    for controller in CONTROLLERS:
        out += ["", f"{controller.name}:"]
        for js in shown:
            if controller.tracks(js.job):
                out.append(f"  #{format_uid(js.uid)}/{js.job_id} from {format_uid(js.uid)}")
    out += ["", "QuotaController:"]
    for js in shown:
        within = "within quota" if js.satisfied & C.WITHIN_QUOTA else "NOT within quota"
        out += [f"  #{format_uid(js.uid)}/{js.job_id} from {format_uid(js.uid)}",
                f"    {StandbyBucket(js.bucket).name}, {within}"]
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
    out += ["", "Active jobs:"]
    running = [ex for ex in svc.active.values() if pkg_uid is None or ex.status.uid == pkg_uid]
    if api >= 34:
        for ex in running:
            name = f"{ex.status.unique_id(api)} {ex.status.battery_name(api)}"
            out.append(f"  ID={ex.handle}: {ex.status.ident:x} {name}")
            out += dump_job(ex.status, svc, now, "      ")
            out.append(f"    Running for: {format_duration(now - ex.started_ms)}")
        if not running:
            out.append("  N/A")
        out += ["", "Idle contexts (16):"]
    else:
        for n, ex in enumerate(running):
            out.append(f"  Slot #{n}: {ex.status.ident:x} {ex.status.unique_id(api)} {ex.status.battery_name(api)}")
            out += dump_job(ex.status, svc, now, "    ")
            out.append(f"    Active at {format_duration(ex.started_ms - now)}, "
                       f"pending for {format_duration(ex.started_ms - ex.status.enqueue_time_ms)}")
        for n in range(len(running), 16):
            out.append(f"  Slot #{n}: inactive")
    out += ["", "Recently completed jobs:"]
    done = [c for c in svc.completed if pkg_uid is None or c.status.uid == pkg_uid]
    for c in reversed(done):
        out.append(f"  {format_duration(c.elapsed_ms - now)}: {c.status.unique_id(api)} "
                   f"{c.status.battery_name(api)} stopped because: {c.reason}")
    if not done:
        out.append("  None")
    if pkg_uid is None:
        out += ["", "mReadyToRock=true", "mReportedActive=false"]
    screen = "ON" if svc.facts.screen_on() else "OFF"
    out += ["", "Concurrency:", f"  Screen state: current {screen}  effective {screen}", "",
            "PersistStats: FirstLoad: {}/{}/{} LastSave: {}/{}/{}".format(*svc.persist_stats), ""]
    return out
