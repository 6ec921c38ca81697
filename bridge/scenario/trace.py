"""Scenario runs as a trace that ui.perfetto.dev (and chrome://tracing) opens: the Chrome
trace-event JSON format ("Trace Event Format", the JSON object form with ``traceEvents``), one
process per scenario, one track (thread) per job and per changed condition, the steps on a
track of their own. The content is :mod:`bridge.scenario.lanes`, the same as the HTML report's.

Runs and condition values are complete events (``ph: "X"``, ``ts``/``dur`` in microseconds from
the first scenario's start), work items and steps instant events (``ph: "i"``), track and
process names metadata events (``ph: "M"``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bridge._version import __version__
from bridge.scenario.lanes import ReportDevice, lanes_of
from bridge.scenario.model import ScenarioResult

STEPS_TID = 1
"""The steps' track; jobs and conditions follow from 2, in the report's lane order."""


def trace_events(results: Sequence[ScenarioResult], device: ReportDevice | None = None) -> dict[str, Any]:
    """The trace as a JSON-ready object."""
    timelines = lanes_of(results)
    origin = min((t.start_ms for _, t in timelines), default=0)

    def us(ms: int) -> int:
        return (ms - origin) * 1000

    events: list[dict[str, Any]] = []
    for pid, (result, timeline) in enumerate(timelines, 1):
        events.append(_meta("process_name", pid, 0, f"{result.scenario.name} ({result.status})"))
        events.append({"ph": "M", "name": "process_sort_index", "pid": pid, "tid": 0, "args": {"sort_index": pid}})
        events.append(_meta("thread_name", pid, STEPS_TID, "steps"))
        for step in timeline.steps:
            events.append({"ph": "i", "s": "p", "name": f"step {step.index}: {step.description}", "cat": "step",
                           "pid": pid, "tid": STEPS_TID, "ts": us(step.at_ms), "args": {"status": step.status.value}})
        for tid, lane in enumerate(timeline.lanes, STEPS_TID + 1):
            events.append(_meta("thread_name", pid, tid, lane.title))
            events.append({"ph": "M", "name": "thread_sort_index", "pid": pid, "tid": tid, "args": {"sort_index": tid}})
            for segment in lane.segments:
                events.append({"ph": "X", "name": segment.label, "cat": f"{lane.kind},{segment.kind.value}",
                               "pid": pid, "tid": tid, "ts": us(segment.start_ms),
                               "dur": max(us(segment.end_ms) - us(segment.start_ms), 1),
                               "args": {"detail": segment.detail}})
            for marker in lane.markers:
                events.append({"ph": "i", "s": "t", "name": marker.detail, "cat": "work_item", "pid": pid,
                               "tid": tid, "ts": us(marker.at_ms)})
    metadata: dict[str, Any] = {"jobctl_version": __version__, "origin_wall_ms": origin}
    if device is not None:
        metadata.update({"device_serial": device.serial, "device_model": device.model, "api_level": device.api_level})
    return {"traceEvents": events, "displayTimeUnit": "ms", "metadata": metadata}


def trace_json(results: Sequence[ScenarioResult], device: ReportDevice | None = None) -> str:
    """:func:`trace_events` as text (the ``--trace FILE`` content)."""
    return json.dumps(trace_events(results, device), indent=1) + "\n"


def _meta(name: str, pid: int, tid: int, value: str) -> dict[str, Any]:
    return {"ph": "M", "name": name, "pid": pid, "tid": tid, "args": {"name": value}}
