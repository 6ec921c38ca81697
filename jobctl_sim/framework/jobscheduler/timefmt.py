"""``android.util.TimeUtils.formatDuration``, the duration format the dumps use.

TimeUtils.formatDurationLocked (frameworks/base core/java/android/util/TimeUtils.java):
``+``/``-`` sign (``0`` for zero), then d/h/m/s/ms fields from the largest non-zero one;
once a larger field is printed the smaller ones always follow. With a field length
(``HUNDRED_DAY_FIELD_LEN`` = 19, job history) inner fields are zero-padded (2 digits, 3 for
ms) and the result is right-aligned.
"""

from __future__ import annotations

HUNDRED_DAY_FIELD_LEN = 19


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

