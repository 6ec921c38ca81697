"""The SPEC / ITEM codec of PROTOCOL.md §6.1 and §3.5 (scripts, §7: :mod:`.script_codec`, loaded
only for a spec or an item that carries one), and the JSON text form. No I/O.

Encoding rules: keys in the order of the PROTOCOL.md tables; an option that is not set
(``None``, ``False``, empty) is omitted, as are script fields at their defaults (``ms`` 0,
``chunks`` 1, ``on_stop_reschedule`` false, ``complete`` true); ``finish`` always carries
``reschedule``. Decoding checks every field's type as the helper does and raises
:class:`~bridge.helper_protocol.fields.FieldError` naming the first bad field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bridge.helper_protocol.fields import INT32, FieldError, Fields, is_int
from bridge.helper_protocol.fields import canonical_json as canonical_json  # the JSON text form, re-exported
from bridge.model.enums import BackoffPolicy, NetworkType, Priority
from bridge.model.spec import (
    Backoff,
    ByteEstimate,
    JobSpec,
    NetworkRequest,
    Periodic,
    TriggerContentUri,
    WorkItem,
    extras,
)

if TYPE_CHECKING:
    from bridge.model.script import JobScript

JsonObject = dict[str, object]
"""A JSON object as the encoders build it (values are JSON-encodable)."""


# =============================================================== SPEC (§6.1)


def _bytes(value: ByteEstimate) -> JsonObject:
    return {"down": value.down, "up": value.up}


def encode_spec(spec: JobSpec) -> JsonObject:
    """The SPEC object of PROTOCOL.md §6.1 (keys in table order, unset options omitted)."""
    out: JsonObject = {"job_id": spec.job_id}
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
        periodic: JsonObject = {"interval_ms": spec.periodic.interval_ms}
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
        from bridge.helper_protocol.script_codec import encode_job_script

        out["script"] = encode_job_script(spec.script)
    return out


def _priority(f: Fields) -> Priority | int | None:
    if not f.has("priority"):
        return None
    value = f.raw["priority"]
    if isinstance(value, str):
        if value.upper() in Priority.__members__:
            return Priority[value.upper()]
    elif is_int(value):
        return f.req_long("priority", INT32)
    raise FieldError(f.path_of("priority"), "expected min, low, default, high, max or integer")


def _network_type(f: Fields) -> NetworkType | None:
    name = f.opt_string("network_type")
    if name is None:
        return None
    try:
        return NetworkType(name)
    except ValueError:
        choices = ", ".join(t.value for t in NetworkType)
        raise FieldError(f.path_of("network_type"),
                         f"{name!r} is not a valid NetworkType (one of: {choices})") from None


def _network_request(f: Fields) -> NetworkRequest | None:
    request = f.opt_object("network_request")
    if request is None:
        return None
    request.allow_only("capabilities", "transports", "remove_capabilities")
    return NetworkRequest(request.int_list("capabilities"), request.int_list("transports"),
                          request.int_list("remove_capabilities"))


def _byte_estimate(f: Fields, key: str) -> ByteEstimate | None:
    table = f.opt_object(key)
    if table is None:
        return None
    table.allow_only("down", "up")
    return ByteEstimate(table.req_long("down"), table.req_long("up"))


def _periodic(f: Fields) -> Periodic | None:
    table = f.opt_object("periodic")
    if table is None:
        return None
    table.allow_only("interval_ms", "flex_ms")
    return Periodic(table.req_long("interval_ms"), table.opt_long("flex_ms"))


def _backoff(f: Fields) -> Backoff | None:
    table = f.opt_object("backoff")
    if table is None:
        return None
    table.allow_only("initial_ms", "policy")
    initial = table.req_long("initial_ms")
    policy = table.opt_string("policy") or "exponential"
    if policy.upper() not in BackoffPolicy.__members__:
        raise FieldError(table.path_of("policy"), f"unknown backoff policy: {policy!r}")
    return Backoff(initial, BackoffPolicy[policy.upper()])


def _triggers(f: Fields) -> tuple[TriggerContentUri, ...]:
    triggers = []
    for n, raw in enumerate(f.list_or("trigger_content_uris")):
        trigger = Fields.of(raw, f"{f.path_of('trigger_content_uris')}[{n}]")
        trigger.allow_only("uri", "descendants")
        triggers.append(TriggerContentUri(trigger.req_string("uri"), trigger.bool_or("descendants", False)))
    return tuple(triggers)


def _job_script(script: Fields | None) -> JobScript | None:
    if script is None:
        return None
    from bridge.helper_protocol.script_codec import decode_job_script

    return decode_job_script(script.raw, script.path)


def decode_spec(obj: object, path: str = "spec") -> JobSpec:
    """A SPEC object (a ``scheduled`` event's echo, a spec file) as a :class:`JobSpec`.

    Checks every field's type as the helper does (PROTOCOL.md §6.1; ``null`` is absent) and
    raises :class:`FieldError` (a :class:`~bridge.errors.HelperProtocolError`) naming the first
    bad field, under ``path``. Value rules (reserved extras, API levels, the platform's) are
    :mod:`bridge.validation`'s.
    """
    f = Fields.of(obj, path)
    unknown = [k for k in f.raw if k not in SPEC_KEYS]
    if unknown:
        name = unknown[0] if unknown[0].isprintable() else repr(unknown[0])
        raise FieldError(f.path_of(unknown[0]), "unknown field", f"unknown SPEC field: {name}")
    # Fields are read in table order, so the first bad one is the one reported.
    job_id = f.req_long("job_id", INT32)
    namespace = f.opt_string("namespace")
    network_type = _network_type(f)
    network_request = _network_request(f)
    estimated = _byte_estimate(f, "estimated_bytes")
    min_chunk = f.opt_long("min_chunk_bytes")
    requires = [f.bool_or(name, False) for name in (
        "requires_charging", "requires_device_idle", "requires_battery_not_low", "requires_storage_not_low")]
    min_latency = f.opt_long("min_latency_ms")
    deadline = f.opt_long("override_deadline_ms")
    periodic = _periodic(f)
    backoff = _backoff(f)
    flags = [f.bool_or(name, False) for name in ("persisted", "important_while_foreground", "prefetch", "expedited")]
    priority = _priority(f)
    user_initiated = f.bool_or("user_initiated", False)
    triggers = _triggers(f)
    update_delay = f.opt_long("trigger_content_update_delay_ms")
    max_delay = f.opt_long("trigger_content_max_delay_ms")
    job_extras = f.extras("extras")
    transient = f.extras("transient_extras")
    debug_tags = f.string_list("debug_tags")
    trace_tag = f.opt_string("trace_tag")
    script = f.opt_object("script")
    return JobSpec(
        job_id, namespace=namespace, network_type=network_type, network_request=network_request,
        estimated_bytes=estimated, min_chunk_bytes=min_chunk, requires_charging=requires[0],
        requires_device_idle=requires[1], requires_battery_not_low=requires[2], requires_storage_not_low=requires[3],
        min_latency_ms=min_latency, override_deadline_ms=deadline, periodic=periodic, backoff=backoff,
        persisted=flags[0], important_while_foreground=flags[1], prefetch=flags[2], expedited=flags[3],
        priority=priority, user_initiated=user_initiated, trigger_content_uris=triggers,
        trigger_content_update_delay_ms=update_delay, trigger_content_max_delay_ms=max_delay,
        extras=extras(job_extras), transient_extras=extras(transient), debug_tags=debug_tags, trace_tag=trace_tag,
        script=_job_script(script),
    )


SPEC_KEYS = frozenset({
    "job_id", "namespace", "network_type", "network_request", "estimated_bytes", "min_chunk_bytes",
    "requires_charging", "requires_device_idle", "requires_battery_not_low", "requires_storage_not_low",
    "min_latency_ms", "override_deadline_ms", "periodic", "backoff", "persisted",
    "important_while_foreground", "prefetch", "expedited", "priority", "user_initiated",
    "trigger_content_uris", "trigger_content_update_delay_ms", "trigger_content_max_delay_ms", "extras",
    "transient_extras", "debug_tags", "trace_tag", "script"})
"""Every SPEC field of PROTOCOL.md §6.1."""


# =============================================================== ITEM (§3.5)


def encode_work_item(item: WorkItem) -> JsonObject:
    """The ITEM object of PROTOCOL.md §3.5 ``enqueue``."""
    out: JsonObject = {"tag": item.tag}
    if item.estimated_bytes is not None:
        out["estimated_bytes"] = _bytes(item.estimated_bytes)
    if item.min_chunk_bytes is not None:
        out["min_chunk_bytes"] = item.min_chunk_bytes
    if item.script is not None:
        from bridge.helper_protocol.script_codec import encode_item_script

        out["script"] = encode_item_script(item.script)
    return out


def decode_work_item(obj: object, path: str = "item") -> WorkItem:
    """An ITEM object (PROTOCOL.md §3.5 ``enqueue``) as a :class:`WorkItem`; raises
    :class:`FieldError` naming the first bad field under ``path``."""
    f = Fields.of(obj, path)
    f.allow_only("tag", "estimated_bytes", "min_chunk_bytes", "script")
    tag = f.req_string("tag")
    estimated = _byte_estimate(f, "estimated_bytes")
    chunk = f.opt_long("min_chunk_bytes")
    script = f.opt_object("script")
    if script is None:
        return WorkItem(tag, estimated, chunk, None)
    from bridge.helper_protocol.script_codec import decode_item_script

    return WorkItem(tag, estimated, chunk, decode_item_script(script.raw, script.path))
