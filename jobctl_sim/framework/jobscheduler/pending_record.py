"""One job's pending-reasons record (API 36/37); the queries are in :mod:`.pending_history`.

The history is Android 16's (yaap/frameworks_base ``apex/jobscheduler/service/java/com/android/
server/job/controllers/JobStatus.java`` @3ddcaa00537ad17c17a59c73990d12441d689aaf). The stats are
Android 17's, from muhomorr/platform_frameworks_base-15 ``apex/jobscheduler/service/java/com/
android/server/job/controllers/JobStatus.java`` @a7059b050d1e015e0085fc356ef439b5a38439d5:

* ``mLastTimesConstraintsUnsatisfied`` (:attr:`PendingReasonsRecord.last_unsatisfied`) and
  ``mPendingJobReasonsStats`` (:attr:`PendingReasonsRecord.waited`) are ``SparseLongArray``\\ s
  keyed by the pending reason a constraint stands for, in elapsed-realtime milliseconds.
* ``updatePendingJobReasonStats`` (:meth:`PendingReasonsRecord.constraint_changed`) runs at the end
  of every ``setConstraintSatisfied`` that changed a bit: a lost constraint stores the time under
  its reason (a later loss of another constraint of the same reason overwrites it); a met one adds
  ``now - that time`` and drops the time, or -- with no time stored (``get`` answers 0) --
  ``now - enqueueTime``. So every constraint a controller satisfies when the job is first tracked
  adds 0 ms: the map has an entry for it.
* ``getPendingJobReasonStats`` (:meth:`PendingReasonsRecord.stats`): the stored totals, then for
  each reason the job waits for now (``constraintsToPendingJobReasons``): with no total yet,
  ``now - enqueueTime``; with a total and a stored time, total + ``now - time``; with a total and no
  time, the total as it is (the platform logs "Unsatisfied constraint not being tracked").
* The rescheduling constructor (``getRescheduleJobForFailureLocked`` and ``…ForPeriodic``) clones
  both arrays into the new JobStatus (:meth:`PendingReasonsRecord.carry_stats`); the history is not
  copied, and ``enqueueTime`` is the new job's (``startTrackingJobLocked``). So the stats go only
  with the job (cancel, ``schedule()`` again, a one-off that succeeds): a periodic job's next
  period keeps them, although the ``JobScheduler`` javadoc says they are cleared on success.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HISTORY_RETURN_LIMIT = 10
"""``JobStatus.PENDING_JOB_HISTORY_RETURN_LIMIT``: ``getPendingJobReasonsHistory`` returns the last 10
(yaap/frameworks_base ``JobStatus.java`` @3ddcaa00, Android 16)."""
HISTORY_TRIM_THRESHOLD = 25
"""``PENDING_JOB_HISTORY_TRIM_THRESHOLD``: once the list holds 25 entries it is cut to its last 10."""


@dataclass
class PendingReasonsRecord:
    """Per job: the satisfied set last seen, the history list, and the 37 stats arrays."""

    last_satisfied: int = 0
    """The satisfied constraints at the last change (a new JobStatus starts with none)."""
    history: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    """``mPendingJobReasonsHistory``: (wall-clock ms, reasons) in the order they were added."""
    stats_satisfied: int = 0
    """The constraint bits as the stats last saw them (``satisfiedConstraints``, per bit)."""
    last_unsatisfied: dict[int, int] = field(default_factory=dict)
    """``mLastTimesConstraintsUnsatisfied``: reason -> elapsed ms it was last lost."""
    waited: dict[int, int] = field(default_factory=dict)
    """``mPendingJobReasonsStats``: reason -> ms waited for it, spans that have ended."""

    def append(self, reasons: tuple[int, ...], wall_ms: int) -> None:
        """``populatePendingJobReasonsHistoryMap`` then the trim of ``setConstraintSatisfied``."""
        self.history.append((wall_ms, reasons))
        if len(self.history) >= HISTORY_TRIM_THRESHOLD:
            del self.history[:len(self.history) - HISTORY_RETURN_LIMIT]

    def returned_history(self) -> list[tuple[int, tuple[int, ...]]]:
        """``getPendingJobReasonsHistory``: the last :data:`HISTORY_RETURN_LIMIT`, oldest first."""
        return self.history[-HISTORY_RETURN_LIMIT:]

    def constraint_changed(self, reason: int, satisfied: bool, now_ms: int, enqueue_ms: int) -> None:
        """``updatePendingJobReasonStats`` for one constraint bit mapped to ``reason``."""
        if not satisfied:
            self.last_unsatisfied[reason] = now_ms
            return
        lost = self.last_unsatisfied.pop(reason, 0)
        self.waited[reason] = self.waited.get(reason, 0) + now_ms - (enqueue_ms if lost == 0 else lost)

    def stats(self, pending_now: list[int], now_ms: int, enqueue_ms: int) -> dict[int, int]:
        """``getPendingJobReasonStats``: reason -> ms, ``pending_now`` being the reasons the job
        waits for at ``now_ms`` (``constraintsToPendingJobReasons``)."""
        out = dict(self.waited)
        for reason in reversed(pending_now):
            if reason not in out:
                out[reason] = now_ms - enqueue_ms
            elif reason in self.last_unsatisfied:
                out[reason] = self.waited[reason] + now_ms - self.last_unsatisfied[reason]
        return out

    def carry_stats(self, old: PendingReasonsRecord) -> None:
        """The rescheduling constructor: ``mLastTimesConstraintsUnsatisfied`` and
        ``mPendingJobReasonsStats`` are cloned from the job it replaces."""
        self.last_unsatisfied = dict(old.last_unsatisfied)
        self.waited = dict(old.waited)
