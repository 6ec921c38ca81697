"""A long-lived Session keeps a bounded event history, and its waits cost the same however
long it has run (issue 17 item 5: +1.8 MB/min and 1,049 -> 133 cycles per 30 s before).

The history (``bridge.event_log.EventLog``) holds the last N events; events a live ``Job``
handle may still wait for are kept beside it; ``wait_stopped`` rebuilds only the run it waited
for instead of every run of the session.
"""

from __future__ import annotations

import gc

import pytest

import bridge.jobs
from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.errors import WaitTimeoutError
from bridge.event_log import EventLog, EventsForgottenError
from bridge.jobs import Session
from bridge.model import EventKind, Hold, JobEvent, JobScript, JobSpec

HOLD = JobScript(steps=(Hold(),), on_stop_reschedule=False)


def event(seq: int, kind: EventKind = EventKind.SCHEDULED, job_id: int | None = 1) -> JobEvent:
    return JobEvent(seq=seq, elapsed_ms=seq, wall_ms=seq, kind=kind, job_id=job_id)


def test_the_history_holds_only_the_last_events_but_indexes_keep_counting() -> None:
    log = EventLog(limit=100)
    for seq in range(1, 1001):
        log.append(event(seq, job_id=seq % 7))
    assert len(log) == 1000  # delivered, not held
    held = log.snapshot()
    assert 100 <= len(held) <= 100 + 100 // 8 and held[-1].seq == 1000
    assert log.first_index == 1000 - len(held)
    assert log.get(999, timeout=0) is held[-1]
    with pytest.raises(EventsForgottenError, match="no longer in the session's history"):
        log.get(3, timeout=0)
    assert log.since(995) == held[-5:]
    # a wait from index 0 looks at what is held, it does not fail
    assert log.wait_for(lambda e: True, 0, start=0) is held[0]


def test_a_pinned_jobs_events_outlive_the_history_until_unpinned() -> None:
    log = EventLog(limit=10)
    pin = log.pin((None, 42), since=0)
    log.append(event(1, EventKind.STARTED, job_id=42))
    for seq in range(2, 200):
        log.append(event(seq, job_id=1))
    index, found = log.wait_for_index(lambda e: e.job_id == 42, 0, start=0, key=(None, 42))
    assert (index, found.seq) == (0, 1)
    assert [e.seq for e in log.job_history((None, 42))] == [1]
    with pytest.raises(WaitTimeoutError):
        log.wait_for(lambda e: e.job_id == 42, 0, start=0)  # without the key: only what is held
    log.unpin(pin)
    assert log.job_history((None, 42)) == []


def test_wait_started_on_an_old_handle_finds_its_start_after_the_history_moved_on(
        adb: PrivateAdbServer, serial: str) -> None:
    with Session(connect(serial, adb.server), history_limit=8) as session:
        session.helper.leave_never_bucket()
        early = session.schedule(JobSpec(7, script=HOLD))
        early.run()
        session.log.wait_for(lambda e: e.kind is EventKind.STARTED and e.job_id == 7, 20)
        for n in range(6):  # 4 events each: the start of job 7 leaves the 8-event history
            cycle(session, 100 + n)
        assert len(session.log.snapshot()) <= 9 and len(session.log) >= 25
        assert early.wait_started().job_id == 7
        early.stop()
        run = early.wait_stopped()
        assert run.job_id == 7 and run.end_seq is not None


def cycle(session: Session, job_id: int) -> None:
    job = session.schedule(JobSpec(job_id, script=HOLD))
    job.run()
    job.wait_started()
    job.stop()
    job.wait_stopped()
    job.cancel()


def test_a_soak_keeps_the_history_flat_and_wait_stopped_reads_only_its_run(
        adb: PrivateAdbServer, serial: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import bridge.model

    sizes: list[int] = []
    real = bridge.model.runs_from_events

    def measured(events):  # type: ignore[no-untyped-def]
        events = list(events)
        sizes.append(len(events))
        return real(events)

    monkeypatch.setattr(bridge.model, "runs_from_events", measured)
    with Session(connect(serial, adb.server), history_limit=40) as session:
        session.helper.leave_never_bucket()
        for _ in range(30):
            cycle(session, 300)
        gc.collect()
        assert len(session.log) >= 116  # 4 events per cycle were delivered (the last may be on its way) ...
        assert len(session.log.snapshot()) <= 45  # ... the history holds the last 40 (+ a trim batch)
        assert session.log._kept == {}  # no live handle: nothing kept beside the history
    assert len(sizes) == 30 and max(sizes) <= 4  # each wait_stopped rebuilt one run, not the session's


def test_the_session_default_history_limit_is_documented() -> None:
    assert bridge.jobs.EVENT_HISTORY_LIMIT == 10_000
