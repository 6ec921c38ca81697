"""What :func:`bridge.diagnosis.diagnose` answers: blockers, timing, quota, the last outcome."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bridge.workmanager import WorkSpecInfo


class BlockerKind(enum.StrEnum):
    """What kind of thing holds a job back (the ``kind`` of a :class:`Blocker`)."""

    NOT_SCHEDULED = "not_scheduled"
    APP_STOPPED_NEVER_LAUNCHED = "app_stopped_never_launched"
    STANDBY_BUCKET = "standby_bucket"
    BACKGROUND_RESTRICTED = "background_restricted"
    BATTERY_SAVER = "battery_saver"
    DOZE = "doze"
    QUOTA = "quota"
    UNSATISFIED_CONSTRAINT = "unsatisfied_constraint"
    WAITING_FOR_LATENCY = "waiting_for_latency"
    BACKOFF = "backoff"
    PERIODIC_WINDOW = "periodic_window"
    WAITING_FOR_SCHEDULER = "waiting_for_scheduler"


@dataclass(frozen=True)
class Blocker:
    """One reason a job does not run, and the command that would lift it (``jobctl …`` or
    ``adb shell …``, runnable as printed)."""

    kind: BlockerKind
    reason: str
    command: str | None
    constraint: str | None = None
    """The dump's constraint name (``CHARGING`` …) when the blocker is one."""

    def to_json_object(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "reason": self.reason, "command": self.command,
                "constraint": self.constraint}


class RunProblemKind(enum.StrEnum):
    """What went wrong in a past run (the ``kind`` of a :class:`RunProblem`)."""

    START_CALLBACK_TIMEOUT = "onstartjob_timeout"
    STOP_CALLBACK_TIMEOUT = "onstopjob_timeout"
    ABANDONED_TIMEOUT = "abandoned_timeout"


@dataclass(frozen=True)
class RunProblem:
    """A past run of the job that ended badly, from the dump's ``Job history``."""

    kind: RunProblemKind
    ago_ms: int
    """How long before the diagnosis it happened."""
    explanation: str

    def to_json_object(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "ago_ms": self.ago_ms, "explanation": self.explanation}


class BackoffPolicy(enum.IntEnum):
    """``JobInfo.BACKOFF_POLICY_*`` as the dump's ``Backoff: policy=N`` prints it."""

    LINEAR = 0
    EXPONENTIAL = 1


@dataclass(frozen=True)
class Timing:
    """The job's time-based state, relative to the moment of the dump (milliseconds; negative: past).

    From the job block's ``Run time: earliest=…, latest=…`` (``JobStatus.dump``:
    ``earliestRunTimeElapsedMillis`` / ``latestRunTimeElapsedMillis`` minus now) and the JobInfo
    lines (``Minimum latency``, ``Max execution delay``, ``PERIODIC: interval= flex=``,
    ``Backoff: policy= initial=``, ``Num failures``, ``Num system stops``).
    """

    earliest_in_ms: int | None
    """When the job may run (its TIMING_DELAY ends); None: no earliest time."""
    latest_in_ms: int | None
    """The deadline (one-off) or the end of the period's window (periodic); None: none."""
    min_latency_ms: int | None = None
    deadline_ms: int | None = None
    periodic_interval_ms: int | None = None
    periodic_flex_ms: int | None = None
    backoff_policy: BackoffPolicy | None = None
    backoff_initial_ms: int | None = None
    failures: int = 0
    system_stops: int = 0

    @property
    def periodic(self) -> bool:
        return self.periodic_interval_ms is not None

    @property
    def waiting(self) -> bool:
        """The earliest time is still ahead."""
        return self.earliest_in_ms is not None and self.earliest_in_ms > 0

    @property
    def attempts(self) -> int:
        """Backoff attempts as JobScheduler counts them (14+: failures + system stops / 3)."""
        return self.failures + self.system_stops // 3

    @property
    def backing_off(self) -> bool:
        """Waiting because of a backoff (a failure or a stop that rescheduled the job), not its
        own minimum latency or period."""
        return self.waiting and self.attempts > 0 and not self.periodic

    @property
    def deadline_passed(self) -> bool:
        return not self.periodic and self.latest_in_ms is not None and self.latest_in_ms <= 0

    def to_json_object(self) -> dict[str, Any]:
        return {"earliest_in_ms": self.earliest_in_ms, "latest_in_ms": self.latest_in_ms,
                "min_latency_ms": self.min_latency_ms, "deadline_ms": self.deadline_ms,
                "periodic_interval_ms": self.periodic_interval_ms, "periodic_flex_ms": self.periodic_flex_ms,
                "backoff_policy": None if self.backoff_policy is None else self.backoff_policy.name,
                "backoff_initial_ms": self.backoff_initial_ms, "failures": self.failures,
                "system_stops": self.system_stops, "attempts": self.attempts,
                "backing_off": self.backing_off, "deadline_passed": self.deadline_passed}


