"""Every copy of the AOSP constants agrees with ``bridge/facts/aosp.toml``.

The copies: the host's enums (:mod:`bridge.model.enums`, :mod:`bridge.model.reasons`), the virtual device's
(:mod:`jobctl_sim.framework.aosp_constants`, re-exported by the JobScheduler model, the standby
controller and the constraint table), the helper-protocol spellings both Python sides and the Java
helper use for network types, priorities and backoff policies, and the API levels the Java helper
guards its getters with. A copy may omit constants added above :data:`MAX_MODELLED_API` and a
same-valued alias (``METERED`` = ``CELLULAR``), nothing else; every name, value and level it has
must match.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

import bridge.model.enums as host
import bridge.model.reasons as host_reasons
import jobctl_sim.framework.aosp_constants as sim
from bridge.facts import AospFacts, ConstantGroup, FactsError, load_aosp_facts, parse_aosp_facts

ROOT = Path(__file__).resolve().parents[2]
JAVA = ROOT / "android-helper" / "src" / "dev" / "jobctl" / "helper"
MAX_MODELLED_API = 37
"""The highest level jobctl models (the virtual device's levels are 26-37)."""
FACTS: AospFacts = load_aosp_facts()


def _aliases(group: ConstantGroup) -> set[str]:
    """Entries that share their value with an earlier or later entry of the group and are older (aliases)."""
    by_value: dict[int, list[str]] = {}
    for entry in group.entries:
        by_value.setdefault(entry.value, []).append(entry.name)
    return {name for names in by_value.values() if len(names) > 1
            for name in names if group.entry(name).deprecated is not None}


def assert_copy_agrees(group_id: str, copy: Mapping[str, int], what: str, prefix: str = "") -> None:
    """``copy`` ({name: value}) ⊆ the group, and ⊇ its entries up to :data:`MAX_MODELLED_API` (aliases optional)."""
    group = FACTS.group(group_id)
    expected = {prefix + name: value for name, value in group.values().items()}
    required = {prefix + name for name, value in group.values(MAX_MODELLED_API).items()} \
        - {prefix + name for name in _aliases(group)}
    unknown = {name: value for name, value in copy.items() if expected.get(name) != value}
    assert not unknown, f"{what} has constants {group.java}.{group.prefix}* does not: {unknown} ({group.source})"
    missing = required - set(copy)
    assert not missing, f"{what} lacks {sorted(missing)} of {group.java} ({group.source})"


def members(enum_class: type[enum.Enum]) -> dict[str, int]:
    return {member.name: int(member.value) for member in enum_class}  # type: ignore[call-overload]


# ----------------------------------------------------------------------------- the data file


def test_the_data_file_follows_its_schema_and_cites_a_source_and_level_for_every_entry() -> None:
    assert {g.id for g in FACTS.groups} == {
        "stop_reason", "internal_stop_reason", "pending_job_reason", "constraint_flag", "job_status_constraint",
        "priority", "standby_bucket", "network_type", "backoff_policy", "job_info_limit", "shell_command_error"}
    for group in FACTS.groups:
        assert group.java.startswith(("android.", "com.android.")), group.id
        for entry in group.entries:
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", entry.name), entry
            assert entry.source.endswith(".java") and "/" in entry.source, entry
            assert 21 <= entry.api <= MAX_MODELLED_API, entry
            assert entry.deprecated is None or entry.api < entry.deprecated <= MAX_MODELLED_API, entry
        if group.id != "network_type":  # METERED / CELLULAR share 4 on purpose
            values = [e.value for e in group.entries]
            assert len(values) == len(set(values)), group.id


@pytest.mark.parametrize("text, problem", [
    ("schema = 2\n", "schema must be 1"),
    ("schema = 1\n", "no [groups.*] tables"),
    ('schema = 1\n[groups.g]\njava = "a"\nprefix = ""\nsource = "s"\nhidden = false\nentries = []\n', "non-empty"),
    ('schema = 1\n[groups.g]\njava = "a"\nprefix = ""\nsource = "s"\nhidden = false\n'
     'entries = [{ name = "A", value = true, api = 21 }]\n', "value: expected int"),
    ('schema = 1\n[groups.g]\njava = "a"\nprefix = ""\nsource = "s"\nhidden = false\n'
     'entries = [{ name = "A", value = 1, api = 21, since = 3 }]\n', "unknown keys"),
])
def test_a_broken_data_file_is_refused_with_one_clear_line(text: str, problem: str) -> None:
    with pytest.raises(FactsError, match=re.escape(problem)):
        parse_aosp_facts(text)


# ----------------------------------------------------------------------------- the host


def test_the_host_enums_agree_with_the_data_file() -> None:
    assert_copy_agrees("stop_reason", members(host_reasons.StopReason), "bridge StopReason")
    assert_copy_agrees("internal_stop_reason", members(host_reasons.InternalStopReason), "bridge InternalStopReason")
    assert_copy_agrees("pending_job_reason", members(host_reasons.PendingReason), "bridge PendingReason")
    assert_copy_agrees("priority", members(host.Priority), "bridge Priority")
    assert_copy_agrees("backoff_policy", members(host.BackoffPolicy), "bridge BackoffPolicy")
    assert_copy_agrees("standby_bucket", members(host.StandbyBucket), "bridge StandbyBucket")
    assert_copy_agrees("constraint_flag", members(host.ConstraintFlag), "bridge ConstraintFlag")
    assert_copy_agrees("network_type", {t.name: t.platform_value for t in host.NetworkType}, "bridge NetworkType")


def test_the_host_enums_api_levels_and_java_names_agree_with_the_data_file() -> None:
    for group_id, enum_class in (("stop_reason", host_reasons.StopReason),
                                 ("pending_job_reason", host_reasons.PendingReason)):
        group = FACTS.group(group_id)
        for member in enum_class:
            entry = group.entry(member.name)
            assert member.api_level == entry.api, member  # type: ignore[attr-defined]
            assert member.java_name == group.java_name(entry), member  # type: ignore[attr-defined]
    for member in host_reasons.InternalStopReason:
        assert member.java_name == FACTS.group("internal_stop_reason").java_name(
            FACTS.group("internal_stop_reason").entry(member.name))
    levels = FACTS.group("network_type").levels()
    assert {t.name: t.api_level for t in host.NetworkType} == levels


def test_the_host_has_one_standby_bucket_enum() -> None:
    import bridge.conditions

    assert bridge.conditions.StandbyBucket is host.StandbyBucket


def test_the_host_protocol_tokens_name_the_platform_constants() -> None:
    """PROTOCOL.md §6.1 spells the constants in lower case: ``not_roaming`` is NETWORK_TYPE_NOT_ROAMING."""
    assert {t.value: t.platform_value for t in host.NetworkType} == {
        name.lower(): value for name, value in FACTS.group("network_type").values().items()}
    assert {p.token: int(p) for p in host.Priority} == {
        name.lower(): value for name, value in FACTS.group("priority").values().items()}
    assert {p.token: int(p) for p in host.BackoffPolicy} == {
        name.lower(): value for name, value in FACTS.group("backoff_policy").values().items()}


def test_the_hosts_exit_statuses_are_the_low_byte_of_the_shell_command_errors() -> None:
    from bridge import job_verbs

    low_bytes = {name: value & 0xFF for name, value in FACTS.group("shell_command_error").values().items()}
    assert low_bytes == {"NO_PACKAGE": job_verbs.EXIT_NO_PACKAGE, "NO_JOB": job_verbs.EXIT_NO_JOB,
                         "CONSTRAINTS": job_verbs.EXIT_CONSTRAINTS}


def test_the_host_limits_agree_with_the_data_file() -> None:
    from bridge.model import NETWORK_BYTES_UNKNOWN
    from bridge.validation import MIN_TIME_WINDOW_MS

    limits = FACTS.group("job_info_limit").values()
    assert limits["NETWORK_BYTES_UNKNOWN"] == NETWORK_BYTES_UNKNOWN
    assert limits["MIN_PERIOD_MILLIS"] == MIN_TIME_WINDOW_MS  # MIN_ALLOWED_TIME_WINDOW_MILLIS is the min period


# ----------------------------------------------------------------------------- the virtual device


def _unprefixed(enum_class: type[enum.Enum], prefix: str) -> dict[str, int]:
    values = members(enum_class)
    assert all(name.startswith(prefix) for name in values), enum_class
    return {name.removeprefix(prefix): value for name, value in values.items()}


def test_the_virtual_device_constants_agree_with_the_data_file() -> None:
    assert_copy_agrees("stop_reason", _unprefixed(sim.StopReason, "STOP_REASON_"), "sim StopReason")
    assert_copy_agrees("internal_stop_reason", _unprefixed(sim.InternalStopReason, "INTERNAL_STOP_REASON_"),
                       "sim InternalStopReason")
    assert_copy_agrees("pending_job_reason", _unprefixed(sim.PendingJobReason, "PENDING_JOB_REASON_"),
                       "sim PendingJobReason")
    assert_copy_agrees("network_type", members(sim.NetworkType), "sim NetworkType")
    assert_copy_agrees("backoff_policy", members(sim.BackoffPolicy), "sim BackoffPolicy")
    assert_copy_agrees("priority", members(sim.Priority), "sim Priority")
    assert_copy_agrees("standby_bucket", members(sim.StandbyBucket), "sim StandbyBucket")
    assert_copy_agrees("constraint_flag", members(sim.ConstraintFlag), "sim ConstraintFlag")
    assert_copy_agrees("job_status_constraint", members(sim.JobStatusConstraint), "sim JobStatusConstraint")
    limits = {name: getattr(sim, name) for name in FACTS.group("job_info_limit").values()}
    assert_copy_agrees("job_info_limit", limits, "sim JobInfo limits")
    errors = {name: getattr(sim, "CMD_ERR_" + name) for name in FACTS.group("shell_command_error").values()}
    assert_copy_agrees("shell_command_error", errors, "sim JobSchedulerShellCommand errors")


def test_the_virtual_device_has_one_copy_of_each_enum() -> None:
    """The JobScheduler model, the standby controller and the constraint table use the one copy."""
    from jobctl_sim.framework.jobscheduler import constraints, model

    from jobctl_sim.framework.jobscheduler import shell

    for name in ("StopReason", "InternalStopReason", "PendingJobReason", "NetworkType", "BackoffPolicy", "Priority",
                 "StandbyBucket", "ConstraintFlag", "NETWORK_BYTES_UNKNOWN", "MIN_PERIOD_MILLIS"):
        assert getattr(model, name) is getattr(sim, name), name
    for name in ("CMD_ERR_NO_PACKAGE", "CMD_ERR_NO_JOB", "CMD_ERR_CONSTRAINTS"):
        assert getattr(shell, name) is getattr(sim, name), name
    assert constraints.C is sim.JobStatusConstraint
    standby = pytest.importorskip("jobctl_sim.framework.standby")
    assert standby.StandbyBucket is sim.StandbyBucket


def test_the_virtual_helper_spells_the_constants_as_the_protocol_does() -> None:
    from jobctl_sim.apps.helper.spec import NETWORK_TYPES, PRIORITY_NAMES

    networks = FACTS.group("network_type").values()
    assert {name: index for index, name in enumerate(NETWORK_TYPES)} == {
        name.lower(): value for name, value in networks.items() if name != "CELLULAR"}
    assert [(index + 1) * 100 for index, _ in enumerate(PRIORITY_NAMES)] == [
        FACTS.group("priority").values()[name.upper()] for name in PRIORITY_NAMES]


# ----------------------------------------------------------------------------- the Java helper


def _java(path: str) -> str:
    return (JAVA / path).read_text(encoding="utf-8")


def _definition(source: str, method: str) -> int:
    match = re.search(rf"static\s+[\w<>]+\s+{method}\(", source)
    assert match, method
    return match.start()


def _string_array(source: str, method: str) -> list[str]:
    """The ``String[] names = {…}`` literal inside ``method`` of a Java source."""
    body = source[_definition(source, method):]
    match = re.search(r"String\[\]\s+\w+\s*=\s*\{([^}]*)\}", body)
    assert match, method
    return re.findall(r'"([^"]*)"', match.group(1))


def test_the_java_helper_maps_the_protocol_names_to_the_platform_values() -> None:
    """core/JobSpec.java: network type names by index, ``cellular`` → 4 guarded at 28, priority names times 100,
    backoff ``linear`` → 0 / ``exponential`` → 1 (PROTOCOL.md §6.1)."""
    source = _java("core/JobSpec.java")
    networks = FACTS.group("network_type")
    names = _string_array(source, "parseNetworkType")
    assert {name: index for index, name in enumerate(names)} == {
        e.name.lower(): e.value for e in networks.entries if e.name != "CELLULAR"}
    cellular = re.search(r'name\.equals\("cellular"\)\)\s*\{\s*need\([^,]+,[^,]+,\s*"network_type",\s*(\d+),'
                         r"\s*true\);\s*return\s+(\d+);", source)
    assert cellular, "JobSpec.parseNetworkType: cellular branch"
    assert (int(cellular.group(1)), int(cellular.group(2))) == (networks.entry("CELLULAR").api,
                                                               networks.entry("CELLULAR").value)
    priorities = _string_array(source, "parsePriority")
    assert "return (i + 1) * 100;" in source[_definition(source, "parsePriority"):]
    assert {name: (index + 1) * 100 for index, name in enumerate(priorities)} == {
        name.lower(): value for name, value in FACTS.group("priority").values().items()}
    backoff = source[_definition(source, "parseBackoffPolicy"):]
    policies = dict(re.findall(r'policy\.equals\("(\w+)"\)\)\s*\{\s*return\s+(\d+);', backoff))
    assert {name: int(value) for name, value in policies.items()} == {
        name.lower(): value for name, value in FACTS.group("backoff_policy").values().items()}


def test_the_java_helper_reads_reasons_from_the_level_that_added_them() -> None:
    """``getStopReason()`` from the STOP_REASON_* level (31), ``getPendingJobReason`` from 34."""
    stop = _java("HelperJobService.java")
    level = re.search(r"SDK_INT\s*>=\s*(\d+)\s*\?\s*Integer\.valueOf\(params\.getStopReason\(\)\)", stop)
    assert level and int(level.group(1)) == min(e.api for e in FACTS.group("stop_reason").entries)
    scheduler = _java("AndroidScheduler.java")
    guard = re.search(r"if \(level >= (\d+)\) \{[^}]*getPendingJobReason", scheduler)
    assert guard and int(guard.group(1)) == min(e.api for e in FACTS.group("pending_job_reason").entries)
