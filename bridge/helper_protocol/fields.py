"""Typed, path-aware reading of a SPEC / ITEM / script object (PROTOCOL.md §6.1), as the helper
reads it: a key whose value is ``null`` counts as absent, and every failure is a
:class:`FieldError` naming the field's path. No I/O.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import TypeGuard

from bridge.errors import HelperProtocolError

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


class FieldError(HelperProtocolError):
    """A SPEC / ITEM / script value of the wrong shape: ``field`` is its path (``spec.periodic``),
    ``detail`` what is wrong (``expected integer``). The message reads as the helper's
    ``bad_request`` text (PROTOCOL.md §4): ``field spec.periodic.interval_ms: expected integer``."""

    def __init__(self, field: str, detail: str, message: str | None = None) -> None:
        super().__init__(message or f"field {field}: {detail}")
        self.field = field
        self.detail = detail


def canonical_json(value: object) -> str:
    """Single-line ASCII JSON without whitespace, non-ASCII as lower-case ``\\uXXXX`` (§3.1). Here,
    not in :mod:`~bridge.helper_protocol.codec`, so a request can be written without importing the
    codec's model classes (start-up cost, issue 16); the codec re-exports it."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def is_int(value: object) -> TypeGuard[int]:
    """A JSON integer (``bool`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


class Fields:
    """One JSON/TOML object read field by field (PROTOCOL.md §6.1)."""

    def __init__(self, raw: Mapping[str, object], path: str) -> None:
        self.raw = raw
        self.path = path

    @classmethod
    def of(cls, value: object, path: str) -> Fields:
        if not isinstance(value, Mapping):
            raise FieldError(path, "expected object")
        checked: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise FieldError(path, "expected object with string keys")
            checked[key] = item
        return cls(checked, path)

    def path_of(self, key: str) -> str:
        name = key if key.isprintable() else repr(key)  # keep every message one line
        return f"{self.path}.{name}" if self.path else name

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def allow_only(self, *allowed: str) -> None:
        for key in self.raw:
            if key not in allowed:
                raise FieldError(self.path_of(key), "unknown field", f"unknown field: {self.path_of(key)}")

    def require(self, key: str) -> object:
        value = self.raw.get(key)
        if value is None:
            raise FieldError(self.path_of(key), "required", f"missing field {key!r} in {self.path or 'the object'}")
        return value

    def req_long(self, key: str, bounds: tuple[int, int] = INT64) -> int:
        value = self.require(key)
        if not is_int(value) or not bounds[0] <= value <= bounds[1]:
            raise FieldError(self.path_of(key), "expected 32-bit integer" if bounds == INT32 else "expected integer")
        return int(value)

    def opt_long(self, key: str) -> int | None:
        return self.req_long(key) if self.has(key) else None

    def long_or(self, key: str, fallback: int) -> int:
        return self.req_long(key) if self.has(key) else fallback

    def req_string(self, key: str) -> str:
        value = self.require(key)
        if not isinstance(value, str):
            raise FieldError(self.path_of(key), "expected string")
        return value

    def opt_string(self, key: str) -> str | None:
        return self.req_string(key) if self.has(key) else None

    def bool_or(self, key: str, fallback: bool) -> bool:
        if not self.has(key):
            return fallback
        value = self.raw[key]
        if not isinstance(value, bool):
            raise FieldError(self.path_of(key), "expected boolean")
        return value

    def opt_object(self, key: str) -> Fields | None:
        return Fields.of(self.raw[key], self.path_of(key)) if self.has(key) else None

    def list_or(self, key: str) -> list[object]:
        if not self.has(key):
            return []
        value = self.raw[key]
        if not isinstance(value, (list, tuple)):
            raise FieldError(self.path_of(key), "expected array")
        return list(value)

    def int_list(self, key: str) -> tuple[int, ...]:
        values: list[int] = []
        for n, value in enumerate(self.list_or(key)):
            if not is_int(value) or not INT32[0] <= value <= INT32[1]:
                raise FieldError(f"{self.path_of(key)}[{n}]", "expected 32-bit integer")
            values.append(value)
        return tuple(values)

    def string_list(self, key: str) -> tuple[str, ...]:
        values: list[str] = []
        for n, value in enumerate(self.list_or(key)):
            if not isinstance(value, str):
                raise FieldError(f"{self.path_of(key)}[{n}]", "expected string")
            values.append(value)
        return tuple(values)

    def extras(self, key: str) -> dict[str, str | int | bool | float]:
        """``extras``: an object of string -> string / 64-bit integer / boolean / finite number."""
        table = self.opt_object(key)
        if table is None:
            return {}
        checked: dict[str, str | int | bool | float] = {}
        for name, value in table.raw.items():
            if isinstance(value, (bool, str)) or (isinstance(value, float) and math.isfinite(value)) or (
                    isinstance(value, int) and INT64[0] <= value <= INT64[1]):
                checked[name] = value
                continue
            raise FieldError(table.path_of(name), "expected string, integer, boolean or number")
        return checked
