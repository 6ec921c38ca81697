"""``cmd jobscheduler get-job-state`` output (aosp-shell-interface.md §1.5, §8 item 3).

The tokens are printed irregularly (``pending`` then a space, the others each ending a line,
an extra newline, ``active\\n ready`` with a leading space): split on whitespace and take the
set. An unknown package or job prints ``unknown(<pkg>)`` / ``unknown(u0a123/jid42)``.
"""

from __future__ import annotations

import re

from bridge.model.state import JOB_STATE_TOKENS, JobState
from bridge.parsers.errors import DeviceOutputError

_UNKNOWN = re.compile(r"^unknown\((.*)\)$")


def parse_job_state(text: str) -> JobState:
    """Parse stdout of ``get-job-state``; raises :class:`DeviceOutputError` (a ``ValueError``) on
    empty output."""
    tokens = text.split()
    if not tokens:
        raise DeviceOutputError("empty get-job-state output")
    for token in tokens:
        match = _UNKNOWN.match(token)
        if match:
            return JobState(unknown=match.group(1))
    printed = frozenset(tokens)
    return JobState(pending="pending" in printed, active="active" in printed, user_stopped="user-stopped" in printed,
                    source_user_stopped="source-user-stopped" in printed, backing_up="backing-up" in printed,
                    no_component="no-component" in printed, ready="ready" in printed, waiting="waiting" in printed,
                    other_tokens=printed - frozenset(JOB_STATE_TOKENS))
