"""The ``logcat`` command: dump, clear or follow the device's log (``system/logging/logcat/logcat.cpp``).

* ``-t N`` implies ``-d``; ``-t``/``-T`` ask logd for the last N entries of the selected buffers
  *before* tag filtering; ``--------- beginning of <buffer>`` is printed before the first
  printed entry of each buffer (``-D`` also prints ``switch to``); errors are
  ``logcat: <message>`` on stderr (bionic ``error()``) with exit status 1, e.g.
  ``Unknown option '-x'.``, ``Option '-v' needs an argument.``, ``Invalid -v 'x'.``,
  ``Unknown -b buffer 'x'.``, ``Invalid filter expression 'x'.``.
* output reaches adb in chunks, not line by line: logcat writes each entry to its stdout (a
  pipe to adbd), and adbd's ``Subprocess::PassOutput`` (``daemon/shell_service.cpp``) reads
  up to a packet's capacity from that fd at a time, so entries written while the previous
  packet was in flight travel together. The command therefore waits for delivery only when a
  pipe's worth (:data:`PIPE_CAPACITY`, Linux's default 16 pages) is unsent or when it has
  caught up with the buffer -- not after every line, which would cap a follower at one adb
  round trip per entry and let a busy app outrun it.

* who reads: logd sends a reader without log credentials (an app uid, e.g. under ``run-as``)
  only its own uid's entries, and an unprivileged ``-c`` clears only those
  (:mod:`.buffer`); the shell and root see and clear everything.
* ``--pid=<pid>`` (Android 7.0+, "logcat: Add long arguments to logcat, support for pid
  filter") is logd's filter: applied with the reader's visibility *before* ``-t``/``-T`` count
  (``LogReader.cpp`` ``LogFindStart`` counts only entries of that pid). The value is
  ``android::base::ParseUint`` (decimal, or hex after ``0x``; no sign, no trailing text) and at
  least 1: ``logcat: pid X out of range.`` and, given twice, ``logcat: Only one --pid argument
  can be provided.`` (Android 11, "logcat: error on multiple PID argument"); before Android 11
  (API 30) the error is ``pid X out of range`` followed by the usage on stderr
  (``logcat_panic(HELP_TRUE)``) and a second ``--pid`` replaces the first.
* ``--uid=<uids>`` (Android 12, API 31+: "logcat: filter based on UID") is logcat's own filter
  on the entries logd sent, so it applies *after* ``-t`` counted: a list split at
  ``,:; \t\n\r\f`` (``android::base::Split``, empty pieces kept), each ``ParseUint`` into a
  ``uid_t`` or ``logcat: Unable to parse UID 'X'`` (exit 1). Older levels do not know the option:
  ``logcat: Unknown option '--uid=X'.`` -- the unknown argument as given (``argv[optind - 1]``).

Not modelled: ``-f`` output files and rotation, ``-g``/``-G``/``-p``/``-P``/``-S`` logd control,
``-L``, ``-B``/``--proto``, time-based ``-t 'MM-DD hh:mm:ss.mmm'``, and the error texts of
options other than ``--pid`` before Android 11 (they are the Android 11+ ones here).
"""

from __future__ import annotations

import getopt
import re
from contextlib import aclosing
from dataclasses import dataclass, field

from jobctl_sim.native.logcat.buffer import BUFFERS, DEFAULT_BUFFERS, LogBuffer, LogEntry, reader_sees_all
from jobctl_sim.native.logcat.filters import FilterError, LogFilter
from jobctl_sim.native.logcat.formats import FORMAT_ADVERBS, FORMAT_VERBS, LogFormat, format_entry
from jobctl_sim.native.shell.command import Invocation

