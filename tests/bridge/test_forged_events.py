"""Events cannot be forged or hidden by other writers of the ``jobctl`` tag: another app (through
``run-as`` of a debuggable sample app), the shell (``log -t jobctl``) and even the helper's own uid
from another process are not believed -- only the helper's lines and its journal are -- and bad
lines are counted and reported once, without making the reader reconnect."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import Device, connect
from bridge.events import EventStream, IgnoredLineReason, LinesIgnored
from bridge.helper import Helper
from bridge.helper_protocol import HELPER_PACKAGE, parse_journal
from bridge.helper_protocol.journal import logcat_uid_column, parse_logcat_entry
from bridge.model import EventKind, JobEvent, JobSpec

OTHER_APP = "org.example.tiny"


def _forged(stream: EventStream, seq: int | None = None, kind: str = "stopped") -> str:
    """A line that looks exactly like the helper's next event."""
    event = {"seq": stream.next_seq if seq is None else seq, "elapsed_ms": 1, "wall_ms": 2, "kind": kind,
             "job_id": 1, "namespace": None, "stop_reason": 1, "reschedule": False}
    if stream.epoch is not None:
        event["epoch"] = stream.epoch
    return json.dumps(event, separators=(",", ":"))


def _events(stream: EventStream, count: int, timeout: float = 20) -> list[JobEvent]:
    got: list[JobEvent] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        event = stream.get(timeout=0.2)
        if event is not None:
            got.append(event)
    return got


