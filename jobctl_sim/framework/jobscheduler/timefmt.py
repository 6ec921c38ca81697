"""``android.util.TimeUtils.formatDuration`` and the uid/tag formatting the dumps use.

TimeUtils.formatDurationLocked (frameworks/base core/java/android/util/TimeUtils.java):
``+``/``-`` sign (``0`` for zero), then d/h/m/s/ms fields from the largest non-zero one;
once a larger field is printed the smaller ones always follow. With a field length
(``HUNDRED_DAY_FIELD_LEN`` = 19, job history) inner fields are zero-padded (2 digits, 3 for
ms) and the result is right-aligned.
"""

from __future__ import annotations

HUNDRED_DAY_FIELD_LEN = 19
FIRST_APPLICATION_UID = 10000
PER_USER_RANGE = 100000


def format_duration(ms: int, field_len: int = 0) -> str:
    if ms == 0:
        return "0".rjust(field_len) if field_len else "0"
    sign = "+" if ms > 0 else "-"
    ms = abs(ms)
    days, rest = divmod(ms, 86_400_000)
    hours, rest = divmod(rest, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    out = [sign]
    started = False
    pad = field_len > 0
    for value, unit, width in ((days, "d", 0), (hours, "h", 2), (minutes, "m", 2), (seconds, "s", 2)):
        if value or started:
            text = str(value).zfill(width) if (pad and started) else str(value)
            out.append(f"{text}{unit}")
            started = True
    out.append(f"{str(millis).zfill(3) if (pad and started) else millis}ms")
    text = "".join(out)
    return text.rjust(field_len) if field_len else text


def format_uid(uid: int) -> str:
    """``UserHandle.formatUid``: ``1000``, ``u0a183`` (app), ``u10s1000`` (system id, other user)."""
    if uid < FIRST_APPLICATION_UID:
        return str(uid)
    user, app_id = divmod(uid, PER_USER_RANGE)
    if 99000 <= app_id <= 99999:
        return f"u{user}i{app_id - 99000}"
    if app_id >= FIRST_APPLICATION_UID:
        return f"u{user}a{app_id - FIRST_APPLICATION_UID}"
    return f"u{user}s{app_id}"


def user_id(uid: int) -> int:
    return uid // PER_USER_RANGE


def app_id(uid: int) -> int:
    return uid % PER_USER_RANGE
