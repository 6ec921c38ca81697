"""Refuse, on the host, what the device would refuse: ``validate(spec, api_level)``.

Three layers, checked in the helper's own order (PROTOCOL.md §3.3):

1. the helper protocol's value rules (PROTOCOL.md §6.1, §7.3; messages are the helper's
   ``bad_request`` texts, e.g. ``field spec.extras.jobctl.x: reserved key prefix jobctl.``);
2. the API-level guard (PROTOCOL.md §6.2): ``spec.expedited requires API 31, device is API 30``;
3. the platform: eager setter checks, ``JobInfo.Builder.build()`` / ``JobInfo.enforceValidity``
   (android-helper.md §3.1) and ``JobScheduler.schedule()`` / ``enqueue()`` (§3.2), with the
   platform's exception class and message verbatim. Rules that exist only from some API
   level or targetSdk apply only there (the helper targets SDK 34, PROTOCOL.md §1).

Everything raises :class:`bridge.errors.JobSpecError`. Rules that need device state (component
checks, permissions, the 150-job cap, quotas) are not checked here.
"""

from __future__ import annotations

import math
from typing import Sequence

from bridge.errors import JobSpecError
from bridge.model.enums import BackoffPolicy, NetworkType, Priority
from bridge.model.script import Estimate, Finish, Hold, ItemScript, JobScript, Sleep, Transfer, Work
from bridge.model.spec import (
    HELPER_MIN_SDK,
    HELPER_TARGET_SDK,
    NETWORK_BYTES_UNKNOWN,
    Backoff,
    ByteEstimate,
    Extras,
    JobSpec,
    NetworkRequest,
    Periodic,
    TriggerContentUri,
    WorkItem,
    item_options,
    spec_options,
)

IAE = "java.lang.IllegalArgumentException"
ISE = "java.lang.IllegalStateException"
NPE = "java.lang.NullPointerException"

RESERVED_EXTRAS_PREFIX = "jobctl."
"""Extras keys the helper keeps for itself (PROTOCOL.md §6.1 ``extras``)."""
MAX_ITEMS_PER_ENQUEUE = 100_000
"""PROTOCOL.md §3.5 ``enqueue``: 1..100 000 items per request."""
MAX_DEBUG_TAGS = 32
MAX_TAG_LENGTH = 127
MAX_NAMESPACE_LENGTH = 1000
MIN_TIME_WINDOW_MS = 15 * 60 * 1000
HELPER_SERVICE_SHORT = "dev.jobctl.helper/.HelperJobService"
"""The helper's job service as ``ComponentName.flattenToShortString`` prints it (PROTOCOL.md §1)."""
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


def _platform(message: str, java_type: str = IAE) -> JobSpecError:
    return JobSpecError(message, java_type=java_type)


def _bad(path: str, what: str) -> JobSpecError:
    return JobSpecError(f"field {path}: {what}", option=path)


# ----------------------------------------------------------------- public entry points


def validate(spec: JobSpec, api_level: int, *, target_sdk: int = HELPER_TARGET_SDK) -> None:
    """Raise :class:`JobSpecError` if scheduling ``spec`` on a device at ``api_level`` would fail.

    ``target_sdk`` is the scheduling app's targetSdk (the helper's, 34, by default); it
    switches the targetSdk-gated rules of android-helper.md §3.1.
    """
    _check_helper_level(api_level)
    _check_spec_values(spec)
    _check_levels(spec_options(spec), "spec", api_level)
    _check_setters(spec, api_level, target_sdk)
    _check_build(spec, api_level, target_sdk)
    _check_namespace(spec, api_level)


