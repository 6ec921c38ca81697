"""The helper's adapters over the JobScheduler model (``system.jobs``): ``AndroidScheduler``,
``JobInfoFactory``, ``WorkItems`` and ``AndroidJobSession`` of the Java helper.

* :func:`build_job_info` turns a SPEC into the model's :class:`JobInfo` as the real builder
  would (PROTOCOL.md §6.1) and runs the platform's own ``build()`` checks
  (:func:`~jobctl_sim.framework.jobscheduler.validation.enforce_validity`), so a rejected spec
  raises the Java exception the phone would (§6.3) and the handler relays it (§4).
* :class:`PlatformScheduler` is the command side (§3.5), :class:`PlatformJobSession` the
  running-job side (§7).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from jobctl_sim.apps.helper.commands import PendingJob
from jobctl_sim.apps.helper.manifest import JOB_SERVICE_COMPONENT, NOTIFICATION_CHANNEL
from jobctl_sim.apps.helper.scripts import DequeuedWork
from jobctl_sim.apps.helper.spec import SCRIPT_EXTRA, TAG_EXTRA, JobSpec, WorkItemSpec
from jobctl_sim.framework.jobscheduler import pending_history
from jobctl_sim.framework.jobscheduler.model import (
    JOB_END_NOTIFICATION_POLICY_REMOVE,
    NETWORK_BYTES_UNKNOWN,
    BackoffPolicy,
    Intent,
    JobInfo,
    JobParameters,
    JobWorkItem,
    NetworkRequirement,
    NetworkType,
    Notification,
    Priority,
    TriggerContentUri,
)
from jobctl_sim.framework.jobscheduler.validation import enforce_validity, normalize
from jobctl_sim.framework.system import AndroidSystem

NET_CAPABILITY_NOT_METERED = 11
NET_CAPABILITY_NOT_ROAMING = 18
TRANSPORT_NAMES: Mapping[int, str] = MappingProxyType(
    {0: "cellular", 1: "wifi", 2: "bluetooth", 3: "ethernet", 4: "vpn", 5: "wifi_aware", 6: "lowpan"}
)
"""``NetworkCapabilities.TRANSPORT_*``."""
STAT_SYS_DOWNLOAD = 0x01080081
"""``android.R.drawable.stat_sys_download`` (§7.1 user-initiated notification icon)."""
NOTIFICATION_ID = 1


def _network(spec: JobSpec) -> NetworkRequirement | None:
    """``setRequiredNetworkType`` then ``setRequiredNetwork`` (the later call wins, as in the builder)."""
    network: NetworkRequirement | None = None
    if spec.network_type is not None and spec.network_type != 0:
        network = NetworkRequirement(NetworkType(spec.network_type))
    request = spec.network_request
    if request is not None:
        caps = set(request.capabilities) - set(request.remove_capabilities)
        network = NetworkRequirement(
            NetworkType.ANY,
            transports=tuple(TRANSPORT_NAMES.get(t, str(t)) for t in request.transports),
            not_metered=NET_CAPABILITY_NOT_METERED in caps,
            not_roaming=NET_CAPABILITY_NOT_ROAMING in caps,
        )
    return network


def _bundle(values: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(values.items()))


def build_job_info(spec: JobSpec, api_level: int, target_sdk: int) -> JobInfo:
    """``JobInfoFactory.build``: the builder calls for every present field, then ``build()``."""
    periodic = spec.periodic_interval_ms is not None
    latency, deadline = spec.min_latency_ms, spec.override_deadline_ms
    extras = dict(spec.extras)
    extras[SCRIPT_EXTRA] = spec.script.to_job_json()
    info = JobInfo(
        job_id=spec.job_id,
        service=JOB_SERVICE_COMPONENT,
        extras=_bundle(extras),
        transient_extras=_bundle(spec.transient_extras),
        requires_charging=spec.requires_charging,
        requires_battery_not_low=spec.requires_battery_not_low,
        requires_device_idle=spec.requires_device_idle,
        requires_storage_not_low=spec.requires_storage_not_low,
        network=_network(spec),
        estimated_network_download_bytes=(
            NETWORK_BYTES_UNKNOWN if spec.estimated_download_bytes is None else spec.estimated_download_bytes
        ),
        estimated_network_upload_bytes=(
            NETWORK_BYTES_UNKNOWN if spec.estimated_upload_bytes is None else spec.estimated_upload_bytes
        ),
        minimum_network_chunk_bytes=NETWORK_BYTES_UNKNOWN if spec.min_chunk_bytes is None else spec.min_chunk_bytes,
        trigger_content_uris=tuple(TriggerContentUri(t.uri, 1 if t.descendants else 0) for t in spec.trigger_uris),
        trigger_content_update_delay_ms=-1 if spec.trigger_update_delay_ms is None else spec.trigger_update_delay_ms,
        trigger_content_max_delay_ms=-1 if spec.trigger_max_delay_ms is None else spec.trigger_max_delay_ms,
        min_latency_ms=latency or 0,
        override_deadline_ms=deadline or 0,
        # JobInfo.enforceValidity compares a periodic job's values with 0; elsewhere the setter call counts.
        has_early_constraint=latency is not None and not (periodic and latency == 0),
        has_late_constraint=deadline is not None and not (periodic and deadline == 0),
        periodic=periodic,
        interval_ms=spec.periodic_interval_ms or 0,
        flex_ms=(spec.periodic_flex_ms if spec.periodic_flex_ms is not None else spec.periodic_interval_ms) or 0,
        persisted=spec.persisted,
        initial_backoff_ms=spec.backoff_initial_ms if spec.backoff_initial_ms is not None else 30_000,
        backoff_policy=BackoffPolicy(spec.backoff_policy if spec.backoff_policy is not None else 1),
        backoff_set=spec.backoff_initial_ms is not None,
        prefetch=spec.prefetch,
        important_while_foreground=spec.important_while_foreground,
        expedited=spec.expedited,
        user_initiated=spec.user_initiated,
        priority=spec.priority if spec.priority is not None else int(Priority.DEFAULT),
        priority_set=spec.priority is not None,
        debug_tags=spec.debug_tags or (),
        trace_tag=spec.trace_tag,
    )
    info = normalize(info)
    enforce_validity(info, api_level, target_sdk)
    return info


def build_work_item(item: WorkItemSpec, api_level: int) -> JobWorkItem:
    """``WorkItems.build``: PersistableBundle extras from API 34, Intent extras below."""
    data = _bundle({TAG_EXTRA: item.tag, SCRIPT_EXTRA: item.script.to_item_json()})
    down = NETWORK_BYTES_UNKNOWN if item.estimated_download_bytes is None else item.estimated_download_bytes
    up = NETWORK_BYTES_UNKNOWN if item.estimated_upload_bytes is None else item.estimated_upload_bytes
    chunk = NETWORK_BYTES_UNKNOWN if item.min_chunk_bytes is None else item.min_chunk_bytes
    if api_level >= 34:
        return JobWorkItem(extras=data, estimated_network_download_bytes=down, estimated_network_upload_bytes=up,
                           minimum_network_chunk_bytes=chunk)
    return JobWorkItem(intent=Intent(extras=data), estimated_network_download_bytes=down,
                       estimated_network_upload_bytes=up, minimum_network_chunk_bytes=chunk)


def read_work_item(item: JobWorkItem, api_level: int) -> DequeuedWork:
    """``WorkItems.read``: the helper's tag and ITEM-SCRIPT back from the item."""
    values: dict[str, Any] = dict(item.extras) if api_level >= 34 else {}
    if values.get(TAG_EXTRA) is None and item.intent is not None:
        values = dict(item.intent.extras)
    tag = values.get(TAG_EXTRA)
    script = values.get(SCRIPT_EXTRA)
    return DequeuedWork(
        tag if isinstance(tag, str) else None,
        item.delivery_count,
        script if isinstance(script, str) else None,
        item,
    )


