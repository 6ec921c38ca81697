"""QuotaController, simplified: execution time inside a rolling window per standby bucket.

Source: ``apex/jobscheduler/service/java/com/android/server/job/controllers/QuotaController.java``
defaults: 10 min allowed per window; windows ACTIVE 10 min (so an ACTIVE app never runs out),
WORKING_SET 2 h, FREQUENT 8 h, RARE 24 h, RESTRICTED 24 h; EXEMPTED and ACTIVE are always within
quota, NEVER never.

Timing sessions (same file): a package's ``Timer`` is active from the start of its first running
non-user-initiated job until its last one stops; ``emitSessionLocked`` then hands one
``TimingSession`` (start, end, job count) to ``saveTimingSession``, which appends it to the
package's ``mTimingEvents`` list -- so a package's sessions never overlap and are in time order.
The model saves one session per finished run and merges a run that overlaps the previous
session(s) into them, which gives the Timer's sessions. ``deleteObsoleteSessionsLocked`` (run
from the cleanup alarm, ``maybeScheduleCleanupAlarmLocked``) drops sessions that ended
``MAX_PERIOD_MS`` (24 h) ago, since no window looks further back; the model drops them from the
front of the list at each save, in amortised O(1) (the list is ordered by end).

Coalescing: ``updateExecutionStatsLocked`` walks the sessions newest first and counts a session
towards ``sessionCountInWindow`` only if it ended more than ``mTimingSessionCoalescingDurationMs``
(``QcConstants.TIMING_SESSION_COALESCING_DURATION_MS``, default 5000 ms) before the next one
started ("treat two distinct TimingSessions as the same if they start and end within this amount
of time of each other"). The sessions stay distinct in the list: the execution time in a window
is the sum of the sessions, not of the gaps between them. :meth:`QuotaTracker.coalesced_sessions`
gives that count; the model does not enforce the session-count limits (see below).

Android 16 (API 36, flags ``adjust_quota_default_constants`` and
``enforce_quota_policy_to_top_started_jobs`` on in the release, read from a decompiled Android 16
``services.jar``, ``QuotaController$QcConstants`` ``DEFAULT_CURRENT_*``): the ACTIVE bucket gets a
runtime quota -- 20 min per 30 min window -- and EXEMPTED 20 min per 20 min (never exhausted);
WORKING_SET's window grows to 4 h and FREQUENT's to 12 h. A job that started while its app was
on top (``mTopStartedJobs``) is not charged up to Android 15; from 16 the time after the app left
the top state is charged ("if the job starts while the app is visible and continues after it
becomes invisible, it adheres to the quota", Android 16 behaviour changes).

Later trees change the ACTIVE and EXEMPTED windows again: ``QcConstants.adjustDefaultBucketWindowSizes``
uses ``DEFAULT_LATEST_WINDOW_SIZE_ACTIVE_MS`` 60 min and ``…_EXEMPTED_MS`` 40 min (allowed still 20
min each, WORKING_SET 4 h, FREQUENT 12 h) in an Android 16 QPR tree -- yaap/frameworks_base
``QuotaController.java`` @3ddcaa00537ad17c17a59c73990d12441d689aaf -- and in an Android 17-era main
tree -- muhomorr/platform_frameworks_base-15 ``QuotaController.java``
@e734c502b51ca7c6a8247e1529f2ffd2ee90492b (its ``JobStatus.java`` @a7059b05 already has the 17
``getPendingJobReasonStats`` state). API 37 follows that tree (:data:`QUOTA_WINDOW_MS_17`): an
EXEMPTED app can now run out (20 min in 40). API 36 keeps the values of the decompiled 16 release
jar; a device on a later 16 QPR build shows the 60/40 windows.

Simplification (documented in the package README/report): time-in-window only -- no job-count or
session-count limits, no ``MAX_EXECUTION_TIME_MS`` over 24 h and no expedited-job quota.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
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
QUOTA_WINDOW_MS_17 = {
    **QUOTA_WINDOW_MS_16,
    StandbyBucket.EXEMPTED: 40 * MINUTE_MS,
    StandbyBucket.ACTIVE: 60 * MINUTE_MS,
}
"""API 37: ``DEFAULT_LATEST_WINDOW_SIZE_EXEMPTED_MS``/``…_ACTIVE_MS`` of the 17-era tree."""
QUOTA_ALLOWED_ACTIVE_MS_16 = 20 * MINUTE_MS
"""``DEFAULT_CURRENT_ALLOWED_TIME_PER_PERIOD_ACTIVE_MS`` (and ``…_EXEMPTED_MS``, 16+)."""
QUOTA_MAX_PERIOD_MS = 24 * HOUR_MS
TIMING_SESSION_COALESCING_DURATION_MS = 5_000
"""``QcConstants.DEFAULT_TIMING_SESSION_COALESCING_DURATION_MS``."""
REFILL_CHECK_MS = MINUTE_MS
"""How soon JobScheduler looks again at a job that is out of quota."""
_COMPACT_AFTER = 1024
"""Dropped sessions are sliced off the lists once this many (and half the list) have gone."""

RunningSpan = tuple[str, int]
"""A running non-user-initiated execution: (package, started at elapsed ms)."""


def quota_of(bucket: StandbyBucket, api_level: int) -> tuple[int, int] | None:
    """(allowed ms, window ms) for ``bucket``, or None when the bucket never runs out."""
    windows = QUOTA_WINDOW_MS_17 if api_level >= 37 else QUOTA_WINDOW_MS_16 if api_level >= 36 else QUOTA_WINDOW_MS
    window = windows.get(bucket)
    if window is None:
        return None
    generous = bucket in (StandbyBucket.ACTIVE, StandbyBucket.EXEMPTED)
    allowed = QUOTA_ALLOWED_ACTIVE_MS_16 if generous and api_level >= 36 else QUOTA_ALLOWED_MS
    return allowed, window


class TimingSessions:
    """One package's ``mTimingEvents``: ordered, non-overlapping (start, end) sessions.

    Parallel lists with running totals of the durations, so the time inside any interval is two
    binary searches; sessions dropped from the front are only skipped (``_head``) until enough
    have gone to slice them off, which keeps a save amortised O(1)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._totals: list[int] = []
        """``_totals[i]``: the durations of every session up to and including i."""
        self._head = 0

    def __len__(self) -> int:
        return len(self._starts) - self._head

    def as_list(self) -> list[tuple[int, int]]:
        return list(zip(self._starts[self._head:], self._ends[self._head:], strict=True))

    def save(self, start: int, end: int) -> None:
        """Append (start, end), merged with the sessions it overlaps (one ``Timer`` span)."""
        while len(self) and start < self._ends[-1]:
            start = min(start, self._starts.pop())
            end = max(end, self._ends.pop())
            self._totals.pop()
        before = self._totals[-1] if self._totals else 0
        self._starts.append(start)
        self._ends.append(end)
        self._totals.append(before + end - start)
        self.drop_ended_before(end - QUOTA_MAX_PERIOD_MS)

    def drop_ended_before(self, cutoff: int) -> None:
        """``deleteObsoleteSessionsLocked``: forget sessions that ended at or before ``cutoff``."""
        while self._head < len(self._ends) and self._ends[self._head] <= cutoff:
            self._head += 1
        if self._head >= _COMPACT_AFTER and 2 * self._head >= len(self._ends):
            del self._starts[:self._head], self._ends[:self._head], self._totals[:self._head]
            self._head = 0

    def time_between(self, low: int, high: int) -> int:
        """Execution time of the sessions inside [low, high)."""
        if high <= low:
            return 0
        first = bisect_right(self._ends, low, lo=self._head)  # the first session ending after low
        stop = bisect_left(self._starts, high, lo=first)  # sessions from ``stop`` start at/after high
        if first >= stop:
            return 0
        used = self._totals[stop - 1] - (self._totals[first - 1] if first > 0 else 0)
        used -= max(0, low - self._starts[first])
        used -= max(0, self._ends[stop - 1] - high)
        return used

    def coalesced_count(self, since: int) -> int:
        """``sessionCountInWindow``: sessions ending after ``since``, newest first, one count for
        a run of sessions each starting within the coalescing duration of the previous one's end."""
        count = 0
        later_start: int | None = None
        for i in range(len(self._ends) - 1, self._head - 1, -1):
            if self._ends[i] <= since:
                break
            if later_start is None or later_start - self._ends[i] > TIMING_SESSION_COALESCING_DURATION_MS:
                count += 1
            later_start = self._starts[i]
        return count


