"""``cmd appops get PKG RUN_ANY_IN_BACKGROUND`` (``../shared/reference/aosp-shell-interface.md`` §5.5)."""

from __future__ import annotations

import enum

from bridge.errors import ConditionError

RUN_ANY_IN_BACKGROUND = "RUN_ANY_IN_BACKGROUND"


class AppOpMode(enum.Enum):
    """Modes of ``RUN_ANY_IN_BACKGROUND`` (ref §5.5); ``DEFAULT`` is "never set" (``No operations.``)."""

    ALLOW = "allow"
    IGNORE = "ignore"
    DEFAULT = "default"


def parse_appop_mode(text: str) -> AppOpMode:
    """``cmd appops get PKG RUN_ANY_IN_BACKGROUND`` (ref §5.5): ``OP: mode`` or ``No operations.``."""
    for line in text.splitlines():
        if line.startswith(f"{RUN_ANY_IN_BACKGROUND}:"):
            mode = line.split(":", 1)[1].strip().split(";")[0].strip()
            try:
                return AppOpMode(mode)
            except ValueError:
                raise ConditionError(f"unreadable {RUN_ANY_IN_BACKGROUND} mode: {line.strip()!r}") from None
    return AppOpMode.DEFAULT
