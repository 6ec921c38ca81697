"""Why a job is not running, what would unblock it, and why jobs stopped.

:func:`diagnose` merges four readbacks into one :class:`Diagnosis`:

* ``cmd jobscheduler get-job-state`` (aosp-shell-interface.md §1.5): exists, active, ready;
* the job's block of ``dumpsys jobscheduler PKG`` (§2.3): required and unsatisfied
  constraints, standby bucket;
* the package's ``stopped=``/``notLaunched=`` flags from ``dumpsys package PKG``;
* :meth:`bridge.conditions.Conditions.read` (battery, network, doze, saver, bucket, restriction).

Each reason the job is held back is a :class:`Blocker` with a plain-language ``reason``, a
machine ``kind`` (:class:`BlockerKind`) and the ``jobctl`` command that would lift it.

:attr:`Diagnosis.run_problems` lists what went wrong in the job's recent runs as the dump's
``Job history`` tells it (``JobPackageTracker``): an ``onStartJob``/``onStopJob`` that did not
return within ``JobServiceContext.OP_TIMEOUT_MILLIS`` (8 s; from Android 14 an ANR for apps
targeting 34+, before that a silent clean-up) and, on Android 16, a timeout of a job whose
``JobParameters`` were dropped without ``jobFinished`` (``STOP_REASON_TIMEOUT_ABANDONED``). A job
that ``onStartJob`` timed out is dropped, so this is read for unscheduled jobs too. (A
``history`` command that lists every run is left to a later issue.)

:func:`stop_history` rebuilds the stop reasons of past runs from the helper's durable journal
(read with ``run-as``, which does not wake the app).

:func:`reset_conditions` puts the device conditions ``jobctl device`` changes back to their
defaults (see its docstring for the exact list).
"""

from __future__ import annotations

import enum
import re
import shlex
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bridge import helper_protocol as protocol
from bridge.conditions import (
    AppOpMode,
    Conditions,
    ConditionsState,
    MeteredOverride,
    StandbyBucket,
)
from bridge.model import JobRun, RunEnd, StopReason, runs_from_events
from bridge.parsers import DumpedJob, JobSchedulerDump, parse_job_state, parse_jobscheduler_dump

if TYPE_CHECKING:
    from bridge.device import Device
    from bridge.jobs import Session

_PACKAGE_FLAGS = re.compile(r"\bstopped=(true|false)\b.*?\bnotLaunched=(true|false)\b")


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
    WAITING_FOR_SCHEDULER = "waiting_for_scheduler"


@dataclass(frozen=True)
class Blocker:
    """One reason a job does not run, and the ``jobctl`` command that would lift it."""

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


_RUN_PROBLEM_REASONS: dict[str, RunProblemKind] = {
    "timed out while starting": RunProblemKind.START_CALLBACK_TIMEOUT,
    "timed out while stopping": RunProblemKind.STOP_CALLBACK_TIMEOUT,
    "timeout while executing and maybe abandoned": RunProblemKind.ABANDONED_TIMEOUT,
    "client timed out and maybe abandoned": RunProblemKind.ABANDONED_TIMEOUT,
}
"""JobServiceContext's debug reasons (the ``Job history`` stop lines) and what they mean."""


@dataclass(frozen=True)
class RunProblem:
    """A past run of the job that ended badly, from the dump's ``Job history``."""

    kind: RunProblemKind
    ago_ms: int
    """How long before the diagnosis it happened."""
    explanation: str

    def to_json_object(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "ago_ms": self.ago_ms, "explanation": self.explanation}


def _explain(kind: RunProblemKind, api_level: int) -> str:
    if kind is RunProblemKind.ABANDONED_TIMEOUT:
        return ("the run hit its time limit after the app dropped its JobParameters without jobFinished: "
                "Android 16 reports STOP_REASON_TIMEOUT_ABANDONED (16), and after more than 3 such timeouts "
                "it uses an aggressive backoff")
    callback = "onStartJob" if kind is RunProblemKind.START_CALLBACK_TIMEOUT else "onStopJob"
    effect = ("JobScheduler dropped the run without rescheduling it" if kind is RunProblemKind.START_CALLBACK_TIMEOUT
              else "JobScheduler gave up waiting and rescheduled the job")
    anr = (f"; on Android 14+ ({'this device' if api_level >= 34 else 'not this device'}) an app targeting "
           "API 34+ also gets an ANR, which kills it when it is in the background")
    return (f"{callback} did not return within 8 s: JobService callbacks run on the app's main thread, "
            f"so the main thread was blocked; {effect}{anr}")


