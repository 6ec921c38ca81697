""":func:`diagnose`: why one job is or is not running, merged from four readbacks.

* ``cmd jobscheduler get-job-state`` (aosp-shell-interface.md §1.5): exists, active, ready;
* ``dumpsys jobscheduler PKG`` (§2.3): the job's block (constraints, bucket, run times, backoff,
  period), the QuotaController section, the ``Job history``;
* the package's ``stopped=``/``notLaunched=`` flags from ``dumpsys package PKG``;
* :meth:`bridge.conditions.Conditions.read` (battery, network, doze, saver, bucket, restriction);
* for the helper's jobs that are gone, its journal (what ended them).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from bridge import helper_protocol as protocol
from bridge.app_jobs import AppJobs
from bridge.conditions import Conditions
from bridge.diagnosis import outcome as outcomes
from bridge.diagnosis.blockers import app_blockers, constraint_blockers
from bridge.diagnosis.commands import Commands
from bridge.diagnosis.model import Blocker, BlockerKind, Diagnosis, LastOutcome, OutcomeKind
from bridge.diagnosis.problems import run_problems
from bridge.diagnosis.quota import quota_blockers, read_quota
from bridge.diagnosis.timing import job_block_lines, read_timing, timing_blockers, timing_notes
from bridge.parsers import parse_job_state, parse_jobscheduler_dump

if TYPE_CHECKING:
    from bridge.device import Device
    from bridge.jobs import Session
    from bridge.workmanager import WorkLabel

_PACKAGE_FLAGS = re.compile(r"\bstopped=(true|false)\b.*?\bnotLaunched=(true|false)\b")


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


def _gone(job_id: int, namespace: str | None, package: str, last: LastOutcome | None, stopped: bool | None,
          never_launched: bool | None, commands: Commands) -> Blocker:
    where = f" in namespace {namespace}" if namespace else ""
    if (last is not None and last.kind is OutcomeKind.FORCE_STOPPED) or (
            last is None and stopped and not never_launched):
        why = (f"{package} was force-stopped, which cancels every job of the app; it stays in the stopped "
               "state until it is launched again")
    elif last is not None:
        why = {OutcomeKind.FINISHED: "it finished (jobFinished without reschedule, or its last work item was "
                                     "dequeued), so JobScheduler dropped it",
               OutcomeKind.CANCELLED: "it was cancelled",
               OutcomeKind.STOPPED_BY_USER: "it was stopped by the user and not rescheduled",
               OutcomeKind.TIMED_OUT: "its run timed out and it was not rescheduled",
               }.get(last.kind, "its last run was stopped and not rescheduled")
    else:
        why = "it was never scheduled, or it finished or was cancelled longer ago than the job history reaches"
    return Blocker(BlockerKind.NOT_SCHEDULED, f"{package} has no job {job_id}{where}: {why}", commands.schedule())


def diagnose(session_or_device: Session | Device, job_id: int, namespace: str | None = None,
             package: str = protocol.HELPER_PACKAGE) -> Diagnosis:
    """Why job ``job_id`` (of ``package``, the helper by default) is or is not running, and until
    when. Reads only; changes nothing on the device and does not wake the app."""
    device, conditions = _device_and_conditions(session_or_device)
    if package != protocol.HELPER_PACKAGE:
        AppJobs(device, package).check_installed()  # UnknownPackageError: one line, nothing read further
    commands = Commands(job_id, namespace, package, device.api_level)
    answer = device.shell(_job_argv("get-job-state", package, job_id, namespace), idempotent=True).text
    job_state = parse_job_state(answer) if answer.strip() else parse_job_state(f"unknown({package})")
    text = device.shell(["dumpsys", "jobscheduler", package], idempotent=True).text
    dump = parse_jobscheduler_dump(text)
    work = None
    if package != protocol.HELPER_PACKAGE:  # WorkManager's label (the helper's jobs are not WorkManager's)
        from bridge.workmanager import label_job

        work = label_job(device, package, job_id, namespace, dump_text=text)
    problems = run_problems(dump, job_id, namespace, device.api_level)
    last = outcomes.from_history(dump, job_id, namespace)
    if package == protocol.HELPER_PACKAGE and (not job_state.exists or last is not None):
        last = outcomes.from_journal(device, job_id, namespace) or last
    stopped, never_launched = _package_flags(device, package)
    if not job_state.exists:
        blocker = _gone(job_id, namespace, package, last, stopped, never_launched, commands)
        if last is None and stopped and not never_launched:
            last = LastOutcome(OutcomeKind.FORCE_STOPPED, None, "the package is in the stopped state",
                               "dumpsys package")
        gone_notes = (outcomes.describe(last),) if last is not None else ()
        return _with_work(Diagnosis(job_id, namespace, package, False, False, False, (), None, stopped, (), (),
                                    (blocker,), problems, last_outcome=last, notes=gone_notes), work)
    job = dump.job(job_id, namespace)
    state = conditions.read([package])
    tokens = tuple(sorted(job_state.tokens))
    required = tuple(sorted(job.required_constraints)) if job else ()
    unsatisfied = tuple(sorted(job.unsatisfied_constraints)) if job else ()
    bucket = job.standby_bucket if job and job.standby_bucket else state.app(package).standby_bucket.name
    timing = read_timing(job, job_block_lines(text, job_id, namespace)) if job else None
    quota = read_quota(text, dump, job_id, namespace, package, device.api_level)
    notes = [outcomes.describe(last)] if last is not None else []
    if job_state.active:
        return _with_work(Diagnosis(job_id, namespace, package, True, True, job_state.ready, tokens, bucket,
                                    stopped, required, unsatisfied, (), problems, timing, quota, last,
                                    tuple(notes)), work)
    blockers = app_blockers(job, state, stopped, never_launched, commands)
    if job is not None:
        blockers += quota_blockers(quota, job.unsatisfied_constraints, commands)
        if not (timing and timing.deadline_passed):
            blockers += constraint_blockers(job, state, commands)
        if timing is not None:
            blockers += timing_blockers(timing, job, commands)
    if timing is not None:
        notes = timing_notes(timing, False, bool(blockers)) + notes
    if not blockers:
        reason = ("it is ready and pending: JobScheduler will start it shortly" if job_state.pending else
                  "it is ready: JobScheduler batches jobs of apps outside the ACTIVE bucket and may start it later"
                  if job_state.ready else "JobScheduler has not made it ready yet")
        blockers = [Blocker(BlockerKind.WAITING_FOR_SCHEDULER, reason, commands.run(force=not job_state.ready))]
    return _with_work(Diagnosis(job_id, namespace, package, True, False, job_state.ready, tokens, bucket, stopped,
                                required, unsatisfied, tuple(blockers), problems, timing, quota, last, tuple(notes)),
                      work)


def _with_work(diagnosis: Diagnosis, work: WorkLabel | None) -> Diagnosis:
    """The WorkSpec behind a WorkManager job, its notes, and a forced-run command marked when
    WorkManager would skip that run (before its schedule)."""
    if work is None:
        return diagnosis
    blockers = diagnosis.blockers
    if work.skips_forced_run:  # the forced run reaches WorkManager, which refuses it
        blockers = tuple(replace(b, reason=b.reason + "; WorkManager will skip a forced run now (before its "
                                 "schedule)") if b.command and " run -f " in f"{b.command} " else b
                         for b in blockers)
    return replace(diagnosis, work=work.spec, notes=diagnosis.notes + work.notes, blockers=blockers)


__all__ = ["diagnose"]
