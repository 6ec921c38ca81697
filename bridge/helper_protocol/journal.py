"""Reading events back: the journal files (PROTOCOL.md §5.3, §5.5) and live logcat lines (§5.4).
No I/O: the lines come from :data:`~bridge.helper_protocol.command_lines.JOURNAL_READ_COMMAND` and
:data:`~bridge.helper_protocol.command_lines.LOGCAT_COMMAND`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from bridge.errors import HelperProtocolError
from bridge.model.events import EventKind, JobEvent


@dataclass(frozen=True)
class JournalReadback:
    """The §5.5 read-back, filtered to ``seq >= from_seq``.

    ``unannounced_gap`` is the first ``(seq, next_seq)`` pair that is not consecutive: a
    rotation happened between the two ``cat`` opens, so the host must read again
    (:attr:`needs_retry`). ``dropped_before_seq`` is set when a ``dropped`` marker says
    events the host asked for are gone.
    """

    events: tuple[JobEvent, ...]
    unannounced_gap: tuple[int, int] | None = None
    dropped_before_seq: int | None = None

    @property
    def needs_retry(self) -> bool:
        return self.unannounced_gap is not None


def parse_journal(text: str, from_seq: int = 1) -> JournalReadback:
    """Parse ``previous.jsonl`` + ``current.jsonl`` as ``cat`` printed them (§5.3, §5.5).

    A final line without ``\\n`` is being written and is ignored. Raises
    :class:`HelperProtocolError` on a complete line that is not an event.
    """
    lines = text.split("\n")[:-1]
    events: list[JobEvent] = []
    for line in lines:
        if not line.strip():
            continue
        try:
            events.append(JobEvent.from_json(line))
        except ValueError as exc:
            raise HelperProtocolError(f"bad journal line: {exc}") from None
        except RecursionError:
            raise HelperProtocolError("bad journal line: nested too deeply") from None
    dropped: int | None = None
    for event in events:
        if event.kind is EventKind.DROPPED:
            before = event.fields.get("before_seq")
            if isinstance(before, int) and before > from_seq:
                dropped = max(dropped or 0, before)
    kept = [e for e in events if e.seq >= from_seq]
    gap = next(((a.seq, b.seq) for a, b in itertools.pairwise(kept) if b.seq != a.seq + 1), None)
    return JournalReadback(tuple(kept), gap, dropped)


def parse_logcat_line(line: str) -> JobEvent | None:
    """One ``logcat -v raw -s jobctl:I`` line (§5.4): an event, or ``None`` for other lines.

    A ``log_truncated`` stand-in gives an event with ``log_truncated`` set and no fields.
    """
    text = line.rstrip("\r\n")
    if not text.startswith("{"):
        return None
    try:
        return JobEvent.from_json(text)
    except ValueError as exc:
        raise HelperProtocolError(f"bad logcat event line: {exc}") from None
    except RecursionError:
        raise HelperProtocolError("bad logcat event line: nested too deeply") from None
