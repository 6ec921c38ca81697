"""Output that survives pipes and CI logs: off a terminal no table cuts a value ("…"), however
narrow COLUMNS says the terminal is, and every reporting command answers ``--json`` with one
JSON document. Run through the real command line (stdout is a pipe) on a virtual device."""

from __future__ import annotations

import json

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.model import JobSpec
from bridge.model.script import Hold, JobScript
from tests.cli.test_sim_and_devices import jobctl

NAMESPACE = "com.example.sync.a-namespace-long-enough-to-be-cut-by-any-narrow-table"
NARROW = {"COLUMNS": "40", "NO_COLOR": "1"}


@pytest.fixture
def long_named_job(session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_charging(True)
    job = session.schedule(JobSpec(41, namespace=NAMESPACE, requires_charging=True,
                             script=JobScript(steps=(Hold(),), on_stop_reschedule=False)))
    job.wait_started(30)
    session.conditions.set_charging(False)
    job.wait_stopped(30)
    session.schedule(JobSpec(42, namespace=NAMESPACE, requires_charging=True))  # pending: for `jobs`


REPORTING = [
    ["jobs", "--namespace", NAMESPACE], ["stops"], ["why", "41", "--namespace", NAMESPACE],
    ["state", "42", "--namespace", NAMESPACE], ["devices"], ["device", "status"], ["helper", "status"],
]


@pytest.mark.parametrize("args", REPORTING, ids=[" ".join(a[:2]) for a in REPORTING])
def test_a_piped_table_cuts_no_value(adb: PrivateAdbServer, serial: str, long_named_job: None,
                                     args: list[str]) -> None:
    result = jobctl(adb, "-s", serial, *args, env=NARROW)
    assert result.returncode == 0, result.stderr
    assert "…" not in result.stdout, result.stdout
    assert "\x1b[" not in result.stdout
    if args[0] in ("jobs", "stops", "why"):
        assert NAMESPACE in result.stdout, result.stdout  # whole, on one line
    if args[0] in ("stops",):
        assert "CONSTRAINT_CHARGING" in result.stdout


@pytest.mark.parametrize("args", REPORTING, ids=[" ".join(a[:2]) for a in REPORTING])
def test_every_reporting_command_answers_json(adb: PrivateAdbServer, serial: str, long_named_job: None,
                                              args: list[str]) -> None:
    result = jobctl(adb, "-s", serial, *args, "--json", env=NARROW)
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout)
    assert "…" not in result.stdout


def test_watch_in_a_pipe_is_plain_whole_lines(adb: PrivateAdbServer, serial: str, long_named_job: None) -> None:
    result = jobctl(adb, "-s", serial, "watch", "--duration", "1500ms", env={"COLUMNS": "40"}, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("watching ") and lines[-1] == "stopped watching"
    assert "\x1b[" not in result.stdout and "…" not in result.stdout
    conditions = next(line for line in lines if " conditions " in line)
    assert "background_restricted: false" in conditions and "network: " in conditions  # one line, never wrapped
