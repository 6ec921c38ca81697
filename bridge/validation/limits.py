"""Limits and exception types both validation layers use, and the two ways they refuse."""

from __future__ import annotations

from bridge.errors import JobSpecError

IAE = "java.lang.IllegalArgumentException"
ISE = "java.lang.IllegalStateException"
NPE = "java.lang.NullPointerException"

RESERVED_EXTRAS_PREFIX = "jobctl."
"""Extras keys the helper keeps for itself (PROTOCOL.md §6.1 ``extras``)."""
MAX_ITEMS_PER_ENQUEUE = 100_000
"""PROTOCOL.md §3.5 ``enqueue``: 1..100 000 items per request."""
MAX_DEBUG_TAGS = 32
MAX_TAG_LENGTH = 127
MAX_NAMESPACE_LENGTH = 1000
MIN_TIME_WINDOW_MS = 15 * 60 * 1000
HELPER_SERVICE_SHORT = "dev.jobctl.helper/.HelperJobService"
"""The helper's job service as ``ComponentName.flattenToShortString`` prints it (PROTOCOL.md §1)."""
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


def platform_error(message: str, java_type: str = IAE) -> JobSpecError:
    return JobSpecError(message, java_type=java_type)


def bad_field(path: str, what: str) -> JobSpecError:
    return JobSpecError(f"field {path}: {what}", option=path)
