"""bridge.diagnosis on the virtual device: why a job does not run, and the stop history."""

from __future__ import annotations

import pytest

from bridge.diagnosis import BlockerKind, diagnose, stop_history
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.model import JobSpec, StopReason
from bridge.model.script import Hold, JobScript


def _kinds(diagnosis):  # type: ignore[no-untyped-def]
    return [(b.kind, b.constraint) for b in diagnosis.blockers]


def test_unsatisfied_charging_names_the_toggle(session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_charging(False)
    session.schedule(JobSpec(5, requires_charging=True))
    diagnosis = diagnose(session, 5)
    assert diagnosis.exists and not diagnosis.running
    assert "CHARGING" in diagnosis.unsatisfied_constraints
    charging = [b for b in diagnosis.blockers if b.constraint == "CHARGING"]
    assert charging and charging[0].kind is BlockerKind.UNSATISFIED_CONSTRAINT
    assert charging[0].command == "jobctl device charging on"
    assert "charging" in charging[0].reason


def test_never_bucket_is_the_never_launched_blocker(session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_standby_bucket(HELPER_PACKAGE, "never")
    session.schedule(JobSpec(6))
    diagnosis = diagnose(session.device, 6)
    assert diagnosis.standby_bucket == "NEVER"
    bucket = [b for b in diagnosis.blockers if b.kind is BlockerKind.STANDBY_BUCKET]
    assert bucket and bucket[0].command == "jobctl device bucket active"
    assert "never launched" in bucket[0].reason
    assert BlockerKind.QUOTA not in [b.kind for b in diagnosis.blockers]  # NEVER explains the quota already


def test_background_restriction(session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_background_restricted(HELPER_PACKAGE, True)
    session.conditions.set_charging(False)
    session.schedule(JobSpec(7, requires_charging=True))
    diagnosis = diagnose(session, 7)
    commands = [b.command for b in diagnosis.blockers]
    assert diagnosis.blockers[0].kind is BlockerKind.BACKGROUND_RESTRICTED
    assert "jobctl device restrict off" in commands and "jobctl device charging on" in commands


def test_doze(session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_charging(False)
    session.conditions.set_doze(True)
    session.schedule(JobSpec(8))
    diagnosis = diagnose(session, 8)
    doze = [b for b in diagnosis.blockers if b.kind is BlockerKind.DOZE]
    assert doze and doze[0].command == "jobctl device doze off"


def test_storage_low(session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_storage_low(True)
    session.schedule(JobSpec(9, requires_storage_not_low=True))
    diagnosis = diagnose(session, 9)
    storage = [b for b in diagnosis.blockers if b.constraint == "STORAGE_NOT_LOW"]
    assert storage and storage[0].command == "jobctl device storage ok"


def test_running_job_has_no_blockers(session) -> None:  # type: ignore[no-untyped-def]
    job = session.schedule(JobSpec(10, script=JobScript(steps=(Hold(),))))
    job.run(force=True)
    job.wait_started(30)
    diagnosis = diagnose(session, 10)
    assert diagnosis.running and diagnosis.blockers == ()
    assert "active" in diagnosis.state
    document = diagnosis.to_json_object()
    assert document["running"] is True and document["blockers"] == []


def test_unknown_job(session) -> None:  # type: ignore[no-untyped-def]
    diagnosis = diagnose(session, 4242)
    assert not diagnosis.exists and not diagnosis.running
    assert [b.kind for b in diagnosis.blockers] == [BlockerKind.NOT_SCHEDULED]
    assert diagnosis.blockers[0].command == "jobctl schedule 4242"


def test_namespaced_commands_carry_the_namespace(session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_charging(False)
    session.schedule(JobSpec(11, namespace="sync", requires_charging=True))
    diagnosis = diagnose(session, 11, "sync")
    assert diagnosis.exists and diagnosis.namespace == "sync"
    assert diagnose(session, 11).exists is False


def test_stop_history_reads_the_journal(session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_charging(True)
    job = session.schedule(JobSpec(12, requires_charging=True, script=JobScript(steps=(Hold(),))))
    job.run(force=False)  # a forced run ignores constraints, so unplugging would not stop it
    session.conditions.set_charging(False)
    run = job.wait_stopped(30)
    assert run.stop_reason is StopReason.CONSTRAINT_CHARGING
    records = stop_history(session.device, job_id=12)
    assert [r.stop_reason_name for r in records] == ["CONSTRAINT_CHARGING"]
    document = records[0].to_json_object()
    assert document["stop_reason_code"] == 6 and document["job_id"] == 12 and "T" in document["at"]
    assert stop_history(session.device, job_id=99) == ()


# ---------------------------------------------------------------------------- run problems (issue 14 item 7)


def _dump_after_blocking(api: int, script: dict[str, object], stop: bool) -> str:
    import asyncio

    from jobctl_sim.apps.helper import PACKAGE
    from tests.jobctl_sim.apps.test_helper_app import activate, device, has, ok, wait_for

    async def body() -> str:
        dev = device(api=api)
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 21, "override_deadline_ms": 0, "script": script}})
        await activate(dev)
        await wait_for(dev, has("started"))
        if stop:
            await dev.shell(f"cmd jobscheduler stop {PACKAGE} 21")
        await dev.clock.sleep(700 if script.get("steps") == [{"op": "abandon"}] else 9)
        return str((await dev.shell(f"dumpsys jobscheduler {PACKAGE}")).text)

    return asyncio.run(body())


@pytest.mark.parametrize(("api", "anr_here"), [(33, False), (34, True)])
def test_a_blocked_onstartjob_is_reported_as_a_run_problem(api: int, anr_here: bool) -> None:
    from bridge.diagnosis import RunProblemKind, run_problems
    from bridge.parsers import parse_jobscheduler_dump

    dump = parse_jobscheduler_dump(_dump_after_blocking(api, {"steps": [{"op": "hold"}], "block_start_ms": 10_000},
                                                        stop=False))
    (problem,) = run_problems(dump, 21, None, api)
    assert problem.kind is RunProblemKind.START_CALLBACK_TIMEOUT and problem.ago_ms >= 0
    assert "onStartJob did not return within 8 s" in problem.explanation
    assert ("(this device)" in problem.explanation) == anr_here
    assert problem.to_json_object()["kind"] == "onstartjob_timeout"


@pytest.mark.parametrize("api", [33, 34])
def test_history_shows_the_stop_of_a_run_whose_onstartjob_blocked(api: int) -> None:
    from bridge.history import Ending, HistoryKind, dump_records
    from bridge.model.reasons import InternalStopReason
    from bridge.parsers import parse_jobscheduler_dump

    dump = parse_jobscheduler_dump(_dump_after_blocking(api, {"steps": [{"op": "hold"}], "block_start_ms": 10_000},
                                                        stop=False))
    records = [r for r in dump_records(dump, 10**13, "dev.jobctl.helper") if r.job_id == 21]
    assert [r.kind for r in records] == [HistoryKind.START, HistoryKind.STOP]
    stop = records[1]
    assert (stop.ending, stop.internal_reason, stop.reason_text) == (
        Ending.STOPPED, InternalStopReason.TIMEOUT, "timed out while starting")


def test_a_blocked_onstopjob_and_an_abandoned_job_are_reported() -> None:
    from bridge.diagnosis import RunProblemKind, run_problems
    from bridge.parsers import parse_jobscheduler_dump

    stop = parse_jobscheduler_dump(_dump_after_blocking(34, {"steps": [{"op": "hold"}], "block_stop_ms": 10_000},
                                                        stop=True))
    assert [p.kind for p in run_problems(stop, 21, None, 34)] == [RunProblemKind.STOP_CALLBACK_TIMEOUT]
    abandoned = parse_jobscheduler_dump(_dump_after_blocking(36, {"steps": [{"op": "abandon"}]}, stop=False))
    assert [p.kind for p in run_problems(abandoned, 21, None, 36)] == [RunProblemKind.ABANDONED_TIMEOUT]
    assert run_problems(abandoned, 22, None, 36) == ()
