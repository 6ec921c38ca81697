"""The flags of ``schedule`` and ``enqueue`` (JobInfo.Builder options, the job's script, work
items, ``--spec``/``--work-file``) and the :class:`~bridge.model.JobSpec` they describe.

Values are read by :mod:`cli.param_types` (the grammar of :mod:`bridge.grammar`) and the files by
:mod:`bridge.spec_files`; bad input raises :class:`~bridge.grammar.GrammarError`, a usage error
(exit 2) before any device is touched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bridge.grammar import GrammarError, parse_work_spec
from cli.options import namespace_option, stack
from cli.param_types import (
    BACKOFF,
    BYTE_ESTIMATE,
    BYTES,
    DURATION,
    EXTRA,
    FILE_PATH,
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
                     help="A whole spec: TOML or JSON (*.json) with PROTOCOL.md SPEC field names; flags override."),
        namespace_option,
        click.option("--requires-charging", is_flag=True, help="setRequiresCharging(true)."),
        click.option("--requires-device-idle", is_flag=True, help="setRequiresDeviceIdle(true)."),
        click.option("--requires-battery-not-low", is_flag=True, help="setRequiresBatteryNotLow(true)."),
        click.option("--requires-storage-not-low", is_flag=True, help="setRequiresStorageNotLow(true)."),
        click.option("--network", type=click.Choice(NETWORK_CHOICES, case_sensitive=False),
                     help="setRequiredNetworkType (cellular: API 28; metered: its API 26-27 alias)."),
        click.option("--estimated-bytes", type=BYTE_ESTIMATE,
                     help="setEstimatedNetworkBytes(DOWN, UP) (API 28); BYTES or 'unknown' each."),
        click.option("--minimum-network-chunk-bytes", type=BYTES, help="setMinimumNetworkChunkBytes (API 33)."),
        click.option("--minimum-latency", type=DURATION, help="setMinimumLatency, e.g. 30s."),
        click.option("--override-deadline", type=DURATION, help="setOverrideDeadline, e.g. 15m."),
        click.option("--periodic", type=PERIODIC, help="setPeriodic(INTERVAL[, FLEX]), e.g. 15m or 1h,10m."),
        click.option("--backoff", type=BACKOFF,
                     help="setBackoffCriteria: linear|exponential[,INITIAL], e.g. linear,30s."),
        click.option("--persisted", is_flag=True, help="setPersisted(true)."),
        click.option("--expedited", is_flag=True, help="setExpedited(true) (API 31)."),
        click.option("--user-initiated", is_flag=True, help="setUserInitiated(true) (API 34)."),
        click.option("--prefetch", is_flag=True, help="setPrefetch(true) (API 28)."),
        click.option("--priority", type=click.Choice(PRIORITY_CHOICES, case_sensitive=False),
                     help="setPriority (API 33)."),
        click.option("--trigger-content-uri", type=TRIGGER_URI, multiple=True,
                     help="addTriggerContentUri (repeatable); append ',descendants' for FLAG_NOTIFY_FOR_DESCENDANTS."),
        click.option("--extra", type=EXTRA, multiple=True,
                     help='An extra (repeatable): true/false -> boolean, 42 -> integer, 1.5 -> double, '
                          'else string; KEY="42" forces a string.'),
        click.option("--duration", type=DURATION, help="Script: run (or transfer) this long, e.g. 2s."),
        click.option("--download", type=BYTES, help="Script: download this many bytes, e.g. 5MiB."),
        click.option("--upload", type=BYTES, help="Script: upload this many bytes."),
        click.option("--hold-until-stopped", is_flag=True, help="Script: keep running until the system stops it."),
        click.option("--reschedule-on-stop", is_flag=True, help="Script: onStopJob returns true."),
        click.option("--finish-reschedule", is_flag=True, help="Script: end with jobFinished(params, true)."),
        click.option("--work", type=WORK_SPEC, multiple=True,
                     help="A work item (repeatable), e.g. tag=a,download=1MB,duration=2s,incomplete."),
        click.option("--work-file", type=FILE_PATH,
                     help="Work items: JSON lines, or TOML ([[work]] tables) for *.toml."),
    )(function)


def build_spec(job_id: int, values: Mapping[str, Any]) -> tuple[JobSpec, list[WorkItem]]:
    """The :class:`JobSpec` and work items the job flags describe.

    Order: ``--spec FILE`` first, then every flag given overrides (``--extra`` adds to the file's
    extras, ``--trigger-content-uri`` replaces its URIs, script flags replace its script); work
    items are the file's, then ``--work-file``'s, then each ``--work``, tags numbered over all.
    """
    import dataclasses

    from bridge.model import Finish, Hold, JobScript, JobSpec, NetworkType, Priority, Sleep, Transfer, Work
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
