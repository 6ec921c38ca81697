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


# -- start-up: what a command imports (issue 16: CPU spent before and around the round trips) ----------------------

_MODULES_PROBE = ("import atexit, os, runpy, sys\n"
                  "def _dump():\n"
                  "    with open(os.environ['JOBCTL_TEST_MODULES'], 'w') as out:\n"
                  "        out.write('\\n'.join(sorted(sys.modules)))\n"
                  "atexit.register(_dump)\n"
                  "sys.argv = ['jobctl', *sys.argv[1:]]\n"
                  "runpy.run_module('cli.main', run_name='__main__')\n")

NEVER_ON_A_PLAIN_COMMAND = ("fractions", "decimal", "encodings.idna", "secrets", "logging", "rich", "adbutils")
"""What no command below needs: duration arithmetic (``fractions``, with ``decimal``) only when a
duration is parsed, ``idna`` (a numeric or ASCII adb host is passed to getaddrinfo as bytes),
``secrets``/``logging`` only when a conditions lease is taken over or logs, rich never off a terminal."""


def imported_by(adb: PrivateAdbServer, serial: str, tmp_path_factory: pytest.TempPathFactory,
                *args: str) -> set[str]:
    """The modules a whole ``jobctl`` process had loaded when it exited (it must succeed)."""
    path = tmp_path_factory.mktemp("modules") / "modules.txt"
    env = {**adb.env, "JOBCTL_TEST_MODULES": str(path)}
    result = subprocess.run([sys.executable, "-c", _MODULES_PROBE, "-P", str(adb.port), "-s", serial, *args],
                            capture_output=True, text=True, timeout=120, env=env, check=False)
    assert result.returncode == 0, result.stderr
    return set(path.read_text().split())


@pytest.mark.parametrize("command", [("state", "7"), ("run", "7"), ("cancel", "7")])
def test_one_round_trip_job_commands_import_no_overview_no_spec_codec_and_no_json_unless_they_send_a_request(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, job_7: int, command: tuple[str, ...],
        tmp_path_factory: pytest.TempPathFactory) -> None:
    loaded = imported_by(adb, serial, tmp_path_factory, *command)
    assert not loaded & {*NEVER_ON_A_PLAIN_COMMAND, "bridge.jobs_overview", "bridge.helper_protocol.codec",
                         "bridge.model.spec", "bridge.model.script"}
    if command[0] != "cancel":  # cancel sends the helper a request (JSON); state and run send none
        assert not loaded & {"json", "hashlib", "bridge.helper", "bridge.helper_protocol.requests"}


SCRIPT_AND_OTHER_COMMANDS = ("bridge.model.script", "bridge.helper_protocol.script_codec",
                             "bridge.helper_protocol.job_requests", "bridge.helper_protocol.journal_requests",
                             "bridge.helper_protocol.pending_results", "bridge.helper_protocol.journal_result",
                             "bridge.model.events", "bridge.model.reasons", "bridge.app_jobs", "cli.commands.jobs")
"""What ``schedule`` of a spec without a script has no use for: the script model and codec, the other
commands' requests and results, the event model (no event is read) and the other job commands."""


@pytest.mark.parametrize("command", [("state", "7"), ("run", "7")])
def test_state_and_run_load_neither_the_sdk_enums_nor_the_event_model_nor_the_schedule_flags(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, job_7: int, command: tuple[str, ...],
        tmp_path_factory: pytest.TempPathFactory) -> None:
    loaded = imported_by(adb, serial, tmp_path_factory, *command)
    assert "cli.commands.jobs" in loaded
    assert not loaded & {"bridge.model.enums", "bridge.model.events", "bridge.app_jobs", "cli.job_flags",
                         "cli.commands.schedule", "cli.file_param", "bridge.helper_protocol.requests"}


def test_schedule_without_a_script_loads_no_script_model_and_no_other_commands_requests(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, tmp_path_factory: pytest.TempPathFactory) -> None:
    try:
        loaded = imported_by(adb, serial, tmp_path_factory, "schedule", "8", "--requires-charging")
        scripted = imported_by(adb, serial, tmp_path_factory, "schedule", "9", "--hold-until-stopped")
    finally:
        Helper(connect(serial, adb.server)).cancel_all()
    assert {"bridge.helper_protocol.spec_requests", "bridge.model.spec"} <= loaded
    assert not loaded & set(SCRIPT_AND_OTHER_COMMANDS)
    assert {"bridge.model.script", "bridge.helper_protocol.script_codec"} <= scripted  # a script is encoded


def test_schedule_imports_neither_duration_arithmetic_nor_idna(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, tmp_path_factory: pytest.TempPathFactory) -> None:
    try:
        loaded = imported_by(adb, serial, tmp_path_factory, "schedule", "8", "--requires-charging")
    finally:
        Helper(connect(serial, adb.server)).cancel_all()
    assert not loaded & {*NEVER_ON_A_PLAIN_COMMAND, "bridge.jobs_overview"}


def test_stops_reads_the_journal_without_the_spec_codec_or_the_spec_model(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, tmp_path_factory: pytest.TempPathFactory) -> None:
    loaded = imported_by(adb, serial, tmp_path_factory, "stops")
    assert "bridge.helper_protocol.journal" in loaded  # it did read the journal
    assert not loaded & {*NEVER_ON_A_PLAIN_COMMAND, "bridge.helper_protocol.codec", "bridge.model.spec",
                         "bridge.model.script", "bridge.helper_protocol.spec_requests",
                         "bridge.helper_protocol.job_requests", "bridge.helper_protocol.pending_results",
                         "bridge.helper", "bridge.helper_protocol.requests",  # a file read: no request
                         "bridge.model.enums"}  # the reasons, not what a job asks for


def test_device_status_imports_neither_secrets_nor_logging_nor_hashlib(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, tmp_path_factory: pytest.TempPathFactory) -> None:
    loaded = imported_by(adb, serial, tmp_path_factory, "device", "status")
    assert "bridge.conditions.reading" in loaded
    assert not loaded & {*NEVER_ON_A_PLAIN_COMMAND, "hashlib", "hmac", "random", "json"}


def test_device_status_reads_without_loading_the_modules_that_change_conditions(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, tmp_path_factory: pytest.TempPathFactory) -> None:
    loaded = imported_by(adb, serial, tmp_path_factory, "device", "status")
    assert "bridge.conditions.reading" in loaded
    assert not loaded & {"bridge.conditions.controller", "bridge.conditions.base", "bridge.conditions.lease",
                         "bridge.conditions.battery", "bridge.conditions.power", "bridge.conditions.network",
                         "bridge.conditions.apps", "bridge.capabilities"}
