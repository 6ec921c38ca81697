"""The bridge under the faults of a real desk: pulled cables, restarted adb servers, slow
devices, the low-memory killer, reboots and log storms.

Each test injects one fault into the virtual device (``device.faults``, :mod:`jobctl_sim.faults`)
through the real adb server and says which way it ends: the call is sent again and answers (an
idempotent call, or one that never reached the device), or it raises a specific error (a call
that may have taken effect); events arrive once each, in sequence order; conditions are restored.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.conditions import Conditions
from bridge.device import connect
from bridge.errors import CommandTimeoutError, OutcomeUnknownError
from bridge.events import EventStream
from bridge.helper import Helper
from bridge.helper_protocol import HELPER_PACKAGE, schedule_request
from bridge.jobs import Session
from bridge.model import EventKind, Hold, JobEvent, JobScript, JobSpec, WorkItem
from jobctl_sim.faults import CommandFault, FaultAction
from jobctl_sim.harness import SimHarness
from jobctl_sim.fleet import FleetSpec
from tests.faults.conftest import adb_state
from tests.support.waiting import wait_until

HOUR_MS = 3_600_000
"""A delay that keeps a job pending for the whole test."""


def _arm(sim: SimHarness, fault: CommandFault) -> None:
    sim.run(lambda: sim.devices[0].faults.arm(fault))


def _seqs(events: list[JobEvent]) -> list[int]:
    return [event.seq for event in events]


def _assert_each_once_in_order(events: list[JobEvent]) -> None:
    seqs = _seqs(events)
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs


def _barrier(session: Session) -> None:
    """Schedule a marker job and wait for its event: everything the device journaled before is in."""
    session.helper.schedule(JobSpec(999, min_latency_ms=HOUR_MS))
    session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED and e.job_id == 999, 20)


def _kinds(session: Session, kind: EventKind, job_id: int | None = None) -> list[JobEvent]:
    return [e for e in session.log.snapshot() if e.kind is kind and (job_id is None or e.job_id == job_id)]


# ------------------------------------------------------------------ dropped connections
def test_a_read_whose_connection_drops_before_it_runs_is_sent_again(session: Session, sim: SimHarness) -> None:
    session.helper.schedule(JobSpec(1, min_latency_ms=HOUR_MS))
    _arm(sim, CommandFault(FaultAction.DROP_BEFORE, '"cmd":"list"'))
    pending = session.pending()
    assert [job.job_id for job in pending] == [1]
    assert [f.kind for f in sim.devices[0].faults.fired] == ["drop-before"]
    assert session.device.reconnects >= 1


def test_a_read_whose_answer_is_cut_mid_output_is_read_again_whole(session: Session, sim: SimHarness) -> None:
    _arm(sim, CommandFault(FaultAction.DROP_MID_OUTPUT, "dumpsys battery", after_bytes=40))
    state = session.conditions.read()
    assert 0 <= state.battery_level <= 100
    assert [f.kind for f in sim.devices[0].faults.fired] == ["drop-mid-output"]


def test_a_lost_answer_to_enqueue_is_not_repeated_and_says_the_outcome_is_unknown(
        session: Session, sim: SimHarness) -> None:
    spec = JobSpec(7, min_latency_ms=HOUR_MS)  # stays pending: its work waits
    _arm(sim, CommandFault(FaultAction.DROP_AFTER, '"cmd":"enqueue"'))
    with pytest.raises(OutcomeUnknownError, match="may or may not have taken effect") as raised:
        session.enqueue(spec, [WorkItem("only-once")])
    assert '"cmd":"enqueue"' in raised.value.command
    # It did take effect on the device -- exactly once, since the bridge did not repeat it.
    enqueued = session.log.wait_for(lambda e: e.kind is EventKind.ENQUEUED and e.job_id == 7, 20)
    _barrier(session)  # a repeated enqueue would be journaled before this
    assert _kinds(session, EventKind.ENQUEUED, 7) == [enqueued]
    assert enqueued.fields["count"] == 1


def test_a_lost_answer_to_schedule_is_not_repeated(session: Session, sim: SimHarness) -> None:
    _arm(sim, CommandFault(FaultAction.DROP_AFTER, '"cmd":"schedule"'))
    with pytest.raises(OutcomeUnknownError):
        session.helper.schedule(JobSpec(3, min_latency_ms=HOUR_MS))
    session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED and e.job_id == 3, 20)
    assert [job.job_id for job in session.pending()] == [3]
    assert len(_kinds(session, EventKind.SCHEDULED, 3)) == 1


def test_a_lost_answer_to_cancel_is_sent_again_and_the_job_is_gone(session: Session, sim: SimHarness) -> None:
    session.helper.schedule(JobSpec(4, min_latency_ms=HOUR_MS))
    _arm(sim, CommandFault(FaultAction.DROP_AFTER, '"cmd":"cancel"'))
    session.helper.cancel(4)
    assert session.pending() == ()
    assert [f.kind for f in sim.devices[0].faults.fired] == ["drop-after"]


def test_a_stop_whose_answer_is_lost_is_sent_again(session: Session, sim: SimHarness) -> None:
    job = session.schedule(JobSpec(5, script=JobScript((Hold(),))))
    job.run()
    job.wait_started(20)
    _arm(sim, CommandFault(FaultAction.DROP_AFTER, "cmd jobscheduler stop"))
    job.stop()
    run = job.wait_stopped(20)
    assert run.stop_reason is not None
    assert len(_kinds(session, EventKind.STOPPED, 5)) == 1


def test_running_a_job_is_not_repeated_when_its_answer_is_lost(session: Session, sim: SimHarness) -> None:
    job = session.schedule(JobSpec(6, min_latency_ms=HOUR_MS))  # the default script finishes at once
    _arm(sim, CommandFault(FaultAction.DROP_AFTER, "cmd jobscheduler run"))
    with pytest.raises(OutcomeUnknownError):
        job.run()
    job.wait_stopped(20)
    _barrier(session)  # a repeated run would have started the finished job again before this
    assert len(_kinds(session, EventKind.STARTED, 6)) == 1


def test_a_pulled_cable_mid_stream_loses_and_repeats_no_event(session: Session, sim: SimHarness) -> None:
    device = sim.devices[0]
    session.helper.schedule(JobSpec(1, min_latency_ms=HOUR_MS))
    session.log.wait_for(lambda e: e.job_id == 1, 20)
    sim.call(device.faults.drop())
    # While the host is cut off, the app keeps journaling.
    sim.loop.call_soon_threadsafe(_schedule_inside, sim, 2)
    session.helper.schedule(JobSpec(3, min_latency_ms=HOUR_MS))  # waits for the device, then goes
    session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED and e.job_id == 3, 30)
    events = session.log.snapshot()
    _assert_each_once_in_order(events)
    assert [e.job_id for e in events if e.kind is EventKind.SCHEDULED] == [1, 2, 3]


def _schedule_inside(sim: SimHarness, job_id: int) -> None:
    """The app schedules a job by itself (no adb involved)."""
    app = sim.devices[0].android.apps[HELPER_PACKAGE]
    app.handle_request(schedule_request(JobSpec(job_id, min_latency_ms=HOUR_MS)).to_json())


# ------------------------------------------------------------------ slow device
def test_a_slow_device_answers_late_but_right(session: Session, sim: SimHarness) -> None:
    _arm(sim, CommandFault(FaultAction.DELAY, "", times=3, delay=0.2))
    started = time.monotonic()
    assert session.device.shell(["echo", "late"]).text == "late\n"
    session.helper.schedule(JobSpec(8, min_latency_ms=HOUR_MS))
    assert time.monotonic() - started >= 0.4
    assert [job.job_id for job in session.pending()] == [8]


def test_a_command_slower_than_its_deadline_raises_a_timeout_not_a_hang(session: Session, sim: SimHarness) -> None:
    _arm(sim, CommandFault(FaultAction.DELAY, "echo too-late", delay=2.0))
    started = time.monotonic()
    with pytest.raises(CommandTimeoutError, match=r"did not finish within 0\.3 s"):
        session.device.shell(["echo", "too-late"], timeout=0.3)
    assert time.monotonic() - started < 1.5
    assert session.device.shell(["echo", "next"]).text == "next\n"


# ------------------------------------------------------------------ low-memory killer
@pytest.fixture
def fast_session(adb: PrivateAdbServer) -> Iterator[tuple[Session, SimHarness]]:
    """A session on a device whose clock runs 60x (a 30 s backoff takes half a second)."""
    with SimHarness(FleetSpec(speed=60)) as harness:
        serial = harness.connect(adb.server)[0]
        session = Session(connect(serial, adb.server))
        session.helper.leave_never_bucket()
        try:
            yield session, harness
        finally:
            session.close()


def test_the_low_memory_killer_mid_job_reschedules_it_and_the_stream_loses_nothing(
        fast_session: tuple[Session, SimHarness]) -> None:
    session, sim = fast_session
    job = session.schedule(JobSpec(9, script=JobScript((Hold(),))))
    job.run()
    first = job.wait_started(20)
    assert sim.run(lambda: sim.devices[0].faults.low_memory_kill(HELPER_PACKAGE))
    # JobScheduler saw the binder die: the job is rescheduled and runs again in a new process.
    again = job.wait_until(lambda e: e.kind is EventKind.STARTED and e.seq > first.seq, 30, "a second start")
    events = session.log.snapshot()
    _assert_each_once_in_order(events)
    restarts = [e for e in events if e.kind is EventKind.PROCESS_STARTED and first.seq < e.seq < again.seq]
    assert len(restarts) == 1
    logcat = session.device.shell(["logcat", "-d", "-s", "lowmemorykiller:I"]).text
    assert f"Kill '{HELPER_PACKAGE}'" in logcat and "oom_score_adj 900" in logcat


# ------------------------------------------------------------------ reboot and log storms
def test_a_reboot_under_a_live_stream_loses_nothing_and_conditions_are_restored(
        adb: PrivateAdbServer, serial: str, sim: SimHarness) -> None:
    device = connect(serial, adb.server)
    session = Session(device)
    session.helper.leave_never_bucket()
    original = session.conditions.read()
    try:
        with session.conditions.snapshot():
            session.conditions.set_charging(False)
            session.helper.schedule(JobSpec(1, min_latency_ms=HOUR_MS, persisted=True))
            session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED, 20)
            sim.run(sim.devices[0].faults.reboot)
            assert wait_until(lambda: adb_state(adb, serial) != "device", 10)
            session.helper.schedule(JobSpec(2, min_latency_ms=HOUR_MS))  # waits for the device
            session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED and e.job_id == 2, 30)
        restored = session.conditions.read()
        assert (restored.plugged, restored.battery_level) == (original.plugged, original.battery_level)
        _assert_each_once_in_order(session.log.snapshot())
        assert sorted(job.job_id for job in session.pending()) == [1, 2]  # 1 was persisted
    finally:
        session.close()


def test_events_pruned_by_a_log_storm_come_from_the_journal_once_each(session: Session, sim: SimHarness) -> None:
    device = sim.devices[0]

    def storm_right_after_an_event() -> None:  # both in one step of the device: no reader sees it
        _schedule_inside(sim, 2)
        device.faults.overflow_logcat()

    session.helper.schedule(JobSpec(1, min_latency_ms=HOUR_MS))
    session.log.wait_for(lambda e: e.job_id == 1, 20)
    sim.loop.call_soon_threadsafe(storm_right_after_an_event)
    assert wait_until(lambda: any(f.kind == "overflow-logcat" for f in device.faults.fired), 10)
    logcat = session.device.shell(["logcat", "-d", "-v", "raw", "-s", "jobctl:I"]).text
    assert '"job_id":2' not in logcat  # the storm pruned it from the log buffer
    session.helper.schedule(JobSpec(3, min_latency_ms=HOUR_MS))
    session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED and e.job_id == 3, 20)
    events = session.log.snapshot()
    _assert_each_once_in_order(events)
    assert [e.job_id for e in events if e.kind is EventKind.SCHEDULED] == [1, 2, 3]
    assert session.events.resyncs >= 1


def test_a_job_whose_last_event_was_pruned_is_still_seen_by_its_wait(session: Session, sim: SimHarness) -> None:
    device = sim.devices[0]

    def storm_right_after_an_event() -> None:  # and no later event reveals the gap
        _schedule_inside(sim, 5)
        device.faults.overflow_logcat()

    sim.loop.call_soon_threadsafe(storm_right_after_an_event)
    scheduled = session.job(5).wait_until(lambda e: e.kind is EventKind.SCHEDULED, 1.0, "scheduling")
    assert scheduled.job_id == 5
    _assert_each_once_in_order(session.log.snapshot())


# ------------------------------------------------------------------ adb server restart
def test_an_adb_server_restart_mid_session_loses_nothing_and_conditions_are_restored(
        own_adb: PrivateAdbServer) -> None:
    with SimHarness() as sim:
        serial = sim.connect(own_adb.server)[0]
        session = Session(connect(serial, own_adb.server))
        session.helper.leave_never_bucket()
        try:
            original = session.conditions.read()
            with session.conditions.snapshot():
                session.conditions.set_charging(False)
                session.conditions.set_battery_level(42)
                session.helper.schedule(JobSpec(1, min_latency_ms=HOUR_MS))
                session.log.wait_for(lambda e: e.job_id == 1, 20)
                own_adb.restart()  # the new server knows no devices until the cable replugs it
                sim.loop.call_soon_threadsafe(_schedule_inside, sim, 2)
                session.helper.schedule(JobSpec(3, min_latency_ms=HOUR_MS))
                session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED and e.job_id == 3, 30)
            restored = session.conditions.read()
            assert (restored.plugged, restored.battery_level) == (original.plugged, original.battery_level)
            events = session.log.snapshot()
            _assert_each_once_in_order(events)
            assert [e.job_id for e in events if e.kind is EventKind.SCHEDULED] == [1, 2, 3]
            assert sim.cables[0].replugs >= 1
        finally:
            session.close()


def test_restoring_conditions_survives_a_cable_pulled_in_the_middle(adb: PrivateAdbServer, serial: str,
                                                                   sim: SimHarness) -> None:
    conditions = Conditions(connect(serial, adb.server))
    original = conditions.read()
    with conditions.snapshot():
        conditions.set_charging(False)
        # The first restore command's answer is lost; restoring goes on regardless.
        _arm(sim, CommandFault(FaultAction.DROP_AFTER, "cmd battery"))
    restored = conditions.read()
    assert (restored.plugged, restored.battery_level) == (original.plugged, original.battery_level)
    assert [f.kind for f in sim.devices[0].faults.fired] == ["drop-after"]


def test_a_device_that_never_comes_back_ends_in_a_clear_error_after_the_wait(
        adb: PrivateAdbServer, serial: str, sim: SimHarness) -> None:
    from bridge.errors import DeviceOfflineError

    device = connect(serial, adb.server, reconnect_timeout=1.0)
    sim.call(sim.servers[0].go_offline())
    try:
        assert wait_until(lambda: adb_state(adb, serial) == "offline", 10)
        started = time.monotonic()
        with pytest.raises(DeviceOfflineError, match="offline"):
            device.shell(["echo", "hello"])
        assert 1.0 <= time.monotonic() - started < 5
    finally:
        sim.call(sim.servers[0].come_back())


def test_a_read_that_breaks_every_time_gives_up_at_the_deadline(adb: PrivateAdbServer, serial: str,
                                                               sim: SimHarness) -> None:
    from bridge.errors import DeviceConnectionError

    device = connect(serial, adb.server, reconnect_timeout=1.0)
    _arm(sim, CommandFault(FaultAction.DROP_AFTER, "echo never-answered", times=0))
    started = time.monotonic()
    try:
        with pytest.raises(DeviceConnectionError, match="still failing after the 1 s reconnect wait"):
            device.shell(["echo", "never-answered"], idempotent=True)
        assert time.monotonic() - started < 10
    finally:
        sim.run(sim.devices[0].faults.disarm)


def test_a_fresh_event_stream_helper_reads_the_journal_after_a_drop(adb: PrivateAdbServer, serial: str,
                                                                    sim: SimHarness) -> None:
    helper = Helper(connect(serial, adb.server))
    helper.schedule(JobSpec(1, min_latency_ms=HOUR_MS))
    _arm(sim, CommandFault(FaultAction.DROP_MID_OUTPUT, "run-as", after_bytes=30))
    with EventStream(helper, from_seq=1) as stream:
        first = [stream.get(timeout=20) for _ in range(2)]
    assert [e.seq for e in first if e is not None] == [1, 2]

