"""bridge.model: enums, option levels, events and runs (contract vectors as event source)."""

from __future__ import annotations

import json
from datetime import datetime, UTC
from pathlib import Path

import pytest

from bridge.model import (
    ByteEstimate,
    EventKind,
    JobEvent,
    JobSpec,
    NetworkType,
    PendingReason,
    Periodic,
    Priority,
    RunEnd,
    StopReason,
    WorkItem,
    WorkOutcome,
    option_api_level,
    runs_from_events,
    spec_options,
)

CONTRACT = Path(__file__).resolve().parents[1] / "contract"


def test_stop_reasons_are_exactly_the_sdk_table() -> None:
    assert [(r.value, r.java_name) for r in StopReason][:3] == [
        (0, "STOP_REASON_UNDEFINED"), (1, "STOP_REASON_CANCELLED_BY_APP"), (2, "STOP_REASON_PREEMPT")]
    assert [r.value for r in StopReason] == list(range(17))  # 16 TIMEOUT_ABANDONED is API 36 (issue 14)
    assert StopReason.CONSTRAINT_CHARGING == 6 and StopReason.ESTIMATED_APP_LAUNCH_TIME_CHANGED.api_level == 33
    assert StopReason.parse(16) is StopReason.TIMEOUT_ABANDONED and StopReason.TIMEOUT_ABANDONED.api_level == 36
    assert StopReason.parse(17) == 17 and not isinstance(StopReason.parse(17), StopReason)
    assert [r.value for r in PendingReason] == list(range(-2, 17))
    assert PendingReason.CONSTRAINT_MINIMUM_LATENCY.java_name == "PENDING_JOB_REASON_CONSTRAINT_MINIMUM_LATENCY"


def test_enum_platform_values() -> None:
    assert [t.platform_value for t in NetworkType] == [0, 1, 2, 3, 4, 4]
    assert [p.value for p in Priority] == [100, 200, 300, 400, 500]


def test_option_levels() -> None:
    assert option_api_level(JobSpec, "expedited") == 31
    assert option_api_level(JobSpec, "user_initiated") == 34
    assert option_api_level(WorkItem, "min_chunk_bytes") == 33
    assert JobSpec(1).min_api_level == 26
    assert JobSpec(1, network_type=NetworkType.CELLULAR).min_api_level == 28
    assert JobSpec(1, network_type=NetworkType.METERED).min_api_level == 26
    assert JobSpec(1, expedited=True, namespace="n").min_api_level == 34
    assert [o.name for o in spec_options(JobSpec(1, prefetch=True, expedited=False))] == ["job_id", "prefetch"]
    assert WorkItem("a", ByteEstimate(1, 1)).min_api_level == 28


def test_spec_is_frozen_and_hashable() -> None:
    spec = JobSpec(1, extras={"a": 1}, priority=400)
    assert spec.priority is Priority.HIGH and spec.extras == (("a", 1),)
    assert hash(spec) == hash(JobSpec(1, extras={"a": 1}, priority=Priority.HIGH))
    with pytest.raises(AttributeError):
        spec.job_id = 2  # type: ignore[misc]
    assert JobSpec(1, expedited=True).effective_priority == Priority.MAX
    assert Periodic(60_000).effective() == (900_000, 300_000)  # setPeriodic(i) = setPeriodic(i, i), then clamps
    assert Periodic(1_800_000).effective() == (1_800_000, 1_800_000)
    assert Periodic(3_600_000, 1000).effective() == (3_600_000, 300_000)


def test_event_from_json() -> None:
    event = JobEvent.from_json('{"seq":57,"elapsed_ms":8812345,"wall_ms":1763697600123,"kind":"started",'
                               '"job_id":1,"namespace":null,"expedited":false,"user_initiated":false,"network":"100",'
                               '"triggered_uris":null,"triggered_authorities":null,"override_deadline_expired":false}')
    assert event.kind is EventKind.STARTED and event.job_id == 1 and event.fields["network"] == "100"
    assert event.wall_time == datetime(2025, 11, 21, 4, 0, 0, 123000, tzinfo=UTC)
    assert list(event.to_json_object())[:6] == ["seq", "elapsed_ms", "wall_ms", "kind", "job_id", "namespace"]
    with pytest.raises(ValueError):
        JobEvent.from_json('{"seq":1,"elapsed_ms":1,"wall_ms":1,"kind":"teleported"}')


def _events(name: str) -> list[JobEvent]:
    vector = json.loads((CONTRACT / f"{name}.json").read_text())
    return [JobEvent.from_json(e) for s in vector["steps"] for e in s.get("expect_events", [])]


def test_runs_with_redelivery() -> None:
    runs = runs_from_events(_events("enqueue_run_redeliver"))
    assert len(runs) == 3
    first = runs[0]
    assert first.end is RunEnd.FINISHED and first.finished_via == "job_finished" and first.reschedule is False
    assert [(w.tag, w.delivery_count, w.outcome) for w in first.work] == [
        ("a", 1, WorkOutcome.COMPLETED), ("b", 1, WorkOutcome.INCOMPLETE), ("c", 1, WorkOutcome.COMPLETED)]
    assert first.work[1].transferred == ByteEstimate(100, 10)
    assert (first.items_dequeued, first.items_completed) == (3, 2)
    assert [r.work[0].delivery_count for r in runs[1:]] == [2, 3]


def test_runs_with_stops() -> None:
    runs = runs_from_events(_events("run_transfer_stop"))
    assert [(r.end, r.stop_reason, r.reschedule) for r in runs] == [
        (RunEnd.STOPPED, StopReason.CANCELLED_BY_APP, True), (RunEnd.STOPPED, StopReason.QUOTA, True)]
    assert runs[0].transferred == ByteEstimate(1000, 100) and runs[0].estimated == ByteEstimate(1000, 100)
    assert runs[1].transferred == ByteEstimate(333, 33)
    assert runs[0].duration_ms == 1000


def test_run_ending_error_then_late_stop_and_process_death() -> None:
    def ev(seq: int, kind: str, **fields: object) -> JobEvent:
        return JobEvent.from_json({"seq": seq, "elapsed_ms": seq, "wall_ms": seq, "kind": kind, **fields})

    runs = runs_from_events([
        ev(1, "started", job_id=1, namespace=None),
        ev(2, "error", job_id=1, namespace=None, where="dequeue_work", type="java.lang.X", message="m"),
        ev(3, "stopped", job_id=1, namespace=None, stop_reason=3, reschedule=False),
        ev(4, "started", job_id=2, namespace="n"),
        ev(5, "process_started", pid=5),
    ])
    assert runs[0].end is RunEnd.ERROR and runs[0].stop_reason is StopReason.TIMEOUT and len(runs[0].errors) == 1
    assert runs[1].end is RunEnd.PROCESS_DIED and runs[1].namespace == "n"
