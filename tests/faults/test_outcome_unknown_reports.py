"""Reports that stay true under faults (issue 17 item 4): a break after ``schedule``, ``enqueue``
or ``run`` reached the device says it "may or may not have taken effect" (OutcomeUnknownError,
exit 6) and is not repeated; a break before the request left the host is a plain connection
error, or is waited out and sent once.

The breaks are made at two places: on the link to the adb server (:mod:`tests.faults.adb_link`:
the server's own ``FAIL closed``, a connection cut right after the request went out, or before
it did) and on the virtual device (:mod:`jobctl_sim.faults`: the command runs, its answer is lost).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.errors import DeviceConnectionError, DeviceOfflineError, OutcomeUnknownError
from bridge.helper import Helper
from bridge.jobs import Session
from bridge.model import EventKind, JobSpec, WorkItem
from jobctl_sim.faults import CommandFault, FaultAction
from jobctl_sim.harness import SimHarness
from tests.cli.test_sim_and_devices import jobctl
from tests.faults.adb_link import AdbLink, LinkBreak
from tests.faults.conftest import adb_state
from tests.support.waiting import wait_until

HOUR_MS = 3_600_000
UNKNOWN = "may or may not have taken effect"


@pytest.fixture
def link(adb: PrivateAdbServer, sim: SimHarness) -> Iterator[AdbLink]:
    with AdbLink(adb.server.address) as relay:
        yield relay


def _through(link: AdbLink, serial: str, reconnect_timeout: float = 30.0) -> Helper:
    from bridge.adb.server import AdbServer

    return Helper(connect(serial, AdbServer(link.address), reconnect_timeout=reconnect_timeout))


def _events(adb: PrivateAdbServer, serial: str, kind: EventKind, job_id: int) -> list[int]:
    """Seqs of the journal's ``kind`` events for ``job_id``, read directly (not through the link)."""
    journal = Helper(connect(serial, adb.server, wait=30)).read_journal(1)
    return [e.seq for e in journal.events if e.kind is kind and e.job_id == job_id]


def _settled(adb: PrivateAdbServer, serial: str, kind: EventKind, job_id: int) -> list[int]:
    """The events once the command the break cut off has finished on the device (a barrier job
    scheduled directly is journaled after it), so a repeat would show as a second event."""
    helper = Helper(connect(serial, adb.server, wait=30))
    assert wait_until(lambda: bool(_events(adb, serial, kind, job_id)), 20)
    helper.schedule(JobSpec(999, min_latency_ms=HOUR_MS))
    return _events(adb, serial, kind, job_id)


# ------------------------------------------------------------------ after the request reached the device
def test_the_servers_fail_closed_after_schedule_was_sent_is_outcome_unknown_not_a_bare_refusal(
        adb: PrivateAdbServer, serial: str, link: AdbLink) -> None:
    helper = _through(link, serial)
    link.arm(LinkBreak.FAIL_CLOSED, '"cmd":"schedule"')
    with pytest.raises(OutcomeUnknownError, match=UNKNOWN) as raised:
        helper.schedule(JobSpec(3, min_latency_ms=HOUR_MS))
    assert "refused" not in str(raised.value) and "closed" in str(raised.value)
    assert len(link.fired) == 1
    assert len(_settled(adb, serial, EventKind.SCHEDULED, 3)) == 1  # it did take effect, once


def test_a_connection_cut_right_after_enqueue_was_sent_is_outcome_unknown_and_not_repeated(
        adb: PrivateAdbServer, serial: str, link: AdbLink) -> None:
    helper = _through(link, serial)
    link.arm(LinkBreak.AFTER_SEND, '"cmd":"enqueue"')
    with pytest.raises(OutcomeUnknownError, match=UNKNOWN):
        helper.enqueue(JobSpec(7, min_latency_ms=HOUR_MS), [WorkItem("only-once")])
    assert len(_settled(adb, serial, EventKind.ENQUEUED, 7)) == 1


def test_a_large_enqueue_through_the_inbox_cut_after_its_broadcast_is_outcome_unknown(
        adb: PrivateAdbServer, serial: str, link: AdbLink) -> None:
    helper = _through(link, serial)
    link.arm(LinkBreak.FAIL_CLOSED, "--es req_file")
    items = [WorkItem(f"item-{n:04d}") for n in range(400)]  # over the inline limit: the inbox path
    with pytest.raises(OutcomeUnknownError, match=UNKNOWN):
        helper.enqueue(JobSpec(8, min_latency_ms=HOUR_MS), items)
    assert len(_settled(adb, serial, EventKind.ENQUEUED, 8)) == 1


def test_run_cut_after_it_was_sent_is_outcome_unknown(adb: PrivateAdbServer, serial: str, link: AdbLink) -> None:
    from bridge.adb.server import AdbServer

    session = Session(connect(serial, AdbServer(link.address)))
    session.helper.leave_never_bucket()  # a NEVER-bucket app's jobs do not run
    try:
        job = session.schedule(JobSpec(6, min_latency_ms=HOUR_MS))
        link.arm(LinkBreak.FAIL_CLOSED, "cmd jobscheduler run")
        with pytest.raises(OutcomeUnknownError, match=UNKNOWN):
            job.run()
        assert len(_settled(adb, serial, EventKind.STARTED, 6)) == 1
    finally:
        session.close()