def run_problems(dump: JobSchedulerDump, job_id: int, namespace: str | None, api_level: int) -> tuple[RunProblem, ...]:
    """The job's bad endings in the dump's ``Job history``, oldest first."""
    problems = []
    for entry in dump.history:
        kind = _RUN_PROBLEM_REASONS.get((entry.reason or "").strip())
        if kind is None or entry.is_start or entry.job_id != job_id or entry.namespace != namespace:
            continue
        problems.append(RunProblem(kind, -entry.offset_ms, _explain(kind, api_level)))
    return tuple(problems)


@dataclass(frozen=True)
class Diagnosis:
    """Everything :func:`diagnose` found out about one job."""

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

    @property
    def summary(self) -> str:
        if not self.exists:
            return f"job {self.job_id} is not scheduled"
        if self.running:
            return f"job {self.job_id} is running"
        if not self.blockers:
            return f"job {self.job_id} is not running, and nothing is holding it back"
        return f"job {self.job_id} is not running: {len(self.blockers)} reason(s)"

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
        }


# ---------------------------------------------------------------------------- diagnose
def _device_and_conditions(session_or_device: Session | Device) -> tuple[Device, Conditions]:
    conditions = getattr(session_or_device, "conditions", None)
    device = getattr(session_or_device, "device", None)
    if isinstance(conditions, Conditions) and device is not None:
        return device, conditions
    return session_or_device, Conditions(session_or_device)  # type: ignore[arg-type,return-value]


def _job_argv(verb: str, package: str, job_id: int, namespace: str | None) -> list[str]:
    argv = ["cmd", "jobscheduler", verb, "-u", "0"]
    if namespace is not None:
        argv += ["-n", namespace]
    return [*argv, package, str(job_id)]


def _package_flags(device: Device, package: str) -> tuple[bool | None, bool | None]:
    """``(stopped, notLaunched)`` of user 0 from ``dumpsys package PKG`` (None if not printed)."""
    for line in device.shell(["dumpsys", "package", package], idempotent=True).text.splitlines():
        match = _PACKAGE_FLAGS.search(line)
        if match:
            return match.group(1) == "true", match.group(2) == "true"
    return None, None


class _Commands:
    """The ``jobctl`` commands a blocker can point at."""

    def __init__(self, job_id: int, namespace: str | None, package: str) -> None:
        # Quoted: the advice is a command line to paste into a shell (a namespace is any string).
        self.ns = f" --namespace {shlex.quote(namespace)}" if namespace is not None else ""
        self.job_id = job_id
        self.pkg = "" if package == protocol.HELPER_PACKAGE else f" --package {shlex.quote(package)}"

    def device(self, *words: str, per_app: bool = False) -> str:
        return "jobctl device " + " ".join(words) + (self.pkg if per_app else "")

    def run(self, force: bool) -> str:
        return f"jobctl run {self.job_id}{self.ns}" + (" --force" if force else "")


_CONSTRAINT_TEXT: dict[str, tuple[str, tuple[str, ...] | None]] = {
    # name -> (plain-language reason, `jobctl device` words that satisfy it; None: only a forced run)
    "CHARGING": ("it requires charging and the device is not charging", ("charging", "on")),
    "BATTERY_NOT_LOW": ("it requires the battery not to be low and the battery is low", ("battery", "50")),
    "STORAGE_NOT_LOW": ("it requires storage not to be low and storage is low", ("storage", "ok")),
    "IDLE": ("it requires the device to be idle and it is in use", ("idle", "on")),
    "CONTENT_TRIGGER": ("it waits for a change of its trigger content URIs", None),
    "FLEXIBILITY": ("JobScheduler is holding it back for flexible scheduling", None),
    "PREFETCH": ("it is a prefetch job waiting for the app's next estimated launch", None),
}
_APP_LEVEL = frozenset({"WITHIN_QUOTA", "DEVICE_NOT_DOZING", "BACKGROUND_NOT_RESTRICTED", "TARE_WEALTH",
                        "DEADLINE"})


