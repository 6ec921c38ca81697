"""The requests about the helper's journal (PROTOCOL.md §3.5 ``journal``, ``reset``). No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from bridge.helper_protocol.requests import Command, HelperRequest

if TYPE_CHECKING:
    from bridge.helper_protocol.codec import JsonObject


@dataclass(frozen=True)
class JournalRequest(HelperRequest):
    command: ClassVar[Command] = Command.JOURNAL
    from_seq: int
    max_events: int | None = None

    def fields(self) -> JsonObject:
        out: JsonObject = {"from_seq": self.from_seq}
        if self.max_events is not None:
            out["max"] = self.max_events
        return out


@dataclass(frozen=True)
class ResetRequest(HelperRequest):
    command: ClassVar[Command] = Command.RESET
    clear_journal: bool = False

    def fields(self) -> JsonObject:
        return {"clear_journal": self.clear_journal}


def journal_request(from_seq: int, max_events: int | None = None, request_id: str | None = None) -> JournalRequest:
    return JournalRequest(from_seq, max_events, request_id=request_id)


def reset_request(clear_journal: bool = False, request_id: str | None = None) -> ResetRequest:
    return ResetRequest(clear_journal, request_id=request_id)