def validate_work_item(item: WorkItem, spec: JobSpec, api_level: int, *, index: int = 0,
                       target_sdk: int = HELPER_TARGET_SDK) -> None:
    """Raise :class:`JobSpecError` if ``enqueue(spec, item)`` would fail (android-helper.md §2.4, §3.2).

    ``index`` is the item's position in the request, used in field paths (``items[3].tag``).
    ``spec`` itself is not re-validated: call :func:`validate` (or :func:`validate_enqueue`).
    """
    _check_helper_level(api_level)
    path = f"items[{index}]"
    _check_item_values(item, path)
    _check_levels(item_options(item), path, api_level)
    _check_item_platform(item, spec, api_level, target_sdk)


def validate_enqueue(spec: JobSpec, items: Sequence[WorkItem], api_level: int, *,
                     target_sdk: int = HELPER_TARGET_SDK) -> None:
    """:func:`validate` for ``spec``, then every item in order (PROTOCOL.md §3.3 check order)."""
    _check_helper_level(api_level)
    _check_spec_values(spec)
    _check_levels(spec_options(spec), "spec", api_level)
    if not 1 <= len(items) <= MAX_ITEMS_PER_ENQUEUE:
        raise _bad("items", f"expected 1..{MAX_ITEMS_PER_ENQUEUE} items")
    for index, item in enumerate(items):
        path = f"items[{index}]"
        _check_item_values(item, path)
        _check_levels(item_options(item), path, api_level)
    _check_setters(spec, api_level, target_sdk)
    _check_build(spec, api_level, target_sdk)
    _check_namespace(spec, api_level)
    for item in items:
        _check_item_platform(item, spec, api_level, target_sdk)


def validate_values(spec: JobSpec, items: Sequence[WorkItem] = ()) -> None:
    """Only the first layer (the helper protocol's value rules, PROTOCOL.md §6.1, §7.3) for
    ``spec`` and ``items``: what needs no device and no API level, so a front end can refuse bad
    input before it contacts a device. :func:`validate` / :func:`validate_enqueue` repeat it."""
    _check_spec_values(spec)
    for index, item in enumerate(items):
        _check_item_values(item, f"items[{index}]")


# ----------------------------------------------------------------- protocol layer


def _check_helper_level(api_level: int) -> None:
    if api_level < HELPER_MIN_SDK:
        raise JobSpecError(f"the jobctl helper requires API {HELPER_MIN_SDK}, device is API {api_level}",
                           min_api=HELPER_MIN_SDK)


def _check_int(value: object, path: str, bounds: tuple[int, int] = INT64) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not bounds[0] <= value <= bounds[1]:
        raise _bad(path, "expected 32-bit integer" if bounds == INT32 else "expected integer")


def _check_extras(values: Extras, path: str, reserved: bool) -> None:
    if not isinstance(values, tuple) or not all(isinstance(p, tuple) and len(p) == 2 for p in values):
        raise _bad(path, "expected object")
    for key, value in values:
        if not isinstance(key, str):
            raise _bad(path, "expected string keys")
        if reserved and key.startswith(RESERVED_EXTRAS_PREFIX):
            raise _bad(f"{path}.{_name(key)}", f"reserved key prefix {RESERVED_EXTRAS_PREFIX}")
        if isinstance(value, (str, bool)):
            continue
        if isinstance(value, int) and INT64[0] <= value <= INT64[1]:
            continue  # putLong
        if isinstance(value, float) and math.isfinite(value):
            continue  # putDouble; JSON has no NaN or infinity
        raise _bad(f"{path}.{_name(key)}", "expected string, integer, boolean or number")


def _name(key: str) -> str:
    """A key as it appears in a field path: as is, or quoted when it would break the one-line message."""
    return key if key.isprintable() else repr(key)


def _check_bool(value: object, path: str) -> None:
    if not isinstance(value, bool):
        raise _bad(path, "expected boolean")


def _check_string(value: object, path: str, optional: bool = True) -> None:
    if not (isinstance(value, str) or (optional and value is None)):
        raise _bad(path, "expected string")


def _check_instance(value: object, kind: type, path: str, what: str) -> None:
    if value is not None and not isinstance(value, kind):
        raise _bad(path, f"expected {what}")


