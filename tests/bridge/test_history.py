"""bridge.history: starts and stops merged from the dump's job history, its recently completed
jobs and the helper's journal; provoked on the virtual device and read back in order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.app_jobs import AppJobs
from bridge.app_watch import new_history
from bridge.conditions import Conditions
from bridge.device import Device, connect
from bridge.history import (
    Ending,
    HistoryKind,
    HistoryRecord,
    HistorySource,
    job_history,
    read_reason_text,
)
from bridge.model import JobSpec, StopReason
from bridge.model.reasons import InternalStopReason
from bridge.model.script import Hold, JobScript
from bridge.parsers.jobscheduler_dump import parse_jobscheduler_dump
from jobctl_sim.fleet import FleetSpec
from jobctl_sim.harness import SimHarness
from tests.bridge.app_jobs_support import PACKAGE, KeepRunningApp, finish, install_other_app, running_jobs, schedule
from tests.support.waiting import wait_until

# ---------------------------------------------------------------------------- the text
WM = "@androidx.work.systemjobscheduler@com.example/.SJS"
AOSP_DUMP = f"""\
  Job history:
     -1m02s465ms   START: #u0a140/7 {WM}
     -1m01s000ms  STOP-P: #u0a140/7 {WM} timeout
           -500ms START-P: #u0a140/8 com.example/.Sync

Recently completed jobs:
  -3s000ms
      3e6e5b #u0a140/9 com.example/.Other
      u0a140 tag=*job*/com.example/.Other#9
  -1m01s000ms
      3e6e5c {{androidx.work.systemjobscheduler}} #u0a140/7 {WM}
"""


def test_aosp_history_lines_take_the_namespace_from_the_tag_and_completed_jobs_are_read() -> None:
    dump = parse_jobscheduler_dump(AOSP_DUMP)
    assert [(h.label, h.job_id, h.namespace, h.reason) for h in dump.history] == [
        ("START", 7, "androidx.work.systemjobscheduler", None),
        ("STOP-P", 7, "androidx.work.systemjobscheduler", "timeout"),
        ("START-P", 8, None, None)]
    assert [(c.offset_ms, c.job_id, c.namespace) for c in dump.completed] == [
        (-61_000, 7, "androidx.work.systemjobscheduler"), (-3000, 9, None)]


def test_a_shared_uids_other_packages_are_left_out() -> None:
    from bridge.history import dump_records

    dump = parse_jobscheduler_dump(
        "  Job history:\n"
        "        -2s000ms   START: #1000/5 com.android.settings/.SettingsJob\n"
        "        -1s000ms START-P: #1000/6 android/com.android.server.usage.UsageStatsIdleService\n"
        "           -10ms   START: #1000/7 *sync*/a/b:android\n"  # scheduleAsPackage: "<tag>:<package>"
        "           -10ms   START: #1000/8 *sync*/a/b:com.android.settings\n\n")
    records = dump_records(dump, 1_000_000, "android")
    assert [(r.job_id, r.at) for r in records] == [(6, datetime.fromtimestamp(999, UTC)),
                                                   (7, datetime.fromtimestamp(999.99, UTC))]


def test_reason_texts_are_named() -> None:
    assert read_reason_text("timeout") == (Ending.STOPPED, None, InternalStopReason.TIMEOUT)
    assert read_reason_text("successful_finish") == (Ending.FINISHED, None, InternalStopReason.SUCCESSFUL_FINISH)
    assert read_reason_text("cancelled due to unsatisfied constraints") == (
        Ending.STOPPED, None, InternalStopReason.CONSTRAINTS_NOT_SATISFIED)
    assert read_reason_text("app force stopped") == (Ending.STOPPED, StopReason.USER, InternalStopReason.CANCELED)
    assert read_reason_text("cancel() called by app, callingUid=10120 uid=10120 jobId=1513") == (
        Ending.STOPPED, StopReason.CANCELLED_BY_APP, InternalStopReason.CANCELED)
    assert read_reason_text("something new") == (None, None, None)


def test_a_shell_cancel_reads_as_the_users_though_its_text_says_app() -> None:
    """``cmd jobscheduler cancel PKG ID`` goes through ``cancelJob(pkgUid, jobId, SHELL_UID,
    STOP_REASON_USER)``: the app's text with ``callingUid=2000`` (JobSchedulerService, 9-16)."""
    assert read_reason_text("cancel() called by app, callingUid=2000 uid=10000 jobId=3") == (
        Ending.STOPPED, StopReason.USER, InternalStopReason.CANCELED)


