"""The host's one copy of the platform's JobScheduler constants of what a job asks for
(``NetworkType``, ``BackoffPolicy``, ``Priority``, ``ConstraintFlag``, ``StandbyBucket``), with
their integer values and API levels.

The source of truth is ``bridge/facts/aosp.toml`` (names, values, API levels, and the AOSP file of
each: ``apex/jobscheduler/framework/java/android/app/job/JobInfo.java`` and
``core/java/android/app/usage/UsageStatsManager.java``); ``tests/facts`` fails when an enum here
disagrees with it. The enums are static so that ``mypy --strict`` sees their members. Researched in
android-helper.md §2.1 (JobInfo constants); the protocol tokens are PROTOCOL.md §6.1. Why a job
stopped or waits (``StopReason``, ``PendingReason``, ``InternalStopReason``) is :mod:`.reasons`: a
command that reads stops does not load what a job asks for, and one that schedules does not load
the reasons (issue 16: start-up).
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
