"""Scenarios about the virtual device's own lifecycle (a fresh boot, a reboot), through the
real adb server: facts of a phone's boot that the virtual device must reproduce."""

from __future__ import annotations

import pytest

from bridge.errors import WaitTimeoutError
from bridge.jobs import Session
from bridge.model import EventKind, JobSpec
from bridge.model.script import Hold, JobScript

HOLD = JobScript(steps=(Hold(),))


def test_a_never_launched_apps_job_waits_until_its_bucket_is_set(adb, serial) -> None:  # type: ignore[no-untyped-def]
    from bridge.jobs import open_session

    with open_session(serial, adb.server) as fresh:  # a fresh boot: the helper is still in NEVER
        job = fresh.schedule(JobSpec(10, script=HOLD))
        with pytest.raises(WaitTimeoutError):
            job.wait_started(1.5)
        assert job.state().waiting
        fresh.helper.leave_never_bucket()
        assert job.wait_started(20).kind is EventKind.STARTED


def test_persisted_jobs_survive_a_reboot_and_others_do_not(session: Session, adb, serial) -> None:  # type: ignore[no-untyped-def]
    import time

    from bridge.device import list_devices

    session.schedule(JobSpec(12, requires_charging=True, persisted=True, script=HOLD))
    session.schedule(JobSpec(13, requires_charging=True, script=HOLD))
    assert {p.job_id for p in session.pending()} >= {12, 13}
    assert adb.adb("-s", serial, "reboot").returncode == 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        states = {d.serial: d.state for d in list_devices(adb.server)}
        if states.get(serial) == "device":
            try:
                pending = {p.job_id for p in session.pending()}
                break
            except Exception:  # the device is still booting
                pass
        time.sleep(0.2)
    else:
        pytest.fail("the device did not come back from the reboot")
    assert 12 in pending and 13 not in pending


def test_running_past_the_execution_limit_stops_the_job_with_timeout(adb) -> None:  # type: ignore[no-untyped-def]
    from bridge.device import connect
    from bridge.model import StopReason
    from jobctl_sim.harness import SimHarness
    from jobctl_sim.fleet import FleetSpec

    # A virtual 10 minutes in one real second.
    with SimHarness(FleetSpec(speed=600)) as fast, Session(connect(fast.connect(adb.server)[0], adb.server)) as session:
        session.helper.leave_never_bucket()
        job = session.schedule(JobSpec(20, script=HOLD))
        started = job.wait_started(20)
        run = job.wait_stopped(30)
    assert run.stop_reason is StopReason.TIMEOUT
    assert run.end_elapsed_ms is not None
    assert 10 * 60_000 <= run.end_elapsed_ms - started.elapsed_ms < 11 * 60_000
