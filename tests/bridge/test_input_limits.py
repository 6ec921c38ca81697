"""Bounded input (issue 17 item 5): every size and count jobctl takes has a documented limit
(bridge/validation/limits.py, docs/cli-json.md "Limits"), checked before anything reaches the
device, by the library (``validate``) and the command line (exit 2) alike; no string field may
carry a NUL or an unpaired surrogate; an answer longer than jobctl reads is refused, not held.

Each limit is tried at the limit (accepted) and one past it (refused, naming the field). Where a
device is involved, its command log (``VirtualDevice.executed``) shows nothing was sent.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.errors import JobSpecError, OutputLimitError
from bridge.helper import Helper
from bridge.model import ItemScript, JobScript, JobSpec, Sleep, Transfer, TriggerContentUri, WorkItem, extras
from bridge.validation import validate, validate_enqueue, validate_values
from bridge.validation.limits import (
    MAX_ENQUEUE_SCRIPT_STEPS,
    MAX_EXTRAS_BYTES,
    MAX_ITEM_TAG_LENGTH,
    MAX_ITEMS_PER_ENQUEUE,
    MAX_SCRIPT_STEPS,
    MAX_SPEC_BYTES,
    MAX_SPEC_FILE_BYTES,
    MAX_TRANSFER_CHUNKS,
)
from bridge.validation.sizes import json_size
from jobctl_sim.harness import SimHarness
from tests.cli.test_sim_and_devices import jobctl

HOUR_MS = 3_600_000


# ------------------------------------------------------------------ each limit: at it, and one past it
def _chunks(n: int) -> tuple[JobSpec, list[WorkItem]]:
    return JobSpec(1, script=JobScript((Transfer(10, 0, 0, chunks=n),))), []


def _steps(n: int) -> tuple[JobSpec, list[WorkItem]]:
    return JobSpec(1, script=JobScript((Sleep(0),) * n)), []


def _items(n: int) -> tuple[JobSpec, list[WorkItem]]:
    return JobSpec(1), [WorkItem("t")] * n


def _item_steps(n: int) -> tuple[JobSpec, list[WorkItem]]:
    per_item = MAX_SCRIPT_STEPS
    full, rest = divmod(n, per_item)
    items = [WorkItem(f"i{k}", script=ItemScript((Sleep(0),) * per_item)) for k in range(full)]
    return JobSpec(1), [*items, WorkItem("last", script=ItemScript((Sleep(0),) * rest))]


def _tag(n: int) -> tuple[JobSpec, list[WorkItem]]:
    return JobSpec(1), [WorkItem("x" * n)]


def _extras(n: int) -> tuple[JobSpec, list[WorkItem]]:
    return JobSpec(1, extras=extras({"k": "x" * (n - len('{"k":""}'))})), []


def _spec(n: int) -> tuple[JobSpec, list[WorkItem]]:
    bare = JobSpec(1, trigger_content_uris=(TriggerContentUri("content://a/"),))
    pad = n - json_size(bare)
    return dataclasses.replace(bare, trigger_content_uris=(TriggerContentUri("content://a/" + "x" * pad),)), []


LIMITS: dict[str, tuple[int, Callable[[int], tuple[JobSpec, list[WorkItem]]], str]] = {
    "transfer chunks": (MAX_TRANSFER_CHUNKS, _chunks, r"spec\.script\.steps\[0\]\.chunks: 10001 rounds; at most 10000"),
    "script steps": (MAX_SCRIPT_STEPS, _steps, r"spec\.script\.steps: 1001 steps; at most 1000"),
    "work items": (MAX_ITEMS_PER_ENQUEUE, _items, r"^field items: expected 1\.\.100000 items$"),
    "steps of all items": (MAX_ENQUEUE_SCRIPT_STEPS, _item_steps, r"field items: .* 100001 steps together"),
    "item tag length": (MAX_ITEM_TAG_LENGTH, _tag, r"items\[0\]\.tag: 257 characters; at most 256"),
    "extras size": (MAX_EXTRAS_BYTES, _extras, r"spec\.extras: .* 16385 bytes as JSON; at most 16384"),
    "spec size": (MAX_SPEC_BYTES, _spec, r"field spec: the spec takes 65537 bytes as JSON; at most 65536"),
}


@pytest.mark.parametrize("name", LIMITS)
def test_each_limit_accepts_its_value_and_refuses_one_more_naming_the_field(name: str) -> None:
    limit, build, refusal = LIMITS[name]
    spec, items = build(limit)
    validate_values(spec, items)
    if items:
        validate_enqueue(spec, items, 34)
    else:
        validate(spec, 34)
    spec, items = build(limit + 1)
    with pytest.raises(JobSpecError, match=refusal):
        validate_values(spec, items)
    with pytest.raises(JobSpecError, match=refusal):
        if items:
            validate_enqueue(spec, items, 34)
        else:
            validate(spec, 34)


# ------------------------------------------------------------------ characters no string may carry
STRING_FIELDS: dict[str, Callable[[str], tuple[JobSpec, list[WorkItem]]]] = {
    "spec.namespace": lambda s: (JobSpec(1, namespace=s), []),
    "spec.trace_tag": lambda s: (JobSpec(1, trace_tag=s), []),
    "spec.debug_tags[0]": lambda s: (JobSpec(1, debug_tags=(s,)), []),
    "spec.trigger_content_uris[0].uri": lambda s: (JobSpec(1, trigger_content_uris=(TriggerContentUri(s),)), []),
    "spec.extras.k": lambda s: (JobSpec(1, extras=extras(k=s)), []),
    "spec.transient_extras.k": lambda s: (JobSpec(1, transient_extras=extras(k=s)), []),
    "spec.extras.'a\\x00' (key)": lambda s: (JobSpec(1, extras=extras({"a" + s[-1]: "v"})), []),
    "items[0].tag": lambda s: (JobSpec(1), [WorkItem(s)]),
}


@pytest.mark.parametrize("field", STRING_FIELDS)
def test_a_nul_in_any_string_field_is_refused_naming_the_field(field: str) -> None:
    spec, items = STRING_FIELDS[field]("ab\0")
    with pytest.raises(JobSpecError, match="contains U\\+0000 \\(NUL\\)") as raised:
        validate_values(spec, items)
    assert str(raised.value).startswith(f"field {field}: ")


@pytest.mark.parametrize("field", [f for f in STRING_FIELDS if "key" not in f])
def test_an_unpaired_surrogate_in_any_string_field_is_refused(field: str) -> None:
    spec, items = STRING_FIELDS[field]("ab\ud800")
    with pytest.raises(JobSpecError, match="contains the unpaired surrogate U\\+D800 at character 2"):
        validate_values(spec, items)


def test_every_other_character_passes() -> None:
    text = "line\nbreak\ttab 'quote' \"dq\" $(id) é 漢 \U0001F600 \x7f"
    validate_values(JobSpec(1, namespace=text, extras=extras({text: text})), [WorkItem(text)])


# ------------------------------------------------------------------ nothing reaches the device
@pytest.fixture
def helper(adb: PrivateAdbServer, serial: str) -> Helper:
    helper = Helper(connect(serial, adb.server))
    assert helper.device.api_level == 34  # read once, before the commands under test
    return helper


def _sent(sim: SimHarness) -> list[tuple[str, ...]]:
    return sim.run(lambda: list(sim.devices[0].executed))


@pytest.mark.parametrize("name", ["transfer chunks", "extras size", "spec size"])
def test_the_library_refuses_a_spec_past_a_limit_before_sending_anything(
        helper: Helper, sim: SimHarness, name: str) -> None:
    limit, build, refusal = LIMITS[name]
    before = _sent(sim)
    with pytest.raises(JobSpecError, match=refusal):
        helper.schedule(build(limit + 1)[0])
    assert _sent(sim) == before


def test_the_library_refuses_too_many_work_items_before_sending_anything(helper: Helper, sim: SimHarness) -> None:
    before = _sent(sim)
    with pytest.raises(JobSpecError, match=r"expected 1\.\.100000 items"):
        helper.enqueue(JobSpec(1, min_latency_ms=HOUR_MS), [WorkItem("t")] * (MAX_ITEMS_PER_ENQUEUE + 1))
    assert _sent(sim) == before


# ------------------------------------------------------------------ the command line: exit 2, one line
@pytest.fixture
def untouched(sim: SimHarness) -> Iterator[None]:
    before = _sent(sim)
    yield
    assert _sent(sim) == before, "the device was sent a command"


def _refused(result: object, *fragments: str) -> None:
    import subprocess

    assert isinstance(result, subprocess.CompletedProcess)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("jobctl: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


SPEC_FILE_NULS = {
    "namespace": {"namespace": "a\0b"},
    "trace_tag": {"trace_tag": "a\0b"},
    "debug_tags[0]": {"debug_tags": ["a\0b"]},
    "extras.k": {"extras": {"k": "a\0b"}},
    "transient_extras.k": {"transient_extras": {"k": "a\0b"}},
    "trigger_content_uris[0].uri": {"trigger_content_uris": [{"uri": "content://a\0b"}]},
}


@pytest.mark.parametrize("field", SPEC_FILE_NULS)
def test_jobctl_refuses_a_nul_in_a_spec_file_field_with_exit_2(
        adb: PrivateAdbServer, serial: str, tmp_path: Path, untouched: None, field: str) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC_FILE_NULS[field]))
    result = jobctl(adb, "-s", serial, "schedule", "1", "--spec", str(spec), state_dir=tmp_path)
    _refused(result, f"field spec.{field}: contains U+0000 (NUL)")


def test_jobctl_refuses_a_nul_in_a_work_items_tag_and_a_lone_surrogate(
        adb: PrivateAdbServer, serial: str, tmp_path: Path, untouched: None) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"work": [{"tag": "a\0b"}]}))
    _refused(jobctl(adb, "-s", serial, "schedule", "1", "--spec", str(spec), state_dir=tmp_path),
             "field items[0].tag: contains U+0000 (NUL)")
    spec.write_text('{"extras": {"k": "\\ud800"}}')
    _refused(jobctl(adb, "-s", serial, "schedule", "1", "--spec", str(spec), state_dir=tmp_path),
             "field spec.extras.k: contains the unpaired surrogate U+D800")


def test_jobctl_refuses_five_million_transfer_chunks_with_exit_2(
        adb: PrivateAdbServer, serial: str, tmp_path: Path, untouched: None) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"script": {"steps": [{"op": "transfer", "down": 1, "up": 0, "ms": 0,
                                                      "chunks": 5_000_000}, {"op": "finish"}]}}))
    _refused(jobctl(adb, "-s", serial, "schedule", "1", "--spec", str(spec), state_dir=tmp_path),
             "spec.script.steps[0].chunks: 5000000 rounds; at most 10000 are allowed")


def test_jobctl_refuses_10_mb_of_extras_with_exit_2(
        adb: PrivateAdbServer, serial: str, tmp_path: Path, untouched: None) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(f'[extras]\nblob = "{"x" * 10 * 1024 * 1024}"\n')
    _refused(jobctl(adb, "-s", serial, "schedule", "1", "--spec", str(spec), state_dir=tmp_path),
             f"larger than {MAX_SPEC_FILE_BYTES} bytes")
    spec.write_text(f'[extras]\nblob = "{"x" * (MAX_EXTRAS_BYTES + 1)}"\n')
    _refused(jobctl(adb, "-s", serial, "schedule", "1", "--spec", str(spec), state_dir=tmp_path),
             f"at most {MAX_EXTRAS_BYTES} are allowed")


def test_jobctl_reads_a_spec_file_up_to_its_limit_and_refuses_one_byte_more(
        adb: PrivateAdbServer, serial: str, tmp_path: Path, untouched: None) -> None:
    spec = tmp_path / "spec.json"
    body = '{"requires_charging": true}'
    spec.write_text(body + " " * (MAX_SPEC_FILE_BYTES + 1 - len(body)))
    _refused(jobctl(adb, "-s", serial, "schedule", "1", "--spec", str(spec), state_dir=tmp_path),
             f"the spec file is larger than {MAX_SPEC_FILE_BYTES} bytes")


def test_jobctl_refuses_a_work_file_with_one_item_too_many(
        adb: PrivateAdbServer, serial: str, tmp_path: Path, untouched: None) -> None:
    work = tmp_path / "work.jsonl"
    work.write_text('"tag=t"\n' * (MAX_ITEMS_PER_ENQUEUE + 1))
    _refused(jobctl(adb, "-s", serial, "enqueue", "1", "--work-file", str(work), state_dir=tmp_path),
             f"more than {MAX_ITEMS_PER_ENQUEUE} work items")


# ------------------------------------------------------------------ answers are read bounded
def test_megabytes_of_output_are_read_whole_and_past_the_callers_limit_cut_off(helper: Helper) -> None:
    """Also: a shell packet header split across TCP segments is not the end of the stream (it
    used to end a 2 MB answer as "connection lost … (no exit status)")."""
    device = helper.device
    printer = "awk 'BEGIN { for (i = 0; i < 100000; i++) print \"xxxxxxxxxxxxxxxxxxxx\" }'"
    assert len(device.shell(printer).stdout) == 2_100_000
    with pytest.raises(OutputLimitError, match="printed more than 100000 bytes; stopped reading"):
        device.shell(printer, max_output=100_000)
    assert device.shell(["echo", "still here"]).text == "still here\n"


def test_a_helper_answer_past_the_response_limit_is_refused_in_one_line(
        helper: Helper, monkeypatch: pytest.MonkeyPatch) -> None:
    for job_id in range(1, 11):
        helper.schedule(JobSpec(job_id, min_latency_ms=HOUR_MS))
    assert len(helper.pending()) == 10  # its answer is over 2000 bytes
    monkeypatch.setattr("bridge.helper.MAX_RESPONSE_BYTES", 2000)
    with pytest.raises(OutputLimitError, match="printed more than 2000 bytes"):
        helper.pending()
