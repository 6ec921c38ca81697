"""`why` on jobs held by the app's state (quota, NEVER bucket) and on jobs that are gone
(finished, stopped by the user, cancelled, force-stopped), on the virtual device; every
suggested command is run as printed and shown to unblock the job (issue 13 item 3)."""

from __future__ import annotations

import time

from bridge.diagnosis import BlockerKind, OutcomeKind, diagnose
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.model import JobSpec, StopReason
from bridge.model.script import Hold, JobScript
from tests.bridge.test_why_time_and_state import fast, only, run_as_printed

__all__ = ["fast"]  # the fixture, shared

HOLD = JobScript(steps=(Hold(),))


def test_quota_exhausted_in_the_restricted_bucket_names_use_refill_and_reset(fast) -> None:  # type: ignore[no-untyped-def]
    session, env = fast
    burner = session.schedule(JobSpec(41, script=HOLD))
    burner.run(force=True)
    assert burner.wait_stopped(60).stop_reason is StopReason.TIMEOUT  # 10 virtual minutes of execution
    session.conditions.set_standby_bucket(HELPER_PACKAGE, "restricted")
    job = session.schedule(JobSpec(42, script=HOLD))
    diagnosis = diagnose(session, 42)
    assert "WITHIN_QUOTA" in diagnosis.unsatisfied_constraints
    quota = diagnosis.quota
    assert quota is not None and quota.bucket == "RESTRICTED" and not quota.within_quota
    assert quota.used_ms == quota.allowed_ms == 600_000 and quota.window_ms == 86_400_000
    assert quota.refills_in_ms is not None and 23 * 3_600_000 < quota.refills_in_ms <= 24 * 3_600_000
    blocker = only(diagnosis, BlockerKind.QUOTA)
    assert "out of execution quota in the RESTRICTED bucket" in blocker.reason
    assert "used 10m00s of its 10m00s per 1d00h00m00s" in blocker.reason and "refills in 23h" in blocker.reason
    assert blocker.command == f"adb shell cmd jobscheduler reset-execution-quota -u 0 {HELPER_PACKAGE}"
    run_as_printed(env, blocker.command)
    after = diagnose(session, 42)
    assert "WITHIN_QUOTA" not in after.unsatisfied_constraints and after.quota is not None and after.quota.within_quota
    assert BlockerKind.QUOTA not in [b.kind for b in after.blockers]
    for rest in after.blockers:  # the RESTRICTED bucket's own gates: its dynamic constraints
        run_as_printed(env, rest.command)
    job.wait_started(60)


def test_never_launched_app_in_the_never_bucket(fast) -> None:  # type: ignore[no-untyped-def]
    session, env = fast
    session.conditions.set_standby_bucket(HELPER_PACKAGE, "never")
    job = session.schedule(JobSpec(43, script=HOLD))
    diagnosis = diagnose(session, 43)
    blocker = only(diagnosis, BlockerKind.STANDBY_BUCKET)
    assert "NEVER standby bucket" in blocker.reason and diagnosis.quota is not None
    assert diagnosis.quota.bucket == "NEVER" and diagnosis.quota.remaining_ms == 0
    assert BlockerKind.QUOTA not in [b.kind for b in diagnosis.blockers]  # NEVER explains the quota already
    run_as_printed(env, blocker.command)
    job.wait_started(60)


def test_force_stopped_app_has_no_jobs_and_says_so(fast) -> None:  # type: ignore[no-untyped-def]
    session, env = fast
    session.schedule(JobSpec(44, min_latency_ms=3_600_000, script=HOLD))
    session.device.shell(["am", "force-stop", HELPER_PACKAGE], check=True)
    diagnosis = diagnose(session, 44)
    assert not diagnosis.exists and diagnosis.last_outcome is not None
    assert diagnosis.last_outcome.kind is OutcomeKind.FORCE_STOPPED
    (blocker,) = diagnosis.blockers
    assert "force-stopped, which cancels every job of the app" in blocker.reason
    assert blocker.command == "jobctl schedule 44"
    again = session.job(44)
    run_as_printed(env, blocker.command)
    again.wait_started(30)  # scheduled again, it runs


def test_a_finished_job_is_recognised_with_its_last_outcome(fast) -> None:  # type: ignore[no-untyped-def]
    session, env = fast
    job = session.schedule(JobSpec(45))  # no constraints, ACTIVE bucket: it runs, and the default script finishes
    assert job.wait_stopped(30).reschedule is False
    diagnosis = diagnose(session, 45)
    assert not diagnosis.exists and diagnosis.last_outcome is not None
    assert diagnosis.last_outcome.kind is OutcomeKind.FINISHED
    assert diagnosis.summary == "job 45 is not scheduled: it finished"
    assert "it finished" in diagnosis.blockers[0].reason
    again = session.job(45)
    run_as_printed(env, diagnosis.blockers[0].command)
    again.wait_started(30)  # scheduled again, it runs


def test_a_job_stopped_by_the_user_is_recognised(fast) -> None:  # type: ignore[no-untyped-def]
    session, env = fast
    job = session.schedule(JobSpec(46, script=HOLD))
    job.run(force=True)
    job.wait_started(30)
    job.stop(StopReason.USER)
    assert job.wait_stopped(30).stop_reason is StopReason.USER
    diagnosis = diagnose(session, 46)
    assert diagnosis.last_outcome is not None and diagnosis.last_outcome.kind is OutcomeKind.STOPPED_BY_USER
    assert "stopped (USER)" in diagnosis.last_outcome.detail
    assert not diagnosis.exists and "stopped by the user" in diagnosis.blockers[0].reason
    again = session.job(46)
    run_as_printed(env, diagnosis.blockers[0].command)
    again.wait_started(30)  # scheduled again, it runs


def test_a_cancelled_job_is_recognised(fast) -> None:  # type: ignore[no-untyped-def]
    session, env = fast
    job = session.schedule(JobSpec(47, min_latency_ms=3_600_000))
    job.cancel()
    deadline = time.monotonic() + 10
    diagnosis = diagnose(session, 47)
    while diagnosis.last_outcome is None and time.monotonic() < deadline:
        diagnosis = diagnose(session, 47)
    assert not diagnosis.exists and diagnosis.last_outcome is not None
    assert diagnosis.last_outcome.kind is OutcomeKind.CANCELLED
    assert diagnosis.summary == "job 47 is not scheduled: it was cancelled"
    again = session.job(47)
    run_as_printed(env, diagnosis.blockers[0].command)
    again.wait_started(30)  # scheduled again, it runs
