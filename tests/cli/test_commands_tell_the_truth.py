"""Issue 15, item 3: commands tell the truth, and their mistakes are bad input like any other.

Seen before: ``stop``/``timeout``/``cancel`` of a job that does not exist or is not running said
"stopped"/"cancelled" with exit 0; ``run`` named the namespace ``None``; ``state`` of an unknown
job printed ``unknown(…)`` with exit 0; a condition wait that timed out exited 1, not 7;
``enqueue`` onto an existing job silently replaced its spec; clamped values went unmentioned.
Each mistake: one line on stderr, the documented exit code, no traceback, the device unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bridge.adb.private import PrivateAdbServer
from cli.context import GlobalOptions
from cli.main import cli
from tests.cli.test_sim_and_devices import jobctl

NOT_RUNNING = "is not running: No matching executing jobs found."


def _jobs(adb: PrivateAdbServer, serial: str) -> list[dict[str, Any]]:
    listed = jobctl(adb, "-s", serial, "--json", "jobs")
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)  # type: ignore[no-any-return]


def _one_error_line(result: Any, code: int, *fragments: str) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("jobctl: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.mark.parametrize(("args", "fragments"), [
    (["stop", "99"], ["job 99 in the default namespace", NOT_RUNNING]),
    (["timeout", "99"], ["job 99 in the default namespace", NOT_RUNNING]),
    (["stop", "3"], ["job 3 in the default namespace", NOT_RUNNING]),  # scheduled, waiting: not running
    (["timeout", "3", "--json"], [NOT_RUNNING]),
    (["stop", "3", "--namespace", "sync"], ["job 3 in namespace 'sync'", NOT_RUNNING]),
    (["cancel", "99"], ["no job 99 in the default namespace", "unknown(u0a"]),
    (["state", "99"], ["no job 99 in the default namespace", "unknown(u0a"]),
    (["state", "99", "--json"], ["no job 99"]),
    (["run", "99"], ["no job 99 in the default namespace of dev.jobctl.helper"]),
    (["run", "99", "--namespace", "sync"], ["no job 99 in namespace 'sync' of dev.jobctl.helper"]),
    (["enqueue", "3", "--network", "any", "--work", "tag=b"], ["job 3 in the default namespace exists with another "
                                                               "spec", "--replace"]),
])
def test_a_mistake_about_a_job_is_one_line_exit_1_and_changes_nothing(adb: PrivateAdbServer, serial: str,
                                                                      tmp_path: Path, args: list[str],
                                                                      fragments: list[str]) -> None:
    scheduled = jobctl(adb, "-s", serial, "schedule", "3", "--minimum-latency", "1h", state_dir=tmp_path)
    assert scheduled.returncode == 0, scheduled.stderr
    before = _jobs(adb, serial)
    result = jobctl(adb, "-s", serial, *args, state_dir=tmp_path)
    _one_error_line(result, 1, *fragments)
    assert "None" not in result.stderr
    assert _jobs(adb, serial) == before


def test_stop_and_timeout_of_a_running_job_still_succeed(adb: PrivateAdbServer, serial: str, tmp_path: Path) -> None:
    from tests.cli.test_jobs_commands import wait_state

    adb.adb("-s", serial, "shell", "am set-standby-bucket dev.jobctl.helper active")
    env = {"ANDROID_SERIAL": serial}
    assert jobctl(adb, "schedule", "4", "--hold-until-stopped", env=env, state_dir=tmp_path).returncode == 0
    assert "active" in wait_state(adb, serial, 4, "active")
    assert jobctl(adb, "timeout", "4", env=env).stdout == "timed out job 4 (namespace: none)\n"


def test_enqueue_onto_an_existing_job_adds_work_and_keeps_its_spec(adb: PrivateAdbServer, serial: str,
                                                                   tmp_path: Path) -> None:
    env = {"ANDROID_SERIAL": serial}
    first = jobctl(adb, "schedule", "5", "--requires-charging", "--minimum-latency", "1h", "--work", "tag=a",
                   env=env, state_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    added = jobctl(adb, "enqueue", "5", "--work", "tag=b", env=env, state_dir=tmp_path)
    assert (added.returncode, added.stdout) == (0, "enqueued 1 work item(s) for job 5 (namespace: none)\n")
    [job] = [j for j in _jobs(adb, serial) if j["job_id"] == 5]
    assert {"CHARGING", "TIMING_DELAY"} <= set(job["required_constraints"])
    same = jobctl(adb, "enqueue", "5", "--requires-charging", "--minimum-latency", "1h", "--work", "tag=c",
                  env=env, state_dir=tmp_path)
    assert same.returncode == 0, same.stderr
    replaced = jobctl(adb, "enqueue", "5", "--replace", "--minimum-latency", "2h", "--work", "tag=d", env=env,
                      state_dir=tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    [job] = [j for j in _jobs(adb, serial) if j["job_id"] == 5]
    assert "CHARGING" not in job["required_constraints"] and "TIMING_DELAY" in job["required_constraints"]


def test_enqueue_onto_a_job_jobctl_did_not_schedule_asks_for_replace(adb: PrivateAdbServer, serial: str,
                                                                     tmp_path: Path) -> None:
    env = {"ANDROID_SERIAL": serial}
    assert jobctl(adb, "schedule", "6", "--minimum-latency", "1h", env=env, state_dir=tmp_path).returncode == 0
    before = _jobs(adb, serial)
    result = jobctl(adb, "enqueue", "6", "--work", "tag=a", env=env, state_dir=tmp_path / "elsewhere")
    _one_error_line(result, 1, "job 6 in the default namespace exists, but jobctl does not know", "--replace")
    assert _jobs(adb, serial) == before


@pytest.mark.parametrize(("args", "warning"), [
    (["--periodic", "5m"], "--periodic 5 min: the device runs the job every 15 min"),
    (["--periodic", "1h,1m"], "--periodic flex 1 min: the device uses a flex of 5 min"),
    (["--backoff", "linear,1s"], "--backoff 1 s: the device starts the backoff at 10 s"),
    (["--minimum-latency", "400d"], "--minimum-latency 400 d: the device keeps it as given"),
    (["--work", "tag=a", "--hold-until-stopped"], "--hold-until-stopped: the job ends as soon as its work items"),
])
def test_a_value_the_platform_clamps_gets_one_warning_line(adb: PrivateAdbServer, serial: str, tmp_path: Path,
                                                           args: list[str], warning: str) -> None:
    result = jobctl(adb, "-s", serial, "schedule", "9", *args, state_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"jobctl: warning: {warning}") and result.stderr.count("\n") == 1
    assert result.stdout == "scheduled job 9 (namespace: none)" + (", 1 work item(s) enqueued" if "--work" in args
                                                                   else "") + "\n"


def test_a_timed_out_condition_wait_exits_7(monkeypatch: pytest.MonkeyPatch) -> None:
    from bridge.conditions import Conditions
    from bridge.errors import ConditionTimeoutError

    def never(self: Conditions, charging: bool, *, level: int | None = None) -> None:
        raise ConditionTimeoutError("emulator-5554: charging: wanted true, seen false (after 15 s)")

    monkeypatch.setattr(Conditions, "set_charging", never)
    monkeypatch.setattr(GlobalOptions, "device", lambda self: object())
    result = CliRunner().invoke(cli, ["device", "charging", "on"])
    assert result.exit_code == 7, result.output
    assert result.output == "jobctl: error: emulator-5554: charging: wanted true, seen false (after 15 s)\n"


def test_enqueue_onto_a_job_with_extras_needs_them_again_and_keeps_them_off_the_disk(
        adb: PrivateAdbServer, serial: str, tmp_path: Path) -> None:
    env = {"ANDROID_SERIAL": serial}
    state = tmp_path / "state"
    token = "s3cr3t-" + tmp_path.name
    scheduled = jobctl(adb, "schedule", "8", "--minimum-latency", "1h", "--extra", f"token={token}", env=env,
                       state_dir=state)
    assert scheduled.returncode == 0, scheduled.stderr
    bare = jobctl(adb, "enqueue", "8", "--work", "tag=a", env=env, state_dir=state)
    _one_error_line(bare, 1, "job 8 in the default namespace has extras", "--extra")
    again = jobctl(adb, "enqueue", "8", "--minimum-latency", "1h", "--extra", f"token={token}", "--work", "tag=a",
                   env=env, state_dir=state)
    assert again.returncode == 0, again.stderr
    wrong = jobctl(adb, "enqueue", "8", "--minimum-latency", "1h", "--extra", "token=other", "--work", "tag=b",
                   env=env, state_dir=state)
    _one_error_line(wrong, 1, "exists with another spec")
    assert not [p for p in state.rglob("*") if p.is_file() and token in p.read_text(errors="replace")]