def _network_blocker(job: DumpedJob, conditions: ConditionsState, commands: _Commands) -> Blocker:
    request = (job.network_request or "").upper()
    if conditions.airplane_mode or not (conditions.wifi_enabled or conditions.cellular_enabled):
        return Blocker(BlockerKind.UNSATISFIED_CONSTRAINT,
                       "it requires a network and the device has none"
                       + (" (airplane mode is on)" if conditions.airplane_mode else ""),
                       commands.device("network", "wifi"), "CONNECTIVITY")
    wants_unmetered = "NOT_METERED" in request or "UNMETERED" in request
    if wants_unmetered and (conditions.wifi_metered is MeteredOverride.METERED or not conditions.wifi_enabled):
        return Blocker(BlockerKind.UNSATISFIED_CONSTRAINT,
                       "it requires an unmetered network and the current one is metered",
                       commands.device("network", "unmetered"), "CONNECTIVITY")
    if "CELLULAR" in request and not conditions.cellular_enabled:
        return Blocker(BlockerKind.UNSATISFIED_CONSTRAINT, "it requires a cellular network and mobile data is off",
                       commands.device("network", "cellular"), "CONNECTIVITY")
    return Blocker(BlockerKind.UNSATISFIED_CONSTRAINT, "its network requirement is not met by the current network",
                   commands.device("network", "wifi"), "CONNECTIVITY")


def _blockers(job: DumpedJob | None, state: ConditionsState, package: str, stopped: bool | None,
              never_launched: bool | None, commands: _Commands) -> list[Blocker]:
    app = state.app(package)
    unsatisfied = job.unsatisfied_constraints if job is not None else frozenset()
    required = job.required_constraints if job is not None else frozenset()
    found: list[Blocker] = []
    if stopped:
        found.append(Blocker(
            BlockerKind.APP_STOPPED_NEVER_LAUNCHED,
            f"{package} is in the stopped state ({'never launched' if never_launched else 'force-stopped'}); "
            "the platform runs no jobs of a stopped app until it is launched",
            "jobctl helper status" if package == protocol.HELPER_PACKAGE else None))
    bucket = app.standby_bucket
    if bucket is StandbyBucket.NEVER:
        found.append(Blocker(
            BlockerKind.STANDBY_BUCKET,
            f"{package} is in the NEVER standby bucket (installed and never launched): its jobs are never "
            "within quota", commands.device("bucket", "active", per_app=True)))
    elif bucket is StandbyBucket.RESTRICTED:
        found.append(Blocker(
            BlockerKind.STANDBY_BUCKET,
            f"{package} is in the RESTRICTED standby bucket: its jobs run about once a day, and only when "
            "charging and idle", commands.device("bucket", "active", per_app=True)))
    if app.background_restricted:
        found.append(Blocker(
            BlockerKind.BACKGROUND_RESTRICTED,
            f"{package} is background-restricted (RUN_ANY_IN_BACKGROUND is ignore)",
            commands.device("restrict", "off", per_app=True), "BACKGROUND_NOT_RESTRICTED"))
    elif state.battery_saver and (job is None or "BACKGROUND_NOT_RESTRICTED" in unsatisfied):
        found.append(Blocker(BlockerKind.BATTERY_SAVER, "battery saver is on and holds back background jobs",
                             commands.device("battery-saver", "off")))
    if "DEVICE_NOT_DOZING" in unsatisfied or (job is None and state.dozing):
        found.append(Blocker(BlockerKind.DOZE, "the device is in Doze (deep idle), which defers jobs",
                             commands.device("doze", "off"), "DEVICE_NOT_DOZING"))
    for name in sorted(unsatisfied & required):
        if name == "CONNECTIVITY" and job is not None:
            found.append(_network_blocker(job, state, commands))
        elif name == "TIMING_DELAY":
            found.append(Blocker(BlockerKind.WAITING_FOR_LATENCY,
                                 "its minimum latency has not passed yet", commands.run(force=True), name))
        elif name in _CONSTRAINT_TEXT:
            text, words = _CONSTRAINT_TEXT[name]
            command = commands.device(*words) if words else commands.run(force=True)
            found.append(Blocker(BlockerKind.UNSATISFIED_CONSTRAINT, text, command, name))
        elif name not in _APP_LEVEL:
            found.append(Blocker(BlockerKind.UNSATISFIED_CONSTRAINT, f"its {name} constraint is not satisfied",
                                 commands.run(force=True), name))
    if "TIMING_DELAY" in unsatisfied and "TIMING_DELAY" not in required:
        found.append(Blocker(BlockerKind.WAITING_FOR_LATENCY, "its minimum latency has not passed yet",
                             commands.run(force=True), "TIMING_DELAY"))
    if "WITHIN_QUOTA" in unsatisfied and bucket not in (StandbyBucket.NEVER, StandbyBucket.RESTRICTED):
        found.append(Blocker(BlockerKind.QUOTA,
                             f"{package} used up its execution quota for the {bucket.name} bucket",
                             commands.run(force=True), "WITHIN_QUOTA"))
    return found


