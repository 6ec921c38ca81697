"""bridge.validation: every rule with the platform's exact message (android-helper.md §3)."""

from __future__ import annotations

import pytest

from bridge.errors import JobctlError, JobSpecError
from bridge.model import (
    Backoff,
    BackoffPolicy,
    ByteEstimate,
    Estimate,
    Finish,
    Hold,
    ItemScript,
    JobScript,
    JobSpec,
    NetworkType,
    Periodic,
    Priority,
    Sleep,
    Transfer,
    TriggerContentUri,
    WorkItem,
)
from bridge.validation import validate, validate_enqueue, validate_work_item

IAE = "java.lang.IllegalArgumentException"
ANY = NetworkType.ANY
URI = (TriggerContentUri("content://media/external"),)

PLATFORM_CASES = [
    # (spec, api, target_sdk, message)
    (JobSpec(1), 28, 34, "You're trying to build a job with no constraints, this is not allowed."),
    (JobSpec(1, requires_device_idle=True, backoff=Backoff(30000, BackoffPolicy.LINEAR)), 34, 34,
     "An idle mode job will not respect any back-off policy, so calling setBackoffCriteria with "
     "setRequiresDeviceIdle is an error."),
    (JobSpec(1, estimated_bytes=ByteEstimate(1000, 0)), 34, 34,
     "Can't provide estimated network usage without requiring a network"),
    (JobSpec(1, min_chunk_bytes=10), 34, 34, "Can't provide estimated network usage without requiring a network"),
    (JobSpec(1, network_type=ANY, estimated_bytes=ByteEstimate(10, -5)), 34, 34, "Invalid network upload bytes: -5"),
    (JobSpec(1, network_type=ANY, estimated_bytes=ByteEstimate(-7, 10)), 34, 34,
     "Invalid network download bytes: -7"),
    (JobSpec(1, network_type=ANY, estimated_bytes=ByteEstimate(10, 10), min_chunk_bytes=50), 34, 34,
     "Minimum chunk size can't be greater than estimated network usage"),
    (JobSpec(1, network_type=ANY, min_chunk_bytes=0), 34, 34, "Minimum chunk size must be positive"),
    (JobSpec(1, min_latency_ms=-1), 35, 35, "Minimum latency is negative: -1"),
    (JobSpec(1, override_deadline_ms=-2), 35, 35, "Override deadline is negative: -2"),
    (JobSpec(1, periodic=Periodic(900000), override_deadline_ms=1000), 34, 34,
     "Can't call setOverrideDeadline() on a periodic job."),
    (JobSpec(1, periodic=Periodic(900000), min_latency_ms=1000), 34, 34,
     "Can't call setMinimumLatency() on a periodic job"),
    (JobSpec(1, periodic=Periodic(900000), trigger_content_uris=URI), 34, 34,
     "Can't call addTriggerContentUri() on a periodic job"),
    (JobSpec(1, prefetch=True, override_deadline_ms=1000), 33, 34,
     "Can't call setOverrideDeadline() on a prefetch job."),
    (JobSpec(1, persisted=True, trigger_content_uris=URI), 34, 34,
     "Can't call addTriggerContentUri() on a persisted job"),
    (JobSpec(1, persisted=True, transient_extras={"a": 1}), 34, 34,
     "Can't call setTransientExtras() on a persisted job"),
    (JobSpec(1, priority=250), 33, 34, "Invalid priority level provided: 250"),
    (JobSpec(1, priority=600), 33, 34, "Invalid priority value"),
    (JobSpec(1, priority=Priority.MAX), 33, 34, "Only expedited jobs can have max priority"),
    (JobSpec(1, priority=Priority.MAX), 34, 34, "Only expedited or user-initiated jobs can have max priority"),
    (JobSpec(1, priority=Priority.HIGH, prefetch=True), 33, 34, "Prefetch jobs cannot be high priority"),
    (JobSpec(1, priority=Priority.HIGH, periodic=Periodic(900000)), 33, 34, "Periodic jobs cannot be high priority"),
    (JobSpec(1, important_while_foreground=True, min_latency_ms=5), 33, 34,
     "An important while foreground job cannot have a time delay"),
    (JobSpec(1, expedited=True, min_latency_ms=1000), 31, 34, "An expedited job cannot have a time delay"),
    (JobSpec(1, expedited=True, override_deadline_ms=1000), 31, 34, "An expedited job cannot have a deadline"),
    # setPeriodic sets both early and late constraints, so the time-delay rule fires first.
    (JobSpec(1, expedited=True, periodic=Periodic(900000)), 31, 34, "An expedited job cannot have a time delay"),
    (JobSpec(1, expedited=True, user_initiated=True, network_type=ANY), 34, 34,
     "An expedited job cannot be user-initiated"),
    (JobSpec(1, expedited=True, priority=Priority.DEFAULT), 33, 34,
     "An expedited job must be high or max priority. Don't use expedited jobs for unimportant tasks."),
    (JobSpec(1, expedited=True, requires_charging=True), 31, 34,
     "An expedited job can only have network and storage-not-low constraints"),
    (JobSpec(1, expedited=True, prefetch=True), 31, 34,
     "An expedited job can only have network and storage-not-low constraints"),
    (JobSpec(1, expedited=True, trigger_content_uris=URI), 31, 34,
     "Can't call addTriggerContentUri() on an expedited job"),
    (JobSpec(1, user_initiated=True, network_type=ANY, min_latency_ms=1), 34, 34,
     "A user-initiated job cannot have a time delay"),
    (JobSpec(1, user_initiated=True, network_type=ANY, override_deadline_ms=1), 34, 34,
     "A user-initiated job cannot have a deadline"),
    (JobSpec(1, user_initiated=True, network_type=ANY, prefetch=True), 34, 34,
     "A user-initiated job cannot also be a prefetch job"),
    (JobSpec(1, user_initiated=True, network_type=ANY, priority=Priority.HIGH), 34, 34,
     "A user-initiated job must be max priority."),
    (JobSpec(1, user_initiated=True, network_type=ANY, requires_device_idle=True), 34, 34,
     "A user-initiated job cannot have a device-idle constraint"),
    (JobSpec(1, user_initiated=True, network_type=ANY, trigger_content_uris=URI), 34, 34,
     "Can't call addTriggerContentUri() on a user-initiated job"),
    (JobSpec(1, user_initiated=True), 34, 34, "A user-initiated data transfer job must specify a valid network type"),
    (JobSpec(1, debug_tags=[f"t{n}" for n in range(33)]), 35, 34, "Can't have more than 32 tags"),
    (JobSpec(1, debug_tags=["  "]), 35, 34, "debug tag cannot be empty"),
    (JobSpec(1, debug_tags=["x" * 128]), 35, 34, "debug tag cannot be more than 127 characters"),
    (JobSpec(1, trace_tag=" "), 35, 34, "trace tag cannot be empty"),
    (JobSpec(1, trace_tag="x" * 128), 35, 34, "traceTag tag cannot be more than 127 characters"),
    (JobSpec(1, trace_tag="a|b"), 35, 34, "Trace tag cannot contain |, \\n, or \\0"),
    (JobSpec(7, requires_charging=True, min_latency_ms=1000, override_deadline_ms=60000), 35, 35,
     "Time window too short. Constraints unlikely to be satisfied. Increase deadline to a reasonable duration. "
     "Job 'dev.jobctl.helper/.HelperJobService#7' has delay=1000, deadline=60000"),
    (JobSpec(1, namespace="   "), 34, 34, "namespace cannot be empty"),
    (JobSpec(1, namespace="n" * 1001), 34, 34, "namespace cannot be more than 1000 characters"),
]


