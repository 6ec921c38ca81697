"""App-private ``files/inbox`` and ``files/outbox`` (PROTOCOL.md §2.3, §2.5); port of ``core/Inbox.java``.

Orphans -- a request the host wrote but never named in a broadcast (it was interrupted), or a
``NAME.tmp`` whose write was cut -- are deleted once older than :data:`STALE_AGE_S`, at the
process start and whenever an inbox request is taken (``Inbox.sweepStale``).
"""

from __future__ import annotations

import re

from jobctl_sim.apps.helper.journal import FILE_MODE
from jobctl_sim.apps.helper.protocol import CommandError, ErrorCode, bad_request
from jobctl_sim.native.fs import FileStat, FsError, MemoryFileSystem

STALE_AGE_S = 15 * 60
"""§2.3: inbox and outbox files last modified longer ago than this are orphans (``Inbox.STALE_AGE_MS``)."""
NAME_RULE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
"""§2.3: ``^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$``."""


def check_name(name: str) -> None:
    if NAME_RULE.fullmatch(name) is None:
        raise bad_request(f"bad inbox name: {name}")


class Inbox:
    """Reads-and-deletes inbox requests, writes outbox replies, clears both on ``reset``."""

    def __init__(self, fs: MemoryFileSystem, inbox_dir: str, outbox_dir: str, owner_uid: int) -> None:
        self._fs = fs
        self._inbox = inbox_dir.rstrip("/")
        self._outbox = outbox_dir.rstrip("/")
        self._uid = owner_uid

    def take(self, name: str) -> str:
        """§2.3: read ``files/inbox/NAME`` (UTF-8) and delete it, whether or not the command succeeds."""
        check_name(name)
        path = f"{self._inbox}/{name}"
        st = self._fs.stat(path)
        if st is None or not st.is_file:
            self.sweep_stale()
            raise CommandError(ErrorCode.INBOX_MISSING, f"no inbox file: {name}")
        try:
            return self._fs.read_bytes(path).decode("utf-8", "replace")
        finally:
            self._fs.remove(path)
            self.sweep_stale()

    def sweep_stale(self) -> int:
        """Delete every inbox and outbox file older than :data:`STALE_AGE_S` (by its mtime and
        the device's wall clock); returns how many."""
        now = self._fs.clock.wall_time()
        removed = 0
        for path, st in self._entries():
            if st.is_file and now - st.mtime > STALE_AGE_S:
                self._fs.remove(path)
                removed += 1
        return removed

    def _entries(self) -> list[tuple[str, FileStat]]:
        """Every entry of the inbox and the outbox (a directory not made yet has none)."""
        found: list[tuple[str, FileStat]] = []
        for directory in (self._inbox, self._outbox):
            try:
                found += [(f"{directory}/{name}", st) for name, st in self._fs.listdir(directory)]
            except FsError:
                continue
        return found

    def write_reply(self, name: str, json_text: str) -> None:
        """§2.5: ``files/outbox/NAME.tmp`` then renamed to ``NAME`` (one step in memory)."""
        check_name(name)
        if not self._fs.is_dir(self._outbox):
            self._fs.mkdir(self._outbox, parents=True, mode=0o40700, uid=self._uid)
        self._fs.write_bytes(f"{self._outbox}/{name}", (json_text + "\n").encode("ascii"), mode=FILE_MODE,
                             uid=self._uid)

    def clear(self) -> None:
        """``reset`` (§3.5): delete every file in the inbox and the outbox."""
        for path, st in self._entries():
            self._fs.remove(path, recursive=st.is_dir)
