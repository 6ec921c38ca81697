"""Helper journal events (PROTOCOL.md §5): one :class:`JobEvent` per journal line."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime, UTC
from types import MappingProxyType
from typing import Any
from collections.abc import Mapping


class EventKind(enum.Enum):
    """The ``kind`` of an event (PROTOCOL.md §5.2); the value is the JSON token."""

    PROCESS_STARTED = "process_started"
    SCHEDULED = "scheduled"
    ENQUEUED = "enqueued"
    CANCELLED = "cancelled"
    RESET = "reset"
    STARTED = "started"
    WORK_DEQUEUED = "work_dequeued"
    WORK_COMPLETED = "work_completed"
    WORK_INCOMPLETE = "work_incomplete"
    BYTES_REPORTED = "bytes_reported"
    STOPPED = "stopped"
    FINISHED = "finished"
    NETWORK_CHANGED = "network_changed"
    ERROR = "error"
    DROPPED = "dropped"


EVENT_FIELDS: Mapping[EventKind, tuple[str, ...]] = MappingProxyType({
    EventKind.PROCESS_STARTED: ("pid",),
    EventKind.SCHEDULED: ("job_id", "namespace", "spec"),
    EventKind.ENQUEUED: ("job_id", "namespace", "count"),
    EventKind.CANCELLED: ("job_id", "namespace", "scope"),
    EventKind.RESET: (),
    EventKind.STARTED: ("job_id", "namespace", "expedited", "user_initiated", "network", "triggered_uris",
                        "triggered_authorities", "override_deadline_expired"),
    EventKind.WORK_DEQUEUED: ("job_id", "namespace", "tag", "delivery_count"),
    EventKind.WORK_COMPLETED: ("job_id", "namespace", "tag"),
    EventKind.WORK_INCOMPLETE: ("job_id", "namespace", "tag"),
    EventKind.BYTES_REPORTED: ("job_id", "namespace", "tag", "direction", "down", "up", "platform"),
    EventKind.STOPPED: ("job_id", "namespace", "stop_reason", "reschedule"),
    EventKind.FINISHED: ("job_id", "namespace", "reschedule", "via"),
    EventKind.NETWORK_CHANGED: ("job_id", "namespace", "network"),
    EventKind.ERROR: ("job_id", "namespace", "where", "type", "message"),
    EventKind.DROPPED: ("before_seq",),
})
"""Each kind's fields in journal order (PROTOCOL.md §5.2)."""

_HEADER = ("seq", "elapsed_ms", "wall_ms", "kind")
EPOCH_RULE = re.compile(r"[0-9a-f]{16}")
"""PROTOCOL.md §5.6: a journal epoch is exactly 16 lowercase hex digits."""


@dataclass(frozen=True)
class JobEvent:
    """One journal event (PROTOCOL.md §5.1).

    ``job_id``/``namespace`` are lifted out of the kind's fields when the kind has them
    (``None`` otherwise); ``fields`` holds the remaining kind fields, read-only, in journal
    order. ``log_truncated`` marks a logcat stand-in for a line longer than 4000 bytes
    (§5.4): its ``fields`` are empty and the full event must be read from the journal.
    ``epoch`` names the journal the event belongs to (§5.6): ``seq`` counts within one epoch and
    restarts at 1 in a new one (the helper's data was cleared or it was reinstalled); ``None``
    from a helper older than 1.3.
    """

    seq: int
    elapsed_ms: int
    wall_ms: int
    kind: EventKind
    job_id: int | None = None
    namespace: str | None = None
    fields: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    log_truncated: bool = False
    epoch: str | None = None

    @property
    def wall_time(self) -> datetime:
        """``wall_ms`` (``System.currentTimeMillis()``) as an aware UTC datetime."""
        return datetime.fromtimestamp(self.wall_ms / 1000, tz=UTC)

    def get(self, name: str, default: Any = None) -> Any:
        """A kind field by name (``job_id``/``namespace``/``epoch`` included)."""
        if name == "job_id":
            return self.job_id
        if name == "namespace":
            return self.namespace
        if name == "epoch":
            return self.epoch if self.epoch is not None else default
        return self.fields.get(name, default)

    @classmethod
    def from_json(cls, data: str | Mapping[str, Any]) -> JobEvent:
        """Build an event from a journal line (text) or its decoded object.

        Raises :class:`ValueError` on a line that is not an event of PROTOCOL.md §5.
        """
        import json  # here: a command that reads no event does not import it (start-up, issue 16)

        try:
            obj = json.loads(data) if isinstance(data, str) else data
        except RecursionError:
            raise ValueError("event is nested too deeply") from None
        if not isinstance(obj, Mapping):
            raise ValueError("event is not a JSON object")
        for key in _HEADER:
            if key not in obj:
                raise ValueError(f"event lacks {key!r}")
        for key in ("seq", "elapsed_ms", "wall_ms"):
            if not isinstance(obj[key], int) or isinstance(obj[key], bool):
                raise ValueError(f"event field {key!r} is not an integer")
        if not isinstance(obj["kind"], str):
            raise ValueError("event field 'kind' is not a string")
        try:
            kind = EventKind(obj["kind"])
        except ValueError:
            raise ValueError(f"unknown event kind {obj['kind']!r}") from None
        rest = {k: v for k, v in obj.items() if k not in _HEADER}
        truncated = rest.pop("log_truncated", False)
        job_id = rest.pop("job_id", None)
        namespace = rest.pop("namespace", None)
        epoch = rest.pop("epoch", None)
        if epoch is not None and not (isinstance(epoch, str) and EPOCH_RULE.fullmatch(epoch)):
            raise ValueError("event field 'epoch' is not 16 lowercase hex digits")
        if not isinstance(truncated, bool):
            raise ValueError("event field 'log_truncated' is not a boolean")
        if job_id is not None and (not isinstance(job_id, int) or isinstance(job_id, bool)):
            raise ValueError("event field 'job_id' is not an integer")
        if namespace is not None and not isinstance(namespace, str):
            raise ValueError("event field 'namespace' is not a string")
        if not all(isinstance(k, str) for k in rest):
            raise ValueError("event keys are not strings")
        return cls(seq=obj["seq"], elapsed_ms=obj["elapsed_ms"], wall_ms=obj["wall_ms"], kind=kind,
                   job_id=job_id, namespace=namespace, fields=MappingProxyType(rest),
                   log_truncated=truncated, epoch=epoch)

    def to_json_object(self) -> dict[str, Any]:
        """The event as the helper writes it (keys in §5.1/§5.2 order)."""
        out: dict[str, Any] = {"seq": self.seq, "elapsed_ms": self.elapsed_ms, "wall_ms": self.wall_ms,
                               "kind": self.kind.value}
        if self.log_truncated:
            out["log_truncated"] = True
        else:
            for name in EVENT_FIELDS[self.kind]:
                out[name] = self.get(name)
            for name, value in self.fields.items():
                out.setdefault(name, value)
        if self.epoch is not None:
            out["epoch"] = self.epoch
        return out
