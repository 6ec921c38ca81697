"""The ``journal`` result (PROTOCOL.md §3.5, §5.5): events from a sequence number on, and the
journal's range and epoch. No I/O; decoded by :func:`.results.decode_result`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bridge.errors import HelperProtocolError
from bridge.helper_protocol.responses import Reader
from bridge.helper_protocol.results import opt_epoch
from bridge.model.events import JobEvent


@dataclass(frozen=True)
class JournalResult:
    events: tuple[JobEvent, ...]
    next_seq: int
    first_seq: int
    dropped_before_seq: int | None
    epoch: str | None = None
    """The journal's epoch (PROTOCOL.md §5.6); None from a helper older than 1.3."""


def _event(raw: object, index: int) -> JobEvent:
    if not isinstance(raw, Mapping):
        raise HelperProtocolError(f"malformed journal result: events[{index}]: expected object")
    try:
        return JobEvent.from_json(raw)
    except ValueError as exc:
        raise HelperProtocolError(f"malformed journal result: events[{index}]: {exc}") from None


def decode_journal_result(r: Reader) -> JournalResult:
    events = tuple(_event(e, n) for n, e in enumerate(r.req_list("events")))
    return JournalResult(events, r.req_int("next_seq"), r.req_int("first_seq"), r.opt_int("dropped_before_seq"),
                         opt_epoch(r, "journal result"))