def _check_steps(steps: object, path: str, item_script: bool) -> None:
    if not isinstance(steps, tuple):
        raise _bad(f"{path}.steps", "expected array")
    for n, step in enumerate(steps):
        where = f"{path}.steps[{n}]"
        if item_script and isinstance(step, (Work, Finish, Hold)):
            op = {Work: "work", Finish: "finish", Hold: "hold"}[type(step)]
            raise _bad(f"{where}.op", f"op not allowed in an item script: {op}")
        if isinstance(step, Sleep):
            numbers = {"ms": step.ms}
        elif isinstance(step, Transfer):
            numbers = {"down": step.down, "up": step.up, "ms": step.ms}
            _check_int(step.chunks, f"{where}.chunks")
            if step.chunks < 1:
                raise _bad(f"{where}.chunks", "must be >= 1")
        elif isinstance(step, Estimate):
            numbers = {"down": step.down, "up": step.up}
        elif isinstance(step, Finish):
            _check_bool(step.reschedule, f"{where}.reschedule")
            numbers = {}
        elif isinstance(step, (Work, Hold)):
            numbers = {}
        else:
            raise _bad(f"{where}.op", f"unknown op: {type(step).__name__}")
        for name, value in numbers.items():
            _check_int(value, f"{where}.{name}")
            if value < 0:
                raise _bad(f"{where}.{name}", "must be >= 0")


def _check_estimate(value: object, path: str) -> None:
    _check_instance(value, ByteEstimate, path, "object")
    if isinstance(value, ByteEstimate):
        _check_int(value.down, f"{path}.down")
        _check_int(value.up, f"{path}.up")


def _check_spec_values(spec: JobSpec) -> None:
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
                raise _bad(f"spec.network_request.{name}", "expected array")
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
            raise _bad("spec.backoff.policy", "expected linear or exponential")
    if spec.priority is not None:
        _check_int(spec.priority, "spec.priority", INT32)
    if not isinstance(spec.trigger_content_uris, tuple):
        raise _bad("spec.trigger_content_uris", "expected array")
    for n, trigger in enumerate(spec.trigger_content_uris):
        where = f"spec.trigger_content_uris[{n}]"
        if not isinstance(trigger, TriggerContentUri):
            raise _bad(where, "expected object")
        _check_string(trigger.uri, f"{where}.uri", optional=False)
        _check_bool(trigger.descendants, f"{where}.descendants")
    _check_extras(spec.extras, "spec.extras", reserved=True)
    _check_extras(spec.transient_extras, "spec.transient_extras", reserved=False)
    if not isinstance(spec.debug_tags, tuple):
        raise _bad("spec.debug_tags", "expected array")
    for n, tag in enumerate(spec.debug_tags):
        _check_string(tag, f"spec.debug_tags[{n}]")  # None is the platform's NullPointerException
    _check_string(spec.trace_tag, "spec.trace_tag")
    if spec.script is not None:
        if not isinstance(spec.script, JobScript):
            raise _bad("spec.script", "expected object")
        _check_steps(spec.script.steps, "spec.script", item_script=False)
        _check_bool(spec.script.on_stop_reschedule, "spec.script.on_stop_reschedule")


def _check_item_values(item: WorkItem, path: str) -> None:
    if not isinstance(item, WorkItem):
        raise _bad(path, "expected object")
    if not isinstance(item.tag, str):
        raise _bad(f"{path}.tag", "expected string")
    _check_estimate(item.estimated_bytes, f"{path}.estimated_bytes")
    if item.min_chunk_bytes is not None:
        _check_int(item.min_chunk_bytes, f"{path}.min_chunk_bytes")
    if item.script is not None:
        if not isinstance(item.script, ItemScript):
            raise _bad(f"{path}.script", "expected object")
        _check_steps(item.script.steps, f"{path}.script", item_script=True)
        _check_bool(item.script.complete, f"{path}.script.complete")


