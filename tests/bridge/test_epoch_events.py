"""When the helper's journal starts again -- ``pm clear``, or an uninstall and a new install --
its ``seq`` restarts at 1 under a new epoch (PROTOCOL.md §5.6). A running stream says so once and
delivers every event of the new journal; before, it dropped them all as already seen."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.events import EpochChanged, EventStream
from bridge.helper import Helper
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.jobs import Session
from bridge.model import EventKind, JobEvent, JobSpec


def _events(stream: EventStream, until: Callable[[list[JobEvent]], bool], timeout: float = 30) -> list[JobEvent]:
    got: list[JobEvent] = []
    deadline = time.monotonic() + timeout
    while not until(got) and time.monotonic() < deadline:
        event = stream.get(timeout=0.2)
        if event is not None:
            got.append(event)
    return got


def _scheduled(job_id: int) -> Callable[[list[JobEvent]], bool]:
    return lambda got: any(e.kind is EventKind.SCHEDULED and e.job_id == job_id for e in got)


def test_events_after_pm_clear_are_delivered_from_seq_1_with_one_notice(adb: PrivateAdbServer,
                                                                         serial: str) -> None:
    device = connect(serial, adb.server)
    helper = Helper(device)
    notices: list[object] = []
    with EventStream(helper, on_notice=notices.append) as stream:
        old_epoch = stream.epoch
        helper.schedule(JobSpec(1, requires_charging=True))
        before = _events(stream, _scheduled(1))
        device.shell(["pm", "clear", HELPER_PACKAGE], check=True)
        for job_id in (2, 3, 4):
            helper.schedule(JobSpec(job_id, requires_charging=True))
        after = _events(stream, _scheduled(4))
    assert old_epoch is not None and before[-1].epoch == old_epoch
    assert [e.seq for e in after] == list(range(1, len(after) + 1))
    assert [e.job_id for e in after if e.kind is EventKind.SCHEDULED] == [2, 3, 4]
    assert after[0].kind is EventKind.PROCESS_STARTED
    new_epoch = after[0].epoch
    assert new_epoch is not None and new_epoch != old_epoch and {e.epoch for e in after} == {new_epoch}
    assert notices == [EpochChanged(old_epoch, new_epoch, before[-1].seq)]
    assert stream.notices() == (notices[0],)
    assert stream.notices_since(0) == ((notices[0],), 1) and stream.notices_since(1) == ((), 1)
    assert str(notices[0]).startswith("the helper's journal started again")


def test_a_reinstalled_helper_with_another_uid_is_followed_and_said_once(adb: PrivateAdbServer, serial: str,
                                                                         tiny_apk: Path) -> None:
    from bridge import helper_apk

    device = connect(serial, adb.server)
    helper = Helper(device)
    with EventStream(helper) as stream:
        old_uid, old_epoch = stream.helper_uid, stream.epoch
        helper.schedule(JobSpec(1, requires_charging=True))
        _events(stream, _scheduled(1))
        device.shell(["pm", "uninstall", HELPER_PACKAGE], check=True)
        device.install(str(tiny_apk))  # takes the freed uid: the helper comes back under another one
        helper.install(str(helper_apk.shipped().path))
        helper.leave_never_bucket()
        for job_id in (2, 3):
            helper.schedule(JobSpec(job_id, requires_charging=True))
        after = _events(stream, _scheduled(3))
        assert stream.helper_uid is not None and stream.helper_uid != old_uid
    assert [e.seq for e in after] == list(range(1, len(after) + 1))
    assert [e.job_id for e in after if e.kind is EventKind.SCHEDULED] == [2, 3]
    (notice,) = stream.notices()
    assert isinstance(notice, EpochChanged) and notice.previous == old_epoch and notice.current == after[0].epoch


def test_a_session_keeps_every_event_across_pm_clear(adb: PrivateAdbServer, serial: str) -> None:
    device = connect(serial, adb.server)
    with Session(device) as session:
        session.helper.schedule(JobSpec(1, requires_charging=True))
        session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED and e.job_id == 1, 20)
        device.shell(["pm", "clear", HELPER_PACKAGE], check=True)
        session.helper.schedule(JobSpec(2, requires_charging=True))
        second = session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED and e.job_id == 2, 20)
        notices = session.events.notices()
    assert second.seq <= 2
    assert len([n for n in notices if isinstance(n, EpochChanged)]) == 1


def test_a_stream_from_a_given_seq_knows_its_epoch_when_it_is_constructed(adb: PrivateAdbServer,
                                                                           serial: str) -> None:
    # Seen in CI: the epoch was adopted by the reader thread's first journal read, so a ``pm clear``
    # that came before that read made the stream take the new journal with the old one's seq.
    helper = Helper(connect(serial, adb.server))
    current = helper.info()
    with EventStream(helper, from_seq=current.journal_next_seq) as stream:
        assert current.journal_epoch is not None and stream.epoch == current.journal_epoch


def test_a_session_from_a_given_seq_follows_a_pm_clear_made_before_its_stream_started(adb: PrivateAdbServer,
                                                                                       serial: str) -> None:
    # Seen in CI (bench/fault_matrix.py, "pm clear of the helper while watching": 0 of 4 delivered):
    # the stream took the cleared journal's new epoch with the old journal's next seq, and dropped
    # every new event below that seq as already delivered.
    device = connect(serial, adb.server)
    helper = Helper(device)
    for job_id in range(1, 6):  # the old journal's next seq is well above the new one's events
        helper.schedule(JobSpec(job_id, requires_charging=True))
    with Session(device, from_seq=helper.info().journal_next_seq) as session:
        old_epoch = session.helper.info().journal_epoch
        device.shell(["pm", "clear", HELPER_PACKAGE], check=True)
        for job_id in (6, 7):
            helper.schedule(JobSpec(job_id, requires_charging=True))
        seventh = session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED and e.job_id == 7, 20)
        (notice,) = session.events.notices()
    assert [e.job_id for e in session.log.snapshot() if e.kind is EventKind.SCHEDULED] == [6, 7]
    assert isinstance(notice, EpochChanged) and notice.previous == old_epoch and notice.current == seventh.epoch
    assert seventh.seq <= 3


def test_a_session_takes_the_epoch_its_seq_counts_in(adb: PrivateAdbServer, serial: str) -> None:
    device = connect(serial, adb.server)
    helper = Helper(device)
    start = helper.info()
    device.shell(["pm", "clear", HELPER_PACKAGE], check=True)
    helper.schedule(JobSpec(1, requires_charging=True))
    with Session(device, from_seq=start.journal_next_seq, epoch=start.journal_epoch) as session:
        first = session.log.wait_for(lambda e: e.kind is EventKind.SCHEDULED and e.job_id == 1, 20)
        (notice,) = session.events.notices()
    assert isinstance(notice, EpochChanged) and notice.previous == start.journal_epoch
    assert notice.current == first.epoch != start.journal_epoch


def test_a_session_refuses_an_epoch_without_the_seq_it_counts(adb: PrivateAdbServer, serial: str) -> None:
    with pytest.raises(ValueError, match="give from_seq too"):
        Session(connect(serial, adb.server), epoch="0123abcd")
