"""The host side of the helper protocol (android-helper/PROTOCOL.md, version 1). No I/O.

* encode :class:`JobSpec` / :class:`WorkItem` / scripts to SPEC / ITEM JSON (§6.1, §3.5, §7)
  and back (the ``scheduled`` event echoes the SPEC);
* build request envelopes (§3.2, §3.5) and the exact device command lines (§2.3, §2.5, §5.4, §5.5);
* read ``am broadcast`` output (§2.4) and decode responses into typed results or
  :class:`bridge.errors.HelperError` (§3.3, §4);
* read the journal back (§5.5) and logcat live lines (§5.4) as :class:`JobEvent`.

Encoding rules: keys in the order of the PROTOCOL.md tables; an option that is not set
(``None``, ``False``, empty) is omitted, as are script fields at their defaults (``ms`` 0,
``chunks`` 1, ``on_stop_reschedule`` false, ``complete`` true); ``finish`` always carries
``reschedule``. Requests are single-line ASCII JSON without whitespace (§3.1).
"""

from __future__ import annotations

import enum
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from bridge.errors import HelperError, HelperProtocolError
from bridge.model.enums import BackoffPolicy, NetworkType, PendingReason, Priority
from bridge.model.events import EventKind, JobEvent
from bridge.model.script import (
    STEP_OPS,
    Estimate,
    Finish,
    Hold,
    ItemScript,
    ItemStep,
    JobScript,
    JobStep,
    Sleep,
    Transfer,
    Work,
)
from bridge.model.spec import (
    Backoff,
    ByteEstimate,
    JobSpec,
    NetworkRequest,
    Periodic,
    TriggerContentUri,
    WorkItem,
)

HELPER_PACKAGE = "dev.jobctl.helper"
PROTOCOL_VERSION = 1
SUPPORTED_VERSIONS = (1,)
COMMAND_ACTION = "dev.jobctl.helper.COMMAND"
COMMAND_RECEIVER = "dev.jobctl.helper/.CommandReceiver"
SCHEDULE_ACTIVITY = "dev.jobctl.helper/.ScheduleActivity"
JOB_SERVICE = "dev.jobctl.helper/.HelperJobService"
LOGCAT_TAG = "jobctl"
INLINE_REQUEST_LIMIT = 3000
"""Requests longer than this (bytes) must go through the inbox (§2.3)."""
INBOX_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")
JOURNAL_READ_COMMAND = ("run-as dev.jobctl.helper sh -c "
                        "'cat files/journal/previous.jsonl files/journal/current.jsonl 2>/dev/null'")
"""§5.5: the durable read-back."""
LOGCAT_COMMAND = "logcat -v raw -s jobctl:I"
"""§5.4: live events."""

_BROADCAST_LINE = re.compile(r'^Broadcast completed: result=(-?\d+), data="(.*)"$')
_BROADCAST_NO_DATA = re.compile(r"^Broadcast completed: result=(-?\d+)$")


# =============================================================== JSON text


