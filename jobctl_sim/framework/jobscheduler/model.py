"""The app-visible JobScheduler API as Python values: JobInfo, JobWorkItem, JobParameters.

Mirrors ``apex/jobscheduler/framework/java/android/app/job/{JobInfo,JobWorkItem,JobParameters,
JobScheduler}.java`` (frameworks/base, Android 15 / FB-main). Field names follow the Java
getters in snake_case; the integer values of every enum are the SDK's.

Everything here is immutable: an app builds a :class:`JobInfo` and hands it to the service, the
service hands :class:`JobParameters` / :class:`JobWorkItem` back. Server-side mutable state
lives in :mod:`.status`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jobctl_sim.framework.shell_command import full_component, intent_short_string, intent_to_string, short_component

# The platform's constants live in jobctl_sim.framework.aosp_constants (checked against
# bridge/facts/aosp.toml by tests/facts); they are re-exported here for the model's users.
from jobctl_sim.framework.aosp_constants import (
    DEFAULT_INITIAL_BACKOFF_MILLIS as DEFAULT_INITIAL_BACKOFF_MILLIS,
    MAX_BACKOFF_DELAY_MILLIS as MAX_BACKOFF_DELAY_MILLIS,
    MIN_BACKOFF_MILLIS as MIN_BACKOFF_MILLIS,
    MIN_FLEX_MILLIS as MIN_FLEX_MILLIS,
    MIN_PERIOD_MILLIS as MIN_PERIOD_MILLIS,
    NETWORK_BYTES_UNKNOWN as NETWORK_BYTES_UNKNOWN,
    BackoffPolicy as BackoffPolicy,
    ConstraintFlag as ConstraintFlag,
    InternalStopReason as InternalStopReason,
    NetworkType as NetworkType,
    PendingJobReason as PendingJobReason,
    Priority as Priority,
    StandbyBucket as StandbyBucket,
    StopReason as StopReason,
)

# --------------------------------------------------------------------------- constants

RESULT_FAILURE = 0
RESULT_SUCCESS = 1

JOB_END_NOTIFICATION_POLICY_DETACH = 0
JOB_END_NOTIFICATION_POLICY_REMOVE = 1

RECEIVE_BOOT_COMPLETED = "android.permission.RECEIVE_BOOT_COMPLETED"
ACCESS_NETWORK_STATE = "android.permission.ACCESS_NETWORK_STATE"
RUN_USER_INITIATED_JOBS = "android.permission.RUN_USER_INITIATED_JOBS"
BIND_JOB_SERVICE = "android.permission.BIND_JOB_SERVICE"


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class TriggerContentUri:
    """``JobInfo.TriggerContentUri`` (API 24): a content URI and ``FLAG_NOTIFY_FOR_DESCENDANTS`` (1)."""

    uri: str
    flags: int = 0

    @property
    def notify_for_descendants(self) -> bool:
        return bool(self.flags & 1)


@dataclass(frozen=True)
class NetworkRequirement:
    """What ``setRequiredNetworkType`` / ``setRequiredNetwork`` asked for (NetworkRequest-ish).

    ``JobInfo.Builder.setRequiredNetworkType`` turns a type into a NetworkRequest with
    INTERNET + VALIDATED (+ NOT_METERED for UNMETERED, NOT_ROAMING for NOT_ROAMING,
    TRANSPORT_CELLULAR for CELLULAR) -- JobInfo.java.
    """

    network_type: NetworkType = NetworkType.ANY
    transports: tuple[str, ...] = ()
    """Extra transports of a custom NetworkRequest (``"wifi"``, ``"cellular"``, ``"ethernet"``)."""
    not_metered: bool = False
    not_roaming: bool = False
    has_specifier: bool = False
    """A NetworkSpecifier is set (not allowed on persisted jobs)."""

    @property
    def required_transports(self) -> tuple[str, ...]:
        if self.network_type == NetworkType.CELLULAR:
            return tuple(dict.fromkeys(("cellular", *self.transports)))
        return self.transports

    @property
    def requires_unmetered(self) -> bool:
        return self.not_metered or self.network_type == NetworkType.UNMETERED

    @property
    def requires_not_roaming(self) -> bool:
        return self.not_roaming or self.network_type == NetworkType.NOT_ROAMING

    def capabilities(self) -> str:
        """The capability list as NetworkCapabilities prints it (``INTERNET&NOT_METERED&…``)."""
        caps = ["INTERNET"]
        if self.requires_unmetered:
            caps.append("NOT_METERED")
        if self.requires_not_roaming:
            caps.append("NOT_ROAMING")
        caps += ["TRUSTED", "VALIDATED"]
        return "&".join(caps)


@dataclass(frozen=True)
class Intent:
    """The part of an ``android.content.Intent`` a JobWorkItem carries."""

    action: str | None = None
    data: str | None = None
    component: str | None = None
    extras: tuple[tuple[str, Any], ...] = ()

    def to_string(self) -> str:
        """``Intent.toString``: ``Intent { act=X dat=Y cmp=Z (has extras) }``."""
        return intent_to_string(intent_short_string(action=self.action, data=self.data, component=self.component,
                                                    has_extras=bool(self.extras)))


@dataclass(frozen=True)
class JobWorkItem:
    """``android.app.job.JobWorkItem`` (API 26; bytes 28; chunk 33; extras 34).

    ``work_id`` and ``delivery_count`` are set by the service: an app enqueues an item with
    both at their defaults, and :meth:`JobSchedulerService.dequeue_work` returns a copy with the
    id assigned and the delivery count bumped (``JobStatus.dequeueWorkLocked`` calls
    ``bumpDeliveryCount``), so the first delivery has count 1 and a redelivery after a stop 2.
    """

    intent: Intent | None = None
    extras: tuple[tuple[str, Any], ...] = ()
    estimated_network_download_bytes: int = NETWORK_BYTES_UNKNOWN
    estimated_network_upload_bytes: int = NETWORK_BYTES_UNKNOWN
    minimum_network_chunk_bytes: int = NETWORK_BYTES_UNKNOWN
    work_id: int = 0
    delivery_count: int = 0

    def get_delivery_count(self) -> int:
        return self.delivery_count

    def implies_network(self) -> bool:
        return (
            self.estimated_network_download_bytes > 0
            or self.estimated_network_upload_bytes > 0
            or self.minimum_network_chunk_bytes > 0
        )


@dataclass(frozen=True)
class JobInfo:
    """``android.app.job.JobInfo`` as ``JobInfo.Builder.build()`` would produce it.

    ``service`` is the flattened component, ``"pkg/.Svc"`` or ``"pkg/pkg.Svc"``.
    ``interval_ms``/``flex_ms`` are the values after the builder's clamping (§3.4 of the
    helper reference); use :func:`jobctl_sim.framework.jobscheduler.validation.periodic` to get
    them from raw requests.
    """

    job_id: int
    service: str
    extras: tuple[tuple[str, Any], ...] = ()
    transient_extras: tuple[tuple[str, Any], ...] = ()
    has_clip_data: bool = False
    requires_charging: bool = False
    requires_battery_not_low: bool = False
    requires_device_idle: bool = False
    requires_storage_not_low: bool = False
    network: NetworkRequirement | None = None
    estimated_network_download_bytes: int = NETWORK_BYTES_UNKNOWN
    estimated_network_upload_bytes: int = NETWORK_BYTES_UNKNOWN
    minimum_network_chunk_bytes: int = NETWORK_BYTES_UNKNOWN
    trigger_content_uris: tuple[TriggerContentUri, ...] = ()
    trigger_content_update_delay_ms: int = -1
    trigger_content_max_delay_ms: int = -1
    min_latency_ms: int = 0
    override_deadline_ms: int = 0
    """0 = no deadline (``hasLateConstraint`` false), as JobInfo stores it."""
    has_early_constraint: bool = False
    has_late_constraint: bool = False
    periodic: bool = False
    interval_ms: int = 0
    flex_ms: int = 0
    persisted: bool = False
    initial_backoff_ms: int = DEFAULT_INITIAL_BACKOFF_MILLIS
    backoff_policy: BackoffPolicy = BackoffPolicy.EXPONENTIAL
    backoff_set: bool = False
    prefetch: bool = False
    important_while_foreground: bool = False
    expedited: bool = False
    user_initiated: bool = False
    priority: int = Priority.DEFAULT
    priority_set: bool = False
    debug_tags: tuple[str, ...] = ()
    trace_tag: str | None = None

    @property
    def package(self) -> str:
        return self.service.split("/", 1)[0]

    @property
    def class_name(self) -> str:
        return full_component(self.service).partition("/")[2]

    @property
    def short_service(self) -> str:
        """``ComponentName.flattenToShortString``: ``pkg/.Cls`` when the class is in the package."""
        return short_component(self.service)

    @property
    def effective_priority(self) -> int:
        """``JobInfo.getPriority()`` as the builder leaves it, setters called in the helper's order
        (``JobInfoFactory``): ``setImportantWhileForeground`` raises a still-DEFAULT priority to HIGH,
        ``setExpedited`` a still-DEFAULT one to MAX, ``setPriority`` sets it, ``setUserInitiated``
        raises a still-DEFAULT one to MAX (JobInfo.Builder, API 33+ android-all jars)."""
        priority = int(Priority.HIGH) if self.important_while_foreground else int(Priority.DEFAULT)
        if self.expedited and priority == Priority.DEFAULT:
            priority = int(Priority.MAX)
        if self.priority_set:
            priority = self.priority
        if self.user_initiated and priority == Priority.DEFAULT:
            priority = int(Priority.MAX)
        return priority

    @property
    def constraint_flags(self) -> int:
        """``JobInfo.getConstraintFlags`` (CONSTRAINT_FLAG_* bits: charging 1, idle 4, ...)."""
        return (
            (ConstraintFlag.CHARGING if self.requires_charging else 0)
            | (ConstraintFlag.BATTERY_NOT_LOW if self.requires_battery_not_low else 0)
            | (ConstraintFlag.DEVICE_IDLE if self.requires_device_idle else 0)
            | (ConstraintFlag.STORAGE_NOT_LOW if self.requires_storage_not_low else 0)
        )

    def replace_for_equality(self) -> tuple[Any, ...]:
        """The fields ``JobInfo.equals`` compares (all of them here)."""
        return tuple(getattr(self, f) for f in self.__dataclass_fields__)


@dataclass(frozen=True)
class NetworkHandle:
    """``android.net.Network`` handed to the job: the netId of the network it may use."""

    net_id: int
    transport: str


@dataclass(frozen=True)
class JobParameters:
    """``android.app.job.JobParameters`` for one execution of one job.

    ``handle`` identifies the execution (the Binder callback in Android): the app passes this
    object (or just ``handle``) back to ``job_finished``/``dequeue_work``/…; calls with a
    stale handle are ignored as ``JobServiceContext.verifyCallerLocked`` does.
    ``on_stop_job`` gets a copy with ``stop_reason``/``internal_stop_reason``/``debug_stop_reason``
    filled in (``JobParameters.setStopReason``).
    """

    handle: int
    job_id: int
    namespace: str | None = None
    extras: tuple[tuple[str, Any], ...] = ()
    transient_extras: tuple[tuple[str, Any], ...] = ()
    triggered_content_uris: tuple[str, ...] | None = None
    triggered_content_authorities: tuple[str, ...] | None = None
    network: NetworkHandle | None = None
    is_override_deadline_expired: bool = False
    is_expedited: bool = False
    is_user_initiated: bool = False
    stop_reason: int = StopReason.STOP_REASON_UNDEFINED
    """A ``STOP_REASON_*`` value (the shell's ``stop -s N`` may give any number)."""
    internal_stop_reason: int = InternalStopReason.INTERNAL_STOP_REASON_UNKNOWN
    debug_stop_reason: str | None = None

    # Java-style getters, for app models written against the SDK names.
    def get_job_id(self) -> int:
        return self.job_id

    def get_stop_reason(self) -> int:
        return int(self.stop_reason)

    def get_job_namespace(self) -> str | None:
        return self.namespace


@dataclass(frozen=True)
class Notification:
    """What ``JobService.setNotification`` needs validated (JobNotificationCoordinator)."""

    channel_id: str | None
    small_icon: int | None = 1
    title: str = ""


def extras(**values: Any) -> tuple[tuple[str, Any], ...]:
    """``extras(a=1)`` -> the frozen form JobInfo/JobWorkItem store."""
    return tuple(sorted(values.items()))
