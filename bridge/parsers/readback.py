"""One-word readbacks and sectioned command lines (``../shared/reference/aosp-shell-interface.md``,
cited as "ref §N").

Conditions are read back with commands that print one word: ``settings get global mobile_data``
(``1``/``0``/``null``), ``cmd deviceidle get screen`` (``true``/``false``), ``cmd jobscheduler
get-battery-charging`` (``true``/``false``, ref §1.6), ``cmd connectivity airplane-mode``
(``enabled``/``disabled``, ref §4), sequence numbers (``get-battery-seq``). Several readbacks go
in one round trip as a :func:`sectioned` line, cut apart again by :func:`split_sections`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bridge.errors import ConditionError

_SECTION = "<<jobctl:{}>>"
_INTEGER = re.compile(r"-?\d+")


def bool_word(text: str, what: str) -> bool:
    """``true``/``1``/``enabled`` or ``false``/``0``/``disabled``/``null`` (an unset setting);
    anything else raises :class:`ConditionError` naming ``what``."""
    word = text.strip()
    if word in ("true", "1", "enabled"):
        return True
    if word in ("false", "0", "disabled", "null"):
        return False
    raise ConditionError(f"unreadable {what}: {text.strip()!r}")


def int_word(text: str, what: str) -> int:
    """A decimal integer (a sequence number, a bucket); anything else raises :class:`ConditionError`."""
    word = text.strip()
    if not _INTEGER.fullmatch(word):
        raise ConditionError(f"unreadable {what}: {word!r}")
    return int(word)


def int_or(text: str, fallback: int) -> int:
    """A decimal integer, or ``fallback`` when the answer is not one."""
    word = text.strip()
    return int(word) if _INTEGER.fullmatch(word) else fallback


def sectioned(commands: Sequence[tuple[str, str]]) -> str:
    """One shell line running every ``(name, command)``, each output after an ``echo`` marker."""
    return "; ".join(f"echo '{_SECTION.format(name)}'; {command}" for name, command in commands)


def split_sections(text: str, names: Sequence[str]) -> dict[str, str]:
    """Cut the output of a :func:`sectioned` command line back into its parts."""
    parts: dict[str, str] = {}
    rest = text
    for name in names:
        marker = _SECTION.format(name) + "\n"
        _, found, rest = rest.partition(marker)
        if not found:
            raise ConditionError(f"readback section {name!r} missing from the device's answer")
        parts[name] = rest
    for name in names:  # trim each part at the next marker
        parts[name] = parts[name].split("<<jobctl:", 1)[0]
    return parts
