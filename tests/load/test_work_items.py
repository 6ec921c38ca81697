"""10,000 work items through one job: enqueued through the helper's inbox, each dequeued and
completed exactly once, and every event reaching the host's live stream in order.

The 20,000-odd events outnumber both the device's logcat buffer (16,384 entries) and one
journal segment (10,000 events, PROTOCOL.md §5.3): the live stream has to keep up, or the
journal rotates events away before the host can fill the gap.
"""

from __future__ import annotations

from collections import Counter

from bridge.helper_protocol import HELPER_PACKAGE
from bridge.jobs import Session
from bridge.model import EventKind, JobSpec, RunEnd, WorkItem, WorkOutcome
from jobctl_sim.harness import SimHarness
from tests.load.conftest import (
    assert_consecutive,
    drain_stream_errors,
    journal_next_seq,
    kinds,
    wait_delivered,
)

ITEMS = 10_000
JOB_ID = 77


def test_ten_thousand_work_items_through_one_job_are_each_delivered_and_completed_exactly_once(
        session: Session, sim: SimHarness) -> None:
    device = sim.devices[0]
    tags = [f"item-{n:05d}" for n in range(ITEMS)]
    session.conditions.set_charging(False)  # hold the job back until every item is queued
    first_seq = journal_next_seq(session)
    executed_before = len(device.executed)
    spec = JobSpec(JOB_ID, requires_charging=True)

    job = session.enqueue(spec, [WorkItem(tag) for tag in tags])

    # The request went through the app's inbox (run-as … cat > files/inbox/…), then one broadcast
    # naming the file (PROTOCOL.md §2.3).
    ran = list(device.executed)[executed_before:]
    inbox_writes = [argv for argv in ran if argv[:1] == ("run-as",) and "files/inbox" in " ".join(argv)]
    broadcasts = [argv for argv in ran if argv[:2] == ("am", "broadcast")]
    assert len(inbox_writes) == 1 and len(broadcasts) == 1 and "req_file" in broadcasts[0]
    pending = [p for p in session.pending() if p.job_id == JOB_ID]
    assert len(pending) == 1 and job.state().exists
    uid = device.android.packages.get(HELPER_PACKAGE).uid
    assert len(device.android.jobs.jobs[(uid, None, JOB_ID)].work.pending) == ITEMS  # JobScheduler holds them all

    session.conditions.set_charging(True)
    run = job.wait_stopped(timeout=60)

    # The job dequeued every item once, completed each, and ended because the queue ran dry.
    assert (run.end, run.finished_via, run.reschedule) == (RunEnd.FINISHED, "work_exhausted", False)
    assert [w.tag for w in run.work] == tags
    assert {(w.delivery_count, w.outcome) for w in run.work} == {(1, WorkOutcome.COMPLETED)}
    assert session.pending() == ()

    # Every event the helper journaled reached the live stream, in order, once.
    last_seq = journal_next_seq(session) - 1
    events = [e for e in wait_delivered(session, last_seq) if e.seq >= first_seq]
    assert_consecutive(events)
    assert (events[0].seq, events[-1].seq) == (first_seq, last_seq)
    assert drain_stream_errors(session) == []
    dequeued = Counter(e.fields["tag"] for e in kinds(events, EventKind.WORK_DEQUEUED))
    completed = Counter(e.fields["tag"] for e in kinds(events, EventKind.WORK_COMPLETED))
    assert dequeued == completed == Counter(tags)
    assert not kinds(events, EventKind.WORK_INCOMPLETE, EventKind.STOPPED, EventKind.ERROR)
    assert [e.fields["count"] for e in kinds(events, EventKind.ENQUEUED)] == [ITEMS]
    # The journal rotated during the run (one `dropped` marker); what it still holds matches
    # what the stream delivered, event for event.
    journal = session.helper.read_journal(first_seq)
    assert journal.dropped_before_seq is not None and journal.dropped_before_seq > first_seq
    delivered = {e.seq: e for e in events}
    assert all(delivered[e.seq] == e for e in journal.events)
    assert [e.seq for e in journal.events] == list(range(journal.dropped_before_seq, last_seq + 1))
