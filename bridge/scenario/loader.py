"""Read a scenario file (TOML, scenarios/README.md) into a :class:`~bridge.scenario.model.Scenario`.

Everything is checked here, before any device is touched: unknown steps, unknown fields,
values of the wrong type or out of range, job specs and work items the helper protocol or the
platform would refuse at the scenario's ``min_api`` (:mod:`bridge.validation`). Every problem
is one :class:`ScenarioError` naming the file, the step and the field.

Times: ``wait.seconds`` is a number of seconds; ``timeout`` (of ``wait`` and ``expect``) is a
number of seconds or a DURATION string read with :mod:`bridge.grammar` (``"30s"``, ``"1m"``,
``"500ms"``), the command line's grammar: a bare-number string (``"30"``) is refused with the
same message as on the command line.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bridge import validation
from bridge.grammar import GrammarError, one_line, parse_duration
from bridge.conditions import StandbyBucket
from bridge.errors import (
    HelperProtocolError,
    InvalidConditionError,
    JobctlError,
    JobSpecError,
)
from bridge.helper_protocol import FieldError, decode_spec, decode_work_item
from bridge.model import (
    HELPER_MIN_SDK,
    JOB_STATE_TOKENS,
    ByteEstimate,
    EventKind,
    JobSpec,
    StopReason,
    WorkItem,
)
from bridge.scenario.model import (
    DEVICE_CONDITIONS,
    CancelStep,
    Delivery,
    DeviceStep,
    EnqueueStep,
    ExpectStep,
    JobRef,
    RunStep,
    Scenario,
    ScheduleStep,
    Step,
    StopStep,
    TimeoutStep,
    WaitStep,
)

T = TypeVar("T")
ACTIONS = ("schedule", "enqueue", "run", "device", "wait", "stop", "timeout", "cancel", "expect")
STATE_TOKENS = (*JOB_STATE_TOKENS, "unknown")
"""``expect.state`` tokens: ``get-job-state``'s, plus ``unknown`` (the job does not exist)."""
DEFAULT_TIMEOUT = 10.0
_SPEC_BOOLS = frozenset({"requires_charging", "requires_device_idle", "requires_battery_not_low",
                         "requires_storage_not_low", "persisted", "important_while_foreground", "prefetch",
                         "expedited", "user_initiated"})
_SCRIPT_KEYS = frozenset({"steps", "on_stop_reschedule"})
_ITEM_SCRIPT_KEYS = frozenset({"steps", "complete"})
_ITEM_KEYS = frozenset({"tag", "estimated_bytes", "min_chunk_bytes", "script"})
_OP_KEYS = {"sleep": {"ms"}, "transfer": {"down", "up", "ms", "chunks"}, "estimate": {"down", "up"},
            "work": set(), "finish": {"reschedule"}, "hold": set()}
_JOB_REF = ("job_id", "namespace")


class ScenarioError(JobctlError):
    """A scenario file that cannot be run: ``FILE: step N (ACTION): field F: what``."""

    def __init__(self, source: str, message: str, step: int | None = None, action: str | None = None,
                 field: str | None = None) -> None:
        where = [one_line(source)]
        if step is not None:
            where.append(f"step {step}" + (f" ({one_line(action)})" if action else ""))
        if field is not None:
            where.append(f"field {one_line(field)}")
        super().__init__(": ".join([*where, one_line(message)]))
        self.source = source
        self.step = step
        self.field = field
        self.detail = message


class _Bad(Exception):
    """A problem inside one table: (field, message); the caller adds file and step."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# ---------------------------------------------------------------------------- entry points
def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(source, f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ScenarioError(source, "not UTF-8 text") from None
    return parse_scenario(text, source)


def parse_scenario(text: str, source: str = "<string>") -> Scenario:
    """Validate TOML text as a scenario (``source`` names it in errors)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(source, f"invalid TOML: {error}") from None
    except RecursionError:
        raise ScenarioError(source, "invalid TOML: arrays or tables nested too deeply") from None
    try:
        _only(document, ("scenario", "step"), "")
        meta = document.get("scenario")
        if not isinstance(meta, dict):
            raise _Bad("scenario", "required table [scenario] is missing" if meta is None else "expected a table")
        _only(meta, ("name", "description", "min_api"), "scenario.")
        name = _string(meta, "name", "scenario.", required=True)
        description = _string(meta, "description", "scenario.") or ""
        min_api = _integer(meta, "min_api", "scenario.", HELPER_MIN_SDK, low=HELPER_MIN_SDK, high=99)
        raw_steps = document.get("step")
        if not isinstance(raw_steps, list) or not raw_steps:
            raise _Bad("step", "at least one [[step]] is required" if raw_steps is None else "expected [[step]] tables")
    except _Bad as bad:
        raise ScenarioError(source, bad.message, field=bad.field) from None
    specs: dict[tuple[str | None, int], JobSpec] = {}
    steps: list[Step] = []
    for index, raw in enumerate(raw_steps, start=1):
        action = raw.get("action") if isinstance(raw, dict) else None
        try:
            if not isinstance(raw, dict):
                raise _Bad(None, "expected a table")
            if action is None:
                raise _Bad("action", f"required (one of: {', '.join(ACTIONS)})")
            if action not in _PARSERS:
                raise _Bad("action", f"unknown step {action!r} (one of: {', '.join(ACTIONS)})")
            body = {k: v for k, v in raw.items() if k != "action"}
            steps.append(_PARSERS[action](body, min_api, specs))
        except _Bad as bad:
            raise ScenarioError(source, bad.message, index, action if action in _PARSERS else None, bad.field) from None
    return Scenario(name=name or "", description=description, min_api=min_api, steps=tuple(steps), source=source)


