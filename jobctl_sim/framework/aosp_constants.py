"""The AOSP constants the virtual device shares with the host: the one place the sim defines them.

Each enum cites the AOSP file that declares its constants (frameworks/base paths). The host's
data file ``bridge/facts/aosp.toml`` is the source of truth for names, values and API levels;
``tests/facts/test_constants_agree.py`` fails when this module disagrees with it. The virtual
device does not read that file (it imports nothing of ``bridge``'s domain), so the copy here is
static on purpose.

Member names follow the simulator's existing spelling: the ``JobParameters`` reasons keep their
Java prefix (``StopReason.STOP_REASON_USER``), the other groups drop it (``Priority.HIGH``).
"""

from __future__ import annotations

import enum


class StopReason(enum.IntEnum):
    """``JobParameters.STOP_REASON_*`` (public, API 31; 15 is API 33).

    ``apex/jobscheduler/framework/java/android/app/job/JobParameters.java``; 16
    (``TIMEOUT_ABANDONED``) is API 36 (Android 16 behaviour change "abandoned job stop reason").
    """

    STOP_REASON_UNDEFINED = 0
    STOP_REASON_CANCELLED_BY_APP = 1
    STOP_REASON_PREEMPT = 2
    STOP_REASON_TIMEOUT = 3
    STOP_REASON_DEVICE_STATE = 4
    STOP_REASON_CONSTRAINT_BATTERY_NOT_LOW = 5
    STOP_REASON_CONSTRAINT_CHARGING = 6
    STOP_REASON_CONSTRAINT_CONNECTIVITY = 7
    STOP_REASON_CONSTRAINT_DEVICE_IDLE = 8
    STOP_REASON_CONSTRAINT_STORAGE_NOT_LOW = 9
    STOP_REASON_QUOTA = 10
    STOP_REASON_BACKGROUND_RESTRICTION = 11
    STOP_REASON_APP_STANDBY = 12
    STOP_REASON_USER = 13
    STOP_REASON_SYSTEM_PROCESSING = 14
    STOP_REASON_ESTIMATED_APP_LAUNCH_TIME_CHANGED = 15
    STOP_REASON_TIMEOUT_ABANDONED = 16


class InternalStopReason(enum.IntEnum):
    """``JobParameters.INTERNAL_STOP_REASON_*`` (hidden; values from ``JobProtoEnums``,
    ``core/proto/android/app/job/enums.proto``). 13 (``TIMEOUT_ABANDONED``) is API 36."""

    INTERNAL_STOP_REASON_UNKNOWN = -1
    INTERNAL_STOP_REASON_CANCELED = 0
    INTERNAL_STOP_REASON_CONSTRAINTS_NOT_SATISFIED = 1
    INTERNAL_STOP_REASON_PREEMPT = 2
    INTERNAL_STOP_REASON_TIMEOUT = 3
    INTERNAL_STOP_REASON_DEVICE_IDLE = 4
    INTERNAL_STOP_REASON_DEVICE_THERMAL = 5
    INTERNAL_STOP_REASON_RESTRICTED_BUCKET = 6
    INTERNAL_STOP_REASON_UNINSTALL = 7
    INTERNAL_STOP_REASON_DATA_CLEARED = 8
    INTERNAL_STOP_REASON_RTC_UPDATED = 9
    INTERNAL_STOP_REASON_SUCCESSFUL_FINISH = 10
    INTERNAL_STOP_REASON_USER_UI_STOP = 11
    INTERNAL_STOP_REASON_ANR = 12
    INTERNAL_STOP_REASON_TIMEOUT_ABANDONED = 13


class PendingJobReason(enum.IntEnum):
    """``JobScheduler.PENDING_JOB_REASON_*`` (API 34; 16 ``CONSTRAINT_DEADLINE`` is API 36).

    ``apex/jobscheduler/framework/java/android/app/job/JobScheduler.java``.
    """

    PENDING_JOB_REASON_INVALID_JOB_ID = -2
    PENDING_JOB_REASON_EXECUTING = -1
    PENDING_JOB_REASON_UNDEFINED = 0
    PENDING_JOB_REASON_APP = 1
    PENDING_JOB_REASON_APP_STANDBY = 2
    PENDING_JOB_REASON_BACKGROUND_RESTRICTION = 3
    PENDING_JOB_REASON_CONSTRAINT_BATTERY_NOT_LOW = 4
    PENDING_JOB_REASON_CONSTRAINT_CHARGING = 5
    PENDING_JOB_REASON_CONSTRAINT_CONNECTIVITY = 6
    PENDING_JOB_REASON_CONSTRAINT_CONTENT_TRIGGER = 7
    PENDING_JOB_REASON_CONSTRAINT_DEVICE_IDLE = 8
    PENDING_JOB_REASON_CONSTRAINT_MINIMUM_LATENCY = 9
    PENDING_JOB_REASON_CONSTRAINT_PREFETCH = 10
    PENDING_JOB_REASON_CONSTRAINT_STORAGE_NOT_LOW = 11
    PENDING_JOB_REASON_DEVICE_STATE = 12
    PENDING_JOB_REASON_JOB_SCHEDULER_OPTIMIZATION = 13
    PENDING_JOB_REASON_QUOTA = 14
    PENDING_JOB_REASON_USER = 15
    PENDING_JOB_REASON_CONSTRAINT_DEADLINE = 16


