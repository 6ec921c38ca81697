"""Server-side state of one scheduled job (``JS/controllers/JobStatus.java``).

A :class:`JobStatus` is created per ``schedule()``; rescheduling (backoff, periodic) creates a
new one that inherits the work queue, as ``JobStatus.stopTrackingJobLocked(incomingJob)`` moves
executing work to the front of the incoming job's pending work.
"""

from __future__ import annotations

import collections
import enum
from dataclasses import dataclass, replace

from jobctl_sim.framework.jobscheduler.constraints import (
    CONTROLLERS,
    Controller,
    DYNAMIC_RESTRICTED,
    SOFT_OVERRIDE,
    B,
    DeviceFacts,
    implicit_mask,
    network_satisfies,
    required_mask,
)
from jobctl_sim.framework.aosp_constants import StandbyBucket
from jobctl_sim.framework.jobscheduler.model import JobInfo, JobWorkItem
from jobctl_sim.framework.jobscheduler.pending_record import PendingReasonsRecord
from jobctl_sim.framework.userhandle import format_uid

NO_LATEST_RUNTIME = 2**63 - 1
NUM_CONSTRAINT_CHANGE_HISTORY = 10
"""``JobStatus.NUM_CONSTRAINT_CHANGE_HISTORY``: the ``Constraint history:`` ring (12+)."""
TIME_BITS = B.TIMING_DELAY | B.DEADLINE


class Override(enum.IntEnum):
    """``JobStatus.OVERRIDE_*`` (12+: NONE 0, SORTING 1, SOFT 2, FULL 3)."""

    NONE = 0
    SORTING = 1
    SOFT = 2
    FULL = 3


@dataclass
class WorkQueue:
    """Pending and executing JobWorkItems of one job."""

    pending: list[JobWorkItem]
    executing: list[JobWorkItem]
    next_work_id: int = 1

    def enqueue(self, item: JobWorkItem) -> JobWorkItem:
        item = replace(item, work_id=self.next_work_id)
        self.next_work_id += 1
        self.pending.append(item)
        return item

    def dequeue(self) -> JobWorkItem | None:
        """``dequeueWorkLocked``: move the head to executing and bump its delivery count."""
        if not self.pending:
            return None
        item = self.pending.pop(0)
        item = replace(item, delivery_count=item.delivery_count + 1)
        self.executing.append(item)
        return item

    def complete(self, work_id: int) -> bool:
        for i, item in enumerate(self.executing):
            if item.work_id == work_id:
                del self.executing[i]
                return True
        return False

    def carry_over(self) -> WorkQueue:
        """Executing (undelivered-complete) work first, then pending (stopTrackingJobLocked)."""
        return WorkQueue(self.executing + self.pending, [], self.next_work_id)


