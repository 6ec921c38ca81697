"""``logcat -v``: how one entry prints, as ``liblog/logprint.cpp`` ``android_log_formatLogLine`` does.

Line formats: threadtime ``"%s %5d %5d %c %-8s: "``, brief ``"%c/%-8s(%5d): "``, time
``"%s %c/%-8s(%5d): "``, process ``"%c(%5d) "`` + ``"  (TAG)"`` suffix, thread
``"%c(%5d:%5d) "``, tag ``"%c/%-8s: "``, raw (message only) and long
(``"[ %s %5d:%5d %c/%-8s ]"`` header, blank line after). The time stamp is
``MM-DD HH:MM:SS`` (``year`` adds ``YYYY-``) then ``.mmm`` (``usec``: 6 digits, ``nsec``: 9);
``epoch`` prints the seconds right-aligned in 19 columns, ``monotonic`` in 6. A message
with newlines prints one line per message line, each with the full prefix; a trailing
newline does not add an empty line.

The ``uid`` modifier puts the writer's uid before the pid: bionic's ``getpwuid`` name right-aligned
in 5 columns when it is 5 characters or fewer (``root``, ``shell``, ``log``), else the number
(``%5d``, so every app uid -- ``u0_a123`` is longer -- prints as a number), then ``:``; threadtime
turns that ``:`` into a space (``"%s %s%5d %5d %c %-8s: "``); brief, time, process, thread and long
put it inside their pid field; tag and raw print no uid. An entry whose uid the reader was not
sent prints six spaces instead: before Android 11 logd sent the uid only to readers with log
credentials (``logd/LogBufferElement.cpp`` ``flushTo`` gave the others a ``logger_entry_v3``
header, which has no uid; commit "logd: always report the UID of a log message" removed that in
Android 11). The modifier exists since Android 7.0 ("liblog: logprint add uid format modifier").
``descriptive`` changes only binary ``events`` entries, which are stored as text here: accepted,
no effect.

Not modelled: colour per zone.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

from jobctl_sim.native.logcat.buffer import LogEntry
from jobctl_sim.native.toybox.args import user_name


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
    uid: bool = False

    @classmethod
    def of(cls, verb: str, adverbs: Collection[str]) -> LogFormat:
        """A format from its verb and the field names of its adverbs (values of :data:`FORMAT_ADVERBS`)."""
        return cls(verb=verb, epoch="epoch" in adverbs, monotonic="monotonic" in adverbs, usec="usec" in adverbs,
                   nsec="nsec" in adverbs, year="year" in adverbs, zone="zone" in adverbs, utc="utc" in adverbs,
                   color="color" in adverbs, printable="printable" in adverbs, uid="uid" in adverbs)


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
    "uid": "uid",
    "descriptive": "descriptive",
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
    nanos = min(round(fraction * 1e9), 999_999_999)
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


def uid_column(entry: LogEntry, uid_sent: bool = True) -> str:
    """The ``uid`` modifier's column (``android_log_formatLogLine``): ``"%5s:"`` of a short user
    name, else ``"%5d:"``; six spaces when the reader was not sent the uid."""
    if not uid_sent:
        return "      "
    name = user_name(entry.uid)
    return f"{name:>5}:" if len(name) <= 5 else f"{entry.uid:5d}:"


def format_entry(entry: LogEntry, fmt: LogFormat, tz_offset_seconds: int = 0, uid_sent: bool = True) -> str:
    """One entry as ``logcat -v`` prints it, newline-terminated (one line per message line).
    ``uid_sent``: whether logd told this reader the entry's uid (see the module doc)."""
    stamp = format_time(entry, fmt, tz_offset_seconds)
    p, tag, pid, tid = entry.priority, entry.tag, entry.pid, entry.tid
    uid = uid_column(entry, uid_sent) if fmt.uid else ""
    prefix, suffix = "", "\n"
    if fmt.verb == "tag":
        prefix = f"{p}/{tag:<8}: "
    elif fmt.verb == "process":
        prefix, suffix = f"{p}({uid}{pid:5d}) ", f"  ({tag})\n"
    elif fmt.verb == "thread":
        prefix = f"{p}({uid}{pid:5d}:{tid:5d}) "
    elif fmt.verb == "raw":
        prefix = ""
    elif fmt.verb == "time":
        prefix = f"{stamp} {p}/{tag:<8}({uid}{pid:5d}): "
    elif fmt.verb == "threadtime":
        prefix = f"{stamp} {uid.replace(':', ' ', 1)}{pid:5d} {tid:5d} {p} {tag:<8}: "
    elif fmt.verb == "long":
        prefix, suffix = f"[ {stamp} {uid}{pid:5d}:{tid:5d} {p}/{tag:<8} ]\n", "\n\n"
    else:  # brief
        prefix = f"{p}/{tag:<8}({uid}{pid:5d}): "
    if fmt.color:
        prefix, suffix = f"\x1b[{_COLORS[p]}m" + prefix, "\x1b[0m" + suffix
    if fmt.verb == "long":
        return prefix + entry.message + suffix
    lines = entry.message.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return "".join(prefix + line + suffix for line in lines)
