"""Layers 1 and 2 of :mod:`bridge.validation`: the helper protocol's value rules (PROTOCOL.md §6.1,
§7.3) and the API-level guard (§6.2)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bridge.errors import JobSpecError
from bridge.model.enums import BackoffPolicy, NetworkType
from bridge.model.spec import (
    HELPER_MIN_SDK,
    Backoff,
    ByteEstimate,
    Extras,
    JobSpec,
    NetworkRequest,
    Periodic,
    TriggerContentUri,
    WorkItem,
)
from bridge.validation.limits import INT32, INT64, MAX_ITEMS_PER_ENQUEUE, RESERVED_EXTRAS_PREFIX, bad_field


def check_helper_level(api_level: int) -> None:
    if api_level < HELPER_MIN_SDK:
        raise JobSpecError(f"the jobctl helper requires API {HELPER_MIN_SDK}, device is API {api_level}",
                           min_api=HELPER_MIN_SDK)


def _check_int(value: object, path: str, bounds: tuple[int, int] = INT64) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not bounds[0] <= value <= bounds[1]:
        raise bad_field(path, "expected 32-bit integer" if bounds == INT32 else "expected integer")


def _check_extras(values: Extras, path: str, reserved: bool) -> None:
    if not isinstance(values, tuple) or not all(isinstance(p, tuple) and len(p) == 2 for p in values):
        raise bad_field(path, "expected object")
    for key, value in values:
        if not isinstance(key, str):
            raise bad_field(path, "expected string keys")
        if reserved and key.startswith(RESERVED_EXTRAS_PREFIX):
            raise bad_field(f"{path}.{_name(key)}", f"reserved key prefix {RESERVED_EXTRAS_PREFIX}")
        if isinstance(value, (str, bool)):
            continue
        if isinstance(value, int) and INT64[0] <= value <= INT64[1]:
            continue  # putLong
        if isinstance(value, float) and math.isfinite(value):
            continue  # putDouble; JSON has no NaN or infinity
        raise bad_field(f"{path}.{_name(key)}", "expected string, integer, boolean or number")


def _name(key: str) -> str:
    """A key as it appears in a field path: as is, or quoted when it would break the one-line
    message (a NUL or a lone surrogate included: ``repr`` escapes both)."""
    return key if key.isprintable() else repr(key)


def _check_bool(value: object, path: str) -> None:
    if not isinstance(value, bool):
        raise bad_field(path, "expected boolean")


def _check_string(value: object, path: str, optional: bool = True) -> None:
    if not (isinstance(value, str) or (optional and value is None)):
        raise bad_field(path, "expected string")


def _check_instance(value: object, kind: type, path: str, what: str) -> None:
    if value is not None and not isinstance(value, kind):
        raise bad_field(path, f"expected {what}")


def _check_steps(steps: object, path: str, item_script: bool) -> None:
    from bridge.model.script import Estimate, Finish, Hold, Sleep, Transfer, Work

    if not isinstance(steps, tuple):
        raise bad_field(f"{path}.steps", "expected array")
    for n, step in enumerate(steps):
        where = f"{path}.steps[{n}]"
        if item_script and isinstance(step, (Work, Finish, Hold)):
            op = {Work: "work", Finish: "finish", Hold: "hold"}[type(step)]
            raise bad_field(f"{where}.op", f"op not allowed in an item script: {op}")
        if isinstance(step, Sleep):
            numbers = {"ms": step.ms}
        elif isinstance(step, Transfer):
            numbers = {"down": step.down, "up": step.up, "ms": step.ms}
            _check_int(step.chunks, f"{where}.chunks")
            if step.chunks < 1:
                raise bad_field(f"{where}.chunks", "must be >= 1")
        elif isinstance(step, Estimate):
            numbers = {"down": step.down, "up": step.up}
        elif isinstance(step, Finish):
            _check_bool(step.reschedule, f"{where}.reschedule")
            numbers = {}
        elif isinstance(step, (Work, Hold)):
            numbers = {}
        else:
            raise bad_field(f"{where}.op", f"unknown op: {type(step).__name__}")
        for name, value in numbers.items():
            _check_int(value, f"{where}.{name}")
            if value < 0:
                raise bad_field(f"{where}.{name}", "must be >= 0")


def _check_estimate(value: object, path: str) -> None:
    _check_instance(value, ByteEstimate, path, "object")
    if isinstance(value, ByteEstimate):
        _check_int(value.down, f"{path}.down")
        _check_int(value.up, f"{path}.up")


def check_spec_values(spec: JobSpec) -> None:
    """PROTOCOL.md §6.1 types, §6.1 reserved extras, §7.3 script rules (``bad_request``).

    Every field's type is checked, in table order, so that any :class:`JobSpec` (however it
    was built) either passes here or raises :class:`JobSpecError`, never a ``TypeError``.
    """
    _check_int(spec.job_id, "spec.job_id", INT32)
    _check_string(spec.namespace, "spec.namespace")
    _check_instance(spec.network_type, NetworkType, "spec.network_type",
                    "one of " + ", ".join(t.value for t in NetworkType))
    _check_instance(spec.network_request, NetworkRequest, "spec.network_request", "object")
    if isinstance(spec.network_request, NetworkRequest):
        for name in ("capabilities", "transports", "remove_capabilities"):
            values = getattr(spec.network_request, name)
            if not isinstance(values, (tuple, list)):
                raise bad_field(f"spec.network_request.{name}", "expected array")
            for n, value in enumerate(values):
                _check_int(value, f"spec.network_request.{name}[{n}]", INT32)
    _check_estimate(spec.estimated_bytes, "spec.estimated_bytes")
    for name in ("requires_charging", "requires_device_idle", "requires_battery_not_low",
                 "requires_storage_not_low", "persisted", "important_while_foreground", "prefetch", "expedited",
                 "user_initiated"):
        _check_bool(getattr(spec, name), f"spec.{name}")
    for name in ("min_chunk_bytes", "min_latency_ms", "override_deadline_ms",
                 "trigger_content_update_delay_ms", "trigger_content_max_delay_ms"):
        value = getattr(spec, name)
        if value is not None:
            _check_int(value, f"spec.{name}")
    _check_instance(spec.periodic, Periodic, "spec.periodic", "object")
    if isinstance(spec.periodic, Periodic):
        _check_int(spec.periodic.interval_ms, "spec.periodic.interval_ms")
        if spec.periodic.flex_ms is not None:
            _check_int(spec.periodic.flex_ms, "spec.periodic.flex_ms")
    _check_instance(spec.backoff, Backoff, "spec.backoff", "object")
    if isinstance(spec.backoff, Backoff):
        _check_int(spec.backoff.initial_ms, "spec.backoff.initial_ms")
        if not isinstance(spec.backoff.policy, BackoffPolicy):
            raise bad_field("spec.backoff.policy", "expected linear or exponential")
    if spec.priority is not None:
        _check_int(spec.priority, "spec.priority", INT32)
    if not isinstance(spec.trigger_content_uris, tuple):
        raise bad_field("spec.trigger_content_uris", "expected array")
    for n, trigger in enumerate(spec.trigger_content_uris):
        where = f"spec.trigger_content_uris[{n}]"
        if not isinstance(trigger, TriggerContentUri):
            raise bad_field(where, "expected object")
        _check_string(trigger.uri, f"{where}.uri", optional=False)
        _check_bool(trigger.descendants, f"{where}.descendants")
    _check_extras(spec.extras, "spec.extras", reserved=True)
    _check_extras(spec.transient_extras, "spec.transient_extras", reserved=False)
    if not isinstance(spec.debug_tags, tuple):
        raise bad_field("spec.debug_tags", "expected array")
    for n, tag in enumerate(spec.debug_tags):
        _check_string(tag, f"spec.debug_tags[{n}]")  # None is the platform's NullPointerException
    _check_string(spec.trace_tag, "spec.trace_tag")
    if spec.script is not None:  # the script model loads only for a spec that has one
        from bridge.model.script import JobScript

        if not isinstance(spec.script, JobScript):
            raise bad_field("spec.script", "expected object")
        _check_steps(spec.script.steps, "spec.script", item_script=False)
        _check_bool(spec.script.on_stop_reschedule, "spec.script.on_stop_reschedule")


def check_item_values(item: WorkItem, path: str) -> None:
    if not isinstance(item, WorkItem):
        raise bad_field(path, "expected object")
    if not isinstance(item.tag, str):
        raise bad_field(f"{path}.tag", "expected string")
    _check_estimate(item.estimated_bytes, f"{path}.estimated_bytes")
    if item.min_chunk_bytes is not None:
        _check_int(item.min_chunk_bytes, f"{path}.min_chunk_bytes")
    if item.script is not None:
        from bridge.model.script import ItemScript

        if not isinstance(item.script, ItemScript):
            raise bad_field(f"{path}.script", "expected object")
        _check_steps(item.script.steps, f"{path}.script", item_script=True)
        _check_bool(item.script.complete, f"{path}.script.complete")


def check_levels(options: Sequence[object], prefix: str, api_level: int) -> None:
    """PROTOCOL.md §6.2: the first option in table order the device's level lacks."""
    for option in options:
        needed = option.api_level  # type: ignore[attr-defined]
        if api_level < needed:
            path = f"{prefix}.{option.name}"  # type: ignore[attr-defined]
            raise JobSpecError(f"{path} requires API {needed}, device is API {api_level}",
                               option=path, min_api=needed)



def check_item_count(items: Sequence[WorkItem]) -> None:
    """PROTOCOL.md §3.5 ``enqueue``: 1..100 000 items (the helper's text)."""
    if not 1 <= len(items) <= MAX_ITEMS_PER_ENQUEUE:
        raise bad_field("items", f"expected 1..{MAX_ITEMS_PER_ENQUEUE} items")
