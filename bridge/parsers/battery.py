"""``dumpsys battery`` (aosp-shell-interface.md §3.2, §3.5, §8 item 10).

Parsed by key, never by line number: the section starts at ``Current Battery Service state:``
and ends at the first non-indented line (vendors append their own sections, e.g. OPLUS).
Android 16 interleaves lines indented by one space (``Time when the latest updated value …``);
unknown keys, vendor lines included, land in :attr:`BatteryDump.other`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from collections.abc import Mapping

from bridge.parsers.errors import DeviceOutputError

HEADER = "Current Battery Service state:"


@dataclass(frozen=True)
class BatteryDump:
    """The fields jobctl uses; ``None`` when the line is absent (e.g. ``Dock powered`` before 13)."""

    ac_powered: bool | None = None
    usb_powered: bool | None = None
    wireless_powered: bool | None = None
    dock_powered: bool | None = None
    level: int | None = None
    scale: int | None = None
    status: int | None = None
    """1 unknown, 2 charging, 3 discharging, 4 not charging, 5 full (§3.1)."""
    health: int | None = None
    present: bool | None = None
    temperature: int | None = None
    """Tenths of a degree Celsius, as printed."""
    voltage: int | None = None
    technology: str | None = None
    updates_stopped: bool = False
    """``(UPDATES STOPPED -- use 'reset' to restart)``: a ``cmd battery set``/``unplug`` froze the state."""
    other: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    @property
    def plugged(self) -> bool | None:
        """Any power source online (AC, USB, wireless or dock); ``None`` if none was printed."""
        sources = [self.ac_powered, self.usb_powered, self.wireless_powered, self.dock_powered]
        if all(s is None for s in sources):
            return None
        return any(bool(s) for s in sources)


_BOOLS = {"AC powered": "ac_powered", "USB powered": "usb_powered", "Wireless powered": "wireless_powered",
          "Dock powered": "dock_powered", "present": "present"}
_INTS = {"level": "level", "scale": "scale", "status": "status", "health": "health",
         "temperature": "temperature", "voltage": "voltage"}


def _bool(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text.strip().lower())


def _int(text: str) -> int | None:
    body = text.strip()
    return int(body) if _INT.fullmatch(body) else None


_INT = re.compile(r"-?[0-9]{1,19}")


def parse_battery_dump(text: str) -> BatteryDump:
    """Parse ``dumpsys battery``; raises :class:`DeviceOutputError` (a ``ValueError``) if the
    header is missing."""
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == HEADER)
    except StopIteration:
        raise DeviceOutputError("no 'Current Battery Service state:' section in dumpsys battery") from None
    values: dict[str, object] = {}
    other: dict[str, str] = {}
    for raw in lines[start + 1:]:
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if not line[0].isspace():
            break
        body = line.strip()
        if body.startswith("(UPDATES STOPPED"):
            values["updates_stopped"] = True
            continue
        key, sep, value = body.partition(":")
        if not sep:
            continue
        key = key.strip()
        if key in _BOOLS and _BOOLS[key] not in values:
            values[_BOOLS[key]] = _bool(value)
        elif key in _INTS and _INTS[key] not in values:
            values[_INTS[key]] = _int(value)
        elif key == "technology":
            values["technology"] = value.strip()
        else:
            other.setdefault(key, value.strip())
    return BatteryDump(**values, other=MappingProxyType(other))  # type: ignore[arg-type]
