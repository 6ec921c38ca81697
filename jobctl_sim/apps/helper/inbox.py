"""App-private ``files/inbox`` and ``files/outbox`` (PROTOCOL.md §2.3, §2.5); port of ``core/Inbox.java``."""

from __future__ import annotations

import re

from jobctl_sim.apps.helper.journal import FILE_MODE
from jobctl_sim.apps.helper.protocol import CommandError, ErrorCode, bad_request
from jobctl_sim.native.fs import FsError, MemoryFileSystem

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
            raise CommandError(ErrorCode.INBOX_MISSING, f"no inbox file: {name}")
        try:
            return self._fs.read_bytes(path).decode("utf-8", "replace")
        finally:
            self._fs.remove(path)

    def write_reply(self, name: str, json_text: str) -> None:
        """§2.5: ``files/outbox/NAME.tmp`` then renamed to ``NAME`` (one step in memory)."""
        check_name(name)
        if not self._fs.is_dir(self._outbox):
            self._fs.mkdir(self._outbox, parents=True, mode=0o40700, uid=self._uid)
        self._fs.write_bytes(f"{self._outbox}/{name}", (json_text + "\n").encode("ascii"), mode=FILE_MODE,
                             uid=self._uid)

    def clear(self) -> None:
        """``reset`` (§3.5): delete every file in the inbox and the outbox."""
        for directory in (self._inbox, self._outbox):
            try:
                entries = self._fs.listdir(directory)
            except FsError:
                continue
            for name, st in entries:
                self._fs.remove(f"{directory}/{name}", recursive=st.is_dir)
