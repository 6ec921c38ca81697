"""The durable event journal (PROTOCOL.md §5.1, §5.3, §5.4); a port of ``core/Journal.java``.

Two JSON-lines segments in the app's private ``files/journal/`` on the device filesystem:
``previous.jsonl`` (older) and ``current.jsonl``. Each event is on "disk" (``device.fs``, which
survives the app's process) before it is published to logcat or acknowledged; ``seq`` continues
across process restarts, rotations and clears; deleted events are always announced with a
``dropped`` marker.

Every event also carries the journal's ``epoch`` (§5.6): 16 lowercase hex digits chosen when
``files/journal/epoch`` is missing (the first start after the app's data was created), kept
across process restarts, new after ``pm clear`` or uninstall + install (the package manager
wipes the data directory, :mod:`jobctl_sim.framework.packages`), when ``seq`` restarts at 1.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from jobctl_sim.apps.helper import jsonio
from jobctl_sim.native.fs import FsError, MemoryFileSystem

DEFAULT_SEGMENT_MAX_EVENTS = 10_000
"""§5.3: events per segment."""
LOG_LINE_MAX_BYTES = 4000
"""§5.4: longer lines are logged as a ``log_truncated`` stub."""
FILE_MODE = 0o100600
"""App files are created with umask 077 (``rw-------``)."""
DIR_MODE = 0o40700
EPOCH_FILE = "epoch"
"""§5.6: the epoch's file in the journal directory."""
EPOCH_RULE = re.compile(r"[0-9a-f]{16}")
"""§5.6: an epoch is exactly 16 lowercase hex digits."""

LiveSink = Callable[[str], None]
"""Receives every journal line after it is stored (logcat on the device, §5.4)."""


class JournalClock(Protocol):
    """``SystemClock.elapsedRealtime()`` and ``System.currentTimeMillis()``."""

    def elapsed_ms(self) -> int: ...

    def wall_ms(self) -> int: ...


@dataclass(frozen=True)
class Slice:
    """What :meth:`Journal.read` returns."""

    events: tuple[dict[str, Any], ...]
    first_seq: int
    next_seq: int


def carries_job_extras(event: dict[str, Any]) -> bool:
    """A ``scheduled`` event echoes the request's SPEC: non-empty ``extras`` or ``transient_extras``."""
    spec = event.get("spec")
    if not isinstance(spec, dict):
        return False
    return any(isinstance(spec.get(key), dict) and bool(spec[key]) for key in ("extras", "transient_extras"))


def live_message(event: dict[str, Any], line: str) -> str:
    """The logcat message for an event (§5.4): the line, or the ``log_truncated`` stand-in when the
    line is longer than 4000 bytes or the event carries job extras values, which are never written
    to logcat (PROTOCOL.md §9; ``Journal.liveMessage``)."""
    if len(line) <= LOG_LINE_MAX_BYTES and not carries_job_extras(event):
        return line
    return jsonio.write(
        {
            "seq": event["seq"],
            "elapsed_ms": event["elapsed_ms"],
            "wall_ms": event["wall_ms"],
            "kind": event["kind"],
            "log_truncated": True,
            "epoch": event.get("epoch"),
        }
    )


def _parse_event(line: str) -> dict[str, Any] | None:
    """A stored event, or None for a line that is not one (skipped, as the Java reader does)."""
    try:
        value = json.loads(line, object_pairs_hook=dict)
    except ValueError:
        try:
            value = jsonio.parse(line)
        except jsonio.MalformedJson:
            return None
    if isinstance(value, dict) and isinstance(value.get("seq"), int) and not isinstance(value.get("seq"), bool):
        return value
    return None


