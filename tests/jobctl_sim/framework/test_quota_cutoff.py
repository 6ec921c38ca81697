"""A running job is stopped when its app runs out of quota, at that moment (QuotaController).

``QuotaController.Timer.scheduleCutoff`` posts ``MSG_REACHED_QUOTA`` for the package after
``getTimeUntilQuotaConsumedLocked`` (``getRemainingExecutionTimeLocked`` in older trees) when its
Timer starts; the handler re-checks the time left, re-posts if some remains, and otherwise marks
the package's jobs out of quota, and JobSchedulerService stops the running ones with
``STOP_REASON_QUOTA`` (``stopNonReadyActiveJobsLocked``).

Seen: the model noticed the run-out only at its next evaluation for another reason, so a job
whose app had 4 minutes of quota left ran on to its 10-minute limit and ended with
``STOP_REASON_TIMEOUT`` instead."""

from __future__ import annotations

import asyncio
from typing import Any

from jobctl_sim.apps.helper import PACKAGE
from tests.jobctl_sim.apps.test_helper_app import HOLD, device, has, ok, wait_for

MINUTE_MS = 60_000
STOP_REASON_QUOTA = 10
STOP_REASON_TIMEOUT = 3


def _event(events: list[dict[str, Any]], kind: str, job_id: int) -> dict[str, Any]:
    return next(e for e in events if e["kind"] == kind and e.get("job_id") == job_id)


async def _run_with_quota_used(api: int, bucket: str, used_ms: int) -> tuple[int, int]:
    """(stop reason, ms the run lasted) of a holding job whose app used ``used_ms`` of its window."""
    dev = device(api=api)
    assert (await dev.shell(f"am set-standby-bucket {PACKAGE} {bucket}")).exit_code == 0
    jobs = dev.android.jobs
    now = jobs.now()
    jobs.quota.save_timing_session(PACKAGE, now - used_ms - MINUTE_MS, now - MINUTE_MS)
    await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 1, "override_deadline_ms": 0, "script": HOLD}})
    await wait_for(dev, has("started", 1))
    events = await wait_for(dev, has("stopped", 1), virtual_seconds=900)
    started, stopped = _event(events, "started", 1), _event(events, "stopped", 1)
    return int(stopped["stop_reason"]), int(stopped["elapsed_ms"]) - int(started["elapsed_ms"])


def test_a_running_job_stops_with_reason_quota_when_its_apps_quota_runs_out() -> None:
    reason, ran_ms = asyncio.run(_run_with_quota_used(34, "working_set", 6 * MINUTE_MS))
    assert reason == STOP_REASON_QUOTA
    assert 4 * MINUTE_MS <= ran_ms <= 4 * MINUTE_MS + 15_000  # the 4 minutes left, not the 10-minute limit


def test_on_16_the_active_bucket_cuts_a_run_off_at_its_20_minutes() -> None:
    reason, ran_ms = asyncio.run(_run_with_quota_used(36, "active", 15 * MINUTE_MS))
    assert reason == STOP_REASON_QUOTA
    assert 5 * MINUTE_MS <= ran_ms <= 5 * MINUTE_MS + 15_000


def test_an_app_that_never_runs_out_still_stops_at_the_10_minute_limit() -> None:
    reason, ran_ms = asyncio.run(_run_with_quota_used(34, "active", 0))  # up to 15: ACTIVE has no quota
    assert reason == STOP_REASON_TIMEOUT
    assert 10 * MINUTE_MS <= ran_ms <= 10 * MINUTE_MS + 15_000
