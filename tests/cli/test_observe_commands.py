"""``jobctl why``, ``jobctl stops`` and ``jobctl watch``: parsing without a device, then end to end
on the virtual device (``watch`` in a real pseudo-terminal)."""

from __future__ import annotations

import json
import sys

import pexpect
import pytest
from click.testing import CliRunner

from bridge.adb.private import PrivateAdbServer
from bridge.model import JobSpec, WorkItem
from bridge.model.script import Hold, ItemScript, JobScript, Transfer, Work
from cli.main import cli
from tests.cli.test_sim_and_devices import jobctl


@pytest.mark.parametrize("args", [
    ["why"], ["why", "five"], ["why", "5", "--bogus"], ["stops", "--job", "x"],
    ["watch", "--duration", "soon"], ["watch", "--duration", "0"], ["watch", "--duration", "-3"],
    ["watch", "--duration", "30"], ["watch", "--job", "seven"], ["watch", "--package", "not a package"],
])
def test_bad_input_is_a_usage_error_without_touching_the_device(no_device: None, args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_help_of_each_command(no_device: None) -> None:
    for name in ("why", "stops", "watch"):
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_why_charging_end_to_end(adb: PrivateAdbServer, serial: str, session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_charging(False)
    session.schedule(JobSpec(5, requires_charging=True))
    result = jobctl(adb, "-s", serial, "--json", "why", "5")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["job_id"] == 5 and document["exists"] and not document["running"]
    assert {"kind": "unsatisfied_constraint", "constraint": "CHARGING"}.items() <= document["blockers"][0].items()
    assert document["blockers"][0]["command"] == "jobctl device charging on"
    text = jobctl(adb, "-s", serial, "why", "5", env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert text.returncode == 0 and "jobctl device charging on" in text.stdout and "\x1b[" not in text.stdout


def test_why_unknown_job(adb: PrivateAdbServer, serial: str, session) -> None:  # type: ignore[no-untyped-def]
    result = jobctl(adb, "-s", serial, "--json", "why", "777", "--namespace", "nowhere")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["exists"] is False
    assert document["blockers"][0]["kind"] == "not_scheduled"
    assert document["blockers"][0]["command"] == "jobctl schedule 777 --namespace nowhere"


def test_stops_lists_the_charging_stop(adb: PrivateAdbServer, serial: str, session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_charging(True)
    spec = JobSpec(3, requires_charging=True, script=JobScript(steps=(Work(), Hold()), on_stop_reschedule=False))
    slow = ItemScript(steps=(Transfer(down=1_000_000, up=1000, ms=5000, chunks=5),))
    job = session.enqueue(spec, [WorkItem("a", script=slow), WorkItem("b", script=slow)])
    job.wait_until(lambda e: e.kind.value == "bytes_reported", 30, "transfer progress")
    session.conditions.set_charging(False)
    job.wait_stopped(30)
    result = jobctl(adb, "-s", serial, "--json", "stops", "--job", "3")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert (row["job_id"], row["namespace"], row["stop_reason"], row["stop_reason_code"]) == \
        (3, None, "CONSTRAINT_CHARGING", 6)
    assert "T" in row["at"] and row["items_dequeued"] >= 1
    assert json.loads(jobctl(adb, "-s", serial, "--json", "stops", "--job", "4").stdout) == []
    table = jobctl(adb, "-s", serial, "stops", env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert table.returncode == 0 and "CONSTRAINT_CHARGING" in table.stdout


@pytest.mark.parametrize("flags", [["watch", "--json"], ["watch", "--json-lines"], ["--json", "watch"]])
def test_watch_json_lines_for_a_duration(adb: PrivateAdbServer, serial: str, session,  # type: ignore[no-untyped-def]
                                         flags: list[str]) -> None:
    result = jobctl(adb, "-s", serial, *flags, "--duration", "1.5s", timeout=60)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["type"] == "conditions" and "charging" in lines[0]


def test_watch_in_a_terminal_shows_events_and_stops_on_ctrl_c(adb: PrivateAdbServer, serial: str,
                                                             session) -> None:  # type: ignore[no-untyped-def]
    env = dict(adb.env)
    env.pop("ANDROID_SERIAL", None)
    env.update({"NO_COLOR": "1", "COLUMNS": "160"})
    child = pexpect.spawn(sys.executable, ["-m", "cli.main", "-s", serial, "watch"], env=env,
                          encoding="utf-8", timeout=30, dimensions=(40, 160))
    try:
        child.expect("watching")
        child.expect("conditions")
        session.schedule(JobSpec(21, script=JobScript(steps=(Hold(),))))  # ACTIVE bucket: starts at once
        child.expect(r"job 21\s+scheduled")
        child.expect(r"job 21\s+started")
        session.conditions.set_battery_level(42)
        child.expect(r"battery_level: \d+ → 42")
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130, child.before  # Ctrl-C: ExitCode.INTERRUPTED, as every command
    assert "Traceback" not in (child.before or "")
    session.helper.cancel(21)
