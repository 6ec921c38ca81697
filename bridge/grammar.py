"""The text a user writes for jobctl values, read into bridge values: DURATIONs, BYTES, byte
estimates, ``KEY=VALUE`` extras, ``key=value,flag`` lists, WORK SPECs (``tag=a,download=4MB``),
``INTERVAL[,FLEX]``, ``POLICY[,INITIAL]`` and ``URI[,descendants]``.

One grammar for every front end: the command line (``cli.param_types`` wraps these in click
types), work and spec files (:mod:`bridge.spec_files`) and scenario files
(:mod:`bridge.scenario.loader`). Everything here is pure and cheap to import (``bridge.model``
is imported inside the functions that build model values). Bad input raises
:class:`GrammarError`, a :class:`ValueError` whose message is one line for the user.

Syntax (documented for users in docs/cli-json.md, "Input syntax"):

* DURATION: one or more ``<number><unit>`` parts, units ``ms``, ``s``, ``m``, ``h``, ``d``
  (``500ms``, ``30s``, ``15m``, ``2h``, ``1h30m``, ``1.5s``); ``0`` alone is zero. A bare number
  other than 0 is refused, with the same message wherever a DURATION is asked for
  (:data:`BARE_NUMBER`: is ``30`` seconds or milliseconds?). The result is whole milliseconds.
* BYTES: a whole number of bytes (``1024``) or a number with a unit, case-insensitive:
  ``B``; decimal (SI) ``KB`` = 1000, ``MB`` = 1000², ``GB`` = 1000³, ``TB`` = 1000⁴; binary
  (IEC) ``KiB`` = 1024, ``MiB`` = 1024², ``GiB`` = 1024³, ``TiB`` = 1024⁴. ``1.5MB`` is allowed
  when it comes to whole bytes. A byte *estimate* also accepts ``unknown`` (= -1,
  ``JobInfo.NETWORK_BYTES_UNKNOWN``).
* WORK SPEC: comma-separated ``key=value`` parts and bare flags, see :func:`parse_work_spec`.

(``bridge.durations`` reads a different text: the ``TimeUtils.formatDuration`` output of the
device's dumps, never typed by a user.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fractions import Fraction

    from bridge.model import Backoff, ByteEstimate, ExtraValue, Periodic, TriggerContentUri, WorkItem


class GrammarError(ValueError):
    """Input text that is not what the syntax allows (the message is one line for the user)."""


MAX_VALUE = 2**63 - 1
"""The largest duration (ms) or byte count: a Java ``long``."""

_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
"""What :meth:`str.splitlines` splits on."""


def one_line(text: str) -> str:
    """``text`` with every character that would end a line (``\\n``, ``\\r``, ``\\u2028`` …) written as
    its escape, so that an error quoting the user's input (a file name, a key) stays one line."""
    return "".join(repr(c)[1:-1] if c in _LINE_BREAKS else c for c in text)


def _exact(number: str, text: str) -> Fraction:
    """A decimal number as an exact fraction (no float rounding); refuses absurdly long ones."""
    from fractions import Fraction  # only when a number is parsed: fractions imports decimal (start-up, issue 16)

    if len(number) > 40:
        raise GrammarError(f"{text[:60]!r}… has too many digits")
    return Fraction(number)


# ----------------------------------------------------------------- durations

_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)")
_BARE_NUMBER = re.compile(r"[+-]?[0-9]*\.?[0-9]+")
_DURATION_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
DURATION_HELP = "e.g. 500ms, 30s, 15m, 2h, 1h30m"
BARE_NUMBER = "{text!r} is not a duration: a bare number needs a unit, ms, s, m, h or d (" + DURATION_HELP + ")"
"""The one message for a bare number where a DURATION is asked for (``.format(text=…)``)."""


def parse_duration(text: str) -> int:
    """``"500ms"`` -> 500, ``"1h30m"`` -> 5400000, ``"0"`` -> 0; milliseconds (exact arithmetic)."""
    body = text.strip().lower()
    if body == "0":
        return 0
    if _BARE_NUMBER.fullmatch(body):
        raise GrammarError(BARE_NUMBER.format(text=text))
    from fractions import Fraction

    position, total = 0, Fraction(0)
    for match in _DURATION_PART.finditer(body):
        if match.start() != position:
            break
        total += _exact(match.group(1), text) * _DURATION_UNITS_MS[match.group(2)]
        position = match.end()
    if position == 0 or position != len(body):
        raise GrammarError(f"{text!r} is not a duration ({DURATION_HELP})")
    if total.denominator != 1:
        raise GrammarError(f"{text!r} is not a whole number of milliseconds")
    if total > MAX_VALUE:
        raise GrammarError(f"{text!r} is too long (at most {MAX_VALUE} ms)")
    return int(total)


def parse_positive_duration(text: str) -> int:
    """A DURATION of more than 0 ms."""
    value = parse_duration(text)
    if value <= 0:
        raise GrammarError(f"{text!r} is not a positive duration ({DURATION_HELP})")
    return value


# ----------------------------------------------------------------- bytes

