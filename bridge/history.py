"""What ran and how it ended: one app's job starts and stops, merged from every source there is.

Sources, read in one go (:func:`job_history`):

* ``dumpsys jobscheduler PKG`` ``Job history:`` (``JobPackageTracker.dumpHistory``, the last 100
  starts and stops of the device since boot, aosp-shell-interface.md §2.2 item 12): each stop
  carries a text, the debug reason the service gave (``JobServiceContext.closeAndCleanupJobLocked``
  → ``noteInactive(job, internalStopReason, debugReason)``) or, when it gave none,
  ``JobParameters.getInternalReasonCodeDescription(internalStopReason)``;
* the same dump's ``Recently completed jobs:`` (``JobSchedulerService.dumpInternal``, the last 20
  jobs that ended, §2.2 item 15): a stop that fell out of the history ring still shows there;
* for the helper, its own durable journal (``bridge.helper``): the public ``getStopReason()``
  the platform handed to ``onStopJob``, and whether the job finished or was stopped.

The dump's times are offsets from the moment it was printed (``TimeUtils.formatDuration(t - now)``);
they are turned into the device's wall clock with ``date`` read just before and after the dump.
The same stop seen in two sources (a history line and a completed entry, or a dump line and a
journal event of the same job) is one record, matched to the nearest time within
:data:`MATCH_WINDOW_MS`. Reasons are always named: the public one as ``StopReason`` (from the
journal, or implied by a debug text whose public reason AOSP fixes), the internal one as
``InternalStopReason`` (from ``getInternalReasonCodeDescription`` text or a known debug text),
with the device's own text kept beside them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bridge.model.reasons import InternalStopReason, StopReason

if TYPE_CHECKING:
    from bridge.device import Device
    from bridge.model import JobRun
    from bridge.parsers.jobscheduler_dump import JobSchedulerDump

MATCH_WINDOW_MS = 2000
"""How far apart (device wall clock) two sightings of one start or stop may be: the dump stamps
a start when the service context takes the job, the helper when ``onStartJob`` runs; the read of
``date`` around the dump adds its own round trip."""


class HistoryKind(enum.StrEnum):
    START = "start"
    STOP = "stop"


class Ending(enum.StrEnum):
    """How a run ended, where a source says."""

    FINISHED = "finished"
    """The job called ``jobFinished`` (or its work ran out, or ``onStartJob`` returned false)."""
    STOPPED = "stopped"
    """JobScheduler stopped it (``onStopJob``), or cancelled it while it ran."""
    DIED = "died"
    """Its process died under it."""


class HistorySource(enum.StrEnum):
    JOB_HISTORY = "job_history"
    RECENTLY_COMPLETED = "recently_completed"
    JOURNAL = "journal"


_C = InternalStopReason
_DESCRIPTIONS = {"canceled": _C.CANCELED, "constraints": _C.CONSTRAINTS_NOT_SATISFIED, "preempt": _C.PREEMPT,
                 "timeout": _C.TIMEOUT, "device_idle": _C.DEVICE_IDLE, "thermal": _C.DEVICE_THERMAL,
                 "restricted_bucket": _C.RESTRICTED_BUCKET, "uninstall": _C.UNINSTALL,
                 "data_cleared": _C.DATA_CLEARED, "rtc_updated": _C.RTC_UPDATED,
                 "successful_finish": _C.SUCCESSFUL_FINISH, "user_ui_stop": _C.USER_UI_STOP, "anr": _C.ANR}
"""``JobParameters.getInternalReasonCodeDescription`` (printed when a stop had no debug text)."""

_TEXTS: dict[str, tuple[Ending, StopReason | None, InternalStopReason | None]] = {
    # JobServiceContext: jobFinished / onStartJob false / the last work item dequeued
    "app called jobFinished": (Ending.FINISHED, None, None),
    "onStartJob returned false": (Ending.FINISHED, None, None),
    "last work dequeued": (Ending.FINISHED, None, None),
    "unexpectedly disconnected": (Ending.DIED, StopReason.UNDEFINED, None),
    # JobConcurrencyManager.stopNonReadyActiveJobsLocked: the public reason is the lost constraint's
    "cancelled due to unsatisfied constraints": (Ending.STOPPED, None, _C.CONSTRAINTS_NOT_SATISFIED),
    "cancelled due to restricted bucket": (Ending.STOPPED, StopReason.APP_STANDBY, _C.RESTRICTED_BUCKET),
    # JobSchedulerService: PACKAGE_RESTARTED, uninstall, a reschedule replacing a running job
    "app force stopped": (Ending.STOPPED, StopReason.USER, _C.CANCELED),
    "app uninstalled": (Ending.STOPPED, StopReason.USER, _C.UNINSTALL),
    "job rescheduled by app": (Ending.STOPPED, StopReason.CANCELLED_BY_APP, _C.CANCELED),
    "cancel shell command for package": (Ending.STOPPED, StopReason.USER, _C.CANCELED),
    # JobSchedulerShellCommand timeout before 14 (executeTimeoutCommand); 14+ stop/timeout share
    # "stop from shell" and their reasons come from -s/-i, which the text does not carry
    "shell": (Ending.STOPPED, StopReason.TIMEOUT, _C.TIMEOUT),
    "stop from shell": (Ending.STOPPED, None, None),
    "client timed out": (Ending.STOPPED, StopReason.TIMEOUT, _C.TIMEOUT),
    "client timed out and maybe abandoned": (Ending.STOPPED, StopReason.TIMEOUT_ABANDONED, _C.TIMEOUT_ABANDONED),
}
"""Debug texts whose meaning AOSP fixes (``JobServiceContext``, ``JobSchedulerService``,
``JobConcurrencyManager``, ``JobSchedulerShellCommand``; the virtual device models the same)."""


def read_reason_text(text: str | None) -> tuple[Ending | None, StopReason | None, InternalStopReason | None]:
    """What a ``Job history`` stop text says: how the run ended and its public and internal reasons
    (``None`` where the text does not say)."""
    if text is None:
        return None, None, None
    text = text.strip()
    if text in _TEXTS:
        return _TEXTS[text]
    if text in _DESCRIPTIONS:
        internal = _DESCRIPTIONS[text]
        return (Ending.FINISHED if internal is _C.SUCCESSFUL_FINISH else Ending.STOPPED), None, internal
    if text.startswith("cancel() called by app, callingUid=2000 "):  # executeCancelCommand: SHELL_UID, USER
        return Ending.STOPPED, StopReason.USER, _C.CANCELED
    if text.startswith("cancel() called by app"):  # JobSchedulerService.cancelJob
        return Ending.STOPPED, StopReason.CANCELLED_BY_APP, _C.CANCELED
    if text.startswith("timed out while"):  # JobServiceContext.handleOpTimeoutLocked
        return Ending.STOPPED, None, _C.TIMEOUT
    return None, None, None


def reason_name(value: StopReason | InternalStopReason | int | None) -> str | None:
    """A member's name, ``UNKNOWN_<n>`` for a value newer than jobctl, ``None`` when not known."""
    if value is None:
        return None
    return value.name if isinstance(value, (StopReason, InternalStopReason)) else f"UNKNOWN_{int(value)}"


