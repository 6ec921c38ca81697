"""What CTS JobScheduler verifies (aosp-shell-interface.md §6), with jobctl's own API: each lost
constraint stops a running job with its own public stop reason, and the other ways a job ends.

These run through the real adb server on the plugin's device: the virtual device by default, a
phone or emulator with ``--jobctl-serial``."""

from __future__ import annotations

import pytest

from bridge.helper_protocol import HELPER_PACKAGE
from bridge.jobs import Session
from bridge.model import EventKind, JobSpec, NetworkType, StopReason, WorkItem
from bridge.model.script import Hold, ItemScript, JobScript, Work

HOLD = JobScript(steps=(Hold(),))
"""Run until the system stops the job."""


@pytest.fixture
def session(jobctl_session: Session) -> Session:
    """The plugin's session (virtual device, or --jobctl-serial), with the helper out of NEVER."""
    jobctl_session.helper.leave_never_bucket()
    return jobctl_session


def _run_then_lose(session: Session, spec: JobSpec, lose) -> StopReason | int | None:  # type: ignore[no-untyped-def]
    job = session.schedule(spec)
    job.wait_started(20)
    lose()
    return job.wait_stopped(20).stop_reason


def test_unplugging_stops_charging_job_with_reason_6(session: Session) -> None:
    session.conditions.set_charging(True)
    reason = _run_then_lose(session, JobSpec(1, requires_charging=True, script=HOLD),
                            lambda: session.conditions.set_charging(False))
    assert reason is StopReason.CONSTRAINT_CHARGING


def test_low_battery_stops_battery_not_low_job_with_reason_5(session: Session) -> None:
    session.conditions.set_battery_low(False)
    reason = _run_then_lose(session, JobSpec(2, requires_battery_not_low=True, script=HOLD),
                            lambda: session.conditions.set_battery_low(True))
    assert reason is StopReason.CONSTRAINT_BATTERY_NOT_LOW


def test_losing_the_network_stops_a_network_job_with_reason_7(session: Session) -> None:
    session.conditions.set_wifi(True)

    def lose() -> None:
        session.conditions.set_wifi(False)
        session.conditions.set_cellular(False)

    reason = _run_then_lose(session, JobSpec(3, network_type=NetworkType.ANY, script=HOLD), lose)
    assert reason is StopReason.CONSTRAINT_CONNECTIVITY


def test_leaving_idle_stops_an_idle_job_with_reason_8(session: Session) -> None:
    session.conditions.set_idle(True)
    reason = _run_then_lose(session, JobSpec(4, requires_device_idle=True, script=HOLD),
                            lambda: session.conditions.set_idle(False))
    assert reason is StopReason.CONSTRAINT_DEVICE_IDLE


def test_low_storage_stops_a_storage_job_with_reason_9(session: Session) -> None:
    reason = _run_then_lose(session, JobSpec(5, requires_storage_not_low=True, script=HOLD),
                            lambda: session.conditions.set_storage_low(True))
    assert reason is StopReason.CONSTRAINT_STORAGE_NOT_LOW


def test_background_restriction_stops_a_job_with_reason_11(session: Session) -> None:
    reason = _run_then_lose(session, JobSpec(6, script=HOLD),
                            lambda: session.conditions.set_background_restricted(HELPER_PACKAGE, True))
    assert reason is StopReason.BACKGROUND_RESTRICTION


def test_scheduling_the_same_id_again_stops_the_running_job_as_cancelled_by_app(session: Session) -> None:
    reason = _run_then_lose(session, JobSpec(7, script=HOLD),
                            lambda: session.helper.schedule(JobSpec(7, requires_charging=True, script=HOLD)))
    assert reason is StopReason.CANCELLED_BY_APP


def test_cmd_jobscheduler_timeout_stops_a_job_with_reason_3(session: Session) -> None:
    job = session.schedule(JobSpec(8, script=HOLD))
    job.wait_started(20)
    job.timeout()
    assert job.wait_stopped(20).stop_reason is StopReason.TIMEOUT


def test_force_stop_cancels_the_apps_jobs(session: Session) -> None:
    job = session.schedule(JobSpec(9, requires_charging=True, script=HOLD))
    assert job.state().exists
    session.device.shell(["am", "force-stop", HELPER_PACKAGE], check=True)
    assert not job.state().exists
    assert all(p.job_id != 9 for p in session.pending())


def test_an_incomplete_work_item_is_redelivered_with_delivery_count_2_after_a_stop(session: Session) -> None:
    session.conditions.set_charging(True)
    spec = JobSpec(11, requires_charging=True, script=JobScript(steps=(Work(), Hold()), on_stop_reschedule=True))
    job = session.enqueue(spec, [WorkItem("a", script=ItemScript(complete=False))])
    first = job.wait_until(lambda e: e.kind is EventKind.WORK_DEQUEUED, 20, "first delivery")
    assert first.fields["delivery_count"] == 1
    session.conditions.set_charging(False)
    job.wait_until(lambda e: e.kind is EventKind.STOPPED, 20, "stop")
    session.conditions.set_charging(True)
    again = job.wait_until(lambda e: e.kind is EventKind.WORK_DEQUEUED and e.seq > first.seq, 30, "redelivery")
    assert (again.fields["tag"], again.fields["delivery_count"]) == ("a", 2)


@pytest.mark.jobctl_min_api(34)
def test_a_user_initiated_job_is_scheduled_through_the_activity_and_runs_as_one(session: Session) -> None:
    from bridge.errors import HelperError
    from bridge.helper_protocol import schedule_request

    spec = JobSpec(14, user_initiated=True, network_type=NetworkType.ANY, script=HOLD)
    with pytest.raises(HelperError, match="schedule_failed"):  # a broadcast does not make the app TOP
        session.helper.call(schedule_request(spec))
    job = session.schedule(spec)
    started = job.wait_started(20)
    assert started.fields["user_initiated"] is True
    job.stop(StopReason.USER)
    assert job.wait_stopped(20).stop_reason is StopReason.USER
