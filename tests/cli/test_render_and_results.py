"""The rendering module (``--json`` or text from the same result) and the typed results the
commands render (:mod:`bridge.jobs_overview`, :mod:`bridge.watch_timeline`), without a device."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from bridge.helper_protocol import PendingJob
from bridge.jobs_overview import JobOverview, jobs_overview, ordered_tokens
from bridge.model import EventKind, JobEvent, JobState, PendingReason, Priority, StopReason
from bridge.watch_timeline import ConditionChanged, ConditionsRead, EventSeen, watch_timeline
from cli.context import GlobalOptions
from cli.render import Line, Rule, Styled, Table, show

TEXT = GlobalOptions(serial=None, adb_host=None, adb_port=None, json=False)
JSON = GlobalOptions(serial=None, adb_host=None, adb_port=None, json=True)


def test_show_prints_the_json_document_or_the_text_blocks(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    blocks = (Line("plain [not markup]"), Line(Styled("bold [x]", "bold")),
              Table(("a", "b"), (("1", Styled("ok", "green")),), title="T"), Rule("part"))
    show(JSON, {"a": 1, "b": [None]}, *blocks)
    assert json.loads(capsys.readouterr().out) == {"a": 1, "b": [None]}
    show(TEXT, {"a": 1}, *blocks)
    out = capsys.readouterr().out
    assert out.startswith("plain [not markup]\nbold [x]\n") and "ok" in out and "part" in out
    assert "\x1b[" not in out and "{" not in out


def _pending(job_id: int, namespace: str | None = None) -> PendingJob:
    return PendingJob(job_id=job_id, namespace=namespace, pending_reason=PendingReason.CONSTRAINT_CHARGING,
                      periodic=False, interval_ms=0, flex_ms=0, min_latency_ms=0, override_deadline_ms=0,
                      persisted=True, expedited=None, user_initiated=False, prefetch=None, priority=Priority.HIGH,
                      requires_network=False, estimated_download_bytes=None, estimated_upload_bytes=None)


def _stop_events(job_id: int, reason: StopReason) -> list[JobEvent]:
    return [JobEvent(1, 10, 1000, EventKind.STARTED, job_id, None),
            JobEvent(2, 20, 2000, EventKind.STOPPED, job_id, None, {"stop_reason": int(reason)})]


class OverviewSession:
    def __init__(self) -> None:
        self.device = SimpleNamespace(api_level=34, shell=lambda argv: SimpleNamespace(text=""))
        self.helper = SimpleNamespace(read_journal=lambda: SimpleNamespace(events=_stop_events(5, StopReason.USER)))
        self.asked: list[tuple[str | None, bool]] = []

    def pending(self, namespace: str | None = None, all_namespaces: bool = False) -> tuple[PendingJob, ...]:
        self.asked.append((namespace, all_namespaces))
        return (_pending(5), _pending(6, "ns"))

    def job(self, job_id: int, namespace: str | None = None) -> Any:
        return SimpleNamespace(state=lambda: JobState(pending=True, ready=job_id == 5,
                                                      other_tokens=frozenset({"zz-new"})))


def test_the_jobs_overview_joins_pending_state_dump_and_journal() -> None:
    session = OverviewSession()
    overview = jobs_overview(session, None)  # type: ignore[arg-type]
    assert session.asked == [(None, True)]
    first, second = overview
    assert isinstance(first, JobOverview) and first.state == ("pending", "ready", "zz-new")
    assert first.last_stop_reason is StopReason.USER and second.last_stop_reason is None
    assert first.to_json_object() == {
        "job_id": 5, "namespace": None, "state": ["pending", "ready", "zz-new"], "required_constraints": [],
        "unsatisfied_constraints": [], "standby_bucket": None, "pending_reason": "CONSTRAINT_CHARGING",
        "last_stop_reason": "USER", "last_stop_reason_code": int(StopReason.USER), "periodic": False,
        "persisted": True, "expedited": None, "user_initiated": False, "priority": int(Priority.HIGH)}
    with pytest.raises(AttributeError):
        first.job_id = 7  # type: ignore[misc]


def test_ordered_tokens_follow_the_platform_order_then_new_ones_sorted() -> None:
    assert ordered_tokens(frozenset({"waiting", "b-new", "pending", "a-new"})) == ("pending", "waiting", "a-new",
                                                                                   "b-new")


class TimelineSession:
    """Two condition reads (battery 50 then 42) and one event, on a clock the test drives."""

    def __init__(self, now: Callable[[], float], advance: Callable[[float], None]) -> None:
        self._levels = iter([50, 42, 42, 42, 42])
        self._events = [JobEvent(7, 1, 1_700_000_000_000, EventKind.SCHEDULED, 3, None)]
        self._advance = advance
        self.conditions = SimpleNamespace(read=self._read)
        self.events = SimpleNamespace(get=lambda timeout: None, notices_since=lambda cursor: ((), cursor))
        self.log = self

    def _read(self, packages: list[str]) -> Any:
        level = next(self._levels)
        return SimpleNamespace(to_json_object=lambda package: {"battery_level": level, "charging": True})

    def __len__(self) -> int:
        return 0

    def get(self, index: int, timeout: float) -> JobEvent | None:
        if index < len(self._events):
            return self._events[index]
        self._advance(timeout)  # what waiting for the next event costs
        return None


def test_the_watch_timeline_is_the_conditions_then_events_and_changes_until_its_duration() -> None:
    clock = [0.0]

    def advance(seconds: float) -> None:
        clock[0] += seconds

    session = TimelineSession(lambda: clock[0], advance)
    entries = list(watch_timeline(session, "dev.jobctl.helper", duration_s=2.5, poll_s=1.0,  # type: ignore[arg-type]
                                  clock=lambda: clock[0]))
    first, event, *rest = entries
    assert isinstance(first, ConditionsRead) and first.conditions == {"battery_level": 50, "charging": True}
    assert first.to_json_object()["type"] == "conditions" and first.to_json_object()["battery_level"] == 50
    assert isinstance(event, EventSeen) and event.to_json_object() == {
        "type": "event", "at": "2023-11-14T22:13:20+00:00", **event.event.to_json_object()}
    assert rest == [ConditionChanged(rest[0].at, "battery_level", 50, 42, first.at)]  # type: ignore[union-attr]
    assert rest[0].to_json_object() == {"type": "condition", "at": rest[0].at.isoformat(),  # type: ignore[union-attr]
                                        "name": "battery_level", "old": 50, "new": 42,
                                        "after": first.at.isoformat(), "explains_seq": None}
    assert clock[0] == pytest.approx(2.5)
    assert first.at <= datetime.now(UTC)