@pytest.mark.parametrize("spec,api,target,message", PLATFORM_CASES, ids=[c[3][:50] for c in PLATFORM_CASES])
def test_platform_rule(spec: JobSpec, api: int, target: int, message: str) -> None:
    with pytest.raises(JobSpecError) as info:
        validate(spec, api, target_sdk=target)
    assert info.value.message == message
    assert info.value.java_type == IAE or (message == "debug tag cannot be null")
    assert str(info.value) == f"IllegalArgumentException: {message}"
    assert isinstance(info.value, JobctlError)


@pytest.mark.parametrize("spec,api,target", [
    (JobSpec(1), 29, 34),  # no constraints is fine from 29
    (JobSpec(1, min_latency_ms=-1), 35, 34),  # negative delays only for targetSdk 35
    (JobSpec(1, prefetch=True, override_deadline_ms=1000), 32, 34),  # prefetch rule from 33
    (JobSpec(1, persisted=True), 34, 34),
    (JobSpec(1, network_type=ANY, estimated_bytes=ByteEstimate(-5, 10)), 33, 34),  # negative ok below 34
    (JobSpec(1, expedited=True), 31, 34),
    (JobSpec(1, expedited=True, requires_storage_not_low=True, network_type=ANY, persisted=True), 34, 34),
    (JobSpec(1, user_initiated=True, network_type=ANY), 34, 34),
    (JobSpec(1, periodic=Periodic(60_000, 1000)), 34, 34),  # clamped, not rejected (§3.4)
    (JobSpec(1, backoff=Backoff(1, BackoffPolicy.LINEAR)), 34, 34),  # clamped (§3.4)
    (JobSpec(1, requires_charging=True, override_deadline_ms=1000), 35, 34),  # time window: targetSdk 35 only
])
def test_accepted(spec: JobSpec, api: int, target: int) -> None:
    validate(spec, api, target_sdk=target)


