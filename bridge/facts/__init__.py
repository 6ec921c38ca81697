"""The AOSP platform facts every side of jobctl knows, read from ``aosp.toml`` next to this module.

``aosp.toml`` is the one source for the JobScheduler constants (stop reasons, internal stop
reasons, pending-job reasons, constraint bits, priorities, standby buckets, network types,
backoff policies, JobInfo's limits and ``cmd jobscheduler``'s error codes), each with the API
level that added it and the AOSP file that declares it. :mod:`bridge.model.enums` and
:mod:`bridge.job_verbs` (the host) and ``jobctl_sim.framework.aosp_constants`` (the virtual device)
hold static copies; ``tests/facts`` checks them, and the Java helper's name tables, against this
file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

DATA_FILE = "aosp.toml"
SCHEMA = 1


class FactsError(ValueError):
    """``aosp.toml`` does not follow its schema (a packaging or editing mistake)."""


@dataclass(frozen=True)
class Constant:
    """One Java constant: ``JobParameters.STOP_REASON_TIMEOUT = 3``, added in API 31."""

    name: str
    """The Java name without the group's prefix (``TIMEOUT``)."""
    value: int
    api: int
    """The API level that added it (see the group's ``api_note`` where that differs)."""
    source: str
    """The AOSP file that declares it (frameworks/base-relative)."""
    hidden: bool
    deprecated: int | None = None
    """The API level that deprecated it, if any."""


@dataclass(frozen=True)
class ConstantGroup:
    """One family of constants (``JobParameters.STOP_REASON_*``)."""

    id: str
    java: str
    prefix: str
    source: str
    hidden: bool
    entries: tuple[Constant, ...]
    api_note: str | None = None

    def java_name(self, entry: Constant) -> str:
        """``STOP_REASON_TIMEOUT``."""
        return self.prefix + entry.name

    def values(self, max_api: int | None = None) -> dict[str, int]:
        """``{name: value}`` of the entries added at or below ``max_api`` (all when None)."""
        return {e.name: e.value for e in self.entries if max_api is None or e.api <= max_api}

    def levels(self) -> dict[str, int]:
        """``{name: api}``."""
        return {e.name: e.api for e in self.entries}

    def entry(self, name: str) -> Constant:
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise KeyError(f"{self.prefix}{name} is not in group {self.id}")


@dataclass(frozen=True)
class AospFacts:
    """Every group of ``aosp.toml`` by id."""

    groups: tuple[ConstantGroup, ...]

    def group(self, group_id: str) -> ConstantGroup:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(f"no group {group_id} in {DATA_FILE}")


def _require(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = table.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise FactsError(f"{DATA_FILE}: {where}.{key}: expected {kind.__name__}")
    return value


def _constant(raw: object, group: dict[str, Any], where: str) -> Constant:
    if not isinstance(raw, dict):
        raise FactsError(f"{DATA_FILE}: {where}: expected a table")
    unknown = set(raw) - {"name", "value", "api", "deprecated", "hidden", "source"}
    if unknown:
        raise FactsError(f"{DATA_FILE}: {where}: unknown keys {sorted(unknown)}")
    deprecated = raw.get("deprecated")
    if deprecated is not None and (not isinstance(deprecated, int) or isinstance(deprecated, bool)):
        raise FactsError(f"{DATA_FILE}: {where}.deprecated: expected int")
    return Constant(
        name=_require(raw, "name", str, where),
        value=_require(raw, "value", int, where),
        api=_require(raw, "api", int, where),
        source=raw["source"] if isinstance(raw.get("source"), str) else group["source"],
        hidden=raw["hidden"] if isinstance(raw.get("hidden"), bool) else group["hidden"],
        deprecated=deprecated,
    )


def parse_aosp_facts(text: str) -> AospFacts:
    """Parse and check ``aosp.toml``'s text (:class:`FactsError` when it breaks the schema)."""
    document = tomllib.loads(text)
    if document.get("schema") != SCHEMA:
        raise FactsError(f"{DATA_FILE}: schema must be {SCHEMA}")
    raw_groups = document.get("groups")
    if not isinstance(raw_groups, dict) or not raw_groups:
        raise FactsError(f"{DATA_FILE}: no [groups.*] tables")
    groups = []
    for group_id, raw in raw_groups.items():
        where = f"groups.{group_id}"
        if not isinstance(raw, dict):
            raise FactsError(f"{DATA_FILE}: {where}: expected a table")
        for key, kind in (("java", str), ("prefix", str), ("source", str), ("hidden", bool)):
            _require(raw, key, kind, where)
        entries = raw.get("entries")
        if not isinstance(entries, list) or not entries:
            raise FactsError(f"{DATA_FILE}: {where}.entries: expected a non-empty array")
        constants = tuple(_constant(e, raw, f"{where}.entries[{n}]") for n, e in enumerate(entries))
        names = [c.name for c in constants]
        if len(set(names)) != len(names):
            raise FactsError(f"{DATA_FILE}: {where}: duplicate names")
        note = raw.get("api_note")
        groups.append(ConstantGroup(group_id, raw["java"], raw["prefix"], raw["source"], raw["hidden"], constants,
                                    note if isinstance(note, str) else None))
    return AospFacts(tuple(groups))


def load_aosp_facts() -> AospFacts:
    """The facts shipped with this package (``bridge/facts/aosp.toml``)."""
    text = resources.files("bridge.facts").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_aosp_facts(text)


__all__ = ["AospFacts", "Constant", "ConstantGroup", "FactsError", "load_aosp_facts", "parse_aosp_facts"]
