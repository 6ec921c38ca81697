"""One job's pending-reasons record (API 36/37); the queries are in :mod:`.pending_history`."""

from __future__ import annotations

from dataclasses import dataclass, field

HISTORY_RETURN_LIMIT = 10
"""``JobStatus.PENDING_JOB_HISTORY_RETURN_LIMIT``: ``getPendingJobReasonsHistory`` returns the last 10
(yaap/frameworks_base ``JobStatus.java`` @3ddcaa00, Android 16)."""
HISTORY_TRIM_THRESHOLD = 25
"""``PENDING_JOB_HISTORY_TRIM_THRESHOLD``: once the list holds 25 entries it is cut to its last 10."""


@dataclass
class PendingReasonsRecord:
    """Per job: the satisfied set last seen, the history list, the reasons now and time per reason."""

    last_satisfied: int = 0
    """The satisfied constraints at the last change (a new JobStatus starts with none)."""
    history: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    """``mPendingJobReasonsHistory``: (wall-clock ms, reasons) in the order they were added."""
    current: tuple[int, ...] = ()
    since_elapsed_ms: int = 0
    totals_ms: dict[int, int] = field(default_factory=dict)

    def append(self, reasons: tuple[int, ...], wall_ms: int) -> None:
        """``populatePendingJobReasonsHistoryMap`` then the trim of ``setConstraintSatisfied``."""
        self.history.append((wall_ms, reasons))
        if len(self.history) >= HISTORY_TRIM_THRESHOLD:
            del self.history[:len(self.history) - HISTORY_RETURN_LIMIT]

    def returned_history(self) -> list[tuple[int, tuple[int, ...]]]:
        """``getPendingJobReasonsHistory``: the last :data:`HISTORY_RETURN_LIMIT`, oldest first."""
        return self.history[-HISTORY_RETURN_LIMIT:]

    def update(self, reasons: tuple[int, ...], elapsed_ms: int) -> None:
        """The reasons now (for the 37 stats): close the time of the reasons that held so far."""
        if reasons == self.current:
            return
        for reason in self.current:
            self.totals_ms[reason] = self.totals_ms.get(reason, 0) + max(0, elapsed_ms - self.since_elapsed_ms)
        self.current, self.since_elapsed_ms = reasons, elapsed_ms

    def stats(self, elapsed_ms: int) -> dict[int, int]:
        totals = dict(self.totals_ms)
        for reason in self.current:
            totals[reason] = totals.get(reason, 0) + max(0, elapsed_ms - self.since_elapsed_ms)
        return {reason: ms for reason, ms in sorted(totals.items()) if reason >= 0}
