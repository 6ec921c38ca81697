"""The scenario loader: every kind of bad input is one exact error naming file, step and field,
raised before anything touches a device."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.model import ByteEstimate, EventKind, StopReason
from bridge.model.script import Hold, JobScript
from bridge.scenario.loader import ScenarioError, load_scenario, parse_scenario
from bridge.scenario.model import (
    DeviceStep,
    EnqueueStep,
    ExpectStep,
    JobRef,
    ScheduleStep,
    StopStep,
    WaitStep,
)

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
HEAD = '[scenario]\nname = "t"\n'
HOLD_JOB = 'job = { job_id = 1, script = { steps = [{ op = "hold" }] } }\n'


def _error(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "case.toml")
    return str(caught.value)


def test_a_full_scenario_becomes_typed_steps() -> None:
    scenario = parse_scenario(HEAD + 'description = "d"\nmin_api = 34\n'
                              '[[step]]\naction = "device"\nbucket = "active"\ncharging = true\n'
                              '[[step]]\naction = "schedule"\n' + HOLD_JOB +
                              '[[step]]\naction = "wait"\nuntil = "started"\njob_id = 1\ntimeout = 5\n'
                              '[[step]]\naction = "stop"\njob_id = 1\nreason = "user"\n'
                              '[[step]]\naction = "enqueue"\njob_id = 1\nitems = [{ tag = "a" }]\n'
                              '[[step]]\naction = "expect"\njob_id = 1\nstate = ["pending", "ready"]\n'
                              'stop_reason = "STOP_REASON_USER"\ntransferred = { down = 1, up = 2 }\n', "f.toml")
    assert (scenario.name, scenario.description, scenario.min_api, scenario.source) == ("t", "d", 34, "f.toml")
    device, schedule, wait, stop, enqueue, expect = scenario.steps
    assert device == DeviceStep((("bucket", "active"), ("charging", True)))
    assert isinstance(schedule, ScheduleStep) and schedule.spec.script == JobScript(steps=(Hold(),))
    assert wait == WaitStep(until=EventKind.STARTED, job=JobRef(1), timeout=5.0)
    assert stop == StopStep(JobRef(1), StopReason.USER)
    assert isinstance(enqueue, EnqueueStep) and enqueue.spec == schedule.spec and enqueue.items[0].tag == "a"
    assert isinstance(expect, ExpectStep)
    assert (expect.state, expect.stop_reason, expect.transferred, expect.timeout) == (
        frozenset({"pending", "ready"}), StopReason.USER, ByteEstimate(1, 2), 10.0)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_scenario_loads_and_sets_the_bucket_itself(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.steps[0] == DeviceStep(scenario.steps[0].changes)
    assert ("bucket", "active") in scenario.steps[0].changes


@pytest.mark.parametrize(("text", "message"), [
    ("[scenario\n", "case.toml: invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 10)"),
    ('[[step]]\naction = "run"\njob_id = 1\n', "case.toml: field scenario: required table [scenario] is missing"),
    (HEAD + 'author = "me"\n[[step]]\naction = "cancel"\njob_id = 1\n',
     "case.toml: field scenario.author: unknown field (allowed: description, min_api, name)"),
    ('[scenario]\nmin_api = 34\n[[step]]\naction = "cancel"\njob_id = 1\n',
     "case.toml: field scenario.name: required"),
    (HEAD + 'min_api = 12\n[[step]]\naction = "cancel"\njob_id = 1\n',
     "case.toml: field scenario.min_api: 12 is out of range (26..99)"),
    (HEAD, "case.toml: field step: at least one [[step]] is required"),
    (HEAD + '[[step]]\njob_id = 1\n',
     "case.toml: step 1: field action: required (one of: schedule, enqueue, run, device, wait, stop, timeout, "
     "cancel, expect)"),
    (HEAD + '[[step]]\naction = "cancel"\njob_id = 1\n[[step]]\naction = "reboot"\n',
     "case.toml: step 2: field action: unknown step 'reboot' (one of: schedule, enqueue, run, device, wait, stop, "
     "timeout, cancel, expect)"),
    (HEAD + '[[step]]\naction = "run"\njob_id = 1\nfast = true\n',
     "case.toml: step 1 (run): field fast: unknown field (allowed: force, job_id, namespace)"),
    (HEAD + '[[step]]\naction = "run"\n', "case.toml: step 1 (run): field job_id: required"),
    (HEAD + '[[step]]\naction = "run"\njob_id = "one"\n', "case.toml: step 1 (run): field job_id: expected an integer"),
    (HEAD + '[[step]]\naction = "schedule"\njob = { job_id = 1, requires_charging = "yes" }\n',
     "case.toml: step 1 (schedule): field job.requires_charging: expected true or false"),
    (HEAD + '[[step]]\naction = "schedule"\njob = { job_id = 1, charging = true }\n',
     "case.toml: step 1 (schedule): field job.charging: unknown field"),
    (HEAD + '[[step]]\naction = "schedule"\njob = { requires_charging = true }\n',
     "case.toml: step 1 (schedule): field job.job_id: required"),
    (HEAD + '[[step]]\naction = "schedule"\njob = { job_id = 1, script = { steps = [{ op = "dance" }] } }\n',
     "case.toml: step 1 (schedule): field job.script.steps[0].op: unknown op 'dance' (one of: sleep, transfer, "
     "estimate, work, finish, hold)"),
    (HEAD + '[[step]]\naction = "schedule"\njob = { job_id = 1, expedited = true }\n',
     "case.toml: step 1 (schedule): field job.expedited: requires API 31 (scenario.min_api is 26)"),
    (HEAD + '[[step]]\naction = "enqueue"\njob_id = 4\nitems = [{ tag = "a" }]\n',
     "case.toml: step 1 (enqueue): field job_id: no earlier schedule or enqueue step defines job 4"),
    (HEAD + 'min_api = 31\n[[step]]\naction = "enqueue"\njob = { job_id = 4 }\nitems = [{ tag = "a", size = 3 }]\n',
     "case.toml: step 1 (enqueue): field items[0].size: unknown field (allowed: estimated_bytes, min_chunk_bytes, "
     "script, tag)"),
    (HEAD + '[[step]]\naction = "device"\nbucket = "sleepy"\n',
     "case.toml: step 1 (device): field bucket: unknown standby bucket 'sleepy' (one of: exempted, active, "
     "working_set, frequent, rare, restricted, never)"),
    (HEAD + '[[step]]\naction = "device"\nbattery_level = 140\n',
     "case.toml: step 1 (device): field battery_level: 140 is out of range (0..100)"),
    (HEAD + '[[step]]\naction = "device"\nwifi = "off"\n',
     "case.toml: step 1 (device): field wifi: expected true or false"),
    (HEAD + '[[step]]\naction = "device"\nbluetooth = false\n',
     "case.toml: step 1 (device): field bluetooth: unknown field (allowed: airplane, battery_level, battery_low, "
     "battery_saver, bucket, cellular, charging, doze, idle, metered, restrict, storage_low, wifi)"),
    (HEAD + '[[step]]\naction = "wait"\nuntil = "begun"\njob_id = 1\n',
     "case.toml: step 1 (wait): field until: unknown event kind 'begun' (one of: scheduled, enqueued, cancelled, "
     "started, work_dequeued, work_completed, work_incomplete, bytes_reported, stopped, finished, network_changed, "
     "error)"),
    (HEAD + '[[step]]\naction = "wait"\nseconds = -1\n',
     "case.toml: step 1 (wait): field seconds: -1 is out of range (0 to 3600 seconds)"),
    (HEAD + '[[step]]\naction = "stop"\njob_id = 1\nreason = "USER"\n',
     "case.toml: step 1 (stop): field reason: stopping with a reason needs API 34; set scenario.min_api = 34 "
     "(it is 26)"),
    (HEAD + '[[step]]\naction = "expect"\njob_id = 1\n',
     "case.toml: step 1 (expect): no expectation given (any of: state, stop_reason, transferred, delivery)"),
    (HEAD + '[[step]]\naction = "expect"\njob_id = 1\nstate = "sleeping"\n',
     "case.toml: step 1 (expect): field state: unknown job state 'sleeping' (one of: pending, active, "
     "user-stopped, source-user-stopped, backing-up, no-component, ready, waiting, unknown)"),
    (HEAD + '[[step]]\naction = "expect"\njob_id = 1\ndelivery = { tag = "a", count = 0 }\n',
     "case.toml: step 1 (expect): field delivery.count: 0 is out of range (>= 1)"),
    (HEAD + '[[step]]\naction = "expect"\njob_id = 1\nstop_reason = "TIMEOUT"\ntimeout = 0\n',
     "case.toml: step 1 (expect): field timeout: 0 is out of range (more than 0 to 3600 seconds)"),
])
def test_bad_input_is_one_exact_error(text: str, message: str) -> None:
    assert _error(text) == message


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"missing\.toml: cannot read: No such file or directory$"):
        load_scenario(tmp_path / "missing.toml")
