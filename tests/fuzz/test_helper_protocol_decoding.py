"""The host side of the helper protocol fed garbled helper output.

Whatever ``am broadcast``, the journal or logcat print, decoding raises
:class:`HelperProtocolError` or :class:`HelperError` (never ``KeyError``, ``TypeError``,
``AttributeError``, ``RecursionError`` …), and a decoded result has the types it promises.
"""

from __future__ import annotations

import contextlib
import json
import shlex
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bridge.errors import HelperError, HelperProtocolError
from bridge.helper_protocol import (
    PendingReasons,
    Command,
    EnqueueResult,
    InfoResult,
    JobRef,
    JournalResult,
    PendingJob,
    canonical_json,
    decode_item_script,
    decode_job_script,
    decode_result,
    decode_response,
    parse_journal,
    parse_logcat_line,
    response_from_broadcast,
    shell_quote,
)
from bridge.model import JobEvent
from tests.fuzz.strategies import fuzz, json_values, text

RESULT_KEYS = st.sampled_from([
    "v", "ok", "id", "result", "error", "code", "message", "type", "details", "job_id", "namespace", "enqueued",
    "scope", "jobs", "events", "next_seq", "first_seq", "journal", "package", "helper_version", "version_code",
    "protocol_version", "protocol_versions", "api_level", "cleared_journal", "dropped_before_seq", "seq",
    "elapsed_ms", "wall_ms", "kind", "pending_reason", "periodic", "priority", "requires_network", "persisted",
    "interval_ms", "flex_ms", "min_latency_ms", "override_deadline_ms"])
HELPER_JSON = json_values(RESULT_KEYS, max_leaves=16)

INFO = {"package": "dev.jobctl.helper", "helper_version": "1.1", "version_code": 1001, "protocol_version": 1,
        "protocol_versions": [1], "api_level": 34, "journal": {"first_seq": 1, "next_seq": 6}}
JOB = {"job_id": 1, "namespace": None, "pending_reason": 9, "periodic": False, "interval_ms": 0, "flex_ms": 0,
       "min_latency_ms": 0, "override_deadline_ms": 0, "persisted": False, "expedited": False,
       "user_initiated": False, "prefetch": False, "priority": 300, "requires_network": True,
       "estimated_download_bytes": -1, "estimated_upload_bytes": -1}
EVENT = {"seq": 3, "elapsed_ms": 10, "wall_ms": 1700000000000, "kind": "stopped", "job_id": 1, "namespace": None,
         "stop_reason": 6, "reschedule": False}
GOOD_RESULTS: dict[Command, dict[str, Any]] = {
    Command.INFO: INFO,
    Command.SCHEDULE: {"job_id": 1, "namespace": "ns"},
    Command.ENQUEUE: {"job_id": 1, "namespace": None, "enqueued": 3},
    Command.CANCEL: {"job_id": 1, "namespace": None},
    Command.CANCEL_ALL: {"scope": "all", "namespace": None},
    Command.LIST: {"jobs": [JOB]},
    Command.JOURNAL: {"events": [EVENT], "next_seq": 4, "first_seq": 1},
    Command.RESET: {"cleared_journal": True},
    Command.PENDING_REASONS: {"job_id": 1, "namespace": None, "reason": 5, "reasons": [5, 6],
                              "history": [{"timestamp_ms": 1700000000000, "reasons": [5, 6]}],
                              "stats": [{"reason": 5, "ms": 60000}]},
}


@st.composite
def garbled_results(draw: st.DrawFn) -> tuple[Command, Any]:
    """A command and its result: a real one with one value anywhere replaced or removed, or junk."""
    command = draw(st.sampled_from(list(Command)))
    result: Any = json.loads(json.dumps(GOOD_RESULTS[command]))
    node, key = result, None
    while isinstance(node, (dict, list)) and node and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(node))) if isinstance(node, dict) else draw(
            st.integers(0, len(node) - 1))
        if not isinstance(node[key], (dict, list)) or not node[key]:
            break
        node = node[key]
    if isinstance(node, dict) and node:
        key = draw(st.sampled_from(sorted(node)))
        if draw(st.booleans()):
            del node[key]
        else:
            node[key] = draw(HELPER_JSON)
    elif not draw(st.booleans()):
        result = draw(HELPER_JSON)
    return command, result


def _decoded_types_hold(value: Any) -> None:
    """A decoded result has the field types its dataclass promises."""
    if isinstance(value, InfoResult):
        assert all(isinstance(getattr(value, f), int) for f in ("version_code", "protocol_version", "api_level",
                                                                 "journal_first_seq", "journal_next_seq"))
        assert isinstance(value.package, str) and all(isinstance(v, int) for v in value.protocol_versions)
    elif isinstance(value, (JobRef, EnqueueResult)):
        assert isinstance(value.job_id, int) and (value.namespace is None or isinstance(value.namespace, str))
    elif isinstance(value, tuple):
        for job in value:
            assert isinstance(job, PendingJob) and isinstance(job.job_id, int) and isinstance(job.periodic, bool)
            assert job.priority is None or isinstance(job.priority, int)
    elif isinstance(value, JournalResult):
        assert all(isinstance(e, JobEvent) for e in value.events) and isinstance(value.next_seq, int)
    elif isinstance(value, PendingReasons):
        assert isinstance(value.job_id, int) and all(isinstance(r, int) for r in value.reasons or ())
        assert all(isinstance(e.timestamp_ms, int) for e in value.history or ())


