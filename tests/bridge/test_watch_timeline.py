"""The watch timeline's order and stamps, with a scripted session (no device): a condition change
seen before a stop it explains comes first and is stamped no later than the stop; a change that
does not explain the event comes after it; ``job_id`` filters; the live board follows the events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bridge.model import EventKind, JobEvent, StopReason
from bridge.watch_timeline import ConditionChanged, ConditionsRead, EventSeen, next_board, watch_timeline

BASE = {"battery_level": 100, "plugged": True, "charging": True, "battery_not_low": True, "storage_not_low": True,
        "wifi_enabled": True, "wifi_ssid": "AndroidWifi", "wifi_metered": "none", "cellular_enabled": True,
        "airplane_mode": False, "screen_on": True, "deep_idle_state": "ACTIVE", "dozing": False,
        "doze_forced": False, "battery_saver": False,
        "app": {"package": "p.q", "standby_bucket": "ACTIVE", "background_mode": "default",
                "background_restricted": False}}


@dataclass
class _State:
    document: dict[str, Any]

    def to_json_object(self, package: str) -> dict[str, Any]:
        return self.document


@dataclass
class _Conditions:
    reads: Iterator[dict[str, Any]]

    def read(self, packages: list[str]) -> _State:
        return _State(next(self.reads))


@dataclass
class _Log:
    events: list[JobEvent]

    def __len__(self) -> int:
        return 0

    def get(self, index: int, timeout: float) -> JobEvent | None:
        return self.events[index] if index < len(self.events) else None


class _Events:
    def get(self, timeout: float) -> None:
        return None

    def notices_since(self, cursor: int) -> tuple[tuple[object, ...], int]:
        return (), cursor


@dataclass
class _Session:
    conditions: _Conditions
    log: _Log
    events: _Events = field(default_factory=_Events)


def _event(seq: int, kind: EventKind, wall_ms: int, job_id: int = 3, **fields: Any) -> JobEvent:
    return JobEvent(seq, wall_ms, wall_ms, kind, job_id, None, fields)


def _timeline(events: list[JobEvent], reads: list[dict[str, Any]], **options: Any) -> list[Any]:
    session = _Session(_Conditions(iter(reads)), _Log(events))
    ticks = iter(range(0, 100_000))
    return list(watch_timeline(session, "p.q", duration_s=1.0, poll_s=1000,  # type: ignore[arg-type]
                               clock=lambda: next(ticks) / 1000, wall=lambda: 1_000_000.2, **options))


def test_an_unplug_comes_before_the_stop_it_caused_and_is_stamped_no_later() -> None:
    unplugged = {**BASE, "plugged": False, "charging": False, "battery_level": 99}
    stop = _event(4, EventKind.STOPPED, 1_000_000_500, stop_reason=int(StopReason.CONSTRAINT_CHARGING),
                  reschedule=False)
    entries = _timeline([stop], [BASE, unplugged])
    assert isinstance(entries[0], ConditionsRead) and entries[0].conditions["network"] == "wifi"
    kinds = [(type(e).__name__, getattr(e, "name", None)) for e in entries[1:]]
    assert kinds == [("ConditionChanged", "plugged"), ("ConditionChanged", "charging"), ("EventSeen", None),
                     ("ConditionChanged", "battery_level")]
    causes = [e for e in entries if isinstance(e, ConditionChanged) and e.explains == 4]
    assert {e.name for e in causes} == {"plugged", "charging"}
    assert all(e.at <= stop.wall_time and e.after is not None and e.after <= e.at for e in causes)


def test_job_filter_keeps_only_that_job_and_the_board_follows() -> None:
    events = [_event(1, EventKind.SCHEDULED, 1, job_id=3), _event(2, EventKind.SCHEDULED, 2, job_id=9),
              _event(3, EventKind.STARTED, 3, job_id=3, network=None)]
    entries = _timeline(events, [BASE, BASE])
    seen = [e.event.job_id for e in entries if isinstance(e, EventSeen)]
    assert seen == [3, 9, 3]
    filtered = _timeline(events, [BASE, BASE], job_id=3)
    assert [e.event.job_id for e in filtered if isinstance(e, EventSeen)] == [3, 3]
    board: Any = {}
    for entry in entries:
        board = next_board(board, entry)
    assert board[(None, 3)].state == "running" and board[(None, 3)].runs == 1 and board[(None, 9)].state == "scheduled"
