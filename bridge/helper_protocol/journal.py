"""Reading events back: the journal files (PROTOCOL.md §5.3, §5.5) and live logcat lines (§5.4).
No I/O: the lines come from :data:`~bridge.helper_protocol.command_lines.JOURNAL_READ_COMMAND`,
:data:`~bridge.helper_protocol.command_lines.LOGCAT_COMMAND` and :data:`HELPER_UID_COMMAND`.

A logcat line says who wrote it: the stream is read as ``-v threadtime,uid``, whose prefix is
``MM-DD hh:mm:ss.mmm UID PID TID P TAG : `` (``liblog/logprint.cpp`` ``android_log_formatLogLine``:
``"%s %s%5d %5d %c %-8s: "`` with the ``uid`` column ``"%5s "`` for a user name of 5 letters or
fewer, else ``"%5d "``; every app uid prints as its number unless bionic's ``u<user>_a<n>`` name
is that short, e.g. ``u0_a5``). logd fills the uid and pid from the writer's socket credentials
(``logd/LogListener.cpp``), so no app can write a line that looks like the helper's: the event
stream (:mod:`bridge.events`) believes only lines whose uid column is the helper's
(:func:`logcat_uid_column`) and checks the pid against the journal.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from bridge.errors import HelperProtocolError
from bridge.model.events import EventKind, JobEvent

HELPER_UID_COMMAND = "run-as dev.jobctl.helper id -u"
"""The helper's uid, as the kernel knows it (``run-as`` runs ``id`` with the app's uid)."""

_THREADTIME_UID = re.compile(
    r"^\d\d-\d\d \d\d:\d\d:\d\d\.\d+ +(?P<uid>\S+) +(?P<pid>\d+) +(?P<tid>\d+) (?P<priority>[VDIWEF]) "
    r"(?P<tag>.*?) *: (?P<message>.*)$")


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
    whole: tuple[JobEvent, ...] = field(default=(), repr=False, compare=False)
    """Every event the files held, ``seq < from_seq`` included (for :attr:`epoch`,
    :attr:`helper_pid` and :meth:`since`)."""

    @property
    def needs_retry(self) -> bool:
        return self.unannounced_gap is not None

    @property
    def epoch(self) -> str | None:
        """The journal's epoch (§5.6): the newest event's that has one; None from an older helper
        or an empty journal."""
        return next((e.epoch for e in reversed(self.whole) if e.epoch is not None), None)

    @property
    def helper_pid(self) -> int | None:
        """The pid of the helper process that started last in this epoch (its ``process_started``
        event, §5.2), if the journal still holds that event."""
        epoch = self.epoch
        for event in reversed(self.whole):
            if event.epoch != epoch:
                return None
            pid = event.get("pid")
            if event.kind is EventKind.PROCESS_STARTED and isinstance(pid, int) and not isinstance(pid, bool):
                return pid
        return None

    def since(self, from_seq: int) -> JournalReadback:
        """The same files read back from ``from_seq``."""
        return _readback(self.whole, from_seq)


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
    return _readback(tuple(events), from_seq)


def _readback(events: tuple[JobEvent, ...], from_seq: int) -> JournalReadback:
    dropped: int | None = None
    for event in events:
        if event.kind is EventKind.DROPPED:
            before = event.fields.get("before_seq")
            if isinstance(before, int) and before > from_seq:
                dropped = max(dropped or 0, before)
    kept = [e for e in events if e.seq >= from_seq]
    gap = next(((a.seq, b.seq) for a, b in itertools.pairwise(kept) if b.seq != a.seq + 1), None)
    return JournalReadback(tuple(kept), gap, dropped, events)


@dataclass(frozen=True)
class LogcatLine:
    """One ``logcat -v threadtime,uid`` line: who wrote it (as logd recorded it) and the message."""

    uid: str
    """The uid column as logcat printed it: a number, or a short user name (``shell``, ``root``)."""
    pid: int
    tid: int
    priority: str
    tag: str
    message: str


def parse_logcat_entry(line: str) -> LogcatLine | None:
    """A ``logcat -v threadtime,uid`` line, or ``None`` for anything else (``--------- beginning
    of main`` dividers, a line cut by a broken connection)."""
    match = _THREADTIME_UID.match(line.rstrip("\r\n"))
    if match is None:
        return None
    return LogcatLine(match["uid"], int(match["pid"]), int(match["tid"]), match["priority"], match["tag"],
                      match["message"])


def logcat_uid_column(uid: int) -> str:
    """What ``-v uid`` prints for an app ``uid`` (without the padding): bionic's ``getpwuid`` name
    ``u<user>_a<appid - 10000>`` when it is 5 characters or fewer, else the number
    (``liblog/logprint.cpp``; ``bionic/libc/bionic/grp_pwd.cpp`` ``app_id_to_passwd``)."""
    app_id = uid % 100000
    if 10000 <= app_id < 20000:
        name = f"u{uid // 100000}_a{app_id - 10000}"
        if len(name) <= 5:
            return name
    return str(uid)


def parse_uid(text: str) -> int:
    """The output of :data:`HELPER_UID_COMMAND`; raises :class:`HelperProtocolError` otherwise."""
    value = text.strip()
    if not value.isascii() or not value.isdigit():
        raise HelperProtocolError(f"not a uid: {value[:80]!r}")
    return int(value)


def parse_logcat_line(line: str) -> JobEvent | None:
    """One event message of the ``jobctl`` tag (§5.4; a ``-v raw`` line, or the message of a
    :class:`LogcatLine`): an event, or ``None`` for other lines.

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
