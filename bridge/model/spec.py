"""What to schedule: :class:`JobSpec` (a ``JobInfo``) and :class:`WorkItem` (a ``JobWorkItem``).

Each option maps to one ``JobInfo.Builder`` setter (android-helper.md §2.2) and to one field of
the helper's SPEC / ITEM (PROTOCOL.md §6.1, §3.5 ``enqueue``). Every option knows the lowest
device API level at which the helper accepts it (the "API" column of PROTOCOL.md §6.1, which
is the setter's SDK level, floored at the helper's minSdk 26): see :func:`spec_options`,
:func:`item_options` and the ``min_api_level`` properties. ``None``/``False``/empty means
"not set": the builder default stays (PROTOCOL.md §6.1, last paragraph).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field, fields
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from bridge.model.enums import BackoffPolicy, NetworkType, Priority

if TYPE_CHECKING:  # the script model loads only where a script is built or read (issue 16: start-up)
    from bridge.model.script import ItemScript, JobScript

ExtraValue = str | int | bool | float
"""What a ``PersistableBundle`` extra may hold here (PROTOCOL.md §6.1 ``extras``)."""

Extras = tuple[tuple[str, ExtraValue], ...]
"""Extras as ordered ``(key, value)`` pairs (hashable; build them from a dict with :func:`extras`)."""

HELPER_MIN_SDK = 26
"""The helper's minSdk (PROTOCOL.md §1): no option can be used below it."""

HELPER_TARGET_SDK = 34
"""The helper's targetSdk (PROTOCOL.md §1): selects the targetSdk-gated platform rules (§3.1)."""


def extras(values: Mapping[str, ExtraValue] | Extras | None = None, /, **kwargs: ExtraValue) -> Extras:
    """``extras({"k": "v"}, n=3)`` -> ``(("k", "v"), ("n", 3))`` (insertion order kept)."""
    pairs: dict[str, ExtraValue] = {}
    if isinstance(values, Mapping):
        pairs.update(values)
    elif values is not None:
        pairs.update(dict(values))
    pairs.update(kwargs)
    return tuple(pairs.items())


@dataclass(frozen=True)
class ByteEstimate:
    """``{"down":int,"up":int}``: bytes, ``-1`` (``NETWORK_BYTES_UNKNOWN``) for unknown."""

    down: int
    up: int


@dataclass(frozen=True)
class NetworkRequest:
    """``setRequiredNetwork(NetworkRequest)`` (28) as PROTOCOL.md §6.1 ``network_request``.

    Integers are ``NetworkCapabilities.NET_CAPABILITY_*`` / ``TRANSPORT_*`` constants.
    """

    capabilities: tuple[int, ...] = ()
    transports: tuple[int, ...] = ()
    remove_capabilities: tuple[int, ...] = ()