@fuzz(250)
@given(garbled_results(), st.booleans())
def test_a_garbled_result_is_a_protocol_error_or_a_well_typed_value(case: tuple[Command, Any], ok: bool) -> None:
    command, result = case
    envelope = {"v": 1, "id": "h-1", "ok": True, "result": result} if ok else {
        "v": 1, "id": None, "ok": False, "error": result}
    try:
        decoded = decode_result(command, json.dumps(envelope))  # NaN and Infinity included
    except (HelperProtocolError, HelperError) as error:
        assert len(str(error).splitlines()) <= 1 or isinstance(error, HelperError)
        return
    assert ok
    _decoded_types_hold(decoded)


@pytest.mark.parametrize("command", list(Command))
def test_every_genuine_result_decodes(command: Command) -> None:
    """The garbling starts from results that decode, so the property above is not vacuous."""
    _decoded_types_hold(decode_result(command, canonical_json({"v": 1, "ok": True, "result": GOOD_RESULTS[command]})))


@fuzz(300)
@given(HELPER_JSON | text)
@example('{"v": 1, "ok": false, "error": [[]]}')
@example({"v": 1, "ok": False, "error": {"code": "x", "message": None, "type": {"a": 1}}})
@example("[" * 100_000 + "]" * 100_000)
def test_any_text_or_object_as_a_response_envelope_decodes_or_is_a_protocol_error(data: Any) -> None:
    try:
        response = decode_response(data if isinstance(data, (str, dict)) else json.dumps(data))
    except HelperProtocolError:
        return
    assert isinstance(response.version, int) and isinstance(response.ok, bool)
    assert response.ok == (response.error is None)
    if response.error is not None:
        assert isinstance(response.error.code, str)


@fuzz(300)
@given(st.lists(text | st.sampled_from([
    "Broadcasting: Intent { flg=0x400000 cmp=dev.jobctl.helper/.CommandReceiver (has extras) }",
    'Broadcast completed: result=1, data="{"v":1,"ok":true,"result":{"job_id":1}}"',
    'Broadcast completed: result=2, data="{"v":1,"ok":false,"error":{"code":"bad_request"}}"',
    'Broadcast completed: result=1, data="', "Broadcast completed: result=0", "Broadcast completed: result=-1",
    'Broadcast completed: result=99999999999999999999, data="{}"', "Error: Bad component name", "\r"]), max_size=4),
    st.sampled_from(list(Command)))
def test_any_am_broadcast_output_is_a_response_or_a_helper_error(lines: list[str], command: Command) -> None:
    with contextlib.suppress(HelperProtocolError, HelperError):
        decode_result(command, response_from_broadcast("\n".join(lines)))


@fuzz(200)
@given(st.lists(st.one_of(
    HELPER_JSON.map(lambda v: json.dumps(v)),
    st.fixed_dictionaries({"seq": st.integers(-2, 9) | HELPER_JSON, "elapsed_ms": st.integers(0, 9),
                           "wall_ms": st.integers(0, 9), "kind": st.sampled_from(["started", "dropped", "x"])},
                          optional={"job_id": HELPER_JSON, "namespace": HELPER_JSON,
                                    "log_truncated": HELPER_JSON, "before_seq": HELPER_JSON}).map(json.dumps),
    text), max_size=5), st.booleans(), st.integers(-1, 5))
def test_any_journal_text_parses_or_is_a_protocol_error(lines: list[str], complete: bool, from_seq: int) -> None:
    body = "\n".join(lines) + ("\n" if complete else "")
    try:
        readback = parse_journal(body, from_seq)
    except HelperProtocolError:
        pass
    else:
        assert all(e.seq >= from_seq and (e.job_id is None or isinstance(e.job_id, int)) for e in readback.events)
    for line in lines:
        try:
            event = parse_logcat_line(line)
        except HelperProtocolError:
            continue
        assert event is None or isinstance(event, JobEvent)


@fuzz(200)
@given(HELPER_JSON)
def test_any_script_object_decodes_or_is_a_protocol_error(obj: Any) -> None:
    for decode in (decode_job_script, decode_item_script):
        with contextlib.suppress(HelperProtocolError):
            decode(obj if isinstance(obj, dict) else {"steps": obj})


@fuzz(300)
@given(st.text())
@example("x'; touch /data/local/tmp/pwned; '")
@example("'\"'\"'$(id)`id`\\\n*")
def test_shell_quoting_gives_back_the_exact_text_as_one_word(value: str) -> None:
    """The host half of the injection proof (tests/security has the device half)."""
    assert shlex.split(f"am broadcast --es req {shell_quote(value)}")[-1] == value
