"""Execute a :class:`~bridge.scenario.model.Scenario` on a :class:`bridge.jobs.Session`.

Each step is carried out and timed; the first step that fails (an expectation did not hold) or
errors (a device command or wait failed) ends the scenario and the rest are skipped. Every
device condition the scenario changed is put back afterwards -- also after a failure -- by a
:meth:`bridge.conditions.Conditions.snapshot` around the whole run, and every job it scheduled
is cancelled. Nothing is changed that the scenario does not ask for: in particular the helper's
standby bucket stays where it is unless a ``device`` step sets ``bucket``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from bridge.conditions import Conditions
from bridge.errors import ConditionRestoreError, JobctlError, WaitTimeoutError
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.jobs import Job, Session
from bridge.model import EventKind, JobEvent, JobRun, StopReason, runs_from_events
from bridge.scenario.model import (
    CancelStep,
    DeviceStep,
    EnqueueStep,
    ExpectStep,
    JobRef,
    RunStep,
    Scenario,
    ScenarioResult,
    ScheduleStep,
    Step,
    StepOutcome,
    StepStatus,
    StopStep,
    TimeoutStep,
    WaitStep,
    action_of,
    describe,
)

StepStarted = Callable[[int, Step], None]
StepFinished = Callable[[StepOutcome], None]
CLEANUP_TIMEOUT = 5.0
"""Seconds to wait, after cancelling a job that was still running, for its ``stopped`` event."""
_POLL = 0.1


class ExpectationFailed(Exception):
    """An ``expect`` step whose expectations did not all hold in time."""


@dataclass
class _Context:
    session: Session
    conditions: Conditions
    start: int
    """Index in the session's event log where this scenario's events begin."""
    cursors: dict[tuple[str | None, int], int]
    """Per job: the log index after the last event a ``wait`` step consumed."""

    def events(self) -> list[JobEvent]:
        return self.session.log.since(self.start)

    def job_events(self, ref: JobRef) -> list[JobEvent]:
        return [e for e in self.events() if e.job_id == ref.job_id and e.namespace == ref.namespace]

    def runs(self, ref: JobRef) -> list[JobRun]:
        return [r for r in runs_from_events(self.events()) if r.job_id == ref.job_id and r.namespace == ref.namespace]

    def wait_for_news(self, seconds: float) -> None:
        """Block until a new event arrives or ``seconds`` pass (no blind sleeping)."""
        log = self.session.log
        with contextlib.suppress(WaitTimeoutError):
            log.wait_for(lambda e: True, max(seconds, 0.0), start=len(log))


def run_scenario(session: Session, scenario: Scenario, *, on_step_start: StepStarted | None = None,
                 on_step_end: StepFinished | None = None) -> ScenarioResult:
    """Run every step; never raises for what happens on the device (it is in the result)."""
    started_wall, started = time.time(), time.monotonic()
    api = session.device.api_level
    if api < scenario.min_api:
        reason = f"needs API {scenario.min_api}, the device is API {api}"
        skipped = tuple(_skipped(i, s, reason) for i, s in enumerate(scenario.steps, 1))
        return ScenarioResult(scenario, skipped, (), started_wall, 0.0, skipped_reason=reason)
    # A Conditions object of our own: its snapshot restores exactly what this scenario changed,
    # even when the caller's session.conditions already has a snapshot open (the test fixtures).
    conditions = Conditions(session.device)
    context = _Context(session, conditions, len(session.log), {})
    outcomes: list[StepOutcome] = []
    restore_error: str | None = None
    try:
        with conditions.snapshot():
            try:
                _run_steps(context, scenario, outcomes, on_step_start, on_step_end)
            finally:
                _cancel_jobs(context, scenario)
    except ConditionRestoreError as error:
        restore_error = f"restoring device conditions failed: {error}"
    events = tuple(context.events())
    return ScenarioResult(scenario, tuple(outcomes), events, started_wall, time.monotonic() - started,
                          restore_error=restore_error)


def _skipped(index: int, step: Step, message: str) -> StepOutcome:
    return StepOutcome(index, action_of(step), describe(step), StepStatus.SKIPPED, message)


def _run_steps(context: _Context, scenario: Scenario, outcomes: list[StepOutcome],
               on_step_start: StepStarted | None, on_step_end: StepFinished | None) -> None:
    broken = False
    for index, step in enumerate(scenario.steps, 1):
        if broken:
            outcome = _skipped(index, step, "an earlier step failed")
        else:
            if on_step_start is not None:
                on_step_start(index, step)
            wall, began = time.time(), time.monotonic()
            status, message = StepStatus.PASSED, ""
            try:
                message = _execute(context, step) or ""
            except ExpectationFailed as failed:
                status, message = StepStatus.FAILED, str(failed)
            except JobctlError as error:
                status, message = StepStatus.ERROR, f"{type(error).__name__}: {error}"
            outcome = StepOutcome(index, action_of(step), describe(step), status, message, wall,
                                  time.monotonic() - began)
            broken = status is not StepStatus.PASSED
        outcomes.append(outcome)
        if on_step_end is not None and outcome.status is not StepStatus.SKIPPED:
            on_step_end(outcome)


def _execute(context: _Context, step: Step) -> str | None:
    session = context.session
    if isinstance(step, ScheduleStep):
        session.schedule(step.spec)
    elif isinstance(step, EnqueueStep):
        session.enqueue(step.spec, step.items)
    elif isinstance(step, RunStep):
        _job(context, step.job).run(force=step.force)
    elif isinstance(step, DeviceStep):
        for name, value in step.changes:
            _change(context.conditions, name, value)
    elif isinstance(step, WaitStep):
        return _wait(context, step)
    elif isinstance(step, StopStep):
        _job(context, step.job).stop(step.reason)
    elif isinstance(step, TimeoutStep):
        _job(context, step.job).timeout()
    elif isinstance(step, CancelStep):
        _job(context, step.job).cancel()
    elif isinstance(step, ExpectStep):
        return _expect(context, step)
    return None


def _job(context: _Context, ref: JobRef) -> Job:
    return context.session.job(ref.job_id, ref.namespace)


def _change(conditions: Conditions, name: str, value: bool | int | str) -> None:
    setters: dict[str, Callable[[], None]] = {
        "charging": lambda: conditions.set_charging(bool(value)),
        "battery_level": lambda: conditions.set_battery_level(int(value)),
        "battery_low": lambda: conditions.set_battery_low(bool(value)),
        "battery_saver": lambda: conditions.set_battery_saver(bool(value)),
        "wifi": lambda: conditions.set_wifi(bool(value)),
        "cellular": lambda: conditions.set_cellular(bool(value)),
        "airplane": lambda: conditions.set_airplane(bool(value)),
        "metered": lambda: conditions.set_metered(bool(value)),
        "idle": lambda: conditions.set_idle(bool(value)),
        "doze": lambda: conditions.set_doze(bool(value)),
        "storage_low": lambda: conditions.set_storage_low(bool(value)),
        "bucket": lambda: conditions.set_standby_bucket(HELPER_PACKAGE, str(value)),
        "restrict": lambda: conditions.set_background_restricted(HELPER_PACKAGE, bool(value)),
    }
    setters[name]()


def _wait(context: _Context, step: WaitStep) -> str | None:
    if step.until is None:
        time.sleep(step.seconds or 0.0)
        return None
    assert step.job is not None
    key = (step.job.namespace, step.job.job_id)
    start = context.cursors.get(key, context.start)
    kind, ref = step.until, step.job
    log = context.session.log
    index, event = log.wait_for_index(
        lambda e: e.kind is kind and e.job_id == ref.job_id and e.namespace == ref.namespace,
        step.timeout, start, f"{kind.value} event for {ref}")
    context.cursors[key] = index + 1
    return f"{kind.value} (seq {event.seq})"


def _expect(context: _Context, step: ExpectStep) -> str:
    deadline = time.monotonic() + step.timeout
    while True:
        problems = _check(context, step)
        if not problems:
            return "ok"
        left = deadline - time.monotonic()
        if left <= 0:
            raise ExpectationFailed(f"{step.job}: " + "; ".join(problems) + f" (after {step.timeout:g} s)")
        if step.state is not None:
            time.sleep(min(_POLL, left))
        else:
            context.wait_for_news(min(left, 1.0))


def _check(context: _Context, step: ExpectStep) -> list[str]:
    """What does not hold yet, each as "expected X, got Y"."""
    problems: list[str] = []
    runs = context.runs(step.job) if step.stop_reason is not None or step.transferred is not None else []
    if step.state is not None:
        state = _job(context, step.job).state()
        tokens = frozenset({"unknown"}) if not state.exists else state.tokens
        if not step.state <= tokens:
            problems.append(f"expected state {'+'.join(sorted(step.state))}, got {'+'.join(sorted(tokens)) or 'none'}")
    if step.stop_reason is not None:
        stopped = [r for r in runs if r.stop_reason is not None]
        if not stopped:
            problems.append(f"expected stop reason {step.stop_reason.name}, got no stopped run")
        else:
            got = stopped[-1].stop_reason
            if got != step.stop_reason:
                name = got.name if isinstance(got, StopReason) else str(got)
                problems.append(f"expected stop reason {step.stop_reason.name}, got {name}")
    if step.transferred is not None:
        got_bytes = runs[-1].total_transferred if runs else None
        if got_bytes != step.transferred:
            got_text = "no run" if got_bytes is None else f"down={got_bytes.down} up={got_bytes.up}"
            problems.append(f"expected transferred down={step.transferred.down} up={step.transferred.up}, "
                            f"got {got_text}")
    if step.delivery is not None:
        counts = [e.get("delivery_count") for e in context.job_events(step.job)
                  if e.kind is EventKind.WORK_DEQUEUED and e.get("tag") == step.delivery.tag]
        if step.delivery.count not in counts:
            seen = ", ".join(str(c) for c in counts) or "none"
            problems.append(f"expected delivery {step.delivery.count} of item {step.delivery.tag!r}, "
                            f"got deliveries: {seen}")
    return problems


def _cancel_jobs(context: _Context, scenario: Scenario) -> None:
    """Cancel every job the scenario scheduled; wait for the stop of those still running, so
    their late events do not leak into the next scenario."""
    refs = {JobRef(s.spec.job_id, s.spec.namespace) for s in scenario.steps
            if isinstance(s, (ScheduleStep, EnqueueStep))}
    for ref in sorted(refs, key=lambda r: (r.namespace or "", r.job_id)):
        running = [r for r in context.runs(ref) if r.end is None]
        seen = len(context.session.log)
        try:
            _job(context, ref).cancel()
        except JobctlError:
            continue
        if running:
            with contextlib.suppress(WaitTimeoutError):
                context.session.log.wait_for(_run_ended(ref), CLEANUP_TIMEOUT, seen)


def _run_ended(job: JobRef) -> Callable[[JobEvent], bool]:
    """True for the event that ends a run of ``job`` (stopped or finished)."""
    def ended(event: JobEvent) -> bool:
        return (event.job_id == job.job_id and event.namespace == job.namespace
                and event.kind in (EventKind.STOPPED, EventKind.FINISHED))

    return ended
