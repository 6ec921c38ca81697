"""``cmd jobscheduler get-job-state`` as a value (aosp-shell-interface.md §1.5).

Several tokens can be printed at once (``pending active``, ``active\\n ready``), so the state is
a set of flags, not one enum. ``waiting`` is printed when no other token applies.
"""

from __future__ import annotations

from dataclasses import dataclass

JOB_STATE_TOKENS = ("pending", "active", "user-stopped", "source-user-stopped", "backing-up",
                    "no-component", "ready", "waiting")
"""Every token ``JobSchedulerService.getJobState`` prints, in its print order (§1.5)."""


def ordered_tokens(tokens: frozenset[str]) -> tuple[str, ...]:
    """State tokens in the platform's print order (``JOB_STATE_TOKENS``), then unknown ones sorted.
    (Here, not in :mod:`bridge.jobs_overview`, which re-exports it: ``jobctl state`` needs no overview.)"""
    return tuple(t for t in JOB_STATE_TOKENS if t in tokens) + tuple(sorted(tokens - set(JOB_STATE_TOKENS)))


@dataclass(frozen=True)
class JobState:
    """The tokens of one ``get-job-state`` answer.

    ``unknown`` is the text inside ``unknown(…)`` when the package or the job does not exist
    (``u0a123/jid42`` or the package name); every flag is then false. ``other_tokens`` keeps
    tokens this table does not know (a newer platform), so nothing printed is lost.
    """

    pending: bool = False
    active: bool = False
    user_stopped: bool = False
    source_user_stopped: bool = False
    backing_up: bool = False
    no_component: bool = False
    ready: bool = False
    waiting: bool = False
    unknown: str | None = None
    other_tokens: frozenset[str] = frozenset()

    @property
    def exists(self) -> bool:
        """False when the platform answered ``unknown(…)``."""
        return self.unknown is None

    @property
    def tokens(self) -> frozenset[str]:
        """The printed tokens as a set (what CTS effectively checks, §1.5)."""
        flags = {token for token in JOB_STATE_TOKENS if getattr(self, token.replace("-", "_"))}
        return frozenset(flags) | self.other_tokens