@dataclass(frozen=True)
class HistoryRecord:
    """One start or stop of one job."""

    at: datetime
    """Device wall clock (UTC)."""
    kind: HistoryKind
    package: str
    job_id: int
    namespace: str | None
    ending: Ending | None = None
    stop_reason: StopReason | int | None = None
    """The public reason (``JobParameters.getStopReason``): from the journal, or fixed by the text."""
    internal_reason: InternalStopReason | None = None
    reason_text: str | None = None
    """The device's own words in ``Job history`` (the debug reason)."""
    sources: tuple[HistorySource, ...] = ()

    @property
    def stop_reason_name(self) -> str | None:
        return reason_name(self.stop_reason)

    @property
    def internal_reason_name(self) -> str | None:
        return reason_name(self.internal_reason)

    def describe(self) -> str:
        """The reasons in words: ``CONSTRAINT_CHARGING; internal CONSTRAINTS_NOT_SATISFIED
        ("cancelled due to unsatisfied constraints")``."""
        if self.kind is HistoryKind.START:
            return ""
        words = [reason_name(self.stop_reason) or ""] if self.stop_reason is not None else []
        if self.internal_reason is not None:
            words.append(f"internal {self.internal_reason_name}")
        if self.reason_text:
            words.append(f'"{self.reason_text}"')
        return "; ".join(words) or "reason not recorded"

    def to_json_object(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "kind": self.kind.value, "package": self.package, "job_id": self.job_id,
                "namespace": self.namespace, "ending": None if self.ending is None else self.ending.value,
                "stop_reason": self.stop_reason_name,
                "stop_reason_code": None if self.stop_reason is None else int(self.stop_reason),
                "internal_reason": self.internal_reason_name,
                "internal_reason_code": None if self.internal_reason is None else int(self.internal_reason),
                "reason_text": self.reason_text, "sources": [s.value for s in self.sources]}