# ---------------------------------------------------------------------------- steps
def _schedule(body: dict[str, Any], api: int, specs: dict[tuple[str | None, int], JobSpec]) -> Step:
    _only(body, ("job",))
    spec = _spec(_table(body, "job", required=True), api)
    specs[(spec.namespace, spec.job_id)] = spec
    return ScheduleStep(spec)


def _enqueue(body: dict[str, Any], api: int, specs: dict[tuple[str | None, int], JobSpec]) -> Step:
    _only(body, ("job", "job_id", "namespace", "items"))
    if "job" in body:
        if "job_id" in body or "namespace" in body:
            raise _Bad("job_id", "give either job (a spec) or job_id (a job scheduled earlier), not both")
        spec = _spec(_table(body, "job", required=True), api)
    else:
        if "job_id" not in body:
            raise _Bad("job", "required (a job spec), or job_id of a job scheduled in an earlier step")
        ref = _job_ref(body)
        known = specs.get((ref.namespace, ref.job_id))
        if known is None:
            raise _Bad("job_id", f"no earlier schedule or enqueue step defines {ref}")
        spec = known
    raw_items = body.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise _Bad("items", "required: an array of work item tables" if raw_items is None else
                   "expected a non-empty array of work item tables")
    items: list[WorkItem] = []
    for n, raw in enumerate(raw_items):
        where = f"items[{n}]"
        if not isinstance(raw, dict):
            raise _Bad(where, "expected a table")
        _only(raw, tuple(_ITEM_KEYS), f"{where}.")
        if "tag" not in raw:
            raise _Bad(f"{where}.tag", "required")
        if "script" in raw:
            _check_script(raw["script"], f"{where}.script", _ITEM_SCRIPT_KEYS)
        items.append(_decode(partial(decode_work_item, raw, where), where))
    try:
        validation.validate_enqueue(spec, items, api)
    except JobSpecError as error:
        raise _spec_error(error, api) from None
    specs[(spec.namespace, spec.job_id)] = spec
    return EnqueueStep(spec, tuple(items))


def _run(body: dict[str, Any], api: int, specs: object) -> Step:
    _only(body, (*_JOB_REF, "force"))
    force = body.get("force", True)
    if not isinstance(force, bool):
        raise _Bad("force", "expected true (run -f) or false (run -s, only if satisfied)")
    return RunStep(_job_ref(body), force)


def _device(body: dict[str, Any], api: int, specs: object) -> Step:
    if not body:
        raise _Bad(None, f"no condition given (any of: {', '.join(DEVICE_CONDITIONS)})")
    _only(body, tuple(DEVICE_CONDITIONS))
    changes: list[tuple[str, bool | int | str]] = []
    for name, value in body.items():
        kind = DEVICE_CONDITIONS[name]
        if kind is bool and not isinstance(value, bool):
            raise _Bad(name, "expected true or false")
        if kind is int:
            _integer(body, name, "", None, low=0, high=100)
        if name == "bucket":
            if not isinstance(value, str):
                raise _Bad(name, "expected a bucket name")
            try:
                bucket = StandbyBucket.parse(value)
            except InvalidConditionError as error:
                raise _Bad(name, str(error)) from None
            if bucket is StandbyBucket.EXEMPTED:
                raise _Bad(name, "the EXEMPTED bucket cannot be set (only active to never)")
            value = bucket.shell_name
        changes.append((name, value))
    return DeviceStep(tuple(changes))