class JobStatus:
    """One job as JobSchedulerService tracks it."""

    def __init__(
        self,
        job: JobInfo,
        uid: int,
        package: str,
        namespace: str | None,
        now_ms: int,
        *,
        earliest_ms: int | None = None,
        latest_ms: int | None = None,
        num_failures: int = 0,
        work: WorkQueue | None = None,
        ident: int = 0,
    ) -> None:
        self.job = job
        self.uid = uid
        self.package = package
        self.namespace = namespace
        self.enqueue_time_ms = now_ms
        self.num_failures = num_failures
        self.num_system_stops = 0
        self.num_abandoned_failures = 0
        self.abandoned = False
        """16+: the app lost its JobParameters without jobFinished (``JobStatus.mIsAbandoned``)."""
        self.work = work or WorkQueue([], [])
        self.ident = ident
        """Stands in for ``System.identityHashCode`` in the dump header."""
        if earliest_ms is None:
            earliest_ms = now_ms + job.min_latency_ms if job.has_early_constraint else 0
        if latest_ms is None:
            latest_ms = now_ms + job.override_deadline_ms if job.has_late_constraint else NO_LATEST_RUNTIME
        self.earliest_ms = earliest_ms
        self.latest_ms = latest_ms
        self.original_latest_ms = latest_ms
        self.required = required_mask(job)
        self.satisfied = 0
        self.override = Override.NONE
        self.content_triggered = False
        self.changed_uris: list[str] = []
        self.changed_authorities: list[str] = []
        self.ready_to_unready_reason = 0
        self.last_successful_run_wall: float | None = None
        self.last_failed_run_wall: float | None = None
        self.bucket = StandbyBucket.ACTIVE
        self.user_bg_restricted = False
        self.doze_exempt = False
        self.transferred_download = 0
        self.transferred_upload = 0
        self.estimated_download = job.estimated_network_download_bytes
        self.estimated_upload = job.estimated_network_upload_bytes
        self.history: list[tuple[int, int]] = []
        self.constraint_history: collections.deque[tuple[int, int]] = collections.deque(
            maxlen=NUM_CONSTRAINT_CHANGE_HISTORY)
        """(elapsed ms, satisfied mask) each time the satisfied constraints changed."""
        self.internal_flags = 0
        """``JobStatus.mInternalFlags``: 1 = INTERNAL_FLAG_HAS_FOREGROUND_EXEMPTION."""
        self.pending_record = PendingReasonsRecord()
        """36+: the pending reasons now, their history and time per reason (:mod:`.pending_history`)."""
        """``JobStatus.mInternalFlags``: 1 = INTERNAL_FLAG_HAS_FOREGROUND_EXEMPTION."""
        self.deferred_since_ms: int | None = None
        self._controllers: tuple[bool, tuple[Controller, ...]] | None = None
        """(whether ``required`` had a time bit, the controllers that then evaluate the job)."""

    # ---------------------------------------------------------------- identity
    @property
    def job_id(self) -> int:
        return self.job.job_id

    @property
    def key(self) -> tuple[int, str | None, int]:
        return (self.uid, self.namespace, self.job.job_id)

    # ---------------------------------------------------------------- timing
    def timing_delay_passed_at(self, now_ms: int) -> bool:
        return now_ms >= self.earliest_ms

    def deadline_passed_at(self, now_ms: int) -> bool:
        return self.latest_ms != NO_LATEST_RUNTIME and now_ms >= self.latest_ms

    # Attributes the controllers read (constraints.JobView):
    timing_delay_passed = False
    override_deadline_expired = False

    # ---------------------------------------------------------------- evaluation
    def evaluate(self, facts: DeviceFacts, now_ms: int, dynamic_ok_facts: bool = True) -> None:
        """Recompute ``satisfied`` from the controllers plus the implicit constraints."""
        self.timing_delay_passed = self.timing_delay_passed_at(now_ms)
        self.override_deadline_expired = self.deadline_passed_at(now_ms)
        mask = 0
        for controller in self._evaluating_controllers():
            mask |= controller.evaluate(self, facts) & controller.bits
        if self.bucket == StandbyBucket.RESTRICTED and facts.api_level >= 31:
            # Restricted jobs are tracked for the dynamic constraints too (QuotaController /
            # JobStatus.addDynamicConstraints(DYNAMIC_RESTRICTED_CONSTRAINTS)).
            mask |= (B.CHARGING if facts.charging else 0) | (B.BATTERY_NOT_LOW if facts.battery_not_low else 0)
            mask |= B.IDLE if facts.idle else 0
            mask |= B.CONNECTIVITY if network_satisfies(self.job.network, facts.network) else 0
        self.satisfied = mask

    def _evaluating_controllers(self) -> tuple[Controller, ...]:
        """The controllers tracking the JobInfo (immutable), plus TimeController while
        ``required`` has a time bit (a backoff adds one); worked out again only when that changes."""
        timed = bool(self.required & TIME_BITS)
        if self._controllers is None or self._controllers[0] != timed:
            self._controllers = (timed, tuple(
                c for c in CONTROLLERS if c.tracks(self.job) or (c.tracking == "TIME" and timed)))
        return self._controllers[1]

    def set_implicit(self, not_dozing: bool, not_restricted: bool, within_quota: bool, api_level: int) -> None:
        self.satisfied |= (
            (B.DEVICE_NOT_DOZING if not_dozing else 0)
            | (B.BACKGROUND_NOT_RESTRICTED if not_restricted else 0)
            | (B.WITHIN_QUOTA if within_quota else 0)
        )
        if api_level in (33, 34):
            self.satisfied |= B.TARE_WEALTH

    def record_constraints(self, now_ms: int) -> None:
        """``setConstraintSatisfied`` keeps the last changes of the satisfied set with their time."""
        if not self.constraint_history or self.constraint_history[-1][1] != self.satisfied:
            self.constraint_history.append((now_ms, self.satisfied))

    @property
    def dynamic_required(self) -> int:
        return DYNAMIC_RESTRICTED if self.bucket == StandbyBucket.RESTRICTED else 0

    def constraints_satisfied(self) -> bool:
        """``isConstraintsSatisfied``: required bits (minus overridden ones) are satisfied.

        A deadline that passed satisfies everything (``DEADLINE`` set ⇒ ready regardless of the
        other functional constraints; JobStatus.isReady ``deadlineSatisfied``)."""
        if self.override == Override.FULL:
            return True
        required = self.required & ~(B.DEADLINE)
        if self.override == Override.SOFT:
            required &= ~SOFT_OVERRIDE
        return (self.satisfied & required) == required

    def deadline_satisfied(self) -> bool:
        return not self.job.periodic and bool(self.required & B.DEADLINE) and bool(self.satisfied & B.DEADLINE)

    def ready_parts(self, api_level: int) -> dict[str, bool]:
        """The ``Implicit constraints:`` values and whether the job ``isReady()``."""
        exempt_doze = self.doze_exempt or self.job.user_initiated or self.job.expedited
        not_dozing = bool(self.satisfied & B.DEVICE_NOT_DOZING) or exempt_doze
        not_restricted = bool(self.satisfied & B.BACKGROUND_NOT_RESTRICTED)
        within_quota = bool(self.satisfied & B.WITHIN_QUOTA) or self.job.user_initiated
        dynamic = self.dynamic_required
        dynamic_ok = (self.satisfied & dynamic) == dynamic
        return {
            "not_dozing": not_dozing,
            "not_restricted": not_restricted,
            "within_quota": within_quota,
            "dynamic": dynamic_ok,
            "deadline": self.deadline_satisfied(),
        }

    def is_ready(self, api_level: int) -> bool:
        """``JobStatus.isReady``: quota (or dynamic), not dozing, not restricted, then
        constraints or an expired deadline. ``run -f`` does not bypass the implicit gates.

        The gates of :meth:`ready_parts`, checked in place (the service asks this of every job
        on every change)."""
        satisfied, job = self.satisfied, self.job
        if not (satisfied & B.WITHIN_QUOTA or job.user_initiated):
            return False
        dynamic = self.dynamic_required
        if satisfied & dynamic != dynamic:
            return False
        if not (satisfied & B.DEVICE_NOT_DOZING or self.doze_exempt or job.user_initiated or job.expedited):
            return False
        if not satisfied & B.BACKGROUND_NOT_RESTRICTED:
            return False
        return self.deadline_satisfied() or self.constraints_satisfied()

    def unsatisfied(self, api_level: int) -> int:
        wanted = self.required | implicit_mask(api_level) | self.dynamic_required
        if self.bucket == StandbyBucket.NEVER or not (self.satisfied & B.WITHIN_QUOTA):
            wanted |= B.WITHIN_QUOTA
        return wanted & ~self.satisfied

    # ---------------------------------------------------------------- names
    def unique_id(self, api_level: int) -> str:
        """``printUniqueId``: ``#u0a123/42`` or (14+) ``<ns>:u0a123/42``."""
        prefix = f"{self.namespace}:" if (self.namespace is not None and api_level >= 34) else "#"
        return f"{prefix}{format_uid(self.uid)}/{self.job_id}"

    def battery_name(self, api_level: int) -> str:
        """``batteryName``: the short component, ``@ns@``-prefixed with a namespace (14+)."""
        name = self.job.short_service
        if self.namespace is not None and api_level >= 34:
            return f"@{self.namespace}@{name}"
        return name

    def tag(self, api_level: int) -> str:
        """``*job*/<component>`` (+ ``#<jobId>`` on 14-15; reference §2.3 tag suffix).

        16+ (API 36): ``getWakelockTag()`` -- ``*job*`` + the job type when the flag
        ``android.app.job.add_type_info_to_wakelock_tag`` is on (it is in a decompiled Android 16
        framework's ``FeatureFlagsImpl``): ``e`` for a requested expedited job, ``u`` for a
        user-initiated one, else ``r`` -- then ``/`` + ``batteryName``, no job id
        (yaap/frameworks_base ``JobStatus.java`` @3ddcaa00; CTS ``testJobWakelockTag``)."""
        if api_level >= 36:
            kind = "e" if self.job.expedited else ("u" if self.job.user_initiated else "r")
            return f"*job*{kind}/{self.battery_name(api_level)}"
        tag = f"*job*/{self.battery_name(api_level)}"
        return f"{tag}#{self.job_id}" if api_level >= 34 else tag

    def tracking(self) -> list[str]:
        names = [c.tracking for c in CONTROLLERS if c.tracks(self.job)]
        return names
