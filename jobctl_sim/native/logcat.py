"""The device's log (what logd holds) and the ``logcat`` command that reads it.

Fidelity notes, with the AOSP files they come from (``system/logging``):

* line formats are those of ``liblog/logprint.cpp`` ``android_log_formatLogLine``:
  threadtime ``"%s %5d %5d %c %-8s: "``, brief ``"%c/%-8s(%5d): "``, time
  ``"%s %c/%-8s(%5d): "``, process ``"%c(%5d) "`` + ``"  (TAG)"`` suffix, thread
  ``"%c(%5d:%5d) "``, tag ``"%c/%-8s: "``, raw (message only) and long
  (``"[ %s %5d:%5d %c/%-8s ]"`` header, blank line after). The time stamp is
  ``MM-DD HH:MM:SS`` (``year`` adds ``YYYY-``) then ``.mmm`` (``usec``: 6 digits, ``nsec``: 9);
  ``epoch`` prints the seconds right-aligned in 19 columns, ``monotonic`` in 6. A message
  with newlines prints one line per message line, each with the full prefix; a trailing
  newline does not add an empty line.
* filters follow ``android_log_addFilterRule``: ``TAG`` alone is ``TAG:V``, ``*`` alone is
  ``*:D``, the default for tags without a rule is ``*:V``, ``-s`` is ``*:S``, the latest rule
  for a tag wins, priorities are letters (any case) or digits.
* output reaches adb in chunks, not line by line: logcat writes each entry to its stdout (a
  pipe to adbd), and adbd's ``Subprocess::PassOutput`` (``daemon/shell_service.cpp``) reads
  up to a packet's capacity from that fd at a time, so entries written while the previous
  packet was in flight travel together. The command therefore waits for delivery only when a
  pipe's worth (:data:`PIPE_CAPACITY`, Linux's default 16 pages) is unsent or when it has
  caught up with the buffer -- not after every line, which would cap a follower at one adb
  round trip per entry and let a busy app outrun it.
* ``logcat/logcat.cpp``: ``-t N`` implies ``-d``; ``-t``/``-T`` ask logd for the last N entries
  of the selected buffers *before* tag filtering; ``--------- beginning of <buffer>`` is printed
  before the first printed entry of each buffer (``-D`` also prints ``switch to``); errors are
  ``logcat: <message>`` on stderr (bionic ``error()``) with exit status 1, e.g.
  ``Unknown option '-x'.``, ``Option '-v' needs an argument.``, ``Invalid -v 'x'.``,
  ``Unknown -b buffer 'x'.``, ``Invalid filter expression 'x'.``.

Not modelled: binary buffers (``events`` entries are stored and printed as text), ``-f``
output files and rotation, ``-g``/``-G``/``-p``/``-P``/``-S`` logd control, ``-L``, ``--pid``,
``--uid``, ``-B``/``--proto``, the ``uid``/``descriptive``/``color``-per-zone modifiers and
time-based ``-t 'MM-DD hh:mm:ss.mmm'``.
"""

from __future__ import annotations

import asyncio
import getopt
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from jobctl_sim.native.clock import VirtualClock

if TYPE_CHECKING:
    from jobctl_sim.native.shell.command import Invocation

PRIORITIES = "VDIWEF"
"""Log priorities, lowest first (``ANDROID_LOG_VERBOSE`` .. ``ANDROID_LOG_FATAL``)."""
_PRIORITY_LEVEL = {letter: level for level, letter in enumerate(PRIORITIES, start=2)}
_SILENT = 8
_DEFAULT = 1

BUFFERS = ("main", "radio", "events", "system", "crash", "stats", "security", "kernel")
"""Log buffer names in log id order (``liblog/include/log/log_id.h``)."""
DEFAULT_BUFFERS = frozenset({"main", "system", "crash", "kernel"})
"""What ``logcat`` reads without ``-b`` (``logcat.cpp``)."""

DEFAULT_CAPACITY = 16384
"""Entries kept before the oldest are dropped."""
PIPE_CAPACITY = 65536
"""Bytes a pipe holds before its writer blocks (pipe(7): 16 pages since Linux 2.6.11)."""


@dataclass(frozen=True)
class LogEntry:
    """One log record as logd stores it."""

    time: float
    """Wall-clock seconds since the epoch (virtual clock)."""
    pid: int
    tid: int
    priority: str
    """One of ``V D I W E F``."""
    tag: str
    message: str
    seq: int
    """Position in the buffer's history: strictly increasing, never reused."""
    buffer: str = "main"
    elapsed: float = 0.0
    """Virtual seconds since boot when logged (for ``-v monotonic``)."""


