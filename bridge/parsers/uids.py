"""``UserHandle.formatUid`` text back to a uid: ``u0a183`` -> 10183, ``1000`` -> 1000."""

from __future__ import annotations

import re

from bridge.parsers.errors import DeviceOutputError

PER_USER_RANGE = 100_000
FIRST_APPLICATION_UID = 10_000
FIRST_ISOLATED_UID = 99_000

UID_PATTERN = r"(?:u[0-9]+[asi][0-9]+|[0-9]+)"
"""A regex fragment matching any printed uid."""

_UID = re.compile(r"u([0-9]{1,9})([asi])([0-9]{1,9})")


def parse_uid(text: str) -> int:
    """``u0a183`` -> 10183, ``u10s1000`` -> 1001000, ``u0i5`` -> 99005, ``1000`` -> 1000; raises
    :class:`DeviceOutputError` (a ``ValueError``) for anything else."""
    match = _UID.fullmatch(text)
    if match is None:
        if text.isascii() and text.isdigit() and len(text) <= 19:
            return int(text)
        raise DeviceOutputError(f"not a printed uid: {text[:40]!r}")
    user, kind, number = int(match.group(1)), match.group(2), int(match.group(3))
    base = {"a": FIRST_APPLICATION_UID, "s": 0, "i": FIRST_ISOLATED_UID}[kind]
    return user * PER_USER_RANGE + base + number