def _wait(condition: Callable[[], bool], what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _install_other_app(device: Device, apk: Path) -> None:
    device.install(str(apk), replace=True)
    assert device.shell(["run-as", OTHER_APP, "id", "-u"], check=True).text.strip().isdigit()


def test_a_forged_stopped_line_from_the_shell_is_not_delivered_and_the_real_event_is(
        adb: PrivateAdbServer, serial: str) -> None:
    device = connect(serial, adb.server)
    helper = Helper(device)
    with EventStream(helper) as stream:
        first = stream.next_seq
        device.shell(["log", "-t", "jobctl", _forged(stream)], check=True)  # uid 2000
        _wait(lambda: stream.ignored_lines[IgnoredLineReason.FOREIGN] >= 1, "the forged line to be seen")
        helper.schedule(JobSpec(1, requires_charging=True))
        got = _events(stream, 1)
        assert [(e.seq, e.kind) for e in got] == [(first, EventKind.SCHEDULED)]
        assert stream.get(timeout=0.5) is None  # and nothing else: the forged stop never arrives
    (notice,) = stream.notices()
    assert isinstance(notice, LinesIgnored) and notice.reason is IgnoredLineReason.FOREIGN
    assert notice.uid == "shell"


def test_another_app_cannot_forge_events_or_hide_the_helper_s(adb: PrivateAdbServer, serial: str,
                                                                tiny_apk: Path) -> None:
    device = connect(serial, adb.server)
    _install_other_app(device, tiny_apk)
    helper = Helper(device)
    with EventStream(helper) as stream:
        first = stream.next_seq
        for seq in (first, first + 1, first + 50):  # the next one, the one after, one far ahead
            device.shell(["run-as", OTHER_APP, "log", "-t", "jobctl", _forged(stream, seq)], check=True)
        _wait(lambda: stream.ignored_lines[IgnoredLineReason.FOREIGN] >= 3, "the forged lines to be seen")
        helper.schedule(JobSpec(1, requires_charging=True))
        helper.cancel(1)
        got = _events(stream, 2)
        assert [(e.seq, e.kind) for e in got] == [(first, EventKind.SCHEDULED), (first + 1, EventKind.CANCELLED)]
        assert stream.get(timeout=0.5) is None
        assert stream.reconnects == 0
    foreign = [n for n in stream.notices() if isinstance(n, LinesIgnored)]
    assert len(foreign) == 1 and foreign[0].reason is IgnoredLineReason.FOREIGN  # said once, counted thrice


def test_a_line_of_the_helper_s_uid_from_another_process_needs_the_journal_s_word(
        adb: PrivateAdbServer, serial: str) -> None:
    device = connect(serial, adb.server)
    helper = Helper(device)
    with EventStream(helper) as stream:
        first = stream.next_seq
        # run-as gives the helper's uid, not its process: the journal does not have this event
        device.shell(["run-as", HELPER_PACKAGE, "log", "-t", "jobctl", _forged(stream)], check=True)
        _wait(lambda: stream.ignored_lines[IgnoredLineReason.UNCONFIRMED] >= 1, "the forged line to be checked")
        helper.schedule(JobSpec(1, requires_charging=True))
        got = _events(stream, 1)
        assert [(e.seq, e.kind) for e in got] == [(first, EventKind.SCHEDULED)]
        assert stream.get(timeout=0.5) is None
        assert stream.ignored_lines[IgnoredLineReason.FOREIGN] == 0


def test_malformed_lines_are_counted_and_reported_once_without_a_reconnect_storm(
        adb: PrivateAdbServer, serial: str) -> None:
    device = connect(serial, adb.server)
    helper = Helper(device)
    with EventStream(helper) as stream:
        first = stream.next_seq
        device.shell(["log", "-t", "jobctl", '{"seq": oops'], check=True)
        for _ in range(3):
            device.shell(["run-as", HELPER_PACKAGE, "log", "-t", "jobctl", '{"seq": oops'], check=True)
        _wait(lambda: stream.ignored_lines[IgnoredLineReason.MALFORMED] >= 3, "the malformed lines to be seen")
        helper.schedule(JobSpec(1, requires_charging=True))
        got = _events(stream, 1)
        # the reader kept reading: before, one bad line reconnected it every 0.2 s, forever
        time.sleep(1.0)  # long enough for several reconnects of the old reader
        assert stream.reconnects == 0
        assert stream.rechecks <= 3
    assert [(e.seq, e.kind) for e in got] == [(first, EventKind.SCHEDULED)]
    reasons = [n.reason for n in stream.notices() if isinstance(n, LinesIgnored)]
    assert sorted(r.value for r in reasons) == ["foreign", "malformed"]
    assert stream.ignored_lines[IgnoredLineReason.MALFORMED] == 3


# --------------------------------------------------------------------------- the line format, no device

def test_a_threadtime_uid_line_gives_its_writer_and_message() -> None:
    line = parse_logcat_entry('12-06 09:37:56.123 10123  4216  4220 I jobctl  : {"seq":1}\r\n')
    assert line is not None and (line.uid, line.pid, line.tid, line.priority, line.tag, line.message) == (
        "10123", 4216, 4220, "I", "jobctl", '{"seq":1}')
    shell = parse_logcat_entry("12-06 09:37:56.123 shell  5001  5001 W jobctl  : a: b")
    assert shell is not None and (shell.uid, shell.message) == ("shell", "a: b")
    assert parse_logcat_entry("--------- beginning of main") is None
    assert parse_logcat_entry('{"seq":1}') is None  # a raw line says nothing of its writer
    assert parse_logcat_entry("12-06 09:37:56.123        4216  4216 I jobctl  : x") is None  # no uid sent


def test_the_uid_column_is_the_number_unless_bionic_s_name_fits_in_five() -> None:
    assert [logcat_uid_column(uid) for uid in (10123, 10005, 1010005, 1010123)] == [
        "10123", "u0_a5", "1010005", "1010123"]


def test_an_event_keeps_its_epoch_and_refuses_a_bad_one() -> None:
    line = '{"seq":3,"elapsed_ms":1,"wall_ms":2,"kind":"reset","epoch":"00112233445566ff"}'
    event = JobEvent.from_json(line)
    assert event.epoch == "00112233445566ff" and event.get("epoch") == event.epoch and "epoch" not in event.fields
    assert json.dumps(event.to_json_object(), separators=(",", ":")) == line
    assert JobEvent.from_json('{"seq":3,"elapsed_ms":1,"wall_ms":2,"kind":"reset"}').epoch is None
    for bad in ('"00112233445566FF"', '"0011"', "7", "null"):
        text = line.replace('"00112233445566ff"', bad)
        if bad == "null":
            assert JobEvent.from_json(text).epoch is None
            continue
        with pytest.raises(ValueError, match="epoch"):
            JobEvent.from_json(text)


def test_the_journal_names_its_epoch_and_the_helper_process_that_started_last() -> None:
    epoch = "0123456789abcdef"
    text = "".join(
        f'{{"seq":{seq},"elapsed_ms":1,"wall_ms":2,"kind":"{kind}"{extra},"epoch":"{epoch}"}}\n'
        for seq, kind, extra in [(1, "process_started", ',"pid":100'), (2, "reset", ""),
                                 (3, "process_started", ',"pid":200'), (4, "reset", "")])
    readback = parse_journal(text, from_seq=4)
    assert [e.seq for e in readback.events] == [4]
    assert (readback.epoch, readback.helper_pid) == (epoch, 200)
    assert [e.seq for e in readback.since(2).events] == [2, 3, 4]
    assert parse_journal("").epoch is None and parse_journal("").helper_pid is None
