"""Jobs on a device: schedule, enqueue, drive and observe them, all as typed objects.

A :class:`Session` joins a device's helper, its conditions and its event stream. Every
:class:`Job` is a handle onto one (namespace, job id) of the helper's uid. Driving a job uses
JobScheduler's own shell verbs (``cmd jobscheduler run/stop/timeout/get-job-state``,
aosp-shell-interface.md §1); observing it uses the helper's events. Waiting never sleeps
blindly: ``wait_*`` block on the event log with a deadline.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from bridge import helper_protocol as protocol
from bridge.adb.server import AdbServer
from bridge.conditions import Conditions
from bridge.device import CommandResult, Device, connect
from bridge.errors import JobctlError, JobNotFoundError, JobNotReadyError, WaitTimeoutError
from bridge.events import EventStream
from bridge.helper import Helper
from bridge.model import EventKind, JobEvent, JobRun, JobSpec, JobState, StopReason, WorkItem, runs_from_events
from bridge.parsers import parse_job_state

EventPredicate = Callable[[JobEvent], bool]
_END_KINDS = frozenset({EventKind.STOPPED, EventKind.FINISHED})

# cmd jobscheduler's error exits (JobSchedulerShellCommand, aosp-shell-interface.md §0)
_EXIT_NO_PACKAGE, _EXIT_NO_JOB, _EXIT_CONSTRAINTS = 24, 23, 22
_IDEMPOTENT_VERBS = frozenset({"stop", "timeout", "get-job-state"})


class EventLog:
    """Every event delivered this session, with waiting on a condition variable."""

    def __init__(self) -> None:
        self._events: list[JobEvent] = []
        self._changed = threading.Condition()

    def append(self, event: JobEvent) -> None:
        with self._changed:
            self._events.append(event)
            self._changed.notify_all()

    def snapshot(self) -> list[JobEvent]:
        with self._changed:
            return list(self._events)

    def __len__(self) -> int:
        with self._changed:
            return len(self._events)

    def get(self, index: int, timeout: float) -> JobEvent | None:
        """The ``index``-th event of the session, waiting up to ``timeout`` for it; None if it
        has not arrived by then (follow the log with an index of your own)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while index >= len(self._events):
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)
            return self._events[index]

    def wait_for(self, predicate: EventPredicate, timeout: float, start: int = 0, what: str = "event") -> JobEvent:
        """The first event at index ≥ ``start`` matching ``predicate``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            index = start
            while True:
                while index < len(self._events):
                    if predicate(self._events[index]):
                        return self._events[index]
                    index += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WaitTimeoutError(f"no {what} within {timeout:g} s")
                self._changed.wait(left)


class Job:
    """One job of the helper app: ``(namespace, job_id)``."""

    def __init__(self, session: Session, job_id: int, namespace: str | None = None,
                 spec: JobSpec | None = None) -> None:
        self.session = session
        self.job_id = job_id
        self.namespace = namespace
        self.spec = spec
        self._since = len(session.log.snapshot())
        """Waits look only at events after the handle was made (or the job last scheduled)."""

    def __repr__(self) -> str:
        return f"Job({self.job_id}, namespace={self.namespace!r})"

    def _mine(self, event: JobEvent) -> bool:
        return event.job_id == self.job_id and event.namespace == self.namespace

    # -- JobScheduler's shell verbs -------------------------------------------------------------
    def _verb(self, verb: str, *options: str, missing_ok: bool = False) -> CommandResult:
        argv = ["cmd", "jobscheduler", verb, *options, "-u", "0"]
        if self.namespace is not None:
            argv += ["-n", self.namespace]
        # Stopping a stopped job, or reading a state, again changes nothing; running it again could
        # run it twice, so a connection lost during `run` raises OutcomeUnknownError.
        result = self.session.device.shell([*argv, protocol.HELPER_PACKAGE, str(self.job_id)],
                                           idempotent=verb in _IDEMPOTENT_VERBS)
        if result.exit_code == _EXIT_NO_JOB and not missing_ok:
            raise JobNotFoundError(f"no job {self.job_id} (namespace {self.namespace}) for {protocol.HELPER_PACKAGE}")
        if result.exit_code == _EXIT_NO_PACKAGE:
            raise JobNotFoundError(f"{protocol.HELPER_PACKAGE} is not installed")
        return result

    def run(self, force: bool = True) -> None:
        """``run -f`` (ignore constraints) or ``run -s`` (only if satisfied: else JobNotReadyError)."""
        result = self._verb("run", "-f" if force else "-s")
        if result.exit_code == _EXIT_CONSTRAINTS:
            raise JobNotReadyError(f"job {self.job_id}: constraints not satisfied ({result.text.strip()})")
        result.check()

    def stop(self, reason: StopReason | None = None, internal_reason: int | None = None) -> None:
        """``stop`` the running job, with a public stop reason on API 34+."""
        options: list[str] = []
        if reason is not None:
            if self.session.device.api_level < 34:
                raise JobctlError(
                    f"stopping with a reason needs API 34; the device is API {self.session.device.api_level}")
            options += ["-s", str(int(reason))]
            if internal_reason is not None:
                options += ["-i", str(internal_reason)]
        self._verb("stop", *options).check()

    def timeout(self) -> None:
        """``timeout``: stop it as if it ran past its limit (STOP_REASON_TIMEOUT)."""
        self._verb("timeout").check()

    def state(self) -> JobState:
        """``get-job-state``; a job that does not exist answers ``unknown(…)`` (exit 23), which
        is a state (``JobState.exists`` is False), not an error."""
        return parse_job_state(self._verb("get-job-state", missing_ok=True).text)

    def cancel(self) -> None:
        self.session.helper.cancel(self.job_id, self.namespace)

    def enqueue(self, items: Sequence[WorkItem]) -> protocol.EnqueueResult:
        if self.spec is None:
            raise JobctlError(f"job {self.job_id} has no spec in this session; enqueue through Session.enqueue")
        return self.session.helper.enqueue(self.spec, items)

    # -- observing -------------------------------------------------------------------------------
    def events(self) -> list[JobEvent]:
        return [e for e in self.session.log.snapshot() if self._mine(e)]

    def runs(self) -> list[JobRun]:
        return [run for run in runs_from_events(self.session.log.snapshot())
                if run.job_id == self.job_id and run.namespace == self.namespace]

    def wait_until(self, predicate: EventPredicate, timeout: float = 30.0, what: str = "matching event") -> JobEvent:
        """The first of this job's events (since the last completed wait) matching ``predicate``.

        Before giving up it reads the journal once: a live line can vanish with no later line
        to reveal the gap (a log storm right after the job's last event)."""
        def wanted(event: JobEvent) -> bool:
            return self._mine(event) and predicate(event)

        description = f"{what} for job {self.job_id}"
        try:
            return self.session.log.wait_for(wanted, timeout, self._since, description)
        except WaitTimeoutError as timed_out:
            try:
                self.session.events.catch_up()
            except JobctlError:
                raise timed_out from None  # the device is away: the timeout is the answer
            return self.session.log.wait_for(wanted, 0, self._since, description)

    def wait_started(self, timeout: float = 30.0) -> JobEvent:
        return self.wait_until(lambda e: e.kind is EventKind.STARTED, timeout, "start")

    def wait_stopped(self, timeout: float = 60.0) -> JobRun:
        """The run that ends next (stopped by the system or finished by the job)."""
        start = self.wait_started(timeout)
        end = self.wait_until(lambda e: e.seq > start.seq and e.kind in _END_KINDS, timeout, "stop")
        run = next(r for r in self.runs() if r.start_seq == start.seq)
        if run.end_seq is None or run.end_seq < end.seq:
            raise WaitTimeoutError(f"job {self.job_id}: its run ended but the events are incomplete")
        self._since = len(self.session.log.snapshot())
        return run


class Session:
    """A device with its helper ready, its conditions and its live events."""

    def __init__(self, device: Device, helper: Helper | None = None, from_seq: int | None = None) -> None:
        self.device = device
        self.helper = helper or Helper(device)
        info = self.helper.ensure_ready()
        self.conditions = Conditions(device)
        self.log = EventLog()
        start = info.journal_next_seq if from_seq is None else from_seq
        self.events = EventStream(self.helper, start, on_event=self.log.append)

    def schedule(self, spec: JobSpec) -> Job:
        """Validate, schedule, and return the job's handle (``JobSpecError`` before the device is touched)."""
        job = Job(self, spec.job_id, spec.namespace, spec)
        self.helper.schedule(spec)
        return job

    def enqueue(self, spec: JobSpec, items: Sequence[WorkItem]) -> Job:
        job = Job(self, spec.job_id, spec.namespace, spec)
        self.helper.enqueue(spec, items)
        return job

    def job(self, job_id: int, namespace: str | None = None) -> Job:
        return Job(self, job_id, namespace)

    def pending(self, namespace: str | None = None, all_namespaces: bool = False) -> tuple[protocol.PendingJob, ...]:
        return self.helper.pending(namespace, all_namespaces)

    def close(self) -> None:
        self.events.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_session(serial: str | None = None, server: AdbServer | None = None) -> Session:
    """Connect (``-s``/``ANDROID_SERIAL``/the only device), make the helper ready, follow its events."""
    return Session(connect(serial, server))
