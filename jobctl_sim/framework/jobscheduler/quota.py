"""QuotaController, simplified: execution time inside a rolling window per standby bucket.

Source: ``apex/jobscheduler/service/java/com/android/server/job/controllers/QuotaController.java``
defaults: 10 min allowed per window; windows ACTIVE 10 min (so an ACTIVE app never runs out),
WORKING_SET 2 h, FREQUENT 8 h, RARE 24 h, RESTRICTED 24 h; EXEMPTED and ACTIVE are always within
quota, NEVER never. ``saveTimingSession`` records each finished execution of a non-user-initiated
job and ``deleteObsoleteSessionsLocked`` forgets sessions that ended ``MAX_PERIOD_MS`` (24 h) ago
(no window looks further back), so the record stays bounded.

Android 16 (API 36, flags ``adjust_quota_default_constants`` and
``enforce_quota_policy_to_top_started_jobs`` on in the release, read from a decompiled Android 16
``services.jar``, ``QuotaController$QcConstants`` ``DEFAULT_CURRENT_*``): the ACTIVE bucket gets a
runtime quota -- 20 min per 30 min window -- and EXEMPTED 20 min per 20 min (never exhausted);
WORKING_SET's window grows to 4 h and FREQUENT's to 12 h. A job that started while its app was
on top (``mTopStartedJobs``) is not charged up to Android 15; from 16 the time after the app left
the top state is charged ("if the job starts while the app is visible and continues after it
becomes invisible, it adheres to the quota", Android 16 behaviour changes). API 37 is modelled
with the 16 values [I].

Simplification (documented in the package README/report): time-in-window without sessions'
coalescing, job counts or the expedited-job quota.
"""

from __future__ import annotations

from collections.abc import Iterable

from jobctl_sim.framework.jobscheduler.status import JobStatus
from jobctl_sim.framework.aosp_constants import StandbyBucket

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
QUOTA_ALLOWED_MS = 10 * MINUTE_MS
QUOTA_WINDOW_MS = {
    StandbyBucket.WORKING_SET: 2 * HOUR_MS,
    StandbyBucket.FREQUENT: 8 * HOUR_MS,
    StandbyBucket.RARE: 24 * HOUR_MS,
    StandbyBucket.RESTRICTED: 24 * HOUR_MS,
}
QUOTA_WINDOW_MS_16 = {
    StandbyBucket.ACTIVE: 30 * MINUTE_MS,
    StandbyBucket.WORKING_SET: 4 * HOUR_MS,
    StandbyBucket.FREQUENT: 12 * HOUR_MS,
    StandbyBucket.RARE: 24 * HOUR_MS,
    StandbyBucket.RESTRICTED: 24 * HOUR_MS,
}
"""Android 16 windows; EXEMPTED (20 min allowed per 20 min) can never run out, so it has none."""
QUOTA_ALLOWED_ACTIVE_MS_16 = 20 * MINUTE_MS
QUOTA_MAX_PERIOD_MS = 24 * HOUR_MS
REFILL_CHECK_MS = MINUTE_MS
"""How soon JobScheduler looks again at a job that is out of quota."""

RunningSpan = tuple[str, int]
"""A running non-user-initiated execution: (package, started at elapsed ms)."""


def quota_of(bucket: StandbyBucket, api_level: int) -> tuple[int, int] | None:
    """(allowed ms, window ms) for ``bucket``, or None when the bucket never runs out."""
    windows = QUOTA_WINDOW_MS_16 if api_level >= 36 else QUOTA_WINDOW_MS
    window = windows.get(bucket)
    if window is None:
        return None
    allowed = QUOTA_ALLOWED_ACTIVE_MS_16 if bucket == StandbyBucket.ACTIVE else QUOTA_ALLOWED_MS
    return allowed, window


class QuotaTracker:
    """Timing sessions per package and the quota answer for a job."""

    def __init__(self, api_level: int = 34) -> None:
        self.api_level = api_level
        self.sessions: dict[str, list[tuple[int, int]]] = {}
        self.schedule_quota_resets = 0

    def window_used(self, package: str, bucket: StandbyBucket, now: int, running: Iterable[RunningSpan]) -> int:
        quota = quota_of(bucket, self.api_level)
        window = quota[1] if quota is not None else None
        if window is None:
            return 0
        used = 0
        for start, end in self.sessions.get(package, []):
            used += max(0, min(end, now) - max(start, now - window))
        for running_package, started in running:
            if running_package == package:
                used += max(0, now - max(started, now - window))
        return used

    def within_quota(self, js: JobStatus, now: int, running: Iterable[RunningSpan]) -> bool:
        bucket = js.bucket
        if bucket == StandbyBucket.NEVER:
            return False
        quota = quota_of(bucket, self.api_level)
        if quota is None:
            return True
        return self.window_used(js.package, bucket, now, running) < quota[0]

    def refills(self, js: JobStatus) -> bool:
        """The job is held back by a quota that refills with time."""
        return quota_of(js.bucket, self.api_level) is not None

    def save_timing_session(self, package: str, start: int, end: int) -> None:
        """``saveTimingSession``, then ``deleteObsoleteSessionsLocked``."""
        sessions = self.sessions.setdefault(package, [])
        sessions.append((start, end))
        sessions[:] = [s for s in sessions if s[1] > end - QUOTA_MAX_PERIOD_MS]

    def reset_execution_quota(self, package: str) -> None:
        """``reset-execution-quota``: the package's sessions are forgotten."""
        self.sessions.pop(package, None)

    def reset_schedule_quota(self) -> None:
        self.schedule_quota_resets += 1
