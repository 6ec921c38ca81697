"""The flags of ``schedule`` and ``enqueue`` (JobInfo.Builder options, the job's script, work
items, ``--spec``/``--work-file``) and the :class:`~bridge.model.JobSpec` they describe.

Values are read by :mod:`cli.param_types` (the grammar of :mod:`bridge.grammar`) and the files by
:mod:`bridge.spec_files`; bad input raises :class:`~bridge.grammar.GrammarError`, a usage error
(exit 2) before any device is touched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bridge.grammar import GrammarError, parse_work_spec
from cli.file_param import FILE_PATH
from cli.options import namespace_option, stack
from cli.param_types import (
    BACKOFF,
    BYTE_ESTIMATE,
    BYTES,
    DURATION,
    EXTRA,
    PERIODIC,
    TRIGGER_URI,
    WORK_SPEC,
)

if TYPE_CHECKING:
    from bridge.model import JobSpec, WorkItem

F = TypeVar("F", bound=Callable[..., Any])

NETWORK_CHOICES = ("any", "unmetered", "not-roaming", "cellular", "metered", "none")
PRIORITY_CHOICES = ("min", "low", "default", "high", "max")



def spec_flags(function: F) -> F:
    """The JobInfo.Builder flags, the job-script flags and the work-item flags."""
    return stack(
        click.option("--spec", "spec_file", type=FILE_PATH,
                     help="A whole spec: TOML or JSON (*.json) with the helper's SPEC fields (requires_charging, "
                          "network_type, min_latency_ms, override_deadline_ms, periodic = {interval_ms, flex_ms}, "
                          "backoff, persisted, expedited, priority, extras, script and the other JobInfo fields in "
                          "snake_case, times in ms); flags given too override it. Default: flags only."),
        namespace_option,
        click.option("--requires-charging", is_flag=True, help="setRequiresCharging(true)."),
        click.option("--requires-device-idle", is_flag=True, help="setRequiresDeviceIdle(true)."),
        click.option("--requires-battery-not-low", is_flag=True, help="setRequiresBatteryNotLow(true)."),
        click.option("--requires-storage-not-low", is_flag=True, help="setRequiresStorageNotLow(true)."),
        click.option("--network", type=click.Choice(NETWORK_CHOICES, case_sensitive=False),
                     help="setRequiredNetworkType (cellular: API 28; metered: its API 26-27 alias). Default: none "
                          "required."),
        click.option("--estimated-bytes", type=BYTE_ESTIMATE,
                     help="setEstimatedNetworkBytes(DOWN, UP) (API 28): bytes each (units B, KB, MB, GB, KiB, MiB, "
                          "GiB) or 'unknown', e.g. 10MB,1MB. Default: not set."),
        click.option("--minimum-network-chunk-bytes", type=BYTES, help="setMinimumNetworkChunkBytes (API 33), in bytes "
                                                                       "(units B, KB, MB, KiB, MiB), e.g. 64KiB. "
                                                                       "Default: not set."),
        click.option("--minimum-latency", type=DURATION, help="setMinimumLatency (units ms, s, m, h, d; e.g. 30s). "
                                                              "Default: none."),
        click.option("--override-deadline", type=DURATION, help="setOverrideDeadline (units ms, s, m, h, d; e.g. 15m). "
                                                                "Default: none."),
        click.option("--periodic", type=PERIODIC, help="setPeriodic(INTERVAL[, FLEX]) (units ms, s, m, h, d; e.g. 15m "
                                                       "or 1h,10m; the platform raises an interval under 15m to 15m). "
                                                       "Default: not periodic."),
        click.option("--backoff", type=BACKOFF,
                     help="setBackoffCriteria: linear|exponential[,INITIAL] (INITIAL units ms, s, m, h; e.g. "
                          "linear,30s). Default: the platform's (exponential, 30s)."),
        click.option("--persisted", is_flag=True, help="setPersisted(true)."),
        click.option("--expedited", is_flag=True, help="setExpedited(true) (API 31)."),
        click.option("--user-initiated", is_flag=True, help="setUserInitiated(true) (API 34)."),
        click.option("--prefetch", is_flag=True, help="setPrefetch(true) (API 28)."),
        click.option("--priority", type=click.Choice(PRIORITY_CHOICES, case_sensitive=False),
                     help="setPriority (API 33). Default: the platform's (default; high when expedited)."),
        click.option("--trigger-content-uri", type=TRIGGER_URI, multiple=True,
                     help="addTriggerContentUri (repeatable); append ',descendants' for FLAG_NOTIFY_FOR_DESCENDANTS. "
                          "Default: none."),
        click.option("--extra", type=EXTRA, multiple=True,
                     help='An extra (repeatable): true/false -> boolean, 42 -> integer, 1.5 -> double, '
                          'else string; KEY="42" forces a string. Default: none.'),
        click.option("--duration", type=DURATION, help="Script: run (or transfer) this long (units ms, s, m, h; e.g. "
                                                       "2s). Default: finish at once."),
        click.option("--download", type=BYTES, help="Script: download this many bytes (units B, KB, MB, GB, KiB, MiB, "
                                                    "GiB; e.g. 5MiB). Default: 0."),
        click.option("--upload", type=BYTES, help="Script: upload this many bytes (units B, KB, MB, GB, KiB, MiB, GiB; "
                                                  "e.g. 200KB). Default: 0."),
        click.option("--hold-until-stopped", is_flag=True, help="Script: keep running until the system stops it."),
        click.option("--reschedule-on-stop", is_flag=True, help="Script: onStopJob returns true."),
        click.option("--finish-reschedule", is_flag=True, help="Script: end with jobFinished(params, true)."),
        click.option("--work", type=WORK_SPEC, multiple=True,
                     help="A work item (repeatable), comma-separated keys: tag=NAME (default item-N), download=BYTES, "
                          "upload=BYTES, duration=DURATION (transfer time, or sleep without a transfer), chunks=N "
                          "(progress reports, default 1), estimated=DOWN/UP (bytes or unknown), min-chunk=BYTES, "
                          "incomplete (not completed: redelivered). E.g. tag=a,download=1MB,duration=2s,incomplete. "
                          "Default: no work items."),
        click.option("--work-file", type=FILE_PATH,
                     help="Work items from a file: JSON lines, or TOML ([[work]] tables) for *.toml; the --work keys. "
                          "Default: none."),
    )(function)


MAX_ALLOWED_PERIOD_MS = 365 * 24 * 60 * 60 * 1000
"""``JobSchedulerService.MAX_ALLOWED_PERIOD_MS``: ``JobStatus.createFromJobInfo`` keeps a periodic
job's interval within [``JobInfo.getMinPeriodMillis()``, this]."""


