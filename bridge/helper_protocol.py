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
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from bridge.errors import HelperError, HelperProtocolError
from bridge.model.enums import BackoffPolicy, NetworkType, PendingReason, Priority
from bridge.model.events import EventKind, JobEvent
from bridge.model.script import (
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


def decode_step(obj: Mapping[str, Any]) -> JobStep:
    """Inverse of :func:`encode_step`; raises :class:`HelperProtocolError` on an unknown op."""
    op = obj.get("op")
    if op == "sleep":
        return Sleep(obj["ms"])
    if op == "transfer":
        return Transfer(obj["down"], obj["up"], obj.get("ms") or 0, obj.get("chunks") or 1)
    if op == "estimate":
        return Estimate(obj["down"], obj["up"])
    if op == "work":
        return Work()
    if op == "finish":
        return Finish(bool(obj.get("reschedule") or False))
    if op == "hold":
        return Hold()
    raise HelperProtocolError(f"unknown script op: {op!r}")


def encode_job_script(script: JobScript) -> dict[str, Any]:
    out: dict[str, Any] = {"steps": [encode_step(s) for s in script.steps]}
    if script.on_stop_reschedule:
        out["on_stop_reschedule"] = True
    return out


def decode_job_script(obj: Mapping[str, Any]) -> JobScript:
    return JobScript(tuple(decode_step(s) for s in obj.get("steps") or ()),
                     bool(obj.get("on_stop_reschedule") or False))


def encode_item_script(script: ItemScript) -> dict[str, Any]:
    out: dict[str, Any] = {"steps": [encode_step(s) for s in script.steps]}
    if not script.complete:
        out["complete"] = False
    return out


def decode_item_script(obj: Mapping[str, Any]) -> ItemScript:
    steps: list[ItemStep] = []
    for raw in obj.get("steps") or ():
        step = decode_step(raw)
        if not isinstance(step, (Sleep, Transfer, Estimate)):
            raise HelperProtocolError(f"op not allowed in an item script: {raw.get('op')}")
        steps.append(step)
    complete = obj.get("complete")
    return ItemScript(tuple(steps), True if complete is None else bool(complete))


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


def _priority(value: Any) -> Priority | int | None:
    if value is None:
        return None
    if isinstance(value, str):
        return Priority[value.upper()]
    return value


def decode_spec(obj: Mapping[str, Any]) -> JobSpec:
    """A SPEC object (e.g. a ``scheduled`` event's echo) as a :class:`JobSpec`."""
    unknown = [k for k in obj if k not in _SPEC_KEYS]
    if unknown:
        raise HelperProtocolError(f"unknown SPEC field: {unknown[0]}")
    bytes_ = obj.get("estimated_bytes")
    req = obj.get("network_request")
    periodic = obj.get("periodic")
    backoff = obj.get("backoff")
    script = obj.get("script")
    return JobSpec(
        obj["job_id"],
        namespace=obj.get("namespace"),
        network_type=NetworkType(obj["network_type"]) if obj.get("network_type") is not None else None,
        network_request=NetworkRequest(tuple(req.get("capabilities") or ()), tuple(req.get("transports") or ()),
                                       tuple(req.get("remove_capabilities") or ())) if req else None,
        estimated_bytes=ByteEstimate(bytes_["down"], bytes_["up"]) if bytes_ else None,
        min_chunk_bytes=obj.get("min_chunk_bytes"),
        requires_charging=bool(obj.get("requires_charging")),
        requires_device_idle=bool(obj.get("requires_device_idle")),
        requires_battery_not_low=bool(obj.get("requires_battery_not_low")),
        requires_storage_not_low=bool(obj.get("requires_storage_not_low")),
        min_latency_ms=obj.get("min_latency_ms"),
        override_deadline_ms=obj.get("override_deadline_ms"),
        periodic=Periodic(periodic["interval_ms"], periodic.get("flex_ms")) if periodic else None,
        backoff=Backoff(backoff["initial_ms"], BackoffPolicy[str(backoff["policy"]).upper()]) if backoff else None,
        persisted=bool(obj.get("persisted")),
        important_while_foreground=bool(obj.get("important_while_foreground")),
        prefetch=bool(obj.get("prefetch")),
        expedited=bool(obj.get("expedited")),
        priority=_priority(obj.get("priority")),
        user_initiated=bool(obj.get("user_initiated")),
        trigger_content_uris=tuple(TriggerContentUri(t["uri"], bool(t.get("descendants")))
                                   for t in obj.get("trigger_content_uris") or ()),
        trigger_content_update_delay_ms=obj.get("trigger_content_update_delay_ms"),
        trigger_content_max_delay_ms=obj.get("trigger_content_max_delay_ms"),
        extras=dict(obj.get("extras") or {}),
        transient_extras=dict(obj.get("transient_extras") or {}),
        debug_tags=tuple(obj.get("debug_tags") or ()),
        trace_tag=obj.get("trace_tag"),
        script=decode_job_script(script) if script is not None else None,
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


def decode_work_item(obj: Mapping[str, Any]) -> WorkItem:
    bytes_ = obj.get("estimated_bytes")
    script = obj.get("script")
    return WorkItem(obj["tag"], ByteEstimate(bytes_["down"], bytes_["up"]) if bytes_ else None,
                    obj.get("min_chunk_bytes"), decode_item_script(script) if script is not None else None)


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
    """Parse a response envelope; a structured error becomes :class:`HelperError` (not raised)."""
    try:
        obj = json.loads(data) if isinstance(data, str) else data
    except json.JSONDecodeError as exc:
        raise HelperProtocolError(f"helper response is not JSON: {exc}") from None
    if not isinstance(obj, Mapping) or "ok" not in obj or "v" not in obj:
        raise HelperProtocolError("helper response is not a response envelope")
    if obj["ok"]:
        return HelperResponse(obj["v"], obj.get("id"), True, obj.get("result") or {}, None)
    err = obj.get("error") or {}
    error = HelperError(str(err.get("code")), err.get("message"), err.get("type"), err.get("details"))
    return HelperResponse(obj["v"], obj.get("id"), False, None, error)


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


def _pending_job(obj: Mapping[str, Any]) -> PendingJob:
    reason = obj.get("pending_reason")
    priority = obj.get("priority")
    return PendingJob(
        job_id=obj["job_id"], namespace=obj.get("namespace"),
        pending_reason=None if reason is None else PendingReason.parse(reason),
        periodic=obj["periodic"], interval_ms=obj["interval_ms"], flex_ms=obj["flex_ms"],
        min_latency_ms=obj["min_latency_ms"], override_deadline_ms=obj["override_deadline_ms"],
        persisted=obj["persisted"], expedited=obj.get("expedited"), user_initiated=obj.get("user_initiated"),
        prefetch=obj.get("prefetch"),
        priority=None if priority is None else (Priority(priority) if priority in Priority._value2member_map_
                                                else priority),
        requires_network=obj["requires_network"],
        estimated_download_bytes=obj.get("estimated_download_bytes"),
        estimated_upload_bytes=obj.get("estimated_upload_bytes"))


def decode_result(command: Command | str, response: HelperResponse | str | Mapping[str, Any]) -> Any:
    """The typed result of ``command``'s response; raises the response's :class:`HelperError`.

    ``list`` gives a ``tuple[PendingJob, ...]``; the other commands their result class.
    """
    cmd = Command(command) if isinstance(command, str) else command
    resp = response if isinstance(response, HelperResponse) else decode_response(response)
    if not resp.ok:
        assert resp.error is not None
        raise resp.error
    r = resp.result or {}
    try:
        if cmd is Command.INFO:
            journal = r["journal"]
            return InfoResult(r["package"], r["helper_version"], r["version_code"], r["protocol_version"],
                              tuple(r["protocol_versions"]), r["api_level"], journal["first_seq"],
                              journal["next_seq"])
        if cmd in (Command.SCHEDULE, Command.CANCEL):
            return JobRef(r["job_id"], r.get("namespace"))
        if cmd is Command.ENQUEUE:
            return EnqueueResult(r["job_id"], r.get("namespace"), r["enqueued"])
        if cmd is Command.CANCEL_ALL:
            return CancelAllResult(r["scope"], r.get("namespace"))
        if cmd is Command.LIST:
            return tuple(_pending_job(j) for j in r["jobs"])
        if cmd is Command.JOURNAL:
            return JournalResult(tuple(JobEvent.from_json(e) for e in r["events"]), r["next_seq"],
                                 r["first_seq"], r.get("dropped_before_seq"))
        return ResetResult(bool(r["cleared_journal"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise HelperProtocolError(f"malformed {cmd.value} result: {exc}") from None


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
