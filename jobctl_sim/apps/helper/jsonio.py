"""The protocol's JSON: a strict reader and the canonical writer (PROTOCOL.md §3.1).

Mirrors the Java core (``core/JsonReader.java`` and ``core/JsonWriter.java``) so both helpers
produce byte-identical responses and journal lines:

* reading: RFC 8259, objects keep key order and the last duplicate wins, integers are ``int``
  (64-bit signed, else ``integer out of range``), other numbers ``float``, at most 64 levels of
  nesting; every syntax error is ``malformed JSON at offset N: WHAT`` where ``N`` counts UTF-16
  code units as Java's ``String`` does;
* writing: single-line ASCII, no whitespace, ``"`` and ``\\`` escaped, every other character
  outside U+0020..U+007E as lower-case ``\\uXXXX`` UTF-16 code units, ``/`` unescaped, keys in
  insertion order, floats as Java's ``Double.toString``.

A valid document is parsed by the C-accelerated :mod:`json` scanner (the 10 000-item inbox
requests are large); anything it rejects, or accepts where Java would not, goes through the
exact port of the Java reader, which produces Java's error message.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

MAX_DEPTH = 64
LONG_MIN = -(2**63)
LONG_MAX = 2**63 - 1

JsonValue = Any
"""``None | bool | int | float | str | list[JsonValue] | dict[str, JsonValue]``."""


class MalformedJson(Exception):
    """A syntax error; ``str(exc)`` is the Java reader's message."""


# ----------------------------------------------------------------------------- reading


def java_trim(text: str) -> str:
    """``String.trim()``: strips every character <= U+0020 at both ends."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _fast_parse(text: str) -> tuple[bool, JsonValue]:
    """(True, value) if :mod:`json` parses ``text`` the way the Java reader would."""
    try:
        value = json.loads(text, object_pairs_hook=dict, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return False, None
    if not _within_java_limits(value, 0):
        return False, None
    return True, value


def _within_java_limits(value: JsonValue, depth: int) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return LONG_MIN <= value <= LONG_MAX
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_within_java_limits(v, depth + 1) for v in value)
    return all(_within_java_limits(v, depth + 1) for v in value.values())


def parse(text: str) -> JsonValue:
    """Parse one JSON document; raises :class:`MalformedJson` with the Java message."""
    if text.isascii():
        ok, value = _fast_parse(text)
        if ok:
            return value
    return _Reader(text).parse()


class _Reader:
    """A line-by-line port of ``core/JsonReader.java`` (error positions included)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> JsonValue:
        self.skip_whitespace()
        value = self.read_value(0)
        self.skip_whitespace()
        if self.pos != len(self.text):
            raise self.error("trailing characters")
        return value

    def error(self, what: str) -> MalformedJson:
        units = self.pos + sum(1 for c in self.text[: self.pos] if ord(c) > 0xFFFF)
        return MalformedJson(f"malformed JSON at offset {units}: {what}")

    def skip_whitespace(self) -> None:
        text = self.text
        while self.pos < len(text) and text[self.pos] in " \t\n\r":
            self.pos += 1

    def peek(self) -> str:
        if self.pos >= len(self.text):
            raise self.error("unexpected end of input")
        return self.text[self.pos]

    def read_value(self, depth: int) -> JsonValue:
        if depth > MAX_DEPTH:
            raise self.error("nesting too deep")
        if self.pos >= len(self.text):
            raise self.error("unexpected end of input")
        c = self.text[self.pos]
        if c == "{":
            return self.read_object(depth)
        if c == "[":
            return self.read_array(depth)
        if c == '"':
            return self.read_string()
        if c == "t":
            self.expect_word("true")
            return True
        if c == "f":
            self.expect_word("false")
            return False
        if c == "n":
            self.expect_word("null")
            return None
        if c == "-" or "0" <= c <= "9":
            return self.read_number()
        raise self.error(f"unexpected character '{c}'")

    def expect_word(self, word: str) -> None:
        if not self.text.startswith(word, self.pos):
            raise self.error(f"expected {word}")
        self.pos += len(word)

    def read_object(self, depth: int) -> dict[str, JsonValue]:
        obj: dict[str, JsonValue] = {}
        self.pos += 1
        self.skip_whitespace()
        if self.peek() == "}":
            self.pos += 1
            return obj
        while True:
            self.skip_whitespace()
            if self.peek() != '"':
                raise self.error("expected object key")
            key = self.read_string()
            self.skip_whitespace()
            if self.peek() != ":":
                raise self.error("expected ':'")
            self.pos += 1
            self.skip_whitespace()
            # LinkedHashMap.put: a duplicate keeps its first position and takes the last value.
            obj[key] = self.read_value(depth + 1)
            self.skip_whitespace()
            c = self.peek()
            self.pos += 1
            if c == "}":
                return obj
            if c != ",":
                self.pos -= 1
                raise self.error("expected ',' or '}'")

    def read_array(self, depth: int) -> list[JsonValue]:
        array: list[JsonValue] = []
        self.pos += 1
        self.skip_whitespace()
        if self.peek() == "]":
            self.pos += 1
            return array
        while True:
            self.skip_whitespace()
            array.append(self.read_value(depth + 1))
            self.skip_whitespace()
            c = self.peek()
            self.pos += 1
            if c == "]":
                return array
            if c != ",":
                self.pos -= 1
                raise self.error("expected ',' or ']'")

    def read_string(self) -> str:
        self.pos += 1
        out: list[str] = []
        escapes = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
        while True:
            c = self.peek()
            self.pos += 1
            if c == '"':
                return "".join(out).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
            if c < " ":
                self.pos -= 1
                raise self.error("control character in string")
            if c != "\\":
                out.append(c)
                continue
            escape = self.peek()
            self.pos += 1
            if escape == "u":
                out.append(self.read_hex4())
            elif escape in escapes:
                out.append(escapes[escape])
            else:
                self.pos -= 1
                raise self.error("bad escape")

    def read_hex4(self) -> str:
        if self.pos + 4 > len(self.text):
            raise self.error("unexpected end of input")
        value = 0
        for _ in range(4):
            digit = self.text[self.pos]
            if digit not in "0123456789abcdefABCDEF":
                raise self.error("bad \\u escape")
            value = value * 16 + int(digit, 16)
            self.pos += 1
        return chr(value)

    def skip_digits(self) -> None:
        text = self.text
        while self.pos < len(text) and "0" <= text[self.pos] <= "9":
            self.pos += 1

    def read_number(self) -> int | float:
        text = self.text
        start = self.pos
        if text[self.pos] == "-":
            self.pos += 1
        int_start = self.pos
        self.skip_digits()
        if self.pos == int_start:
            raise self.error("expected digit")
        if text[int_start] == "0" and self.pos - int_start > 1:
            raise self.error("leading zero")
        integral = True
        if self.pos < len(text) and text[self.pos] == ".":
            integral = False
            self.pos += 1
            frac_start = self.pos
            self.skip_digits()
            if self.pos == frac_start:
                raise self.error("expected digit")
        if self.pos < len(text) and text[self.pos] in "eE":
            integral = False
            self.pos += 1
            if self.pos < len(text) and text[self.pos] in "+-":
                self.pos += 1
            exp_start = self.pos
            self.skip_digits()
            if self.pos == exp_start:
                raise self.error("expected digit")
        literal = text[start : self.pos]
        if not integral:
            return float(literal)
        value = int(literal)
        if not LONG_MIN <= value <= LONG_MAX:
            self.pos = start
            raise self.error("integer out of range")
        return value


