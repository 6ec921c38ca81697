"""One scenario run as lanes on one time axis: a lane per job (its runs, labelled with how each
ended -- the stop reason by name -- and its work-item deliveries) and a lane per device condition
the scenario changed (charging, battery, network, idle, Doze, bucket, restriction), with the
steps as markers. The HTML report (:mod:`bridge.scenario.html`) draws them; the trace export
(:mod:`bridge.scenario.trace`) writes them as Perfetto tracks.

The axis is wall-clock milliseconds: events and runs by the device's clock (``wall_ms``,
``System.currentTimeMillis()``), steps and condition changes by the host's (``time.time()``
when the step ran). A device whose clock differs from the host's shifts the step markers and
condition changes by that difference (none on a virtual device, which runs on the host clock).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from bridge.model import EventKind, JobRun, RunEnd, StopReason, runs_from_events
from bridge.scenario.model import DeviceStep, ScenarioResult, StepStatus

CONDITION_TITLES: dict[str, str] = {
    "charging": "charging", "battery_level": "battery level", "battery_low": "battery low",
    "battery_saver": "battery saver", "wifi": "Wi-Fi", "cellular": "cellular", "airplane": "airplane mode",
    "metered": "metered Wi-Fi", "idle": "idle", "doze": "Doze", "storage_low": "storage low",
    "bucket": "standby bucket", "restrict": "background restriction",
}
"""Lane titles of the scenario ``device`` step's conditions (scenarios/README.md)."""

_CONSTRAINT_STOPS = frozenset({StopReason.CONSTRAINT_BATTERY_NOT_LOW, StopReason.CONSTRAINT_CHARGING,
                               StopReason.CONSTRAINT_CONNECTIVITY, StopReason.CONSTRAINT_DEVICE_IDLE,
                               StopReason.CONSTRAINT_STORAGE_NOT_LOW})
_BY_APP_OR_USER = frozenset({StopReason.CANCELLED_BY_APP, StopReason.USER})


class SegmentKind(enum.Enum):
    """What a bar on a lane means (its colour in the report; the label says the rest)."""

    FINISHED = "finished"
    STOPPED_CONSTRAINT = "stopped-constraint"
    """A constraint stopped being satisfied (``STOP_REASON_CONSTRAINT_*``)."""
    STOPPED_SYSTEM = "stopped-system"
    """The system took the job away (timeout, quota, standby bucket, Doze, restriction, preemption)."""
    STOPPED_BY_APP = "stopped-app"
    """Cancelled by the app or stopped by the user."""
    RUNNING = "running"
    """Still running when the scenario ended."""
    OTHER = "other"
    """An error ended the run, or the process died under it."""
    ON = "on"
    OFF = "off"
    VALUE = "value"
    AS_FOUND = "as-found"
    """A condition before the scenario changed it: whatever the device had."""


@dataclass(frozen=True)
class Segment:
    start_ms: int
    end_ms: int
    label: str
    kind: SegmentKind
    detail: str


@dataclass(frozen=True)
class Marker:
    at_ms: int
    label: str
    detail: str
    done: bool | None = None
    """Work item: ``None`` dequeued, ``True`` completed, ``False`` left incomplete."""


@dataclass(frozen=True)
class Lane:
    title: str
    kind: str
    """``job`` or ``condition``."""
    segments: tuple[Segment, ...]
    markers: tuple[Marker, ...] = ()


@dataclass(frozen=True)
class StepMark:
    at_ms: int
    index: int
    description: str
    status: StepStatus


@dataclass(frozen=True)
class RunTimeline:
    start_ms: int
    end_ms: int
    lanes: tuple[Lane, ...]
    steps: tuple[StepMark, ...]


def run_timeline(result: ScenarioResult) -> RunTimeline:
    """The lanes of one scenario run (see the module docstring)."""
    start = int(result.started_wall * 1000)
    end = int((result.started_wall + result.duration) * 1000)
    if result.events:
        start = min(start, min(e.wall_ms for e in result.events))
        end = max(end, max(e.wall_ms for e in result.events))
    end = max(end, start + 1)
    steps = tuple(StepMark(int(o.started_wall * 1000), o.index, o.description, o.status)
                  for o in result.steps if o.status is not StepStatus.SKIPPED and o.started_wall)
    return RunTimeline(start, end, (*_job_lanes(result, end), *_condition_lanes(result, start, end)), steps)