@dataclass(frozen=True)
class JobHistory:
    """The merged history (oldest first) and a line for each source that could not be read."""

    package: str
    records: tuple[HistoryRecord, ...]
    notes: tuple[str, ...] = ()

    def stops(self) -> tuple[HistoryRecord, ...]:
        return tuple(r for r in self.records if r.kind is HistoryKind.STOP)

    def to_json_object(self) -> dict[str, Any]:
        return {"package": self.package, "records": [r.to_json_object() for r in self.records],
                "notes": list(self.notes)}


# ---------------------------------------------------------------------------- reading
def _wall_ms(device: Device) -> int:
    """The device's wall clock in ms (``date +%s.%N``; toybox ``date`` on every level we support)."""
    text = device.shell(["date", "+%s.%N"], idempotent=True).check().text.strip()
    seconds, _, fraction = text.partition(".")
    digits = (fraction if fraction.isdigit() else "0")[:3].ljust(3, "0")
    return int(seconds) * 1000 + int(digits)


def read_dump(device: Device, package: str) -> tuple[JobSchedulerDump, int]:
    """``dumpsys jobscheduler PKG`` and the device's wall clock (ms) at the moment it printed
    (the middle of two ``date`` reads around it)."""
    from bridge.parsers.jobscheduler_dump import parse_jobscheduler_dump

    before = _wall_ms(device)
    text = device.shell(["dumpsys", "jobscheduler", package], idempotent=True).text
    after = _wall_ms(device)
    return parse_jobscheduler_dump(text), (before + after) // 2


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _belongs(battery_name: str, namespace: str | None, package: str) -> bool:
    """The dump filters by app id: the jobs of a shared uid's other packages are dropped by their
    battery name (``JobStatus``: ``[@ns@]<component>`` or, scheduled with a tag on behalf of a
    package, ``[@ns@]<tag>:<service package>``)."""
    name = battery_name
    if namespace and name.startswith(f"@{namespace}@"):
        name = name[len(namespace) + 2:]
    tail = name.rsplit(":", 1)[1] if ":" in name else None
    if tail is not None and "/" not in tail:
        return tail == package
    return "/" not in name or name.split("/", 1)[0] == package


def dump_records(dump: JobSchedulerDump, now_ms: int, package: str) -> list[HistoryRecord]:
    """``Job history`` lines in their order, then ``Recently completed`` ends none of them shows."""
    records: list[HistoryRecord] = []
    for entry in dump.history:
        if not _belongs(entry.battery_name, entry.namespace, package):
            continue
        kind = HistoryKind.START if entry.is_start else HistoryKind.STOP
        ending, public, internal = read_reason_text(entry.reason) if kind is HistoryKind.STOP else (None, None, None)
        records.append(HistoryRecord(_at(now_ms + entry.offset_ms), kind, package, entry.job_id, entry.namespace,
                                     ending, public, internal, entry.reason, (HistorySource.JOB_HISTORY,)))
    for done in dump.completed:
        if not _belongs(done.battery_name, done.namespace, package):
            continue
        seen = HistoryRecord(_at(now_ms + done.offset_ms), HistoryKind.STOP, package, done.job_id, done.namespace,
                             sources=(HistorySource.RECENTLY_COMPLETED,))
        index = _nearest(records, seen, window_ms=MATCH_WINDOW_MS)
        if index is None:
            records.append(seen)
        else:
            records[index] = _merge(records[index], seen)
    return records


