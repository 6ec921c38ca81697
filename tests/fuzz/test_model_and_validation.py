"""JobSpec / WorkItem construction and bridge.validation under arbitrary values.

Whatever a library caller puts in a :class:`JobSpec` (a string namespace or a list, NaN in the
extras, a 2**64 latency, a ``Finish`` whose ``reschedule`` is ``"yes"``), validation either
refuses it with a :class:`JobSpecError` or the spec is one the helper protocol can carry: it
encodes to canonical JSON, survives the shell quoting, and decodes back to the same value.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bridge.errors import JobSpecError
from bridge.helper_protocol import (
    FieldError,
    broadcast_command,
    canonical_json,
    decode_spec,
    decode_work_item,
    encode_spec,
    encode_work_item,
    enqueue_request,
    schedule_request,
)
from bridge.model import (
    Backoff,
    ByteEstimate,
    Estimate,
    Finish,
    ItemScript,
    JobScript,
    JobSpec,
    NetworkRequest,
    NetworkType,
    Periodic,
    Sleep,
    Transfer,
    TriggerContentUri,
    Work,
    WorkItem,
)
from bridge.validation import validate, validate_enqueue, validate_values
from tests.fuzz.strategies import fuzz, job_specs, json_items, json_specs, work_items

API_LEVELS = st.sampled_from([26, 28, 30, 31, 33, 34, 35])


def _request_spec(command_line: str) -> dict[str, Any]:
    """The SPEC inside an ``am broadcast … --es req '<json>'`` line, as a shell would split it."""
    words = shlex.split(command_line)
    return json.loads(words[words.index("req") + 1])["spec"]  # type: ignore[no-any-return]


FULL = JobSpec(
    7, namespace="it's $(id)\n", network_type=NetworkType.UNMETERED, estimated_bytes=ByteEstimate(10**6, -1),
    min_chunk_bytes=1000, requires_charging=True, backoff=Backoff(20_000), persisted=True,
    extras={"'; touch /data/local/tmp/pwned": "`id`", "n": -(2**63), "f": -0.0, "b": False},
    trigger_content_update_delay_ms=5, debug_tags=["a|b"], trace_tag="t",
    script=JobScript((Sleep(5), Transfer(1, 2, 3, 4), Estimate(5, 6), Work(), Finish(True)), on_stop_reschedule=True))


def _one_line(error: Exception) -> bool:
    return len(str(error).splitlines()) == 1


@fuzz(200)
@given(job_specs(), API_LEVELS)
@example(FULL, 35)
def test_a_spec_validation_accepts_reaches_the_device_shell_and_decodes_to_itself(spec: JobSpec, api: int) -> None:
    try:
        validate(spec, api)
    except JobSpecError as error:
        assert _one_line(error)
        return
    line = broadcast_command(schedule_request(spec, "h-1"))
    assert decode_spec(_request_spec(line)) == spec


@fuzz(120)
@given(job_specs(), st.lists(work_items(), min_size=1, max_size=3), API_LEVELS)
@example(JobSpec(3, network_type=NetworkType.ANY),
         [WorkItem("a\n'b", ByteEstimate(5, 0), 1, ItemScript((Sleep(1),), False))], 34)
def test_an_enqueue_validation_accepts_round_trips_every_item(spec: JobSpec, items: list[WorkItem], api: int) -> None:
    try:
        validate_enqueue(spec, items, api)
    except JobSpecError as error:
        assert _one_line(error)
        return
    request = json.loads(enqueue_request(spec, items, "h-2").to_json())
    assert decode_spec(request["spec"]) == spec
    assert [decode_work_item(raw) for raw in request["items"]] == items


@fuzz(150)
@given(job_specs(), st.lists(work_items(), max_size=2), API_LEVELS)
def test_the_device_free_checks_refuse_exactly_what_validation_refuses_first(
        spec: JobSpec, items: list[WorkItem], api: int) -> None:
    """``validate_values`` (used by the CLI before it contacts a device) is validation's first layer."""
    try:
        validate_values(spec)
    except JobSpecError as early:
        with pytest.raises(JobSpecError) as late:
            validate(spec, api)
        assert str(late.value) == str(early)
    try:
        validate_values(spec, items)
    except JobSpecError:
        if items:
            with pytest.raises(JobSpecError):
                validate_enqueue(spec, items, api)


