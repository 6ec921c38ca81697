"""bridge.scenario.loader fed arbitrary strings and arbitrary TOML documents: a
:class:`Scenario`, or one :class:`ScenarioError` line naming the file -- nothing else."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from bridge.scenario.loader import ACTIONS, ScenarioError, parse_scenario
from bridge.scenario.model import DEVICE_CONDITIONS, Scenario
from tests.fuzz.strategies import fuzz, text, toml_document, toml_specs, toml_items, toml_values

JUNK = toml_values(max_leaves=4)


def _mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A valid value most of the time, anything TOML can hold otherwise."""
    return st.one_of(valid, valid, valid, JUNK)


JOB_ID = _mostly(st.integers(0, 3))
NAMESPACE = _mostly(text)
SECONDS = _mostly(st.floats(0, 5) | st.integers(0, 5))
BODIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "schedule": st.fixed_dictionaries({"job": _mostly(toml_specs)}),
    "enqueue": st.fixed_dictionaries({}, optional={"job": toml_specs, "job_id": JOB_ID, "namespace": NAMESPACE,
                                                   "items": _mostly(st.lists(toml_items, min_size=1, max_size=3))}),
    "run": st.fixed_dictionaries({"job_id": JOB_ID}, optional={"namespace": NAMESPACE,
                                                               "force": _mostly(st.booleans())}),
    "device": st.dictionaries(st.sampled_from(sorted(DEVICE_CONDITIONS)) | text, _mostly(
        st.booleans() | st.integers(-5, 105) | st.sampled_from(["active", "rare", "exempted", "5", "10"])),
        max_size=3),
    "wait": st.fixed_dictionaries({}, optional={"seconds": SECONDS, "until": _mostly(st.sampled_from(
        ["started", "stopped", "dropped"])), "job_id": JOB_ID, "namespace": NAMESPACE, "timeout": SECONDS}),
    "stop": st.fixed_dictionaries({"job_id": JOB_ID}, optional={"namespace": NAMESPACE, "reason": _mostly(
        st.sampled_from(["USER", "stop_reason_timeout", "bored"]))}),
    "timeout": st.fixed_dictionaries({"job_id": JOB_ID}, optional={"namespace": NAMESPACE}),
    "cancel": st.fixed_dictionaries({"job_id": JOB_ID}, optional={"namespace": NAMESPACE}),
    "expect": st.fixed_dictionaries({"job_id": JOB_ID}, optional={
        "namespace": NAMESPACE, "timeout": SECONDS,
        "state": _mostly(st.sampled_from(["pending", "unknown", "ready"])
                         | st.lists(st.sampled_from(["pending", "unknown", "waiting"]), max_size=2)),
        "stop_reason": _mostly(st.sampled_from(["USER", "TIMEOUT"])),
        "transferred": _mostly(st.fixed_dictionaries({"down": JOB_ID, "up": JOB_ID})),
        "delivery": _mostly(st.fixed_dictionaries({"tag": NAMESPACE, "count": JOB_ID}))}),
}
STEP = st.sampled_from(ACTIONS).flatmap(lambda action: BODIES[action].map(lambda body: {"action": action, **body}))
SCENARIOS = _mostly(st.fixed_dictionaries({
    "scenario": st.fixed_dictionaries({"name": st.just("fuzzed")}, optional={
        "min_api": _mostly(st.integers(26, 35)), "description": text}),
    "step": st.lists(_mostly(STEP), min_size=1, max_size=4),
}) | st.dictionaries(st.sampled_from(["scenario", "step"]) | text, JUNK, max_size=3))
VALID = {"scenario": {"name": "fuzzed", "min_api": 34}, "step": [
    {"action": "device", "bucket": "active", "charging": False},
    {"action": "schedule", "job": {"job_id": 1, "namespace": "a'b\n$(id)", "requires_charging": True,
                                   "extras": {"`id`": "x; touch /data/local/tmp/pwned"}}},
    {"action": "run", "job_id": 1, "namespace": "a'b\n$(id)"},
    {"action": "wait", "until": "started", "job_id": 1, "namespace": "a'b\n$(id)", "timeout": 5},
    {"action": "expect", "job_id": 1, "namespace": "a'b\n$(id)", "state": ["active"]}]}


def _loads_or_one_error_line(source: str) -> Scenario | None:
    try:
        return parse_scenario(source, "case.toml")
    except ScenarioError as error:
        message = str(error)
        assert message.startswith("case.toml: ") and len(message.splitlines()) == 1, message
        return None


@fuzz(300)
@given(SCENARIOS)
@example({"scenario": {"name": "n"}, "step": [{"action": "device", "\n": "x"}]})
@example({"scenario": {"name": "n"}, "step": [{"action": "schedule", "job": {"job_id": 1, "namespace": 5}}]})
@example({"scenario": {"name": "n", "min_api": 35}, "step": [
    {"action": "schedule", "job": {"job_id": 1, "requires_charging": True, "extras": {"x": float("nan")}}}]})
@example(VALID)
def test_any_scenario_shaped_document_loads_or_is_one_error_line(document: Any) -> None:
    loaded = _loads_or_one_error_line(toml_document(document) if isinstance(document, dict) else toml_document(
        {"x": document}))
    if loaded is not None:
        assert loaded.name == document["scenario"]["name"] and len(loaded.steps) == len(document["step"])


def test_the_valid_example_loads() -> None:
    """So the property above exercises both of its branches."""
    loaded = parse_scenario(toml_document(VALID), "case.toml")
    assert loaded.steps[1].spec.namespace == "a'b\n$(id)"  # type: ignore[attr-defined]


@fuzz(200)
@given(st.text() | st.lists(st.sampled_from(["[scenario]", 'name = "n"', "[[step]]", 'action = "run"', "job_id = 1",
                                             "job_id = 1e400", "a = [[[[", "x = '\u2028'", "\x00"]) | text,
                            max_size=8).map("\n".join))
@example("a = " + "[" * 5000 + "]" * 5000)
@example("a = " + "{b=" * 2000 + "1" + "}" * 2000)
def test_any_string_loads_or_is_one_error_line(source: str) -> None:
    _loads_or_one_error_line(source)