def _nearest(records: list[HistoryRecord], seen: HistoryRecord, window_ms: int,
             taken: set[int] | None = None) -> int | None:
    best: tuple[float, int] | None = None
    for index, record in enumerate(records):
        if (record.kind, record.job_id, record.namespace) != (seen.kind, seen.job_id, seen.namespace):
            continue
        if seen.sources[0] in record.sources or (taken is not None and index in taken):
            continue
        gap = abs((record.at - seen.at).total_seconds() * 1000)
        if gap <= window_ms and (best is None or gap < best[0]):
            best = (gap, index)
    return None if best is None else best[1]


def _merge(dumped: HistoryRecord, other: HistoryRecord) -> HistoryRecord:
    """One stop (or start) seen twice: the journal's time and public reason win, the dump's text stays."""
    journal = HistorySource.JOURNAL in other.sources
    return replace(dumped, at=other.at if journal else dumped.at,
                   ending=other.ending or dumped.ending,
                   stop_reason=other.stop_reason if other.stop_reason is not None else dumped.stop_reason,
                   sources=dumped.sources + other.sources)


def journal_records(runs: list[JobRun], package: str) -> list[HistoryRecord]:
    """The helper's runs as starts and stops (the journal knows the public stop reason)."""
    from bridge.model.runs import RunEnd

    endings = {RunEnd.FINISHED: Ending.FINISHED, RunEnd.STOPPED: Ending.STOPPED, RunEnd.PROCESS_DIED: Ending.DIED}
    records: list[HistoryRecord] = []
    for run in runs:
        records.append(HistoryRecord(_at(run.start_wall_ms), HistoryKind.START, package, run.job_id, run.namespace,
                                     sources=(HistorySource.JOURNAL,)))
        stopped = run.stop_elapsed_ms is not None
        if run.end is None and not stopped:
            continue
        if run.end_wall_ms is not None:
            wall = run.end_wall_ms
        else:
            wall = run.start_wall_ms + ((run.stop_elapsed_ms or run.start_elapsed_ms) - run.start_elapsed_ms)
        ending = Ending.STOPPED if stopped else endings.get(run.end) if run.end is not None else None
        records.append(HistoryRecord(_at(wall), HistoryKind.STOP, package, run.job_id, run.namespace, ending,
                                     run.stop_reason, sources=(HistorySource.JOURNAL,)))
    return records


def merge(dumped: list[HistoryRecord], journal: list[HistoryRecord]) -> list[HistoryRecord]:
    """Each journal record joins the nearest unmatched dump record of the same job and kind, or
    stands alone; then everything is put in time order (ties keep the dump's order)."""
    merged = list(dumped)
    taken: set[int] = set()
    extra: list[HistoryRecord] = []
    for record in journal:
        index = _nearest(merged, record, MATCH_WINDOW_MS, taken)
        if index is None:
            extra.append(record)
        else:
            merged[index] = _merge(merged[index], record)
            taken.add(index)
    return sorted(merged + extra, key=lambda r: r.at)


def job_history(device: Device, package: str | None = None, job_id: int | None = None,
                namespace: str | None = None, *, journal: bool | None = None) -> JobHistory:
    """Every start and stop of ``package``'s jobs (the helper by default) that the device still
    knows, oldest first; only job ``job_id`` and/or ``namespace`` when given. ``journal``: read the
    helper's journal (default: when the package is the helper). Reads only."""
    from bridge.app_jobs import AppJobs
    from bridge.errors import JobctlError
    from bridge.helper_protocol import HELPER_PACKAGE

    package = package or HELPER_PACKAGE
    AppJobs(device, package).check_installed()
    dump, now_ms = read_dump(device, package)
    records = dump_records(dump, now_ms, package)
    notes: list[str] = []
    if journal if journal is not None else package == HELPER_PACKAGE:
        from bridge.helper import Helper
        from bridge.model import runs_from_events

        try:
            runs = runs_from_events(Helper(device).read_journal(1).events)
        except JobctlError as error:
            notes.append(f"the helper's journal could not be read ({error}); shown: the dump's history only")
        else:
            records = merge(records, journal_records(runs, package))
    else:
        records = sorted(records, key=lambda r: r.at)
    chosen = tuple(r for r in records if (job_id is None or r.job_id == job_id)
                   and (namespace is None or r.namespace == namespace))
    return JobHistory(package, chosen, tuple(notes))


__all__ = ["MATCH_WINDOW_MS", "Ending", "HistoryKind", "HistoryRecord", "HistorySource", "JobHistory",
           "job_history", "read_reason_text", "reason_name"]
