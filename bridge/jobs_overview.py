"""The helper's pending jobs, each joined with what the platform and the journal say about it
(``jobctl jobs``): JobScheduler's state tokens (``cmd jobscheduler get-job-state``), the
required and unsatisfied constraints and the standby bucket (``dumpsys jobscheduler
PACKAGE``), and the last stop reason (the helper's journal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bridge.model.state import ordered_tokens as ordered_tokens  # re-exported

if TYPE_CHECKING:
    from bridge.model import Priority, StopReason
    from bridge.helper_protocol import PendingJob
    from bridge.jobs import Session
    from bridge.model import PendingReason
    from bridge.parsers import DumpedJob


@dataclass(frozen=True)
class JobOverview:
    """One pending job of the helper (``None``: not known, or the getter is missing on the level)."""

    job_id: int
    namespace: str | None
    state: tuple[str, ...]
    """``get-job-state`` tokens in the platform's print order, then newer ones sorted."""
    required_constraints: tuple[str, ...]
    unsatisfied_constraints: tuple[str, ...]
    standby_bucket: str | None
    pending_reason: PendingReason | int | None
    last_stop_reason: StopReason | int | None
    periodic: bool
    persisted: bool
    expedited: bool | None
    user_initiated: bool | None
    priority: Priority | int | None

    def to_json_object(self) -> dict[str, Any]:
        """The ``jobs --json`` form of one job (docs/cli-json.md)."""
        return {
            "job_id": self.job_id,
            "namespace": self.namespace,
            "state": list(self.state),
            "required_constraints": list(self.required_constraints),
            "unsatisfied_constraints": list(self.unsatisfied_constraints),
            "standby_bucket": self.standby_bucket,
            "pending_reason": enum_name(self.pending_reason),
            "last_stop_reason": enum_name(self.last_stop_reason),
            "last_stop_reason_code": int(self.last_stop_reason) if self.last_stop_reason is not None else None,
            "periodic": self.periodic,
            "persisted": self.persisted,
            "expedited": self.expedited,
            "user_initiated": self.user_initiated,
            "priority": int(self.priority) if self.priority is not None else None,
        }


def enum_name(value: StopReason | PendingReason | Priority | int | None) -> str | None:
    """A member's name, the number for a value newer than jobctl, or ``None``."""
    if value is None:
        return None
    name = getattr(value, "name", None)
    return name if isinstance(name, str) else str(int(value))


def jobs_overview(session: Session, namespace: str | None) -> tuple[JobOverview, ...]:
    """The helper's pending jobs (every namespace on API 34+ when ``namespace`` is ``None``), in
    the helper's order, joined with the dump (constraints, bucket) and the journal (last stop)."""
    from bridge.helper_protocol import HELPER_PACKAGE
    from bridge.model import runs_from_events
    from bridge.parsers import parse_jobscheduler_dump

    every = namespace is None and session.device.api_level >= 34
    pending = session.pending(namespace, all_namespaces=every)
    dump = parse_jobscheduler_dump(session.device.shell(["dumpsys", "jobscheduler", HELPER_PACKAGE]).text)
    last_stop: dict[tuple[int, str | None], StopReason | int] = {}
    for run in runs_from_events(session.helper.read_journal().events):
        if run.stop_reason is not None:
            last_stop[(run.job_id, run.namespace)] = run.stop_reason
    return tuple(_overview(session, job, dump.jobs, last_stop.get((job.job_id, job.namespace)), HELPER_PACKAGE)
                 for job in pending)


def _overview(session: Session, job: PendingJob, dumped_jobs: tuple[DumpedJob, ...], last_stop: StopReason | int | None,
              package: str) -> JobOverview:
    dumped = next((d for d in dumped_jobs if d.job_id == job.job_id and d.namespace == job.namespace
                   and d.package == package), None)
    found = session.job(job.job_id, job.namespace).state()
    return JobOverview(
        job_id=job.job_id,
        namespace=job.namespace,
        state=ordered_tokens(found.tokens),
        required_constraints=tuple(sorted(dumped.required_constraints)) if dumped else (),
        unsatisfied_constraints=tuple(sorted(dumped.unsatisfied_constraints)) if dumped else (),
        standby_bucket=dumped.standby_bucket if dumped else None,
        pending_reason=job.pending_reason,
        last_stop_reason=last_stop,
        periodic=job.periodic,
        persisted=job.persisted,
        expedited=job.expedited,
        user_initiated=job.user_initiated,
        priority=job.priority,
    )