@dataclass(frozen=True)
class QuotaState:
    """The app's execution quota as QuotaController tells it (``dumpControllerStateLocked``)."""

    bucket: str
    within_quota: bool
    remaining_ms: int | None
    """``<N>ms remaining in quota`` (None when the line does not say)."""
    allowed_ms: int | None
    """What the bucket allows per window (QuotaController defaults for the device's level)."""
    window_ms: int | None
    """The bucket's rolling window (None: the bucket never runs out, or never gets quota)."""
    refills_in_ms: int | None = None
    """When the app is back within quota: ``inQuotaTime`` of the cached execution stats where
    the device prints them, else estimated from the package's runs in the dump's job history."""

    @property
    def used_ms(self) -> int | None:
        if self.allowed_ms is None or self.remaining_ms is None:
            return None
        return max(0, self.allowed_ms - self.remaining_ms)

    def to_json_object(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "within_quota": self.within_quota, "remaining_ms": self.remaining_ms,
                "used_ms": self.used_ms, "allowed_ms": self.allowed_ms, "window_ms": self.window_ms,
                "refills_in_ms": self.refills_in_ms}


class OutcomeKind(enum.StrEnum):
    """How the job's last run ended, or what became of it (the ``kind`` of a :class:`LastOutcome`)."""

    FINISHED = "finished"
    """``jobFinished`` without reschedule, or the last work item dequeued: the job is done."""
    RESCHEDULED = "rescheduled"
    """``jobFinished(reschedule=true)``: backed off."""
    STOPPED = "stopped"
    """Stopped by the system or the user (``onStopJob``)."""
    STOPPED_BY_USER = "stopped_by_user"
    CANCELLED = "cancelled"
    FORCE_STOPPED = "force_stopped"
    """``am force-stop``: every job of the app cancelled."""
    TIMED_OUT = "timed_out"


@dataclass(frozen=True)
class LastOutcome:
    """The last thing the job's history tells: how its last run ended (``Job history`` stop line,
    ``Recently completed jobs``) or, for the helper, its own journal."""

    kind: OutcomeKind
    ago_ms: int | None
    """How long before the diagnosis (None: not known)."""
    detail: str
    """The platform's text (``app called jobFinished``, ``stop from shell`` …) or the helper's
    stop reason name."""
    source: str
    """``job history``, ``recently completed`` or ``helper journal``."""

    def to_json_object(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "ago_ms": self.ago_ms, "detail": self.detail, "source": self.source}


@dataclass(frozen=True)
class Diagnosis:
    """Everything :func:`bridge.diagnosis.diagnose` found out about one job."""

    job_id: int
    namespace: str | None
    package: str
    exists: bool
    running: bool
    ready: bool
    state: tuple[str, ...]
    """``get-job-state`` tokens (sorted), e.g. ``("ready",)``, ``("waiting",)``; empty if unknown."""
    standby_bucket: str | None
    package_stopped: bool | None
    required_constraints: tuple[str, ...]
    unsatisfied_constraints: tuple[str, ...]
    blockers: tuple[Blocker, ...]
    run_problems: tuple[RunProblem, ...] = ()
    """Past runs that ended badly (callback timeouts, ANRs, abandoned jobs), oldest first."""
    timing: Timing | None = None
    quota: QuotaState | None = None
    last_outcome: LastOutcome | None = None
    notes: tuple[str, ...] = ()
    """Plain-language facts that are no blocker: the deadline, the next window, a past outcome."""
    work: WorkSpecInfo | None = None
    """The WorkManager WorkSpec behind the job (:class:`bridge.workmanager.WorkSpecInfo`), if any."""

    @property
    def summary(self) -> str:
        name = f"job {self.namespace}:{self.job_id}" if self.namespace else f"job {self.job_id}"
        if not self.exists:
            if self.last_outcome is not None:
                return f"{name} is not scheduled: it {_OUTCOME_WORDS[self.last_outcome.kind]}"
            return f"{name} is not scheduled"
        if self.running:
            return f"{name} is running"
        if not self.blockers:
            return f"{name} is not running, and nothing is holding it back"
        return f"{name} is not running: {len(self.blockers)} reason(s)"

    def to_json_object(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id, "namespace": self.namespace, "package": self.package,
            "exists": self.exists, "running": self.running, "ready": self.ready, "state": list(self.state),
            "standby_bucket": self.standby_bucket, "package_stopped": self.package_stopped,
            "required_constraints": list(self.required_constraints),
            "unsatisfied_constraints": list(self.unsatisfied_constraints),
            "summary": self.summary,
            "blockers": [b.to_json_object() for b in self.blockers],
            "run_problems": [p.to_json_object() for p in self.run_problems],
            "timing": None if self.timing is None else self.timing.to_json_object(),
            "quota": None if self.quota is None else self.quota.to_json_object(),
            "last_outcome": None if self.last_outcome is None else self.last_outcome.to_json_object(),
            "notes": list(self.notes),
            "work": None if self.work is None else self.work.to_json_object(),
        }


_OUTCOME_WORDS = {
    OutcomeKind.FINISHED: "finished",
    OutcomeKind.RESCHEDULED: "asked to be rescheduled",
    OutcomeKind.STOPPED: "was stopped and not rescheduled",
    OutcomeKind.STOPPED_BY_USER: "was stopped by the user",
    OutcomeKind.CANCELLED: "was cancelled",
    OutcomeKind.FORCE_STOPPED: "was cancelled when the app was force-stopped",
    OutcomeKind.TIMED_OUT: "timed out",
}
