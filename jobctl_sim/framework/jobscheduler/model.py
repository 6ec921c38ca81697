"""The app-visible JobScheduler API as Python values: JobInfo, JobWorkItem, JobParameters.

Mirrors ``apex/jobscheduler/framework/java/android/app/job/{JobInfo,JobWorkItem,JobParameters,
JobScheduler}.java`` (frameworks/base, Android 15 / FB-main). Field names follow the Java
getters in snake_case; the integer values of every enum are the SDK's.

Everything here is immutable: an app builds a :class:`JobInfo` and hands it to the service, the
service hands :class:`JobParameters` / :class:`JobWorkItem` back. Server-side mutable state
lives in :mod:`.status`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------- constants


class StopReason(enum.IntEnum):
    """``JobParameters.STOP_REASON_*`` (public, API 31; 15 is API 33)."""

    STOP_REASON_UNDEFINED = 0
    STOP_REASON_CANCELLED_BY_APP = 1
    STOP_REASON_PREEMPT = 2
    STOP_REASON_TIMEOUT = 3
    STOP_REASON_DEVICE_STATE = 4
    STOP_REASON_CONSTRAINT_BATTERY_NOT_LOW = 5
    STOP_REASON_CONSTRAINT_CHARGING = 6
    STOP_REASON_CONSTRAINT_CONNECTIVITY = 7
    STOP_REASON_CONSTRAINT_DEVICE_IDLE = 8
    STOP_REASON_CONSTRAINT_STORAGE_NOT_LOW = 9
    STOP_REASON_QUOTA = 10
    STOP_REASON_BACKGROUND_RESTRICTION = 11
    STOP_REASON_APP_STANDBY = 12
    STOP_REASON_USER = 13
    STOP_REASON_SYSTEM_PROCESSING = 14
    STOP_REASON_ESTIMATED_APP_LAUNCH_TIME_CHANGED = 15


class InternalStopReason(enum.IntEnum):
    """``JobParameters.INTERNAL_STOP_REASON_*`` (hidden; values from JobProtoEnums)."""

    INTERNAL_STOP_REASON_UNKNOWN = -1
    INTERNAL_STOP_REASON_CANCELED = 0
    INTERNAL_STOP_REASON_CONSTRAINTS_NOT_SATISFIED = 1
    INTERNAL_STOP_REASON_PREEMPT = 2
    INTERNAL_STOP_REASON_TIMEOUT = 3
    INTERNAL_STOP_REASON_DEVICE_IDLE = 4
    INTERNAL_STOP_REASON_DEVICE_THERMAL = 5
    INTERNAL_STOP_REASON_RESTRICTED_BUCKET = 6
    INTERNAL_STOP_REASON_UNINSTALL = 7
    INTERNAL_STOP_REASON_DATA_CLEARED = 8
    INTERNAL_STOP_REASON_RTC_UPDATED = 9
    INTERNAL_STOP_REASON_SUCCESSFUL_FINISH = 10
    INTERNAL_STOP_REASON_USER_UI_STOP = 11
    INTERNAL_STOP_REASON_ANR = 12


class PendingJobReason(enum.IntEnum):
    """``JobScheduler.PENDING_JOB_REASON_*`` (API 34)."""

    PENDING_JOB_REASON_INVALID_JOB_ID = -2
    PENDING_JOB_REASON_EXECUTING = -1
    PENDING_JOB_REASON_UNDEFINED = 0
    PENDING_JOB_REASON_APP = 1
    PENDING_JOB_REASON_APP_STANDBY = 2
    PENDING_JOB_REASON_BACKGROUND_RESTRICTION = 3
    PENDING_JOB_REASON_CONSTRAINT_BATTERY_NOT_LOW = 4
    PENDING_JOB_REASON_CONSTRAINT_CHARGING = 5
    PENDING_JOB_REASON_CONSTRAINT_CONNECTIVITY = 6
    PENDING_JOB_REASON_CONSTRAINT_CONTENT_TRIGGER = 7
    PENDING_JOB_REASON_CONSTRAINT_DEVICE_IDLE = 8
    PENDING_JOB_REASON_CONSTRAINT_MINIMUM_LATENCY = 9
    PENDING_JOB_REASON_CONSTRAINT_PREFETCH = 10
    PENDING_JOB_REASON_CONSTRAINT_STORAGE_NOT_LOW = 11
    PENDING_JOB_REASON_DEVICE_STATE = 12
    PENDING_JOB_REASON_JOB_SCHEDULER_OPTIMIZATION = 13
    PENDING_JOB_REASON_QUOTA = 14
    PENDING_JOB_REASON_USER = 15


class NetworkType(enum.IntEnum):
    """``JobInfo.NETWORK_TYPE_*``; METERED (26, deprecated 28) is CELLULAR's alias."""

    NONE = 0
    ANY = 1
    UNMETERED = 2
    NOT_ROAMING = 3
    CELLULAR = 4


