"""Request/response envelopes, structured errors and typed field access (PROTOCOL.md §3, §4).

Ports ``core/CommandError.java``, ``core/Fields.java``, ``core/UnsupportedOption.java`` and the
envelope half of ``core/CommandHandler.java``. Every failure is a :class:`CommandError`
carrying the protocol ``code``, the message, the relayed Java class (``type``) and ``details``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jobctl_sim.apps.helper import jsonio
from jobctl_sim.apps.helper.manifest import PROTOCOL_VERSION, VERSION_CODE, VERSION_NAME

COMMAND_ACTION = "dev.jobctl.helper.COMMAND"
"""The only action the command receiver accepts (§2.2)."""
SHELL_UID = 2000
ROOT_UID = 0
UNKNOWN_UID = -1
"""What ``getSentFromUid()`` returns when the sender did not share its identity (``Process.INVALID_UID``)."""


class ErrorCode(enum.StrEnum):
    """The ``error.code`` values of §4."""

    MALFORMED_JSON = "malformed_json"
    BAD_REQUEST = "bad_request"
    UNKNOWN_COMMAND = "unknown_command"
    UNSUPPORTED_VERSION = "unsupported_version"
    UNSUPPORTED_OPTION = "unsupported_option"
    PLATFORM_EXCEPTION = "platform_exception"
    SCHEDULE_FAILED = "schedule_failed"
    INBOX_MISSING = "inbox_missing"
    JOURNAL_RANGE = "journal_range"
    FORBIDDEN = "forbidden"
    INTERNAL = "internal"


class CommandError(Exception):
    """A structured protocol error (§4); raised inside the core, turned into a response."""

    def __init__(
        self,
        code: ErrorCode,
        message: str | None,
        java_type: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.java_type = java_type
        self.details = details

    def to_json(self) -> dict[str, Any]:
        """The ``error`` object, keys in protocol order."""
        return {"code": self.code.value, "message": self.message, "type": self.java_type, "details": self.details}


def bad_request(message: str) -> CommandError:
    return CommandError(ErrorCode.BAD_REQUEST, message)


def unsupported_option(option: str, min_api: int, api_level: int) -> CommandError:
    """§4 ``unsupported_option``: ``OPTION requires API MIN, device is API LEVEL``."""
    return CommandError(
        ErrorCode.UNSUPPORTED_OPTION,
        f"{option} requires API {min_api}, device is API {api_level}",
        None,
        {"option": option, "min_api": min_api, "api_level": api_level},
    )


def from_platform(exc: BaseException, details: dict[str, Any] | None = None) -> CommandError:
    """§4 ``platform_exception``: the Java class name and ``getMessage()`` verbatim."""
    return CommandError(ErrorCode.PLATFORM_EXCEPTION, java_message(exc), java_class(exc), details)


def internal(exc: BaseException) -> CommandError:
    """§4 ``internal``: any other exception inside the helper."""
    return CommandError(ErrorCode.INTERNAL, java_message(exc), java_class(exc), None)


def java_class(exc: BaseException) -> str:
    """The fully qualified Java class of a platform exception (Python class for model bugs)."""
    name = getattr(exc, "java_class", None)
    return name if isinstance(name, str) else f"{type(exc).__module__}.{type(exc).__qualname__}"


def java_message(exc: BaseException) -> str | None:
    """``Throwable.getMessage()`` of a platform exception (may be None)."""
    if hasattr(exc, "java_class"):
        message = getattr(exc, "message", None)
        return message if message is None or isinstance(message, str) else str(message)
    return str(exc) if str(exc) else None


def is_int(value: object) -> bool:
    """A JSON integer (``bool`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


class Fields:
    """Typed, path-aware access to a request object; failures name the full path (§4)."""

    def __init__(self, obj: dict[str, Any], path: str) -> None:
        self.raw = obj
        self.path = path

    @classmethod
    def of(cls, value: object, path: str) -> Fields:
        if not isinstance(value, dict):
            raise bad_request(f"field {path}: expected object")
        return cls(value, path)

    def path_of(self, key: str) -> str:
        return key if not self.path else f"{self.path}.{key}"

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def allow_only(self, *allowed: str) -> None:
        known = set(allowed)
        for key in self.raw:
            if key not in known:
                raise bad_request(f"unknown field: {self.path_of(key)}")

    def _type_error(self, key: str, expected: str) -> CommandError:
        return bad_request(f"field {self.path_of(key)}: expected {expected}")

    def _require(self, key: str) -> Any:
        value = self.raw.get(key)
        if value is None:
            raise bad_request(f"missing field: {self.path_of(key)}")
        return value

    def req_long(self, key: str) -> int:
        value = self._require(key)
        if not is_int(value):
            raise self._type_error(key, "integer")
        return int(value)

    def opt_long(self, key: str) -> int | None:
        return self.req_long(key) if self.has(key) else None

    def long_or(self, key: str, fallback: int) -> int:
        return self.req_long(key) if self.has(key) else fallback

    def req_non_negative(self, key: str) -> int:
        value = self.req_long(key)
        if value < 0:
            raise bad_request(f"field {self.path_of(key)}: must be >= 0")
        return value

    def req_int(self, key: str) -> int:
        value = self.req_long(key)
        if not -(2**31) <= value < 2**31:
            raise self._type_error(key, "32-bit integer")
        return value

    def req_string(self, key: str) -> str:
        value = self._require(key)
        if not isinstance(value, str):
            raise self._type_error(key, "string")
        return value

    def opt_string(self, key: str) -> str | None:
        return self.req_string(key) if self.has(key) else None

    def bool_or(self, key: str, fallback: bool) -> bool:
        if not self.has(key):
            return fallback
        value = self.raw[key]
        if not isinstance(value, bool):
            raise self._type_error(key, "boolean")
        return value

    def req_object(self, key: str) -> Fields:
        return Fields.of(self._require(key), self.path_of(key))

    def opt_object(self, key: str) -> Fields | None:
        return self.req_object(key) if self.has(key) else None

    def req_list(self, key: str) -> list[Any]:
        value = self._require(key)
        if not isinstance(value, list):
            raise self._type_error(key, "array")
        return value

    def opt_list(self, key: str) -> list[Any] | None:
        return self.req_list(key) if self.has(key) else None

    def opt_int_list(self, key: str) -> list[int] | None:
        values = self.opt_list(key)
        if values is None:
            return None
        for index, value in enumerate(values):
            if not is_int(value) or not -(2**31) <= value < 2**31:
                raise bad_request(f"field {self.path_of(key)}[{index}]: expected 32-bit integer")
        return [int(v) for v in values]

    def opt_string_list(self, key: str) -> list[str] | None:
        values = self.opt_list(key)
        if values is None:
            return None
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise bad_request(f"field {self.path_of(key)}[{index}]: expected string")
        return list(values)


# ----------------------------------------------------------------------------- envelopes


@dataclass(frozen=True)
class Response:
    """A response line and its ordered-broadcast result code (§2.4: 1 ok, 2 error)."""

    ok: bool
    json: str

    @property
    def result_code(self) -> int:
        return 1 if self.ok else 2


def success(request_id: str | None, result: Mapping[str, Any]) -> Response:
    """``{"v":1,"id":…,"ok":true,"result":…}`` (§3.3)."""
    return Response(True, jsonio.write({"v": PROTOCOL_VERSION, "id": request_id, "ok": True, "result": result}))


def failure(request_id: str | None, error: CommandError) -> Response:
    """``{"v":1,"id":…,"ok":false,"error":…}`` (§3.3)."""
    document = {"v": PROTOCOL_VERSION, "id": request_id, "ok": False, "error": error.to_json()}
    return Response(False, jsonio.write(document))


def parse_request(text: str) -> Fields:
    """§3.3 checks "JSON syntax" and "top-level object" (``String.trim()`` first)."""
    try:
        parsed = jsonio.parse(jsonio.java_trim(text))
    except jsonio.MalformedJson as exc:
        raise CommandError(ErrorCode.MALFORMED_JSON, str(exc)) from None
    if not isinstance(parsed, dict):
        raise CommandError(ErrorCode.MALFORMED_JSON, "malformed JSON at offset 0: expected object")
    return Fields(parsed, "")


def check_version(request: Fields) -> None:
    """§3.4: ``v`` must be the integer 1."""
    version = request.raw.get("v")
    if not is_int(version):
        raise bad_request("missing field: v" if version is None else "field v: expected integer")
    if version != PROTOCOL_VERSION:
        raise CommandError(
            ErrorCode.UNSUPPORTED_VERSION,
            f"unsupported protocol version: {version}",
            None,
            {"supported": [PROTOCOL_VERSION], "helper_version": VERSION_NAME, "version_code": VERSION_CODE},
        )


def may_command(sender_uid: int, own_uid: int) -> bool:
    """§2.2: only the shell, root and the helper itself may command it."""
    return sender_uid in (SHELL_UID, ROOT_UID, own_uid)
