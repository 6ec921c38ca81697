"""``logcat`` filterspecs, as ``liblog/logprint.cpp`` ``android_log_addFilterRule`` reads them.

``TAG`` alone is ``TAG:V``, ``*`` alone is ``*:D``, the default for tags without a rule is
``*:V``, ``-s`` is ``*:S``, the latest rule for a tag wins, priorities are letters (any case)
or digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jobctl_sim.native.logcat.buffer import PRIORITY_LEVEL, LogEntry

_SILENT = 8
_DEFAULT = 1


class FilterError(ValueError):
    """A filterspec logcat rejects."""


def _priority_from_char(c: str) -> int | None:
    """``filterCharToPri``: letters in any case, ``*`` (default) or digits; None if unknown."""
    c = c.lower()
    if c.isdigit():
        level = int(c)
        if level == 0:  # ANDROID_LOG_UNKNOWN: the rule is rejected
            return None
        return PRIORITY_LEVEL["V"] if level >= _SILENT else level
    table = {"v": 2, "d": 3, "i": 4, "w": 5, "e": 6, "f": 7, "s": _SILENT, "*": _DEFAULT}
    return table.get(c)


@dataclass
class LogFilter:
    """Which entries print: a global minimum priority and per-tag overrides."""

    global_level: int = 2
    tag_levels: dict[str, int] = field(default_factory=dict)

    def add_rule(self, expression: str) -> None:
        """``android_log_addFilterRule``: ``TAG[:PRIO]`` or ``*[:PRIO]``."""
        tag, colon, rest = expression.partition(":")
        if not tag:
            raise FilterError(expression)
        level = _DEFAULT
        if colon:
            found = _priority_from_char(rest[:1]) if rest else None
            if found is None:
                raise FilterError(expression)
            level = found
        if tag == "*":
            self.global_level = PRIORITY_LEVEL["D"] if level == _DEFAULT else level
        else:
            self.tag_levels[tag] = PRIORITY_LEVEL["V"] if level == _DEFAULT else level

    def add_string(self, spec: str) -> None:
        """``android_log_addFilterString``: rules separated by spaces, tabs or commas."""
        for rule in re.split(r"[ \t,]", spec):
            if rule:
                self.add_rule(rule)

    def accepts(self, entry: LogEntry) -> bool:
        level = self.tag_levels.get(entry.tag, self.global_level)
        if level == _DEFAULT:
            level = self.global_level
        return PRIORITY_LEVEL[entry.priority] >= level
