"""Shared hypothesis settings and strategies for the fuzz tests (no device needed).

Every fuzz test runs under :data:`FUZZ`: derandomized and without the example database, so a
run on CI explores exactly what it explored here; example counts are modest so the whole
folder stays within a few tens of seconds on two cores.
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=300,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
"""The profile of every test in tests/fuzz (:func:`fuzz` scales one test). The fixtures these tests
use (a fake session, a scratch directory) are meant to be shared by all examples of a test: each
example clears or overwrites what it uses."""


def fuzz(max_examples: int) -> settings:
    return settings(FUZZ, max_examples=max_examples)


NASTY_TEXT = ["", " ", "\n", "x; touch /data/local/tmp/pwned", "$(id)", "`id`", "'", '"', "\\", "\x00",
              "\u2028", "é", "\U0001f600", "-r", "--user", "*", "$HOME", "a\nb", "jobctl.x", "\x7f", "\ufeff"]
"""Strings that break naive quoting, parsing or one-line messages."""

text = st.text(max_size=12) | st.sampled_from(NASTY_TEXT)
"""Short arbitrary text, biased towards the nasty cases."""

json_scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True)
                | text)
"""What a JSON or TOML leaf can be (NaN and infinities included: both formats can carry them)."""


def json_values(keys: st.SearchStrategy[str] | None = None, max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Arbitrary JSON-shaped values whose object keys are drawn from ``keys`` (plus junk)."""
    key_strategy = text if keys is None else (keys | text)
    return st.recursive(json_scalars, lambda children: st.lists(children, max_size=3)
                        | st.dictionaries(key_strategy, children, max_size=4), max_leaves=max_leaves)


# ----------------------------------------------------------------------------- TOML text


def _toml_key(key: str) -> str:
    return _toml_string(key)


def _toml_string(value: str) -> str:
    out = json.dumps(value, ensure_ascii=False)
    return out.replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    """``value`` as a TOML value (inline tables and arrays; strings as basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


def toml_document(document: dict[str, Any]) -> str:
    """A top-level table as TOML text, one ``key = value`` line per entry."""
    return "".join(f"{_toml_key(k)} = {toml_value(v)}\n" for k, v in document.items())


def toml_values(keys: st.SearchStrategy[str] | None = None, max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Like :func:`json_values` but without null (TOML has none) and with TOML's 64-bit integers."""
    key_strategy = text if keys is None else (keys | text)
    leaves = (st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=True)
              | text)
    return st.recursive(leaves, lambda children: st.lists(children, max_size=3)
                        | st.dictionaries(key_strategy, children, max_size=4), max_leaves=max_leaves)


# ----------------------------------------------------------------------------- SPEC-shaped input