@dataclass(frozen=True)
class PlatformJob:
    """A built ``JobInfo`` and the spec it came from."""

    spec: JobSpec
    info: JobInfo


class PlatformScheduler:
    """``AndroidScheduler``: the command side over ``system.jobs`` for the helper's uid."""

    def __init__(self, system: AndroidSystem, package: str, uid: int, target_sdk: int) -> None:
        self._system = system
        self._package = package
        self._uid = uid
        self._target_sdk = target_sdk

    @property
    def api_level(self) -> int:
        return self._system.api_level

    def build(self, spec: JobSpec) -> PlatformJob:
        return PlatformJob(spec, build_job_info(spec, self.api_level, self._target_sdk))

    def schedule(self, job: PlatformJob) -> int:
        return int(self._system.jobs.schedule(self._uid, self._package, job.info, job.spec.namespace))

    def enqueue(self, job: PlatformJob, item: WorkItemSpec) -> int:
        work = build_work_item(item, self.api_level)
        return int(self._system.jobs.enqueue(self._uid, self._package, job.info, work, job.spec.namespace))

    def cancel(self, namespace: str | None, job_id: int) -> None:
        self._system.jobs.cancel(self._uid, self._package, job_id, namespace)

    def cancel_all(self, namespace: str | None) -> None:
        self._system.jobs.cancel_all(self._uid, self._package, namespace)

    def cancel_in_all_namespaces(self) -> None:
        self._system.jobs.cancel_in_all_namespaces(self._uid, self._package)

    def pending_jobs(self, namespace: str | None, all_namespaces: bool) -> list[PendingJob]:
        jobs = self._system.jobs
        groups: Iterable[tuple[str | None, list[JobInfo]]]
        if all_namespaces:
            groups = jobs.get_pending_jobs_in_all_namespaces(self._uid).items()
        else:
            groups = [(namespace, jobs.get_all_pending(self._uid, namespace))]
        return [self._describe(ns, info) for ns, infos in groups for info in infos]

    def pending_reason(self, namespace: str | None, job_id: int) -> int:
        return int(self._system.jobs.get_pending_job_reason(self._uid, job_id, namespace))

    def pending_reasons(self, namespace: str | None, job_id: int) -> list[int]:
        return pending_history.get_pending_job_reasons(self._system.jobs, self._uid, job_id, namespace)

    def pending_reasons_history(self, namespace: str | None, job_id: int) -> list[tuple[int, list[int]]]:
        return [(when, list(reasons)) for when, reasons in
                pending_history.get_pending_job_reasons_history(self._system.jobs, self._uid, job_id, namespace)]

    def pending_reason_stats(self, namespace: str | None, job_id: int) -> dict[int, int]:
        return pending_history.get_pending_job_reason_stats(self._system.jobs, self._uid, job_id, namespace)

    def _describe(self, namespace: str | None, info: JobInfo) -> PendingJob:
        """Getter levels per android-helper.md §2.2; absent getters stay None."""
        api = self.api_level
        return PendingJob(
            job_id=info.job_id,
            namespace=namespace,
            pending_reason=(
                int(self._system.jobs.get_pending_job_reason(self._uid, info.job_id, namespace)) if api >= 34 else None
            ),
            periodic=info.periodic,
            interval_ms=info.interval_ms if info.periodic else 0,
            flex_ms=info.flex_ms if info.periodic else 0,
            min_latency_ms=info.min_latency_ms,
            override_deadline_ms=info.override_deadline_ms,
            persisted=info.persisted,
            expedited=info.expedited if api >= 31 else None,
            user_initiated=info.user_initiated if api >= 34 else None,
            prefetch=info.prefetch if api >= 28 else None,
            priority=int(info.effective_priority) if api >= 33 else None,
            requires_network=info.network is not None,
            estimated_download_bytes=info.estimated_network_download_bytes if api >= 28 else None,
            estimated_upload_bytes=info.estimated_network_upload_bytes if api >= 28 else None,
        )