@pytest.mark.parametrize("spec,api,message,option,level", [
    (JobSpec(1, expedited=True), 30, "spec.expedited requires API 31, device is API 30", "spec.expedited", 31),
    (JobSpec(1, priority=Priority.HIGH), 30, "spec.priority requires API 33, device is API 30", "spec.priority", 33),
    (JobSpec(1, namespace="ns"), 30, "spec.namespace requires API 34, device is API 30", "spec.namespace", 34),
    (JobSpec(1, network_type=NetworkType.CELLULAR, min_chunk_bytes=10), 27,
     "spec.network_type requires API 28, device is API 27", "spec.network_type", 28),
    (JobSpec(1, network_type=ANY, min_chunk_bytes=10), 30,
     "spec.min_chunk_bytes requires API 33, device is API 30", "spec.min_chunk_bytes", 33),
    (JobSpec(1, user_initiated=True), 33, "spec.user_initiated requires API 34, device is API 33",
     "spec.user_initiated", 34),
    (JobSpec(1, prefetch=True), 27, "spec.prefetch requires API 28, device is API 27", "spec.prefetch", 28),
    (JobSpec(1, debug_tags=["a"]), 34, "spec.debug_tags requires API 35, device is API 34", "spec.debug_tags", 35),
    (JobSpec(1, trace_tag="a"), 34, "spec.trace_tag requires API 35, device is API 34", "spec.trace_tag", 35),
    (JobSpec(1, estimated_bytes=ByteEstimate(1, 1), network_type=ANY), 27,
     "spec.estimated_bytes requires API 28, device is API 27", "spec.estimated_bytes", 28),
])
def test_api_level_guard(spec: JobSpec, api: int, message: str, option: str, level: int) -> None:
    with pytest.raises(JobSpecError) as info:
        validate(spec, api)
    assert str(info.value) == message
    assert (info.value.option, info.value.min_api, info.value.java_type) == (option, level, None)


def test_false_flags_are_valid_on_any_level() -> None:
    validate(JobSpec(1, expedited=False, network_type=NetworkType.METERED), 26)


def test_helper_minimum_level() -> None:
    with pytest.raises(JobSpecError, match="requires API 26, device is API 25"):
        validate(JobSpec(1, requires_charging=True), 25)