def _record(seconds: int, kind: HistoryKind, job_id: int) -> HistoryRecord:
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    return HistoryRecord(at, kind, "p", job_id, None, sources=(HistorySource.JOB_HISTORY,))


def test_new_history_lines_are_found_after_the_overlap_even_when_the_ring_dropped_its_head() -> None:
    a, b, c, d = (_record(1, HistoryKind.START, 1), _record(2, HistoryKind.STOP, 1), _record(3, HistoryKind.START, 1),
                  _record(4, HistoryKind.STOP, 1))
    assert new_history([a, b], [a, b, c, d]) == [c, d]
    assert new_history([a, b, c], [b, c, d]) == [d]
    assert new_history([a, b], [a, b]) == []
    assert new_history([], [a]) == [a]


# ---------------------------------------------------------------------------- another app
@pytest.fixture
def other(adb: PrivateAdbServer) -> Iterator[tuple[SimHarness, Device, KeepRunningApp]]:
    """An API 34 virtual device without the helper, with org.example.other installed and active."""
    harness = SimHarness(FleetSpec(helper=False)).start()
    try:
        device = connect(harness.connect(adb.server)[0], adb.server)
        app = install_other_app(harness)
        device.shell(["am", "set-standby-bucket", PACKAGE, "active"], check=True)
        yield harness, device, app
    finally:
        harness.stop()


def _row(record: HistoryRecord) -> tuple[object, ...]:
    return (record.kind.value, record.job_id, None if record.ending is None else record.ending.value,
            record.stop_reason_name, record.internal_reason_name, record.reason_text)


def test_history_of_another_app_lists_every_start_and_stop_in_order_with_its_reason(other) -> None:  # type: ignore[no-untyped-def]
    sim, device, app = other
    conditions = Conditions(device)
    conditions.set_charging(True)
    schedule(sim, 1, requires_charging=True)  # starts on its own: it is ready
    assert wait_until(lambda: (None, 1) in running_jobs(sim, app), 10)
    conditions.set_charging(False)  # constraint lost: stopped
    assert wait_until(lambda: app.stop_reasons == [int(StopReason.CONSTRAINT_CHARGING)], 10)

    app.reschedule = True
    schedule(sim, 2, min_latency_ms=3_600_000, has_early_constraint=True)
    job = AppJobs(device, PACKAGE).job(2)

    def run_until_running() -> None:
        job.run(force=True)
        assert wait_until(lambda: (None, 2) in running_jobs(sim, app), 10)

    run_until_running()
    assert job.stop(StopReason.USER)
    assert wait_until(lambda: (None, 2) not in running_jobs(sim, app), 10)
    run_until_running()
    finish(sim, app, 2)  # jobFinished(false): the job is done and dropped
    assert wait_until(lambda: not job.state().exists, 10)

    schedule(sim, 3, min_latency_ms=3_600_000, has_early_constraint=True)
    job3 = AppJobs(device, PACKAGE).job(3)
    job3.run(force=True)
    assert wait_until(lambda: (None, 3) in running_jobs(sim, app), 10)
    job3.cancel()  # cancelled while it runs

    history = job_history(device, PACKAGE)
    assert [_row(r) for r in history.records] == [
        ("start", 1, None, None, None, None),
        ("stop", 1, "stopped", None, "CONSTRAINTS_NOT_SATISFIED", "cancelled due to unsatisfied constraints"),
        ("start", 2, None, None, None, None),
        ("stop", 2, "stopped", None, None, "stop from shell"),
        ("start", 2, None, None, None, None),
        ("stop", 2, "finished", None, None, "app called jobFinished"),
        ("start", 3, None, None, None, None),
        ("stop", 3, "stopped", "USER", "CANCELED", "cancel() called by app, callingUid=2000 uid=10000 jobId=3"),
    ]
    assert all(HistorySource.JOB_HISTORY in r.sources for r in history.records)
    assert all(HistorySource.RECENTLY_COMPLETED in r.sources for r in history.stops())  # the same stops, once
    times = [r.at for r in history.records]
    assert times == sorted(times) and history.notes == ()
    assert [_row(r) for r in job_history(device, PACKAGE, job_id=3).records] == [_row(r) for r in history.records[-2:]]
    document = history.to_json_object()
    assert document["records"][1]["internal_reason"] == "CONSTRAINTS_NOT_SATISFIED"
    assert document["records"][1]["internal_reason_code"] == 1


