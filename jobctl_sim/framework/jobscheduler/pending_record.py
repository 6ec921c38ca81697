"""One job's pending-reasons record (API 36/37); the queries are in :mod:`.pending_history`."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field

HISTORY_SIZE = 10
"""[I] entries kept (see :mod:`.pending_history`)."""


@dataclass
class PendingReasonsRecord:
    """Per job: the reasons now, their history and the time spent waiting for each."""

    current: tuple[int, ...] = ()
    since_elapsed_ms: int = 0
    history: collections.deque[tuple[int, tuple[int, ...]]] = field(
        default_factory=lambda: collections.deque(maxlen=HISTORY_SIZE))
    totals_ms: dict[int, int] = field(default_factory=dict)

    def update(self, reasons: tuple[int, ...], elapsed_ms: int, wall_ms: int) -> None:
        if reasons == self.current and self.history:
            return
        for reason in self.current:
            self.totals_ms[reason] = self.totals_ms.get(reason, 0) + max(0, elapsed_ms - self.since_elapsed_ms)
        self.current, self.since_elapsed_ms = reasons, elapsed_ms
        self.history.append((wall_ms, reasons))

    def stats(self, elapsed_ms: int) -> dict[int, int]:
        totals = dict(self.totals_ms)
        for reason in self.current:
            totals[reason] = totals.get(reason, 0) + max(0, elapsed_ms - self.since_elapsed_ms)
        return {reason: ms for reason, ms in sorted(totals.items()) if reason >= 0}
