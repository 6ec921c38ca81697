"""WorkManager's values: WorkSpec rows, their states and the next-run arithmetic.

Sources (androidx ``work/work-runtime/src/main/java/androidx/work/``):

* ``impl/model/WorkTypeConverters.kt``: ``state`` ENQUEUED 0, RUNNING 1, SUCCEEDED 2, FAILED 3,
  BLOCKED 4, CANCELLED 5; ``backoff_policy`` EXPONENTIAL 0, LINEAR 1; ``required_network_type``
  NOT_REQUIRED 0, CONNECTED 1, UNMETERED 2, NOT_ROAMING 3, METERED 4; an empty set of content-URI
  triggers is stored as an empty blob.
* ``impl/model/WorkSpec.kt``: ``schedule_requested_at`` is -1 (SCHEDULE_NOT_REQUESTED_YET) until
  a scheduler took the work; ``stop_reason`` -256 (STOP_REASON_NOT_STOPPED); the input merger of
  a OneTimeWorkRequest is ``androidx.work.OverwritingInputMerger``; ``calculateNextRunTime``:
  backed-off work runs at ``last_enqueue_time + delay`` (LINEAR ``delay * attempts``,
  EXPONENTIAL ``delay * 2^(attempts-1)``, at most 5 h); periodic work at ``last_enqueue_time +
  initial_delay`` for its first period (plus ``interval - flex`` when flex is shorter than the
  interval), then ``last_enqueue_time + interval``; one-time work at ``last_enqueue_time +
  initial_delay``.
* ``WorkRequest.kt``: every request is tagged with its worker's class name; the default backoff
  is EXPONENTIAL 30 s (``DEFAULT_BACKOFF_DELAY_MILLIS``), the minimum 10 s;
  ``PeriodicWorkRequest``: interval >= 15 min, flex >= 5 min.
* ``Data.kt`` ``toByteArrayInternal``: an ``ObjectOutputStream`` with the entry count first; the
  empty Data is ``AC ED 00 05 77 04 00 00 00 00`` [I: bytes worked out from the stream format].
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

MIN_PERIODIC_INTERVAL_MS = 15 * 60_000
MIN_PERIODIC_FLEX_MS = 5 * 60_000
DEFAULT_BACKOFF_DELAY_MS = 30_000
MAX_BACKOFF_MS = 5 * 60 * 60_000
SCHEDULE_NOT_REQUESTED_YET = -1
STOP_REASON_NOT_STOPPED = -256
NO_OVERRIDE = 9223372036854775807
OVERWRITING_INPUT_MERGER = "androidx.work.OverwritingInputMerger"
EMPTY_DATA = bytes.fromhex("aced00057704" + "00000000")


class WorkState(enum.IntEnum):
    ENQUEUED = 0
    RUNNING = 1
    SUCCEEDED = 2
    FAILED = 3
    BLOCKED = 4
    CANCELLED = 5

    @property
    def finished(self) -> bool:
        return self in (WorkState.SUCCEEDED, WorkState.FAILED, WorkState.CANCELLED)


class Backoff(enum.IntEnum):
    EXPONENTIAL = 0
    LINEAR = 1


class Network(enum.IntEnum):
    NOT_REQUIRED = 0
    CONNECTED = 1
    UNMETERED = 2
    NOT_ROAMING = 3
    METERED = 4


class Result(enum.Enum):
    """What a worker's ``doWork`` returns (``ListenableWorker.Result``)."""

    SUCCESS = "SUCCESS"
    RETRY = "RETRY"
    FAILURE = "FAILURE"


@dataclass(frozen=True)
class Constraints:
    """``androidx.work.Constraints`` (the columns the model uses)."""

    network: Network = Network.NOT_REQUIRED
    requires_charging: bool = False
    requires_device_idle: bool = False
    requires_battery_not_low: bool = False
    requires_storage_not_low: bool = False


@dataclass(frozen=True)
class WorkSpec:
    """One ``WorkSpec`` row."""

    id: str
    worker_class_name: str
    state: WorkState = WorkState.ENQUEUED
    initial_delay: int = 0
    interval_duration: int = 0
    flex_duration: int = 0
    run_attempt_count: int = 0
    backoff_policy: Backoff = Backoff.EXPONENTIAL
    backoff_delay_duration: int = DEFAULT_BACKOFF_DELAY_MS
    last_enqueue_time: int = -1
    schedule_requested_at: int = SCHEDULE_NOT_REQUESTED_YET
    expedited: bool = False
    period_count: int = 0
    generation: int = 0
    stop_reason: int = STOP_REASON_NOT_STOPPED
    constraints: Constraints = Constraints()

    @property
    def periodic(self) -> bool:
        return self.interval_duration != 0

    @property
    def backed_off(self) -> bool:
        """``isBackedOff``: enqueued again after a failed attempt."""
        return self.state == WorkState.ENQUEUED and self.run_attempt_count > 0

    def next_run_time(self) -> int:
        """``calculateNextRunTime`` (wall-clock ms)."""
        if self.backed_off:
            if self.backoff_policy == Backoff.LINEAR:
                delay = self.backoff_delay_duration * self.run_attempt_count
            else:
                delay = self.backoff_delay_duration * 2 ** (self.run_attempt_count - 1)
            return self.last_enqueue_time + min(delay, MAX_BACKOFF_MS)
        if self.periodic:
            if self.period_count == 0:
                start = self.last_enqueue_time + self.initial_delay
                flex_offset = self.interval_duration - self.flex_duration
                return start + flex_offset
            return self.last_enqueue_time + self.interval_duration
        return self.last_enqueue_time + self.initial_delay

    def row(self) -> tuple[Any, ...]:
        """The row in :data:`~jobctl_sim.apps.workmanager.schema.WORK_SPEC_COLUMNS` order."""
        c = self.constraints
        return (
            self.id, int(self.state), self.worker_class_name, OVERWRITING_INPUT_MERGER, EMPTY_DATA, EMPTY_DATA,
            self.initial_delay, self.interval_duration, self.flex_duration, self.run_attempt_count,
            int(self.backoff_policy), self.backoff_delay_duration, self.last_enqueue_time, 0,
            self.schedule_requested_at, int(self.expedited), 0, self.period_count, self.generation, NO_OVERRIDE,
            0, self.stop_reason, self.worker_class_name, None, int(c.network), b"", int(c.requires_charging),
            int(c.requires_device_idle), int(c.requires_battery_not_low), int(c.requires_storage_not_low),
            -1, -1, b"",
        )


def periodic_bounds(interval_ms: int, flex_ms: int | None) -> tuple[int, int]:
    """``PeriodicWorkRequest.Builder``: interval raised to 15 min, flex to [5 min, interval]."""
    interval = max(interval_ms, MIN_PERIODIC_INTERVAL_MS)
    flex = interval if flex_ms is None else min(max(flex_ms, MIN_PERIODIC_FLEX_MS), interval)
    return interval, flex


__all__ = [
    "DEFAULT_BACKOFF_DELAY_MS",
    "MIN_PERIODIC_INTERVAL_MS",
    "Backoff",
    "Constraints",
    "Network",
    "Result",
    "WorkSpec",
    "WorkState",
    "periodic_bounds",
]
