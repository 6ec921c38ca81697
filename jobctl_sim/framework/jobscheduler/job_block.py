"""``JobStatus.dump``: the lines of one job block, in order, per API level.

Source: ``apex/jobscheduler/service/java/com/android/server/job/controllers/JobStatus.java``
``dump(IndentingPrintWriter, boolean full, long nowElapsed)`` (aosp-mirror main of the Android
14/15 period, read in full), with the per-level differences of shell reference §2.3 (captures of
Android 10-14):

* tag line (``#<jobId>`` suffix 14+), ``Source:``; ``JobInfo:`` with ``Service:``, ``PERIODIC:``,
  ``PERSISTED``, ``Priority: 300 [DEFAULT]`` (13+), ``Flags: <hex>`` (``JobInfo.getFlags`` when
  non-zero: 2 IMPORTANT_WHILE_FOREGROUND, 4 PREFETCH, 16 EXPEDITED, 32 USER_INITIATED),
  ``Internal flags: 1 HAS_FOREGROUND_EXEMPTION`` (when set), ``Requires:`` (every job on 14+,
  only with a charging/battery/idle/storage flag before), trigger URIs and their delays, extras,
  ``Network type:``, the network byte estimates (28+), latency, deadline, **``Backoff:`` for every
  job** (default ``policy=1 initial=+30s0ms`` included), early/late constraint;
* ``Required``/``Preferred`` (14 only)/``Dynamic`` (11+)/``Satisfied``/``Unsatisfied``
  constraints, ``Constraint history:`` (12+: the last ``NUM_CONSTRAINT_CHANGE_HISTORY`` changes,
  ``<time> = <names> [0x…]``), ``Doze whitelisted: true``, ``Uid: active`` (the app's uid is
  active: its activity is on top), ``Tracking:``;
* ``Implicit constraints:`` with the readiness flags, ``expeditedQuotaApproved`` (12+, with
  ``expeditedTareApproved`` on 13-14) and ``userInitiatedApproved`` (14+) for those jobs;
  ``Started with foreground flag`` (14+), ``User BG restricted``, changed URIs, ``Network:``,
  work items, ``Standby bucket:`` (+ ``Deferred since``), ``Enqueue time``, ``Run time``,
  ``Last run heartbeat: 0`` (9-10, the heartbeat-based standby of those releases), ``Num failures``,
  ``Num system stops`` (14+), last successful/failed run.

Android 16 (API 36, 37): ``JobStatus.dump`` of an Android 16 tree read in full --
yaap/frameworks_base ``apex/jobscheduler/service/java/com/android/server/job/controllers/
JobStatus.java`` @3ddcaa00537ad17c17a59c73990d12441d689aaf (it has ``mNumAbandonedFailures``,
``mPendingJobReasonsHistory`` and no 17 ``getPendingJobReasonStats``). Against the lines above it
adds, for the jobs the model has:

* the tag line prints ``getWakelockTag()``: ``*job*r/…`` (``e`` expedited, ``u`` user-initiated),
  no ``#<jobId>`` (:meth:`.JobStatus.tag`);
* ``Has media backup exemption=false `` for **every** job, after the trigger-URI lines and before
  ``Extras:`` (``IndentingPrintWriter.print(key, value)``: ``key=value`` and a trailing space, as
  the ``Settings:`` lines of real captures). The aosp-mirror tree @d36461a5 (no namespaces: 13 or
  older) prints it only inside the trigger-URI block; when it moved is not known, so the model
  prints it from 16 only;
* ``Trace tag: <tag>`` and ``Debug tags: {a, b}`` (``JobInfo.getDebugTags()``, an ArraySet: ascending
  ``String.hashCode``) after ``Has late constraint``, when the job has them.

Everything else of the 16 dump is as modelled for 15: ``Priority:`` (13+), ``Dynamic constraints:``,
no ``Preferred constraints:``, ``Constraint history:``, ``Tracking:``, the implicit constraints
(``expeditedQuotaApproved`` without the TARE part), ``Started with foreground flag``, work items,
bucket, times, failures, system stops. ``mNumAbandonedFailures`` is **not** printed. Lines for state
the model does not have are left out: ``Bias:``, ``effective=`` priority, ``Clip data``, ``Granted
URI permissions``, ``Num Required/Dropped Flexible constraints`` (no flex constraint),
``Is exempted from app standby`` (system jobs), ``Changed authorities``, ``Time since first force
batch attempt``, ``Cumulative execution time=``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from jobctl_sim.framework.aosp_constants import StandbyBucket
from jobctl_sim.framework.jobscheduler.constraints import format_constraints
from jobctl_sim.framework.jobscheduler.model import JobInfo, Priority
from jobctl_sim.framework.jobscheduler.status import NO_LATEST_RUNTIME, JobStatus
from jobctl_sim.framework.jobscheduler.timefmt import format_duration
from jobctl_sim.framework.shell_command import bundle_short_string, java_string_hash
from jobctl_sim.framework.userhandle import format_uid

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.service import JobSchedulerService

FLAG_IMPORTANT_WHILE_FOREGROUND = 1 << 1
FLAG_PREFETCH = 1 << 2
FLAG_EXPEDITED = 1 << 4
FLAG_USER_INITIATED = 1 << 5
INTERNAL_FLAG_HAS_FOREGROUND_EXEMPTION = 1


def job_flags(job: JobInfo) -> int:
    """``JobInfo.getFlags()`` for the flags the model knows."""
    return ((FLAG_IMPORTANT_WHILE_FOREGROUND if job.important_while_foreground else 0)
            | (FLAG_PREFETCH if job.prefetch else 0)
            | (FLAG_EXPEDITED if job.expedited else 0)
            | (FLAG_USER_INITIATED if job.user_initiated else 0))


def _priority(p: int) -> str:
    try:
        return f"{p} [{Priority(p).name}]"
    except ValueError:
        return str(p)


def _b(value: bool) -> str:
    return "true" if value else "false"


def _job_info(js: JobStatus, api: int, j: str) -> list[str]:
    job = js.job
    lines = [f"{j}Service: {job.short_service}"]
    if job.periodic:
        lines.append(f"{j}PERIODIC: interval={format_duration(job.interval_ms)} flex={format_duration(job.flex_ms)}")
    if job.persisted:
        lines.append(f"{j}PERSISTED")
    if api >= 33:
        lines.append(f"{j}Priority: {_priority(job.effective_priority)}")
    if flags := job_flags(job):
        lines.append(f"{j}Flags: {flags:x}")
    if js.internal_flags and api >= 28:
        names = " HAS_FOREGROUND_EXEMPTION" if js.internal_flags & INTERNAL_FLAG_HAS_FOREGROUND_EXEMPTION else ""
        lines.append(f"{j}Internal flags: {js.internal_flags:x}{names}")
    if job.constraint_flags or api >= 34:
        lines.append(f"{j}Requires: charging={_b(job.requires_charging)} "
                     f"batteryNotLow={_b(job.requires_battery_not_low)} deviceIdle={_b(job.requires_device_idle)}")
    if job.trigger_content_uris:
        lines.append(f"{j}Trigger content URIs:")
        lines += [f"{j}  {t.flags:x} {t.uri}" for t in job.trigger_content_uris]
        if job.trigger_content_update_delay_ms >= 0:
            lines.append(f"{j}Trigger update delay: {format_duration(job.trigger_content_update_delay_ms)}")
        if job.trigger_content_max_delay_ms >= 0:
            lines.append(f"{j}Trigger max delay: {format_duration(job.trigger_content_max_delay_ms)}")
    if api >= 36:
        lines.append(f"{j}Has media backup exemption=false ")
    if job.extras:
        lines.append(f"{j}Extras: {bundle_short_string(dict(job.extras))}")  # Java values, ArrayMap order
    if job.transient_extras:
        lines.append(f"{j}Transient extras: {{{', '.join(f'{k}={v}' for k, v in job.transient_extras)}}}")
    if job.network is not None:
        lines.append(f"{j}Network type: NetworkRequest [ NONE id=0, [ Capabilities: "
                     f"{job.network.capabilities()} Uid: {js.uid}] ]")
    if api >= 28:
        for label, value in (("Network download bytes", js.estimated_download),
                             ("Network upload bytes", js.estimated_upload),
                             ("Minimum network chunk bytes", job.minimum_network_chunk_bytes)):
            if value >= 0:
                lines.append(f"{j}{label}: {value}")
    if job.min_latency_ms:
        lines.append(f"{j}Minimum latency: {format_duration(job.min_latency_ms)}")
    if job.has_late_constraint:
        lines.append(f"{j}Max execution delay: {format_duration(job.override_deadline_ms)}")
    lines.append(f"{j}Backoff: policy={int(job.backoff_policy)} initial={format_duration(job.initial_backoff_ms)}")
    if job.has_early_constraint:
        lines.append(f"{j}Has early constraint")
    if job.has_late_constraint:
        lines.append(f"{j}Has late constraint")
    if api >= 36 and job.trace_tag is not None:
        lines.append(f"{j}Trace tag: {job.trace_tag}")
    if api >= 36 and job.debug_tags:
        lines.append(f"{j}Debug tags: {{{', '.join(sorted(set(job.debug_tags), key=java_string_hash))}}}")
    return lines


def _constraints(js: JobStatus, svc: JobSchedulerService, now: int, i: str, j: str) -> list[str]:
    api = svc.api_level
    tare = api in (33, 34)
    lines = [f"{i}Required constraints:{format_constraints(js.required, tare)}"]
    if api == 34:
        lines.append(f"{i}Preferred constraints:")
    if api >= 30:
        lines.append(f"{i}Dynamic constraints:{format_constraints(js.dynamic_required, tare)}")
    lines.append(f"{i}Satisfied constraints:{format_constraints(js.satisfied, tare)}")
    lines.append(f"{i}Unsatisfied constraints:{format_constraints(js.unsatisfied(api), tare)}")
    if api >= 31:
        lines.append(f"{i}Constraint history:")
        lines += [f"{j}{format_duration(when - now)} ={format_constraints(mask, tare)}"
                  for when, mask in js.constraint_history]
    if js.doze_exempt:
        lines.append(f"{i}Doze whitelisted: true")
    if svc.facts.is_top(js.package):
        lines.append(f"{i}Uid: active")
    tracking = [*js.tracking(), "QUOTA"] if api >= 28 else js.tracking()
    lines.append(f"{i}Tracking: {' '.join(tracking)}")
    return lines


def _implicit(js: JobStatus, svc: JobSchedulerService, i: str, j: str) -> list[str]:
    api = svc.api_level
    job = js.job
    parts = js.ready_parts(api)
    lines = [f"{i}Implicit constraints:", f"{j}readyNotDozing: {_b(parts['not_dozing'])}",
             f"{j}readyNotRestrictedInBg: {_b(parts['not_restricted'])}"]
    if job.has_late_constraint and not job.periodic:
        lines.append(f"{j}readyDeadlineSatisfied: {_b(parts['deadline'])}")
    if api == 30 or js.dynamic_required:
        lines.append(f"{j}readyDynamicSatisfied: {_b(parts['dynamic'])}")
    if api >= 31:
        lines.append(f"{j}readyComponentEnabled: true")
    started = svc.is_active(js)
    if job.expedited and api >= 31:
        tare = " expeditedTareApproved: true" if api in (33, 34) else ""
        lines.append(f"{j}expeditedQuotaApproved: true{tare} (started as EJ: {_b(started)})")
    if job.user_initiated and api >= 34:
        lines.append(f"{j}userInitiatedApproved: true (started as UIJ: {_b(started)})")
    if api >= 34:
        lines.append(f"{i}Started with foreground flag: false")
    if js.user_bg_restricted:
        lines.append(f"{i}User BG restricted")
    return lines


def dump_job(js: JobStatus, svc: JobSchedulerService, now: int, indent: str = "    ") -> list[str]:
    """The lines under a ``JOB`` header (or a pending/active entry) for the service's level."""
    api = svc.api_level
    i, j = indent, indent + "  "
    lines = [f"{i}{format_uid(js.uid)} tag={js.tag(api)}",
             f"{i}Source: uid={format_uid(js.uid)} user={js.uid // 100000} pkg={js.package}",
             f"{i}JobInfo:", *_job_info(js, api, j)]
    lines += _constraints(js, svc, now, i, j)
    lines += _implicit(js, svc, i, j)
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
    if js.deferred_since_ms is not None:
        lines.append(f"{j}Deferred since: {format_duration(js.deferred_since_ms - now)}")
    lines.append(f"{i}Enqueue time: {format_duration(js.enqueue_time_ms - now)}")
    earliest = "none" if js.earliest_ms == 0 else format_duration(js.earliest_ms - now)
    latest = "none" if js.latest_ms == NO_LATEST_RUNTIME else format_duration(js.latest_ms - now)
    original = "none" if js.original_latest_ms == NO_LATEST_RUNTIME else format_duration(js.original_latest_ms - now)
    lines.append(f"{i}Run time: earliest={earliest}, latest={latest}, original latest={original}")
    if api in (28, 29):
        lines.append(f"{i}Last run heartbeat: 0")  # standby heartbeats (9-10; the Android 10 capture)
    if js.num_failures:
        lines.append(f"{i}Num failures: {js.num_failures}")
    if js.num_system_stops and api >= 34:
        lines.append(f"{i}Num system stops: {js.num_system_stops}")
    for label, wall in (("Last successful run", js.last_successful_run_wall),
                        ("Last failed run", js.last_failed_run_wall)):
        if wall is not None:
            lines.append(f"{i}{label}: {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(wall))}")
    return lines
