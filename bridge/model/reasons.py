"""Why a job stopped or waits: the platform's ``JobParameters.STOP_REASON_*`` (``StopReason``),
``JobScheduler.PENDING_JOB_REASON_*`` (``PendingReason``) and ``JobParameters.INTERNAL_STOP_REASON_*``
(``InternalStopReason``), with their integer values, Java names and API levels.

The source of truth is ``bridge/facts/aosp.toml`` (``apex/jobscheduler/framework/java/android/app/
job/{JobParameters,JobScheduler}.java``); ``tests/facts`` fails when an enum here disagrees with it.
Researched in android-helper.md §2.6 (``STOP_REASON_*``) and §2.7 (``PENDING_JOB_REASON_*``). The
enums of what a job asks for are :mod:`.enums`.
"""

from __future__ import annotations

import enum


class StopReason(enum.IntEnum):
    """``JobParameters.STOP_REASON_*``, values 0-16 (android-helper.md §2.6; 16 is API 36).

    Member names are the Java names **without** the ``STOP_REASON_`` prefix
    (``StopReason.CONSTRAINT_CHARGING``); :attr:`java_name` gives the full Java constant.
    A device may report values this enum lacks (AOSP says more may come): use :meth:`parse`,
    which keeps unknown values as plain ``int``.
    """

    UNDEFINED = 0
    CANCELLED_BY_APP = 1
    PREEMPT = 2
    TIMEOUT = 3
    DEVICE_STATE = 4
    CONSTRAINT_BATTERY_NOT_LOW = 5
    CONSTRAINT_CHARGING = 6
    CONSTRAINT_CONNECTIVITY = 7
    CONSTRAINT_DEVICE_IDLE = 8
    CONSTRAINT_STORAGE_NOT_LOW = 9
    QUOTA = 10
    BACKGROUND_RESTRICTION = 11
    APP_STANDBY = 12
    USER = 13
    SYSTEM_PROCESSING = 14
    ESTIMATED_APP_LAUNCH_TIME_CHANGED = 15
    TIMEOUT_ABANDONED = 16

    @property
    def java_name(self) -> str:
        """``STOP_REASON_CONSTRAINT_CHARGING`` etc."""
        return f"STOP_REASON_{self.name}"

    @property
    def api_level(self) -> int:
        """31 for all but ``ESTIMATED_APP_LAUNCH_TIME_CHANGED`` (33) and ``TIMEOUT_ABANDONED`` (36)."""
        if self is StopReason.TIMEOUT_ABANDONED:
            return 36
        return 33 if self is StopReason.ESTIMATED_APP_LAUNCH_TIME_CHANGED else 31

    @classmethod
    def parse(cls, value: int) -> StopReason | int:
        """The member for ``value``, or ``value`` itself when the SDK table lacks it."""
        try:
            return cls(value)
        except ValueError:
            return value


class PendingReason(enum.IntEnum):
    """``JobScheduler.PENDING_JOB_REASON_*`` (API 34; 16 is API 36), android-helper.md §2.7.

    Names drop the ``PENDING_JOB_REASON_`` prefix; :attr:`java_name` restores it.
    """

    INVALID_JOB_ID = -2
    EXECUTING = -1
    UNDEFINED = 0
    APP = 1
    APP_STANDBY = 2
    BACKGROUND_RESTRICTION = 3
    CONSTRAINT_BATTERY_NOT_LOW = 4
    CONSTRAINT_CHARGING = 5
    CONSTRAINT_CONNECTIVITY = 6
    CONSTRAINT_CONTENT_TRIGGER = 7
    CONSTRAINT_DEVICE_IDLE = 8
    CONSTRAINT_MINIMUM_LATENCY = 9
    CONSTRAINT_PREFETCH = 10
    CONSTRAINT_STORAGE_NOT_LOW = 11
    DEVICE_STATE = 12
    JOB_SCHEDULER_OPTIMIZATION = 13
    QUOTA = 14
    USER = 15
    CONSTRAINT_DEADLINE = 16

    @property
    def java_name(self) -> str:
        return f"PENDING_JOB_REASON_{self.name}"

    @property
    def api_level(self) -> int:
        return 36 if self is PendingReason.CONSTRAINT_DEADLINE else 34

    @classmethod
    def parse(cls, value: int) -> PendingReason | int:
        """The member for ``value``, or ``value`` itself for a reason newer than this table."""
        try:
            return cls(value)
        except ValueError:
            return value


class InternalStopReason(enum.IntEnum):
    """``JobParameters.INTERNAL_STOP_REASON_*`` (hidden; values from ``JobProtoEnums``).

    What ``cmd jobscheduler stop -i`` takes and dumpsys prints next to the public reason. Names
    drop the ``INTERNAL_STOP_REASON_`` prefix; 13 ``TIMEOUT_ABANDONED`` is API 36.
    """

    UNKNOWN = -1
    CANCELED = 0
    CONSTRAINTS_NOT_SATISFIED = 1
    PREEMPT = 2
    TIMEOUT = 3
    DEVICE_IDLE = 4
    DEVICE_THERMAL = 5
    RESTRICTED_BUCKET = 6
    UNINSTALL = 7
    DATA_CLEARED = 8
    RTC_UPDATED = 9
    SUCCESSFUL_FINISH = 10
    USER_UI_STOP = 11
    ANR = 12
    TIMEOUT_ABANDONED = 13

    @property
    def java_name(self) -> str:
        return f"INTERNAL_STOP_REASON_{self.name}"