def _check_levels(options: Sequence[object], prefix: str, api_level: int) -> None:
    """PROTOCOL.md §6.2: the first option in table order the device's level lacks."""
    for option in options:
        needed = option.api_level  # type: ignore[attr-defined]
        if api_level < needed:
            path = f"{prefix}.{option.name}"  # type: ignore[attr-defined]
            raise JobSpecError(f"{path} requires API {needed}, device is API {api_level}",
                               option=path, min_api=needed)


# ----------------------------------------------------------------- platform layer


def _setters_chunk(chunk: int | None) -> None:
    if chunk is not None and chunk != NETWORK_BYTES_UNKNOWN and chunk <= 0:
        raise _platform("Minimum chunk size must be positive")


def _check_setters(spec: JobSpec, api_level: int, target_sdk: int) -> None:
    """Setters that throw at once, in the order the helper calls them (§2.2, §3.1)."""
    _setters_chunk(spec.min_chunk_bytes)
    if spec.priority is not None and api_level >= 33 and target_sdk >= 33:
        if not Priority.MIN <= int(spec.priority) <= Priority.MAX:
            raise _platform("Invalid priority value")


def _has_early(spec: JobSpec) -> bool:
    """``mHasEarlyConstraint``: set by ``setMinimumLatency`` (any value) and ``setPeriodic``."""
    return spec.min_latency_ms is not None or spec.periodic is not None


def _has_late(spec: JobSpec) -> bool:
    """``mHasLateConstraint``: set by ``setOverrideDeadline`` (any value) and ``setPeriodic``."""
    return spec.override_deadline_ms is not None or spec.periodic is not None


def _constraint_flags(spec: JobSpec) -> int:
    return ((1 if spec.requires_charging else 0) | (2 if spec.requires_battery_not_low else 0)
            | (4 if spec.requires_device_idle else 0) | (8 if spec.requires_storage_not_low else 0))


def _check_build(spec: JobSpec, api_level: int, target_sdk: int) -> None:
    """``JobInfo.Builder.build()`` and ``JobInfo.enforceValidity`` (android-helper.md §3.1)."""
    latency = spec.min_latency_ms or 0
    deadline = spec.override_deadline_ms or 0
    if api_level <= 28 and not (_constraint_flags(spec) or spec.requires_network
                                or spec.trigger_content_uris or _has_early(spec) or _has_late(spec)):
        raise _platform("You're trying to build a job with no constraints, this is not allowed.")
    if spec.backoff is not None and spec.requires_device_idle:
        raise _platform("An idle mode job will not respect any back-off policy, so calling "
                        "setBackoffCriteria with setRequiresDeviceIdle is an error.")
    _check_network_estimates(spec.estimated_bytes, spec.min_chunk_bytes, spec.requires_network,
                             api_level, target_sdk)
    if api_level >= 35 and target_sdk >= 35:
        if latency < 0:
            raise _platform(f"Minimum latency is negative: {latency}")
        if deadline < 0:
            raise _platform(f"Override deadline is negative: {deadline}")
    if spec.periodic is not None:
        if deadline != 0:
            raise _platform("Can't call setOverrideDeadline() on a periodic job.")
        if latency != 0:
            raise _platform("Can't call setMinimumLatency() on a periodic job")
        if spec.trigger_content_uris:
            raise _platform("Can't call addTriggerContentUri() on a periodic job")
    if spec.prefetch and _has_late(spec) and api_level >= 33 and target_sdk >= 33:
        raise _platform("Can't call setOverrideDeadline() on a prefetch job.")
    if spec.persisted:
        if spec.trigger_content_uris:
            raise _platform("Can't call addTriggerContentUri() on a persisted job")
        if spec.transient_extras:
            raise _platform("Can't call setTransientExtras() on a persisted job")
    if api_level >= 33:
        _check_priority(spec)
    if spec.important_while_foreground and 33 <= api_level < 36 and _has_early(spec):
        raise _platform("An important while foreground job cannot have a time delay")
    if spec.expedited and api_level >= 31:
        _check_expedited(spec, api_level)
    if spec.user_initiated and api_level >= 34:
        _check_user_initiated(spec)
    if api_level >= 35:
        _check_tags(spec)
    if api_level >= 35 and target_sdk >= 35:
        _check_time_window(spec)


