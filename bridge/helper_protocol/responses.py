"""Reading the helper's answers: ``am broadcast`` output (PROTOCOL.md §2.4) and response
envelopes (§3.3), with structured errors as :class:`~bridge.errors.HelperError` (§4). No I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from bridge.errors import HelperError, HelperProtocolError
from bridge.helper_protocol.fields import is_int

T = TypeVar("T")

_BROADCAST_LINE = re.compile(r'^Broadcast completed: result=(-?\d+), data="(.*)"$')
_BROADCAST_NO_DATA = re.compile(r"^Broadcast completed: result=(-?\d+)$")


@dataclass(frozen=True)
class BroadcastResult:
    """The last ``Broadcast completed`` line of ``am broadcast`` output (§2.4)."""

    result_code: int
    data: str | None


def parse_broadcast_output(text: str) -> BroadcastResult:
    """Find the last ``Broadcast completed: result=N[, data="…"]`` line (§2.4).

    ``data`` is the JSON between the first ``data="`` and the line's final ``"`` (am does not
    escape the quotes inside). Raises :class:`HelperProtocolError` when no such line exists.
    """
    found: BroadcastResult | None = None
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        match = _BROADCAST_LINE.match(line)
        if match:
            found = BroadcastResult(int(match.group(1)), match.group(2))
            continue
        match = _BROADCAST_NO_DATA.match(line.rstrip())
        if match:
            found = BroadcastResult(int(match.group(1)), None)
    if found is None:
        raise HelperProtocolError("no 'Broadcast completed' line in am broadcast output: "
                                  + (text.strip().splitlines() or ["(empty)"])[-1])
    return found


class Reader:
    """Typed reading of a response object; a missing or mistyped field is a
    :class:`HelperProtocolError` (``malformed <what>: field <key>: expected …``)."""

    def __init__(self, raw: object, what: str) -> None:
        if not isinstance(raw, Mapping):
            raise HelperProtocolError(f"malformed {what}: expected object")
        self.raw: Mapping[object, object] = raw
        self.what = what

    def _value(self, key: str, check: Callable[[object], T | None], expected: str) -> T | None:
        value = self.raw.get(key)
        if value is None:
            return None
        checked = check(value)
        if checked is None:
            raise HelperProtocolError(f"malformed {self.what}: field {key}: expected {expected}")
        return checked

    def _required(self, key: str, value: T | None) -> T:
        if value is None:
            raise HelperProtocolError(f"malformed {self.what}: missing field {key}")
        return value

    def opt_int(self, key: str) -> int | None:
        return self._value(key, lambda v: v if is_int(v) else None, "integer")

    def req_int(self, key: str) -> int:
        return self._required(key, self.opt_int(key))

    def opt_bool(self, key: str) -> bool | None:
        return self._value(key, lambda v: v if isinstance(v, bool) else None, "boolean")

    def req_bool(self, key: str) -> bool:
        return self._required(key, self.opt_bool(key))

    def opt_str(self, key: str) -> str | None:
        return self._value(key, lambda v: v if isinstance(v, str) else None, "string")

    def req_str(self, key: str) -> str:
        return self._required(key, self.opt_str(key))

    def req_list(self, key: str) -> list[object]:
        found = self._value(key, lambda v: list(v) if isinstance(v, (list, tuple)) else None, "array")
        return self._required(key, found)

    def req_object(self, key: str) -> Mapping[object, object]:
        found = self._value(key, lambda v: v if isinstance(v, Mapping) else None, "object")
        return self._required(key, found)


@dataclass(frozen=True)
class HelperResponse:
    """A response envelope (§3.3): ``result`` when ``ok``, ``error`` otherwise."""

    version: int
    request_id: str | None
    ok: bool
    result: Mapping[object, object] | None
    error: HelperError | None


def decode_response(data: str | Mapping[str, object]) -> HelperResponse:
    """Parse a response envelope; a structured error becomes :class:`HelperError` (not raised).
    Anything that is not an envelope of §3.3 raises :class:`HelperProtocolError`."""
    try:
        obj: object = json.loads(data) if isinstance(data, str) else data
    except json.JSONDecodeError as exc:
        raise HelperProtocolError(f"helper response is not JSON: {exc}") from None
    except RecursionError:
        raise HelperProtocolError("helper response is nested too deeply") from None
    if not isinstance(obj, Mapping) or "ok" not in obj or "v" not in obj:
        raise HelperProtocolError("helper response is not a response envelope")
    envelope = Reader(obj, "response envelope")
    version = envelope.req_int("v")
    ok = envelope.req_bool("ok")
    request_id = envelope.opt_str("id")
    if ok:
        result = obj.get("result")
        if result is not None and not isinstance(result, Mapping):
            raise HelperProtocolError("malformed response envelope: field result: expected object")
        return HelperResponse(version, request_id, True, result or {}, None)
    err = Reader(envelope.req_object("error"), "error")
    details = err.raw.get("details")
    if details is not None and not isinstance(details, Mapping):
        raise HelperProtocolError("malformed error: field details: expected object")
    error = HelperError(err.req_str("code"), err.opt_str("message"), err.opt_str("type"),
                        {str(k): v for k, v in details.items()} if details is not None else None)
    return HelperResponse(version, request_id, False, None, error)


def response_from_broadcast(text: str) -> HelperResponse:
    """``am broadcast`` output -> response; ``result=0`` raises ``HelperError('not_delivered')``."""
    found = parse_broadcast_output(text)
    if found.data is None:
        if found.result_code == 0:
            raise HelperError("not_delivered", "the helper's receiver did not run (not installed, refused "
                              "or unreachable)")
        raise HelperProtocolError(f"broadcast result {found.result_code} without data")
    response = decode_response(found.data)
    expected = 1 if response.ok else 2
    if found.result_code != expected:
        raise HelperProtocolError(f"broadcast result {found.result_code} does not match ok={response.ok}")
    return response
