"""SPEC and ITEM parsing with the API-level guards (PROTOCOL.md §3.5 ``enqueue``, §6.1, §6.2).

Port of ``core/JobSpec.java`` and ``core/WorkItemSpec.java``. Semantic validation is the
platform's (§6.3): :mod:`.platform_port` hands the parsed spec to the JobScheduler model's
builder checks and relays what they raise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jobctl_sim.apps.helper.protocol import Fields, bad_request, is_int, unsupported_option
from jobctl_sim.apps.helper.steps import Script

RESERVED_EXTRAS_PREFIX = "jobctl."
SCRIPT_EXTRA = "jobctl.script"
TAG_EXTRA = "jobctl.tag"

SPEC_FIELDS: tuple[str, ...] = (
    "job_id", "namespace", "network_type", "network_request", "estimated_bytes", "min_chunk_bytes",
    "requires_charging", "requires_device_idle", "requires_battery_not_low", "requires_storage_not_low",
    "min_latency_ms", "override_deadline_ms", "periodic", "backoff", "persisted", "important_while_foreground",
    "prefetch", "expedited", "priority", "user_initiated", "trigger_content_uris",
    "trigger_content_update_delay_ms", "trigger_content_max_delay_ms", "extras", "transient_extras",
    "debug_tags", "trace_tag", "script",
)
"""§6.1 table order (also the order of the API guard, §6.2)."""

NETWORK_TYPES: tuple[str, ...] = ("none", "any", "unmetered", "not_roaming", "metered")
"""``JobInfo.NETWORK_TYPE_*`` by index; ``cellular`` (4, API 28) is ``metered``'s successor."""
PRIORITY_NAMES: tuple[str, ...] = ("min", "low", "default", "high", "max")


@dataclass(frozen=True)
class ApiRequirement:
    option: str
    min_api: int


@dataclass(frozen=True)
class TriggerUri:
    uri: str
    descendants: bool


@dataclass(frozen=True)
class NetworkRequestSpec:
    capabilities: tuple[int, ...]
    transports: tuple[int, ...]
    remove_capabilities: tuple[int, ...]


@dataclass(frozen=True)
class JobSpec:
    """A parsed SPEC; optional values are None when absent, booleans False."""

    raw: dict[str, Any]
    job_id: int
    namespace: str | None = None
    network_type: int | None = None
    network_request: NetworkRequestSpec | None = None
    estimated_download_bytes: int | None = None
    estimated_upload_bytes: int | None = None
    min_chunk_bytes: int | None = None
    requires_charging: bool = False
    requires_device_idle: bool = False
    requires_battery_not_low: bool = False
    requires_storage_not_low: bool = False
    min_latency_ms: int | None = None
    override_deadline_ms: int | None = None
    periodic_interval_ms: int | None = None
    periodic_flex_ms: int | None = None
    backoff_initial_ms: int | None = None
    backoff_policy: int | None = None
    persisted: bool = False
    important_while_foreground: bool = False
    prefetch: bool = False
    expedited: bool = False
    priority: int | None = None
    user_initiated: bool = False
    trigger_uris: tuple[TriggerUri, ...] = ()
    trigger_update_delay_ms: int | None = None
    trigger_max_delay_ms: int | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    transient_extras: dict[str, Any] = field(default_factory=dict)
    debug_tags: tuple[str, ...] | None = None
    trace_tag: str | None = None
    script: Script = field(default_factory=Script.default_job)
    requirements: tuple[ApiRequirement, ...] = ()

    @property
    def has_network(self) -> bool:
        """A network constraint: ``network_request``, or ``network_type`` other than ``none``."""
        return self.network_request is not None or (self.network_type is not None and self.network_type != 0)

    def check_api_level(self, api_level: int) -> None:
        """§6.2: the first present, non-default field the level lacks → ``unsupported_option``."""
        for need in self.requirements:
            if api_level < need.min_api:
                raise unsupported_option(need.option, need.min_api, api_level)