class QuotaTracker:
    """Timing sessions per package and the quota answer for a job."""

    def __init__(self, api_level: int = 34) -> None:
        self.api_level = api_level
        self._sessions: dict[str, TimingSessions] = {}
        self.schedule_quota_resets = 0

    @property
    def sessions(self) -> dict[str, list[tuple[int, int]]]:
        """A copy of every package's sessions, oldest first (for dumps and tests)."""
        return {package: s.as_list() for package, s in self._sessions.items()}

    def window_used(self, package: str, bucket: StandbyBucket, now: int, running: Iterable[RunningSpan]) -> int:
        """Execution time in the bucket's window: the saved sessions plus the running ``Timer``
        (from the earliest running charged start to now), the overlap counted once."""
        quota = quota_of(bucket, self.api_level)
        window = quota[1] if quota is not None else None
        if window is None:
            return 0
        low = now - window
        running_since = min((started for p, started in running if p == package), default=now)
        used = max(0, now - max(running_since, low))
        sessions = self._sessions.get(package)
        if sessions is not None:
            used += sessions.time_between(low, min(now, running_since))
        return used

    def within_quota(self, js: JobStatus, now: int, running: Iterable[RunningSpan]) -> bool:
        bucket = js.bucket
        if bucket == StandbyBucket.NEVER:
            return False
        quota = quota_of(bucket, self.api_level)
        if quota is None:
            return True
        return self.window_used(js.package, bucket, now, running) < quota[0]

    def time_until_consumed(self, package: str, bucket: StandbyBucket, now: int,
                            running: Iterable[RunningSpan]) -> int | None:
        """``getTimeUntilQuotaConsumedLocked``: how long the running ``Timer`` may go on before the
        package has used the bucket's allowed time in its window (None: the bucket never runs out).
        Sessions that slide out of the window meanwhile only make the real moment later; the
        cutoff's handler (``MSG_REACHED_QUOTA``) checks again when it fires and posts itself anew
        while time remains, and so does the model's evaluation at that moment."""
        quota = quota_of(bucket, self.api_level)
        if quota is None or bucket == StandbyBucket.NEVER:
            return None
        return max(0, quota[0] - self.window_used(package, bucket, now, running))

    def refills(self, js: JobStatus) -> bool:
        """The job is held back by a quota that refills with time."""
        return quota_of(js.bucket, self.api_level) is not None

    def save_timing_session(self, package: str, start: int, end: int) -> None:
        """``saveTimingSession``, then ``deleteObsoleteSessionsLocked``; amortised O(1)."""
        self._sessions.setdefault(package, TimingSessions()).save(start, end)

    def coalesced_sessions(self, package: str, now: int, window_ms: int) -> int:
        """``sessionCountInWindow`` of ``package`` for a window of ``window_ms`` ending now."""
        sessions = self._sessions.get(package)
        return 0 if sessions is None else sessions.coalesced_count(now - window_ms)

    def reset_execution_quota(self, package: str) -> None:
        """``reset-execution-quota``: the package's sessions are forgotten."""
        self._sessions.pop(package, None)

    def reset_schedule_quota(self) -> None:
        self.schedule_quota_resets += 1