# ----------------------------------------------------------------------------- writing


def java_double(value: float) -> str:
    """``Double.toString(d)`` (shortest round-trip digits, Java's notation rules)."""
    if not math.isfinite(value):
        raise ValueError(f"not a JSON number: {value!r}")
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    digits_tuple = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(str(d) for d in digits_tuple.digits)
    exponent = len(digits) + int(digits_tuple.exponent) - 1  # scientific exponent
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        if exponent >= 0:
            whole = digits[: exponent + 1].ljust(exponent + 1, "0")
            frac = digits[exponent + 1 :] or "0"
        else:
            whole = "0"
            frac = "0" * (-exponent - 1) + digits
        return f"{sign}{whole}.{frac}"
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{sign}{mantissa}E{exponent}"


def _escape(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif 0x20 <= code <= 0x7E:
            out.append(ch)
        elif code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    out.append('"')
    return "".join(out)


def write(value: JsonValue) -> str:
    """Canonical JSON text of ``value`` (dict key order is kept)."""
    parts: list[str] = []
    _append(parts, value)
    return "".join(parts)


def _append(parts: list[str], value: JsonValue) -> None:
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(str(value))
    elif isinstance(value, float):
        parts.append(java_double(value))
    elif isinstance(value, str):
        parts.append(_escape(value) if not value.isascii() or _needs_escape(value) else f'"{value}"')
    elif isinstance(value, dict):
        parts.append("{")
        first = True
        for key, item in value.items():
            if not first:
                parts.append(",")
            first = False
            parts.append(_escape(key))
            parts.append(":")
            _append(parts, item)
        parts.append("}")
    elif isinstance(value, (list, tuple)):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _append(parts, item)
        parts.append("]")
    else:
        raise TypeError(f"not a JSON value: {type(value).__name__}")


def _needs_escape(text: str) -> bool:
    return '"' in text or "\\" in text or any(not 0x20 <= ord(c) <= 0x7E for c in text)
