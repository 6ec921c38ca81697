"""Who wrote a log line and who may read it: logd records the writer's uid and pid (the kernel's
credentials, not the writer's word), the ``uid`` format modifier prints it, ``--pid``/``--uid``
filter on it, and an app reading logcat sees only its own lines (AOSP ``system/logging``:
``logd/LogListener.cpp``, ``LogBuffer::flushTo``, ``liblog/logprint.cpp``, ``logcat/logcat.cpp``)."""

from __future__ import annotations

import calendar
import re

import pytest

from jobctl_sim.device import ShellResult, VirtualDevice
from jobctl_sim.native.logcat.buffer import LogEntry
from jobctl_sim.native.logcat.formats import LogFormat, format_entry
from tests.jobctl_sim.android_model import make, sh
from tests.support.apk import build_apk

STAMP = calendar.timegm((2024, 3, 9, 14, 5, 6)) + 0.789
APP_A, APP_B = "org.example.writer", "org.example.reader"


def entry(uid: int) -> LogEntry:
    return LogEntry(time=STAMP, pid=1234, tid=1240, priority="I", tag="jobctl", message="m", seq=1, uid=uid)


def device(api: int = 34) -> tuple[VirtualDevice, dict[str, int]]:
    """A device with two debuggable apps (so ``run-as`` can act as each); their uids by package."""
    dev, system = make(api)
    for package in (APP_A, APP_B):
        dev.fs.write_bytes("/data/local/tmp/app.apk", build_apk(package))
        assert sh(dev, "pm install -r -t /data/local/tmp/app.apk").text == "Success\n"
    uids = {}
    for package in (APP_A, APP_B):
        facts = system.packages.get(package)
        assert facts is not None
        uids[package] = facts.uid
    return dev, uids


def uid_column(uid: int) -> str:
    """What ``-v uid`` prints for an app uid: ``u0_aN`` when that is 5 letters, else the number."""
    name = f"u{uid // 100000}_a{uid % 100000 - 10000}"
    return name if len(name) <= 5 else str(uid)


def lines(result: ShellResult) -> list[str]:
    return [line for line in result.text.splitlines() if not line.startswith("---------")]


# --------------------------------------------------------------------------- the uid modifier

def test_the_uid_modifier_prints_short_user_names_and_numbers_for_everyone_else() -> None:
    fmt = LogFormat(uid=True)
    assert format_entry(entry(10123), fmt) == "03-09 14:05:06.789 10123  1234  1240 I jobctl  : m\n"
    assert format_entry(entry(2000), fmt) == "03-09 14:05:06.789 shell  1234  1240 I jobctl  : m\n"
    assert format_entry(entry(0), fmt) == "03-09 14:05:06.789  root  1234  1240 I jobctl  : m\n"
    assert format_entry(entry(1000), fmt) == "03-09 14:05:06.789  1000  1234  1240 I jobctl  : m\n"  # "system": 6
    assert format_entry(entry(10005), fmt) == "03-09 14:05:06.789 u0_a5  1234  1240 I jobctl  : m\n"  # 5 letters


def test_the_uid_modifier_sits_in_each_verbs_pid_field_and_not_in_tag_or_raw() -> None:
    def line(verb: str) -> str:
        return format_entry(entry(10123), LogFormat(verb, uid=True))

    assert line("brief") == "I/jobctl  (10123: 1234): m\n"
    assert line("time") == "03-09 14:05:06.789 I/jobctl  (10123: 1234): m\n"
    assert line("process") == "I(10123: 1234) m  (jobctl)\n"
    assert line("thread") == "I(10123: 1234: 1240) m\n"
    assert line("long") == "[ 03-09 14:05:06.789 10123: 1234: 1240 I/jobctl   ]\nm\n\n"
    assert line("tag") == "I/jobctl  : m\n"
    assert line("raw") == "m\n"


def test_a_uid_the_reader_was_not_sent_prints_as_six_spaces() -> None:
    text = format_entry(entry(10123), LogFormat(uid=True), uid_sent=False)
    assert text == "03-09 14:05:06.789        1234  1240 I jobctl  : m\n"


# --------------------------------------------------------------------------- writers

def test_log_writes_as_the_caller_whoever_the_message_claims_to_be() -> None:
    dev, uids = device()
    sh(dev, "log -t jobctl '{\"seq\":1,\"kind\":\"stopped\"}'")
    sh(dev, f"run-as {APP_A} log -t jobctl from-app")
    shown = lines(sh(dev, "logcat -d -v uid -s jobctl"))
    assert [re.split(r"\s+", line.strip())[2] for line in shown] == ["shell", uid_column(uids[APP_A])]
    assert shown[0].endswith(': {"seq":1,"kind":"stopped"}')
    entries = [e for e in dev.log.entries() if e.tag == "jobctl"]
    assert [e.uid for e in entries] == [2000, uids[APP_A]]
    assert len({e.pid for e in entries}) == 2


def test_the_helper_logs_its_events_with_its_own_uid_and_pid() -> None:
    import asyncio

    import jobctl_sim.assembly
    from jobctl_sim.apps.helper import PACKAGE
    from jobctl_sim.device import DeviceConfig

    async def body() -> None:
        dev = VirtualDevice(DeviceConfig(serial="helper", api_level=34, speed=1000.0),
                            extensions=[jobctl_sim.assembly.install_android])
        system = dev.android
        assert system is not None
        broadcast = (f"am broadcast -a dev.jobctl.helper.COMMAND -n {PACKAGE}/.CommandReceiver "
                     "--include-stopped-packages --es req '{\"v\":1,\"cmd\":\"info\"}'")
        assert "result=" in (await dev.shell(broadcast)).text
        facts = system.packages.get(PACKAGE)
        assert facts is not None
        events = [e for e in dev.log.entries() if e.tag == "jobctl" and e.message.startswith("{")]
        assert events, "the helper published no event"
        assert {(e.uid, e.pid) for e in events} == {(facts.uid, system.activity.processes[PACKAGE].pid)}

    asyncio.run(body())


