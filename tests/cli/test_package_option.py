"""``-p/--package``: every job command on another app's jobs, end to end on a virtual device
that has no jobctl helper; bad package names and unknown packages before any job verb."""

from __future__ import annotations

import json
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from bridge.adb.private import PrivateAdbServer
from cli.main import cli
from jobctl_sim.fleet import FleetSpec
from jobctl_sim.harness import SimHarness
from tests.bridge.app_jobs_support import PACKAGE, KeepRunningApp, install_other_app, running_jobs, schedule
from tests.cli.test_sim_and_devices import jobctl
from tests.support.waiting import wait_until

COMMANDS_WITH_PACKAGE = ("jobs", "state", "why", "run", "stop", "timeout", "cancel", "stops", "watch", "history")


@pytest.mark.parametrize("command", COMMANDS_WITH_PACKAGE)
def test_every_job_command_takes_a_package(no_device: None, command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "-p, --package PKG" in result.output, result.output


@pytest.mark.parametrize("args", [
    ["jobs", "-p", "not a package"], ["state", "1", "-p", "1bad"], ["run", "1", "--package", "a..b"],
    ["history", "-p", "x y"], ["stops", "-p", "@"], ["watch", "-p", "no spaces allowed", "--duration", "1s"],
    ["cancel", "--all", "-p", "org.example.other"],
])
def test_a_malformed_package_is_a_usage_error_without_touching_the_device(no_device: None, args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


@pytest.fixture
def bare(adb: PrivateAdbServer) -> Iterator[tuple[SimHarness, str, KeepRunningApp]]:
    """An API 34 virtual device with no helper, and org.example.other installed and active."""
    harness = SimHarness(FleetSpec(helper=False)).start()
    try:
        serial = harness.connect(adb.server)[0]
        app = install_other_app(harness)
        jobctl(adb, "-s", serial, "device", "--package", PACKAGE, "bucket", "active")
        yield harness, serial, app
    finally:
        harness.stop()


def _json(adb: PrivateAdbServer, serial: str, *args: str) -> object:
    result = jobctl(adb, "-s", serial, "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_unknown_package_is_one_line_and_exit_1(adb: PrivateAdbServer, bare) -> None:  # type: ignore[no-untyped-def]
    _, serial, _ = bare
    for args in (["jobs"], ["state", "1"], ["run", "1"], ["stop", "1"], ["timeout", "1"], ["cancel", "1"],
                 ["history"], ["stops"], ["why", "1"], ["watch", "--duration", "1s"]):
        result = jobctl(adb, "-s", serial, *args, "-p", "org.example.absent")
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert result.stderr.strip().splitlines() == [
            f"jobctl: error: package org.example.absent is not installed on {serial}"], args


def test_a_package_with_no_jobs_says_so_and_exits_0(adb: PrivateAdbServer, bare) -> None:  # type: ignore[no-untyped-def]
    _, serial, _ = bare
    result = jobctl(adb, "-s", serial, "jobs", "-p", PACKAGE)
    assert result.returncode == 0 and result.stdout.strip() == f"{PACKAGE} has no jobs", result.stderr
    assert _json(adb, serial, "jobs", "-p", PACKAGE) == []
    history = jobctl(adb, "-s", serial, "history", "-p", PACKAGE)
    assert history.returncode == 0 and "no starts or stops" in history.stdout


def test_job_commands_drive_another_apps_job(adb: PrivateAdbServer, bare) -> None:  # type: ignore[no-untyped-def]
    sim, serial, app = bare
    app.reschedule = True
    schedule(sim, 5, min_latency_ms=3_600_000, has_early_constraint=True)
    jobs = _json(adb, serial, "jobs", "-p", PACKAGE)
    assert isinstance(jobs, list) and [(j["job_id"], j["state"], j["unsatisfied_constraints"]) for j in jobs] == [
        (5, ["waiting"], ["TIMING_DELAY"])]
    text = jobctl(adb, "-s", serial, "jobs", "-p", PACKAGE, env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert "TIMING_DELAY" in text.stdout and "waiting" in text.stdout
    assert _json(adb, serial, "state", "5", "-p", PACKAGE)["state"] == ["waiting"]  # type: ignore[index]
    ran = _json(adb, serial, "run", "5", "-p", PACKAGE)
    assert ran == {"job_id": 5, "namespace": None, "package": PACKAGE, "force": True, "result": "success"}
    assert wait_until(lambda: (None, 5) in running_jobs(sim, app), 10)
    state = _json(adb, serial, "state", "5", "-p", PACKAGE)
    assert "active" in state["state"]  # type: ignore[index]
    assert state["bytes"] == {"estimated_download": None, "estimated_upload": None,  # type: ignore[index]
                              "transferred_download": 0, "transferred_upload": 0}  # -1 is NETWORK_BYTES_UNKNOWN
    stopped = jobctl(adb, "-s", serial, "stop", "5", "-p", PACKAGE, "--reason", "user")
    assert stopped.returncode == 0 and stopped.stdout.strip() == (
        f"stopped job 5 of {PACKAGE} (namespace: none, reason: USER)"), stopped.stderr
    assert wait_until(lambda: (None, 5) not in running_jobs(sim, app), 10)
    idle = jobctl(adb, "-s", serial, "timeout", "5", "-p", PACKAGE)
    assert idle.returncode == 1 and "is not running: No matching executing jobs found." in idle.stderr
    jobctl(adb, "-s", serial, "run", "5", "-p", PACKAGE)
    assert wait_until(lambda: (None, 5) in running_jobs(sim, app), 10)
    assert jobctl(adb, "-s", serial, "timeout", "5", "-p", PACKAGE).returncode == 0
    assert wait_until(lambda: app.stop_reasons[-1:] == [3], 10)
    why = _json(adb, serial, "why", "5", "-p", PACKAGE)
    assert why["package"] == PACKAGE and why["exists"]  # type: ignore[index]
    stops = _json(adb, serial, "stops", "-p", PACKAGE)
    assert isinstance(stops, list) and [(s["job_id"], s["reason_text"]) for s in stops] == [
        (5, "stop from shell"), (5, "stop from shell")]
    cancelled = jobctl(adb, "-s", serial, "cancel", "5", "-p", PACKAGE)
    assert cancelled.returncode == 0 and cancelled.stdout.strip() == f"cancelled job 5 of {PACKAGE} (namespace: none)"
    missing = jobctl(adb, "-s", serial, "state", "5", "-p", PACKAGE)
    assert missing.returncode == 1 and "no job 5 of org.example.other: the device answers unknown(" in missing.stderr
    absent = jobctl(adb, "-s", serial, "run", "5", "-p", PACKAGE)
    assert absent.returncode == 1 and absent.stderr.strip() == "jobctl: error: no job 5 of org.example.other"


def test_stop_below_api_34_is_one_line_naming_the_level(adb: PrivateAdbServer) -> None:
    harness = SimHarness(FleetSpec(api_level=33, helper=False)).start()
    try:
        serial = harness.connect(adb.server)[0]
        install_other_app(harness)
        schedule(harness, 5)
        result = jobctl(adb, "-s", serial, "stop", "5", "-p", PACKAGE)
        assert result.returncode == 1
        assert result.stderr.strip() == f"jobctl: error: cmd jobscheduler stop needs API 34; {serial} is API 33"
    finally:
        harness.stop()


def test_watch_follows_another_apps_starts_and_stops(adb: PrivateAdbServer, bare) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    sim, serial, app = bare
    app.reschedule = True
    schedule(sim, 5, min_latency_ms=3_600_000, has_early_constraint=True)
    environment = dict(adb.env)
    environment.pop("ANDROID_SERIAL", None)
    watcher = subprocess.Popen([sys.executable, "-m", "cli.main", "-s", serial, "watch", "-p", PACKAGE,
                                "--json-lines", "--duration", "6s"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=environment)
    try:
        assert watcher.stdout is not None
        conditions = json.loads(watcher.stdout.readline())  # the first poll: the conditions, then each job
        assert conditions["type"] == "conditions" and conditions["app"]["package"] == PACKAGE
        assert conditions["standby_bucket"] == "ACTIVE" and conditions["charging"] is True
        first = json.loads(watcher.stdout.readline())
        assert (first["type"], first["kind"], first["job_id"], first["detail"]) == ("app_job", "state", 5, "waiting")
        jobctl(adb, "-s", serial, "run", "5", "-p", PACKAGE)
        assert wait_until(lambda: (None, 5) in running_jobs(sim, app), 10)
        jobctl(adb, "-s", serial, "stop", "5", "-p", PACKAGE)
        assert jobctl(adb, "-s", serial, "device", "charging", "off").returncode == 0
        out, err = watcher.communicate(timeout=30)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
    assert watcher.returncode == 0, err
    entries = [json.loads(line) for line in out.splitlines()]
    kinds = [(e["kind"], e["detail"]) for e in entries if e["type"] == "app_job"]
    assert ("started", "") in kinds and ("stopped", '"stop from shell"') in kinds
    assert kinds.index(("started", "")) < kinds.index(("stopped", '"stop from shell"'))
    changes = [(e["name"], e["old"], e["new"]) for e in entries if e["type"] == "condition"]
    assert ("charging", True, False) in changes


def test_every_package_option_is_the_one_definition() -> None:
    from cli.options import check_package

    for name in COMMANDS_WITH_PACKAGE:
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None
        [param] = [p for p in command.params if p.name == "package"]
        assert isinstance(param, click.Option)
        assert (param.opts, param.callback, param.metavar) == (["--package", "-p"], check_package, "PKG"), name
