"""An example of testing JobScheduler behaviour with jobctl's pytest plugin.

Runs on a throw-away virtual device by default:

    pytest examples/

and on a phone or emulator unchanged:

    pytest examples/ --jobctl-serial emulator-5554
"""

from __future__ import annotations

import pytest

from bridge.jobs import Session
from bridge.model import EventKind, JobSpec, StopReason, WorkItem
from bridge.model.script import Hold, ItemScript, JobScript, Transfer, Work


def test_unplugging_stops_a_charging_job_with_constraint_charging(jobctl_session: Session) -> None:
    jobctl_session.helper.leave_never_bucket()
    jobctl_session.conditions.set_charging(True)  # restored after the test
    job = jobctl_session.schedule(JobSpec(100, requires_charging=True, script=JobScript(steps=(Hold(),))))
    job.wait_started(timeout=30)
    jobctl_session.conditions.set_charging(False)
    run = job.wait_stopped(timeout=30)
    assert run.stop_reason is StopReason.CONSTRAINT_CHARGING


def test_work_items_report_their_transferred_bytes(jobctl_session: Session) -> None:
    jobctl_session.helper.leave_never_bucket()
    items = [WorkItem(f"item-{n}", script=ItemScript(steps=(Transfer(down=1000, up=10),))) for n in range(3)]
    job = jobctl_session.enqueue(JobSpec(101, script=JobScript(steps=(Work(),))), items)
    run = job.wait_stopped(timeout=30)
    assert [w.tag for w in run.work] == ["item-0", "item-1", "item-2"]
    completed = [e for e in job.events() if e.kind is EventKind.WORK_COMPLETED]
    assert len(completed) == 3


@pytest.mark.jobctl_min_api(34)
def test_stop_with_a_reason_reaches_on_stop_job(jobctl_session: Session) -> None:
    jobctl_session.helper.leave_never_bucket()
    job = jobctl_session.schedule(JobSpec(102, script=JobScript(steps=(Hold(),))))
    job.wait_started(timeout=30)
    job.stop(StopReason.USER)
    assert job.wait_stopped(timeout=30).stop_reason is StopReason.USER


@pytest.mark.real_device
def test_only_meaningful_on_hardware(jobctl_device) -> None:  # type: ignore[no-untyped-def]
    assert jobctl_device.getprop("ro.jobctl.virtual") != "1"