def diagnose(session_or_device: Session | Device, job_id: int, namespace: str | None = None,
             package: str = protocol.HELPER_PACKAGE) -> Diagnosis:
    """Why job ``job_id`` (of ``package``, the helper by default) is or is not running.

    Reads only; changes nothing on the device and does not wake the app.
    """
    device, conditions = _device_and_conditions(session_or_device)
    commands = _Commands(job_id, namespace, package)
    answer = device.shell(_job_argv("get-job-state", package, job_id, namespace), idempotent=True).text
    job_state = parse_job_state(answer) if answer.strip() else parse_job_state(f"unknown({package})")
    dump = parse_jobscheduler_dump(device.shell(["dumpsys", "jobscheduler", package], idempotent=True).text)
    problems = run_problems(dump, job_id, namespace, device.api_level)
    if not job_state.exists:
        ns = f" --namespace {shlex.quote(namespace)}" if namespace is not None else ""
        blocker = Blocker(BlockerKind.NOT_SCHEDULED,
                          f"{package} has no job {job_id}" + (f" in namespace {namespace}" if namespace else "")
                          + ": it was never scheduled, finished, or was cancelled",
                          f"jobctl schedule {job_id}{ns}")
        return Diagnosis(job_id, namespace, package, False, False, False, (), None, None, (), (), (blocker,),
                         problems)
    job = dump.job(job_id, namespace)
    state = conditions.read([package])
    stopped, never_launched = _package_flags(device, package)
    tokens = tuple(sorted(job_state.tokens))
    required = tuple(sorted(job.required_constraints)) if job else ()
    unsatisfied = tuple(sorted(job.unsatisfied_constraints)) if job else ()
    bucket = job.standby_bucket if job and job.standby_bucket else state.app(package).standby_bucket.name
    if job_state.active:
        return Diagnosis(job_id, namespace, package, True, True, job_state.ready, tokens, bucket, stopped,
                         required, unsatisfied, (), problems)
    blockers = _blockers(job, state, package, stopped, never_launched, commands)
    if not blockers:
        reason = ("it is ready and pending: JobScheduler will start it shortly" if job_state.pending else
                  "it is ready: JobScheduler batches jobs of apps outside the ACTIVE bucket and may start it later"
                  if job_state.ready else "JobScheduler has not made it ready yet")
        blockers = [Blocker(BlockerKind.WAITING_FOR_SCHEDULER, reason, commands.run(force=not job_state.ready))]
    return Diagnosis(job_id, namespace, package, True, False, job_state.ready, tokens, bucket, stopped,
                     required, unsatisfied, tuple(blockers), problems)


# ---------------------------------------------------------------------------- stop history
@dataclass(frozen=True)
class StopRecord:
    """One run that JobScheduler stopped (``onStopJob``), from the helper's journal."""

    job_id: int
    namespace: str | None
    stop_reason: StopReason | int | None
    """``None`` below API 31 (no ``getStopReason``)."""
    at: datetime
    reschedule: bool | None
    items_dequeued: int
    items_completed: int
    transferred_down: int
    transferred_up: int
    run_start: datetime
    start_seq: int

    @property
    def stop_reason_name(self) -> str | None:
        """``CONSTRAINT_CHARGING`` (no ``STOP_REASON_`` prefix); ``UNKNOWN_16`` for values newer than the SDK table."""
        if self.stop_reason is None:
            return None
        return self.stop_reason.name if isinstance(self.stop_reason, StopReason) else f"UNKNOWN_{self.stop_reason}"

    @property
    def stop_reason_code(self) -> int | None:
        return None if self.stop_reason is None else int(self.stop_reason)

    def to_json_object(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "namespace": self.namespace, "stop_reason": self.stop_reason_name,
                "stop_reason_code": self.stop_reason_code, "at": self.at.isoformat(),
                "reschedule": self.reschedule, "items_dequeued": self.items_dequeued,
                "items_completed": self.items_completed, "transferred_down": self.transferred_down,
                "transferred_up": self.transferred_up, "run_start": self.run_start.isoformat(),
                "start_seq": self.start_seq}