_BYTES = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)", re.ASCII)
_BYTE_UNITS = {
    "": 1, "b": 1,
    "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
    "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4,
}
BYTES_HELP = "e.g. 1024, 10KB (=10000), 5MiB (=5242880)"


def parse_bytes(text: str) -> int:
    """``"1024"`` -> 1024, ``"10KB"`` -> 10000, ``"5MiB"`` -> 5242880 (exact arithmetic)."""
    match = _BYTES.fullmatch(text.strip().lower())
    if match is None or match.group(2) not in _BYTE_UNITS:
        raise GrammarError(f"{text!r} is not a byte count ({BYTES_HELP}; KB/MB/GB are powers of 1000, "
                           "KiB/MiB/GiB powers of 1024)")
    if match.group(2) == "" and "." in match.group(1):
        raise GrammarError(f"{text!r} is not a whole number of bytes")
    value = _exact(match.group(1), text) * _BYTE_UNITS[match.group(2)]
    if value.denominator != 1:
        raise GrammarError(f"{text!r} is not a whole number of bytes")
    if value > MAX_VALUE:
        raise GrammarError(f"{text!r} is too large (at most {MAX_VALUE} bytes)")
    return int(value)


def parse_byte_estimate_value(text: str) -> int:
    """BYTES, or ``unknown`` for ``NETWORK_BYTES_UNKNOWN`` (-1)."""
    return -1 if text.strip().lower() in ("unknown", "-1") else parse_bytes(text)


def parse_byte_estimate(text: str, separator: str = ",") -> ByteEstimate:
    """``"DOWN,UP"`` -> ``ByteEstimate``; either side may be ``unknown``."""
    from bridge.model import ByteEstimate

    parts = text.split(separator)
    if len(parts) != 2:
        raise GrammarError(f"{text!r} is not DOWN{separator}UP (e.g. 10MB{separator}1MB, unknown{separator}0)")
    return ByteEstimate(parse_byte_estimate_value(parts[0]), parse_byte_estimate_value(parts[1]))


def parse_count(text: str) -> int:
    """A whole number (at most 19 digits)."""
    if not _INT.fullmatch(text.strip()) or len(text.strip().lstrip("+-").lstrip("0")) > 19:
        raise GrammarError(f"{text!r} is not a whole number")
    return int(text)