PIPE_CAPACITY = 65536
"""Bytes a pipe holds before its writer blocks (pipe(7): 16 pages since Linux 2.6.11)."""
LOGCAT_USAGE = "Usage: logcat [OPTION]... [FILTERSPEC]...\n"


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
    "regex=", "tail=", "print", "pid=",
]
UID_OPTION_API = 31
"""``--uid`` exists from Android 12 on."""
PID_ERRORS_API = 30
"""Android 11's ``error()`` texts for ``--pid`` (older levels: ``logcat_panic`` with the usage)."""
PRIVATE_UID_API = 30
"""From Android 11 logd sends every reader the uid of every entry it may read."""
_UID_MAX = 2**32 - 1
_SIZE_MAX = 2**64 - 1
_SPACE = " \t\n\v\f\r"
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
    pid: int = 0
    """``--pid``: only this process's entries (0: every process)."""
    uids: frozenset[int] = frozenset()
    """``--uid``: only these uids' entries (empty: every uid)."""


def _parse_tail(option: str, value: str, warnings: list[str]) -> int:
    if not value.isdigit():
        raise _fail(f"-{option[-1]} '{value}' not in time format.")
    count = int(value)
    if count < 1:
        warnings.append(f"WARNING: -{option[-1]} {value} invalid, setting to 1\n")
        count = 1
    return count


def parse_uint(text: str, maximum: int) -> int | None:
    """``android::base::ParseUint``: leading white space, then decimal (an optional ``+``) or
    ``0x`` hex, nothing after it, at most ``maximum``; None when it does not parse."""
    digits = text.lstrip(_SPACE)
    if digits[:2] in ("0x", "0X"):
        match = re.fullmatch(r"0[xX]([0-9a-fA-F]+)", digits)
        value = int(match[1], 16) if match else None
    else:
        match = re.fullmatch(r"\+?([0-9]+)", digits)
        value = int(match[1]) if match else None
    return value if value is not None and value <= maximum else None


def _unknown_argument(args: list[str], exc: getopt.GetoptError) -> str:
    """The argument getopt stopped at (``argv[optind - 1]``): a long option as written."""
    if len(exc.opt) > 1:
        return next((a for a in args if a == f"--{exc.opt}" or a.startswith(f"--{exc.opt}=")), f"--{exc.opt}")
    return f"-{exc.opt}"


def _parse_pid(req: LogcatRequest, value: str, api_level: int) -> None:
    if api_level < PID_ERRORS_API:
        pid = parse_uint(value, _SIZE_MAX)
        if pid is None or pid < 1:
            raise _LogcatExit(1, f"pid {value} out of range\n{LOGCAT_USAGE}")
        req.pid = pid
        return
    if req.pid != 0:
        raise _fail("Only one --pid argument can be provided.")
    pid = parse_uint(value, _SIZE_MAX)
    if pid is None or pid < 1:
        raise _fail(f"pid {value} out of range.")
    req.pid = pid


def _parse_uids(value: str) -> frozenset[int]:
    uids: set[int] = set()
    for piece in re.split(_DELIMITERS, value):
        uid = parse_uint(piece, _UID_MAX)
        if uid is None:
            raise _fail(f"Unable to parse UID '{piece}'")
        uids.add(uid)
    return frozenset(uids)