def _wait(body: dict[str, Any], api: int, specs: object) -> Step:
    _only(body, ("seconds", "until", *_JOB_REF, "timeout"))
    if "seconds" in body:
        if "until" in body:
            raise _Bad("until", "give either seconds or until, not both")
        extra = next((k for k in (*_JOB_REF, "timeout") if k in body), None)
        if extra is not None:
            raise _Bad(extra, "only with until")
        return WaitStep(seconds=_number(body, "seconds", 0.0, allow_zero=True))
    until = body.get("until")
    if until is None:
        raise _Bad("seconds", "required: seconds, or until with job_id")
    kinds = [k.value for k in EventKind if k.value in _JOB_EVENT_KINDS]
    if until not in kinds:
        raise _Bad("until", f"unknown event kind {until!r} (one of: {', '.join(kinds)})")
    return WaitStep(until=EventKind(until), job=_job_ref(body), timeout=_number(body, "timeout", DEFAULT_TIMEOUT))


_JOB_EVENT_KINDS = frozenset({"scheduled", "enqueued", "cancelled", "started", "work_dequeued", "work_completed",
                              "work_incomplete", "bytes_reported", "stopped", "finished", "network_changed", "error"})


def _stop(body: dict[str, Any], api: int, specs: object) -> Step:
    _only(body, (*_JOB_REF, "reason"))
    reason = None
    if "reason" in body:
        reason = _stop_reason(body["reason"], "reason")
        if api < 34:
            raise _Bad("reason", f"stopping with a reason needs API 34; set scenario.min_api = 34 (it is {api})")
    return StopStep(_job_ref(body), reason)


def _timeout(body: dict[str, Any], api: int, specs: object) -> Step:
    _only(body, _JOB_REF)
    return TimeoutStep(_job_ref(body))


def _cancel(body: dict[str, Any], api: int, specs: object) -> Step:
    _only(body, _JOB_REF)
    return CancelStep(_job_ref(body))


def _expect(body: dict[str, Any], api: int, specs: object) -> Step:
    checks = ("state", "stop_reason", "transferred", "delivery")
    _only(body, (*_JOB_REF, "timeout", *checks))
    if not any(k in body for k in checks):
        raise _Bad(None, f"no expectation given (any of: {', '.join(checks)})")
    state = None
    if "state" in body:
        raw = body["state"]
        tokens = [raw] if isinstance(raw, str) else raw
        if not isinstance(tokens, list) or not tokens or not all(isinstance(t, str) for t in tokens):
            raise _Bad("state", "expected a state token or an array of them")
        for token in tokens:
            if token not in STATE_TOKENS:
                raise _Bad("state", f"unknown job state {token!r} (one of: {', '.join(STATE_TOKENS)})")
        if "unknown" in tokens and len(tokens) > 1:
            raise _Bad("state", "unknown (the job does not exist) excludes every other token")
        state = frozenset(tokens)
    reason = _stop_reason(body["stop_reason"], "stop_reason") if "stop_reason" in body else None
    transferred = None
    if "transferred" in body:
        table = _table(body, "transferred", required=True)
        _only(table, ("down", "up"), "transferred.")
        transferred = ByteEstimate(_integer(table, "down", "transferred.", 0, low=0),
                                   _integer(table, "up", "transferred.", 0, low=0))
    delivery = None
    if "delivery" in body:
        table = _table(body, "delivery", required=True)
        _only(table, ("tag", "count"), "delivery.")
        delivery = Delivery(_string(table, "tag", "delivery.", required=True) or "",
                            _integer(table, "count", "delivery.", None, low=1))
    return ExpectStep(_job_ref(body), _number(body, "timeout", DEFAULT_TIMEOUT), state, reason, transferred, delivery)


_PARSERS: dict[str, Callable[[dict[str, Any], int, dict[tuple[str | None, int], JobSpec]], Step]] = {
    "schedule": _schedule, "enqueue": _enqueue, "run": _run, "device": _device, "wait": _wait, "stop": _stop,
    "timeout": _timeout, "cancel": _cancel, "expect": _expect,
}


# ---------------------------------------------------------------------------- values
def _only(table: Mapping[str, Any], allowed: tuple[str, ...] | frozenset[str], prefix: str = "") -> None:
    for key in table:
        if key not in allowed:
            raise _Bad(f"{prefix}{key}", f"unknown field (allowed: {', '.join(sorted(allowed))})")


def _table(body: Mapping[str, Any], key: str, required: bool = False) -> dict[str, Any]:
    value = body.get(key)
    if value is None and required:
        raise _Bad(key, "required")
    if not isinstance(value, dict):
        raise _Bad(key, "expected a table")
    return value


def _string(table: Mapping[str, Any], key: str, prefix: str, required: bool = False) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise _Bad(f"{prefix}{key}", "required")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise _Bad(f"{prefix}{key}", "expected a non-empty string")
    return value


