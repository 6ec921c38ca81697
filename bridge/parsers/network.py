"""What the network commands print (``../shared/reference/aosp-shell-interface.md`` §4, "ref §4"):
``cmd wifi status`` and ``cmd netpolicy list wifi-networks``."""

from __future__ import annotations

import enum
import re

from bridge.parsers.readback import bool_word

_SSID_LINE = re.compile(r'^Wifi is connected to "(.*)"\s*$', re.MULTILINE)


class MeteredOverride(enum.Enum):
    """``cmd netpolicy set metered-network SSID true|false|none`` (ref §4)."""

    METERED = "true"
    UNMETERED = "false"
    AUTOMATIC = "none"

    @classmethod
    def of(cls, metered: bool | None) -> MeteredOverride:
        return cls.AUTOMATIC if metered is None else cls.METERED if metered else cls.UNMETERED


def parse_wifi_enabled(status: str) -> bool:
    """``cmd wifi status``'s first line: ``Wifi is enabled`` / ``Wifi is disabled`` (no line: off)."""
    first = status.splitlines()[:1]
    return bool_word(first[0].removeprefix("Wifi is "), "wifi status") if first else False


def parse_wifi_ssid(status: str) -> str | None:
    """The connected SSID in ``cmd wifi status`` (``Wifi is connected to "SSID"``), ref §4 [I]."""
    match = _SSID_LINE.search(status)
    return match.group(1) if match else None


def parse_metered_overrides(text: str) -> tuple[tuple[str, MeteredOverride], ...]:
    """``cmd netpolicy list wifi-networks``: ``SSID;true|false|none`` lines (ref §4)."""
    pairs = []
    for line in text.splitlines():
        ssid, sep, value = line.strip().rpartition(";")
        if sep and value in ("true", "false", "none"):
            pairs.append((ssid, MeteredOverride(value)))
    return tuple(pairs)