def canonical_json(value: Any) -> str:
    """Single-line ASCII JSON without whitespace, non-ASCII as lower-case ``\\uXXXX`` (§3.1)."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def shell_quote(text: str) -> str:
    """``'…'`` with every ``'`` written ``'\\''`` (§2.3)."""
    return "'" + text.replace("'", "'\\''") + "'"


# =============================================================== scripts


def encode_step(step: JobStep) -> dict[str, Any]:
    """One step as §7.1 writes it (defaults omitted, ``finish`` keeps ``reschedule``)."""
    if isinstance(step, Sleep):
        return {"op": "sleep", "ms": step.ms}
    if isinstance(step, Transfer):
        out: dict[str, Any] = {"op": "transfer", "down": step.down, "up": step.up}
        if step.ms:
            out["ms"] = step.ms
        if step.chunks != 1:
            out["chunks"] = step.chunks
        return out
    if isinstance(step, Estimate):
        return {"op": "estimate", "down": step.down, "up": step.up}
    if isinstance(step, Work):
        return {"op": "work"}
    if isinstance(step, Finish):
        return {"op": "finish", "reschedule": step.reschedule}
    if isinstance(step, Hold):
        return {"op": "hold"}
    raise TypeError(f"not a script step: {step!r}")


def decode_step(obj: Mapping[str, Any], path: str = "step") -> JobStep:
    """Inverse of :func:`encode_step`; raises :class:`HelperProtocolError` (a
    :class:`FieldError` naming ``path``) on an unknown op or a value of the wrong type."""
    f = _Fields.of(obj, path)
    op = f.raw.get("op")
    if not isinstance(op, str) or op not in _OP_FIELDS:
        raise FieldError(f.path_of("op"), f"unknown op: {op!r}", f"unknown script op: {op!r}")
    f.allow_only("op", *_OP_FIELDS[op])
    if op == "sleep":
        return Sleep(f.req_long("ms"))
    if op == "transfer":
        return Transfer(f.req_long("down"), f.req_long("up"), f.long_or("ms", 0), f.long_or("chunks", 1))
    if op == "estimate":
        return Estimate(f.req_long("down"), f.req_long("up"))
    if op == "work":
        return Work()
    if op == "finish":
        return Finish(f.bool_or("reschedule", False))
    return Hold()


_OP_FIELDS: dict[str, tuple[str, ...]] = {"sleep": ("ms",), "transfer": ("down", "up", "ms", "chunks"),
                                          "estimate": ("down", "up"), "work": (), "finish": ("reschedule",),
                                          "hold": ()}
"""Each op and its fields (§7.1)."""


def encode_job_script(script: JobScript) -> dict[str, Any]:
    out: dict[str, Any] = {"steps": [encode_step(s) for s in script.steps]}
    if script.on_stop_reschedule:
        out["on_stop_reschedule"] = True
    return out


def decode_job_script(obj: Mapping[str, Any], path: str = "script") -> JobScript:
    f = _Fields.of(obj, path)
    f.allow_only("steps", "on_stop_reschedule")
    steps = tuple(decode_step(raw, f"{f.path_of('steps')}[{n}]") for n, raw in enumerate(f.list_or("steps")))
    return JobScript(steps, f.bool_or("on_stop_reschedule", False))


def encode_item_script(script: ItemScript) -> dict[str, Any]:
    out: dict[str, Any] = {"steps": [encode_step(s) for s in script.steps]}
    if not script.complete:
        out["complete"] = False
    return out


def decode_item_script(obj: Mapping[str, Any], path: str = "script") -> ItemScript:
    f = _Fields.of(obj, path)
    f.allow_only("steps", "complete")
    steps: list[ItemStep] = []
    for n, raw in enumerate(f.list_or("steps")):
        where = f"{f.path_of('steps')}[{n}]"
        step = decode_step(raw, where)
        if not isinstance(step, (Sleep, Transfer, Estimate)):
            op = STEP_OPS[type(step)]
            raise FieldError(f"{where}.op", f"op not allowed in an item script: {op}",
                             f"op not allowed in an item script: {op}")
        steps.append(step)
    return ItemScript(tuple(steps), f.bool_or("complete", True))


# =============================================================== decoding: typed field access


class FieldError(HelperProtocolError):
    """A SPEC / ITEM / script value of the wrong shape: ``field`` is its path (``spec.periodic``),
    ``detail`` what is wrong (``expected integer``). The message reads as the helper's
    ``bad_request`` text (PROTOCOL.md §4): ``field spec.periodic.interval_ms: expected integer``."""

    def __init__(self, field: str, detail: str, message: str | None = None) -> None:
        super().__init__(message or f"field {field}: {detail}")
        self.field = field
        self.detail = detail


_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Fields:
    """Typed, path-aware reading of one JSON/TOML object, as the helper reads it (PROTOCOL.md §6.1):
    a key whose value is ``null`` counts as absent; every failure is a :class:`FieldError`."""

    def __init__(self, raw: Mapping[str, Any], path: str) -> None:
        self.raw = raw
        self.path = path

    @classmethod
    def of(cls, value: object, path: str) -> _Fields:
        if not isinstance(value, Mapping):
            raise FieldError(path, "expected object")
        for key in value:
            if not isinstance(key, str):
                raise FieldError(path, "expected object with string keys")
        return cls(value, path)

    def path_of(self, key: str) -> str:
        name = key if key.isprintable() else repr(key)  # keep every message one line
        return f"{self.path}.{name}" if self.path else name

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def allow_only(self, *allowed: str) -> None:
        for key in self.raw:
            if key not in allowed:
                raise FieldError(self.path_of(key), "unknown field", f"unknown field: {self.path_of(key)}")

    def require(self, key: str) -> Any:
        value = self.raw.get(key)
        if value is None:
            raise FieldError(self.path_of(key), "required", f"missing field {key!r} in {self.path or 'the object'}")
        return value

    def req_long(self, key: str, bounds: tuple[int, int] = _INT64) -> int:
        value = self.require(key)
        if not _is_int(value) or not bounds[0] <= value <= bounds[1]:
            raise FieldError(self.path_of(key), "expected 32-bit integer" if bounds == _INT32 else "expected integer")
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

    def opt_object(self, key: str) -> _Fields | None:
        return _Fields.of(self.raw[key], self.path_of(key)) if self.has(key) else None

    def list_or(self, key: str) -> list[Any]:
        if not self.has(key):
            return []
        value = self.raw[key]
        if not isinstance(value, (list, tuple)):
            raise FieldError(self.path_of(key), "expected array")
        return list(value)

    def int_list(self, key: str) -> tuple[int, ...]:
        values = self.list_or(key)
        for n, value in enumerate(values):
            if not _is_int(value) or not _INT32[0] <= value <= _INT32[1]:
                raise FieldError(f"{self.path_of(key)}[{n}]", "expected 32-bit integer")
        return tuple(values)

    def string_list(self, key: str) -> tuple[str, ...]:
        values = self.list_or(key)
        for n, value in enumerate(values):
            if not isinstance(value, str):
                raise FieldError(f"{self.path_of(key)}[{n}]", "expected string")
        return tuple(values)

    def extras(self, key: str) -> dict[str, Any]:
        """``extras``: an object of string -> string / 64-bit integer / boolean / finite number."""
        table = self.opt_object(key)
        if table is None:
            return {}
        for name, value in table.raw.items():
            if isinstance(value, (bool, str)):
                continue
            if isinstance(value, int) and _INT64[0] <= value <= _INT64[1]:
                continue
            if isinstance(value, float) and math.isfinite(value):
                continue
            raise FieldError(table.path_of(name), "expected string, integer, boolean or number")
        return dict(table.raw)


# =============================================================== SPEC / ITEM


def _bytes(value: ByteEstimate) -> dict[str, int]:
    return {"down": value.down, "up": value.up}


def encode_spec(spec: JobSpec) -> dict[str, Any]:
    """The SPEC object of PROTOCOL.md §6.1 (keys in table order, unset options omitted)."""
    out: dict[str, Any] = {"job_id": spec.job_id}
    if spec.namespace is not None:
        out["namespace"] = spec.namespace
    if spec.network_type is not None:
        out["network_type"] = spec.network_type.value
    if spec.network_request is not None:
        req = spec.network_request
        out["network_request"] = {"capabilities": list(req.capabilities), "transports": list(req.transports),
                                  "remove_capabilities": list(req.remove_capabilities)}
    if spec.estimated_bytes is not None:
        out["estimated_bytes"] = _bytes(spec.estimated_bytes)
    if spec.min_chunk_bytes is not None:
        out["min_chunk_bytes"] = spec.min_chunk_bytes
    for name in ("requires_charging", "requires_device_idle", "requires_battery_not_low",
                 "requires_storage_not_low"):
        if getattr(spec, name):
            out[name] = True
    if spec.min_latency_ms is not None:
        out["min_latency_ms"] = spec.min_latency_ms
    if spec.override_deadline_ms is not None:
        out["override_deadline_ms"] = spec.override_deadline_ms
    if spec.periodic is not None:
        periodic: dict[str, int] = {"interval_ms": spec.periodic.interval_ms}
        if spec.periodic.flex_ms is not None:
            periodic["flex_ms"] = spec.periodic.flex_ms
        out["periodic"] = periodic
    if spec.backoff is not None:
        out["backoff"] = {"initial_ms": spec.backoff.initial_ms, "policy": spec.backoff.policy.token}
    for name in ("persisted", "important_while_foreground", "prefetch", "expedited"):
        if getattr(spec, name):
            out[name] = True
    if spec.priority is not None:
        out["priority"] = spec.priority.token if isinstance(spec.priority, Priority) else int(spec.priority)
    if spec.user_initiated:
        out["user_initiated"] = True
    if spec.trigger_content_uris:
        out["trigger_content_uris"] = [{"uri": t.uri, "descendants": t.descendants}
                                       for t in spec.trigger_content_uris]
    if spec.trigger_content_update_delay_ms is not None:
        out["trigger_content_update_delay_ms"] = spec.trigger_content_update_delay_ms
    if spec.trigger_content_max_delay_ms is not None:
        out["trigger_content_max_delay_ms"] = spec.trigger_content_max_delay_ms
    if spec.extras:
        out["extras"] = dict(spec.extras)
    if spec.transient_extras:
        out["transient_extras"] = dict(spec.transient_extras)
    if spec.debug_tags:
        out["debug_tags"] = list(spec.debug_tags)
    if spec.trace_tag is not None:
        out["trace_tag"] = spec.trace_tag
    if spec.script is not None:
        out["script"] = encode_job_script(spec.script)
    return out


def _priority(f: _Fields) -> Priority | int | None:
    if not f.has("priority"):
        return None
    value = f.raw["priority"]
    if isinstance(value, str):
        if value.upper() in Priority.__members__:
            return Priority[value.upper()]
    elif _is_int(value):
        return f.req_long("priority", _INT32)
    raise FieldError(f.path_of("priority"), "expected min, low, default, high, max or integer")


def _network_type(f: _Fields) -> NetworkType | None:
    name = f.opt_string("network_type")
    if name is None:
        return None
    try:
        return NetworkType(name)
    except ValueError:
        choices = ", ".join(t.value for t in NetworkType)
        raise FieldError(f.path_of("network_type"),
                         f"{name!r} is not a valid NetworkType (one of: {choices})") from None


def _byte_estimate(f: _Fields, key: str) -> ByteEstimate | None:
    table = f.opt_object(key)
    if table is None:
        return None
    table.allow_only("down", "up")
    return ByteEstimate(table.req_long("down"), table.req_long("up"))


def decode_spec(obj: Mapping[str, Any], path: str = "spec") -> JobSpec:
    """A SPEC object (a ``scheduled`` event's echo, a spec file) as a :class:`JobSpec`.

    Checks every field's type as the helper does (PROTOCOL.md §6.1; ``null`` is absent) and
    raises :class:`FieldError` (a :class:`HelperProtocolError`) naming the first bad field,
    under ``path``. Value rules (reserved extras, API levels, the platform's) are
    :mod:`bridge.validation`'s.
    """
    f = _Fields.of(obj, path)
    unknown = [k for k in f.raw if k not in _SPEC_KEYS]
    if unknown:
        name = unknown[0] if unknown[0].isprintable() else repr(unknown[0])
        raise FieldError(f.path_of(unknown[0]), "unknown field", f"unknown SPEC field: {name}")
    job_id = f.req_long("job_id", _INT32)
    namespace = f.opt_string("namespace")
    network_type = _network_type(f)
    request = f.opt_object("network_request")
    network_request = None
    if request is not None:
        request.allow_only("capabilities", "transports", "remove_capabilities")
        network_request = NetworkRequest(request.int_list("capabilities"), request.int_list("transports"),
                                         request.int_list("remove_capabilities"))
    estimated = _byte_estimate(f, "estimated_bytes")
    min_chunk = f.opt_long("min_chunk_bytes")
    flags = {name: f.bool_or(name, False) for name in (
        "requires_charging", "requires_device_idle", "requires_battery_not_low", "requires_storage_not_low")}
    min_latency = f.opt_long("min_latency_ms")
    deadline = f.opt_long("override_deadline_ms")
    periodic_table = f.opt_object("periodic")
    periodic = None
    if periodic_table is not None:
        periodic_table.allow_only("interval_ms", "flex_ms")
        periodic = Periodic(periodic_table.req_long("interval_ms"), periodic_table.opt_long("flex_ms"))
    backoff_table = f.opt_object("backoff")
    backoff = None
    if backoff_table is not None:
        backoff_table.allow_only("initial_ms", "policy")
        initial = backoff_table.req_long("initial_ms")
        policy = backoff_table.opt_string("policy") or "exponential"
        if policy.upper() not in BackoffPolicy.__members__:
            raise FieldError(backoff_table.path_of("policy"), f"unknown backoff policy: {policy!r}")
        backoff = Backoff(initial, BackoffPolicy[policy.upper()])
    more = {name: f.bool_or(name, False) for name in (
        "persisted", "important_while_foreground", "prefetch", "expedited")}
    priority = _priority(f)
    user_initiated = f.bool_or("user_initiated", False)
    triggers = []
    for n, raw in enumerate(f.list_or("trigger_content_uris")):
        trigger = _Fields.of(raw, f"{f.path_of('trigger_content_uris')}[{n}]")
        trigger.allow_only("uri", "descendants")
        triggers.append(TriggerContentUri(trigger.req_string("uri"), trigger.bool_or("descendants", False)))
    update_delay = f.opt_long("trigger_content_update_delay_ms")
    max_delay = f.opt_long("trigger_content_max_delay_ms")
    extras = f.extras("extras")
    transient = f.extras("transient_extras")
    debug_tags = f.string_list("debug_tags")
    trace_tag = f.opt_string("trace_tag")
    script = f.opt_object("script")
    return JobSpec(
        job_id, namespace=namespace, network_type=network_type, network_request=network_request,
        estimated_bytes=estimated, min_chunk_bytes=min_chunk, **flags, min_latency_ms=min_latency,
        override_deadline_ms=deadline, periodic=periodic, backoff=backoff, **more, priority=priority,
        user_initiated=user_initiated, trigger_content_uris=tuple(triggers),
        trigger_content_update_delay_ms=update_delay, trigger_content_max_delay_ms=max_delay, extras=extras,
        transient_extras=transient, debug_tags=debug_tags, trace_tag=trace_tag,
        script=decode_job_script(script.raw, script.path) if script is not None else None,
    )


_SPEC_KEYS = frozenset({
    "job_id", "namespace", "network_type", "network_request", "estimated_bytes", "min_chunk_bytes",
    "requires_charging", "requires_device_idle", "requires_battery_not_low", "requires_storage_not_low",
    "min_latency_ms", "override_deadline_ms", "periodic", "backoff", "persisted",
    "important_while_foreground", "prefetch", "expedited", "priority", "user_initiated",
    "trigger_content_uris", "trigger_content_update_delay_ms", "trigger_content_max_delay_ms", "extras",
    "transient_extras", "debug_tags", "trace_tag", "script"})
"""Every SPEC field of PROTOCOL.md §6.1."""


def encode_work_item(item: WorkItem) -> dict[str, Any]:
    """The ITEM object of PROTOCOL.md §3.5 ``enqueue``."""
    out: dict[str, Any] = {"tag": item.tag}
    if item.estimated_bytes is not None:
        out["estimated_bytes"] = _bytes(item.estimated_bytes)
    if item.min_chunk_bytes is not None:
        out["min_chunk_bytes"] = item.min_chunk_bytes
    if item.script is not None:
        out["script"] = encode_item_script(item.script)
    return out


def decode_work_item(obj: Mapping[str, Any], path: str = "item") -> WorkItem:
    """An ITEM object (PROTOCOL.md §3.5 ``enqueue``) as a :class:`WorkItem`; raises
    :class:`FieldError` naming the first bad field under ``path``."""
    f = _Fields.of(obj, path)
    f.allow_only("tag", "estimated_bytes", "min_chunk_bytes", "script")
    tag = f.req_string("tag")
    estimated = _byte_estimate(f, "estimated_bytes")
    chunk = f.opt_long("min_chunk_bytes")
    script = f.opt_object("script")
    return WorkItem(tag, estimated, chunk, decode_item_script(script.raw, script.path) if script is not None else None)


# =============================================================== requests


class Command(enum.Enum):
    """The commands of PROTOCOL.md §3.5."""

    INFO = "info"
    SCHEDULE = "schedule"
    ENQUEUE = "enqueue"
    CANCEL = "cancel"
    CANCEL_ALL = "cancel_all"
    LIST = "list"
    JOURNAL = "journal"
    RESET = "reset"


@dataclass(frozen=True)
class HelperRequest:
    """One request envelope (§3.2): ``{"v":1,"id":…,"cmd":…, …fields}``."""

    command: Command
    fields: tuple[tuple[str, Any], ...] = ()
    request_id: str | None = None

    def to_object(self) -> dict[str, Any]:
        out: dict[str, Any] = {"v": PROTOCOL_VERSION}
        if self.request_id is not None:
            out["id"] = self.request_id
        out["cmd"] = self.command.value
        out.update(self.fields)
        return out

    def to_json(self) -> str:
        return canonical_json(self.to_object())

    @property
    def needs_inbox(self) -> bool:
        """True when the request is too big for the inline ``req`` extra (§2.3)."""
        return len(self.to_json().encode()) > INLINE_REQUEST_LIMIT


def info_request(request_id: str | None = None) -> HelperRequest:
    return HelperRequest(Command.INFO, (), request_id)


def schedule_request(spec: JobSpec, request_id: str | None = None) -> HelperRequest:
    return HelperRequest(Command.SCHEDULE, (("spec", encode_spec(spec)),), request_id)


def enqueue_request(spec: JobSpec, items: Sequence[WorkItem], request_id: str | None = None) -> HelperRequest:
    return HelperRequest(Command.ENQUEUE, (("spec", encode_spec(spec)),
                                           ("items", [encode_work_item(i) for i in items])), request_id)


def cancel_request(job_id: int, namespace: str | None = None, request_id: str | None = None) -> HelperRequest:
    fields: tuple[tuple[str, Any], ...] = (("job_id", job_id),)
    if namespace is not None:
        fields += (("namespace", namespace),)
    return HelperRequest(Command.CANCEL, fields, request_id)


def _scope_fields(namespace: str | None, all_namespaces: bool) -> tuple[tuple[str, Any], ...]:
    if namespace is not None and all_namespaces:
        raise ValueError("namespace and all_namespaces are exclusive")
    fields: tuple[tuple[str, Any], ...] = ()
    if namespace is not None:
        fields += (("namespace", namespace),)
    if all_namespaces:
        fields += (("all_namespaces", True),)
    return fields


def cancel_all_request(namespace: str | None = None, all_namespaces: bool = False,
                       request_id: str | None = None) -> HelperRequest:
    return HelperRequest(Command.CANCEL_ALL, _scope_fields(namespace, all_namespaces), request_id)


def list_request(namespace: str | None = None, all_namespaces: bool = False,
                 request_id: str | None = None) -> HelperRequest:
    return HelperRequest(Command.LIST, _scope_fields(namespace, all_namespaces), request_id)


def journal_request(from_seq: int, max_events: int | None = None, request_id: str | None = None) -> HelperRequest:
    fields: tuple[tuple[str, Any], ...] = (("from_seq", from_seq),)
    if max_events is not None:
        fields += (("max", max_events),)
    return HelperRequest(Command.JOURNAL, fields, request_id)


def reset_request(clear_journal: bool = False, request_id: str | None = None) -> HelperRequest:
    return HelperRequest(Command.RESET, (("clear_journal", clear_journal),), request_id)


# =============================================================== command lines


def _check_inbox_name(name: str) -> str:
    if not INBOX_NAME.match(name):
        raise ValueError(f"bad inbox name: {name}")
    return name


def broadcast_command(request: HelperRequest | str) -> str:
    """§2.3 inline request: the ``am broadcast … --es req '<REQ>'`` shell line."""
    text = request.to_json() if isinstance(request, HelperRequest) else request
    return (f"am broadcast -a {COMMAND_ACTION} -n {COMMAND_RECEIVER} --include-stopped-packages "
            f"--es req {shell_quote(text)}")


def inbox_write_command(name: str) -> str:
    """§2.3: the ``run-as`` line that stores stdin as ``files/inbox/NAME``."""
    _check_inbox_name(name)
    return (f"run-as {HELPER_PACKAGE} sh -c 'mkdir -p files/inbox && cat > files/inbox/{name}.tmp "
            f"&& mv files/inbox/{name}.tmp files/inbox/{name}'")


def inbox_broadcast_command(name: str) -> str:
    """§2.3: the broadcast naming an inbox file (``--es req_file NAME``)."""
    _check_inbox_name(name)
    return (f"am broadcast -a {COMMAND_ACTION} -n {COMMAND_RECEIVER} --include-stopped-packages "
            f"--es req_file {name}")


def activity_commands(request: HelperRequest | str, reply: str) -> tuple[str, str, str]:
    """§2.5: start ``ScheduleActivity``, read the outbox reply, delete it."""
    _check_inbox_name(reply)
    text = request.to_json() if isinstance(request, HelperRequest) else request
    return (f"am start -W -n {SCHEDULE_ACTIVITY} --es req {shell_quote(text)} --es reply {reply}",
            f"run-as {HELPER_PACKAGE} cat files/outbox/{reply}",
            f"run-as {HELPER_PACKAGE} rm -f files/outbox/{reply}")


# =============================================================== responses


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


@dataclass(frozen=True)
class HelperResponse:
    """A response envelope (§3.3)."""

    version: int
    request_id: str | None
    ok: bool
    result: Mapping[str, Any] | None
    error: HelperError | None


def decode_response(data: str | Mapping[str, Any]) -> HelperResponse:
    """Parse a response envelope; a structured error becomes :class:`HelperError` (not raised).
    Anything that is not an envelope of §3.3 raises :class:`HelperProtocolError`."""
    try:
        obj = json.loads(data) if isinstance(data, str) else data
    except json.JSONDecodeError as exc:
        raise HelperProtocolError(f"helper response is not JSON: {exc}") from None
    except RecursionError:
        raise HelperProtocolError("helper response is nested too deeply") from None
    if not isinstance(obj, Mapping) or "ok" not in obj or "v" not in obj:
        raise HelperProtocolError("helper response is not a response envelope")
    envelope = _Result(obj, "response envelope")
    version = envelope.int("v")
    ok = envelope.bool("ok")
    request_id = envelope.opt_str("id")
    if ok:
        result = obj.get("result")
        if result is not None and not isinstance(result, Mapping):
            raise HelperProtocolError("malformed response envelope: field result: expected object")
        return HelperResponse(version, request_id, True, result or {}, None)
    err = _Result(envelope.obj("error"), "error")
    details = err.raw.get("details")
    if details is not None and not isinstance(details, Mapping):
        raise HelperProtocolError("malformed error: field details: expected object")
    error = HelperError(err.str("code"), err.opt_str("message"), err.opt_str("type"),
                        dict(details) if details is not None else None)
    return HelperResponse(version, request_id, False, None, error)


class _Result:
    """Typed reading of a response object; a missing or mistyped field is a
    :class:`HelperProtocolError` (``malformed <what>: field <key>: expected …``)."""

    def __init__(self, raw: object, what: str) -> None:
        if not isinstance(raw, Mapping):
            raise HelperProtocolError(f"malformed {what}: expected object")
        self.raw = raw
        self.what = what

    def _bad(self, key: str, expected: str) -> HelperProtocolError:
        return HelperProtocolError(f"malformed {self.what}: field {key}: expected {expected}")

    def _get(self, key: str, optional: bool, check: Any, expected: str) -> Any:
        value = self.raw.get(key)
        if value is None:
            if optional:
                return None
            raise HelperProtocolError(f"malformed {self.what}: missing field {key}")
        if not check(value):
            raise self._bad(key, expected)
        return value

    def int(self, key: str) -> int:
        return self._get(key, False, _is_int, "integer")  # type: ignore[no-any-return]

    def opt_int(self, key: str) -> int | None:
        return self._get(key, True, _is_int, "integer")  # type: ignore[no-any-return]

    def bool(self, key: str) -> bool:
        return self._get(key, False, lambda v: isinstance(v, bool), "boolean")  # type: ignore[no-any-return]

    def opt_bool(self, key: str) -> bool | None:
        return self._get(key, True, lambda v: isinstance(v, bool), "boolean")  # type: ignore[no-any-return]

    def str(self, key: str) -> str:
        return self._get(key, False, lambda v: isinstance(v, str), "string")  # type: ignore[no-any-return]

    def opt_str(self, key: str) -> str | None:
        return self._get(key, True, lambda v: isinstance(v, str), "string")  # type: ignore[no-any-return]

    def list(self, key: str) -> list[Any]:
        return list(self._get(key, False, lambda v: isinstance(v, (list, tuple)), "array"))

    def obj(self, key: str) -> Mapping[str, Any]:
        return self._get(key, False, lambda v: isinstance(v, Mapping), "object")  # type: ignore[no-any-return]


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


# --------------------------------------------------------------- typed results


@dataclass(frozen=True)
class InfoResult:
    package: str
    helper_version: str
    version_code: int
    protocol_version: int
    protocol_versions: tuple[int, ...]
    api_level: int
    journal_first_seq: int
    journal_next_seq: int


@dataclass(frozen=True)
class JobRef:
    """``schedule`` / ``cancel`` result: ``{"job_id":1,"namespace":null}``."""

    job_id: int
    namespace: str | None


@dataclass(frozen=True)
class EnqueueResult:
    job_id: int
    namespace: str | None
    enqueued: int


@dataclass(frozen=True)
class CancelAllResult:
    scope: str
    """``namespace`` or ``all``."""
    namespace: str | None


@dataclass(frozen=True)
class PendingJob:
    """One entry of the ``list`` result (§3.5); ``None`` where the getter is missing on the level."""

    job_id: int
    namespace: str | None
    pending_reason: PendingReason | int | None
    periodic: bool
    interval_ms: int
    flex_ms: int
    min_latency_ms: int
    override_deadline_ms: int
    persisted: bool
    expedited: bool | None
    user_initiated: bool | None
    prefetch: bool | None
    priority: Priority | int | None
    requires_network: bool
    estimated_download_bytes: int | None
    estimated_upload_bytes: int | None


@dataclass(frozen=True)
class JournalResult:
    events: tuple[JobEvent, ...]
    next_seq: int
    first_seq: int
    dropped_before_seq: int | None


@dataclass(frozen=True)
class ResetResult:
    cleared_journal: bool


CommandResult = InfoResult | JobRef | EnqueueResult | CancelAllResult | tuple | JournalResult | ResetResult


def _pending_job(raw: object, index: int) -> PendingJob:
    job = _Result(raw, f"list result: jobs[{index}]")
    reason = job.opt_int("pending_reason")
    priority = job.opt_int("priority")
    return PendingJob(
        job_id=job.int("job_id"), namespace=job.opt_str("namespace"),
        pending_reason=None if reason is None else PendingReason.parse(reason),
        periodic=job.bool("periodic"), interval_ms=job.int("interval_ms"), flex_ms=job.int("flex_ms"),
        min_latency_ms=job.int("min_latency_ms"), override_deadline_ms=job.int("override_deadline_ms"),
        persisted=job.bool("persisted"), expedited=job.opt_bool("expedited"),
        user_initiated=job.opt_bool("user_initiated"), prefetch=job.opt_bool("prefetch"),
        priority=None if priority is None else (Priority(priority) if priority in Priority._value2member_map_
                                                else priority),
        requires_network=job.bool("requires_network"),
        estimated_download_bytes=job.opt_int("estimated_download_bytes"),
        estimated_upload_bytes=job.opt_int("estimated_upload_bytes"))


def _event(raw: object, index: int) -> JobEvent:
    if not isinstance(raw, Mapping):
        raise HelperProtocolError(f"malformed journal result: events[{index}]: expected object")
    try:
        return JobEvent.from_json(raw)
    except ValueError as exc:
        raise HelperProtocolError(f"malformed journal result: events[{index}]: {exc}") from None


def decode_result(command: Command | str, response: HelperResponse | str | Mapping[str, Any]) -> Any:
    """The typed result of ``command``'s response; raises the response's :class:`HelperError`,
    or :class:`HelperProtocolError` when a field is missing or of the wrong type.

    ``list`` gives a ``tuple[PendingJob, ...]``; the other commands their result class.
    """
    cmd = Command(command) if isinstance(command, str) else command
    resp = response if isinstance(response, HelperResponse) else decode_response(response)
    if not resp.ok:
        if resp.error is None:
            raise HelperProtocolError("helper response is neither ok nor an error")
        raise resp.error
    r = _Result(resp.result or {}, f"{cmd.value} result")
    if cmd is Command.INFO:
        journal = _Result(r.obj("journal"), "info result: journal")
        versions = r.list("protocol_versions")
        if not all(_is_int(v) for v in versions):
            raise HelperProtocolError("malformed info result: field protocol_versions: expected integers")
        return InfoResult(r.str("package"), r.str("helper_version"), r.int("version_code"),
                          r.int("protocol_version"), tuple(versions), r.int("api_level"),
                          journal.int("first_seq"), journal.int("next_seq"))
    if cmd in (Command.SCHEDULE, Command.CANCEL):
        return JobRef(r.int("job_id"), r.opt_str("namespace"))
    if cmd is Command.ENQUEUE:
        return EnqueueResult(r.int("job_id"), r.opt_str("namespace"), r.int("enqueued"))
    if cmd is Command.CANCEL_ALL:
        return CancelAllResult(r.str("scope"), r.opt_str("namespace"))
    if cmd is Command.LIST:
        return tuple(_pending_job(j, n) for n, j in enumerate(r.list("jobs")))
    if cmd is Command.JOURNAL:
        events = tuple(_event(e, n) for n, e in enumerate(r.list("events")))
        return JournalResult(events, r.int("next_seq"), r.int("first_seq"), r.opt_int("dropped_before_seq"))
    return ResetResult(r.bool("cleared_journal"))


# =============================================================== events


@dataclass(frozen=True)
class JournalReadback:
    """The §5.5 read-back, filtered to ``seq >= from_seq``.

    ``unannounced_gap`` is the first ``(seq, next_seq)`` pair that is not consecutive: a
    rotation happened between the two ``cat`` opens, so the host must read again
    (:attr:`needs_retry`). ``dropped_before_seq`` is set when a ``dropped`` marker says
    events the host asked for are gone.
    """

    events: tuple[JobEvent, ...]
    unannounced_gap: tuple[int, int] | None = None
    dropped_before_seq: int | None = None

    @property
    def needs_retry(self) -> bool:
        return self.unannounced_gap is not None


def parse_journal(text: str, from_seq: int = 1) -> JournalReadback:
    """Parse ``previous.jsonl`` + ``current.jsonl`` as ``cat`` printed them (§5.3, §5.5).

    A final line without ``\\n`` is being written and is ignored. Raises
    :class:`HelperProtocolError` on a complete line that is not an event.
    """
    lines = text.split("\n")[:-1]
    events: list[JobEvent] = []
    for line in lines:
        if not line.strip():
            continue
        try:
            events.append(JobEvent.from_json(line))
        except ValueError as exc:
            raise HelperProtocolError(f"bad journal line: {exc}") from None
        except RecursionError:
            raise HelperProtocolError("bad journal line: nested too deeply") from None
    dropped: int | None = None
    for event in events:
        if event.kind is EventKind.DROPPED:
            before = event.fields.get("before_seq")
            if isinstance(before, int) and before > from_seq:
                dropped = max(dropped or 0, before)
    kept = [e for e in events if e.seq >= from_seq]
    gap = next(((a.seq, b.seq) for a, b in zip(kept, kept[1:]) if b.seq != a.seq + 1), None)
    return JournalReadback(tuple(kept), gap, dropped)


def parse_logcat_line(line: str) -> JobEvent | None:
    """One ``logcat -v raw -s jobctl:I`` line (§5.4): an event, or ``None`` for other lines.

    A ``log_truncated`` stand-in gives an event with ``log_truncated`` set and no fields.
    """
    text = line.rstrip("\r\n")
    if not text.startswith("{"):
        return None
    try:
        return JobEvent.from_json(text)
    except ValueError as exc:
        raise HelperProtocolError(f"bad logcat event line: {exc}") from None
    except RecursionError:
        raise HelperProtocolError("bad logcat event line: nested too deeply") from None
