"""What became of a job: how its last run ended, or that it was cancelled.

Sources: the dump's ``Job history`` stop lines carry ``JobServiceContext``'s debug reason
(``JobPackageTracker.noteInactive``): ``app called jobFinished``, ``last work dequeued``, ``app
force stopped`` (``PACKAGE_RESTARTED``), ``cancel() called by app …`` (``callingUid=2000``: the
shell's ``cmd jobscheduler cancel PKG ID``) / ``cancel shell command for package``
(``JobSchedulerService.cancelJob``/``executeCancelCommand``),
``stop from shell`` (``executeStopCommand``), ``client timed out …``. A job cancelled while it
was not running leaves no line there; the helper's own journal (read with ``run-as``) records
every cancel, stop (with its public stop reason) and finish of the helper's jobs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bridge.diagnosis.model import LastOutcome, OutcomeKind
from bridge.parsers import JobSchedulerDump

if TYPE_CHECKING:
    from bridge.device import Device

_TEXTS: tuple[tuple[str, OutcomeKind], ...] = (
    ("app force stopped", OutcomeKind.FORCE_STOPPED),
    ("cancel", OutcomeKind.CANCELLED),
    ("timed out", OutcomeKind.TIMED_OUT),
    ("timeout", OutcomeKind.TIMED_OUT),
    ("by user", OutcomeKind.STOPPED_BY_USER),
    ("user ui stop", OutcomeKind.STOPPED_BY_USER),
    ("app called jobfinished", OutcomeKind.FINISHED),
    ("last work dequeued", OutcomeKind.FINISHED),
)


def _kind(text: str) -> OutcomeKind:
    lowered = text.lower()
    return next((kind for needle, kind in _TEXTS if needle in lowered), OutcomeKind.STOPPED)


def from_history(dump: JobSchedulerDump, job_id: int, namespace: str | None) -> LastOutcome | None:
    """The job's last stop line in the dump's ``Job history``."""
    for entry in reversed(dump.history):
        if entry.job_id == job_id and entry.namespace == namespace and not entry.is_start:
            text = (entry.reason or "").strip() or "stopped"
            return LastOutcome(_kind(text), -entry.offset_ms, text, "job history")
    return None


def from_journal(device: Device, job_id: int, namespace: str | None) -> LastOutcome | None:
    """The helper's last finish, stop or cancel of the job, from its journal."""
    from bridge.errors import JobctlError
    from bridge.helper import Helper
    from bridge.model import EventKind, StopReason

    try:
        events = Helper(device).read_journal(1).events
    except JobctlError:
        return None
    for event in reversed(events):
        if event.job_id != job_id or event.namespace != namespace:
            continue
        if event.kind is EventKind.CANCELLED:
            return LastOutcome(OutcomeKind.CANCELLED, None, "cancelled through the helper (JobScheduler.cancel)",
                               "helper journal")
        if event.kind is EventKind.FINISHED:
            reschedule = bool(event.get("reschedule"))
            return LastOutcome(OutcomeKind.RESCHEDULED if reschedule else OutcomeKind.FINISHED, None,
                               f"jobFinished(reschedule={'true' if reschedule else 'false'})", "helper journal")
        if event.kind is EventKind.STOPPED:
            code = event.get("stop_reason")
            try:
                reason = StopReason(int(code)) if code is not None else None
            except ValueError:
                reason = None
            name = reason.name if reason is not None else ("unknown (API < 31)" if code is None else f"UNKNOWN_{code}")
            kind = OutcomeKind.STOPPED_BY_USER if reason is StopReason.USER else OutcomeKind.STOPPED
            rescheduled = " and rescheduled" if event.get("reschedule") else ""
            return LastOutcome(kind, None, f"stopped ({name}){rescheduled}", "helper journal")
    return None


def describe(outcome: LastOutcome) -> str:
    """One line: what happened and when."""
    when = f" {outcome.ago_ms / 1000:.0f} s ago" if outcome.ago_ms is not None else ""
    return f"last outcome ({outcome.source}){when}: {outcome.kind.value.replace('_', ' ')} — {outcome.detail}"
