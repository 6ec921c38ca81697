"""Validation of a JobInfo: ``JobInfo.Builder.build()`` checks and ``schedule()``'s server checks.

Messages are the platform's (android-helper reference §3.1/§3.2, read from
``apex/jobscheduler/framework/java/android/app/job/JobInfo.java`` and
``apex/jobscheduler/service/java/com/android/server/job/JobSchedulerService.java``).
The server re-runs ``JobInfo.enforceValidity`` in ``schedule()``, so an app model that skips
the client-side checks still gets the same exception from :meth:`JobSchedulerService.schedule`.
"""

from __future__ import annotations

from dataclasses import replace

from jobctl_sim.framework.shell_command import IllegalArgumentException
from jobctl_sim.framework.jobscheduler.model import (
    MAX_BACKOFF_DELAY_MILLIS,
    MIN_BACKOFF_MILLIS,
    MIN_FLEX_MILLIS,
    MIN_PERIOD_MILLIS,
    NETWORK_BYTES_UNKNOWN,
    ConstraintFlag,
    JobInfo,
    Priority,
)


def periodic(interval_ms: int, flex_ms: int | None = None) -> tuple[int, int]:
    """``setPeriodic(interval, flex)`` clamping: interval >= 15 min, flex >= max(5 min, 5 %).

    JobInfo.Builder.setPeriodic / JobInfo.getMinFlexMillis: values are raised (with a Log.w),
    never rejected; flex is also capped at the interval.
    """
    flex = interval_ms if flex_ms is None else flex_ms
    interval = max(interval_ms, MIN_PERIOD_MILLIS)
    min_flex = max(interval * 5 // 100, MIN_FLEX_MILLIS)
    flex = min(max(flex, min_flex), interval)
    return interval, flex


def backoff(initial_ms: int) -> int:
    """``setBackoffCriteria``: clamped to >= 10 s (MIN_BACKOFF_MILLIS) and <= 5 h."""
    return min(max(initial_ms, MIN_BACKOFF_MILLIS), MAX_BACKOFF_DELAY_MILLIS)


def normalize(job: JobInfo) -> JobInfo:
    """Apply the builder's clamps to a JobInfo assembled field by field."""
    if job.periodic:
        interval, flex = periodic(job.interval_ms, job.flex_ms or job.interval_ms)
        job = replace(job, interval_ms=interval, flex_ms=flex)
    if job.initial_backoff_ms != backoff(job.initial_backoff_ms):
        job = replace(job, initial_backoff_ms=backoff(job.initial_backoff_ms))
    return job


def _fail(message: str) -> None:
    raise IllegalArgumentException(message)


MAX_DEBUG_TAGS = 32
"""``JobInfo.MAX_NUM_DEBUG_TAGS``."""
MAX_TAG_LENGTH = 127
"""``JobInfo.MAX_DEBUG_TAG_LENGTH`` / ``MAX_TRACE_TAG_LENGTH``."""


def enforce_validity(job: JobInfo, api_level: int, target_sdk: int) -> None:
    """The builder's eager setter checks, ``JobInfo.Builder.build()`` and ``JobInfo.enforceValidity``.

    Order: the helper's setter calls (``setMinimumNetworkChunkBytes``, ``setPriority``,
    ``addDebugTag``, ``setTraceTag``), then ``build()`` as in Android 15's ``JobInfo.java``
    (back-off with idle, then ``enforceValidity``); up to API 28 ``build()`` refused a job without
    constraints first and checked back-off with idle last (Android 9's ``JobInfo.Builder.build``).
    A JobInfo the setters accepted passes them again, so the server re-running this is harmless.
    """
    _check_setters(job, api_level, target_sdk)
    if api_level <= 28 and not _has_any_constraint(job):
        _fail("You're trying to build a job with no constraints, this is not allowed.")
    if api_level > 28:
        _check_idle_backoff(job)
    _check_network_estimates(job, api_level, target_sdk)
    if target_sdk >= 35 and api_level >= 35:
        if job.min_latency_ms < 0:
            _fail(f"Minimum latency is negative: {job.min_latency_ms}")
        if job.override_deadline_ms < 0:
            _fail(f"Override deadline is negative: {job.override_deadline_ms}")
    # JobInfo compares a periodic job's stored values with 0 (setPeriodic sets no deadline or latency).
    if job.periodic:
        if job.override_deadline_ms != 0:
            _fail("Can't call setOverrideDeadline() on a periodic job.")
        if job.min_latency_ms != 0:
            _fail("Can't call setMinimumLatency() on a periodic job")
        if job.trigger_content_uris:
            _fail("Can't call addTriggerContentUri() on a periodic job")
    if job.prefetch and job.override_deadline_ms != 0 and target_sdk >= 33 and api_level >= 33:
        _fail("Can't call setOverrideDeadline() on a prefetch job.")
    if job.persisted:
        if job.network is not None and job.network.has_specifier:
            _fail("Network specifiers aren't supported for persistent jobs")
        if job.trigger_content_uris:
            _fail("Can't call addTriggerContentUri() on a persisted job")
        if job.transient_extras:
            _fail("Can't call setTransientExtras() on a persisted job")
        if job.has_clip_data:
            _fail("Can't call setClipData() on a persisted job")
    # The time-delay rule is in JobInfo.Builder.build() from API 28 (setImportantWhileForeground's
    # level), the priority rule from 33 (JobInfo.enforceValidity); golden vectors tests/golden/api-28..31.
    if job.important_while_foreground and api_level < 36:
        if _has_early(job):
            _fail("An important while foreground job cannot have a time delay")
        if api_level >= 33 and job.effective_priority not in (Priority.HIGH, Priority.DEFAULT):
            _fail("An important while foreground job must be high or default priority. Don't mark "
                  "unimportant tasks as important while foreground.")
    if api_level >= 33:
        _check_priority(job, api_level)
    if job.expedited and api_level >= 31:
        _check_expedited(job)
    if job.user_initiated and api_level >= 34:
        _check_user_initiated(job)
    if api_level >= 35 and len({tag.strip() for tag in job.debug_tags}) > MAX_DEBUG_TAGS:
        _fail(f"Can't have more than {MAX_DEBUG_TAGS} tags")
    if api_level <= 28:
        _check_idle_backoff(job)


def _check_setters(job: JobInfo, api_level: int, target_sdk: int) -> None:
    chunk = job.minimum_network_chunk_bytes
    if chunk != NETWORK_BYTES_UNKNOWN and chunk <= 0:
        _fail("Minimum chunk size must be positive")
    if (job.priority_set and target_sdk >= 33 and api_level >= 33
            and not Priority.MIN <= job.priority <= Priority.MAX):
        _fail("Invalid priority value")
    if api_level >= 35:
        for tag in job.debug_tags:
            _validate_tag(tag, "debug tag", "debug tag")
        if job.trace_tag is not None:
            _validate_tag(job.trace_tag, "trace tag", "traceTag tag")
            if any(c in job.trace_tag.strip() for c in "|\n\0"):
                _fail("Trace tag cannot contain |, \\n, or \\0")


def _validate_tag(tag: str, what: str, long_name: str) -> None:
    """``JobInfo.validateDebugTag`` / ``validateTraceTag``: trimmed, not empty, at most 127 chars."""
    trimmed = tag.strip()
    if not trimmed:
        _fail(f"{what} cannot be empty")
    if len(trimmed) > MAX_TAG_LENGTH:
        _fail(f"{long_name} cannot be more than {MAX_TAG_LENGTH} characters")


def _check_idle_backoff(job: JobInfo) -> None:
    if job.backoff_set and job.requires_device_idle:
        _fail(
            "An idle mode job will not respect any back-off policy, so calling "
            "setBackoffCriteria with setRequiresDeviceIdle is an error."
        )


def _has_early(job: JobInfo) -> bool:
    """``hasEarlyConstraint``: ``setMinimumLatency`` or ``setPeriodic`` (which sets both flags)."""
    return job.has_early_constraint or job.periodic


def _has_late(job: JobInfo) -> bool:
    """``hasLateConstraint``: ``setOverrideDeadline`` or ``setPeriodic``."""
    return job.has_late_constraint or job.periodic


def _has_any_constraint(job: JobInfo) -> bool:
    return bool(
        job.constraint_flags
        or job.network is not None
        or job.trigger_content_uris
        or job.has_early_constraint
        or job.has_late_constraint
        or job.periodic
    )


def _check_network_estimates(job: JobInfo, api_level: int, target_sdk: int) -> None:
    """``enforceValidity``'s network checks (``REJECT_NEGATIVE_NETWORK_ESTIMATES``: targetSdk 34)."""
    down, up = job.estimated_network_download_bytes, job.estimated_network_upload_bytes
    chunk = job.minimum_network_chunk_bytes
    if (down > 0 or up > 0 or chunk > 0) and job.network is None:
        _fail("Can't provide estimated network usage without requiring a network")
    if job.network is not None and target_sdk >= 34 and api_level >= 34:
        if up != NETWORK_BYTES_UNKNOWN and up < 0:
            _fail(f"Invalid network upload bytes: {up}")
        if down != NETWORK_BYTES_UNKNOWN and down < 0:
            _fail(f"Invalid network download bytes: {down}")
    # estimatedTransfer: an unknown upload means "download only", an unknown download counts as 0.
    total = down if up == NETWORK_BYTES_UNKNOWN else up + (0 if down == NETWORK_BYTES_UNKNOWN else down)
    if chunk != NETWORK_BYTES_UNKNOWN and total != NETWORK_BYTES_UNKNOWN and chunk > total:
        _fail("Minimum chunk size can't be greater than estimated network usage")
    if chunk != NETWORK_BYTES_UNKNOWN and chunk <= 0:
        _fail("Minimum chunk size must be positive")


def _check_priority(job: JobInfo, api_level: int) -> None:
    """``enforceValidity``'s switch on the priority."""
    priority = job.effective_priority
    if priority == Priority.MAX:
        if not (job.expedited or job.user_initiated):
            # API 33's JobInfo.enforceValidity predates user-initiated jobs (34): golden vectors api-33.
            _fail("Only expedited or user-initiated jobs can have max priority" if api_level >= 34
                  else "Only expedited jobs can have max priority")
    elif priority == Priority.HIGH:
        if job.prefetch:
            _fail("Prefetch jobs cannot be high priority")
        if job.periodic:
            _fail("Periodic jobs cannot be high priority")
    elif priority not in (Priority.DEFAULT, Priority.LOW, Priority.MIN):
        _fail(f"Invalid priority level provided: {priority}")


def _check_expedited(job: JobInfo) -> None:
    if _has_early(job):
        _fail("An expedited job cannot have a time delay")
    if _has_late(job):
        _fail("An expedited job cannot have a deadline")
    if job.periodic:
        _fail("An expedited job cannot be periodic")
    if job.user_initiated:
        _fail("An expedited job cannot be user-initiated")
    if job.effective_priority not in (Priority.HIGH, Priority.MAX):
        _fail(
            "An expedited job must be high or max priority. Don't use expedited jobs for "
            "unimportant tasks."
        )
    if (job.constraint_flags & ~ConstraintFlag.STORAGE_NOT_LOW) != 0 or job.prefetch or job.important_while_foreground:
        _fail("An expedited job can only have network and storage-not-low constraints")
    if job.trigger_content_uris:
        _fail("Can't call addTriggerContentUri() on an expedited job")


def _check_user_initiated(job: JobInfo) -> None:
    if _has_early(job):
        _fail("A user-initiated job cannot have a time delay")
    if _has_late(job):
        _fail("A user-initiated job cannot have a deadline")
    if job.periodic:
        _fail("A user-initiated job cannot be periodic")
    if job.prefetch:
        _fail("A user-initiated job cannot also be a prefetch job")
    if job.effective_priority != Priority.MAX:
        _fail("A user-initiated job must be max priority.")
    if job.requires_device_idle:
        _fail("A user-initiated job cannot have a device-idle constraint")
    if job.trigger_content_uris:
        _fail("Can't call addTriggerContentUri() on a user-initiated job")
    if job.network is None:
        _fail("A user-initiated data transfer job must specify a valid network type")


def validate_namespace(namespace: str | None) -> str | None:
    """``JobScheduler.forNamespace`` / ``JobSchedulerService.validateNamespace`` (34+)."""
    if namespace is None:
        return None
    trimmed = namespace.strip()
    if not trimmed:
        _fail("namespace cannot be empty")
    if len(trimmed) > 1000:
        _fail("namespace cannot be more than 1000 characters")
    return trimmed.strip()