class BackoffPolicy(enum.IntEnum):
    LINEAR = 0
    EXPONENTIAL = 1


class Priority(enum.IntEnum):
    """``JobInfo.PRIORITY_*`` (API 33); dump prints ``Priority: 300 [DEFAULT]``."""

    MIN = 100
    LOW = 200
    DEFAULT = 300
    HIGH = 400
    MAX = 500


class StandbyBucket(enum.IntEnum):
    """UsageStatsManager.STANDBY_BUCKET_*; the dump prints the name."""

    EXEMPTED = 5
    ACTIVE = 10
    WORKING_SET = 20
    FREQUENT = 30
    RARE = 40
    RESTRICTED = 45
    NEVER = 50


RESULT_FAILURE = 0
RESULT_SUCCESS = 1
NETWORK_BYTES_UNKNOWN = -1

DEFAULT_INITIAL_BACKOFF_MILLIS = 30_000
"""JobInfo.DEFAULT_INITIAL_BACKOFF_MILLIS (public, API 21)."""
MIN_BACKOFF_MILLIS = 10_000
"""JobInfo.MIN_BACKOFF_MILLIS (hidden): setBackoffCriteria is clamped up to this."""
MAX_BACKOFF_DELAY_MILLIS = 5 * 60 * 60 * 1000
MIN_PERIOD_MILLIS = 15 * 60 * 1000
MIN_FLEX_MILLIS = 5 * 60 * 1000

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

    def short(self) -> str:
        """``Intent.toShortString``-ish: ``act=X dat=Y cmp=Z (has extras)``."""
        parts = []
        if self.action:
            parts.append(f"act={self.action}")
        if self.data:
            parts.append(f"dat={self.data}")
        if self.component:
            parts.append(f"cmp={self.component}")
        if self.extras:
            parts.append("(has extras)")
        return " ".join(parts)


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
        pkg, _, cls = self.service.partition("/")
        return pkg + cls if cls.startswith(".") else cls

    @property
    def short_service(self) -> str:
        """``ComponentName.flattenToShortString``: ``pkg/.Cls`` when the class is in the package."""
        pkg = self.package
        cls = self.class_name
        return f"{pkg}/{cls[len(pkg):]}" if cls.startswith(pkg + ".") else f"{pkg}/{cls}"

    @property
    def effective_priority(self) -> int:
        """Expedited and user-initiated jobs default to MAX (JobInfo.Builder)."""
        if not self.priority_set and (self.expedited or self.user_initiated):
            return Priority.MAX
        return self.priority

    @property
    def constraint_flags(self) -> int:
        """``JobInfo.getConstraintFlags`` (CONSTRAINT_FLAG_* bits: charging 1, idle 4, ...)."""
        return (
            (1 if self.requires_charging else 0)
            | (2 if self.requires_battery_not_low else 0)
            | (4 if self.requires_device_idle else 0)
            | (8 if self.requires_storage_not_low else 0)
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
    stop_reason: StopReason = StopReason.STOP_REASON_UNDEFINED
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
