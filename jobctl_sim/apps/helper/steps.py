"""JOB-SCRIPT and ITEM-SCRIPT values: parsing, validation, stored form (PROTOCOL.md §7.1-§7.3).

Port of ``core/Script.java`` and ``core/Step.java``. Scripts travel in the job's extras
(``jobctl.script``) and each work item's extras as canonical JSON, so they survive a process
death and a reboot with persisted jobs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from jobctl_sim.apps.helper import jsonio
from jobctl_sim.apps.helper.protocol import Fields, bad_request


class Op(enum.Enum):
    """Step operations (§7.1); ``allowed_in_item`` marks those valid in an ITEM-SCRIPT (§7.3)."""

    SLEEP = ("sleep", True)
    TRANSFER = ("transfer", True)
    ESTIMATE = ("estimate", True)
    WORK = ("work", False)
    FINISH = ("finish", False)
    HOLD = ("hold", False)
    ABANDON = ("abandon", False)

    @property
    def wire_name(self) -> str:
        return self.value[0]

    @property
    def allowed_in_item(self) -> bool:
        return self.value[1]

    @classmethod
    def from_wire(cls, name: str) -> Op | None:
        return next((op for op in cls if op.wire_name == name), None)


@dataclass(frozen=True)
class Step:
    """One script step; unused fields keep their defaults."""

    op: Op
    ms: int = 0
    down: int = 0
    up: int = 0
    chunks: int = 1
    reschedule: bool = False

    @classmethod
    def parse(cls, f: Fields, in_item: bool) -> Step:
        name = f.req_string("op")
        op = Op.from_wire(name)
        if op is None:
            raise bad_request(f"field {f.path_of('op')}: unknown op: {name}")
        if in_item and not op.allowed_in_item:
            raise bad_request(f"field {f.path_of('op')}: op not allowed in an item script: {name}")
        if op is Op.SLEEP:
            f.allow_only("op", "ms")
            return cls(op, ms=f.req_non_negative("ms"))
        if op is Op.TRANSFER:
            f.allow_only("op", "down", "up", "ms", "chunks")
            chunks = f.long_or("chunks", 1)
            if chunks < 1:
                raise bad_request(f"field {f.path_of('chunks')}: must be >= 1")
            ms = f.req_non_negative("ms") if f.has("ms") else 0
            return cls(op, ms=ms, down=f.req_non_negative("down"), up=f.req_non_negative("up"), chunks=chunks)
        if op is Op.ESTIMATE:
            f.allow_only("op", "down", "up")
            return cls(op, down=f.req_non_negative("down"), up=f.req_non_negative("up"))
        if op is Op.FINISH:
            f.allow_only("op", "reschedule")
            return cls(op, reschedule=f.bool_or("reschedule", False))
        f.allow_only("op")
        return cls(op)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op.wire_name}
        if self.op is Op.SLEEP:
            out["ms"] = self.ms
        elif self.op is Op.TRANSFER:
            out.update(down=self.down, up=self.up, ms=self.ms, chunks=self.chunks)
        elif self.op is Op.ESTIMATE:
            out.update(down=self.down, up=self.up)
        elif self.op is Op.FINISH:
            out["reschedule"] = self.reschedule
        return out


@dataclass(frozen=True)
class Script:
    """A JOB-SCRIPT (``on_stop_reschedule``) or ITEM-SCRIPT (``complete``)."""

    steps: tuple[Step, ...]
    on_stop_reschedule: bool = False
    complete: bool = True
    block_start_ms: int = 0
    """How long ``onStartJob`` blocks the main thread before it returns (§7.1)."""
    block_stop_ms: int = 0
    """How long ``onStopJob`` blocks the main thread before it returns (§7.1)."""

    @classmethod
    def default_job(cls) -> Script:
        """§7.1: ``{"steps":[{"op":"work"},{"op":"finish","reschedule":false}]}``."""
        return cls((Step(Op.WORK), Step(Op.FINISH, reschedule=False)))

    @classmethod
    def default_item(cls) -> Script:
        """§3.5: ``{"steps":[],"complete":true}``."""
        return cls(())

    @classmethod
    def parse_job(cls, f: Fields) -> Script:
        f.allow_only("steps", "on_stop_reschedule", "block_start_ms", "block_stop_ms")
        return cls(_parse_steps(f, False), on_stop_reschedule=f.bool_or("on_stop_reschedule", False),
                   block_start_ms=f.req_non_negative("block_start_ms") if f.has("block_start_ms") else 0,
                   block_stop_ms=f.req_non_negative("block_stop_ms") if f.has("block_stop_ms") else 0)

    @classmethod
    def parse_item(cls, f: Fields) -> Script:
        f.allow_only("steps", "complete")
        return cls(_parse_steps(f, True), complete=f.bool_or("complete", True))

    @classmethod
    def from_stored(cls, text: str | None, item: bool) -> Script:
        """A script read back from extras; a bad one raises ``bad_request`` (§7.4)."""
        if text is None:
            return cls.default_item() if item else cls.default_job()
        try:
            f = Fields.of(jsonio.parse(text), "script")
        except jsonio.MalformedJson as exc:
            raise bad_request(f"stored script: {exc}") from None
        return cls.parse_item(f) if item else cls.parse_job(f)

    def to_job_json(self) -> str:
        out: dict[str, Any] = {"steps": [s.to_json() for s in self.steps],
                               "on_stop_reschedule": self.on_stop_reschedule}
        if self.block_start_ms:
            out["block_start_ms"] = self.block_start_ms
        if self.block_stop_ms:
            out["block_stop_ms"] = self.block_stop_ms
        return jsonio.write(out)

    def to_item_json(self) -> str:
        return jsonio.write({"steps": [s.to_json() for s in self.steps], "complete": self.complete})


def _parse_steps(f: Fields, in_item: bool) -> tuple[Step, ...]:
    raw = f.opt_list("steps")
    if raw is None:
        return ()
    path = f.path_of("steps")
    return tuple(Step.parse(Fields.of(value, f"{path}[{index}]"), in_item) for index, value in enumerate(raw))


__all__ = ["Op", "Script", "Step"]
