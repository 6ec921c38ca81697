"""Each ``jobctl`` command does only the round trips its answer needs (issue 16): reading a job's
state, running or stopping it opens no event stream (no ``logcat`` on the device) and asks the
helper nothing (no ``am broadcast`` ``info``, no journal read); and ``open_session()`` opens
nothing until it is used. A command that skips the event stream still reports a device that
vanished mid-call exactly as before.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.helper import Helper
from bridge.jobs import open_session
from bridge.model import EventKind, Hold, JobScript, JobSpec
from jobctl_sim.faults import CommandFault, FaultAction
from jobctl_sim.harness import SimHarness

HOUR_MS = 3_600_000


def jobctl(adb: PrivateAdbServer, serial: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", "-P", str(adb.port), "-s", serial, *args],
                          capture_output=True, text=True, timeout=120, env=adb.env, check=False)


def executed_since(sim: SimHarness, start: int) -> list[tuple[str, ...]]:
    return sim.run(lambda: list(sim.devices[0].executed)[start:])


def executed_count(sim: SimHarness) -> int:
    return sim.run(lambda: len(sim.devices[0].executed))


def streams_opened(sim: SimHarness) -> int:
    return sim.run(lambda: sim.devices[0].counters.streams_opened)


def event_or_helper_reads(argvs: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The commands a read-only or JobScheduler-only command has no need for."""
    return [argv for argv in argvs if argv[:1] in (("logcat",), ("run-as",)) or argv[:2] == ("am", "broadcast")]


@pytest.fixture
def job_7(adb: PrivateAdbServer, serial: str) -> Iterator[int]:
    helper = Helper(connect(serial, adb.server))
    helper.leave_never_bucket()  # where a forced run starts at once
    helper.schedule(JobSpec(7, min_latency_ms=HOUR_MS, script=JobScript((Hold(),))))
    try:
        yield 7
    finally:
        helper.cancel_all()


@pytest.mark.parametrize("command", [("state", "7"), ("run", "7"), ("stop", "7")])
def test_state_run_and_stop_are_one_device_round_trip_with_no_event_stream_and_no_helper_call(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, job_7: int, command: tuple[str, ...]) -> None:
    if command[0] == "stop":
        with open_session(serial, adb.server) as session:
            session.job(7).run()
            session.job(7).wait_started(20)
    start, streams = executed_count(sim), streams_opened(sim)
    result = jobctl(adb, serial, *command)
    assert result.returncode == 0, result.stderr
    ran = executed_since(sim, start)
    assert event_or_helper_reads(ran) == []
    assert [argv[:3] for argv in ran] == [("cmd", "jobscheduler", {"state": "get-job-state"}.get(command[0],
                                                                                             command[0]))]
    assert streams_opened(sim) - streams == 1


def test_cancel_asks_the_helper_but_opens_no_event_stream(adb: PrivateAdbServer, serial: str, sim: SimHarness,
                                                           job_7: int) -> None:
    start = executed_count(sim)
    result = jobctl(adb, serial, "cancel", "7")
    assert result.returncode == 0, result.stderr
    ran = executed_since(sim, start)
    assert not [argv for argv in ran if argv[:1] in (("logcat",), ("run-as",))]
    assert Helper(connect(serial, adb.server)).pending() == ()


def test_schedule_is_the_helper_check_and_the_schedule_broadcast_with_no_api_level_getprop(
        adb: PrivateAdbServer, serial: str, sim: SimHarness) -> None:
    start, streams = executed_count(sim), streams_opened(sim)
    result = jobctl(adb, serial, "schedule", "8", "--requires-charging")
    assert result.returncode == 0, result.stderr
    ran = executed_since(sim, start)
    assert not [argv for argv in ran if argv[:1] == ("getprop",)]  # `info` carries the device's level
    assert [argv[:2] for argv in ran if argv[:1] == ("am",)] == [("am", "broadcast")] * 2  # info, schedule
    assert streams_opened(sim) - streams == 2
    assert Helper(connect(serial, adb.server)).pending()[0].job_id == 8


def test_opening_a_session_touches_nothing_until_it_is_used(adb: PrivateAdbServer, serial: str,
                                                            sim: SimHarness) -> None:
    streams = streams_opened(sim)
    with open_session(serial, adb.server) as session:
        assert streams_opened(sim) == streams  # no info, no logcat, no capability probe
        assert session.job(5).state().exists is False
        assert streams_opened(sim) == streams + 1


def test_a_lazy_session_still_sees_the_start_of_a_job_it_ran_before_reading_events(
        adb: PrivateAdbServer, serial: str, sim: SimHarness) -> None:
    Helper(connect(serial, adb.server)).leave_never_bucket()  # where a forced run starts at once
    with open_session(serial, adb.server) as session:
        job = session.schedule(JobSpec(9, min_latency_ms=HOUR_MS))
        job.run()  # before anything read an event: the session must not miss what this starts
        assert job.wait_started(20).kind is EventKind.STARTED
        session.helper.cancel_all()


def test_a_run_whose_device_vanishes_mid_call_reports_an_unknown_outcome_as_before(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, job_7: int) -> None:
    sim.run(lambda: sim.devices[0].faults.arm(CommandFault(FaultAction.DROP_AFTER, "jobscheduler run")))
    result = jobctl(adb, serial, "run", "7")
    assert result.returncode == 6  # DEVICE_UNAVAILABLE, as before
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"jobctl: error: {serial}: connection lost during `cmd jobscheduler run -f -u 0 dev.jobctl.helper 7` "
        "(no exit status); it may or may not have taken effect and was not repeated because repeating it is "
        "not safe"]


def test_a_state_read_whose_connection_vanishes_mid_call_is_read_again(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, job_7: int) -> None:
    sim.run(lambda: sim.devices[0].faults.arm(CommandFault(FaultAction.DROP_AFTER, "get-job-state")))
    result = jobctl(adb, serial, "state", "7")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["waiting"]