WRONG_TYPES: list[tuple[dict[str, Any], str]] = [
    ({"namespace": ["ns"]}, "field spec.namespace: expected string"),
    ({"requires_charging": "false"}, "field spec.requires_charging: expected boolean"),
    ({"extras": {"x": float("nan")}}, "field spec.extras.x: expected string, integer, boolean or number"),
    ({"extras": {"x": 2**63}}, "field spec.extras.x: expected string, integer, boolean or number"),
    ({"extras": {"jobctl.\nx": 1}}, "field spec.extras.'jobctl.\\nx': reserved key prefix jobctl."),
    ({"periodic": Periodic("15m")}, "field spec.periodic.interval_ms: expected integer"),  # type: ignore[arg-type]
    ({"backoff": Backoff(1000, "linear")},  # type: ignore[arg-type]
     "field spec.backoff.policy: expected linear or exponential"),
    ({"network_request": NetworkRequest((2**40,))},
     "field spec.network_request.capabilities[0]: expected 32-bit integer"),
    ({"estimated_bytes": ByteEstimate(1.5, 0)},  # type: ignore[arg-type]
     "field spec.estimated_bytes.down: expected integer"),
    ({"trigger_content_uris": [TriggerContentUri(b"content://x")]},  # type: ignore[arg-type]
     "field spec.trigger_content_uris[0].uri: expected string"),
    ({"debug_tags": [7]}, "field spec.debug_tags[0]: expected string"),
    ({"script": JobScript((Finish("yes"),))},  # type: ignore[arg-type]
     "field spec.script.steps[0].reschedule: expected boolean"),
    ({"script": JobScript([Finish()])}, "field spec.script.steps: expected array"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("options", "message"), WRONG_TYPES)
def test_a_value_of_the_wrong_type_is_a_job_spec_error_naming_its_field(options: dict[str, Any],
                                                                        message: str) -> None:
    """Each of these used to pass validation and then crash (AttributeError, TypeError,
    ValueError from the JSON encoder) or be silently changed (``"false"`` sent as true)."""
    with pytest.raises(JobSpecError) as refused:
        validate(JobSpec(1, **options), 35)
    assert str(refused.value) == message


# ----------------------------------------------------------------------------- decoding SPEC / ITEM objects


@fuzz(250)
@given(json_specs)
def test_any_spec_object_decodes_to_a_spec_that_encodes_back_or_is_refused_by_field(obj: dict[str, Any]) -> None:
    try:
        spec = decode_spec(obj)
    except FieldError as error:
        assert error.field.startswith("spec") and error.detail and _one_line(error)
        return
    assert decode_spec(json.loads(canonical_json(encode_spec(spec)))) == spec


@fuzz(150)
@given(json_items)
def test_any_item_object_decodes_to_an_item_that_encodes_back_or_is_refused_by_field(obj: dict[str, Any]) -> None:
    try:
        item = decode_work_item(obj, "items[0]")
    except FieldError as error:
        assert error.field.startswith("items[0]") and _one_line(error)
        return
    assert decode_work_item(json.loads(canonical_json(encode_work_item(item)))) == item


@pytest.mark.parametrize(("obj", "field", "detail"), [
    ({"job_id": 1, "requires_charging": "false"}, "spec.requires_charging", "expected boolean"),
    ({"job_id": 1, "estimated_bytes": {}}, "spec.estimated_bytes.down", "required"),
    ({"job_id": 1, "periodic": {"interval_ms": 9e5}}, "spec.periodic.interval_ms", "expected integer"),
    ({"job_id": 1, "extras": {"k": {"nested": 1}}}, "spec.extras.k", "expected string, integer, boolean or number"),
    ({"job_id": 1, "trigger_content_uris": ["content://x"]}, "spec.trigger_content_uris[0]", "expected object"),
    ({"job_id": 1, "script": {"steps": [{"op": ["sleep"]}]}}, "spec.script.steps[0].op", "unknown op: ['sleep']"),
    ({"job_id": 1, "script": {"steps": [{"op": "sleep"}]}}, "spec.script.steps[0].ms", "required"),
    ({"job_id": 1, "backoff": {"initial_ms": 1, "policy": "random"}}, "spec.backoff.policy",
     "unknown backoff policy: 'random'"),
    ({"job_id": "1"}, "spec.job_id", "expected 32-bit integer"),
])
def test_a_mistyped_spec_field_is_named_not_a_key_error(obj: dict[str, Any], field: str, detail: str) -> None:
    with pytest.raises(FieldError) as refused:
        decode_spec(obj)
    assert (refused.value.field, refused.value.detail) == (field, detail)


@pytest.mark.parametrize(("field", "bad"), [
    ("extras", 5), ("extras", "abc"), ("extras", ["ab"]), ("extras", [("k", 1, 2)]),
    ("debug_tags", 5), ("debug_tags", "abc"), ("trigger_content_uris", {"uri": "content://x"}),
])
def test_construction_never_fails_and_validation_names_the_bad_collection(field: str, bad: Any) -> None:
    """``extras=["ab"]`` used to become ``{"a": "b"}`` and ``debug_tags="abc"`` three tags."""
    spec = JobSpec(1, **{field: bad})
    with pytest.raises(JobSpecError, match=rf"^field spec\.{field}"):
        validate(spec, 35)


def test_an_empty_network_request_is_a_network_constraint_not_nothing() -> None:
    """``{}`` asks for a network with the default capabilities; it used to decode as no request."""
    assert decode_spec({"job_id": 1, "network_request": {}}).network_request == NetworkRequest()
    assert decode_spec({"job_id": 1, "backoff": {"initial_ms": 5000}}).backoff == Backoff(5000)
