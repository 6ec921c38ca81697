"""The quota part of `why` on a dump in AOSP's own layout (QuotaController.dumpControllerStateLocked):
the cached execution stats' inQuotaTime gives the refill, per package and bucket."""

from __future__ import annotations

from bridge.diagnosis.commands import Commands
from bridge.diagnosis.quota import quota_blockers, read_quota
from bridge.parsers import parse_jobscheduler_dump

PACKAGE = "com.example.app"
DUMP = """Settings:
  QuotaController:
    qc_allowed_time_per_period_ms=600000
    qc_window_size_rare_ms=86400000

Registered 1 jobs:

QuotaController:
  Is enabled: true
  Is charging: false
  Current elapsed time: 1000000

  #u0a77/5 from u0a77
    RARE, not within quota, 0ms remaining in quota
  #u0a66/1 from u0a66
    ACTIVE, within regular quota, 600000ms remaining in quota

  Cached execution stats:
    <0>com.example.other
      RARE: expirationTime=1, windowSizeMs=86400000, inQuotaTime=999999999, rateLimitJobCountWindow=0
    <0>com.example.app
      RARE: expirationTime=2, windowSizeMs=86400000, executionTimeInWindow=600000, inQuotaTime=4600000, x=0

DeviceIdleJobsController:
"""


def test_an_aosp_quota_section_gives_bucket_use_and_refill_from_in_quota_time() -> None:
    quota = read_quota(DUMP, parse_jobscheduler_dump(DUMP), 5, None, PACKAGE, 34)
    assert quota is not None and (quota.bucket, quota.within_quota, quota.remaining_ms) == ("RARE", False, 0)
    assert (quota.used_ms, quota.allowed_ms, quota.window_ms) == (600_000, 600_000, 86_400_000)
    assert quota.refills_in_ms == 3_600_000  # inQuotaTime - Current elapsed time, of this package only
    (blocker,) = quota_blockers(quota, frozenset({"WITHIN_QUOTA"}), Commands(5, None, PACKAGE))
    assert "RARE bucket: it used 10m00s of its 10m00s per 1d00h00m00s; it refills in 1h00m00s" in blocker.reason
    assert blocker.command == f"adb shell cmd jobscheduler reset-execution-quota -u 0 {PACKAGE}"


def test_a_job_within_quota_and_an_untracked_job() -> None:
    dump = parse_jobscheduler_dump(DUMP)
    within = read_quota(DUMP, dump, 1, None, "com.example.b", 34)
    assert within is not None and within.within_quota and within.remaining_ms == 600_000 and within.used_ms == 0
    assert read_quota(DUMP, dump, 9, None, PACKAGE, 34) is None


def test_android_16_windows() -> None:
    from bridge.diagnosis.quota import bucket_quota

    assert bucket_quota("ACTIVE", 36) == (1_200_000, 1_800_000) and bucket_quota("ACTIVE", 34) == (600_000, 600_000)
    assert bucket_quota("WORKING_SET", 36) == (600_000, 4 * 3_600_000) and bucket_quota("NEVER", 34) is None
