"""bridge.parsers fed arbitrary device output: they return, or raise jobctl's
:class:`DeviceOutputError` -- never ``IndexError``, a bare ``ValueError`` from ``int()`` …"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bridge.errors import JobctlError
from bridge.parsers import (
    DeviceOutputError,
    parse_battery_dump,
    parse_job_state,
    parse_jobscheduler_dump,
    parse_uid,
)
from tests.fuzz.strategies import fuzz, text

HUGE = "9" * 5000
"""More digits than ``int()`` converts (Python's 4300-digit limit raises ``ValueError``)."""

DUMP_LINES = st.sampled_from([
    "Registered 3 jobs:", f"Registered {HUGE} jobs:", "  JOB #u0a190/5: 9d2b8a5 dev.jobctl.helper/.HelperJobService",
    "  JOB ns:u0a190/7: 1f dev.jobctl.helper/.HelperJobService", "  JOB #u0a190/٣: ab x/.S",
    f"  JOB #1/{HUGE}: ab x/.S", "  JOB #u0a99999999999/2: abc x/.S", "    Required constraints: CHARGING [0x1]",
    "    Satisfied constraints: [0xZZ]", "    Unsatisfied constraints: [0x] X", "    Num failures: x",
    "    Num failures: 3", f"    Num failures: {HUGE}", "    Priority: 500", f"    Priority: {HUGE}",
    f"    Backoff: policy={HUGE} initial=+30s0ms", "    Backoff: policy=1 initial=+30s0ms",
    "    PERIODIC: interval=+15m0s0ms flex=+5m", "    Trigger content URIs:", "      1 content://x",
    "    Pending work:", "      #0: #1 1x", "    Source: uid=u0a1 user=0 pkg=x",
    "    Source: uid=u99999999999a1 user=0 pkg=x",
    "    u0a1 tag=foo#5", "    Ready: true", "    Standby bucket: ", "    Tracking: A B", "    Service: x/y",
    "    Minimum latency: +1s", "Pending queue:", "  Pending #0: #u0a1/3 x", "Active jobs:",
    "  Slot #1: ns x:1000/5 a", "  ID=1: #u0a99999999999999999/1 x", "Job history:",
    "   -1d02h58m34s465ms START: #u0a1/2 x", f"   -1s STOP-P: #u0a1/{HUGE} x reason", "Battery charging: true",
    "Battery not low:", "", " ", "\t", "\r"])
BATTERY_LINES = st.sampled_from([
    "Current Battery Service state:", "  AC powered: true", "  USB powered: maybe", "  level: 5x", "  level",
    f"  level: {HUGE}", "  temperature: --5", "  temperature: -50", "  voltage: \uff15", "  scale: 100",
    "  (UPDATES STOPPED -- use 'reset' to restart)", "  technology: Li-ion", "OPLUS:", " Time when …: 5", ""])


def _lines(fragments: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(fragments | fragments.map(lambda f: "  " + f) | text, max_size=25).map("\n".join)


@fuzz(300)
@given(_lines(DUMP_LINES) | st.text())
@example("Registered 1 jobs:\n  JOB #u0a1/2: abc dev.jobctl.helper/.S\n    Num failures: x\n")
@example("Registered 1 jobs:\n  JOB #u0a1/2: abc dev.jobctl.helper/.S\n    Required constraints: [0xZZ]\n")
def test_a_jobscheduler_dump_never_raises(text_: str) -> None:
    """The dump parser is tolerant by design: whatever it does not understand is skipped."""
    dump = parse_jobscheduler_dump(text_)
    assert all(isinstance(job.job_id, int) and isinstance(job.uid, int) for job in dump.jobs)


@fuzz(300)
@given(_lines(BATTERY_LINES) | st.text())
def test_a_battery_dump_parses_or_says_its_header_is_missing(text_: str) -> None:
    try:
        battery = parse_battery_dump(text_)
    except DeviceOutputError:
        assert "Current Battery Service state:" not in [line.strip() for line in text_.splitlines()]
        return
    assert battery.level is None or isinstance(battery.level, int)


@fuzz(200)
@given(st.lists(st.sampled_from(["pending", "active", "ready", "waiting", "unknown(u0a1/jid2)", "unknown(",
                                 "\n", " ", "backing-up"]) | text, max_size=5).map(" ".join))
def test_job_state_output_parses_or_is_a_device_output_error(text_: str) -> None:
    try:
        state = parse_job_state(text_)
    except DeviceOutputError:
        assert not text_.split()
        return
    assert state.exists == (state.unknown is None)


@fuzz(300)
@given(st.text() | st.from_regex(r"u[0-9]{1,12}[asix][0-9]{1,12}", fullmatch=True) | st.sampled_from(
    ["²", "١٢", "u0a1\n", "1" * 5000, "u\u0660a1"]))
def test_a_uid_parses_or_is_a_device_output_error(printed: str) -> None:
    try:
        uid = parse_uid(printed)
    except DeviceOutputError as error:
        assert isinstance(error, JobctlError) and isinstance(error, ValueError)
        return
    assert isinstance(uid, int) and uid >= 0


@pytest.mark.parametrize(("printed", "uid"), [("u0a183", 10183), ("u10s1000", 1001000), ("u0i5", 99005),
                                              ("1000", 1000)])
def test_printed_uids_still_parse(printed: str, uid: int) -> None:
    assert parse_uid(printed) == uid


def test_unparseable_output_is_a_jobctl_error_the_cli_prints_in_one_line() -> None:
    """Callers that caught ValueError keep working; the CLI, which catches JobctlError, no longer
    prints a traceback for an empty ``get-job-state`` answer or a battery dump without its header."""
    for parse, output in ((parse_job_state, " \n"), (parse_battery_dump, "Can't find service: battery\n")):
        with pytest.raises(DeviceOutputError) as raised:
            parse(output)
        assert isinstance(raised.value, JobctlError) and len(str(raised.value).splitlines()) == 1