class LogBuffer:
    """A bounded ring of :class:`LogEntry` with async followers."""

    def __init__(self, clock: VirtualClock, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.clock = clock
        self.capacity = capacity
        self._entries: deque[LogEntry] = deque()
        self._next_seq = 1
        self._waiters: set[asyncio.Future[None]] = set()
        self.dropped = 0
        """Entries pushed out by overflow since boot."""

    def write(
        self,
        priority: str,
        tag: str,
        message: str,
        pid: int = 1000,
        tid: int | None = None,
        buffer: str = "main",
    ) -> LogEntry:
        """Append an entry (``tid`` defaults to ``pid``) and wake the followers."""
        if priority not in _PRIORITY_LEVEL:
            raise ValueError(f"priority must be one of {PRIORITIES}, got {priority!r}")
        if buffer not in BUFFERS:
            raise ValueError(f"unknown log buffer {buffer!r}")
        entry = LogEntry(
            time=self.clock.wall_time(),
            pid=pid,
            tid=pid if tid is None else tid,
            priority=priority,
            tag=tag,
            message=message,
            seq=self._next_seq,
            buffer=buffer,
            elapsed=self.clock.elapsed(),
        )
        self._next_seq += 1
        self._entries.append(entry)
        while len(self._entries) > self.capacity:
            self._entries.popleft()
            self.dropped += 1
        self._wake()
        return entry

    def clear(self, buffers: Iterable[str] | None = None) -> None:
        """Forget the entries (of ``buffers`` only, if given)."""
        if buffers is None:
            self._entries.clear()
            return
        keep = set(BUFFERS) - set(buffers)
        self._entries = deque(e for e in self._entries if e.buffer in keep)

    def entries(self) -> list[LogEntry]:
        """Everything held, oldest first."""
        return list(self._entries)

    def entries_after(self, seq: int) -> list[LogEntry]:
        """Entries newer than ``seq``, oldest first. Scans from the newest end, so a follower
        that is nearly caught up pays for what is new, not for the whole buffer."""
        fresh: list[LogEntry] = []
        for entry in reversed(self._entries):
            if entry.seq <= seq:
                break
            fresh.append(entry)
        fresh.reverse()
        return fresh

    @property
    def last_seq(self) -> int:
        """Sequence number of the newest entry ever written (0 if none)."""
        return self._next_seq - 1

    @property
    def waiters(self) -> int:
        """Followers currently blocked waiting for an entry (for leak checks)."""
        return len(self._waiters)

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def follow(self, after_seq: int, stop: asyncio.Event | None = None) -> AsyncIterator[LogEntry]:
        """Yield every entry newer than ``after_seq`` as it arrives, until ``stop`` is set.

        Entries that overflowed before the follower read them are skipped (see
        :attr:`dropped`). Use with :func:`contextlib.aclosing` so the waiter is released at
        once when the consumer stops early.
        """
        stop = stop or asyncio.Event()
        stopper = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                fresh = self.entries_after(after_seq)
                if fresh:
                    for entry in fresh:
                        if stop.is_set():
                            return
                        after_seq = entry.seq
                        yield entry
                    continue
                waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._waiters.add(waiter)
                try:
                    await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    self._waiters.discard(waiter)
                    waiter.cancel()
        finally:
            stopper.cancel()


# --------------------------------------------------------------------------- formatting


@dataclass(frozen=True)
class LogFormat:
    """``-v`` settings: one format verb plus adverbs (``AndroidLogFormat`` in logprint.cpp)."""

    verb: str = "threadtime"
    epoch: bool = False
    monotonic: bool = False
    usec: bool = False
    nsec: bool = False
    year: bool = False
    zone: bool = False
    utc: bool = False
    color: bool = False
    printable: bool = False


FORMAT_VERBS = frozenset({"brief", "process", "tag", "thread", "raw", "time", "threadtime", "long"})
FORMAT_ADVERBS = {
    "epoch": "epoch",
    "monotonic": "monotonic",
    "usec": "usec",
    "nsec": "nsec",
    "year": "year",
    "zone": "zone",
    "UTC": "utc",
    "color": "color",
    "colour": "color",
    "printable": "printable",
}
_COLORS = {"V": 39, "D": 34, "I": 32, "W": 33, "E": 31, "F": 31}
"""ANSI colours per priority (``colorFromPri``)."""


def format_time(entry: LogEntry, fmt: LogFormat, tz_offset_seconds: int = 0) -> str:
    """The time stamp column as logprint.cpp renders it."""
    if fmt.monotonic:
        seconds, fraction = divmod(entry.elapsed, 1.0)
        head = f"{int(seconds):6d}"
    elif fmt.epoch:
        seconds, fraction = divmod(entry.time, 1.0)
        head = f"{int(seconds):19d}"
    else:
        seconds, fraction = divmod(entry.time, 1.0)
        tm = time.gmtime(int(seconds) + tz_offset_seconds)
        head = time.strftime("%Y-%m-%d %H:%M:%S" if fmt.year else "%m-%d %H:%M:%S", tm)
    nanos = min(int(round(fraction * 1e9)), 999_999_999)
    if fmt.nsec:
        head += f".{nanos:09d}"
    elif fmt.usec:
        head += f".{nanos // 1000:06d}"
    else:
        head += f".{nanos // 1_000_000:03d}"
    if fmt.zone and not (fmt.epoch or fmt.monotonic):
        sign = "+" if tz_offset_seconds >= 0 else "-"
        minutes = abs(tz_offset_seconds) // 60
        head += f" {sign}{minutes // 60:02d}{minutes % 60:02d}"
    return head


def format_entry(entry: LogEntry, fmt: LogFormat, tz_offset_seconds: int = 0) -> str:
    """One entry as ``logcat -v`` prints it, newline-terminated (one line per message line)."""
    stamp = format_time(entry, fmt, tz_offset_seconds)
    p, tag, pid, tid = entry.priority, entry.tag, entry.pid, entry.tid
    prefix, suffix = "", "\n"
    if fmt.verb == "tag":
        prefix = f"{p}/{tag:<8}: "
    elif fmt.verb == "process":
        prefix, suffix = f"{p}({pid:5d}) ", f"  ({tag})\n"
    elif fmt.verb == "thread":
        prefix = f"{p}({pid:5d}:{tid:5d}) "
    elif fmt.verb == "raw":
        prefix = ""
    elif fmt.verb == "time":
        prefix = f"{stamp} {p}/{tag:<8}({pid:5d}): "
    elif fmt.verb == "threadtime":
        prefix = f"{stamp} {pid:5d} {tid:5d} {p} {tag:<8}: "
    elif fmt.verb == "long":
        prefix, suffix = f"[ {stamp} {pid:5d}:{tid:5d} {p}/{tag:<8} ]\n", "\n\n"
    else:  # brief
        prefix = f"{p}/{tag:<8}({pid:5d}): "
    if fmt.color:
        prefix, suffix = f"\x1b[{_COLORS[p]}m" + prefix, "\x1b[0m" + suffix
    if fmt.verb == "long":
        return prefix + entry.message + suffix
    lines = entry.message.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return "".join(prefix + line + suffix for line in lines)


# --------------------------------------------------------------------------- filtering


class FilterError(ValueError):
    """A filterspec logcat rejects."""


def _priority_from_char(c: str) -> int | None:
    """``filterCharToPri``: letters in any case, ``*`` (default) or digits; None if unknown."""
    c = c.lower()
    if c.isdigit():
        level = int(c)
        if level == 0:  # ANDROID_LOG_UNKNOWN: the rule is rejected
            return None
        return _PRIORITY_LEVEL["V"] if level >= _SILENT else level
    table = {"v": 2, "d": 3, "i": 4, "w": 5, "e": 6, "f": 7, "s": _SILENT, "*": _DEFAULT}
    return table.get(c)


@dataclass
class LogFilter:
    """Which entries print: a global minimum priority and per-tag overrides."""

    global_level: int = 2
    tag_levels: dict[str, int] = field(default_factory=dict)

    def add_rule(self, expression: str) -> None:
        """``android_log_addFilterRule``: ``TAG[:PRIO]`` or ``*[:PRIO]``."""
        tag, colon, rest = expression.partition(":")
        if not tag:
            raise FilterError(expression)
        level = _DEFAULT
        if colon:
            found = _priority_from_char(rest[:1]) if rest else None
            if found is None:
                raise FilterError(expression)
            level = found
        if tag == "*":
            self.global_level = _PRIORITY_LEVEL["D"] if level == _DEFAULT else level
        else:
            self.tag_levels[tag] = _PRIORITY_LEVEL["V"] if level == _DEFAULT else level

    def add_string(self, spec: str) -> None:
        """``android_log_addFilterString``: rules separated by spaces, tabs or commas."""
        for rule in re.split(r"[ \t,]", spec):
            if rule:
                self.add_rule(rule)

    def accepts(self, entry: LogEntry) -> bool:
        level = self.tag_levels.get(entry.tag, self.global_level)
        if level == _DEFAULT:
            level = self.global_level
        return _PRIORITY_LEVEL[entry.priority] >= level


# --------------------------------------------------------------------------- the command


class _LogcatExit(Exception):
    def __init__(self, status: int, message: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _fail(message: str) -> _LogcatExit:
    return _LogcatExit(1, f"logcat: {message}\n")


_SHORT_OPTIONS = "cdDhLt:T:gG:sQf:r:n:v:b:BSpP:m:e:"
_LONG_OPTIONS = [
    "buffer=", "clear", "dividers", "format=", "grep=", "head=", "help", "max-count=",
    "regex=", "tail=", "print",
]
_LONG_TO_SHORT = {
    "--buffer": "-b", "--clear": "-c", "--dividers": "-D", "--format": "-v", "--grep": "-e",
    "--head": "-m", "--help": "-h", "--max-count": "-m", "--regex": "-e", "--tail": "-t",
}
_UNSUPPORTED = {"-L", "-g", "-G", "-p", "-P", "-S", "-B", "-f", "-r", "-n", "-Q"}
_DELIMITERS = r"[,:; \t\n\r\f]"


@dataclass
class LogcatRequest:
    """What one ``logcat`` command line asks for."""

    fmt: LogFormat = field(default_factory=LogFormat)
    filt: LogFilter = field(default_factory=LogFilter)
    buffers: set[str] = field(default_factory=set)
    clear: bool = False
    dump: bool = False
    tail: int = 0
    regex: re.Pattern[str] | None = None
    max_count: int = 0
    dividers: bool = False
    help: bool = False


def _parse_tail(option: str, value: str, warnings: list[str]) -> int:
    if not value.isdigit():
        raise _fail(f"-{option[-1]} '{value}' not in time format.")
    count = int(value)
    if count < 1:
        warnings.append(f"WARNING: -{option[-1]} {value} invalid, setting to 1\n")
        count = 1
    return count


def parse_logcat_args(args: list[str], warnings: list[str]) -> LogcatRequest:
    """Parse ``logcat`` arguments the way ``logcat.cpp`` does; raises :class:`_LogcatExit`."""
    if args == ["--help"]:
        return LogcatRequest(help=True)
    try:
        opts, rest = getopt.gnu_getopt(args, _SHORT_OPTIONS, _LONG_OPTIONS)
    except getopt.GetoptError as exc:
        name = ("--" if len(exc.opt) > 1 else "-") + exc.opt
        if "requires argument" in exc.msg:
            raise _fail(f"Option '{name}' needs an argument.") from None
        raise _fail(f"Unknown option '{name}'.") from None
    req = LogcatRequest()
    verb: str | None = None
    adverbs: dict[str, bool] = {}
    for option, value in opts:
        option = _LONG_TO_SHORT.get(option, option)
        if option in _UNSUPPORTED:
            raise _fail(f"option '{option}' is not supported by the jobctl virtual device.")
        if option == "-h":
            req.help = True
        elif option == "-s":
            req.filt.add_rule("*:s")
        elif option == "-c":
            req.clear = True
        elif option == "-d":
            req.dump = True
        elif option in ("-t", "-T"):
            req.dump = req.dump or option == "-t"
            req.tail = _parse_tail(option, value, warnings)
        elif option == "-D":
            req.dividers = True
        elif option == "-e":
            try:
                req.regex = re.compile(value)
            except re.error:
                raise _fail(f"Invalid regex '{value}'.") from None
        elif option == "-m":
            if not value.isdigit() or int(value) < 1:
                raise _fail(f"-m '{value}' isn't an integer greater than zero.")
            req.max_count = int(value)
        elif option == "-b":
            for name in filter(None, re.split(_DELIMITERS, value)):
                if name == "default":
                    req.buffers |= {"main", "system", "crash"}
                elif name == "all":
                    req.buffers |= set(BUFFERS)
                elif name in BUFFERS:
                    req.buffers.add(name)
                else:
                    raise _fail(f"Unknown -b buffer '{name}'.")
        elif option == "-v":
            for word in filter(None, re.split(_DELIMITERS, value)):
                if word in FORMAT_VERBS:
                    verb = word
                elif word in FORMAT_ADVERBS:
                    adverbs[FORMAT_ADVERBS[word]] = True
                else:
                    raise _fail(f"Invalid -v '{word}'.")
    if req.max_count and "-t" in (o for o, _ in opts):
        raise _fail("Cannot use -m (--max-count) and -t together.")
    req.fmt = replace(LogFormat(verb=verb or "threadtime"), **adverbs)
    for spec in rest:
        try:
            req.filt.add_string(spec)
        except FilterError:
            raise _fail(f"Invalid filter expression '{spec}'.") from None
    if not req.buffers:
        req.buffers = set(DEFAULT_BUFFERS)
    return req


class _Printer:
    """Writes entries with ``PrintDividers`` semantics and counts ``-m`` matches."""

    def __init__(self, inv: "Invocation", req: LogcatRequest, tz_offset: int) -> None:
        self.inv, self.req, self.tz_offset = inv, req, tz_offset
        self.started: set[str] = set()
        self.last_buffer: str | None = None
        self.printed = 0
        self.unsent = 0
        """Characters written since the last :meth:`flush`."""

    @property
    def done(self) -> bool:
        return bool(self.req.max_count) and self.printed >= self.req.max_count

    def selected(self, entry: LogEntry) -> bool:
        return entry.buffer in self.req.buffers

    def emit(self, entry: LogEntry) -> bool:
        """Print ``entry`` if the filters accept it; True if something was written."""
        if not self.req.filt.accepts(entry):
            return False
        if self.req.regex is not None and not self.req.regex.search(entry.message):
            return False
        if entry.buffer != self.last_buffer:
            if entry.buffer not in self.started or self.req.dividers:
                word = "switch to" if entry.buffer in self.started else "beginning of"
                self.inv.out(f"--------- {word} {entry.buffer}\n")
            self.started.add(entry.buffer)
            self.last_buffer = entry.buffer
        text = format_entry(entry, self.req.fmt, self.tz_offset)
        self.inv.out(text)
        self.unsent += len(text)
        self.printed += 1
        return True

    async def flush(self, caught_up: bool) -> None:
        """Wait for delivery once a pipe's worth is unsent, or when nothing more is waiting."""
        if self.unsent and (caught_up or self.unsent >= PIPE_CAPACITY or self.done):
            self.unsent = 0
            await self.inv.stdout.drain()


def _tz_offset(inv: "Invocation") -> int:
    """Seconds east of UTC for the device's ``persist.sys.timezone`` (UTC if unknown)."""
    name = inv.device.props.get("persist.sys.timezone", "UTC") or "UTC"
    try:
        from datetime import datetime, timezone
        from zoneinfo import ZoneInfo

        offset = datetime.now(timezone.utc).astimezone(ZoneInfo(name)).utcoffset()
    except Exception:  # unknown zone or no tz database: logcat would fall back to UTC too
        return 0
    return int(offset.total_seconds()) if offset is not None else 0


LOGCAT_USAGE = "Usage: logcat [OPTION]... [FILTERSPEC]...\n"


async def logcat_command(inv: "Invocation") -> int:
    """``logcat``: dump, clear or follow :attr:`VirtualDevice.log` (see the module doc)."""
    warnings: list[str] = []
    try:
        req = parse_logcat_args(inv.args, warnings)
    except _LogcatExit as exc:
        inv.err(exc.message)
        return exc.status
    for warning in warnings:
        inv.err(warning)
    if req.help:
        inv.out(LOGCAT_USAGE)
        return 0
    log: LogBuffer = inv.device.log
    if req.clear:
        log.clear(req.buffers)
        return 0
    printer = _Printer(inv, req, _tz_offset(inv))
    backlog = [e for e in log.entries() if printer.selected(e)]
    if req.tail:
        backlog = backlog[-req.tail:]
    last_seq = log.last_seq
    for index, entry in enumerate(backlog):
        if inv.hangup.is_set() or printer.done:
            break
        if printer.emit(entry):
            await printer.flush(caught_up=index == len(backlog) - 1)
    await printer.flush(caught_up=True)
    if req.dump or printer.done or inv.hangup.is_set():
        return 0
    async with aclosing(log.follow(last_seq, inv.hangup)) as stream:
        async for entry in stream:
            if printer.selected(entry):
                printer.emit(entry)
            await printer.flush(caught_up=entry.seq >= log.last_seq)
            if printer.done:
                break
    return 0