def _stop_record(run: JobRun) -> StopRecord:
    if run.end is RunEnd.STOPPED and run.end_wall_ms is not None:
        wall = run.end_wall_ms
    else:  # a stop that came after the run ended (error, §7.4): wall time from the elapsed clock
        wall = run.start_wall_ms + ((run.stop_elapsed_ms or run.start_elapsed_ms) - run.start_elapsed_ms)
    total = run.total_transferred
    return StopRecord(run.job_id, run.namespace, run.stop_reason, datetime.fromtimestamp(wall / 1000, tz=UTC),
                      run.reschedule, run.items_dequeued, run.items_completed, total.down, total.up,
                      run.start_time, run.start_seq)


def stop_history(session_or_device: Session | Device, namespace: str | None = None,
                 job_id: int | None = None) -> tuple[StopRecord, ...]:
    """Every stopped run in the helper's durable journal, oldest first; filtered by namespace
    and job id when given. Reads the journal with ``run-as`` (does not wake the app)."""
    from bridge.helper import Helper

    helper = getattr(session_or_device, "helper", None)
    if not isinstance(helper, Helper):
        helper = Helper(session_or_device)  # type: ignore[arg-type]
    runs = runs_from_events(helper.read_journal(1).events)
    return tuple(_stop_record(run) for run in runs
                 if (run.end is RunEnd.STOPPED or run.stop_elapsed_ms is not None)
                 and (namespace is None or run.namespace == namespace)
                 and (job_id is None or run.job_id == job_id))


# ---------------------------------------------------------------------------- reset
RESET_STEPS = (
    "airplane mode off (cmd connectivity airplane-mode disable)",
    "Wi-Fi on (svc wifi enable)",
    "mobile data on (svc data enable)",
    "metered override of the connected Wi-Fi back to automatic (cmd netpolicy set metered-network SSID none)",
    "battery saver off (cmd power set-mode 0)",
    "battery back to the real hardware state (cmd battery reset)",
    "storage back to the real state (cmd devicestoragemonitor reset -f)",
    "Doze unforced (cmd deviceidle unforce)",
    "screen on (input keyevent KEYCODE_WAKEUP)",
    "background restriction of the package lifted (cmd appops set PKG RUN_ANY_IN_BACKGROUND allow)",
)
"""What :func:`reset_conditions` does, in order. The standby bucket is left alone: a freshly
installed app sits in NEVER, and moving it changes what jobs measure (``jobctl device bucket``)."""


def reset_conditions(conditions: Conditions, package: str = protocol.HELPER_PACKAGE) -> tuple[str, ...]:
    """Put every condition ``jobctl device`` can change back to its default (:data:`RESET_STEPS`);
    each step waits for its readback. Returns the steps done."""
    done: list[str] = []
    conditions.set_airplane(False)
    done.append(RESET_STEPS[0])
    conditions.set_wifi(True)
    done.append(RESET_STEPS[1])
    conditions.set_cellular(True)
    done.append(RESET_STEPS[2])
    state = conditions.read()
    if state.wifi_ssid is not None and state.wifi_metered not in (None, MeteredOverride.AUTOMATIC):
        conditions.set_metered(None)
    done.append(RESET_STEPS[3])
    conditions.set_battery_saver(False)
    done.append(RESET_STEPS[4])
    device = conditions.device
    device.shell("cmd battery reset", check=True, idempotent=True)
    done.append(RESET_STEPS[5])
    device.shell(["cmd", "devicestoragemonitor", "reset", "-f"], check=True, idempotent=True)
    done.append(RESET_STEPS[6])
    conditions.set_doze(False)
    done.append(RESET_STEPS[7])
    conditions.set_idle(False)
    done.append(RESET_STEPS[8])
    if conditions.read([package]).app(package).background_mode is AppOpMode.IGNORE:
        conditions.set_background_restricted(package, False)
    done.append(RESET_STEPS[9])
    return tuple(done)


__all__ = [
    "RESET_STEPS",
    "Blocker",
    "BlockerKind",
    "Diagnosis",
    "RunProblem",
    "RunProblemKind",
    "StopRecord",
    "diagnose",
    "reset_conditions",
    "run_problems",
    "stop_history",
]
