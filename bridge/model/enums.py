"""The host's one copy of the platform's JobScheduler constants, with their integer values and API levels.

The source of truth is ``bridge/facts/aosp.toml`` (names, values, API levels, and the AOSP file of
each: ``apex/jobscheduler/framework/java/android/app/job/{JobInfo,JobParameters,JobScheduler}.java``
and ``core/java/android/app/usage/UsageStatsManager.java``); ``tests/facts`` fails when an enum
here disagrees with it. The enums are static so that ``mypy --strict`` sees their members.
Researched in android-helper.md §2.1 (JobInfo constants), §2.6 (``JobParameters.STOP_REASON_*``),
§2.7 (``JobScheduler.PENDING_JOB_REASON_*``); the protocol tokens are PROTOCOL.md §6.1.
"""

from __future__ import annotations

import enum

from bridge.errors import InvalidConditionError


class NetworkType(enum.Enum):
    """``JobInfo.NETWORK_TYPE_*`` as the helper protocol spells them (PROTOCOL.md §6.1).

    The value is the protocol token; :attr:`platform_value` is the SDK integer.
    ``METERED`` (26, deprecated 28) is the SDK's alias of ``CELLULAR`` (28): it is kept as its
    own member because it is the only way to ask for a cellular network on API 26-27.
    """

    NONE = "none"
    ANY = "any"
    UNMETERED = "unmetered"
    NOT_ROAMING = "not_roaming"
    CELLULAR = "cellular"
    METERED = "metered"

    @property
    def platform_value(self) -> int:
        """``JobInfo.NETWORK_TYPE_*`` (android-helper.md §2.1)."""
        return _NETWORK_VALUES[self]

    @property
    def api_level(self) -> int:
        """The level that introduced the constant (§2.1): 21, 24 (NOT_ROAMING), 26, 28."""
        return _NETWORK_LEVELS[self]

    @property
    def requires_network(self) -> bool:
        """Every type except ``NONE`` is a network constraint."""
        return self is not NetworkType.NONE


_NETWORK_VALUES = {
    NetworkType.NONE: 0, NetworkType.ANY: 1, NetworkType.UNMETERED: 2,
    NetworkType.NOT_ROAMING: 3, NetworkType.CELLULAR: 4, NetworkType.METERED: 4,
}
_NETWORK_LEVELS = {
    NetworkType.NONE: 21, NetworkType.ANY: 21, NetworkType.UNMETERED: 21,
    NetworkType.NOT_ROAMING: 24, NetworkType.CELLULAR: 28, NetworkType.METERED: 26,
}


class BackoffPolicy(enum.IntEnum):
    """``JobInfo.BACKOFF_POLICY_*`` (21); the default is exponential (§2.1)."""

    LINEAR = 0
    EXPONENTIAL = 1

    @property
    def token(self) -> str:
        """The protocol spelling (``linear`` / ``exponential``, PROTOCOL.md §6.1)."""
        return self.name.lower()


class Priority(enum.IntEnum):
    """``JobInfo.PRIORITY_*`` (API 33, android-helper.md §2.1)."""

    MIN = 100
    LOW = 200
    DEFAULT = 300
    HIGH = 400
    MAX = 500

    @property
    def token(self) -> str:
        """The protocol spelling (``min`` … ``max``, PROTOCOL.md §6.1)."""
        return self.name.lower()


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


class ConstraintFlag(enum.IntFlag):
    """``JobInfo.CONSTRAINT_FLAG_*`` (hidden): the bits ``JobInfo.getConstraintFlags()`` returns."""

    CHARGING = 1
    BATTERY_NOT_LOW = 2
    DEVICE_IDLE = 4
    STORAGE_NOT_LOW = 8


class StandbyBucket(enum.IntEnum):
    """``UsageStatsManager.STANDBY_BUCKET_*`` (API 28; RESTRICTED 30; EXEMPTED and NEVER are
    @SystemApi), shell reference §5.4."""

    EXEMPTED = 5
    ACTIVE = 10
    WORKING_SET = 20
    FREQUENT = 30
    RARE = 40
    RESTRICTED = 45
    NEVER = 50

    @classmethod
    def parse(cls, value: StandbyBucket | str | int) -> StandbyBucket:
        """A bucket from an enum member, a name (``"rare"``, ``"WORKING_SET"``) or a platform int."""
        if isinstance(value, StandbyBucket):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return cls(value)
            except ValueError:
                pass
        elif isinstance(value, str):
            name = value.strip().upper().replace("-", "_")
            if name in cls.__members__:
                return cls[name]
            if name.isdigit():
                return cls.parse(int(name))
        names = ", ".join(member.name.lower() for member in cls)
        raise InvalidConditionError(f"unknown standby bucket {value!r} (one of: {names})")

    @property
    def shell_name(self) -> str:
        """The name ``am set-standby-bucket`` matches by prefix (``working_set``…)."""
        return self.name.lower()
