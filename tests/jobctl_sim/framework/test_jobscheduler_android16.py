"""Issue 14 item 5: Android 16 (API 36) details of JobScheduler sourced from an Android 16 tree
(yaap/frameworks_base @3ddcaa00537ad17c17a59c73990d12441d689aaf): ``cmd jobscheduler
get-job-wakelock-tag``, the 16 verbs' permission checks, the pending-reasons history and order,
and the abandoned-job backoff."""

from __future__ import annotations

import asyncio
from typing import Any

from jobctl_sim.apps.helper import PACKAGE
from jobctl_sim.framework.jobscheduler import reschedule
from jobctl_sim.framework.jobscheduler.model import (
    BackoffPolicy,
    InternalStopReason,
    JobInfo,
    JobParameters,
    StopReason,
)
from jobctl_sim.framework.jobscheduler.pending_record import PendingReasonsRecord
from jobctl_sim.framework.jobscheduler.status import JobStatus
from tests.jobctl_sim.apps.test_helper_app import activate, device, has, ok, run, wait_for
from tests.jobctl_sim.framework.test_permissions_other_apps import as_intruder, install_intruder
from tests.jobctl_sim.framework.test_permissions_other_apps import device as plain_device

TAG = f"*job*{{}}/{PACKAGE}/.HelperJobService"
HOLD = {"steps": [{"op": "hold"}], "on_stop_reschedule": False}
APP, CHARGING, DEVICE_STATE, EXECUTING = 1, 5, 12, -1


async def _cmd(dev: Any, line: str) -> tuple[str, str, int]:
    result = await dev.shell(f"cmd jobscheduler {line}")
    return result.text, result.stderr.decode(), result.exit_code


def test_get_job_wakelock_tag_prints_the_typed_tag_the_dump_shows() -> None:
    async def body() -> None:
        dev = device(api=36)
        assert (await dev.shell("cmd battery unplug")).exit_code == 0
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 1, "requires_charging": True}})
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 2, "expedited": True, "script": HOLD}})
        await activate(dev)
        await wait_for(dev, has("started", 1))
        assert await _cmd(dev, f"get-job-wakelock-tag {PACKAGE} 1") == (TAG.format("r") + "\n", "", 0)
        assert await _cmd(dev, f"get-job-wakelock-tag --user cur {PACKAGE} 2") == (TAG.format("e") + "\n", "", 0)
        assert await _cmd(dev, f"get-job-wakelock-tag -u 0 {PACKAGE} 2") == (TAG.format("e") + "\n", "", 0)
        # "all" (-1) looks the package up in the system user, as getJobWakelockTag/getJobState do
        assert await _cmd(dev, f"get-job-wakelock-tag --user all {PACKAGE} 1") == (TAG.format("r") + "\n", "", 0)
        assert (await dev.shell(f"cmd jobscheduler get-job-state -u all {PACKAGE} 1")).exit_code == 0
        dump = (await dev.shell(f"dumpsys jobscheduler {PACKAGE}")).text
        assert f"    u0a123 tag={TAG.format('r')}\n" in dump and f"u0a123 tag={TAG.format('e')}\n" in dump

    run(body)


def test_get_job_wakelock_tag_answers_unknown_packages_jobs_and_options_as_the_platform() -> None:
    async def body() -> None:
        dev = device(api=36)
        assert await _cmd(dev, "get-job-wakelock-tag no.such.pkg 1") == (
            "unknown(no.such.pkg)\n", "Package not found: no.such.pkg / user 0\n", -1000 & 0xFF)
        assert await _cmd(dev, f"get-job-wakelock-tag -n ns {PACKAGE} 99") == (
            "unknown(u0a123/jid99)\n", f"Could not find job 99 in package {PACKAGE} / namespace ns / user 0\n",
            -1001 & 0xFF)
        assert await _cmd(dev, f"get-job-wakelock-tag -x {PACKAGE} 1") == ("Error: unknown option '-x'\n", "", 255)
        out, _, code = await _cmd(dev, f"get-job-wakelock-tag {PACKAGE}")
        assert code == 255 and out.startswith("Exception: java.lang.IllegalArgumentException")
        help_text = (await dev.shell("cmd jobscheduler help")).text
        assert "  get-config-value KEY\n" in help_text and "get-job-wakelock-tag" not in help_text  # onHelp omits it
        old = device(api=35)
        assert await _cmd(old, f"get-job-wakelock-tag {PACKAGE} 1") == (
            "Unknown command: get-job-wakelock-tag\n", "", 255)

    run(body)


def test_the_16_verbs_refuse_another_app_with_their_own_operation_names() -> None:
    async def body() -> None:
        dev = plain_device(api=36)
        uid = await install_intruder(dev)
        for line, operation in (
            (f"get-job-wakelock-tag {PACKAGE} 1", "get job wakelock tag"),
            ("enable-flex-policy", "enable flex policy"),
            ("disable-flex-policy", "disable flex policy"),
            ("reset-flex-policy", "reset flex policy"),
            ("get-config-value x", "get device config value"),
            ("cache-config-changes on", "change config caching"),
        ):
            assert await as_intruder(dev, f"cmd jobscheduler {line}") == (
                255, f"Exception: java.lang.SecurityException: Uid {uid} not permitted to {operation}\n", ""), line

    asyncio.run(body())


