"""``android.util.TimeUtils.formatDuration`` text, read back as milliseconds.

The dumps print durations as ``+1d0h0m0s0ms``, ``-5m2s428ms``, ``+30s0ms``, ``-501ms`` or ``0``
(aosp-shell-interface.md §2.3 "Durations"), and the job history pads inner fields and
right-aligns the whole in 19 columns (``   -1d02h58m34s465ms``, §2.2 item 12).

This is the device's output format only. What a user writes for a duration (``30s``, ``1h30m``:
options, work items, work, spec and scenario files) is the DURATION grammar of
:mod:`bridge.grammar`, one for every front end.
"""

from __future__ import annotations

import re

_DURATION = re.compile(
    r"^(?P<sign>[+-])?"
    r"(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?!s))?(?:(?P<s>\d+)s)?(?:(?P<ms>\d+)ms)?$"
)

_UNIT_MS = {"d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1}


def parse_duration_ms(text: str) -> int:
    """``"+1d0h0m0s0ms"`` -> 86400000, ``"-501ms"`` -> -501, ``"0"`` -> 0.

    Leading/trailing whitespace (the history's right alignment) is ignored. Raises
    :class:`ValueError` for anything else.
    """
    body = text.strip()
    if body in ("0", "+0", "-0"):
        return 0
    match = _DURATION.match(body)
    if match is None or not any(match.group(u) for u in _UNIT_MS):
        raise ValueError(f"not a TimeUtils duration: {text!r}")
    total = sum(int(match.group(unit)) * factor for unit, factor in _UNIT_MS.items() if match.group(unit))
    return -total if match.group("sign") == "-" else total


def is_duration(text: str) -> bool:
    """True if :func:`parse_duration_ms` accepts ``text``."""
    try:
        parse_duration_ms(text)
    except ValueError:
        return False
    return True
