"""The log buffer and the logcat command."""

from __future__ import annotations

import asyncio
import contextlib
import calendar
import time

from jobctl_sim.native.clock import VirtualClock
from jobctl_sim.device import DeviceConfig, VirtualDevice
from jobctl_sim.native.logcat.buffer import LogBuffer, LogEntry
from jobctl_sim.native.logcat.formats import LogFormat, format_entry
from jobctl_sim.native.streams import BufferOutput, InputStream

STAMP = calendar.timegm((2024, 3, 9, 14, 5, 6)) + 0.789


def entry(**kw: object) -> LogEntry:
    base: dict[str, object] = dict(time=STAMP, pid=1234, tid=1240, priority="I", tag="JobTag",
                                   message="hello", seq=1)
    base.update(kw)
    return LogEntry(**base)  # type: ignore[arg-type]


def device_with(*entries: tuple[str, str, str]) -> VirtualDevice:
    dev = VirtualDevice(DeviceConfig(serial="emulator-test"))
    for prio, tag, msg in entries:
        dev.log.write(prio, tag, msg, pid=100, tid=101)
    return dev


def dump(dev: VirtualDevice, command: str) -> tuple[str, bytes, int]:
    result = asyncio.run(dev.shell(command))
    return result.text, result.stderr, result.exit_code


# --------------------------------------------------------------------------- formats (logprint.cpp)

def test_threadtime_format() -> None:
    assert format_entry(entry(), LogFormat()) == "03-09 14:05:06.789  1234  1240 I JobTag  : hello\n"


def test_brief_format() -> None:
    assert format_entry(entry(), LogFormat("brief")) == "I/JobTag  ( 1234): hello\n"


def test_time_format() -> None:
    assert format_entry(entry(), LogFormat("time")) == "03-09 14:05:06.789 I/JobTag  ( 1234): hello\n"


def test_epoch_modifier() -> None:
    line = format_entry(entry(), LogFormat(epoch=True))
    assert line == f"{int(STAMP):19d}.789  1234  1240 I JobTag  : hello\n"


def test_other_verbs_and_modifiers() -> None:
    assert format_entry(entry(), LogFormat("tag")) == "I/JobTag  : hello\n"
    assert format_entry(entry(), LogFormat("process")) == "I( 1234) hello  (JobTag)\n"
    assert format_entry(entry(), LogFormat("thread")) == "I( 1234: 1240) hello\n"
    assert format_entry(entry(), LogFormat("raw")) == "hello\n"
    assert format_entry(entry(), LogFormat(year=True)).startswith("2024-03-09 14:05:06.789 ")
    assert format_entry(entry(), LogFormat(usec=True)).startswith("03-09 14:05:06.789000 ")
    assert format_entry(entry(), LogFormat("long")) == "[ 03-09 14:05:06.789  1234: 1240 I/JobTag   ]\nhello\n\n"


def test_long_tags_are_not_truncated() -> None:
    line = format_entry(entry(tag="JobSchedulerService"), LogFormat())
    assert " I JobSchedulerService: hello" in line


def test_multiline_message_repeats_the_prefix() -> None:
    out = format_entry(entry(message="a\nb\n"), LogFormat("brief"))
    assert out == "I/JobTag  ( 1234): a\nI/JobTag  ( 1234): b\n"


# --------------------------------------------------------------------------- the command

def test_dump_prints_the_main_divider_first() -> None:
    dev = device_with(("I", "A", "one"), ("W", "B", "two"))
    text, _, code = dump(dev, "logcat -d")
    lines = text.splitlines()
    assert code == 0
    assert lines[0] == "--------- beginning of main"
    assert lines[1].endswith("  100   101 I A       : one")
    assert lines[2].endswith("  100   101 W B       : two")


def test_empty_dump_prints_nothing() -> None:
    dev = device_with()
    assert dump(dev, "logcat -d") == ("", b"", 0)


def test_clear_empties_the_buffer() -> None:
    dev = device_with(("I", "A", "one"))
    assert dump(dev, "logcat -c")[2] == 0
    assert dump(dev, "logcat --clear")[2] == 0
    assert dev.log.entries() == []


def test_silence_then_tag_filter() -> None:
    dev = device_with(("I", "A", "one"), ("D", "B", "two"), ("V", "B", "three"))
    text, _, _ = dump(dev, "logcat -d -s B")
    assert [line.split(": ", 1)[1] for line in text.splitlines()[1:]] == ["two", "three"]
    text, _, _ = dump(dev, "logcat -d B:D '*:S'")
    assert [line.split(": ", 1)[1] for line in text.splitlines()[1:]] == ["two"]


