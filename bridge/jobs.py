"""Jobs on a device: schedule, enqueue, drive and observe them, all as typed objects.

A :class:`Session` joins a device's helper, its conditions and its event stream. Every
:class:`Job` is a handle onto one (namespace, job id) of the helper's uid. Driving a job uses
JobScheduler's own shell verbs (``cmd jobscheduler run/stop/timeout/get-job-state``,
aosp-shell-interface.md §1); observing it uses the helper's events. Waiting never sleeps
blindly: ``wait_*`` block on the event log with a deadline.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bridge import helper_protocol as protocol
from bridge.device import CommandResult, Device, connect
from bridge.errors import JobctlError, JobNotFoundError, JobNotReadyError, WaitTimeoutError
from bridge.event_log import EVENT_HISTORY_LIMIT, EventLog, EventsForgottenError
from bridge.job_verbs import (
    EXIT_CONSTRAINTS,
    EXIT_NO_JOB,
    EXIT_NO_PACKAGE,
    NOT_EXECUTING,
    STOP_API,
    check_available,
    stop_options,
)

__all__ = ["EVENT_HISTORY_LIMIT", "NOT_EXECUTING", "EventLog", "EventPredicate", "EventsForgottenError", "Job",
           "Session", "namespace_words", "open_session"]

if TYPE_CHECKING:  # loaded on first use: a command that never uses them never imports them
    from bridge.adb.server import AdbServer
    from bridge.app_jobs import AppJobs
    from bridge.conditions import Conditions
    from bridge.events import EventStream
    from bridge.helper import Helper
    from bridge.model import JobEvent, JobRun, JobSpec, JobState, StopReason, WorkItem

EventPredicate = Callable[["JobEvent"], bool]

# cmd jobscheduler's error exits (JobSchedulerShellCommand, aosp-shell-interface.md §0)
"""What ``cmd jobscheduler stop|timeout`` print (exit 0) when no matching job is running
(``JobSchedulerService.executeStopCommand`` / ``executeTimeoutCommand``)."""


def namespace_words(namespace: str | None) -> str:
    """``the default namespace`` or ``namespace 'NS'`` (for messages)."""
    return "the default namespace" if namespace is None else f"namespace {namespace!r}"


_IDEMPOTENT_VERBS = frozenset({"stop", "timeout", "get-job-state"})


class Job:
    """One job of the helper app: ``(namespace, job_id)``."""

    def __init__(self, session: Session, job_id: int, namespace: str | None = None,
                 spec: JobSpec | None = None) -> None:
        self.session = session
        self.job_id = job_id
        self.namespace = namespace
        self.spec = spec
        self._since = session.events_seen()
        """Waits look only at events after the handle was made (or the job last scheduled)."""
        log = session._log
        self._pin = log.pin((namespace, job_id), self._since)
        weakref.finalize(self, log.unpin, self._pin)  # while the handle lives its events are kept
    def __repr__(self) -> str:
        return f"Job({self.job_id}, namespace={self.namespace!r})"

    def _mine(self, event: JobEvent) -> bool:
        return event.job_id == self.job_id and event.namespace == self.namespace

    # -- JobScheduler's shell verbs -------------------------------------------------------------
    def _verb(self, verb: str, *options: str, missing_ok: bool = False) -> CommandResult:
        if verb != "get-job-state":
            self.session.before_action()  # run/stop/timeout make events: know where they start
        argv = ["cmd", "jobscheduler", verb, *options, "-u", "0"]
        if self.namespace is not None:
            argv += ["-n", self.namespace]
        # Stopping a stopped job, or reading a state, again changes nothing; running it again could
        # run it twice, so a connection lost during `run` raises OutcomeUnknownError.
        result = self.session.device.shell([*argv, protocol.HELPER_PACKAGE, str(self.job_id)],
                                           idempotent=verb in _IDEMPOTENT_VERBS)
        check_available(" ".join([verb, *options]), result, self.session.device.serial)  # e.g. stop below 34
        if result.exit_code == EXIT_NO_JOB and not missing_ok:
            raise JobNotFoundError(f"no job {self.job_id} in {namespace_words(self.namespace)} of "
                                   f"{protocol.HELPER_PACKAGE}")
        if result.exit_code == EXIT_NO_PACKAGE:
            raise JobNotFoundError(f"{protocol.HELPER_PACKAGE} is not installed")
        return result

    def run(self, force: bool = True) -> None:
        """``run -f`` (ignore constraints) or ``run -s`` (only if satisfied: else JobNotReadyError)."""
        result = self._verb("run", "-f" if force else "-s")
        if result.exit_code == EXIT_CONSTRAINTS:
            raise JobNotReadyError(f"job {self.job_id}: constraints not satisfied ({result.text.strip()})")
        result.check()

    def stop(self, reason: StopReason | None = None, internal_reason: int | None = None) -> bool:
        """``stop`` the running job, with a public stop reason on API 34+. False when the device
        answered :data:`NOT_EXECUTING` (the job does not exist or is not running)."""
        if reason is not None and self.session.device.api_level < STOP_API:
            raise JobctlError(
                f"stopping with a reason needs API {STOP_API}; the device is API {self.session.device.api_level}")
        return NOT_EXECUTING not in self._verb("stop", *stop_options(reason, internal_reason)).check().text

    def timeout(self) -> bool:
        """``timeout``: stop it as if it ran past its limit (STOP_REASON_TIMEOUT)."""
        return NOT_EXECUTING not in self._verb("timeout").check().text

    def state(self) -> JobState:
        """``get-job-state``; a job that does not exist answers ``unknown(…)`` (exit 23), which
        is a state (``JobState.exists`` is False), not an error."""
        from bridge.parsers import parse_job_state

        return parse_job_state(self._verb("get-job-state", missing_ok=True).text)

    def cancel(self) -> None:
        self.session.helper.cancel(self.job_id, self.namespace)

    def enqueue(self, items: Sequence[WorkItem]) -> protocol.EnqueueResult:
        if self.spec is None:
            raise JobctlError(f"job {self.job_id} has no spec in this session; enqueue through Session.enqueue")
        return self.session.helper.enqueue(self.spec, items)

    # -- observing -------------------------------------------------------------------------------
    def events(self) -> list[JobEvent]:
        """This job's events in the session's history (the last ``EVENT_HISTORY_LIMIT`` events)."""
        return [e for e in self.session.log.job_history((self.namespace, self.job_id)) if self._mine(e)]

    def runs(self) -> list[JobRun]:
        """This job's runs in the session's history (the last ``EVENT_HISTORY_LIMIT`` events)."""
        return self._runs_from(0)

    def _runs_from(self, index: int) -> list[JobRun]:
        from bridge.model import runs_from_events

        events = self.session.log.job_history((self.namespace, self.job_id), index)
        return [run for run in runs_from_events(events)
                if run.job_id == self.job_id and run.namespace == self.namespace]

    def wait_until(self, predicate: EventPredicate, timeout: float = 30.0, what: str = "matching event") -> JobEvent:
        """The first of this job's events (since the last completed wait) matching ``predicate``.

        Before giving up it reads the journal once: a live line can vanish with no later line
        to reveal the gap (a log storm right after the job's last event)."""
        def wanted(event: JobEvent) -> bool:
            return self._mine(event) and predicate(event)

        return self._wait_indexed(wanted, timeout, what)[1]

    def _wait_indexed(self, wanted: EventPredicate, timeout: float, what: str) -> tuple[int, JobEvent]:
        description = f"{what} for job {self.job_id}"
        key = (self.namespace, self.job_id)
        try:
            return self.session.log.wait_for_index(wanted, timeout, self._since, description, key)
        except WaitTimeoutError as timed_out:
            try:
                self.session.events.catch_up()
            except JobctlError:
                raise timed_out from None  # the device is away: the timeout is the answer
            return self.session.log.wait_for_index(wanted, 0, self._since, description, key)

    def wait_started(self, timeout: float = 30.0) -> JobEvent:
        from bridge.model import EventKind

        return self.wait_until(lambda e: e.kind is EventKind.STARTED, timeout, "start")

    def wait_stopped(self, timeout: float = 60.0) -> JobRun:
        """The run that ends next (stopped by the system or finished by the job)."""
        from bridge.model import EventKind

        index, start = self._wait_indexed(lambda e: self._mine(e) and e.kind is EventKind.STARTED, timeout, "start")
        ends = (EventKind.STOPPED, EventKind.FINISHED)
        end = self.wait_until(lambda e: e.seq > start.seq and e.kind in ends, timeout, "stop")
        run = next(r for r in self._runs_from(index) if r.start_seq == start.seq)  # this run's events only
        if run.end_seq is None or run.end_seq < end.seq:
            raise WaitTimeoutError(f"job {self.job_id}: its run ended but the events are incomplete")
        self._since = self.session.events_seen()
        self.session._log.move_pin(self._pin, self._since)
        return run


class Session:
    """A device with its helper, its conditions and its live events -- each opened on first use.

    Opening a session costs nothing on the device. The helper is made ready (``info``; installed
    or replaced when missing or of another version) the first time it is used; the conditions
    are built when first asked for; the event stream (a ``logcat`` reader thread) starts when
    events are first read (:attr:`log`, :attr:`events`, a ``Job.wait_*``).

    Which events a session delivers: from ``from_seq`` when given (of the journal ``epoch``; by
    default the helper's when the session first uses it); otherwise, with
    ``events_since_open`` (the default), from the first thing the session did that can make one
    (a helper request, ``run``/``stop``/``timeout``, a condition change): the event stream starts
    just before it, so ``job.run(); job.wait_started()`` never misses the start, even after a
    long wait in which the journal rotated; with ``events_since_open=False``, from the first read
    of events or of the conditions (no logcat reader for a session that acts and never waits,
    such as most ``jobctl`` commands).

    The session's event history (:attr:`log`) holds the last ``history_limit`` events (default
    :data:`~bridge.event_log.EVENT_HISTORY_LIMIT`), plus the events a live :class:`Job` handle
    may still wait for: memory and the cost of each wait stay flat however long it runs.
    """

    def __init__(self, device: Device, helper: Helper | None = None, from_seq: int | None = None, *,
                 epoch: str | None = None, events_since_open: bool = True,
                 history_limit: int = EVENT_HISTORY_LIMIT) -> None:
        if epoch is not None and from_seq is None:
            raise ValueError("a session's epoch names the journal its from_seq counts in: give from_seq too")
        self.device = device
        self._helper = helper
        self._ready: protocol.InfoResult | None = None
        self._start_seq = from_seq
        self._start_epoch = epoch
        """The journal epoch ``_start_seq`` counts in (PROTOCOL.md §5.6): given, or the helper's
        when the session first uses it. A ``pm clear`` between then and the stream's start is then
        seen as a new epoch, not adopted with the old journal's seq."""
        self._events_since_open = events_since_open
        self._conditions: Conditions | None = None
        self._log = EventLog(history_limit)
        self._events: EventStream | None = None
        self._opening = threading.RLock()
        self._closed = False

    # -- opened on first use ------------------------------------------------------------------
    @property
    def helper(self) -> Helper:
        """The helper, ready: the first use checks it answers and is of the expected version (one
        ``info``), installing it when needed."""
        with self._opening:
            if self._helper is None:
                from bridge.helper import Helper

                self._helper = Helper(self.device)
            if self._ready is None:
                self._ready = self._helper.ensure_ready()
                if self._start_seq is None and self._events_since_open:
                    self._start_seq, self._start_epoch = self._ready.journal_next_seq, self._ready.journal_epoch
                elif self._start_seq is not None and self._start_epoch is None:
                    self._start_epoch = self._ready.journal_epoch  # ``from_seq`` counts in today's journal
        return self._helper

    def before_action(self) -> None:
        """Called before anything that can make an event. With ``events_since_open`` the event
        stream starts here, at the latest: a session that waits later must find every event since
        its first action, and the helper's journal keeps only its newest segments (10,000 work
        items make enough events to rotate the start of a run out of it)."""
        if self._events_since_open and self._events is None and not self._closed:
            _ = self.events

    def _fix_start(self) -> None:
        """Events start here (whatever ``events_since_open`` says), unless they already have a start."""
        with self._opening:
            if self._start_seq is None:
                _ = self.helper
                if self._start_seq is None:
                    assert self._ready is not None
                    self._start_seq, self._start_epoch = self._ready.journal_next_seq, self._ready.journal_epoch

    @property
    def conditions(self) -> Conditions:
        """The device's conditions. Events start no later than the first use of them: a condition
        change can stop (or start) a job, and a timeline that begins with the conditions read
        (``jobctl watch``) must not miss an event that came after it."""
        with self._opening:
            if self._conditions is None:
                from bridge.conditions import Conditions

                self._fix_start()
                self._conditions = Conditions(self.device)
            return self._conditions

    @property
    def events(self) -> EventStream:
        """The live event stream (started now if it is not yet)."""
        with self._opening:
            if self._events is None:
                from bridge.events import EventStream

                if self._closed:
                    raise JobctlError("the session is closed")
                self._fix_start()  # events come from the helper: it must be there
                assert self._start_seq is not None
                self._events = EventStream(self.helper, self._start_seq, on_event=self._log.append,
                                           epoch=self._start_epoch)
            return self._events

    @property
    def log(self) -> EventLog:
        """Every event delivered this session (reading it starts the event stream, unless the
        session is closed)."""
        if not self._closed:
            _ = self.events
        return self._log

    def events_seen(self) -> int:
        """How many events were delivered so far (0 before the stream started); starts nothing."""
        return len(self._log)

    # -- commands -------------------------------------------------------------------------------
    def schedule(self, spec: JobSpec) -> Job:
        """Validate, schedule, and return the job's handle (``JobSpecError`` before the device is touched)."""
        helper = self.helper
        job = Job(self, spec.job_id, spec.namespace, spec)
        self.before_action()
        helper.schedule(spec)
        return job

    def enqueue(self, spec: JobSpec, items: Sequence[WorkItem]) -> Job:
        helper = self.helper
        job = Job(self, spec.job_id, spec.namespace, spec)
        self.before_action()
        helper.enqueue(spec, items)
        return job

    def job(self, job_id: int, namespace: str | None = None) -> Job:
        return Job(self, job_id, namespace)

    def app(self, package: str) -> AppJobs:
        """Another app's jobs on this device, through JobScheduler's shell (:mod:`bridge.app_jobs`;
        the helper is not used)."""
        from bridge.app_jobs import AppJobs

        return AppJobs(self.device, package)

    def pending(self, namespace: str | None = None, all_namespaces: bool = False) -> tuple[protocol.PendingJob, ...]:
        return self.helper.pending(namespace, all_namespaces)

    def close(self) -> None:
        with self._opening:
            self._closed = True
            events = self._events
        if events is not None:
            events.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_session(serial: str | None = None, server: AdbServer | None = None) -> Session:
    """Connect (``-s``/``ANDROID_SERIAL``/the only device); the helper, the conditions and the
    event stream open on first use (:class:`Session`)."""
    return Session(connect(serial, server))
