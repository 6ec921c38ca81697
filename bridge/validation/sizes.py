"""jobctl's own input limits (issue 17: bounded input): sizes, counts and the characters no string
may carry, each with the reason for its number in :mod:`bridge.validation.limits`.

These are not the device's rules (layers 1-3 mirror those, and a device would accept some of
what is refused here, or fail on it much later: a NUL in a debug tag breaks ``jobctl jobs``,
5 000 000 transfer rounds keep a device busy for minutes). Like layer 1 they need no device, and
they are checked right after it (``validate(…, limits=False)`` leaves them out, to compare with
a device). :class:`~bridge.errors.JobSpecError` ``option`` names the field.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Iterator, Sequence

from bridge.model.spec import JobSpec, WorkItem
from bridge.validation.limits import (
    FORBIDDEN_CHARACTERS,
    MAX_ENQUEUE_SCRIPT_STEPS,
    MAX_EXTRAS_BYTES,
    MAX_ITEM_TAG_LENGTH,
    MAX_SCRIPT_STEPS,
    MAX_SPEC_BYTES,
    MAX_TRANSFER_CHUNKS,
    bad_field,
)


def check_spec_limits(spec: JobSpec) -> None:
    """Characters of every string field, the extras' and the whole spec's size, the script's
    steps and transfer rounds. ``spec`` has passed layer 1 (its fields have their types)."""
    for path, text in _spec_strings(spec):
        check_characters(text, path)
    if spec.script is not None:  # a JobScript: layer 1 checked its type
        _check_script(spec.script.steps, "spec.script")
    extras = sum(json_size(dict(pairs)) for pairs in (spec.extras, spec.transient_extras) if pairs)
    if extras > MAX_EXTRAS_BYTES:
        raise bad_field("spec.extras", f"extras and transient extras take {extras} bytes as JSON; at most "
                                       f"{MAX_EXTRAS_BYTES} are allowed")
    whole = json_size(spec)
    if whole > MAX_SPEC_BYTES:
        raise bad_field("spec", f"the spec takes {whole} bytes as JSON; at most {MAX_SPEC_BYTES} are allowed")


def check_item_limits(items: Sequence[WorkItem], first_index: int = 0) -> None:
    """Each item's tag (characters, length) and script, and the steps of all items together.
    ``items`` have passed layer 1; ``first_index`` is the first one's position (field paths)."""
    total = 0
    for index, item in enumerate(items, start=first_index):
        path = f"items[{index}]"
        check_characters(item.tag, f"{path}.tag")
        if len(item.tag) > MAX_ITEM_TAG_LENGTH:
            raise bad_field(f"{path}.tag", f"{len(item.tag)} characters; at most {MAX_ITEM_TAG_LENGTH} are allowed")
        if item.script is not None:  # an ItemScript: layer 1 checked its type
            _check_script(item.script.steps, f"{path}.script")
            total += len(item.script.steps)
    if total > MAX_ENQUEUE_SCRIPT_STEPS:
        raise bad_field("items", f"the items' scripts have {total} steps together; at most "
                                 f"{MAX_ENQUEUE_SCRIPT_STEPS} are allowed")


def check_characters(text: str, path: str) -> None:
    """No NUL and no unpaired surrogate (:data:`~bridge.validation.limits.FORBIDDEN_CHARACTERS`)."""
    if "\0" in text:
        raise bad_field(path, f"contains U+0000 (NUL) at character {text.index(chr(0))}; no string may "
                              f"contain {FORBIDDEN_CHARACTERS}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise bad_field(path, f"contains the unpaired surrogate U+{ord(text[error.start]):04X} at character "
                              f"{error.start}; no string may contain {FORBIDDEN_CHARACTERS}") from None


def json_size(value: object) -> int:
    """Bytes of ``value`` as compact UTF-8 JSON (a dataclass as an object, an enum as its value):
    the measure of the size limits, close to the helper protocol's SPEC for a spec."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_plain)
    return len(text.encode("utf-8", "surrogatepass"))


def _plain(value: object) -> object:
    """What ``json`` cannot write itself: a dataclass as its fields (as ``dataclasses.asdict``
    would, without copying every value), an enum as its value, anything else as its text."""
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    return str(value)


def _check_script(steps: tuple[object, ...], path: str) -> None:
    from bridge.model.script import Transfer

    if len(steps) > MAX_SCRIPT_STEPS:
        raise bad_field(f"{path}.steps", f"{len(steps)} steps; at most {MAX_SCRIPT_STEPS} are allowed")
    for n, step in enumerate(steps):
        if isinstance(step, Transfer) and step.chunks > MAX_TRANSFER_CHUNKS:
            raise bad_field(f"{path}.steps[{n}].chunks",
                            f"{step.chunks} rounds; at most {MAX_TRANSFER_CHUNKS} are allowed")


def _spec_strings(spec: JobSpec) -> Iterator[tuple[str, str]]:
    """Every string a spec carries, with its field path: namespace, trace tag, debug tags,
    trigger URIs, extras' keys and string values."""
    if spec.namespace is not None:
        yield "spec.namespace", spec.namespace
    if spec.trace_tag is not None:
        yield "spec.trace_tag", spec.trace_tag
    for n, tag in enumerate(spec.debug_tags):
        if tag is not None:
            yield f"spec.debug_tags[{n}]", tag
    for n, trigger in enumerate(spec.trigger_content_uris):
        yield f"spec.trigger_content_uris[{n}].uri", trigger.uri
    for name in ("extras", "transient_extras"):
        for key, value in getattr(spec, name):
            where = f"spec.{name}.{key if key.isprintable() else repr(key)}"
            yield f"{where} (key)", key
            if isinstance(value, str):
                yield where, value
