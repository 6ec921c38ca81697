"""Scenario results as JUnit XML: one ``<testsuite>`` per file, one ``<testcase>`` per scenario."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime

from bridge.scenario.model import ScenarioResult, StepStatus


def junit_xml(results: Sequence[ScenarioResult]) -> str:
    """The XML document (UTF-8 declaration included)."""
    suites = ET.Element("testsuites", name="jobctl scenarios")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for result in results:
        counts = {"tests": 1, "failures": int(result.status == "failed"), "errors": int(result.status == "error"),
                  "skipped": int(result.status == "skipped")}
        attributes = {"name": result.scenario.source,
                      "timestamp": datetime.fromtimestamp(result.started_wall, UTC).isoformat(),
                      "time": f"{result.duration:.3f}", **{k: str(v) for k, v in counts.items()}}
        suite = ET.SubElement(suites, "testsuite", attributes)
        case = ET.SubElement(suite, "testcase", name=result.scenario.name, classname=result.scenario.source,
                             time=f"{result.duration:.3f}")
        failing = result.failure
        if result.skipped:
            ET.SubElement(case, "skipped", message=result.message)
        elif failing is not None:
            tag = "failure" if failing.status is StepStatus.FAILED else "error"
            element = ET.SubElement(case, tag, message=result.message, type=failing.action)
            element.text = _steps_text(result)
        elif result.restore_error is not None:
            ET.SubElement(case, "error", message=result.restore_error, type="restore")
        ET.SubElement(case, "system-out").text = _steps_text(result)
        for key, value in counts.items():
            totals[key] += value
        total_time += result.duration
    for key, value in totals.items():
        suites.set(key, str(value))
    suites.set("time", f"{total_time:.3f}")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _steps_text(result: ScenarioResult) -> str:
    return "\n".join(f"step {s.index} [{s.status.value}] {s.description}" + (f": {s.message}" if s.message else "")
                     for s in result.steps)
