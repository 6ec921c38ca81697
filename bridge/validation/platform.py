"""Layer 3 of :mod:`bridge.validation`: what the platform refuses, in its order and with its
exception class and message (``JobInfo.Builder`` setters and ``build()``, ``JobInfo.enforceValidity``,
``JobScheduler.schedule()``/``enqueue()``, ``JobWorkItem``)."""

from __future__ import annotations


from bridge.model.enums import ConstraintFlag, Priority
from bridge.model.spec import (
    NETWORK_BYTES_UNKNOWN,
    ByteEstimate,
    JobSpec,
    WorkItem,
)
from bridge.validation.limits import (
    HELPER_SERVICE_SHORT,
    MAX_DEBUG_TAGS,
    MAX_NAMESPACE_LENGTH,
    MAX_TAG_LENGTH,
    MIN_TIME_WINDOW_MS,
    NPE,
    platform_error,
)


def _setters_chunk(chunk: int | None) -> None:
    if chunk is not None and chunk != NETWORK_BYTES_UNKNOWN and chunk <= 0:
        raise platform_error("Minimum chunk size must be positive")


def check_setters(spec: JobSpec, api_level: int, target_sdk: int) -> None:
    """Setters that throw at once, in the order the helper's ``JobInfoFactory`` calls them (§2.2, §3.1):
    ``setMinimumNetworkChunkBytes``, ``setPriority`` (targetSdk ≥ 33), ``addDebugTag`` /
    ``setTraceTag`` (35; ``JobInfo.validateDebugTag`` / ``validateTraceTag``)."""
    _setters_chunk(spec.min_chunk_bytes)
    if (spec.priority is not None and api_level >= 33 and target_sdk >= 33
            and not Priority.MIN <= int(spec.priority) <= Priority.MAX):
        raise platform_error("Invalid priority value")
    if api_level >= 35:
        for tag in spec.debug_tags:
            _validate_debug_tag(tag)
        if spec.trace_tag is not None:
            _validate_trace_tag(spec.trace_tag)


def _has_early(spec: JobSpec) -> bool:
    """``mHasEarlyConstraint``: set by ``setMinimumLatency`` (any value) and ``setPeriodic``."""
    return spec.min_latency_ms is not None or spec.periodic is not None


def _has_late(spec: JobSpec) -> bool:
    """``mHasLateConstraint``: set by ``setOverrideDeadline`` (any value) and ``setPeriodic``."""
    return spec.override_deadline_ms is not None or spec.periodic is not None


def _constraint_flags(spec: JobSpec) -> int:
    """``JobInfo.getConstraintFlags()``: the ``CONSTRAINT_FLAG_*`` bits of the four device constraints."""
    return ((ConstraintFlag.CHARGING if spec.requires_charging else 0)
            | (ConstraintFlag.BATTERY_NOT_LOW if spec.requires_battery_not_low else 0)
            | (ConstraintFlag.DEVICE_IDLE if spec.requires_device_idle else 0)
            | (ConstraintFlag.STORAGE_NOT_LOW if spec.requires_storage_not_low else 0))


def check_build(spec: JobSpec, api_level: int, target_sdk: int) -> None:
    """``JobInfo.Builder.build()`` and ``JobInfo.enforceValidity``, in the platform's order.

    Order and conditions: ``apex/jobscheduler/framework/java/android/app/job/JobInfo.java`` of
    Android 15 (``build()`` checks back-off with idle, then ``enforceValidity``); up to API 28
    ``build()`` first refused a job without constraints and checked back-off with idle last
    (Android 9's ``JobInfo.Builder.build``).
    """
    latency = spec.min_latency_ms or 0
    deadline = spec.override_deadline_ms or 0
    if api_level <= 28 and not (_constraint_flags(spec) or spec.requires_network
                                or spec.trigger_content_uris or _has_early(spec) or _has_late(spec)):
        raise platform_error("You're trying to build a job with no constraints, this is not allowed.")
    if api_level > 28:
        _check_idle_backoff(spec)
    _check_network_estimates(spec.estimated_bytes, spec.min_chunk_bytes, spec.requires_network,
                             api_level, target_sdk)
    if api_level >= 35 and target_sdk >= 35:
        if latency < 0:
            raise platform_error(f"Minimum latency is negative: {latency}")
        if deadline < 0:
            raise platform_error(f"Override deadline is negative: {deadline}")
    if spec.periodic is not None:
        if deadline != 0:
            raise platform_error("Can't call setOverrideDeadline() on a periodic job.")
        if latency != 0:
            raise platform_error("Can't call setMinimumLatency() on a periodic job")
        if spec.trigger_content_uris:
            raise platform_error("Can't call addTriggerContentUri() on a periodic job")
    # enforceValidity: ``hasDeadline = maxExecutionDelayMillis != 0`` (setPeriodic sets no deadline).
    if spec.prefetch and deadline != 0 and api_level >= 33 and target_sdk >= 33:
        raise platform_error("Can't call setOverrideDeadline() on a prefetch job.")
    if spec.persisted:
        if spec.trigger_content_uris:
            raise platform_error("Can't call addTriggerContentUri() on a persisted job")
        if spec.transient_extras:
            raise platform_error("Can't call setTransientExtras() on a persisted job")
    # The time-delay rule is in JobInfo.Builder.build() from API 28 (setImportantWhileForeground's
    # level), the priority rule from 33 (JobInfo.enforceValidity); golden vectors tests/golden/api-28..31.
    if spec.important_while_foreground and api_level < 36:
        if _has_early(spec):
            raise platform_error("An important while foreground job cannot have a time delay")
        if api_level >= 33 and spec.effective_priority not in (Priority.HIGH, Priority.DEFAULT):
            raise platform_error("An important while foreground job must be high or default priority. Don't mark "
                            "unimportant tasks as important while foreground.")
    if api_level >= 33:
        _check_priority(spec, api_level)
    if api_level >= 35 and target_sdk >= 35:
        _check_time_window(spec)
    if spec.expedited and api_level >= 31:
        _check_expedited(spec, api_level)
    if spec.user_initiated and api_level >= 34:
        _check_user_initiated(spec)
    if api_level >= 35:
        _check_tags(spec)
    if api_level <= 28:
        _check_idle_backoff(spec)


