"""`why` reasons about time and state on the virtual device, and every command it suggests,
run as printed, unblocks the job (issue 13 item 3)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.diagnosis import BlockerKind, Diagnosis, diagnose
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.model import Backoff, BackoffPolicy, JobSpec, Periodic
from bridge.model.script import Finish, Hold, JobScript
from jobctl_sim.fleet import FleetSpec
from jobctl_sim.harness import SimHarness

BIN = Path(sys.executable).parent


@pytest.fixture
def fast(adb: PrivateAdbServer, tmp_path: Path) -> Iterator[tuple[object, dict[str, str]]]:
    """A session on a device whose clock runs 120x, and the environment a user's shell has."""
    from bridge.adb.server import bundled_adb_path
    from bridge.jobs import open_session

    harness = SimHarness(FleetSpec(speed=120)).start()
    try:
        harness.connect(adb.server)
        serial = harness.addresses[0]
        tools = tmp_path / "bin"
        tools.mkdir()
        (tools / "adb").symlink_to(bundled_adb_path())
        env = dict(adb.env, ANDROID_SERIAL=serial, PATH=f"{tools}{os.pathsep}{BIN}{os.pathsep}{os.environ['PATH']}",
                   JOBCTL_STATE_DIR=str(tmp_path / "state"), NO_COLOR="1")
        session = open_session(serial, adb.server)
        session.helper.leave_never_bucket()
        try:
            yield session, env
        finally:
            session.close()
    finally:
        harness.stop()


def run_as_printed(env: dict[str, str], command: str | None) -> None:
    assert command is not None
    result = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"$ {command}\n{result.stdout}\n{result.stderr}"


def only(diagnosis: Diagnosis, kind: BlockerKind):  # type: ignore[no-untyped-def]
    found = [b for b in diagnosis.blockers if b.kind is kind]
    assert found, diagnosis.to_json_object()
    return found[0]


def test_minimum_latency_pending_tells_the_time_left_and_a_forced_run_starts_it(fast) -> None:  # type: ignore[no-untyped-def]
    session, env = fast
    job = session.schedule(JobSpec(31, min_latency_ms=3_600_000, script=JobScript(steps=(Hold(),))))
    diagnosis = diagnose(session, 31)
    blocker = only(diagnosis, BlockerKind.WAITING_FOR_LATENCY)
    assert "minimum latency (1h00m00s)" in blocker.reason and "it may run in 5" in blocker.reason
    assert diagnosis.timing is not None and 3_000_000 < (diagnosis.timing.earliest_in_ms or 0) <= 3_600_000
    assert blocker.command == "jobctl run 31 --force"
    run_as_printed(env, blocker.command)
    job.wait_started(30)


def test_backoff_after_a_reschedule_names_policy_attempt_and_end(fast) -> None:  # type: ignore[no-untyped-def]
    session, env = fast
    job = session.schedule(JobSpec(32, backoff=Backoff(3_600_000, BackoffPolicy.LINEAR),
                                   script=JobScript(steps=(Finish(reschedule=True),))))
    job.run(force=True)
    assert job.wait_stopped(30).reschedule is True
    diagnosis = diagnose(session, 32)
    for _ in range(50):
        if diagnosis.timing is not None and diagnosis.timing.failures:
            break
        diagnosis = diagnose(session, 32)
    blocker = only(diagnosis, BlockerKind.BACKOFF)
    timing = diagnosis.timing
    assert timing is not None and timing.attempts >= 1
    assert f"linear policy, initial 1h00m00s, attempt {timing.attempts}" in blocker.reason
    # linear: initial x attempts, counted from the last reschedule
    assert (timing.attempts - 1) * 3_600_000 < (timing.earliest_in_ms or 0) <= timing.attempts * 3_600_000
    assert f"backoff ends in {timing.attempts - 1}h" in blocker.reason
    run_as_printed(env, blocker.command)
    job.wait_started(30)


def test_deadline_passed_says_overdue_and_what_still_holds_it(fast) -> None:  # type: ignore[no-untyped-def]
    session, env = fast
    session.conditions.set_background_restricted(HELPER_PACKAGE, True)
    job = session.schedule(JobSpec(33, requires_charging=True, override_deadline_ms=1_000,
                                   script=JobScript(steps=(Hold(),))))
    session.conditions.set_charging(False)
    diagnosis = diagnose(session, 33)
    for _ in range(50):
        if diagnosis.timing is not None and diagnosis.timing.deadline_passed:
            break
        diagnosis = diagnose(session, 33)
    assert any("deadline passed" in note and "overdue" in note for note in diagnosis.notes), diagnosis.notes
    assert [b.constraint for b in diagnosis.blockers if b.kind is BlockerKind.UNSATISFIED_CONSTRAINT] == []
    blocker = only(diagnosis, BlockerKind.BACKGROUND_RESTRICTED)
    run_as_printed(env, blocker.command)
    job.wait_started(30)


def test_periodic_job_waits_for_its_window(fast) -> None:  # type: ignore[no-untyped-def]
    session, env = fast
    job = session.schedule(JobSpec(34, periodic=Periodic(3_600_000, 900_000), script=JobScript(steps=(Hold(),))))
    diagnosis = diagnose(session, 34)
    assert diagnosis.timing is not None and diagnosis.timing.periodic and not diagnosis.running
    blocker = only(diagnosis, BlockerKind.PERIODIC_WINDOW)
    assert "every 1h00m00s, flex 15m00s" in blocker.reason and "opens in" in blocker.reason
    run_as_printed(env, blocker.command)
    job.wait_started(30)