class Journal:
    """Appends, rotates, clears and reads the event journal of one helper process."""

    def __init__(
        self,
        fs: MemoryFileSystem,
        directory: str,
        owner_uid: int,
        clock: JournalClock,
        sink: LiveSink,
        segment_max_events: int = DEFAULT_SEGMENT_MAX_EVENTS,
    ) -> None:
        if segment_max_events < 2:
            raise ValueError("segment_max_events must be >= 2")
        self._fs = fs
        self._dir = directory.rstrip("/")
        self._uid = owner_uid
        self._clock = clock
        self._sink = sink
        self._max = segment_max_events
        self.current_path = f"{self._dir}/current.jsonl"
        self.previous_path = f"{self._dir}/previous.jsonl"
        self.epoch_path = f"{self._dir}/{EPOCH_FILE}"
        self._ensure_dir()
        self._epoch = self._load_or_create_epoch()
        self._recover()

    # ------------------------------------------------------------------ files
    def _ensure_dir(self) -> None:
        if not self._fs.is_dir(self._dir):
            self._fs.mkdir(self._dir, parents=True, mode=DIR_MODE, uid=self._uid)

    def _read_text(self, path: str) -> str | None:
        try:
            return self._fs.read_bytes(path).decode("utf-8", "replace")
        except FsError:
            return None

    def _delete(self, path: str) -> None:
        if self._fs.exists(path):
            self._fs.remove(path)

    def _read_segment(self, path: str) -> list[dict[str, Any]]:
        """Complete, parseable event lines of one segment."""
        text = self._read_text(path)
        if not text:
            return []
        lines = text.split("\n")[:-1]  # a last line without "\n" is not complete
        events = []
        for line in lines:
            event = _parse_event(line)
            if event is not None:
                events.append(event)
        return events

    def _truncate_partial_line(self, path: str) -> None:
        """§5.3: cut a last line that lacks its newline (a crash mid-write)."""
        try:
            data = self._fs.read_bytes(path)
        except FsError:
            return
        keep = data.rfind(b"\n") + 1
        if keep != len(data):
            self._fs.write_bytes(path, data[:keep], mode=FILE_MODE, uid=self._uid)

    def _load_or_create_epoch(self) -> str:
        """§5.6: the stored epoch, or a new random one when the file is missing or damaged
        (``Journal.loadOrCreateEpoch``: written to ``epoch.tmp``, then renamed)."""
        stored = self._read_text(self.epoch_path)
        if stored is not None and EPOCH_RULE.fullmatch(stored.strip()):
            return stored.strip()
        created = secrets.token_hex(8)
        self._fs.write_bytes(self.epoch_path, (created + "\n").encode("ascii"), mode=FILE_MODE, uid=self._uid)
        return created

    def _recover(self) -> None:
        """§5.3: on process start, ``next_seq`` = last stored seq + 1 (current, then previous)."""
        self._truncate_partial_line(self.current_path)
        older = self._read_segment(self.previous_path)
        newer = self._read_segment(self.current_path)
        self._previous_count = len(older)
        self._current_count = len(newer)
        last = newer[-1]["seq"] if newer else (older[-1]["seq"] if older else 0)
        self._next_seq = int(last) + 1
        self._current_first_seq = int(newer[0]["seq"]) if newer else self._next_seq
        self._first_seq = int(older[0]["seq"]) if older else self._current_first_seq

    # ------------------------------------------------------------------ API
    @property
    def next_seq(self) -> int:
        return self._next_seq

    @property
    def epoch(self) -> str:
        """§5.6: 16 lowercase hex digits, the same in every event of this journal."""
        return self._epoch

    @property
    def first_seq(self) -> int:
        """The lowest seq still stored (``next_seq`` when empty)."""
        return self._first_seq

    def append(self, kind: str, fields: dict[str, Any]) -> int:
        """Append one event (rotating first if the segment is full); returns its seq."""
        if self._current_count >= self._max:
            self._rotate()
        return self._write(kind, fields)

    def clear(self) -> None:
        """``reset`` with ``clear_journal`` (§3.5): delete every event, then a ``dropped`` marker."""
        self._delete(self.previous_path)
        self._delete(self.current_path)
        self._previous_count = 0
        self._current_count = 0
        self._first_seq = self._next_seq
        self._current_first_seq = self._next_seq
        self._write_dropped(self._next_seq)

    def read(self, from_seq: int, max_events: int) -> Slice:
        """Stored events with ``seq >= from_seq``, ascending, at most ``max_events``."""
        stored = self._read_segment(self.previous_path) + self._read_segment(self.current_path)
        events: list[dict[str, Any]] = []
        for event in stored:
            if len(events) >= max_events:
                break
            if event["seq"] >= from_seq:
                events.append(event)
        return Slice(tuple(events), self._first_seq, self._next_seq)

    # ------------------------------------------------------------------ internals
    def _rotate(self) -> None:
        """§5.3: delete previous, rename current to previous, announce what was dropped."""
        dropping = self._previous_count > 0
        self._delete(self.previous_path)
        data = self._fs.read_bytes(self.current_path) if self._fs.exists(self.current_path) else b""
        self._fs.write_bytes(self.previous_path, data, mode=FILE_MODE, uid=self._uid)
        self._delete(self.current_path)
        self._previous_count = self._current_count
        self._first_seq = self._current_first_seq
        self._current_count = 0
        self._current_first_seq = self._next_seq
        if dropping:
            self._write_dropped(self._first_seq)

    def _write_dropped(self, before_seq: int) -> None:
        self._write("dropped", {"before_seq": before_seq})

    def _write(self, kind: str, fields: dict[str, Any]) -> int:
        seq = self._next_seq
        event: dict[str, Any] = {
            "seq": seq,
            "elapsed_ms": self._clock.elapsed_ms(),
            "wall_ms": self._clock.wall_ms(),
            "kind": kind,
        }
        event.update(fields)
        event["epoch"] = self._epoch
        line = jsonio.write(event)
        self._ensure_dir()
        self._fs.write_bytes(
            self.current_path, (line + "\n").encode("ascii"), mode=FILE_MODE, append=True, uid=self._uid
        )
        if self._current_count == 0:
            self._current_first_seq = seq
        self._current_count += 1
        self._next_seq = seq + 1
        self._sink(live_message(event, line))
        return seq
