"""``jobctl schedule|enqueue|run|stop|timeout|cancel|state|jobs``.

Parsing is tested in-process with click's ``CliRunner`` and a device layer that fails if it is
touched; the commands themselves run as a user runs them, on a virtual device.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any, Self

import pytest
from click.testing import CliRunner

from bridge.adb.private import PrivateAdbServer
from bridge.model import (
    Backoff,
    BackoffPolicy,
    ByteEstimate,
    Finish,
    Hold,
    ItemScript,
    JobScript,
    JobSpec,
    NetworkType,
    Periodic,
    Priority,
    Sleep,
    Transfer,
    TriggerContentUri,
    Work,
    WorkItem,
)
from jobctl_sim.harness import SimHarness
from jobctl_sim.fleet import FleetSpec
from cli.context import GlobalOptions
from cli.main import cli
from bridge.grammar import GrammarError as ParseError
from bridge.grammar import (
    parse_bytes,
    parse_duration,
    parse_extra,
    parse_work_spec,
)
from tests.cli.test_sim_and_devices import jobctl

# ----------------------------------------------------------------- parsing, no device


class FakeSession:
    """Records what a command asked of the device layer."""

    def __init__(self) -> None:
        self.scheduled: list[JobSpec] = []
        self.enqueued: list[tuple[JobSpec, list[WorkItem]]] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def schedule(self, spec: JobSpec) -> None:
        self.scheduled.append(spec)

    def enqueue(self, spec: JobSpec, items: list[WorkItem]) -> None:
        self.enqueued.append((spec, list(items)))

    class device:  # stands in for Session.device
        serial = "FAKE123"

    def job(self, job_id: int, namespace: str | None = None) -> Any:
        """A job that does not exist yet (``enqueue`` asks before adding work)."""
        from bridge.model.state import JobState

        class Absent:
            def state(self) -> JobState:
                return JobState(unknown=f"u0a123/jid{job_id}")

        return Absent()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeSession:
    session = FakeSession()
    monkeypatch.setenv("JOBCTL_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(GlobalOptions, "session", lambda self, *a, **k: session)
    return session


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), prog_name="jobctl")


@pytest.mark.parametrize(("text", "ms"), [
    ("500ms", 500), ("30s", 30_000), ("15m", 900_000), ("2h", 7_200_000), ("1d", 86_400_000),
    ("1h30m", 5_400_000), ("1.5s", 1500), ("0", 0), ("2H", 7_200_000),
])
def test_durations(text: str, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize("text", ["30", "", "5x", "s", "1.0005s", "-5s", "1m 30s", "ms5"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ParseError):
        parse_duration(text)


@pytest.mark.parametrize(("text", "count"), [
    ("1024", 1024), ("0", 0), ("10B", 10), ("10KB", 10_000), ("10kb", 10_000), ("1MB", 1_000_000),
    ("2GB", 2_000_000_000), ("10KiB", 10_240), ("5MiB", 5 * 1024**2), ("1GiB", 1024**3), ("1.5MB", 1_500_000),
    ("0.5KiB", 512),
])
def test_bytes(text: str, count: int) -> None:
    assert parse_bytes(text) == count


@pytest.mark.parametrize("text", ["", "1.5", "10K", "10 bytes", "-1", "0.3B", "MB", "1.0001KB"])
def test_bad_bytes(text: str) -> None:
    with pytest.raises(ParseError):
        parse_bytes(text)


@pytest.mark.parametrize(("text", "pair"), [
    ("n=3", ("n", 3)), ("flag=true", ("flag", True)), ("off=false", ("off", False)), ("x=1.5", ("x", 1.5)),
    ("s=hello", ("s", "hello")), ('q="42"', ("q", "42")), ("e=", ("e", "")), ("u=a=b", ("u", "a=b")),
])
def test_extras(text: str, pair: tuple[str, Any]) -> None:
    assert parse_extra(text) == pair


def test_work_spec_compact_syntax() -> None:
    item = parse_work_spec("tag=a,download=1MB,duration=2s,incomplete")
    assert item == WorkItem("a", script=ItemScript((Transfer(1_000_000, 0, 2000, 1),), complete=False))
    assert parse_work_spec("", 4) == WorkItem("item-5")
    assert parse_work_spec("duration=500ms") == WorkItem("item-1", script=ItemScript((Sleep(500),)))
    assert parse_work_spec("upload=2KiB,chunks=4,estimated=unknown/2KiB,min-chunk=1KB") == WorkItem(
        "item-1", ByteEstimate(-1, 2048), 1000, ItemScript((Transfer(0, 2048, 0, 4),)))


@pytest.mark.parametrize(("text", "message"), [
    ("tag=a,size=3", "unknown key 'size'"), ("download=lots", "'lots' is not a byte count"),
    ("duration=3", "'3' is not a duration"), ("tag", "tag needs a value"), ("chunks=2", "chunks needs download="),
    ("estimated=1MB", "is not DOWN/UP"), ("tag=a,tag=b", "tag given twice"),
])
def test_bad_work_specs(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_work_spec(text)


def test_every_flag_reaches_the_spec(fake: FakeSession) -> None:
    result = invoke("schedule", "5", "--requires-charging", "--requires-battery-not-low",
                    "--requires-storage-not-low", "--network", "not-roaming", "--estimated-bytes", "10MB,unknown",
                    "--minimum-network-chunk-bytes", "1KiB", "--minimum-latency", "30s", "--override-deadline", "2h",
                    "--backoff", "linear,15s", "--persisted", "--prefetch", "--priority", "LOW",
                    "--extra", "n=3", "--extra", "name=x", "--extra", "on=true", "--namespace", "ns1",
                    "--download", "5MiB", "--duration", "2s", "--reschedule-on-stop", "--finish-reschedule")
    assert result.exit_code == 0, result.output
    assert result.stdout == "scheduled job 5 (namespace: ns1)\n"
    assert fake.scheduled == [JobSpec(
        5, namespace="ns1", network_type=NetworkType.NOT_ROAMING, estimated_bytes=ByteEstimate(10_000_000, -1),
        min_chunk_bytes=1024, requires_charging=True, requires_battery_not_low=True, requires_storage_not_low=True,
        min_latency_ms=30_000, override_deadline_ms=7_200_000, backoff=Backoff(15_000, BackoffPolicy.LINEAR),
        persisted=True, prefetch=True, priority=Priority.LOW, extras={"n": 3, "name": "x", "on": True},
        script=JobScript((Transfer(5 * 1024**2, 0, 2000), Finish(reschedule=True)), on_stop_reschedule=True))]


def test_periodic_expedited_trigger_and_hold(fake: FakeSession) -> None:
    assert invoke("schedule", "1", "--periodic", "1h,10m", "--hold-until-stopped").exit_code == 0
    assert invoke("schedule", "2", "--expedited", "--user-initiated", "--network", "any",
                  "--trigger-content-uri", "content://a", "--trigger-content-uri", "content://b,descendants",
                  "--requires-device-idle").exit_code == 0
    first, second = fake.scheduled
    assert first == JobSpec(1, periodic=Periodic(3_600_000, 600_000), script=JobScript((Hold(),)))
    assert second == JobSpec(2, expedited=True, user_initiated=True, network_type=NetworkType.ANY,
                             requires_device_idle=True,
                             trigger_content_uris=(TriggerContentUri("content://a"),
                                                   TriggerContentUri("content://b", True)))


def test_work_items_enqueue_with_a_work_step(fake: FakeSession, tmp_path: Path) -> None:
    lines = tmp_path / "items.jsonl"
    lines.write_text('{"tag": "f1", "download": "2KB", "duration": 100}\n\n# comment\n"upload=1KB"\n')
    result = invoke("--json", "schedule", "3", "--network", "any", "--work-file", str(lines),
                    "--work", "tag=w,duration=1s", "--duration", "1s")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"job_id": 3, "namespace": None, "result": "success", "enqueued": 3}
    [(spec, items)] = fake.enqueued
    assert spec.script == JobScript((Sleep(1000), Work(), Finish()))
    assert items == [WorkItem("f1", script=ItemScript((Transfer(2000, 0, 100),))),
                     WorkItem("item-2", script=ItemScript((Transfer(0, 1000),))),
                     WorkItem("w", script=ItemScript((Sleep(1000),)))]


def test_toml_spec_file_with_flags_overriding(fake: FakeSession, tmp_path: Path) -> None:
    spec_file = tmp_path / "job.toml"
    spec_file.write_text('requires_charging = true\nnetwork_type = "unmetered"\nmin_latency_ms = 60000\n'
                         'extras = { a = "1", b = 2 }\n\n[[work]]\ntag = "t"\ndownload = "1MiB"\n')
    result = invoke("schedule", "9", "--spec", str(spec_file), "--network", "any", "--extra", "b=3")
    assert result.exit_code == 0, result.output
    [(spec, items)] = fake.enqueued
    assert spec == JobSpec(9, requires_charging=True, network_type=NetworkType.ANY, min_latency_ms=60_000,
                           extras={"a": "1", "b": 3})
    assert items == [WorkItem("t", script=ItemScript((Transfer(1024**2, 0),)))]


def test_json_spec_file_and_toml_work_file(fake: FakeSession, tmp_path: Path) -> None:
    spec_file = tmp_path / "job.json"
    spec_file.write_text(json.dumps({"job_id": 1, "expedited": True, "priority": "high",
                                     "backoff": {"initial_ms": 20000, "policy": "linear"}}))
    work = tmp_path / "work.toml"
    work.write_text('[[work]]\ntag = "x"\nincomplete = true\n[[work]]\nupload = 10\n')
    result = invoke("enqueue", "4", "--spec", str(spec_file), "--work-file", str(work))
    assert result.exit_code == 0, result.output
    [(spec, items)] = fake.enqueued
    assert spec == JobSpec(4, expedited=True, priority=Priority.HIGH,
                           backoff=Backoff(20_000, BackoffPolicy.LINEAR))
    assert items == [WorkItem("x", script=ItemScript((), complete=False)),
                     WorkItem("item-2", script=ItemScript((Transfer(0, 10),)))]


@pytest.mark.parametrize(("args", "message"), [
    (["schedule", "1", "--duration", "5x"], "Invalid value for '--duration': '5x' is not a duration"),
    (["schedule", "1", "--minimum-latency", "30"], "'30' is not a duration"),
    (["schedule", "1", "--download", "10K"], "Invalid value for '--download': '10K' is not a byte count"),
    (["schedule", "1", "--estimated-bytes", "10MB"], "is not DOWN,UP"),
    (["schedule", "1", "--work", "tag=a,bogus=1"], "unknown key 'bogus'"),
    (["schedule", "1", "--network", "wifi"], "Invalid value for '--network'"),
    (["schedule", "1", "--backoff", "random,1s"], "policy must be linear or exponential"),
    (["schedule", "1", "--extra", "novalue"], "'novalue' is not KEY=VALUE"),
    (["schedule", "x"], "'x' is not a valid integer"),
    (["schedule", "1", "--hold-until-stopped", "--finish-reschedule"], "exclude each other"),
    (["schedule", "1", "--spec", "/nonexistent/spec.toml"], "cannot read /nonexistent/spec.toml"),
    (["enqueue", "1"], "enqueue needs work items"),
    (["stop", "1", "--reason", "bored"], "'bored' is not a stop reason"),
    (["cancel"], "give a JOB_ID or --all"),
    (["cancel", "3", "--all"], "give a JOB_ID or --all"),
    (["schedule"], "Missing argument 'JOB_ID'"),
])
def test_bad_input_is_one_usage_line_and_touches_no_device(no_device: None, args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("jobctl: error: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("content", "suffix", "message"), [
    ("requires_charging = [", ".toml", "not TOML"),
    ("{", ".json", "not JSON"),
    ('{"network_type": "wifi"}', ".json", "'wifi' is not a valid NetworkType"),
    ('{"colour": "red"}', ".json", "unknown SPEC field: colour"),
    ('{"periodic": {"flex_ms": 1}}', ".json", "missing field 'interval_ms'"),
])
def test_bad_spec_files(no_device: None, tmp_path: Path, content: str, suffix: str, message: str) -> None:
    path = tmp_path / f"spec{suffix}"
    path.write_text(content)
    result = invoke("schedule", "1", "--spec", str(path))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr, result.stderr


def test_bad_work_file_line_is_named(no_device: None, tmp_path: Path) -> None:
    path = tmp_path / "w.jsonl"
    path.write_text('{"tag": "a"}\n{"tag": "b", "download": "1 parsec"}\n')
    result = invoke("schedule", "1", "--work-file", str(path))
    assert result.exit_code == 2
    assert f"{path}:2: download: '1 parsec' is not a byte count" in result.stderr


def test_help_lists_the_flags_without_importing_rich() -> None:
    import sys

    probe = ("import atexit, sys, runpy; sys.argv=['jobctl','schedule','--help']\n"
             "atexit.register(lambda: print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in "
             "('adbutils','rich') or m in ('bridge.jobs', 'bridge.device'))))\n"  # jobctl leaves by os._exit
             "runpy.run_module('cli.main', run_name='__main__')\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30, check=False).stdout
    assert "--requires-charging" in out and "--work-file" in out
    assert out.strip().endswith("LOADED []")


# ----------------------------------------------------------------- on a virtual device


def run_json(adb: PrivateAdbServer, *args: str) -> Any:
    result = jobctl(adb, "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def wait_state(adb: PrivateAdbServer, serial: str, job_id: int, token: str, timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        found = run_json(adb, "-s", serial, "state", str(job_id))["state"]
        if token in found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_schedule_then_jobs_shows_its_unsatisfied_constraints(adb: PrivateAdbServer, serial: str) -> None:
    result = jobctl(adb, "schedule", "5", "--requires-charging", "--network", "unmetered",
                    "--minimum-latency", "1h", env={"ANDROID_SERIAL": serial})
    assert (result.returncode, result.stdout, result.stderr) == (0, "scheduled job 5 (namespace: none)\n", "")
    listed = run_json(adb, "-s", serial, "jobs")
    [job] = [j for j in listed if j["job_id"] == 5]
    assert job["namespace"] is None and job["state"] == ["waiting"]
    assert {"CHARGING", "CONNECTIVITY", "TIMING_DELAY"} <= set(job["required_constraints"])
    assert "TIMING_DELAY" in job["unsatisfied_constraints"]
    table = jobctl(adb, "-s", serial, "jobs", env={"NO_COLOR": "1"})
    assert table.returncode == 0 and "\x1b[" not in table.stdout
    assert any(line.split()[:3] == ["5", "none", "waiting"] for line in table.stdout.splitlines())


def test_run_state_stop_with_reason_and_cancel_all(adb: PrivateAdbServer, serial: str) -> None:
    adb.adb("-s", serial, "shell", "am set-standby-bucket dev.jobctl.helper active")
    env = {"ANDROID_SERIAL": serial}
    assert jobctl(adb, "schedule", "7", "--requires-charging", "--hold-until-stopped", "--reschedule-on-stop",
                  env=env).returncode == 0
    assert jobctl(adb, "schedule", "8", "--minimum-latency", "1h", env=env).returncode == 0
    ran = jobctl(adb, "run", "7", env=env)
    assert (ran.returncode, ran.stdout) == (0, "ran job 7 (namespace: none, forced)\n")
    assert "active" in wait_state(adb, serial, 7, "active")
    stopped = jobctl(adb, "--json", "stop", "7", "--reason", "USER", env=env)
    assert stopped.returncode == 0, stopped.stderr
    assert json.loads(stopped.stdout) == {"job_id": 7, "namespace": None, "reason": "USER", "result": "success"}
    assert "active" not in wait_state(adb, serial, 7, "waiting")
    deadline = time.monotonic() + 30
    while True:
        [job] = [j for j in run_json(adb, "-s", serial, "jobs") if j["job_id"] == 7]
        if job["last_stop_reason"] == "USER" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert (job["last_stop_reason"], job["last_stop_reason_code"]) == ("USER", 13)
    cancelled = jobctl(adb, "cancel", "--all", env=env)
    assert (cancelled.returncode, cancelled.stdout) == (0, "cancelled all jobs (every namespace)\n")
    assert run_json(adb, "-s", serial, "jobs") == []
    gone = jobctl(adb, "state", "7", env=env)  # issue 15: a job that does not exist is an error
    assert gone.returncode == 1 and "the device answers unknown(" in gone.stderr


def test_run_satisfied_refuses_a_job_whose_constraints_do_not_hold(adb: PrivateAdbServer, serial: str) -> None:
    env = {"ANDROID_SERIAL": serial}
    assert jobctl(adb, "schedule", "3", "--minimum-latency", "1h", env=env).returncode == 0
    result = jobctl(adb, "run", "3", "--satisfied", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("jobctl: error: job 3: constraints not satisfied")
    assert len(result.stderr.splitlines()) == 1


def test_an_option_the_api_level_lacks_is_one_line_and_schedules_nothing(adb: PrivateAdbServer) -> None:
    with SimHarness(FleetSpec(api_level=30)) as device:
        serial = device.connect(adb.server)[0]
        env = {"ANDROID_SERIAL": serial}
        result = jobctl(adb, "schedule", "4", "--expedited", env=env)
        assert result.returncode == 1
        assert result.stderr == "jobctl: error: spec.expedited requires API 31, device is API 30\n"
        refused = jobctl(adb, "schedule", "4", "--periodic", "15m", "--minimum-latency", "1m", env=env)
        assert refused.returncode == 1
        assert refused.stderr == ("jobctl: error: IllegalArgumentException: "
                                  "Can't call setMinimumLatency() on a periodic job\n")
        assert run_json(adb, "-s", serial, "jobs") == []
        events = adb.adb("-s", serial, "shell", "run-as dev.jobctl.helper cat files/journal/current.jsonl")
        assert '"scheduled"' not in events.stdout
