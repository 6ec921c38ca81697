"""The stop reasons of the helper's past runs, rebuilt from its durable journal (read with
``run-as``, which does not wake the app)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bridge.model import JobRun, RunEnd, StopReason, runs_from_events

if TYPE_CHECKING:
    from bridge.device import Device
    from bridge.jobs import Session


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
    from bridge.device import Device  # loaded already: the caller holds one
    from bridge.journal_reader import read_journal

    device = session_or_device if isinstance(session_or_device, Device) else session_or_device.device
    runs = runs_from_events(read_journal(device, 1).events)
    return tuple(_stop_record(run) for run in runs
                 if (run.end is RunEnd.STOPPED or run.stop_elapsed_ms is not None)
                 and (namespace is None or run.namespace == namespace)
                 and (job_id is None or run.job_id == job_id))
