"""1,000 schedule attempts on one virtual device against the platform's per-app job limit.

AOSP ``JobSchedulerService.scheduleAsPackage`` throws
``IllegalStateException("Apps may not schedule more than 150 distinct jobs")`` when
``mJobs.countJobsForUid(uid) > MAX_JOBS_PER_APP`` (150 from Android 12), counted before the new
job is tracked and including the job a reschedule would replace; only the enqueue fast path
(same JobInfo, work added to the existing job) skips the check. So an app holds at most 151
jobs, a reschedule replaces instead of adding, and at 151 even a reschedule throws.
"""

from __future__ import annotations

from bridge.errors import HelperError, JobctlError
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.jobs import Session
from bridge.model import EventKind, JobSpec, RunEnd, WorkItem
from jobctl_sim.harness import SimHarness
from tests.load.conftest import (
    assert_consecutive,
    drain_stream_errors,
    journal_next_seq,
    kinds,
    wait_delivered,
)

LIMIT_TEXT = "Apps may not schedule more than 150 distinct jobs"
ILLEGAL_STATE = "java.lang.IllegalStateException"
AN_HOUR_LATER = 3_600_000
"""Every job waits an hour for its minimum latency: none runs (or leaves) during the test."""
HELD = 151
"""countJobsForUid > 150 is checked before adding: the 151st distinct job still fits."""


def _waiting(job_id: int) -> JobSpec:
    return JobSpec(job_id, min_latency_ms=AN_HOUR_LATER)


def test_a_thousand_schedule_attempts_hit_the_job_limit_as_the_platforms_error_and_the_session_survives(
        session: Session, sim: SimHarness) -> None:
    device = sim.devices[0]
    first_seq = journal_next_seq(session)
    # 100 new jobs, the same 100 again (each replaces itself), then new ids until 1,000 attempts.
    attempts = [*range(1, 101), *range(1, 101), *range(101, 901)]
    assert len(attempts) == 1000
    accepted: list[int] = []
    refused: list[tuple[int, HelperError]] = []
    for job_id in attempts:
        try:
            session.schedule(_waiting(job_id))
        except HelperError as error:
            refused.append((job_id, error))
        else:
            accepted.append(job_id)

    # Within the limit everything succeeded, and the 100 reschedules did not count twice.
    assert accepted == [*range(1, 101), *range(1, 101), *range(101, 101 + HELD - 100)]
    assert [job_id for job_id, _ in refused] == list(range(101 + HELD - 100, 901))
    assert len(refused) == 1000 - 200 - (HELD - 100)
    # Every refusal is the platform's exception, relayed typed and verbatim.
    assert {(e.code, e.java_type, e.message, e.details) for _, e in refused} == {
        ("platform_exception", ILLEGAL_STATE, LIMIT_TEXT, None)}
    assert all(isinstance(error, JobctlError) for _, error in refused)
    pending = session.pending()
    assert sorted(p.job_id for p in pending) == list(range(1, HELD + 1))
    # JobSchedulerService logged each refusal ("Too many jobs for uid N"), nothing else broke.
    uid = device.android.packages.get(HELPER_PACKAGE).uid
    warnings = [e for e in device.log.entries() if e.tag == "JobScheduler" and e.priority == "W"]
    assert [e.message for e in warnings] == [f"Too many jobs for uid {uid}"] * len(refused)
    assert device.counters.protocol_errors == 0

    # At the limit a reschedule of a held id is refused too; adding work with the same JobInfo is not.
    try:
        session.schedule(JobSpec(5, min_latency_ms=AN_HOUR_LATER, requires_charging=True))
    except HelperError as error:
        assert (error.java_type, error.message) == (ILLEGAL_STATE, LIMIT_TEXT)
    else:
        raise AssertionError("rescheduling job 5 with 151 jobs held was accepted")
    assert session.helper.enqueue(_waiting(5), [WorkItem("fast-path")]).enqueued == 1
    assert len(session.pending()) == HELD

    # Exactly one `scheduled` event per accepted attempt, one `enqueued`, and nothing for refusals.
    last_seq = journal_next_seq(session) - 1
    events = [e for e in wait_delivered(session, last_seq) if e.seq >= first_seq]
    assert_consecutive(events)
    assert [e.job_id for e in kinds(events, EventKind.SCHEDULED)] == accepted
    assert [(e.job_id, e.fields["count"]) for e in kinds(events, EventKind.ENQUEUED)] == [(5, 1)]
    assert not kinds(events, EventKind.STARTED, EventKind.STOPPED, EventKind.ERROR)
    assert drain_stream_errors(session) == []

    # The device and the session keep working: cancel everything, schedule again, run a job.
    session.helper.cancel_all()
    assert session.pending() == ()
    job = session.schedule(JobSpec(1000))  # the default script: no work, so dequeueWork() ends it
    run = job.wait_stopped(timeout=20)
    assert (run.job_id, run.end, run.finished_via) == (1000, RunEnd.FINISHED, "work_exhausted")
    assert session.pending() == ()
    again = session.schedule(_waiting(1))
    assert again.state().exists