def _duration(ms: int) -> str:
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("min", 60_000), ("s", 1000)):
        if ms >= size and ms % size == 0:
            return f"{ms // size} {unit}"
    return f"{ms} ms"


def platform_adjustments(spec: JobSpec) -> list[str]:
    """One line per value the platform will change or hold against the job: what the device
    will actually do. Sources: ``JobInfo.Builder.setPeriodic`` raises the interval to
    ``getMinPeriodMillis()`` (15 min) and the flex to max(``getMinFlexMillis()`` 5 min, 5 % of the
    interval), at most the interval; ``setBackoffCriteria`` keeps the initial backoff within
    [``MIN_BACKOFF_MILLIS`` 10 s, ``MAX_BACKOFF_DELAY_MILLIS`` 5 h] (``apex/jobscheduler/framework/
    java/android/app/job/JobInfo.java``); ``JobStatus.createFromJobInfo`` caps a periodic interval
    at ``JobSchedulerService.MAX_ALLOWED_PERIOD_MS`` (365 days) and adds a one-off job's latency and
    deadline to the elapsed-realtime clock unclamped (``apex/jobscheduler/service/java/com/android/
    server/job/controllers/JobStatus.java``)."""
    warnings: list[str] = []
    if spec.periodic is not None:
        asked_interval = spec.periodic.interval_ms
        interval, flex = spec.periodic.effective()
        interval = min(interval, MAX_ALLOWED_PERIOD_MS)
        flex = min(flex, interval)
        if interval != asked_interval:
            why = "at least 15 min" if asked_interval < interval else "at most 365 days"
            warnings.append(f"--periodic {_duration(asked_interval)}: the device runs the job every "
                            f"{_duration(interval)} (the period is {why})")
        asked_flex = spec.periodic.flex_ms
        if asked_flex is not None and asked_flex != flex:
            warnings.append(f"--periodic flex {_duration(asked_flex)}: the device uses a flex of {_duration(flex)} "
                            "(at least 5 min and 5 % of the period, at most the period)")
    if spec.backoff is not None and spec.backoff.effective_initial_ms() != spec.backoff.initial_ms:
        warnings.append(f"--backoff {_duration(spec.backoff.initial_ms)}: the device starts the backoff at "
                        f"{_duration(spec.backoff.effective_initial_ms())} (10 s to 5 h)")
    for name, value in (("--minimum-latency", spec.min_latency_ms), ("--override-deadline", spec.override_deadline_ms)):
        if value is not None and value > MAX_ALLOWED_PERIOD_MS:
            warnings.append(f"{name} {_duration(value)}: the device keeps it as given (no clamp for a one-off job), "
                            "so the job waits more than a year")
    return warnings