# ----------------------------------------------------------------- KEY=VALUE

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def parse_extra(text: str) -> tuple[str, ExtraValue]:
    """``KEY=VALUE``: ``true``/``false`` -> bool, ``42`` -> int, ``1.5`` -> float, else a string;
    ``KEY="42"`` (double-quoted) is always the string inside the quotes. An integer must fit a
    Java ``long`` and a number a finite ``double`` (quote it to send it as a string)."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise GrammarError(f"{text!r} is not KEY=VALUE")
    value: ExtraValue
    if len(raw) >= 2 and raw.startswith('"') and raw.endswith('"'):
        value = raw[1:-1]
    elif raw in ("true", "false"):
        value = raw == "true"
    elif _INT.fullmatch(raw):
        if len(raw.lstrip("+-").lstrip("0")) > 19 or not -(2**63) <= int(raw) <= MAX_VALUE:
            raise GrammarError(f"{text!r}: {raw} is out of range for a 64-bit integer "
                               f"(write {key}=\"{raw}\" for a string)")
        value = int(raw)
    elif _FLOAT.fullmatch(raw):
        value = float(raw)
        if not math.isfinite(value):
            raise GrammarError(f"{text!r}: {raw} is out of range for a double (write {key}=\"{raw}\" for a string)")
    else:
        value = raw
    return key, value


def parse_key_value_list(text: str, keys: tuple[str, ...], flags: tuple[str, ...] = (),
                         what: str = "list") -> dict[str, str | bool]:
    """``"a=1, b=x,flag"``: comma-separated ``key=value`` parts (values stripped) and bare
    ``flags`` (True; ``flag=true``/``flag=false`` also accepted); only ``keys`` and ``flags``,
    each at most once; empty parts are skipped. Errors start with ``what``."""
    fields: dict[str, str | bool] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if key not in keys:
            raise GrammarError(f"{what}: unknown key {key!r} (keys: {', '.join(keys)})")
        if key in fields:
            raise GrammarError(f"{what}: {key} given twice")
        if key in flags:
            if sep and value.strip().lower() not in ("true", "false"):
                raise GrammarError(f"{what}: {key} takes no value (or true/false)")
            fields[key] = (value.strip().lower() != "false") if sep else True
        elif not sep:
            raise GrammarError(f"{what}: {key} needs a value ({key}=…)")
        else:
            fields[key] = value.strip()
    return fields


# ----------------------------------------------------------------- work items

WORK_KEYS = ("tag", "download", "upload", "duration", "chunks", "estimated", "min-chunk", "incomplete")
WORK_HELP = "e.g. tag=a,download=1MB,duration=2s,incomplete"


def parse_work_spec(text: str, index: int = 0) -> WorkItem:
    """One work item from the compact syntax, comma-separated:

    * ``tag=NAME`` (default ``item-<n>``, n counting from 1 over all items);
    * ``download=BYTES``, ``upload=BYTES``: the item transfers that much (a ``transfer`` step);
    * ``duration=DURATION``: how long the transfer takes, or how long the item sleeps when it
      transfers nothing; ``chunks=N``: progress reports during a transfer (default 1);
    * ``estimated=DOWN/UP``: the ``JobWorkItem`` byte estimate (each side BYTES or ``unknown``);
    * ``min-chunk=BYTES``: the ``JobWorkItem`` minimum network chunk;
    * ``incomplete``: the item script ends without completing the item (it is redelivered).
    """
    where = f"work item {text!r}"
    fields = parse_key_value_list(text, WORK_KEYS, flags=("incomplete",), what=where)
    return work_item_from_mapping(fields, index, where=where)


def work_item_from_mapping(fields: Mapping[str, Any], index: int = 0, where: str | None = None) -> WorkItem:
    """A work item from a mapping with the :func:`parse_work_spec` keys (``min_chunk`` is
    accepted for ``min-chunk``); values may be strings in the CLI syntax or plain numbers
    (bytes, milliseconds: a file's typed number has its unit in the documentation, where a
    string is read with this module's grammar)."""
    from bridge.model import ByteEstimate, ItemScript, Sleep, Transfer, WorkItem

    where = where or f"work item {index + 1}"
    unknown = [k for k in fields if k.replace("_", "-") not in WORK_KEYS]
    if unknown:
        raise GrammarError(f"{where}: unknown key {unknown[0]!r} (keys: {', '.join(WORK_KEYS)})")
    values = {k.replace("_", "-"): v for k, v in fields.items()}

    def number(key: str, parse: Callable[[str], int]) -> int | None:
        value = values.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            raise GrammarError(f"{where}: {key} must be a number or text, not {value}")
        if isinstance(value, int):
            if value < 0:
                raise GrammarError(f"{where}: {key} must be >= 0")
            return value
        try:
            return parse(str(value))
        except GrammarError as error:
            raise GrammarError(f"{where}: {key}: {error}") from None

    tag = values.get("tag", f"item-{index + 1}")
    if not isinstance(tag, str) or not tag:
        raise GrammarError(f"{where}: tag must be a non-empty string")
    down = number("download", parse_bytes)
    up = number("upload", parse_bytes)
    duration = number("duration", parse_duration)
    chunks = number("chunks", parse_count)
    if chunks is not None and chunks < 1:
        raise GrammarError(f"{where}: chunks must be >= 1")
    incomplete = values.get("incomplete", False)
    if not isinstance(incomplete, bool):
        raise GrammarError(f"{where}: incomplete must be true or false")
    estimated: ByteEstimate | None = None
    if values.get("estimated") is not None:
        raw = values["estimated"]
        try:
            if isinstance(raw, (list, tuple)) and len(raw) == 2:
                estimated = ByteEstimate(*(parse_byte_estimate_value(str(v)) for v in raw))
            else:
                estimated = parse_byte_estimate(str(raw), separator="/")
        except GrammarError as error:
            raise GrammarError(f"{where}: estimated: {error}") from None
    min_chunk = number("min-chunk", parse_bytes)

    steps: tuple[Any, ...] = ()
    if down is not None or up is not None:
        steps = (Transfer(down or 0, up or 0, duration or 0, chunks or 1),)
    elif duration is not None:
        steps = (Sleep(duration),)
    elif chunks is not None:
        raise GrammarError(f"{where}: chunks needs download= or upload=")
    script = ItemScript(steps, complete=not incomplete) if (steps or incomplete) else None
    return WorkItem(tag, estimated, min_chunk, script)


# ----------------------------------------------------------------- JobInfo option values


def parse_periodic(text: str) -> Periodic:
    """``INTERVAL[,FLEX]`` (DURATIONs) -> ``Periodic``."""
    from bridge.model import Periodic

    interval, sep, flex = text.partition(",")
    return Periodic(parse_duration(interval), parse_duration(flex) if sep else None)


def parse_backoff(text: str) -> Backoff:
    """``POLICY[,INITIAL]``: ``linear`` or ``exponential``, INITIAL a DURATION."""
    from bridge.model import Backoff, BackoffPolicy

    policy, sep, initial = text.partition(",")
    try:
        kind = BackoffPolicy[policy.strip().upper()]
    except KeyError:
        raise GrammarError(f"{text!r}: policy must be linear or exponential") from None
    return Backoff(parse_duration(initial), kind) if sep else Backoff(policy=kind)


def parse_trigger_uri(text: str) -> TriggerContentUri:
    """``URI[,descendants]`` (``,descendants``: ``FLAG_NOTIFY_FOR_DESCENDANTS``)."""
    from bridge.model import TriggerContentUri

    uri, descendants = (text[: -len(",descendants")], True) if text.endswith(",descendants") else (text, False)
    if not uri:
        raise GrammarError(f"{text!r} is not a content URI")
    return TriggerContentUri(uri, descendants)
