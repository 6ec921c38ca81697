"""Job spec and work-item files, read with :mod:`bridge.grammar` and the helper protocol's
SPEC decoder: ``--spec FILE`` (TOML or JSON with PROTOCOL.md §6.1 SPEC field names) and
``--work-file FILE`` (TOML ``[[work]]`` tables or JSON lines).

Bad input raises :class:`bridge.grammar.GrammarError` naming the file (and line or item),
before any device is contacted. Reading is bounded (:mod:`bridge.validation.limits`): a spec file
over ``MAX_SPEC_FILE_BYTES``, a work file over ``MAX_WORK_FILE_BYTES`` or with more than
``MAX_ITEMS_PER_ENQUEUE`` items is refused without being read whole.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bridge.grammar import GrammarError, parse_work_spec, work_item_from_mapping

if TYPE_CHECKING:
    from bridge.model import JobSpec, WorkItem


def read_work_file(path: Path, first_index: int = 0) -> list[WorkItem]:
    """Work items from a file: TOML (``[[work]]`` tables, ``*.toml``) or JSON lines (one object,
    or one compact work spec string, per line; blank lines and ``#`` comments skipped)."""
    from bridge.validation.limits import MAX_WORK_FILE_BYTES

    text = _read_text(path, MAX_WORK_FILE_BYTES, "work file")
    items: list[WorkItem] = []
    if path.suffix.lower() == ".toml":
        document = _load_toml(text, path)
        entries = document.get("work")
        if not isinstance(entries, list):
            raise GrammarError(f"{path}: expected [[work]] tables")
        _check_count(first_index + len(entries), path)
        for entry in entries:
            items.append(_work_entry(entry, first_index + len(items), f"{path}: work item {len(items) + 1}"))
        return items
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise GrammarError(f"{path}:{number}: not JSON ({error.msg})") from None
        except RecursionError:
            raise GrammarError(f"{path}:{number}: not JSON (nested too deeply)") from None
        items.append(_work_entry(entry, first_index + len(items), f"{path}:{number}"))
        _check_count(first_index + len(items), path)
    return items


def _check_count(count: int, path: Path) -> None:
    from bridge.validation.limits import MAX_ITEMS_PER_ENQUEUE

    if count > MAX_ITEMS_PER_ENQUEUE:
        raise GrammarError(f"{path}: more than {MAX_ITEMS_PER_ENQUEUE} work items (at most {MAX_ITEMS_PER_ENQUEUE} "
                           "can be enqueued at once)")


def _work_entry(entry: Any, index: int, where: str) -> WorkItem:
    if isinstance(entry, str):
        try:
            return parse_work_spec(entry, index)
        except GrammarError as error:
            raise GrammarError(f"{where}: {error}") from None
    if not isinstance(entry, Mapping):
        raise GrammarError(f"{where}: expected an object or a work spec string")
    return work_item_from_mapping(entry, index, where)


def work_from_document(entries: Sequence[Any], where: str, first_index: int = 0) -> list[WorkItem]:
    """A spec file's ``work`` list (objects or compact strings, as in a work file)."""
    _check_count(first_index + len(entries), Path(where))
    return [_work_entry(e, first_index + n, f"{where}: work item {n + 1}") for n, e in enumerate(entries)]


def read_spec_file(path: Path) -> tuple[dict[str, Any], list[Any]]:
    """A spec file: JSON (``*.json``) or TOML (anything else), with PROTOCOL.md §6.1 SPEC field
    names (``requires_charging = true``, ``min_latency_ms = 60000``, ``network_type =
    "unmetered"`` …; ``job_id`` optional). A ``work`` list (objects or compact strings, as in a
    work file) is returned apart; :func:`spec_from_document` decodes the rest."""
    from bridge.validation.limits import MAX_SPEC_FILE_BYTES

    text = _read_text(path, MAX_SPEC_FILE_BYTES, "spec file")
    if path.suffix.lower() == ".json":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise GrammarError(f"{path}: not JSON ({error.msg}, line {error.lineno})") from None
        except RecursionError:
            raise GrammarError(f"{path}: not JSON (nested too deeply)") from None
    else:
        document = _load_toml(text, path)
    if not isinstance(document, dict):
        raise GrammarError(f"{path}: expected an object of SPEC fields")
    work = document.pop("work", [])
    if not isinstance(work, list):
        raise GrammarError(f"{path}: work must be a list")
    return document, work


def spec_from_document(document: Mapping[str, Any], job_id: int, where: str) -> JobSpec:
    """Decode SPEC fields (``job_id`` forced to ``job_id``) into a :class:`JobSpec`."""
    from bridge.errors import JobctlError
    from bridge.helper_protocol import decode_spec

    try:
        return decode_spec({**document, "job_id": job_id})
    except (JobctlError, KeyError, TypeError, ValueError, AttributeError) as error:
        detail = f"missing field {error}" if isinstance(error, KeyError) else str(error)
        raise GrammarError(f"{where}: {detail}") from None


def check_spec_values(spec: JobSpec, items: Sequence[WorkItem]) -> None:
    """The helper protocol's value rules (reserved extras keys, 64-bit numbers, script steps …),
    which need no device: a :class:`GrammarError` before any device is contacted. What depends
    on the device's API level is checked later, by the session."""
    from bridge.errors import JobSpecError
    from bridge.validation import validate_values

    try:
        validate_values(spec, items)
    except JobSpecError as error:
        raise GrammarError(str(error)) from None


def _read_text(path: Path, limit: int, what: str) -> str:
    """The file's text, read no further than ``limit`` bytes (one more tells it is too large)."""
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
        if len(data) > limit:
            raise GrammarError(f"{path}: the {what} is larger than {limit} bytes (jobctl's limit)")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise GrammarError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None


def _load_toml(text: str, path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise GrammarError(f"{path}: not TOML ({error})") from None
    except RecursionError:
        raise GrammarError(f"{path}: not TOML (nested too deeply)") from None