def _check_idle_backoff(spec: JobSpec) -> None:
    if spec.backoff is not None and spec.requires_device_idle:
        raise platform_error("An idle mode job will not respect any back-off policy, so calling "
                        "setBackoffCriteria with setRequiresDeviceIdle is an error.")


def _check_network_estimates(estimate: ByteEstimate | None, chunk: int | None, has_network: bool,
                             api_level: int, target_sdk: int) -> None:
    """``enforceValidity``'s network checks; the total is ``upload + download`` with an unknown
    (-1) upload meaning "download only" and an unknown download counting as 0, as JobInfo adds them."""
    down = estimate.down if estimate is not None else NETWORK_BYTES_UNKNOWN
    up = estimate.up if estimate is not None else NETWORK_BYTES_UNKNOWN
    chunk_value = chunk if chunk is not None else NETWORK_BYTES_UNKNOWN
    if (down > 0 or up > 0 or chunk_value > 0) and not has_network:
        raise platform_error("Can't provide estimated network usage without requiring a network")
    if has_network and api_level >= 34 and target_sdk >= 34:
        if up < NETWORK_BYTES_UNKNOWN:
            raise platform_error(f"Invalid network upload bytes: {up}")
        if down < NETWORK_BYTES_UNKNOWN:
            raise platform_error(f"Invalid network download bytes: {down}")
    total = down if up == NETWORK_BYTES_UNKNOWN else up + (0 if down == NETWORK_BYTES_UNKNOWN else down)
    if NETWORK_BYTES_UNKNOWN not in (chunk_value, total) and chunk_value > total:
        raise platform_error("Minimum chunk size can't be greater than estimated network usage")
    _setters_chunk(chunk)


def _check_priority(spec: JobSpec, api_level: int) -> None:
    priority = spec.effective_priority
    if priority == Priority.MAX:
        if not (spec.expedited or spec.user_initiated):
            # User-initiated jobs came in 34; API 33's enforceValidity names only expedited ones
            # (the API-33 android-all jar; golden vectors tests/golden/api-33.json).
            raise platform_error("Only expedited or user-initiated jobs can have max priority" if api_level >= 34
                            else "Only expedited jobs can have max priority")
    elif priority == Priority.HIGH:
        if spec.prefetch:
            raise platform_error("Prefetch jobs cannot be high priority")
        if spec.periodic is not None:
            raise platform_error("Periodic jobs cannot be high priority")
    elif priority not in (Priority.DEFAULT, Priority.LOW, Priority.MIN):
        raise platform_error(f"Invalid priority level provided: {priority}")


def _check_expedited(spec: JobSpec, api_level: int) -> None:
    if _has_early(spec):
        raise platform_error("An expedited job cannot have a time delay")
    if _has_late(spec):
        raise platform_error("An expedited job cannot have a deadline")
    if spec.periodic is not None:
        raise platform_error("An expedited job cannot be periodic")
    if spec.user_initiated and api_level >= 34:
        raise platform_error("An expedited job cannot be user-initiated")
    if api_level >= 33 and spec.effective_priority not in (Priority.HIGH, Priority.MAX):
        raise platform_error("An expedited job must be high or max priority. Don't use expedited jobs for "
                        "unimportant tasks.")
    if (_constraint_flags(spec) & ~ConstraintFlag.STORAGE_NOT_LOW) or spec.prefetch or spec.important_while_foreground:
        raise platform_error("An expedited job can only have network and storage-not-low constraints")
    if spec.trigger_content_uris:
        raise platform_error("Can't call addTriggerContentUri() on an expedited job")