# --------------------------------------------------------------------------- readers

def test_an_app_reads_only_its_own_lines_and_the_shell_reads_everyone_s() -> None:
    dev, _ = device()
    sh(dev, f"run-as {APP_A} log -t jobctl from-a")
    sh(dev, f"run-as {APP_B} log -t jobctl from-b")
    sh(dev, "log -t jobctl from-shell")
    assert [line.split(": ", 1)[1] for line in lines(sh(dev, "logcat -d -s jobctl"))] == [
        "from-a", "from-b", "from-shell"]
    assert lines(sh(dev, f"run-as {APP_B} logcat -d -v raw -s jobctl")) == ["from-b"]
    assert lines(sh(dev, f"run-as {APP_B} logcat -d -v raw")) == ["from-b"]  # no system lines either


def test_an_app_clearing_the_log_clears_only_its_own_lines() -> None:
    dev, _ = device()
    sh(dev, f"run-as {APP_A} log -t jobctl from-a")
    sh(dev, f"run-as {APP_B} log -t jobctl from-b")
    assert sh(dev, f"run-as {APP_B} logcat -c").exit_code == 0
    assert lines(sh(dev, "logcat -d -v raw -s jobctl")) == ["from-a"]
    assert sh(dev, "logcat -c").exit_code == 0
    assert lines(sh(dev, "logcat -d -v raw")) == []


@pytest.mark.parametrize(("api", "shown"), [(29, " " * 6), (30, "{uid:>5} ")])
def test_before_android_11_an_app_is_not_sent_the_uid_of_its_own_lines(api: int, shown: str) -> None:
    dev, uids = device(api)
    sh(dev, f"run-as {APP_A} log -t jobctl mine")
    (line,) = lines(sh(dev, f"run-as {APP_A} logcat -d -v threadtime,uid -s jobctl"))
    assert line[19:25] == shown.format(uid=uid_column(uids[APP_A]))
    (line,) = lines(sh(dev, "logcat -d -v threadtime,uid -s jobctl"))  # the shell always is
    assert line[19:25] == f"{uid_column(uids[APP_A]):>5} "


# --------------------------------------------------------------------------- --pid and --uid

def test_pid_filters_before_the_tail_is_counted_and_uid_after() -> None:
    dev, uids = device()
    sh(dev, f"run-as {APP_A} log -t jobctl a1")
    sh(dev, f"run-as {APP_A} log -t jobctl a2")
    sh(dev, "log -t jobctl s1")
    a2 = next(e for e in dev.log.entries() if e.message == "a2")
    assert lines(sh(dev, f"logcat -d -v raw -t 1 --pid={a2.pid}")) == ["a2"]
    assert lines(sh(dev, f"logcat -d -v raw -t 1 --uid={uids[APP_A]}")) == []  # the last line is the shell's
    assert lines(sh(dev, f"logcat -d -v raw -s jobctl --uid={uids[APP_A]},2000")) == ["a1", "a2", "s1"]
    assert lines(sh(dev, f"logcat -d -v raw -s jobctl --uid {uids[APP_A]}")) == ["a1", "a2"]
    assert lines(sh(dev, "logcat -d -v raw -s jobctl --uid=0x7d0")) == ["s1"]


def test_uid_and_pid_errors_are_logcat_s_own() -> None:
    dev, _ = device()
    for command, message in [
        ("logcat -d --uid=abc", "logcat: Unable to parse UID 'abc'\n"),
        ("logcat -d --uid=2000,", "logcat: Unable to parse UID ''\n"),
        ("logcat -d --uid=-1", "logcat: Unable to parse UID '-1'\n"),
        ("logcat -d --uid=4294967296", "logcat: Unable to parse UID '4294967296'\n"),
        ("logcat -d --pid=0", "logcat: pid 0 out of range.\n"),
        ("logcat -d --pid=12x", "logcat: pid 12x out of range.\n"),
        ("logcat -d --pid=1 --pid=2", "logcat: Only one --pid argument can be provided.\n"),
        ("logcat -d --pid", "logcat: Option '--pid' needs an argument.\n"),
    ]:
        result = sh(dev, command)
        assert (result.exit_code, result.stderr.decode(), result.text) == (1, message, ""), command


def test_uid_is_unknown_before_android_12_and_pid_errors_show_the_usage_before_android_11() -> None:
    dev30, _ = device(30)
    result = sh(dev30, "logcat -d --uid=2000")
    assert (result.exit_code, result.stderr) == (1, b"logcat: Unknown option '--uid=2000'.\n")
    dev29, _ = device(29)
    result = sh(dev29, "logcat -d --pid=x")
    assert result.exit_code == 1
    assert result.stderr.decode().startswith("pid x out of range\nUsage: logcat ")
    sh(dev29, "log -t jobctl s1")
    pid = next(e for e in dev29.log.entries() if e.message == "s1").pid
    assert lines(sh(dev29, f"logcat -d -v raw --pid=1 --pid={pid}")) == ["s1"]  # the last one counts