class PlatformJobSession:
    """``AndroidJobSession``: one execution's ``JobParameters`` calls on ``system.jobs``."""

    def __init__(self, system: AndroidSystem, params: JobParameters) -> None:
        self._system = system
        self._params = params

    @property
    def _api(self) -> int:
        return self._system.api_level

    def dequeue_work(self) -> DequeuedWork | None:
        item = self._system.jobs.dequeue_work(self._params)
        return None if item is None else read_work_item(item, self._api)

    def complete_work(self, work: DequeuedWork) -> None:
        self._system.jobs.complete_work(self._params, work.platform_item)

    def report_transferred(self, work: DequeuedWork | None, down: int, up: int) -> bool:
        if self._api < 34:
            return False
        item = None if work is None else work.platform_item
        self._system.jobs.update_transferred_network_bytes(self._params, item, down, up)
        return True

    def report_estimated(self, work: DequeuedWork | None, down: int, up: int) -> bool:
        if self._api < 34:
            return False
        item = None if work is None else work.platform_item
        self._system.jobs.update_estimated_network_bytes(self._params, item, down, up)
        return True

    def job_finished(self, reschedule: bool) -> None:
        self._system.jobs.job_finished(self._params, reschedule)

    def abandon(self) -> None:
        """The JobParameters are dropped and collected: ``handleAbandonedJob`` (36+; a no-op before)."""
        self._system.jobs.contexts.handle_abandoned_job(self._params)  # IJobCallback.handleAbandonedJob

    def post_notification(self) -> None:
        """``setNotification(params, 1, notification, JOB_END_NOTIFICATION_POLICY_REMOVE)`` (§7.1)."""
        notification = Notification(NOTIFICATION_CHANNEL, STAT_SYS_DOWNLOAD, f"jobctl job {self._params.job_id}")
        self._system.jobs.set_notification(self._params, NOTIFICATION_ID, notification,
                                           JOB_END_NOTIFICATION_POLICY_REMOVE)
