"""bridge.helper_protocol against PROTOCOL.md and the contract vectors in tests/contract/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bridge.errors import HelperError, HelperProtocolError
from bridge.helper_protocol import (
    Command,
    EnqueueResult,
    JobRef,
    broadcast_command,
    canonical_json,
    decode_result,
    decode_spec,
    decode_work_item,
    encode_spec,
    encode_work_item,
    enqueue_request,
    inbox_write_command,
    info_request,
    list_request,
    parse_broadcast_output,
    parse_journal,
    parse_logcat_line,
    response_from_broadcast,
    schedule_request,
)
from bridge.model import (
    Backoff,
    BackoffPolicy,
    ByteEstimate,
    EventKind,
    Finish,
    ItemScript,
    JobScript,
    JobSpec,
    NetworkType,
    PendingReason,
    Periodic,
    Priority,
    Sleep,
    Transfer,
    TriggerContentUri,
    Work,
    WorkItem,
)

CONTRACT = Path(__file__).resolve().parents[1] / "contract"


def _vectors() -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(CONTRACT.glob("*.json"))]


def _drop_defaults(obj: Any) -> Any:
    """A request SPEC with the fields the encoder omits (false flags) removed."""
    if isinstance(obj, dict):
        return {k: _drop_defaults(v) for k, v in obj.items() if v is not False or k in ("reschedule", "descendants")}
    if isinstance(obj, list):
        return [_drop_defaults(v) for v in obj]
    return obj


def _valid_specs() -> list[tuple[str, dict[str, Any], list[dict[str, Any]] | None]]:
    out = []
    for vector in _vectors():
        if vector["name"] == "bad_input":
            continue
        for step in vector["steps"]:
            req = step.get("request")
            if req and req.get("cmd") in ("schedule", "enqueue"):
                out.append((vector["name"], req["spec"], req.get("items")))
    return out


@pytest.mark.parametrize("name,spec,items", _valid_specs(), ids=[s[0] for s in _valid_specs()])
def test_contract_specs_round_trip(name: str, spec: dict[str, Any], items: list[dict[str, Any]] | None) -> None:
    assert encode_spec(decode_spec(spec)) == _drop_defaults(spec)
    for item in items or []:
        assert encode_work_item(decode_work_item(item)) == item


def test_encode_full_spec_in_table_order() -> None:
    spec = JobSpec(
        9, namespace="ns", network_type=NetworkType.UNMETERED, estimated_bytes=ByteEstimate(1000, 10),
        min_chunk_bytes=100, requires_charging=True, requires_storage_not_low=True, periodic=Periodic(900000, 300000),
        backoff=Backoff(20000, BackoffPolicy.LINEAR), persisted=True, priority=Priority.LOW,
        trigger_content_update_delay_ms=5, extras={"s": "v", "i": 3, "b": True, "f": 1.5},
        debug_tags=["x"], trace_tag="t",
        script=JobScript((Work(), Transfer(10, 1, 100, 2), Finish(True)), on_stop_reschedule=True))
    assert canonical_json(encode_spec(spec)) == (
        '{"job_id":9,"namespace":"ns","network_type":"unmetered","estimated_bytes":{"down":1000,"up":10},'
        '"min_chunk_bytes":100,"requires_charging":true,"requires_storage_not_low":true,'
        '"periodic":{"interval_ms":900000,"flex_ms":300000},"backoff":{"initial_ms":20000,"policy":"linear"},'
        '"persisted":true,"priority":"low","trigger_content_update_delay_ms":5,'
        '"extras":{"s":"v","i":3,"b":true,"f":1.5},"debug_tags":["x"],"trace_tag":"t",'
        '"script":{"steps":[{"op":"work"},{"op":"transfer","down":10,"up":1,"ms":100,"chunks":2},'
        '{"op":"finish","reschedule":true}],"on_stop_reschedule":true}}')
    assert decode_spec(encode_spec(spec)) == spec
    assert encode_spec(JobSpec(1, priority=450))["priority"] == 450
    assert encode_spec(JobSpec(1, trigger_content_uris=[TriggerContentUri("content://x", True)]))[
        "trigger_content_uris"] == [{"uri": "content://x", "descendants": True}]


def test_item_encoding_omits_defaults() -> None:
    item = WorkItem("a", ByteEstimate(100, 0), None, ItemScript((Sleep(50),)))
    assert encode_work_item(item) == {"tag": "a", "estimated_bytes": {"down": 100, "up": 0},
                                      "script": {"steps": [{"op": "sleep", "ms": 50}]}}
    assert encode_work_item(WorkItem("b", script=ItemScript((), complete=False))) == {
        "tag": "b", "script": {"steps": [], "complete": False}}


def test_request_envelopes_and_command_lines() -> None:
    assert info_request().to_json() == '{"v":1,"cmd":"info"}'
    req = schedule_request(JobSpec(7, extras={"q": "it's"}), request_id="h-1")
    assert req.to_json() == '{"v":1,"id":"h-1","cmd":"schedule","spec":{"job_id":7,"extras":{"q":"it\'s"}}}'
    assert broadcast_command(req) == (
        "am broadcast -a dev.jobctl.helper.COMMAND -n dev.jobctl.helper/.CommandReceiver "
        "--include-stopped-packages --es req "
        "'{\"v\":1,\"id\":\"h-1\",\"cmd\":\"schedule\",\"spec\":{\"job_id\":7,\"extras\":{\"q\":\"it'\\''s\"}}}'")
    assert list_request(all_namespaces=True).to_json() == '{"v":1,"cmd":"list","all_namespaces":true}'
    assert canonical_json({"s": "é\n"}) == '{"s":"\\u00e9\\n"}'
    big = enqueue_request(JobSpec(1), [WorkItem(f"item-{n}") for n in range(400)])
    assert big.needs_inbox and not req.needs_inbox
    with pytest.raises(ValueError):
        inbox_write_command("../x")


def test_broadcast_output_ok() -> None:
    out = ('Broadcasting: Intent { flg=0x400020 cmp=dev.jobctl.helper/.CommandReceiver (has extras) }\r\n'
           'Broadcast completed: result=1, data="{"v":1,"id":"h-7","ok":true,'
           '"result":{"job_id":1,"namespace":"a\\"b"}}"\r\n')
    found = parse_broadcast_output(out)
    assert found.result_code == 1
    assert decode_result(Command.SCHEDULE, response_from_broadcast(out)) == JobRef(1, 'a"b')


def test_broadcast_error_and_not_delivered() -> None:
    err = {"v": 1, "id": None, "ok": False, "error": {"code": "platform_exception", "message":
           "Apps may not schedule more than 150 distinct jobs", "type": "java.lang.IllegalStateException",
           "details": {"enqueued": 2}}}
    out = f'Broadcasting: Intent {{ }}\nBroadcast completed: result=2, data="{canonical_json(err)}"\n'
    with pytest.raises(HelperError) as info:
        decode_result("enqueue", response_from_broadcast(out))
    assert (info.value.code, info.value.java_type, info.value.message, info.value.details) == (
        "platform_exception", "java.lang.IllegalStateException",
        "Apps may not schedule more than 150 distinct jobs", {"enqueued": 2})
    with pytest.raises(HelperError) as info:
        response_from_broadcast("Broadcasting: Intent { }\nBroadcast completed: result=0\n")
    assert info.value.code == "not_delivered"
    with pytest.raises(HelperProtocolError):
        parse_broadcast_output("Error: Bad component name\n")


def test_contract_responses_decode() -> None:
    """Every expected response in the vectors decodes: ok ones to a result, others to HelperError."""
    seen = 0
    for vector in _vectors():
        for step in vector["steps"]:
            req, resp = step.get("request"), step.get("expect_response")
            if not isinstance(req, dict) or resp is None or req.get("cmd") not in {c.value for c in Command}:
                continue
            seen += 1
            if resp["ok"]:
                result = decode_result(req["cmd"], canonical_json(resp))
                if req["cmd"] == "enqueue":
                    assert isinstance(result, EnqueueResult)
                if req["cmd"] == "list":
                    for job in result:
                        assert job.pending_reason in (None, PendingReason.UNDEFINED)
            else:
                with pytest.raises(HelperError) as info:
                    decode_result(req["cmd"], resp)
                assert info.value.code == resp["error"]["code"]
    assert seen > 20


def _events_text() -> str:
    lines = []
    for vector in _vectors():
        if vector["name"] == "enqueue_run_redeliver":
            for step in vector["steps"]:
                lines += [canonical_json(e) for e in step.get("expect_events", [])]
    return "\n".join(lines) + "\n"


def test_journal_readback() -> None:
    text = _events_text()
    back = parse_journal(text + '{"seq":24,"elapsed', from_seq=3)
    assert [e.seq for e in back.events] == list(range(3, 24)) and not back.needs_retry
    gap = parse_journal(text.replace('{"seq":5,', '{"seq":50,', 1))
    assert gap.needs_retry
    dropped = parse_journal('{"seq":9,"elapsed_ms":1,"wall_ms":2,"kind":"dropped","before_seq":8}\n', from_seq=3)
    assert dropped.dropped_before_seq == 8 and dropped.events[0].kind is EventKind.DROPPED


def test_logcat_lines() -> None:
    assert parse_logcat_line("--------- beginning of main") is None
    event = parse_logcat_line('{"seq":4,"elapsed_ms":5,"wall_ms":6,"kind":"work_completed","job_id":3,'
                              '"namespace":null,"tag":"a"}\r\n')
    assert event is not None and event.kind is EventKind.WORK_COMPLETED and event.get("tag") == "a"
    cut = parse_logcat_line('{"seq":9,"elapsed_ms":1,"wall_ms":2,"kind":"scheduled","log_truncated":true}')
    assert cut is not None and cut.log_truncated and cut.job_id is None