def _mutated(valid: st.SearchStrategy[Any], junk: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A valid value, or the same with one value somewhere inside it replaced by junk."""

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        value = draw(valid)
        if not draw(st.booleans()):
            return value
        return _replace_somewhere(draw, value, junk)

    return build()


def _replace_somewhere(draw: st.DrawFn, value: Any, junk: st.SearchStrategy[Any]) -> Any:
    if isinstance(value, dict) and value and draw(st.integers(0, 3)):
        key = draw(st.sampled_from(sorted(value, key=repr)))
        return {**value, key: _replace_somewhere(draw, value[key], junk)}
    if isinstance(value, list) and value and draw(st.integers(0, 3)):
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], _replace_somewhere(draw, value[index], junk), *value[index + 1:]]
    return draw(junk)


def _spec_like(toml: bool) -> tuple[st.SearchStrategy[dict[str, Any]], st.SearchStrategy[dict[str, Any]]]:
    junk = toml_values(max_leaves=4) if toml else json_values(max_leaves=4)
    ints = st.integers(-(2**31), 2**31 - 1) | st.sampled_from([0, -1, 1, 900_000])
    ms = st.integers(0, 10**7)
    op_fields = {"sleep": {"ms": ms}, "transfer": {"down": ms, "up": ms, "ms": ms, "chunks": st.integers(1, 4)},
                 "estimate": {"down": ms, "up": ms}, "work": {}, "finish": {"reschedule": st.booleans()},
                 "hold": {}}
    required = {"sleep": ("ms",), "transfer": ("down", "up"), "estimate": ("down", "up")}

    def step(ops: list[str]) -> st.SearchStrategy[dict[str, Any]]:
        return st.sampled_from(ops).flatmap(lambda op: st.fixed_dictionaries(
            {"op": st.just(op), **{k: op_fields[op][k] for k in required.get(op, ())}},
            optional={k: v for k, v in op_fields[op].items() if k not in required.get(op, ())}))

    estimate = st.fixed_dictionaries({"down": ints, "up": ints})
    extras = st.dictionaries(text, st.booleans() | ints | st.floats(allow_nan=False, allow_infinity=False) | text,
                             max_size=3)
    spec = st.fixed_dictionaries({"job_id": ints}, optional={
        "namespace": text,
        "network_type": st.sampled_from(["none", "any", "unmetered", "not_roaming", "cellular", "metered"]),
        "network_request": st.fixed_dictionaries({}, optional={
            k: st.lists(st.integers(0, 40), max_size=2) for k in ("capabilities", "transports",
                                                                 "remove_capabilities")}),
        "estimated_bytes": estimate,
        "min_chunk_bytes": ints,
        "requires_charging": st.booleans(), "requires_device_idle": st.booleans(),
        "requires_battery_not_low": st.booleans(), "requires_storage_not_low": st.booleans(),
        "persisted": st.booleans(), "important_while_foreground": st.booleans(), "prefetch": st.booleans(),
        "expedited": st.booleans(), "user_initiated": st.booleans(),
        "min_latency_ms": ms, "override_deadline_ms": ms,
        "periodic": st.fixed_dictionaries({"interval_ms": ms}, optional={"flex_ms": ms}),
        "backoff": st.fixed_dictionaries({"initial_ms": ms}, optional={
            "policy": st.sampled_from(["linear", "exponential", "LINEAR"])}),
        "priority": st.sampled_from(["min", "low", "default", "high", "max"]) | ints,
        "trigger_content_uris": st.lists(st.fixed_dictionaries(
            {"uri": text}, optional={"descendants": st.booleans()}), max_size=2),
        "trigger_content_update_delay_ms": ms, "trigger_content_max_delay_ms": ms,
        "extras": extras, "transient_extras": extras,
        "debug_tags": st.lists(text, max_size=2),
        "trace_tag": text,
        "script": st.fixed_dictionaries({}, optional={
            "steps": st.lists(step(sorted(op_fields)), max_size=3), "on_stop_reschedule": st.booleans()}),
    })
    item = st.fixed_dictionaries({"tag": text}, optional={
        "estimated_bytes": estimate, "min_chunk_bytes": ints,
        "script": st.fixed_dictionaries({}, optional={
            "steps": st.lists(step(["sleep", "transfer", "estimate"]), max_size=3), "complete": st.booleans()})})
    return _mutated(spec, junk), _mutated(item, junk)


json_specs, json_items = _spec_like(toml=False)
"""SPEC / ITEM objects as JSON would carry them: well-formed, or with one value anywhere replaced
by junk (NaN, 2**70, a list, a string where a number goes …)."""
toml_specs, toml_items = _spec_like(toml=True)
"""The same for TOML (no null; 64-bit integers)."""


# ----------------------------------------------------------------------------- model values

_JUNK = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | text
         | st.lists(st.integers(), max_size=2) | st.just(object()))


def _model_fields() -> dict[str, st.SearchStrategy[Any]]:
    """Well-typed strategies for every JobSpec option (the edges of each range included)."""
    from bridge.model import (
        Backoff,
        BackoffPolicy,
        ByteEstimate,
        NetworkRequest,
        NetworkType,
        Periodic,
        Priority,
        TriggerContentUri,
    )

    longs = st.integers(-(2**16), 2**31) | st.sampled_from([-1, 0, 1, 2**31 - 1, 2**63 - 1, 15 * 60_000])
    return {
        "namespace": text,
        "network_type": st.sampled_from(list(NetworkType)),
        "network_request": st.builds(NetworkRequest, st.lists(st.integers(0, 40), max_size=2).map(tuple),
                                     st.lists(st.integers(0, 9), max_size=2).map(tuple), st.just(())),
        "estimated_bytes": st.builds(ByteEstimate, longs, longs),
        "min_chunk_bytes": longs,
        "requires_charging": st.booleans(), "requires_device_idle": st.booleans(),
        "requires_battery_not_low": st.booleans(), "requires_storage_not_low": st.booleans(),
        "persisted": st.booleans(), "important_while_foreground": st.booleans(), "prefetch": st.booleans(),
        "expedited": st.booleans(), "user_initiated": st.booleans(),
        "min_latency_ms": longs, "override_deadline_ms": longs,
        "periodic": st.builds(Periodic, longs, st.none() | longs),
        "backoff": st.builds(Backoff, longs, st.sampled_from(list(BackoffPolicy))),
        "priority": st.sampled_from(list(Priority)) | st.integers(0, 600),
        "trigger_content_uris": st.lists(st.builds(TriggerContentUri, text, st.booleans()), max_size=2).map(tuple),
        "trigger_content_update_delay_ms": longs, "trigger_content_max_delay_ms": longs,
        "extras": st.dictionaries(text, st.booleans() | longs | st.floats(allow_nan=False, allow_infinity=False)
                                  | text, max_size=3),
        "transient_extras": st.dictionaries(text, st.booleans() | longs | text, max_size=2),
        "debug_tags": st.lists(text, max_size=2).map(tuple),
        "trace_tag": text,
        "script": _scripts(item=False),
    }


def _scripts(item: bool) -> st.SearchStrategy[Any]:
    from bridge.model import Estimate, Finish, Hold, ItemScript, JobScript, Sleep, Transfer, Work

    ms = st.integers(0, 10**6)
    steps = [st.builds(Sleep, ms), st.builds(Transfer, ms, ms, ms, st.integers(1, 4)), st.builds(Estimate, ms, ms)]
    if item:
        return st.builds(ItemScript, st.lists(st.one_of(steps), max_size=3).map(tuple), st.booleans())
    steps += [st.just(Work()), st.builds(Finish, st.booleans()), st.just(Hold())]
    return st.builds(JobScript, st.lists(st.one_of(steps), max_size=3).map(tuple), st.booleans())


@st.composite
def job_specs(draw: st.DrawFn) -> Any:
    """A :class:`JobSpec` built through its public constructor with any subset of well-typed
    options, or (half the time) with one option set to a value of the wrong type."""
    from bridge.model import JobSpec

    fields = _model_fields()
    options = draw(st.fixed_dictionaries({}, optional=fields))
    job_id: Any = draw(st.integers(-(2**31), 2**31 - 1))
    if draw(st.booleans()):
        name = draw(st.sampled_from(["job_id", *sorted(fields)]))
        if name == "job_id":
            job_id = draw(_JUNK | st.sampled_from([2**31, -(2**31) - 1]))
        else:
            options[name] = draw(_JUNK)
    return JobSpec(job_id, **options)


@st.composite
def work_items(draw: st.DrawFn) -> Any:
    """A :class:`WorkItem`, well-typed or with one field of the wrong type."""
    from bridge.model import ByteEstimate, WorkItem

    longs = st.integers(-2, 2**40)
    values = [draw(text), draw(st.none() | st.builds(ByteEstimate, longs, longs)), draw(st.none() | longs),
              draw(st.none() | _scripts(item=True))]
    if draw(st.booleans()):
        values[draw(st.integers(0, 3))] = draw(_JUNK)
    return WorkItem(*values)
