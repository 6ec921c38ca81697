"""A WorkManager WorkSpec as jobctl shows it next to the JobScheduler job it runs behind.

androidx.work (``work/work-runtime/src/main/java/androidx/work/impl/model/WorkSpec.kt``,
``WorkTypeConverters.kt``): states are stored as ENQUEUED 0, RUNNING 1, SUCCEEDED 2, FAILED 3,
BLOCKED 4, CANCELLED 5; a WorkSpec is periodic when ``interval_duration`` is not 0;
``calculateNextRunTime`` decides when it may run: a periodic one at ``last_enqueue_time +
interval`` (the first period: ``+ initial_delay``, plus ``interval - flex`` when flex applies), a
backed-off one (ENQUEUED with ``run_attempt_count`` > 0) at ``last_enqueue_time`` + the backoff.
``WorkerWrapper`` refuses to run a periodic or backed-off WorkSpec before that time ("Delaying
execution for … because it is being executed before schedule"), so a forced JobScheduler run
of it does nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

NAMESPACE = "androidx.work.systemjobscheduler"
"""WorkManager 2.10+ schedules its jobs in this JobScheduler namespace on API 34+ (shell reference §1.2)."""
MAX_BACKOFF_MS = 5 * 60 * 60 * 1000
"""``WorkRequest.MAX_BACKOFF_MILLIS``."""


class WorkState(enum.IntEnum):
    ENQUEUED = 0
    RUNNING = 1
    SUCCEEDED = 2
    FAILED = 3
    BLOCKED = 4
    CANCELLED = 5


@dataclass(frozen=True)
class WorkSpecInfo:
    """The WorkSpec behind one JobScheduler job id."""

    id: str
    worker_class: str
    state: str
    """A :class:`WorkState` name (diagnostics prints the name too)."""
    tags: tuple[str, ...] = ()
    unique_names: tuple[str, ...] = ()
    run_attempt_count: int | None = None
    """None: not available (the diagnostics broadcast does not print it)."""
    generation: int | None = None
    system_id: int | None = None
    periodic: bool | None = None
    next_run_time_ms: int | None = None
    """``calculateNextRunTime`` (wall clock ms), from the database only."""
    prerequisites: tuple[str, ...] = ()
    """WorkSpec ids this one waits for (``Dependency``: chained work)."""
    source: str = "database"
    """``database`` (read with run-as) or ``diagnostics`` (the broadcast's logcat)."""

    @property
    def label(self) -> str:
        """``com.example.SyncWorker [ENQUEUED] unique=sync tags=a,b attempt 2``."""
        words = [f"{self.worker_class} [{self.state}]"]
        if self.unique_names:
            words.append("unique=" + ",".join(self.unique_names))
        tags = [t for t in self.tags if t != self.worker_class]
        if tags:
            words.append("tags=" + ",".join(tags))
        if self.run_attempt_count is not None:
            words.append(f"run attempt {self.run_attempt_count}")
        if self.prerequisites:
            words.append("after " + ",".join(self.prerequisites))
        return " ".join(words)

    def skips_forced_run(self, now_wall_ms: int) -> bool:
        """A forced run now would be refused by WorkerWrapper ("before its schedule")."""
        backed_off = self.state == "ENQUEUED" and (self.run_attempt_count or 0) > 0
        return bool((self.periodic or backed_off) and self.next_run_time_ms is not None
                    and now_wall_ms < self.next_run_time_ms)

    def to_json_object(self) -> dict[str, Any]:
        return {"id": self.id, "worker_class": self.worker_class, "state": self.state, "tags": list(self.tags),
                "unique_names": list(self.unique_names), "run_attempt_count": self.run_attempt_count,
                "generation": self.generation, "system_id": self.system_id, "periodic": self.periodic,
                "next_run_time_ms": self.next_run_time_ms, "prerequisites": list(self.prerequisites),
                "source": self.source}


@dataclass(frozen=True)
class WorkLabel:
    """What :func:`bridge.workmanager.label_job` found: the WorkSpec (if any) and one-line notes
    (what was not available and what was shown instead; a forced run WorkManager will skip)."""

    spec: WorkSpecInfo | None
    notes: tuple[str, ...] = ()
    skips_forced_run: bool = False
    """A forced JobScheduler run now would be refused by WorkerWrapper (before its schedule)."""


def next_run_time(*, periodic: bool, backed_off: bool, run_attempt_count: int, linear: bool, backoff_delay: int,
                  last_enqueue_time: int, period_count: int, initial_delay: int, flex: int, interval: int,
                  override: int | None) -> int:
    """``WorkSpec.calculateNextRunTime`` (androidx.work, WorkSpec.kt)."""
    if override is not None and periodic:
        return override if period_count == 0 else max(override, last_enqueue_time + 15 * 60 * 1000)
    if backed_off:
        delay = backoff_delay * run_attempt_count if linear else int(backoff_delay * 2.0 ** (run_attempt_count - 1))
        return last_enqueue_time + min(delay, MAX_BACKOFF_MS)
    if periodic:
        schedule = last_enqueue_time + (initial_delay if period_count == 0 else interval)
        if flex != interval and period_count == 0:
            schedule += interval - flex
        return schedule
    return last_enqueue_time + initial_delay