def _integer(table: Mapping[str, Any], key: str, prefix: str, default: int | None, *, low: int | None = None,
             high: int | None = None) -> int:
    value = table.get(key, default)
    if value is None:
        raise _Bad(f"{prefix}{key}", "required")
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Bad(f"{prefix}{key}", "expected an integer")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise _Bad(f"{prefix}{key}", f"{value} is out of range ({bounds})")
    return value


def _number(table: Mapping[str, Any], key: str, default: float, allow_zero: bool = False) -> float:
    """A number of seconds (``seconds``), or for ``timeout`` also a DURATION string."""
    value = shown = table.get(key, default)
    if isinstance(value, str) and key != "seconds":
        try:
            value = parse_duration(value) / 1000
        except GrammarError as error:
            raise _Bad(key, str(error)) from None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise _Bad(key, "expected a number of seconds" if key == "seconds" else
                   "expected a number of seconds or a DURATION (e.g. 500ms, 30s, 15m, 2h, 1h30m)")
    if value < 0 or (value == 0 and not allow_zero) or value > 3600:
        raise _Bad(key, f"{shown} is out of range ({'0' if allow_zero else 'more than 0'} to 3600 seconds)")
    return float(value)


def _job_ref(body: Mapping[str, Any]) -> JobRef:
    job_id = _integer(body, "job_id", "", None, low=-(2**31), high=2**31 - 1)
    return JobRef(job_id, _string(body, "namespace", ""))


def _stop_reason(value: object, key: str) -> StopReason:
    names = ", ".join(r.name for r in StopReason)
    if not isinstance(value, str):
        raise _Bad(key, f"expected a stop reason name (one of: {names})")
    name = value.strip().upper().removeprefix("STOP_REASON_")
    if name not in StopReason.__members__:
        raise _Bad(key, f"unknown stop reason {value!r} (one of: {names})")
    return StopReason[name]


def _check_script(raw: object, where: str, keys: frozenset[str]) -> None:
    if not isinstance(raw, dict):
        raise _Bad(where, "expected a table")
    _only(raw, keys, f"{where}.")
    steps = raw.get("steps", [])
    if not isinstance(steps, list):
        raise _Bad(f"{where}.steps", "expected an array of step tables")
    for n, step in enumerate(steps):
        path = f"{where}.steps[{n}]"
        if not isinstance(step, dict):
            raise _Bad(path, "expected a table")
        op = step.get("op")
        if op not in _OP_KEYS:
            raise _Bad(f"{path}.op", f"unknown op {op!r} (one of: {', '.join(_OP_KEYS)})")
        _only(step, ("op", *_OP_KEYS[op]), f"{path}.")
        for key in _OP_KEYS[op] - {"reschedule"}:
            if key in step:
                _integer(step, key, f"{path}.", None, low=1 if key == "chunks" else 0)
            elif op in ("sleep", "transfer", "estimate") and key in ("ms", "down", "up") and not (
                    op == "transfer" and key == "ms"):
                raise _Bad(f"{path}.{key}", "required")
        if "reschedule" in step and not isinstance(step["reschedule"], bool):
            raise _Bad(f"{path}.reschedule", "expected true or false")
    for flag in ("on_stop_reschedule", "complete"):
        if flag in raw and not isinstance(raw[flag], bool):
            raise _Bad(f"{where}.{flag}", "expected true or false")


def _spec(raw: dict[str, Any], api: int) -> JobSpec:
    """A SPEC table (PROTOCOL.md §6.1 field names) as a validated :class:`JobSpec`."""
    if "job_id" not in raw:
        raise _Bad("job.job_id", "required")
    for key in raw:
        if key in _SPEC_BOOLS and not isinstance(raw[key], bool):
            raise _Bad(f"job.{key}", "expected true or false")
    if "script" in raw:
        _check_script(raw["script"], "job.script", _SCRIPT_KEYS)
    spec = _decode(lambda: decode_spec(raw, "job"), "job")
    try:
        validation.validate(spec, api)
    except JobSpecError as error:
        raise _spec_error(error, api) from None
    return spec


def _decode(build: Callable[[], T], where: str) -> T:
    try:
        return build()
    except FieldError as error:
        raise _Bad(error.field, error.detail) from None
    except HelperProtocolError as error:
        raise _Bad(where, str(error)) from None
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        raise _Bad(where, f"bad value ({error!r})") from None


def _spec_error(error: JobSpecError, api: int) -> _Bad:
    """A validation error with its field path in scenario terms (``spec.x`` → ``job.x``); the
    API level it was checked at is the scenario's ``min_api``."""
    option = error.option
    message = str(error).replace(f", device is API {api}", f" (scenario.min_api is {api})")
    if option is not None:
        message = message.removeprefix(f"field {option}: ").removeprefix(f"{option} ")
        option = "job" + option.removeprefix("spec") if option.startswith("spec") else option
    return _Bad(option or "job", message)
