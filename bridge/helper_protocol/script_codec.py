"""The script codec of PROTOCOL.md §7: JOB-SCRIPT, ITEM-SCRIPT and their steps to JSON and back.
No I/O. Apart from :mod:`.codec` (which re-exports it) because the script model loads only when
a spec or an item carries a script, which most commands' specs do not (issue 16: start-up).

Encoding rules: script fields at their defaults are omitted (``ms`` 0, ``chunks`` 1,
``on_stop_reschedule`` false, ``complete`` true); ``finish`` always carries ``reschedule``.
Decoding raises :class:`~bridge.helper_protocol.fields.FieldError` naming the first bad field.
"""

from __future__ import annotations

from bridge.helper_protocol.fields import FieldError, Fields
from bridge.model.script import (
    STEP_OPS,
    Abandon,
    Estimate,
    Finish,
    Hold,
    ItemScript,
    ItemStep,
    JobScript,
    JobStep,
    Sleep,
    Transfer,
    Work,
)

JsonObject = dict[str, object]


def encode_step(step: JobStep) -> JsonObject:
    """One step as §7.1 writes it (defaults omitted, ``finish`` keeps ``reschedule``)."""
    if isinstance(step, Sleep):
        return {"op": "sleep", "ms": step.ms}
    if isinstance(step, Transfer):
        out: JsonObject = {"op": "transfer", "down": step.down, "up": step.up}
        if step.ms:
            out["ms"] = step.ms
        if step.chunks != 1:
            out["chunks"] = step.chunks
        return out
    if isinstance(step, Estimate):
        return {"op": "estimate", "down": step.down, "up": step.up}
    if isinstance(step, Work):
        return {"op": "work"}
    if isinstance(step, Finish):
        return {"op": "finish", "reschedule": step.reschedule}
    if isinstance(step, Hold):
        return {"op": "hold"}
    if isinstance(step, Abandon):
        return {"op": "abandon"}
    raise TypeError(f"not a script step: {step!r}")


_OP_FIELDS: dict[str, tuple[str, ...]] = {"sleep": ("ms",), "transfer": ("down", "up", "ms", "chunks"),
                                          "estimate": ("down", "up"), "work": (), "finish": ("reschedule",),
                                          "hold": (), "abandon": ()}
"""Each op and its fields (§7.1)."""


def decode_step(obj: object, path: str = "step") -> JobStep:
    """Inverse of :func:`encode_step`; raises :class:`FieldError` naming ``path`` on an unknown
    op or a value of the wrong type."""
    f = Fields.of(obj, path)
    op = f.raw.get("op")
    if not isinstance(op, str) or op not in _OP_FIELDS:
        raise FieldError(f.path_of("op"), f"unknown op: {op!r}", f"unknown script op: {op!r}")
    f.allow_only("op", *_OP_FIELDS[op])
    if op == "sleep":
        return Sleep(f.req_long("ms"))
    if op == "transfer":
        return Transfer(f.req_long("down"), f.req_long("up"), f.long_or("ms", 0), f.long_or("chunks", 1))
    if op == "estimate":
        return Estimate(f.req_long("down"), f.req_long("up"))
    if op == "work":
        return Work()
    if op == "finish":
        return Finish(f.bool_or("reschedule", False))
    if op == "abandon":
        return Abandon()
    return Hold()


def encode_job_script(script: JobScript) -> JsonObject:
    out: JsonObject = {"steps": [encode_step(s) for s in script.steps]}
    if script.on_stop_reschedule:
        out["on_stop_reschedule"] = True
    if script.block_start_ms:
        out["block_start_ms"] = script.block_start_ms
    if script.block_stop_ms:
        out["block_stop_ms"] = script.block_stop_ms
    return out


def decode_job_script(obj: object, path: str = "script") -> JobScript:
    f = Fields.of(obj, path)
    f.allow_only("steps", "on_stop_reschedule", "block_start_ms", "block_stop_ms")
    steps = tuple(decode_step(raw, f"{f.path_of('steps')}[{n}]") for n, raw in enumerate(f.list_or("steps")))
    return JobScript(steps, f.bool_or("on_stop_reschedule", False),
                     f.long_or("block_start_ms", 0), f.long_or("block_stop_ms", 0))


def encode_item_script(script: ItemScript) -> JsonObject:
    out: JsonObject = {"steps": [encode_step(s) for s in script.steps]}
    if not script.complete:
        out["complete"] = False
    return out


def decode_item_script(obj: object, path: str = "script") -> ItemScript:
    f = Fields.of(obj, path)
    f.allow_only("steps", "complete")
    steps: list[ItemStep] = []
    for n, raw in enumerate(f.list_or("steps")):
        where = f"{f.path_of('steps')}[{n}]"
        step = decode_step(raw, where)
        if not isinstance(step, (Sleep, Transfer, Estimate)):
            op = STEP_OPS[type(step)]
            raise FieldError(f"{where}.op", f"op not allowed in an item script: {op}",
                             f"op not allowed in an item script: {op}")
        steps.append(step)
    return ItemScript(tuple(steps), f.bool_or("complete", True))