def test_history_of_an_app_with_no_runs_is_empty(other) -> None:  # type: ignore[no-untyped-def]
    assert job_history(other[1], PACKAGE).records == ()


# ---------------------------------------------------------------------------- the helper
def test_helper_history_joins_the_journals_public_reasons_to_the_dumps_texts(session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_charging(True)
    job = session.schedule(JobSpec(12, requires_charging=True,
                                   script=JobScript(steps=(Hold(),), on_stop_reschedule=True)))
    job.run(force=False)  # a forced run ignores constraints, so unplugging would not stop it
    session.conditions.set_charging(False)
    assert job.wait_stopped(30).stop_reason is StopReason.CONSTRAINT_CHARGING
    job.run(force=True)
    job.wait_started()
    assert job.stop(StopReason.USER)
    assert job.wait_stopped(30).stop_reason is StopReason.USER
    job.run(force=True)
    job.wait_started()
    assert job.timeout()
    assert job.wait_stopped(30).stop_reason is StopReason.TIMEOUT

    history = job_history(session.device, job_id=12)
    assert [(r.kind.value, r.stop_reason_name, r.internal_reason_name, r.reason_text) for r in history.records] == [
        ("start", None, None, None),
        ("stop", "CONSTRAINT_CHARGING", "CONSTRAINTS_NOT_SATISFIED", "cancelled due to unsatisfied constraints"),
        ("start", None, None, None),
        ("stop", "USER", None, "stop from shell"),
        ("start", None, None, None),
        ("stop", "TIMEOUT", None, "stop from shell"),
    ]
    for record in history.records:  # each seen in the dump and in the journal, shown once
        assert HistorySource.JOURNAL in record.sources and HistorySource.JOB_HISTORY in record.sources
    assert [r.ending for r in history.stops()] == [Ending.STOPPED] * 3
    times = [r.at for r in history.records]
    assert times == sorted(times)


@pytest.mark.parametrize("api", [29, 30, 33, 34, 36])
def test_a_timeout_and_a_finish_are_named_on_every_level(adb: PrivateAdbServer, api: int) -> None:
    harness = SimHarness(FleetSpec(api_level=api, helper=False)).start()
    try:
        device = connect(harness.connect(adb.server)[0], adb.server)
        app = install_other_app(harness)
        app.reschedule = True
        device.shell(["am", "set-standby-bucket", PACKAGE, "active"], check=True)
        schedule(harness, 5, min_latency_ms=3_600_000, has_early_constraint=True)
        job = AppJobs(device, PACKAGE).job(5)
        for end in ("timeout", "finish"):
            job.run(force=True)
            assert wait_until(lambda: (None, 5) in running_jobs(harness, app), 10)
            if end == "timeout":
                assert job.timeout()
                assert wait_until(lambda: (None, 5) not in running_jobs(harness, app), 10)
            else:
                finish(harness, app, 5)
        assert wait_until(lambda: not job.state().exists, 10)
        timed_out = (("stop", 5, "stopped", "TIMEOUT", "TIMEOUT", "shell") if api < 34 else
                     ("stop", 5, "stopped", None, None, "stop from shell"))
        assert [_row(r) for r in job_history(device, PACKAGE).records] == [
            ("start", 5, None, None, None, None), timed_out,
            ("start", 5, None, None, None, None), ("stop", 5, "finished", None, None, "app called jobFinished")]
    finally:
        harness.stop()