def _check_user_initiated(spec: JobSpec) -> None:
    if _has_early(spec):
        raise platform_error("A user-initiated job cannot have a time delay")
    if _has_late(spec):
        raise platform_error("A user-initiated job cannot have a deadline")
    if spec.periodic is not None:
        raise platform_error("A user-initiated job cannot be periodic")
    if spec.prefetch:
        raise platform_error("A user-initiated job cannot also be a prefetch job")
    if spec.effective_priority != Priority.MAX:
        raise platform_error("A user-initiated job must be max priority.")
    if spec.requires_device_idle:
        raise platform_error("A user-initiated job cannot have a device-idle constraint")
    if spec.trigger_content_uris:
        raise platform_error("Can't call addTriggerContentUri() on a user-initiated job")
    if not spec.requires_network:
        raise platform_error("A user-initiated data transfer job must specify a valid network type")


def _check_tags(spec: JobSpec) -> None:
    """``enforceValidity``: at most 32 debug tags (the builder keeps them trimmed, in a set)."""
    if len({tag.strip() for tag in spec.debug_tags}) > MAX_DEBUG_TAGS:
        raise platform_error(f"Can't have more than {MAX_DEBUG_TAGS} tags")


def _validate_debug_tag(tag: str | None) -> None:
    """``JobInfo.validateDebugTag`` (``addDebugTag``, 35)."""
    if tag is None:
        raise platform_error("debug tag cannot be null", NPE)
    if not tag.strip():
        raise platform_error("debug tag cannot be empty")
    if len(tag.strip()) > MAX_TAG_LENGTH:
        raise platform_error(f"debug tag cannot be more than {MAX_TAG_LENGTH} characters")


def _validate_trace_tag(tag: str) -> None:
    """``JobInfo.validateTraceTag`` (``setTraceTag``, 35)."""
    trace = tag.strip()
    if not trace:
        raise platform_error("trace tag cannot be empty")
    if len(trace) > MAX_TAG_LENGTH:
        raise platform_error(f"traceTag tag cannot be more than {MAX_TAG_LENGTH} characters")
    if any(c in trace for c in "|\n\0"):
        raise platform_error("Trace tag cannot contain |, \\n, or \\0")


def _check_time_window(spec: JobSpec) -> None:
    """targetSdk ≥ 35 ``ENFORCE_MINIMUM_TIME_WINDOWS`` (§3.1 "Short time window")."""
    if spec.periodic is not None or spec.override_deadline_ms is None:
        return
    functional = _constraint_flags(spec) or spec.requires_network or spec.trigger_content_uris
    latency = spec.min_latency_ms or 0
    if functional and spec.override_deadline_ms - latency < MIN_TIME_WINDOW_MS:
        raise platform_error("Time window too short. Constraints unlikely to be satisfied. Increase deadline "
                        f"to a reasonable duration. Job '{HELPER_SERVICE_SHORT}#{spec.job_id}' has "
                        f"delay={latency}, deadline={spec.override_deadline_ms}")


def check_namespace(spec: JobSpec, api_level: int) -> None:
    """``JobScheduler.forNamespace`` (34, §3.2 "Namespace")."""
    if spec.namespace is None or api_level < 34:
        return
    trimmed = spec.namespace.strip()
    if not trimmed:
        raise platform_error("namespace cannot be empty")
    if len(trimmed) > MAX_NAMESPACE_LENGTH:
        raise platform_error(f"namespace cannot be more than {MAX_NAMESPACE_LENGTH} characters")


def check_item_platform(item: WorkItem, spec: JobSpec, api_level: int, target_sdk: int) -> None:
    """``JobWorkItem`` construction (§2.4) and ``enqueue()``'s server checks (§3.2)."""
    est = item.estimated_bytes
    if api_level >= 34 and est is not None:
        if est.down < NETWORK_BYTES_UNKNOWN:
            raise platform_error(f"Invalid network download bytes: {est.down}")
        if est.up < NETWORK_BYTES_UNKNOWN:
            raise platform_error(f"Invalid network upload bytes: {est.up}")
    _setters_chunk(item.min_chunk_bytes)
    if (est is not None and item.min_chunk_bytes is not None and item.min_chunk_bytes > 0
            and not (est.down == est.up == NETWORK_BYTES_UNKNOWN)
            and item.min_chunk_bytes > max(est.down, 0) + max(est.up, 0)):
        raise platform_error("Minimum chunk size can't be greater than estimated network usage")
    if item.implies_network and not spec.requires_network and api_level >= 34 and target_sdk >= 34:
        raise platform_error("JobWorkItem implies network usage but job doesn't specify a network constraint")
    if spec.persisted and api_level <= 33:
        raise platform_error("Can't enqueue work for persisted jobs")