@pytest.mark.parametrize("spec,message", [
    (JobSpec(1, extras={"jobctl.script": "x"}), "field spec.extras.jobctl.script: reserved key prefix jobctl."),
    (JobSpec(1, extras={"k": [1]}), "field spec.extras.k: expected string, integer, boolean or number"),
    (JobSpec(2**31), "field spec.job_id: expected 32-bit integer"),
    (JobSpec(1, script=JobScript((Sleep(-1),))), "field spec.script.steps[0].ms: must be >= 0"),
    (JobSpec(1, script=JobScript((Transfer(1, 1, 0, 0),))), "field spec.script.steps[0].chunks: must be >= 1"),
    (JobSpec(1, script=JobScript((Estimate(-1, 0),))), "field spec.script.steps[0].down: must be >= 0"),
])
def test_protocol_values(spec: JobSpec, message: str) -> None:
    with pytest.raises(JobSpecError) as info:
        validate(spec, 34)
    assert str(info.value) == message


NET_JOB = JobSpec(3, network_type=ANY)


@pytest.mark.parametrize("item,spec,api,message", [
    (WorkItem("a", ByteEstimate(5, 0)), JobSpec(3), 34,
     "JobWorkItem implies network usage but job doesn't specify a network constraint"),
    (WorkItem("a", min_chunk_bytes=5), JobSpec(3), 34,
     "JobWorkItem implies network usage but job doesn't specify a network constraint"),
    (WorkItem("a"), JobSpec(3, persisted=True), 33, "Can't enqueue work for persisted jobs"),
    (WorkItem("a", ByteEstimate(-3, 0)), NET_JOB, 34, "Invalid network download bytes: -3"),
    (WorkItem("a", ByteEstimate(0, -3)), NET_JOB, 34, "Invalid network upload bytes: -3"),
    (WorkItem("a", ByteEstimate(10, 0), 0), NET_JOB, 34, "Minimum chunk size must be positive"),
    (WorkItem("a", ByteEstimate(10, 0), 11), NET_JOB, 34,
     "Minimum chunk size can't be greater than estimated network usage"),
])
def test_work_item_platform_rules(item: WorkItem, spec: JobSpec, api: int, message: str) -> None:
    with pytest.raises(JobSpecError) as info:
        validate_work_item(item, spec, api)
    assert info.value.message == message and info.value.java_type == IAE


def test_work_item_accepted_cases() -> None:
    validate_work_item(WorkItem("a", ByteEstimate(5, 0)), JobSpec(3), 33)  # only logged below 34
    validate_work_item(WorkItem("a"), JobSpec(3, persisted=True), 34)  # extras-only items persist on 34+


def test_work_item_levels_and_script() -> None:
    with pytest.raises(JobSpecError) as info:
        validate_work_item(WorkItem("a", min_chunk_bytes=5), NET_JOB, 30)
    assert str(info.value) == "items[0].min_chunk_bytes requires API 33, device is API 30"
    with pytest.raises(JobSpecError) as info:
        validate_work_item(WorkItem("a", script=ItemScript((Hold(),))), NET_JOB, 34)  # type: ignore[arg-type]
    assert str(info.value) == "field items[0].script.steps[0].op: op not allowed in an item script: hold"
    with pytest.raises(JobSpecError, match="op not allowed in an item script: finish"):
        validate_work_item(WorkItem("a", script=ItemScript((Finish(),))), NET_JOB, 34)  # type: ignore[arg-type]


def test_enqueue_checks_count_then_items_in_order() -> None:
    with pytest.raises(JobSpecError, match=r"^field items: expected 1..100000 items$"):
        validate_enqueue(NET_JOB, [], 34)
    with pytest.raises(JobSpecError) as info:
        validate_enqueue(JobSpec(4), [WorkItem("a"), WorkItem("b"), WorkItem("c", ByteEstimate(5, 0))], 34)
    assert info.value.message == "JobWorkItem implies network usage but job doesn't specify a network constraint"
    validate_enqueue(NET_JOB, [WorkItem("a", ByteEstimate(100, 0)), WorkItem("b")], 34)