def parse_logcat_args(args: list[str], warnings: list[str], api_level: int = 34) -> LogcatRequest:
    """Parse ``logcat`` arguments the way ``logcat.cpp`` of ``api_level`` does; raises :class:`_LogcatExit`."""
    if args == ["--help"]:
        return LogcatRequest(help=True)
    long_options = _LONG_OPTIONS + (["uid="] if api_level >= UID_OPTION_API else [])
    try:
        opts, rest = getopt.gnu_getopt(args, _SHORT_OPTIONS, long_options)
    except getopt.GetoptError as exc:
        name = ("--" if len(exc.opt) > 1 else "-") + exc.opt
        if "requires argument" in exc.msg:
            raise _fail(f"Option '{name}' needs an argument.") from None
        raise _fail(f"Unknown option '{_unknown_argument(args, exc)}'.") from None
    req = LogcatRequest()
    verb: str | None = None
    adverbs: set[str] = set()
    for option, value in opts:
        option = _LONG_TO_SHORT.get(option, option)
        if option == "--pid":
            _parse_pid(req, value, api_level)
        elif option == "--uid":
            req.uids |= _parse_uids(value)
        elif option in _UNSUPPORTED:
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
                    adverbs.add(FORMAT_ADVERBS[word])
                else:
                    raise _fail(f"Invalid -v '{word}'.")
    if req.max_count and "-t" in (o for o, _ in opts):
        raise _fail("Cannot use -m (--max-count) and -t together.")
    req.fmt = LogFormat.of(verb or "threadtime", adverbs)
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

    def __init__(self, inv: Invocation, req: LogcatRequest, tz_offset: int, api_level: int) -> None:
        self.inv, self.req, self.tz_offset = inv, req, tz_offset
        self.reader_uid = inv.uid
        self.uid_sent = reader_sees_all(inv.uid) or api_level >= PRIVATE_UID_API
        self.started: set[str] = set()
        self.last_buffer: str | None = None
        self.printed = 0
        self.unsent = 0
        """Characters written since the last :meth:`flush`."""

    def done(self) -> bool:
        """``-m`` matches printed (a method: it changes with every :meth:`emit`)."""
        return bool(self.req.max_count) and self.printed >= self.req.max_count

    def selected(self, entry: LogEntry) -> bool:
        """What logd sends this reader: its buffers, the entries it may read, ``--pid``'s."""
        return (entry.buffer in self.req.buffers and entry.visible_to(self.reader_uid)
                and (not self.req.pid or entry.pid == self.req.pid))

    def emit(self, entry: LogEntry) -> bool:
        """Print ``entry`` if the filters accept it; True if something was written."""
        if self.req.uids and entry.uid not in self.req.uids:
            return False
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
        text = format_entry(entry, self.req.fmt, self.tz_offset, self.uid_sent)
        self.inv.out(text)
        self.unsent += len(text)
        self.printed += 1
        return True

    async def flush(self, caught_up: bool) -> None:
        """Wait for delivery once a pipe's worth is unsent, or when nothing more is waiting."""
        if self.unsent and (caught_up or self.unsent >= PIPE_CAPACITY or self.done()):
            self.unsent = 0
            await self.inv.stdout.drain()


def _tz_offset(inv: Invocation) -> int:
    """Seconds east of UTC for the device's ``persist.sys.timezone`` (UTC if unknown)."""
    name = inv.device.props.get("persist.sys.timezone", "UTC") or "UTC"
    try:
        from datetime import UTC, datetime
        from zoneinfo import ZoneInfo

        offset = datetime.now(UTC).astimezone(ZoneInfo(name)).utcoffset()
    except Exception:  # unknown zone or no tz database: logcat would fall back to UTC too
        return 0
    return int(offset.total_seconds()) if offset is not None else 0


def _api_level(inv: Invocation) -> int:
    text = inv.device.props.get("ro.build.version.sdk", "34")
    return int(text) if text.isdigit() else 34


async def logcat_command(inv: Invocation) -> int:
    """``logcat``: dump, clear or follow :attr:`VirtualDevice.log` (see the module doc)."""
    warnings: list[str] = []
    api_level = _api_level(inv)
    try:
        req = parse_logcat_args(inv.args, warnings, api_level)
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
        log.clear(req.buffers, uid=inv.uid)
        return 0
    printer = _Printer(inv, req, _tz_offset(inv), api_level)
    backlog = [e for e in log.entries() if printer.selected(e)]
    if req.tail:
        backlog = backlog[-req.tail:]
    last_seq = log.last_seq
    for index, entry in enumerate(backlog):
        if inv.hangup.is_set() or printer.done():
            break
        if printer.emit(entry):
            await printer.flush(caught_up=index == len(backlog) - 1)
    await printer.flush(caught_up=True)
    if req.dump or printer.done() or inv.hangup.is_set():
        return 0
    async with aclosing(log.follow(last_seq, inv.hangup)) as stream:
        async for entry in stream:
            if printer.selected(entry):
                printer.emit(entry)
            await printer.flush(caught_up=entry.seq >= log.last_seq)
            if printer.done():
                break
    return 0
