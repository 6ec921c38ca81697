"""The event stream loses nothing and repeats nothing: across a pulled cable, a killed helper
process and a cleared logcat, every event arrives once, in sequence order."""

from __future__ import annotations

import time

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.events import EventStream
from bridge.helper import Helper
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.jobs import Session
from bridge.model import EventKind, JobSpec
from jobctl_sim.harness import SimHarness


def _collect(stream: EventStream, count: int, timeout: float = 20) -> list[int]:
    seqs: list[int] = []
    deadline = time.monotonic() + timeout
    while len(seqs) < count and time.monotonic() < deadline:
        event = stream.get(timeout=0.2)
        if event is not None:
            seqs.append(event.seq)
    return seqs


def _assert_consecutive(seqs: list[int]) -> None:
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs


def test_events_missed_by_logcat_come_from_the_journal_once_each(adb: PrivateAdbServer, serial: str) -> None:
    device = connect(serial, adb.server)
    helper = Helper(device)
    for job_id in range(1, 6):
        helper.schedule(JobSpec(job_id, requires_charging=True))
    device.shell("logcat -c", check=True)  # what logcat held is gone: only the journal has it
    with EventStream(helper, from_seq=1) as stream:
        seqs = _collect(stream, 6)
        assert stream.resyncs >= 1
    _assert_consecutive(seqs)
    assert seqs[0] == 1


def test_a_pulled_cable_mid_stream_loses_and_duplicates_nothing(adb: PrivateAdbServer, serial: str,
                                                                sim: SimHarness) -> None:
    device = connect(serial, adb.server)
    helper = Helper(device)
    with EventStream(helper) as stream:
        helper.schedule(JobSpec(1, requires_charging=True))
        before = _collect(stream, 1)
        sim.call(sim.servers[0].go_offline())
        # while the device is unreachable from the host, it keeps journaling
        sim.loop.call_soon_threadsafe(_schedule_inside, sim, 2)
        sim.call(sim.servers[0].come_back())
        _wait_online(adb, serial)
        helper.schedule(JobSpec(3, requires_charging=True))
        after = _collect(stream, 2, timeout=30)
    seqs = before + after
    _assert_consecutive(seqs)


def _wait_online(adb: PrivateAdbServer, serial: str, timeout: float = 15) -> None:
    from bridge.device import list_devices

    deadline = time.monotonic() + timeout
    while {d.serial: d.state for d in list_devices(adb.server)}.get(serial) != "device":
        assert time.monotonic() < deadline, "the adb server did not reconnect"
        time.sleep(0.05)


def _schedule_inside(sim: SimHarness, job_id: int) -> None:
    """Schedule through the device's own model (as if the app did it while the host was away)."""
    from bridge.helper_protocol import broadcast_command, schedule_request

    device = sim.devices[0]
    device_task = device.shell(broadcast_command(schedule_request(JobSpec(job_id, requires_charging=True))))
    import asyncio

    task = asyncio.ensure_future(device_task)
    _RUNNING.add(task)  # the loop keeps only a weak reference to a task
    task.add_done_callback(_RUNNING.discard)


_RUNNING: set[object] = set()


def test_a_killed_helper_process_keeps_the_sequence_going(adb: PrivateAdbServer, serial: str) -> None:
    device = connect(serial, adb.server)
    with Session(device) as session:
        session.helper.schedule(JobSpec(1, requires_charging=True))
        first = session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED, 20)
        device.shell(["am", "kill", HELPER_PACKAGE], check=True)
        device.shell(["am", "force-stop", HELPER_PACKAGE], check=True)  # process dead, jobs gone
        session.helper.schedule(JobSpec(2, requires_charging=True))  # cold-starts the process
        second = session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED and e.job_id == 2, 20)
        seqs = [e.seq for e in session.log.snapshot()]
    assert second.seq > first.seq
    _assert_consecutive(seqs)
    assert any(e.kind is EventKind.PROCESS_STARTED for e in session.log.snapshot() if e.seq > first.seq)