class NetworkType(enum.IntEnum):
    """``JobInfo.NETWORK_TYPE_*`` (``apex/jobscheduler/framework/java/android/app/job/JobInfo.java``).

    METERED (26, deprecated 28) is CELLULAR's alias (same value, so no member of its own).
    """

    NONE = 0
    ANY = 1
    UNMETERED = 2
    NOT_ROAMING = 3
    CELLULAR = 4


class BackoffPolicy(enum.IntEnum):
    """``JobInfo.BACKOFF_POLICY_*`` (API 21; JobInfo.java)."""

    LINEAR = 0
    EXPONENTIAL = 1


class Priority(enum.IntEnum):
    """``JobInfo.PRIORITY_*`` (API 33; JobInfo.java); dump prints ``Priority: 300 [DEFAULT]``."""

    MIN = 100
    LOW = 200
    DEFAULT = 300
    HIGH = 400
    MAX = 500


class ConstraintFlag(enum.IntFlag):
    """``JobInfo.CONSTRAINT_FLAG_*`` (hidden): the bits ``JobInfo.getConstraintFlags`` returns."""

    CHARGING = 1
    BATTERY_NOT_LOW = 2
    DEVICE_IDLE = 4
    STORAGE_NOT_LOW = 8


class JobStatusConstraint(enum.IntFlag):
    """``JobStatus.CONSTRAINT_*`` (server-internal; the names dumpsys prints).

    ``apex/jobscheduler/service/java/com/android/server/job/controllers/JobStatus.java``, confirmed
    by the decompiled Android 12 smali (``CONSTRAINT_TIMING_DELAY = 0x80000000`` …).
    """

    CHARGING = 0x1
    BATTERY_NOT_LOW = 0x2
    IDLE = 0x4
    STORAGE_NOT_LOW = 0x8
    FLEXIBILITY = 0x200000
    BACKGROUND_NOT_RESTRICTED = 0x400000
    PREFETCH = 0x800000
    WITHIN_QUOTA = 0x1000000
    DEVICE_NOT_DOZING = 0x2000000
    CONTENT_TRIGGER = 0x4000000
    TARE_WEALTH = 0x8000000
    CONNECTIVITY = 0x10000000
    DEADLINE = 0x40000000
    TIMING_DELAY = 0x80000000


class StandbyBucket(enum.IntEnum):
    """``UsageStatsManager.STANDBY_BUCKET_*`` (``core/java/android/app/usage/UsageStatsManager.java``;
    EXEMPTED and NEVER are @SystemApi); the dump prints the name."""

    EXEMPTED = 5
    ACTIVE = 10
    WORKING_SET = 20
    FREQUENT = 30
    RARE = 40
    RESTRICTED = 45
    NEVER = 50


NETWORK_BYTES_UNKNOWN = -1
"""JobInfo.NETWORK_BYTES_UNKNOWN (API 28)."""
DEFAULT_INITIAL_BACKOFF_MILLIS = 30_000
"""JobInfo.DEFAULT_INITIAL_BACKOFF_MILLIS (public, API 21)."""
MIN_BACKOFF_MILLIS = 10_000
"""JobInfo.MIN_BACKOFF_MILLIS (hidden): setBackoffCriteria is clamped up to this."""
MAX_BACKOFF_DELAY_MILLIS = 5 * 60 * 60 * 1000
"""JobInfo.MAX_BACKOFF_DELAY_MILLIS (API 21)."""
MIN_PERIOD_MILLIS = 15 * 60 * 1000
"""JobInfo.getMinPeriodMillis() (API 24)."""
MIN_FLEX_MILLIS = 5 * 60 * 1000
"""JobInfo.getMinFlexMillis() (API 24)."""

CMD_ERR_NO_PACKAGE = -1000
"""``JobSchedulerShellCommand.CMD_ERR_NO_PACKAGE`` (hidden): the package is not installed."""
CMD_ERR_NO_JOB = -1001
"""``JobSchedulerShellCommand.CMD_ERR_NO_JOB``: the package has no such job."""
CMD_ERR_CONSTRAINTS = -1002
"""``JobSchedulerShellCommand.CMD_ERR_CONSTRAINTS``: ``run`` without ``-f`` and the constraints unmet."""


__all__ = [
    "CMD_ERR_CONSTRAINTS", "CMD_ERR_NO_JOB", "CMD_ERR_NO_PACKAGE",
    "DEFAULT_INITIAL_BACKOFF_MILLIS", "MAX_BACKOFF_DELAY_MILLIS", "MIN_BACKOFF_MILLIS", "MIN_FLEX_MILLIS",
    "MIN_PERIOD_MILLIS", "NETWORK_BYTES_UNKNOWN", "BackoffPolicy", "ConstraintFlag", "InternalStopReason",
    "JobStatusConstraint", "NetworkType", "PendingJobReason", "Priority", "StandbyBucket", "StopReason",
]
