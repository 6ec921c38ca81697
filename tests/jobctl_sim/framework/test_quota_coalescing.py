"""QuotaController timing sessions: coalescing for the session count, the 24 h bound, and the
Timer's one-session-per-busy-span (``QuotaController.java`` ``saveTimingSession``,
``updateExecutionStatsLocked``, ``deleteObsoleteSessionsLocked``)."""

from __future__ import annotations

import random

from jobctl_sim.framework.aosp_constants import StandbyBucket
from jobctl_sim.framework.jobscheduler.quota import (
    HOUR_MS,
    QUOTA_MAX_PERIOD_MS,
    TIMING_SESSION_COALESCING_DURATION_MS,
    QuotaTracker,
)

PKG = "com.example.app"


def test_sessions_within_5_seconds_of_each_other_count_as_one_coalesced_session() -> None:
    quota = QuotaTracker()
    start = 1_000_000
    for _ in range(50):  # 1 s runs, 4 s apart
        quota.save_timing_session(PKG, start, start + 1_000)
        start += 1_000 + 4_000
    assert quota.coalesced_sessions(PKG, now=start, window_ms=HOUR_MS) == 1
    # the sessions stay distinct: the window's execution time is the runs, not the gaps
    assert len(quota.sessions[PKG]) == 50
    assert quota.window_used(PKG, StandbyBucket.RARE, start, []) == 50 * 1_000


def test_sessions_spaced_more_than_5_seconds_apart_count_separately() -> None:
    quota = QuotaTracker()
    start = 1_000_000
    for _ in range(20):
        quota.save_timing_session(PKG, start, start + 1_000)
        start += 1_000 + TIMING_SESSION_COALESCING_DURATION_MS + 1
    assert quota.coalesced_sessions(PKG, now=start, window_ms=HOUR_MS) == 20


def test_a_gap_of_exactly_the_coalescing_duration_still_coalesces() -> None:
    quota = QuotaTracker()
    quota.save_timing_session(PKG, 0, 1_000)
    quota.save_timing_session(PKG, 1_000 + TIMING_SESSION_COALESCING_DURATION_MS, 7_000)
    quota.save_timing_session(PKG, 7_000 + TIMING_SESSION_COALESCING_DURATION_MS + 1, 13_000)
    assert quota.coalesced_sessions(PKG, now=13_000, window_ms=HOUR_MS) == 2


def test_only_sessions_ending_inside_the_window_are_counted() -> None:
    quota = QuotaTracker()
    quota.save_timing_session(PKG, 0, 1_000)
    quota.save_timing_session(PKG, 2 * HOUR_MS, 2 * HOUR_MS + 1_000)
    assert quota.coalesced_sessions(PKG, now=2 * HOUR_MS + 1_000, window_ms=HOUR_MS) == 1
    assert quota.coalesced_sessions("other.package", now=0, window_ms=HOUR_MS) == 0


def test_25000_saves_keep_only_the_sessions_of_the_last_24_hours() -> None:
    quota = QuotaTracker()
    step = 10_000  # a 2 s run every 10 s: 25,000 runs span about 69 hours
    in_window = QUOTA_MAX_PERIOD_MS // step
    for i in range(25_000):
        quota.save_timing_session(PKG, i * step, i * step + 2_000)
        if i % 1_000 == 0:
            assert len(quota.sessions[PKG]) <= in_window + 1
    sessions = quota.sessions[PKG]
    last_end = sessions[-1][1]
    assert len(sessions) == in_window
    assert all(end > last_end - QUOTA_MAX_PERIOD_MS for _, end in sessions)
    assert quota.window_used(PKG, StandbyBucket.RARE, last_end, []) == in_window * 2_000


def test_overlapping_runs_of_one_package_make_one_timer_session() -> None:
    quota = QuotaTracker()
    quota.save_timing_session(PKG, 5_000, 10_000)  # runs inside a longer one finish first
    quota.save_timing_session(PKG, 12_000, 20_000)
    quota.save_timing_session(PKG, 0, 30_000)
    quota.save_timing_session(PKG, 30_000, 31_000)  # starts as the span ends: a new session
    assert quota.sessions[PKG] == [(0, 30_000), (30_000, 31_000)]
    assert quota.window_used(PKG, StandbyBucket.RARE, 40_000, []) == 31_000


def test_a_running_job_and_finished_runs_overlapping_it_are_charged_once() -> None:
    quota = QuotaTracker()
    quota.save_timing_session(PKG, 5_000, 10_000)  # finished while the job below runs
    assert quota.window_used(PKG, StandbyBucket.RARE, 20_000, [(PKG, 0), ("other", 0)]) == 20_000


def test_window_use_equals_the_sum_of_clipped_sessions() -> None:
    rng = random.Random(7)
    quota = QuotaTracker()
    sessions: list[tuple[int, int]] = []
    t = 0
    for _ in range(3_000):
        t += rng.randrange(1, 3 * HOUR_MS // 100)
        end = t + rng.randrange(1, 600_000)
        quota.save_timing_session(PKG, t, end)
        sessions.append((t, end))
        t = end
    kept = [s for s in sessions if s[1] > t - QUOTA_MAX_PERIOD_MS]
    assert quota.sessions[PKG] == kept
    for bucket, window in ((StandbyBucket.WORKING_SET, 2 * HOUR_MS), (StandbyBucket.RARE, 24 * HOUR_MS)):
        for now in (t, t + HOUR_MS // 3, t + 5 * HOUR_MS):
            expected = sum(max(0, min(end, now) - max(start, now - window)) for start, end in kept)
            assert quota.window_used(PKG, bucket, now, []) == expected