def test_priority_filter_on_all_tags() -> None:
    dev = device_with(("V", "A", "v"), ("D", "A", "d"), ("W", "A", "w"), ("E", "B", "e"))
    text, _, _ = dump(dev, "logcat -d '*:W'")
    assert [line.rsplit(": ", 1)[1] for line in text.splitlines()[1:]] == ["w", "e"]


def test_brief_via_dash_v() -> None:
    dev = device_with(("E", "Tag", "boom"))
    text, _, _ = dump(dev, "logcat -d -v brief")
    assert text == "--------- beginning of main\nE/Tag     (  100): boom\n"


def test_tail_prints_last_n_and_exits() -> None:
    dev = device_with(*[("I", "T", f"m{i}") for i in range(10)])
    text, _, code = dump(dev, "logcat -t 3")
    assert code == 0
    assert [line.rsplit(": ", 1)[1] for line in text.splitlines()[1:]] == ["m7", "m8", "m9"]


def test_regex_filter() -> None:
    dev = device_with(("I", "T", "apple"), ("I", "T", "banana"))
    text, _, _ = dump(dev, "logcat -d -e ban")
    assert text.endswith(": banana\n") and "apple" not in text


def test_buffer_option_accepted_and_selects() -> None:
    dev = device_with(("I", "T", "main-entry"))
    dev.log.write("I", "Sys", "system-entry", buffer="system")
    text, _, _ = dump(dev, "logcat -d -b main")
    assert "main-entry" in text and "system-entry" not in text
    text, _, _ = dump(dev, "logcat -d -b all")
    assert "--------- beginning of system" in text
    assert dump(dev, "logcat -d -b events")[2] == 0


def test_unknown_option_and_bad_arguments() -> None:
    dev = device_with()
    assert dump(dev, "logcat -x") == ("", b"logcat: Unknown option '-x'.\n", 1)
    assert dump(dev, "logcat -v nonsense") == ("", b"logcat: Invalid -v 'nonsense'.\n", 1)
    assert dump(dev, "logcat -b nope") == ("", b"logcat: Unknown -b buffer 'nope'.\n", 1)
    assert dump(dev, "logcat -d Tag:Q") == ("", b"logcat: Invalid filter expression 'Tag:Q'.\n", 1)
    assert dump(dev, "logcat -v")[1] == b"logcat: Option '-v' needs an argument.\n"


def _follow(command: str, writes: list[str], hang_after: float = 0.1) -> tuple[str, int, VirtualDevice]:
    async def go() -> tuple[str, int, VirtualDevice]:
        dev = device_with(*[("I", "Old", f"old{i}") for i in range(5)])
        out = BufferOutput()
        hangup = asyncio.Event()
        loop = asyncio.get_running_loop()

        def produce() -> None:
            for message in writes:
                dev.log.write("I", "New", message, pid=7, tid=7)

        loop.call_later(0.02, produce)
        loop.call_later(hang_after, hangup.set)
        code = await asyncio.wait_for(
            dev.run_shell(command, InputStream.of(), out, BufferOutput(), hangup), timeout=5
        )
        return out.getvalue().decode(), code, dev

    return asyncio.run(go())


def test_follow_streams_new_entries_and_stops_on_hangup() -> None:
    text, code, dev = _follow("logcat", ["live1", "live2"])
    assert code == 0
    assert text.splitlines()[0] == "--------- beginning of main"
    assert "old0" in text and text.rstrip().endswith(": live2")
    assert dev.log.waiters == 0


def test_tail_then_follow() -> None:
    text, _, dev = _follow("logcat -T 2", ["live"])
    messages = [line.rsplit(": ", 1)[1] for line in text.splitlines()[1:]]
    assert messages == ["old3", "old4", "live"]
    assert dev.log.waiters == 0


def test_overflow_counts_dropped_entries() -> None:
    log = LogBuffer(VirtualClock(), capacity=3)
    for i in range(5):
        log.write("I", "T", str(i))
    assert [e.message for e in log.entries()] == ["2", "3", "4"]
    assert log.dropped == 2
    assert [e.seq for e in log.entries()] == [3, 4, 5]


def test_follower_releases_its_waiter_when_closed_early() -> None:
    async def go() -> int:
        log = LogBuffer(VirtualClock())
        stop = asyncio.Event()
        gen = log.follow(0, stop)
        task = asyncio.ensure_future(gen.__anext__())
        await asyncio.sleep(0.01)
        assert log.waiters == 1
        stop.set()
        with contextlib.suppress(StopAsyncIteration):
            await task
        await gen.aclose()
        return log.waiters

    assert asyncio.run(go()) == 0


def test_entries_use_the_virtual_wall_clock() -> None:
    clock = VirtualClock()
    log = LogBuffer(clock)
    written = log.write("D", "T", "x", pid=5)
    assert abs(written.time - time.time()) < 5
    assert written.tid == 5