def _check_network_estimates(estimate: ByteEstimate | None, chunk: int | None, has_network: bool,
                             api_level: int, target_sdk: int, reject_negative: bool = True) -> None:
    down = estimate.down if estimate is not None else NETWORK_BYTES_UNKNOWN
    up = estimate.up if estimate is not None else NETWORK_BYTES_UNKNOWN
    chunk_value = chunk if chunk is not None else NETWORK_BYTES_UNKNOWN
    if (down > 0 or up > 0 or chunk_value > 0) and not has_network:
        raise _platform("Can't provide estimated network usage without requiring a network")
    if has_network and reject_negative and api_level >= 34 and target_sdk >= 34:
        if up < NETWORK_BYTES_UNKNOWN:
            raise _platform(f"Invalid network upload bytes: {up}")
        if down < NETWORK_BYTES_UNKNOWN:
            raise _platform(f"Invalid network download bytes: {down}")
    _setters_chunk(chunk)
    if down == NETWORK_BYTES_UNKNOWN and up == NETWORK_BYTES_UNKNOWN:
        total = NETWORK_BYTES_UNKNOWN
    else:
        total = max(down, 0) + max(up, 0)
    if chunk_value != NETWORK_BYTES_UNKNOWN and total != NETWORK_BYTES_UNKNOWN and chunk_value > total:
        raise _platform("Minimum chunk size can't be greater than estimated network usage")


def _check_priority(spec: JobSpec) -> None:
    priority = spec.effective_priority
    if priority == Priority.MAX:
        if not (spec.expedited or spec.user_initiated):
            raise _platform("Only expedited or user-initiated jobs can have max priority")
    elif priority == Priority.HIGH:
        if spec.prefetch:
            raise _platform("Prefetch jobs cannot be high priority")
        if spec.periodic is not None:
            raise _platform("Periodic jobs cannot be high priority")
    elif priority not in (Priority.DEFAULT, Priority.LOW, Priority.MIN):
        raise _platform(f"Invalid priority level provided: {priority}")


def _check_expedited(spec: JobSpec, api_level: int) -> None:
    if _has_early(spec):
        raise _platform("An expedited job cannot have a time delay")
    if _has_late(spec):
        raise _platform("An expedited job cannot have a deadline")
    if spec.periodic is not None:
        raise _platform("An expedited job cannot be periodic")
    if spec.user_initiated and api_level >= 34:
        raise _platform("An expedited job cannot be user-initiated")
    if api_level >= 33 and spec.effective_priority not in (Priority.HIGH, Priority.MAX):
        raise _platform("An expedited job must be high or max priority. Don't use expedited jobs for "
                        "unimportant tasks.")
    if (_constraint_flags(spec) & ~8) or spec.prefetch or spec.important_while_foreground:
        raise _platform("An expedited job can only have network and storage-not-low constraints")
    if spec.trigger_content_uris:
        raise _platform("Can't call addTriggerContentUri() on an expedited job")


def _check_user_initiated(spec: JobSpec) -> None:
    if _has_early(spec):
        raise _platform("A user-initiated job cannot have a time delay")
    if _has_late(spec):
        raise _platform("A user-initiated job cannot have a deadline")
    if spec.periodic is not None:
        raise _platform("A user-initiated job cannot be periodic")
    if spec.prefetch:
        raise _platform("A user-initiated job cannot also be a prefetch job")
    if spec.effective_priority != Priority.MAX:
        raise _platform("A user-initiated job must be max priority.")
    if spec.requires_device_idle:
        raise _platform("A user-initiated job cannot have a device-idle constraint")
    if spec.trigger_content_uris:
        raise _platform("Can't call addTriggerContentUri() on a user-initiated job")
    if not spec.requires_network:
        raise _platform("A user-initiated data transfer job must specify a valid network type")