def parse_spec(f: Fields) -> JobSpec:
    """§6.1: unknown fields first, then every field in table order, the script last."""
    f.allow_only(*SPEC_FIELDS)
    needs: list[ApiRequirement] = []

    def need(key: str, min_api: int, used: bool) -> None:
        if used:
            needs.append(ApiRequirement(f.path_of(key), min_api))

    values: dict[str, Any] = {"raw": f.raw, "job_id": f.req_int("job_id")}
    values["namespace"] = f.opt_string("namespace")
    need("namespace", 34, values["namespace"] is not None)
    values["network_type"] = _network_type(f, need)
    request = f.opt_object("network_request")
    if request is not None:
        request.allow_only("capabilities", "transports", "remove_capabilities")
        values["network_request"] = NetworkRequestSpec(
            tuple(request.opt_int_list("capabilities") or ()),
            tuple(request.opt_int_list("transports") or ()),
            tuple(request.opt_int_list("remove_capabilities") or ()),
        )
    need("network_request", 28, request is not None)
    estimated = f.opt_object("estimated_bytes")
    if estimated is not None:
        estimated.allow_only("down", "up")
        values["estimated_download_bytes"] = estimated.req_long("down")
        values["estimated_upload_bytes"] = estimated.req_long("up")
    need("estimated_bytes", 28, estimated is not None)
    values["min_chunk_bytes"] = f.opt_long("min_chunk_bytes")
    need("min_chunk_bytes", 33, values["min_chunk_bytes"] is not None)
    for key in ("requires_charging", "requires_device_idle", "requires_battery_not_low", "requires_storage_not_low"):
        values[key] = f.bool_or(key, False)
    values["min_latency_ms"] = f.opt_long("min_latency_ms")
    values["override_deadline_ms"] = f.opt_long("override_deadline_ms")
    periodic = f.opt_object("periodic")
    if periodic is not None:
        periodic.allow_only("interval_ms", "flex_ms")
        values["periodic_interval_ms"] = periodic.req_long("interval_ms")
        values["periodic_flex_ms"] = periodic.opt_long("flex_ms")
    backoff = f.opt_object("backoff")
    if backoff is not None:
        backoff.allow_only("initial_ms", "policy")
        values["backoff_initial_ms"] = backoff.req_long("initial_ms")
        policy = backoff.opt_string("policy")
        if policy is None or policy == "exponential":
            values["backoff_policy"] = 1
        elif policy == "linear":
            values["backoff_policy"] = 0
        else:
            raise bad_request(f"field {backoff.path_of('policy')}: unknown backoff policy: {policy}")
    values["persisted"] = f.bool_or("persisted", False)
    for key, min_api in (("important_while_foreground", 28), ("prefetch", 28), ("expedited", 31)):
        values[key] = f.bool_or(key, False)
        need(key, min_api, values[key])
    values["priority"] = _priority(f)
    need("priority", 33, values["priority"] is not None)
    values["user_initiated"] = f.bool_or("user_initiated", False)
    need("user_initiated", 34, values["user_initiated"])
    values["trigger_uris"] = _trigger_uris(f)
    values["trigger_update_delay_ms"] = f.opt_long("trigger_content_update_delay_ms")
    values["trigger_max_delay_ms"] = f.opt_long("trigger_content_max_delay_ms")
    values["extras"] = _extras(f, "extras", reserve=True)
    values["transient_extras"] = _extras(f, "transient_extras", reserve=False)
    tags = f.opt_string_list("debug_tags")
    values["debug_tags"] = tuple(tags) if tags is not None else None
    need("debug_tags", 35, tags is not None)
    values["trace_tag"] = f.opt_string("trace_tag")
    need("trace_tag", 35, values["trace_tag"] is not None)
    script = f.opt_object("script")
    values["script"] = Script.default_job() if script is None else Script.parse_job(script)
    values["requirements"] = tuple(needs)
    return JobSpec(**values)


def _network_type(f: Fields, need: Any) -> int | None:
    name = f.opt_string("network_type")
    if name is None:
        return None
    if name == "cellular":
        need("network_type", 28, True)
        return 4
    if name in NETWORK_TYPES:
        return NETWORK_TYPES.index(name)
    raise bad_request(f"field {f.path_of('network_type')}: unknown network type: {name}")


def _priority(f: Fields) -> int | None:
    if not f.has("priority"):
        return None
    value = f.raw["priority"]
    if is_int(value):
        return f.req_int("priority")
    if value in PRIORITY_NAMES:
        return (PRIORITY_NAMES.index(value) + 1) * 100
    raise bad_request(f"field {f.path_of('priority')}: expected min, low, default, high, max or integer")


def _trigger_uris(f: Fields) -> tuple[TriggerUri, ...]:
    raw = f.opt_list("trigger_content_uris")
    if raw is None:
        return ()
    uris = []
    for index, value in enumerate(raw):
        uri = Fields.of(value, f"{f.path_of('trigger_content_uris')}[{index}]")
        uri.allow_only("uri", "descendants")
        uris.append(TriggerUri(uri.req_string("uri"), uri.bool_or("descendants", False)))
    return tuple(uris)


def _extras(f: Fields, key: str, reserve: bool) -> dict[str, Any]:
    extras = f.opt_object(key)
    if extras is None:
        return {}
    for name, value in extras.raw.items():
        path = extras.path_of(name)
        if reserve and name.startswith(RESERVED_EXTRAS_PREFIX):
            raise bad_request(f"field {path}: reserved key prefix {RESERVED_EXTRAS_PREFIX}")
        if not isinstance(value, (str, int, bool, float)):
            raise bad_request(f"field {path}: expected string, integer, boolean or number")
    return dict(extras.raw)


@dataclass(frozen=True)
class WorkItemSpec:
    """One ITEM of ``enqueue`` (§3.5)."""

    tag: str
    estimated_download_bytes: int | None = None
    estimated_upload_bytes: int | None = None
    min_chunk_bytes: int | None = None
    script: Script = field(default_factory=Script.default_item)


def parse_item(f: Fields, api_level: int) -> WorkItemSpec:
    """§3.3 order for each item: unknown fields, ``tag``, ``estimated_bytes``, ``min_chunk_bytes``, ``script``."""
    f.allow_only("tag", "estimated_bytes", "min_chunk_bytes", "script")
    tag = f.req_string("tag")
    down = up = None
    estimated = f.opt_object("estimated_bytes")
    if estimated is not None:
        if api_level < 28:
            raise unsupported_option(f.path_of("estimated_bytes"), 28, api_level)
        estimated.allow_only("down", "up")
        down = estimated.req_long("down")
        up = estimated.req_long("up")
    chunk = f.opt_long("min_chunk_bytes")
    if chunk is not None and api_level < 33:
        raise unsupported_option(f.path_of("min_chunk_bytes"), 33, api_level)
    script = f.opt_object("script")
    return WorkItemSpec(tag, down, up, chunk, Script.default_item() if script is None else Script.parse_item(script))


__all__ = ["JobSpec", "WorkItemSpec", "parse_item", "parse_spec"]