def test_16_history_notes_every_constraint_change_in_the_platforms_reason_order() -> None:
    """``setConstraintSatisfied`` adds an entry at each change, reasons in
    ``constraintsToPendingJobReasons`` order (background/Doze DEVICE_STATE before CHARGING), and
    ``[APP]`` when the change leaves the job ready -- even though it then starts at once."""
    async def body() -> None:
        dev = device(api=36)
        assert (await dev.shell("cmd battery unplug")).exit_code == 0
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 1, "requires_charging": True, "script": HOLD}})
        await activate(dev)
        await dev.clock.sleep(1)
        assert (await dev.shell("cmd power set-mode 1")).exit_code == 0  # battery saver: not BG-unrestricted
        await dev.clock.sleep(1)
        saver = await ok(dev, {"v": 1, "cmd": "pending_reasons", "job_id": 1})
        assert (saver["reason"], saver["reasons"]) == (DEVICE_STATE, [DEVICE_STATE, CHARGING])
        assert (await dev.shell("cmd power set-mode 0")).exit_code == 0
        await dev.clock.sleep(1)
        assert (await dev.shell("cmd battery reset")).exit_code == 0
        await wait_for(dev, has("started", 1))
        running = await ok(dev, {"v": 1, "cmd": "pending_reasons", "job_id": 1})
        assert running["reasons"] == [EXECUTING]
        history = [entry["reasons"] for entry in running["history"]]
        assert history[-3:] == [[DEVICE_STATE, CHARGING], [CHARGING], [APP]]
        stamps = [entry["timestamp_ms"] for entry in running["history"]]
        assert stamps == sorted(stamps) and 0 <= dev.clock.wall_time() * 1000 - stamps[-1] < 60_000  # wall clock

    run(body)


def test_16_history_keeps_25_entries_at_most_and_returns_the_last_10() -> None:
    record = PendingReasonsRecord()
    for n in range(24):
        record.append((n,), n)
    assert len(record.history) == 24 and record.returned_history() == [(n, (n,)) for n in range(14, 24)]
    record.append((24,), 24)  # the 25th: trimmed to the last 10
    assert record.history == [(n, (n,)) for n in range(15, 25)]
    record.append((25,), 25)
    assert record.returned_history() == [(n, (n,)) for n in range(16, 26)]


def _abandoned(status: JobStatus, api: int, n: int = 1) -> tuple[JobStatus, list[int]]:
    params = JobParameters(handle=1, job_id=status.job_id, stop_reason=StopReason.STOP_REASON_TIMEOUT_ABANDONED,
                           internal_stop_reason=InternalStopReason.INTERNAL_STOP_REASON_TIMEOUT_ABANDONED)
    delays = []
    for _ in range(n):
        status = reschedule.for_failure(status, 0, params, 1, api)
        delays.append(status.earliest_ms)
    return status, delays


def test_16_backs_off_exponentially_once_more_than_3_abandoned_timeouts() -> None:
    """getRescheduleJobForFailureLocked + shouldUseAggressiveBackoff (16): each abandoned timeout is
    a failure and an abandoned failure; from the 4th (> 3) a linear job backs off exponentially."""
    linear = JobStatus(JobInfo(job_id=1, service=f"{PACKAGE}/.HelperJobService", initial_backoff_ms=10_000,
                               backoff_policy=BackoffPolicy.LINEAR), 10123, PACKAGE, None, 0)
    status, delays = _abandoned(linear, 36, 5)
    assert delays == [10_000, 20_000, 30_000, 80_000, 160_000]
    assert (status.num_failures, status.num_abandoned_failures, status.num_system_stops) == (5, 5, 0)
    assert _abandoned(linear, 35, 5)[1] == [10_000, 20_000, 30_000, 40_000, 50_000]  # 15: a plain failure


def test_16_counts_failures_by_the_public_user_reason_and_everything_else_as_system_stops() -> None:
    job = JobStatus(JobInfo(job_id=1, service=f"{PACKAGE}/.HelperJobService"), 10123, PACKAGE, None, 0)
    user = JobParameters(handle=1, job_id=1, stop_reason=StopReason.STOP_REASON_USER,
                         internal_stop_reason=InternalStopReason.INTERNAL_STOP_REASON_PREEMPT)
    assert reschedule.for_failure(job, 0, user, 1, 36).num_failures == 1  # USER: the app's failure
    assert reschedule.for_failure(job, 0, user, 1, 35).num_system_stops == 1  # 15 model: by internal reason
    other = JobParameters(handle=1, job_id=1, stop_reason=StopReason.STOP_REASON_DEVICE_STATE,
                          internal_stop_reason=InternalStopReason.INTERNAL_STOP_REASON_UNKNOWN)
    rescheduled = reschedule.for_failure(job, 0, other, 1, 36)
    assert (rescheduled.num_failures, rescheduled.num_system_stops, rescheduled.earliest_ms) == (0, 1, 0)


def test_turning_config_caching_on_twice_drops_the_cache_until_the_next_change() -> None:
    """setCacheConfigChangesLocked pulls the properties only when caching goes from off to on (a
    second ``on`` sets them to null); onPropertiesChanged pulls them again while caching is on."""
    async def body() -> None:
        dev = device(api=36)
        put = "cmd device_config put jobscheduler min_exp_backoff_time_ms"
        assert await _cmd(dev, "cache-config-changes on") == ("Config caching enabled\n", "", 0)
        assert (await dev.shell(f"{put} 20000")).exit_code == 0
        assert await _cmd(dev, "get-config-value min_exp_backoff_time_ms") == ("20000\n", "", 0)
        assert await _cmd(dev, "cache-config-changes on") == ("Config caching enabled\n", "", 0)
        assert await _cmd(dev, "get-config-value min_exp_backoff_time_ms") == ("null\n", "", 0)
        assert (await dev.shell(f"{put} 30000")).exit_code == 0
        assert await _cmd(dev, "get-config-value min_exp_backoff_time_ms") == ("30000\n", "", 0)
        assert await _cmd(dev, "cache-config-changes off") == ("Config caching disabled\n", "", 0)
        assert await _cmd(dev, "get-config-value min_exp_backoff_time_ms") == ("null\n", "", 0)

    run(body)