def _check_tags(spec: JobSpec) -> None:
    if len(spec.debug_tags) > MAX_DEBUG_TAGS:
        raise _platform(f"Can't have more than {MAX_DEBUG_TAGS} tags")
    for tag in spec.debug_tags:
        if tag is None:
            raise _platform("debug tag cannot be null", NPE)
        if not tag.strip():
            raise _platform("debug tag cannot be empty")
        if len(tag.strip()) > MAX_TAG_LENGTH:
            raise _platform(f"debug tag cannot be more than {MAX_TAG_LENGTH} characters")
    if spec.trace_tag is not None:
        trace = spec.trace_tag.strip()
        if not trace:
            raise _platform("trace tag cannot be empty")
        if len(trace) > MAX_TAG_LENGTH:
            raise _platform(f"traceTag tag cannot be more than {MAX_TAG_LENGTH} characters")
        if any(c in trace for c in "|\n\0"):
            raise _platform("Trace tag cannot contain |, \\n, or \\0")


def _check_time_window(spec: JobSpec) -> None:
    """targetSdk ≥ 35 ``ENFORCE_MINIMUM_TIME_WINDOWS`` (§3.1 "Short time window")."""
    if spec.periodic is not None or spec.override_deadline_ms is None:
        return
    functional = _constraint_flags(spec) or spec.requires_network or spec.trigger_content_uris
    latency = spec.min_latency_ms or 0
    if functional and spec.override_deadline_ms - latency < MIN_TIME_WINDOW_MS:
        raise _platform("Time window too short. Constraints unlikely to be satisfied. Increase deadline "
                        f"to a reasonable duration. Job '{HELPER_SERVICE_SHORT}#{spec.job_id}' has "
                        f"delay={latency}, deadline={spec.override_deadline_ms}")


def _check_namespace(spec: JobSpec, api_level: int) -> None:
    """``JobScheduler.forNamespace`` (34, §3.2 "Namespace")."""
    if spec.namespace is None or api_level < 34:
        return
    trimmed = spec.namespace.strip()
    if not trimmed:
        raise _platform("namespace cannot be empty")
    if len(trimmed) > MAX_NAMESPACE_LENGTH:
        raise _platform(f"namespace cannot be more than {MAX_NAMESPACE_LENGTH} characters")


def _check_item_platform(item: WorkItem, spec: JobSpec, api_level: int, target_sdk: int) -> None:
    """``JobWorkItem`` construction (§2.4) and ``enqueue()``'s server checks (§3.2)."""
    est = item.estimated_bytes
    if api_level >= 34 and est is not None:
        if est.down < NETWORK_BYTES_UNKNOWN:
            raise _platform(f"Invalid network download bytes: {est.down}")
        if est.up < NETWORK_BYTES_UNKNOWN:
            raise _platform(f"Invalid network upload bytes: {est.up}")
    _setters_chunk(item.min_chunk_bytes)
    if est is not None and item.min_chunk_bytes is not None and item.min_chunk_bytes > 0:
        if not (est.down == est.up == NETWORK_BYTES_UNKNOWN):
            if item.min_chunk_bytes > max(est.down, 0) + max(est.up, 0):
                raise _platform("Minimum chunk size can't be greater than estimated network usage")
    if item.implies_network and not spec.requires_network and api_level >= 34 and target_sdk >= 34:
        raise _platform("JobWorkItem implies network usage but job doesn't specify a network constraint")
    if spec.persisted and api_level <= 33:
        raise _platform("Can't enqueue work for persisted jobs")


__all__ = ["validate", "validate_work_item", "validate_enqueue", "validate_values", "RESERVED_EXTRAS_PREFIX",
           "MAX_ITEMS_PER_ENQUEUE"]
