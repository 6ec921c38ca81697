"""The runner on the virtual device (``session`` fixture): every shipped scenario passes; a
wrong expectation fails with a clear message and the device is put back; reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from bridge.jobs import Session
from bridge.scenario import (
    ScenarioResult,
    StepStatus,
    load_scenario,
    parse_scenario,
    run_scenario,
)
from bridge.scenario.html import html_report
from bridge.scenario.junit import junit_xml

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
WRONG = (SCENARIOS / "charging.toml").read_text().replace(
    'stop_reason = "CONSTRAINT_CHARGING"', 'stop_reason = "CONSTRAINT_CONNECTIVITY"\ntimeout = 1')
WRONG_MESSAGE = ("step 5 (expect): job 101: expected stop reason CONSTRAINT_CONNECTIVITY, got CONSTRAINT_CHARGING "
                 "(after 1 s)")


def _run(session: Session, name: str) -> ScenarioResult:
    return run_scenario(session, load_scenario(SCENARIOS / name))


def test_every_shipped_scenario_passes_on_the_virtual_device(session: Session) -> None:
    paths = sorted(SCENARIOS.glob("*.toml"))
    assert len(paths) == 10
    for path in paths:
        result = run_scenario(session, load_scenario(path))
        assert result.passed and not result.skipped, f"{path.name}: {result.message}"
        assert all(step.status is StepStatus.PASSED for step in result.steps)
        assert result.events, path.name


def test_a_wrong_expectation_fails_clearly_and_the_conditions_are_restored(session: Session) -> None:
    before = session.conditions.read(["dev.jobctl.helper"])
    seen: list[int] = []
    result = run_scenario(session, parse_scenario(WRONG + '[[step]]\naction = "cancel"\njob_id = 101\n', "wrong.toml"),
                          on_step_end=lambda outcome: seen.append(outcome.index))
    assert (result.passed, result.status, result.message) == (False, "failed", WRONG_MESSAGE)
    assert [s.status for s in result.steps] == [StepStatus.PASSED] * 4 + [StepStatus.FAILED, StepStatus.SKIPPED]
    assert seen == [1, 2, 3, 4, 5]
    assert result.steps[4].duration >= 1.0
    assert session.conditions.read(["dev.jobctl.helper"]) == before


def test_a_device_error_is_an_error_step_not_an_exception(session: Session) -> None:
    result = run_scenario(session, parse_scenario(
        '[scenario]\nname = "e"\n[[step]]\naction = "run"\njob_id = 4242\n', "e.toml"))
    assert result.status == "error"
    assert result.message.startswith("step 1 (run): JobNotFoundError: no job 4242")


def test_a_scenario_above_the_device_level_is_skipped(session: Session) -> None:
    text = (SCENARIOS / "timeout.toml").read_text().replace("min_api = 31", "min_api = 99")
    result = run_scenario(session, parse_scenario(text, "late.toml"))
    assert (result.passed, result.status, result.message) == (True, "skipped", "needs API 99, the device is API 34")
    assert {s.status for s in result.steps} == {StepStatus.SKIPPED}


def test_junit_has_one_suite_per_file_and_the_failing_steps_message(session: Session) -> None:
    results = [_run(session, "timeout.toml"), run_scenario(session, parse_scenario(WRONG, "wrong.toml"))]
    root = ET.fromstring(junit_xml(results))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("2", "1", "0", "0")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(SCENARIOS / "timeout.toml"), "wrong.toml"]
    assert [len(s.findall("testcase")) for s in suites] == [1, 1]
    assert suites[0].find("testcase/failure") is None
    failure = suites[1].find("testcase/failure")
    assert failure is not None and failure.get("message") == WRONG_MESSAGE
    assert suites[1].find("testcase").get("name") == "charging"  # type: ignore[union-attr]


def test_html_is_self_contained_with_one_svg_per_job(session: Session) -> None:
    results = [_run(session, "work_redelivery.toml"), _run(session, "cancelled_by_app.toml")]
    report = html_report(results)
    assert report.count("<svg") == 2
    assert "<script" not in report and "http://" not in report.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "dequeued a (delivery 1)" in report and "dequeued a (delivery 2)" in report
    assert "stopped: CONSTRAINT_CHARGING" in report and "stopped: CANCELLED_BY_APP" in report
    assert "left incomplete a" in report
