"""``jobctl why`` with -p: any app's job, WorkManager's labelled, bad input in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.adb.private import PrivateAdbServer
from bridge.jobs import Session
from cli.main import cli
from tests.cli.test_sim_and_devices import jobctl

SAMPLE = "com.example.jobctl.sample"
WM = "androidx.work.systemjobscheduler"


@pytest.mark.parametrize("args", [["why", "-p", "not a package", "3"], ["why", "-p", "", "3"],
                                  ["why", "--package"]])
def test_a_malformed_package_is_a_usage_error_before_the_device(no_device: None, args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_why_lives_in_its_own_module_and_keeps_its_name() -> None:
    from cli.commands.why import why
    from cli.main import COMMANDS

    assert COMMANDS["why"][:2] == ("cli.commands.why", "why") and why.name == "why"


def test_an_unknown_package_is_one_line_and_exit_1(adb: PrivateAdbServer, serial: str) -> None:
    result = jobctl(adb, "-s", serial, "why", "-p", "org.example.absent", "3")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"jobctl: error: package org.example.absent is not installed on {serial}"]


def test_a_workmanager_job_of_another_app_is_labelled_and_its_command_is_adb(adb: PrivateAdbServer,
                                                                             serial: str) -> None:
    adb.adb("-s", serial, "shell", "am", "start", "-n", f"{SAMPLE}/.MainActivity")
    result = jobctl(adb, "-s", serial, "--json", "why", "-p", SAMPLE, "-n", WM, "1")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["package"] == SAMPLE and document["exists"]
    assert document["work"]["worker_class"] == f"{SAMPLE}.work.RefreshWorker"
    assert document["work"]["unique_names"] == ["refresh"] and document["work"]["source"] == "database"
    assert any("WorkManager will skip a forced run now" in note for note in document["notes"])
    # WorkManager schedules a periodic WorkSpec as a one-off job whose minimum latency is the next period
    waiting = [b for b in document["blockers"] if b["kind"] == "waiting_for_latency"]
    assert waiting and waiting[0]["command"] == f"adb shell cmd jobscheduler run -f -u 0 -n {WM} {SAMPLE} 1"
    assert waiting[0]["reason"].endswith("WorkManager will skip a forced run now (before its schedule)")
    text = jobctl(adb, "-s", serial, "why", "-p", SAMPLE, "-n", WM, "1", env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert text.returncode == 0 and f"WorkManager: {SAMPLE}.work.RefreshWorker [ENQUEUED] unique=refresh" in text.stdout


def test_a_finished_workmanager_job_is_named_so(adb: PrivateAdbServer, serial: str) -> None:
    adb.adb("-s", serial, "shell", "am", "start", "-n", f"{SAMPLE}/.MainActivity")
    for _ in range(100):
        result = jobctl(adb, "-s", serial, "--json", "why", "-p", SAMPLE, "-n", WM, "3")
        document = json.loads(result.stdout)
        if not document["exists"] and document["last_outcome"]:
            break
    assert document["last_outcome"]["kind"] == "finished", document
    assert document["work"]["worker_class"] == f"{SAMPLE}.work.CompressWorker"
    assert document["blockers"][0]["command"] is None  # another app schedules its own jobs


def test_the_printed_forced_run_reaches_workmanager_which_skips_it_as_flagged(adb: PrivateAdbServer, serial: str,
                                                                              tmp_path: Path) -> None:
    import os
    import subprocess

    from bridge.adb.server import bundled_adb_path

    adb.adb("-s", serial, "shell", "am", "start", "-n", f"{SAMPLE}/.MainActivity")
    document = json.loads(jobctl(adb, "-s", serial, "--json", "why", "-p", SAMPLE, "-n", WM, "1").stdout)
    (command,) = [b["command"] for b in document["blockers"] if "WorkManager will skip" in b["reason"]]
    (tmp_path / "adb").symlink_to(bundled_adb_path())
    env = dict(adb.env, ANDROID_SERIAL=serial, PATH=f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    ran = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0 and "Running job [FORCED]" in ran.stdout, ran.stderr
    for _ in range(100):
        log = adb.adb("-s", serial, "shell", "logcat", "-d", "-s", "WM-WorkerWrapper").stdout
        if "because it is being executed before schedule" in log:
            break
    assert f"Delaying execution for {SAMPLE}.work.RefreshWorker because it is being executed before schedule" in log


def test_why_of_a_helper_job_tells_the_time_left_and_the_command(adb: PrivateAdbServer, serial: str,
                                                                 session: Session) -> None:
    from bridge.model import JobSpec

    session.schedule(JobSpec(8, min_latency_ms=7_200_000))
    result = jobctl(adb, "-s", serial, "why", "8", env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "its minimum latency (2h00m00s) has not passed yet: it may run in 1h59m" in result.stdout
    assert "jobctl run 8 --force" in result.stdout
