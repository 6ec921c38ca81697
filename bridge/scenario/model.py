"""A scenario and its result as frozen, typed values (the TOML form is in scenarios/README.md)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bridge.model import (
    ByteEstimate,
    EventKind,
    JobEvent,
    JobSpec,
    StopReason,
    WorkItem,
)


# ---------------------------------------------------------------------------- steps
@dataclass(frozen=True)
class JobRef:
    """Which job a step acts on."""

    job_id: int
    namespace: str | None = None

    def __str__(self) -> str:
        return f"job {self.job_id}" + (f" ({self.namespace})" if self.namespace is not None else "")


@dataclass(frozen=True)
class ScheduleStep:
    spec: JobSpec


@dataclass(frozen=True)
class EnqueueStep:
    spec: JobSpec
    items: tuple[WorkItem, ...]


@dataclass(frozen=True)
class RunStep:
    job: JobRef
    force: bool = True
    """``run -f`` (ignore constraints); False is ``run -s`` (only if satisfied)."""


@dataclass(frozen=True)
class DeviceStep:
    changes: tuple[tuple[str, bool | int | str], ...]
    """``(condition, value)`` pairs, applied in file order (names: :data:`DEVICE_CONDITIONS`)."""


@dataclass(frozen=True)
class WaitStep:
    seconds: float | None = None
    """A plain pause; exclusive with ``until``."""
    until: EventKind | None = None
    job: JobRef | None = None
    timeout: float = 10.0


@dataclass(frozen=True)
class StopStep:
    job: JobRef
    reason: StopReason | None = None


@dataclass(frozen=True)
class TimeoutStep:
    job: JobRef


@dataclass(frozen=True)
class CancelStep:
    job: JobRef


@dataclass(frozen=True)
class Delivery:
    tag: str
    count: int


@dataclass(frozen=True)
class ExpectStep:
    """Expectations polled until they all hold or ``timeout`` seconds pass."""

    job: JobRef
    timeout: float = 10.0
    state: frozenset[str] | None = None
    """``get-job-state`` tokens that must all be printed (``unknown``: the job does not exist)."""
    stop_reason: StopReason | None = None
    """The stop reason of the job's latest stopped run in this scenario."""
    transferred: ByteEstimate | None = None
    """Total transferred bytes of the job's latest run."""
    delivery: Delivery | None = None
    """A ``work_dequeued`` of ``tag`` with this ``delivery_count``."""


Step = ScheduleStep | EnqueueStep | RunStep | DeviceStep | WaitStep | StopStep | TimeoutStep | CancelStep | ExpectStep

STEP_ACTIONS: dict[type, str] = {
    ScheduleStep: "schedule", EnqueueStep: "enqueue", RunStep: "run", DeviceStep: "device", WaitStep: "wait",
    StopStep: "stop", TimeoutStep: "timeout", CancelStep: "cancel", ExpectStep: "expect",
}

DEVICE_CONDITIONS: dict[str, type] = {
    "charging": bool, "battery_level": int, "battery_low": bool, "battery_saver": bool, "wifi": bool,
    "cellular": bool, "airplane": bool, "metered": bool, "idle": bool, "doze": bool, "storage_low": bool,
    "bucket": str, "restrict": bool,
}
"""Every condition a ``device`` step can change, with its TOML type."""


def action_of(step: Step) -> str:
    return STEP_ACTIONS[type(step)]


def describe(step: Step) -> str:
    """One line for progress displays and reports."""
    if isinstance(step, ScheduleStep):
        return f"schedule job {step.spec.job_id}"
    if isinstance(step, EnqueueStep):
        return f"enqueue {len(step.items)} item(s) for job {step.spec.job_id}"
    if isinstance(step, RunStep):
        return f"run {step.job} ({'forced' if step.force else 'if satisfied'})"
    if isinstance(step, DeviceStep):
        return "device " + ", ".join(f"{name}={_toml(value)}" for name, value in step.changes)
    if isinstance(step, WaitStep):
        if step.until is None:
            return f"wait {step.seconds:g} s"
        return f"wait for {step.until.value} of {step.job} (≤ {step.timeout:g} s)"
    if isinstance(step, StopStep):
        return f"stop {step.job}" + (f" with {step.reason.name}" if step.reason is not None else "")
    if isinstance(step, TimeoutStep):
        return f"timeout {step.job}"
    if isinstance(step, CancelStep):
        return f"cancel {step.job}"
    parts = []
    if step.state is not None:
        parts.append("state " + "+".join(sorted(step.state)))
    if step.stop_reason is not None:
        parts.append(f"stop reason {step.stop_reason.name}")
    if step.transferred is not None:
        parts.append(f"transferred {step.transferred.down}↓/{step.transferred.up}↑")
    if step.delivery is not None:
        parts.append(f"delivery {step.delivery.tag}#{step.delivery.count}")
    return f"expect {step.job}: " + ", ".join(parts)


def _toml(value: bool | int | str) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value) if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    min_api: int
    steps: tuple[Step, ...]
    source: str = "<string>"
    """The file it was read from."""


# ---------------------------------------------------------------------------- results
class StepStatus(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    """An expectation did not hold."""
    ERROR = "error"
    """The step could not be carried out (device command failed, wait timed out)."""
    SKIPPED = "skipped"
    """Not run: an earlier step failed, or the device's API level is below ``min_api``."""


@dataclass(frozen=True)
class StepOutcome:
    index: int
    """1-based position in the file."""
    action: str
    description: str
    status: StepStatus
    message: str = ""
    started_wall: float = 0.0
    """``time.time()`` when the step started (0 if skipped)."""
    duration: float = 0.0
    """Seconds."""


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    steps: tuple[StepOutcome, ...]
    events: tuple[JobEvent, ...]
    """The job events seen while the scenario ran (for the timeline)."""
    started_wall: float
    duration: float
    skipped_reason: str | None = None
    restore_error: str | None = None
    """Set when putting the device conditions back failed (the scenario then fails)."""

    @property
    def skipped(self) -> bool:
        return self.skipped_reason is not None

    @property
    def passed(self) -> bool:
        return self.restore_error is None and all(s.status in (StepStatus.PASSED, StepStatus.SKIPPED)
                                                  for s in self.steps)

    @property
    def failure(self) -> StepOutcome | None:
        """The step that failed or errored, if any."""
        return next((s for s in self.steps if s.status in (StepStatus.FAILED, StepStatus.ERROR)), None)

    @property
    def message(self) -> str:
        failing = self.failure
        if failing is not None:
            return f"step {failing.index} ({failing.action}): {failing.message}"
        return self.restore_error or self.skipped_reason or ""

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        if self.passed:
            return "passed"
        failing = self.failure
        return "error" if failing is None or failing.status is StepStatus.ERROR else "failed"
