"""Reading the helper's durable journal straight from its files (PROTOCOL.md §5.5): ``run-as``
and ``cat``, no broadcast, so the app is not woken and no helper request is made.

:meth:`bridge.helper.Helper.read_journal` is this function; ``jobctl stops`` calls it without
loading the helper's request machinery (issue 16: start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bridge.errors import HelperMissingError, HelperProtocolError
from bridge.helper_protocol.command_lines import JOURNAL_READ_COMMAND
from bridge.helper_protocol.journal import parse_journal

if TYPE_CHECKING:
    from bridge.capabilities import ShellDevice
    from bridge.helper_protocol.journal import JournalReadback

READ_ATTEMPTS = 3
"""A rotation that races the read makes it read again, this many times at most."""


def read_journal(device: ShellDevice, from_seq: int = 1) -> JournalReadback:
    """Events from ``from_seq`` read with ``run-as`` (does not wake the app, §5.5); reads again
    when a rotation raced the read."""
    for _ in range(READ_ATTEMPTS):
        # cat exits 1 while previous.jsonl does not exist yet (before the first rotation) and its
        # errors go to /dev/null; only run-as's own errors reach stderr.
        result = device.shell(JOURNAL_READ_COMMAND, idempotent=True)
        if result.error_text.strip():
            raise HelperMissingError(f"cannot read the helper's journal: {result.error_text.strip()}")
        readback = parse_journal(result.text, from_seq)
        if not readback.needs_retry:
            return readback
    raise HelperProtocolError("the journal kept rotating while it was read")