def hold_adjustment(spec: JobSpec, items: Sequence[WorkItem]) -> list[str]:
    """A held job with work ends when its last item is done: ``dequeueWork()`` returning null
    with no item left active finishes the job (``JobServiceContext.doDequeueWork`` →
    ``JobStatus.hasExecutingWorkLocked``), before the script reaches ``hold``."""
    if not items or spec.script is None:
        return []
    from bridge.model import Hold, Work

    steps = spec.script.steps
    left_active = any(item.script is not None and not item.script.complete for item in items)
    if Work() not in steps or Hold() not in steps or left_active:
        return []
    return ["--hold-until-stopped: the job ends as soon as its work items are done (Android finishes a job "
            "whose dequeueWork() finds no more work); add ',incomplete' to a --work item to keep it running "
            "until the system stops it"]


def build_spec(job_id: int, values: Mapping[str, Any]) -> tuple[JobSpec, list[WorkItem]]:
    """The :class:`JobSpec` and work items the job flags describe.

    Order: ``--spec FILE`` first, then every flag given overrides (``--extra`` adds to the file's
    extras, ``--trigger-content-uri`` replaces its URIs, script flags replace its script); work
    items are the file's, then ``--work-file``'s, then each ``--work``, tags numbered over all.
    """
    import dataclasses

    from bridge.model import JobSpec, NetworkType, Priority
    from bridge.spec_files import (
        check_spec_values,
        read_spec_file,
        read_work_file,
        spec_from_document,
        work_from_document,
    )

    spec = JobSpec(job_id)
    items: list[WorkItem] = []
    spec_file: Path | None = values.get("spec_file")
    if spec_file is not None:
        document, work = read_spec_file(spec_file)
        spec = spec_from_document(document, job_id, str(spec_file))
        items += work_from_document(work, str(spec_file))
    if values.get("work_file") is not None:
        items += read_work_file(values["work_file"], len(items))
    for text in values.get("work") or ():
        items.append(parse_work_spec(text, len(items)))

    changes: dict[str, Any] = {}
    for flag in ("requires_charging", "requires_device_idle", "requires_battery_not_low",
                 "requires_storage_not_low", "persisted", "expedited", "user_initiated", "prefetch"):
        if values.get(flag):
            changes[flag] = True
    simple = {"namespace": "namespace", "estimated_bytes": "estimated_bytes",
              "minimum_network_chunk_bytes": "min_chunk_bytes", "minimum_latency": "min_latency_ms",
              "override_deadline": "override_deadline_ms", "periodic": "periodic", "backoff": "backoff"}
    for flag, field in simple.items():
        if values.get(flag) is not None:
            changes[field] = values[flag]
    if values.get("network") is not None:
        changes["network_type"] = NetworkType(values["network"].replace("-", "_"))
    if values.get("priority") is not None:
        changes["priority"] = Priority[values["priority"].upper()]
    if values.get("trigger_content_uri"):
        changes["trigger_content_uris"] = tuple(values["trigger_content_uri"])
    if values.get("extra"):
        changes["extras"] = {**dict(spec.extras), **dict(values["extra"])}

    duration, down, up = values.get("duration"), values.get("download"), values.get("upload")
    hold, on_stop, finish_reschedule = (bool(values.get("hold_until_stopped")), bool(values.get("reschedule_on_stop")),
                                        bool(values.get("finish_reschedule")))
    if hold and finish_reschedule:
        raise GrammarError("--hold-until-stopped and --finish-reschedule exclude each other "
                           "(a held job never calls jobFinished)")
    if any(v is not None for v in (duration, down, up)) or hold or on_stop or finish_reschedule:
        from bridge.model import Finish, Hold, JobScript, Sleep, Transfer, Work

        steps: list[Any] = []
        if down is not None or up is not None:
            steps.append(Transfer(down or 0, up or 0, duration or 0))
        elif duration is not None:
            steps.append(Sleep(duration))
        if items or values.get("always_work"):
            steps.append(Work())
        steps.append(Hold() if hold else Finish(reschedule=finish_reschedule))
        changes["script"] = JobScript(tuple(steps), on_stop_reschedule=on_stop)
    if changes:
        spec = dataclasses.replace(spec, **changes)
    check_spec_values(spec, items)
    return spec, items