def test_a_read_whose_request_got_fail_closed_is_sent_again_and_answers(
        adb: PrivateAdbServer, serial: str, link: AdbLink) -> None:
    helper = _through(link, serial)
    helper.schedule(JobSpec(4, min_latency_ms=HOUR_MS))
    link.arm(LinkBreak.FAIL_CLOSED, '"cmd":"list"')
    assert [job.job_id for job in helper.pending()] == [4]
    assert len(link.fired) == 1


def test_a_cut_during_a_user_initiated_schedules_reply_is_outcome_unknown(
        adb: PrivateAdbServer, serial: str, sim: SimHarness) -> None:
    from bridge.model import NetworkType

    helper = Helper(connect(serial, adb.server, reconnect_timeout=0.5))
    sim.run(lambda: sim.devices[0].faults.arm(CommandFault(FaultAction.DROP_AFTER, "cat files/outbox/", times=0)))
    try:
        with pytest.raises(OutcomeUnknownError, match=UNKNOWN) as raised:
            helper.schedule(JobSpec(11, user_initiated=True, network_type=NetworkType.ANY))
        assert "am start" in raised.value.command
    finally:
        sim.run(sim.devices[0].faults.disarm)


# ------------------------------------------------------------------ before the request left the host
def test_a_connection_dropped_at_the_transport_switch_is_waited_out_and_sent_once(
        adb: PrivateAdbServer, serial: str, link: AdbLink) -> None:
    helper = _through(link, serial)
    assert helper.device.api_level >= 26  # read now: the next connection is the schedule's
    link.arm(LinkBreak.AT_TRANSPORT, "host:transport")
    helper.schedule(JobSpec(12, min_latency_ms=HOUR_MS))
    assert len(link.fired) == 1 and helper.device.reconnects >= 1
    assert len(_settled(adb, serial, EventKind.SCHEDULED, 12)) == 1


def test_a_connection_cut_when_the_request_left_the_host_is_outcome_unknown_even_if_not_sent_on(
        adb: PrivateAdbServer, serial: str, link: AdbLink) -> None:
    """The host cannot tell a request the relay swallowed from one the device ran: it says so."""
    helper = _through(link, serial)
    link.arm(LinkBreak.BEFORE_SEND, '"cmd":"schedule"')
    with pytest.raises(OutcomeUnknownError, match=UNKNOWN):
        helper.schedule(JobSpec(14, min_latency_ms=HOUR_MS))
    Helper(connect(serial, adb.server, wait=30)).schedule(JobSpec(999, min_latency_ms=HOUR_MS))
    assert _events(adb, serial, EventKind.SCHEDULED, 14) == []


def test_a_device_offline_before_schedule_is_a_plain_connection_error_and_nothing_happened(
        adb: PrivateAdbServer, serial: str, sim: SimHarness) -> None:
    helper = Helper(connect(serial, adb.server, reconnect_timeout=1.0))
    helper.info()
    sim.call(sim.servers[0].go_offline())
    try:
        assert wait_until(lambda: adb_state(adb, serial) == "offline", 10)
        with pytest.raises(DeviceOfflineError) as raised:
            helper.schedule(JobSpec(13, min_latency_ms=HOUR_MS))
        assert UNKNOWN not in str(raised.value) and "offline" in str(raised.value)
    finally:
        sim.call(sim.servers[0].come_back())
    assert wait_until(lambda: adb_state(adb, serial) == "device", 20)
    assert _events(adb, serial, EventKind.SCHEDULED, 13) == []
    assert not isinstance(raised.value, DeviceConnectionError)


# ------------------------------------------------------------------ the command line: exit 6, one line
@pytest.mark.parametrize("where", ["adb-link", "device"])
def test_jobctl_schedule_whose_answer_is_lost_exits_6_saying_the_outcome_is_unknown(
        adb: PrivateAdbServer, serial: str, link: AdbLink, sim: SimHarness, where: str) -> None:
    if where == "adb-link":
        link.arm(LinkBreak.FAIL_CLOSED, '"cmd":"schedule"')
    else:
        sim.run(lambda: sim.devices[0].faults.arm(CommandFault(FaultAction.DROP_AFTER, '"cmd":"schedule"')))
    result = jobctl(adb, "-P", str(link.port), "-s", serial, "schedule", "21", "--minimum-latency", "1h")
    assert result.returncode == 6, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"jobctl: error: {serial}: connection lost during `am broadcast")
    assert lines[0].endswith("it may or may not have taken effect and was not repeated because repeating it "
                             "is not safe")
    assert "Traceback" not in result.stderr
    assert len(_settled(adb, serial, EventKind.SCHEDULED, 21)) == 1


def test_jobctl_enqueue_cut_after_send_exits_6(adb: PrivateAdbServer, serial: str, link: AdbLink) -> None:
    link.arm(LinkBreak.AFTER_SEND, '"cmd":"enqueue"')
    result = jobctl(adb, "-P", str(link.port), "-s", serial, "schedule", "22", "--minimum-latency", "1h",
                    "--work", "tag=a")
    assert result.returncode == 6, result.stderr
    assert UNKNOWN in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert len(_settled(adb, serial, EventKind.ENQUEUED, 22)) == 1