def _job_lanes(result: ScenarioResult, end: int) -> list[Lane]:
    runs = runs_from_events(result.events)
    jobs = sorted({(e.namespace, e.job_id) for e in result.events if e.job_id is not None},
                  key=lambda k: (k[0] or "", k[1] or 0))
    lanes = []
    for namespace, job_id in jobs:
        segments = tuple(_run_segment(run, end) for run in runs if run.job_id == job_id and run.namespace == namespace)
        markers = []
        for event in result.events:
            if event.job_id != job_id or event.namespace != namespace:
                continue
            tag = str(event.get("tag"))
            if event.kind is EventKind.WORK_DEQUEUED:
                count = event.get("delivery_count")
                markers.append(Marker(event.wall_ms, f"{tag}#{count}", f"dequeued {tag} (delivery {count})"))
            elif event.kind in (EventKind.WORK_COMPLETED, EventKind.WORK_INCOMPLETE):
                done = event.kind is EventKind.WORK_COMPLETED
                markers.append(Marker(event.wall_ms, tag, ("completed " if done else "left incomplete ") + tag, done))
        title = f"job {job_id}" if namespace is None else f"job {namespace}:{job_id}"
        lanes.append(Lane(title, "job", segments, tuple(markers)))
    return lanes


def _run_segment(run: JobRun, end: int) -> Segment:
    stop = run.end_wall_ms if run.end_wall_ms is not None else end
    duration = f"{run.duration_ms} ms" if run.duration_ms is not None else "still running at the end"
    reason = run.stop_reason
    if reason is not None:
        name = reason.name if isinstance(reason, StopReason) else f"stop reason {reason}"
        if reason in _CONSTRAINT_STOPS:
            kind = SegmentKind.STOPPED_CONSTRAINT
        elif reason in _BY_APP_OR_USER:
            kind = SegmentKind.STOPPED_BY_APP
        else:
            kind = SegmentKind.STOPPED_SYSTEM
        resched = "" if run.reschedule is None else f", reschedule {'yes' if run.reschedule else 'no'}"
        return Segment(run.start_wall_ms, stop, name, kind, f"stopped: {name} ({duration}{resched})")
    if run.end is RunEnd.FINISHED:
        return Segment(run.start_wall_ms, stop, "finished", SegmentKind.FINISHED, f"finished ({duration})")
    if run.end is None:
        return Segment(run.start_wall_ms, stop, "running", SegmentKind.RUNNING, "still running when the scenario ended")
    if run.end is RunEnd.STOPPED:  # below API 31: no stop reason
        return Segment(run.start_wall_ms, stop, "stopped", SegmentKind.STOPPED_SYSTEM,
                       f"stopped, reason not reported below API 31 ({duration})")
    return Segment(run.start_wall_ms, stop, run.end.value.replace("_", " "), SegmentKind.OTHER,
                   f"{run.end.value} ({duration})")


def _condition_lanes(result: ScenarioResult, start: int, end: int) -> list[Lane]:
    changes: dict[str, list[tuple[int, bool | int | str]]] = {}
    for outcome in result.steps:
        step = result.scenario.steps[outcome.index - 1]
        if not isinstance(step, DeviceStep) or outcome.status is StepStatus.SKIPPED or not outcome.started_wall:
            continue
        for name, value in step.changes:
            changes.setdefault(name, []).append((int(outcome.started_wall * 1000), value))  # the step's start:
            # the device changes while the step runs, and a lane must not show a stop before its cause
    lanes = []
    for name in CONDITION_TITLES:  # a fixed order: power, network, idle, app
        seen = changes.get(name)
        if not seen:
            continue
        segments = [Segment(start, seen[0][0], "as found", SegmentKind.AS_FOUND,
                            "the device's own value before the scenario changed it")]
        for number, (at, value) in enumerate(seen):
            until = seen[number + 1][0] if number + 1 < len(seen) else end
            label, kind = _condition_value(name, value)
            segments.append(Segment(at, until, label, kind, f"{CONDITION_TITLES[name]}: {label}"))
        lanes.append(Lane(CONDITION_TITLES[name], "condition", tuple(segments)))
    return lanes


def _condition_value(name: str, value: bool | int | str) -> tuple[str, SegmentKind]:
    if isinstance(value, bool):
        return ("on" if value else "off"), (SegmentKind.ON if value else SegmentKind.OFF)
    if name == "battery_level":
        return f"{value} %", SegmentKind.VALUE
    return str(value), SegmentKind.VALUE


def lanes_of(results: Sequence[ScenarioResult]) -> list[tuple[ScenarioResult, RunTimeline]]:
    """Every result with its timeline (skipped ones have an empty one)."""
    return [(result, run_timeline(result)) for result in results]


@dataclass(frozen=True)
class ReportDevice:
    """The device a report's runs ran on (its header)."""

    serial: str
    model: str
    api_level: int