@dataclass(frozen=True)
class Periodic:
    """``setPeriodic(interval)`` / ``setPeriodic(interval, flex)`` (flex: 24).

    The platform clamps (android-helper.md §3.4): interval to ≥ 15 min, flex to
    ≥ max(5 min, 5 % of the interval) and ≤ the interval; see :meth:`effective`.
    """

    interval_ms: int
    flex_ms: int | None = None

    def effective(self) -> tuple[int, int]:
        """(interval, flex) after the builder's clamping (§3.4)."""
        interval = max(self.interval_ms, MIN_PERIOD_MS)
        flex = self.interval_ms if self.flex_ms is None else self.flex_ms
        return interval, min(max(flex, MIN_FLEX_MS, interval * 5 // 100), interval)


@dataclass(frozen=True)
class Backoff:
    """``setBackoffCriteria(initial, policy)``; the platform raises ``initial`` to ≥ 10 s (§3.4)."""

    initial_ms: int = 30_000
    policy: BackoffPolicy = BackoffPolicy.EXPONENTIAL

    def effective_initial_ms(self) -> int:
        """The initial backoff after clamping to [10 s, 5 h] (§2.1, §3.4)."""
        return min(max(self.initial_ms, MIN_BACKOFF_MS), MAX_BACKOFF_DELAY_MS)


@dataclass(frozen=True)
class TriggerContentUri:
    """``JobInfo.TriggerContentUri`` (24): a URI, optionally with ``FLAG_NOTIFY_FOR_DESCENDANTS``."""

    uri: str
    descendants: bool = False

    @property
    def flags(self) -> int:
        """The ``TriggerContentUri`` flags (``FLAG_NOTIFY_FOR_DESCENDANTS`` = 1)."""
        return 1 if self.descendants else 0


MIN_PERIOD_MS = 15 * 60 * 1000
"""``JobInfo.getMinPeriodMillis()`` (§2.1)."""
MIN_FLEX_MS = 5 * 60 * 1000
"""``JobInfo.getMinFlexMillis()`` (§2.1)."""
MIN_BACKOFF_MS = 10_000
"""``JobInfo.MIN_BACKOFF_MILLIS`` (hidden, §2.1)."""
MAX_BACKOFF_DELAY_MS = 5 * 60 * 60 * 1000
"""``JobInfo.MAX_BACKOFF_DELAY_MILLIS`` (§2.1)."""
NETWORK_BYTES_UNKNOWN = -1
"""``JobInfo.NETWORK_BYTES_UNKNOWN`` (28)."""


def _api(level: int, setter: str) -> dict[str, object]:
    """Field metadata: the option's lowest API level and the builder method it maps to."""
    return {"api": level, "setter": setter}


@dataclass(frozen=True)
class JobSpec:
    """One job, as ``JobInfo.Builder`` would build it in the helper (PROTOCOL.md §6.1).

    ``job_id`` is the one positional field; every option is keyword-only and defaults to what a
    fresh ``JobInfo.Builder`` builds: ``False`` for the boolean setters, no trigger URIs, extras
    or debug tags, and ``None`` (not set: the builder keeps its own value -- no network, no
    latency or deadline, backoff 30 s exponential, the priority that follows from
    expedited/user-initiated, see :attr:`effective_priority`) for the rest. Field metadata
    ``api`` is the lowest API level at which the option may be used and ``setter`` the builder
    method it maps to. ``script`` says what the job does when it runs (``None``:
    :data:`bridge.model.script.DEFAULT_JOB_SCRIPT`).

    Construction never fails: lists become tuples, a mapping of extras becomes pairs, an integer
    priority that names a level becomes that :class:`Priority`; a value of the wrong type is
    kept for :func:`bridge.validation.validate` to refuse with the field's name.
    """

    job_id: int = field(metadata={"api": HELPER_MIN_SDK, "setter": "new JobInfo.Builder(id, …)"})
    _: KW_ONLY
    namespace: str | None = field(default=None, metadata=_api(34, "JobScheduler.forNamespace"))
    network_type: NetworkType | None = field(default=None, metadata=_api(26, "setRequiredNetworkType"))
    network_request: NetworkRequest | None = field(default=None, metadata=_api(28, "setRequiredNetwork"))
    estimated_bytes: ByteEstimate | None = field(default=None, metadata=_api(28, "setEstimatedNetworkBytes"))
    min_chunk_bytes: int | None = field(default=None, metadata=_api(33, "setMinimumNetworkChunkBytes"))
    requires_charging: bool = field(default=False, metadata=_api(26, "setRequiresCharging"))
    requires_device_idle: bool = field(default=False, metadata=_api(26, "setRequiresDeviceIdle"))
    requires_battery_not_low: bool = field(default=False, metadata=_api(26, "setRequiresBatteryNotLow"))
    requires_storage_not_low: bool = field(default=False, metadata=_api(26, "setRequiresStorageNotLow"))
    min_latency_ms: int | None = field(default=None, metadata=_api(26, "setMinimumLatency"))
    override_deadline_ms: int | None = field(default=None, metadata=_api(26, "setOverrideDeadline"))
    periodic: Periodic | None = field(default=None, metadata=_api(26, "setPeriodic"))
    backoff: Backoff | None = field(default=None, metadata=_api(26, "setBackoffCriteria"))
    persisted: bool = field(default=False, metadata=_api(26, "setPersisted"))
    important_while_foreground: bool = field(default=False, metadata=_api(28, "setImportantWhileForeground"))
    prefetch: bool = field(default=False, metadata=_api(28, "setPrefetch"))
    expedited: bool = field(default=False, metadata=_api(31, "setExpedited"))
    priority: Priority | int | None = field(default=None, metadata=_api(33, "setPriority"))
    user_initiated: bool = field(default=False, metadata=_api(34, "setUserInitiated"))
    trigger_content_uris: tuple[TriggerContentUri, ...] = field(default=(), metadata=_api(26, "addTriggerContentUri"))
    trigger_content_update_delay_ms: int | None = field(default=None,
                                                        metadata=_api(26, "setTriggerContentUpdateDelay"))
    trigger_content_max_delay_ms: int | None = field(default=None, metadata=_api(26, "setTriggerContentMaxDelay"))
    extras: Extras = field(default=(), metadata=_api(26, "setExtras"))
    transient_extras: Extras = field(default=(), metadata=_api(26, "setTransientExtras"))
    debug_tags: tuple[str, ...] = field(default=(), metadata=_api(35, "addDebugTag"))
    trace_tag: str | None = field(default=None, metadata=_api(35, "setTraceTag"))
    script: JobScript | None = field(default=None, metadata=_api(26, "extras[jobctl.script]"))

    def __post_init__(self) -> None:
        object.__setattr__(self, "trigger_content_uris", _as_tuple(self.trigger_content_uris))
        object.__setattr__(self, "debug_tags", _as_tuple(self.debug_tags))
        object.__setattr__(self, "extras", _as_extras(self.extras))
        object.__setattr__(self, "transient_extras", _as_extras(self.transient_extras))
        priority: object = self.priority
        if isinstance(priority, int) and not isinstance(priority, Priority) and priority in Priority._value2member_map_:
            object.__setattr__(self, "priority", Priority(priority))

    @property
    def requires_network(self) -> bool:
        """A network constraint: ``network_request`` set or ``network_type`` other than none."""
        return self.network_request is not None or (
            self.network_type is not None and self.network_type.requires_network
        )

    @property
    def effective_priority(self) -> int:
        """``JobInfo.getPriority()`` after the helper's builder calls (§2.2), in ``JobInfoFactory``'s
        order: ``setImportantWhileForeground`` raises a still-DEFAULT priority to HIGH,
        ``setExpedited`` a still-DEFAULT one to MAX, ``setPriority`` sets it, ``setUserInitiated``
        raises a still-DEFAULT one to MAX (JobInfo.Builder of API 33+; golden vectors tests/golden/)."""
        priority = int(Priority.HIGH) if self.important_while_foreground else int(Priority.DEFAULT)
        if self.expedited and priority == Priority.DEFAULT:
            priority = int(Priority.MAX)
        if self.priority is not None:
            priority = int(self.priority)
        if self.user_initiated and priority == Priority.DEFAULT:
            priority = int(Priority.MAX)
        return priority

    @property
    def extras_dict(self) -> dict[str, ExtraValue]:
        return dict(self.extras)

    @property
    def min_api_level(self) -> int:
        """The lowest device API level that accepts every option in use (PROTOCOL.md §6.2)."""
        return max(option.api_level for option in spec_options(self))


@dataclass(frozen=True)
class WorkItem:
    """One ``JobWorkItem`` as the helper enqueues it (PROTOCOL.md §3.5 ``enqueue`` ITEM).

    ``tag`` is the host-chosen identity reported in every work event.
    """

    tag: str = field(metadata={"api": HELPER_MIN_SDK, "setter": "JobWorkItem"})
    estimated_bytes: ByteEstimate | None = field(default=None, metadata=_api(28, "JobWorkItem(intent, down, up)"))
    min_chunk_bytes: int | None = field(default=None, metadata=_api(33, "JobWorkItem(intent, down, up, chunk)"))
    script: ItemScript | None = field(default=None, metadata=_api(26, "extras[jobctl.item_script]"))

    @property
    def implies_network(self) -> bool:
        """Byte estimates or a chunk > 0: the job then needs a network constraint (§3.2)."""
        est = self.estimated_bytes
        return bool((est is not None and (est.down > 0 or est.up > 0))
                    or (self.min_chunk_bytes is not None and self.min_chunk_bytes > 0))

    @property
    def min_api_level(self) -> int:
        return max(option.api_level for option in item_options(self))


@dataclass(frozen=True)
class SpecOption:
    """An option in use: its field name, value and the API level it needs."""

    name: str
    value: Any
    api_level: int


def _in_use(value: Any) -> bool:
    return value is not None and value is not False and value != ()


def _options(obj: Any, value_level: Mapping[str, int]) -> Iterator[SpecOption]:
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name in ("job_id", "tag") or _in_use(value):
            yield SpecOption(f.name, value, value_level.get(f.name, f.metadata["api"]))


def spec_options(spec: JobSpec) -> tuple[SpecOption, ...]:
    """The options of ``spec`` that are in use, in PROTOCOL.md §6.1 order, with their levels.

    The level depends on the value where the protocol says so (§6.2: ``network_type``
    ``cellular`` needs 28).
    """
    special: dict[str, int] = {}
    if spec.network_type is not None:
        special["network_type"] = max(HELPER_MIN_SDK, spec.network_type.api_level)
    return tuple(_options(spec, special))


def item_options(item: WorkItem) -> tuple[SpecOption, ...]:
    """The options of ``item`` in use, with their levels (PROTOCOL.md §3.5 ITEM table)."""
    return tuple(_options(item, {}))


def option_api_level(cls: type, name: str) -> int:
    """The API level recorded for field ``name`` of :class:`JobSpec` or :class:`WorkItem`."""
    for f in fields(cls):
        if f.name == name:
            return int(f.metadata["api"])
    raise KeyError(name)


def _as_extras(value: object) -> object:
    """Extras as pairs; a value that is neither a mapping nor a sequence of pairs is kept as it is,
    for :func:`bridge.validation.validate` to refuse with the field's name (construction never fails)."""
    if value is None:
        return ()
    pairs: list[tuple[object, object]]
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, (tuple, list)) and all(isinstance(p, (tuple, list)) and len(p) == 2 for p in value):
        pairs = [(p[0], p[1]) for p in value]
    else:
        return value
    try:
        return tuple(dict(pairs).items())  # as extras(): later keys win, insertion order kept
    except TypeError:  # an unhashable key
        return value


def _as_tuple(value: object) -> object:
    """A list or tuple (or any iterable but text and mappings) as a tuple, None as ``()``; anything
    else is kept for validation to refuse."""
    if value is None:
        return ()
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return value
    return tuple(value)
