"""Issue 14 item 7 / item 5: a JOB-SCRIPT that blocks the app's main thread in onStartJob or
onStopJob, and the ``abandon`` step, on the virtual device, per API level.

``JobServiceContext.handleOpTimeoutLocked`` (OP_TIMEOUT_MILLIS 8 s): ≤13 the job is cleaned up
silently (a log line), 14+ with an ANR for apps targeting 34+; 16+ a timed-out abandoned job
stops with STOP_REASON_TIMEOUT_ABANDONED (16).
"""

from __future__ import annotations

from typing import Any

from jobctl_sim.apps.helper import PACKAGE
from tests.jobctl_sim.apps.test_helper_app import activate, device, has, ok, run, wait_for

HOLD_BLOCKING_START = {"steps": [{"op": "hold"}], "block_start_ms": 10_000}


async def _schedule(dev: Any, script: dict[str, Any], job_id: int = 1) -> None:
    await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": job_id, "script": script}})
    await activate(dev)


async def _logcat(dev: Any) -> str:
    return str((await dev.shell("logcat -d")).text)


def test_blocking_onstartjob_past_8s_on_14_is_an_anr_and_drops_the_job() -> None:
    async def body() -> None:
        dev = device(api=34)
        await _schedule(dev, HOLD_BLOCKING_START)
        await wait_for(dev, has("started"))
        await dev.clock.sleep(9)
        log = await _logcat(dev)
        assert "No response to onStartJob for " in log and "#u0a" in log
        assert f"ANR in {PACKAGE}" in log
        assert "Reason: No response to onStartJob" in log
        assert "bg anr" in log
        assert PACKAGE not in dev.android.activity.processes
        dump = (await dev.shell(f"dumpsys jobscheduler {PACKAGE}")).text
        assert "stopped because: timed out while starting" in dump
        assert (await ok(dev, {"v": 1, "cmd": "list"}))["jobs"] == []  # FINISHED/NO-RETRY

    run(body)


def test_blocking_onstartjob_on_13_is_cleaned_up_without_an_anr() -> None:
    async def body() -> None:
        dev = device(api=33)
        await _schedule(dev, HOLD_BLOCKING_START)
        await wait_for(dev, has("started"))
        await dev.clock.sleep(9)
        log = await _logcat(dev)
        assert "W JobServiceContext: No response from client for onStartJob " in log
        assert "ANR in" not in log
        assert PACKAGE in dev.android.activity.processes
        dump = (await dev.shell(f"dumpsys jobscheduler {PACKAGE}")).text
        assert "timed out while starting" in dump

    run(body)


def test_blocking_onstartjob_below_the_limit_is_harmless() -> None:
    async def body() -> None:
        dev = device(api=34)
        await _schedule(dev, {"steps": [{"op": "finish", "reschedule": False}], "block_start_ms": 2_000})
        events = await wait_for(dev, has("finished"))
        started = next(e for e in events if e["kind"] == "started")
        assert events[-1]["elapsed_ms"] - started["elapsed_ms"] >= 2_000  # the worker ran after the block
        assert "No response" not in await _logcat(dev)

    run(body)


def test_blocking_onstopjob_on_14_is_an_anr_and_the_job_is_rescheduled() -> None:
    async def body() -> None:
        dev = device(api=34)
        await _schedule(dev, {"steps": [{"op": "hold"}], "block_stop_ms": 20_000})
        await wait_for(dev, has("started"))
        assert (await dev.shell(f"cmd jobscheduler stop {PACKAGE} 1")).exit_code == 0
        await wait_for(dev, has("stopped"))
        await dev.clock.sleep(9)
        log = await _logcat(dev)
        assert "No response to onStopJob for " in log
        assert "Reason: No response to onStopJob" in log
        dump = (await dev.shell(f"dumpsys jobscheduler {PACKAGE}")).text
        assert "timed out while stopping" in dump
        assert [j["job_id"] for j in (await ok(dev, {"v": 1, "cmd": "list"}))["jobs"]] == [1]

    run(body)


def test_abandoned_job_times_out_with_reason_16_on_android_16() -> None:
    async def body() -> None:
        dev = device(api=36)
        await _schedule(dev, {"steps": [{"op": "abandon"}], "on_stop_reschedule": True})
        events = await wait_for(dev, has("stopped"), virtual_seconds=900)
        assert events[-1]["stop_reason"] == 16
        dump = (await dev.shell(f"dumpsys jobscheduler {PACKAGE}")).text
        assert "timeout while executing and maybe abandoned" in dump

    run(body)


def test_abandon_on_android_15_is_a_plain_timeout() -> None:
    async def body() -> None:
        dev = device(api=35)
        await _schedule(dev, {"steps": [{"op": "abandon"}]})
        events = await wait_for(dev, has("stopped"), virtual_seconds=900)
        assert events[-1]["stop_reason"] == 3

    run(body)
