"""toybox ``ps`` and ``pidof`` over the device's :class:`~jobctl_sim.native.processes.ProcessTable`.

After ``toys/posix/ps.c``: option string ``k(sort)*P(ppid)*aAdeflMno*O*p(pid)*s*t*Tu*U*g*G*wZ[!ol][+Ae]``;
Android's default fields ``USER,PID,PPID,VSIZE:10,RSS,WCHAN:10,ADDR:10,S,NAME`` (``CFG_IS_ANDROID``);
without ``-A``/``-e`` only processes on the caller's terminal are listed, which for ``adb shell`` without a
pty (no controlling tty) are the shell and ``ps`` itself; ``-p`` selects pids (extra operands are
``-p`` too); headers are right-aligned for numeric fields; ``-o FIELD[:WIDTH][=TITLE],…``; an unknown
field is ``ps: bad -o 'X'`` followed by a caret line. ``pidof`` (``toys/lsb/pidof.c``): the pids whose
NAME or its basename matches, newest first, space separated; exit 1 when none.
"""

from __future__ import annotations

from collections.abc import Callable

from jobctl_sim.native.processes import ADBD_PID, ProcessInfo, process_table_of
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import OptionSpec, UsageError, error_exit, help_text, user_name

PS = OptionSpec("k(sort)*P(ppid)*aAdeflMno*O*p(pid)*s*t*Tu*U*g*G*wZ[!ol][+Ae]")
PIDOF = OptionSpec("so:x")

PS_HELP = """usage: ps [-AadefLlnwZ] [-gG GROUP,] [-k FIELD,] [-o FIELD,] [-p PID,] [-t TTY,] [-uU USER,]

List processes.

Which processes to show (-gGuUpPt selections may be comma separated lists):

-A  All					-a  Has terminal not session leader
-d  All but session leaders		-e  Synonym for -A
-g  In GROUPs				-G  In real GROUPs (before sgid)
-p  PIDs (--pid)			-P  Parent PIDs (--ppid)
-s  In session IDs			-t  Attached to selected TTYs
-T  Show threads also			-u  Owned by selected USERs
-U  Real USERs (before suid)

Output modifiers:

-k  Sort FIELDs (-FIELD to reverse)	-M  Measure/pad future field widths
-n  Show numeric USER and GROUP		-w  Wide output (don't truncate fields)

Which FIELDs to show. (-o HELP for list, default = -o PID,TTY,TIME,CMD)

-f  Full listing (-o USER:12=UID,PID,PPID,C,STIME,TTY,TIME,ARGS=CMD)
-l  Long listing (-o F,S,UID,PID,PPID,C,PRI,NI,ADDR,SZ,WCHAN,TTY,TIME,CMD)
-o  Output FIELDs instead of defaults, each with optional :size and =title
-O  Add FIELDS to defaults
-Z  Include LABEL"""
"""The ``config PS`` help block of ``toys/posix/ps.c``."""

_ANDROID_DEFAULT = "USER,PID,PPID,VSIZE:10,RSS,WCHAN:10,ADDR:10,S,NAME"
_ALIASES = {"NICE": "NI", "VSIZE": "VSZ", "UNAME": "USER", "ETIME": "ELAPSED", "PCPU": "%CPU", "SCHED": "SCH"}
_WIDTHS = {"PID": 5, "PPID": 5, "PRI": 3, "NI": 3, "ADDR": 12, "SZ": 5, "RSS": 6, "PGID": 5, "VSZ": 7,
           "TID": 5, "UID": 5, "GID": 8, "TTY": -8, "WCHAN": -6, "LABEL": -30, "NAME": -27, "CMD": -15,
           "COMM": -27, "ARGS": -27, "CMDLINE": -27, "USER": -12, "GROUP": -8, "TIME": 8, "S": -1,
           "C": 1, "STIME": 5, "F": 1, "%CPU": 4, "%MEM": 5, "PCY": 3, "ELAPSED": 11, "CPU": 3, "BIT": 3}
"""Field widths of ``ps.c`` ``typos[]`` (negative: left-aligned); PID widths follow ``pid_max``'s digits
(``4194304`` on 64-bit Android kernels: 7, minus the sign column toybox reserves: 5 as shown here)."""


def _value(field: str, proc: ProcessInfo, now_ticks: int, numeric: bool) -> str:
    elapsed = max(now_ticks - proc.start_ticks, 1)
    values: dict[str, Callable[[], str]] = {
        "PID": lambda: str(proc.pid), "PPID": lambda: str(proc.ppid), "TID": lambda: str(proc.pid),
        "USER": lambda: str(proc.uid) if numeric else user_name(proc.uid), "UID": lambda: str(proc.uid),
        "GROUP": lambda: user_name(proc.group), "GID": lambda: str(proc.group),
        "VSZ": lambda: str(proc.vsize_kb), "SZ": lambda: str(proc.vsize_kb // 4), "RSS": lambda: str(proc.rss_kb),
        "WCHAN": lambda: proc.wchan if proc.state != "R" else "0", "ADDR": lambda: "0", "S": lambda: proc.state,
        "NAME": lambda: proc.name.rsplit("/", 1)[-1], "CMDLINE": lambda: proc.name,
        "ARGS": lambda: proc.name.rsplit("/", 1)[-1],
        "COMM": lambda: proc.comm, "CMD": lambda: proc.comm, "TTY": lambda: "?", "LABEL": lambda: proc.label,
        "NI": lambda: str(proc.nice), "PRI": lambda: str(proc.priority), "PCY": lambda: "fg",
        "TIME": lambda: _clock(proc.cpu_ticks // 100), "ELAPSED": lambda: _clock(elapsed // 100, elapsed=True),
        "C": lambda: str(proc.cpu_ticks * 100 // elapsed),
        "%CPU": lambda: f"{proc.cpu_ticks * 1000 // elapsed / 10:.1f}",
        "%MEM": lambda: f"{proc.rss_kb * 1000 // 2_000_000 / 10:.1f}", "F": lambda: "4" if proc.uid == 0 else "0",
        "STIME": lambda: "00:00", "CPU": lambda: "0", "BIT": lambda: "64", "PGID": lambda: str(proc.pid),
    }
    return values[field]()


def _clock(seconds: int, elapsed: bool = False) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if elapsed and not hours:
        return f"{minutes:02d}:{secs:02d}"
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def _fields(inv: Invocation, specs: list[str]) -> list[tuple[str, int, str]]:
    """(field, width, title) for each ``-o`` item; raises after ``bad -o``."""
    fields: list[tuple[str, int, str]] = []
    for spec in specs:
        for item in spec.split(","):
            if not item:
                continue
            body, _, title = item.partition("=")
            name, _, width_text = body.partition(":")
            key = _ALIASES.get(name.upper(), name.upper())
            if key not in _WIDTHS or (width_text and not width_text.isdigit()):
                raise error_exit(inv, f"bad -o '{spec}'\n{'^':>{5 + 2 + len('bad -o') + spec.index(item) + 1}}")
            width = _WIDTHS[key]
            if width_text:
                width = int(width_text) * (-1 if width < 0 else 1)
            fields.append((key, width, title or key))
    return fields


def _header(fields: list[tuple[str, int, str]]) -> str:
    """``get_headers``: each title padded to its field's width (``%*s``), trailing blanks kept."""
    return " ".join(f"{title:<{-width}}" if width < 0 else f"{title:>{width}}" for _, width, title in fields)


def _row(cells: list[tuple[str, int]]) -> str:
    """``show_ps`` with ``-w`` (output is not a tty): a field wider than its column pushes the rest
    right and later fields give back their unused padding; the last left-aligned field is not padded."""
    out: list[str] = []
    extra = 0
    for index, (text, width) in enumerate(cells):
        length = abs(width)
        if len(text) > length:
            extra += len(text) - length
            length = len(text)
        elif extra and len(text) < length:
            unused = min(length - len(text), extra)
            length -= unused
            extra -= unused
        if index == len(cells) - 1 and width < 0:
            out.append(text)
        else:
            out.append(text.ljust(length) if width < 0 else text.rjust(length))
    return " ".join(out)


def _session(inv: Invocation) -> list[ProcessInfo]:
    """The shell that ran ``ps`` and ``ps`` itself (children of adbd)."""
    shell_pid = inv.shell_pid or 5000
    return [ProcessInfo(shell_pid, ADBD_PID, inv.uid, "sh", wchan="__do_sys_wait4", label=_label(inv.uid),
                        rss_kb=3_072, vsize_kb=10_848_816),
            ProcessInfo(shell_pid + 3, shell_pid, inv.uid, "ps", state="R", label=_label(inv.uid),
                        rss_kb=3_840, vsize_kb=10_834_704)]


def _label(uid: int) -> str:
    return "u:r:su:s0" if uid == 0 else "u:r:shell:s0"


def cmd_ps(inv: Invocation) -> int:
    if inv.args[:1] == ["--help"]:
        help_text(inv, PS_HELP)
        return 0
    try:
        opts = PS.parse(inv)
        pids: set[int] = set()
        for text in opts.lists.get("p", []) + opts.args:
            for item in text.split(","):
                if not item.isdigit():
                    raise error_exit(inv, f"bad -p '{text}'" if text in opts.lists.get("p", []) else f"bad {text}")
                pids.add(int(item))
        if "f" in opts:
            default = "USER:12=UID,PID,PPID,C,STIME,TTY,TIME,ARGS=CMD"
        elif "l" in opts:
            default = "F,S,UID,PID,PPID,C,PRI,NI,BIT,SZ,WCHAN,TTY,TIME,CMD"
        else:
            default = _ANDROID_DEFAULT
        specs = opts.lists.get("o") or [default]
        if "Z" in opts:
            specs = ["LABEL", *specs]
        specs = specs + opts.lists.get("O", [])
        fields = _fields(inv, specs)
    except UsageError as exc:
        return exc.status
    every = process_table_of(inv.device).processes()
    session = _session(inv)
    table = sorted([*every, *session], key=lambda p: p.pid)
    if pids:
        chosen = [p for p in table if p.pid in pids]
    elif opts.flags & {"A", "e"}:
        chosen = table
    else:
        chosen = session
    users = {u for text in opts.lists.get("u", []) + opts.lists.get("U", []) for u in text.split(",")}
    if users:
        chosen = [p for p in table if user_name(p.uid) in users or str(p.uid) in users]
    now = int(inv.device.clock.elapsed() * 100)
    inv.out(_header(fields) + "\n")
    for proc in chosen:
        inv.out(_row([(_value(name, proc, now, "n" in opts), width) for name, width, _ in fields]) + "\n")
    return 0


def cmd_pidof(inv: Invocation) -> int:
    try:
        opts = PIDOF.parse(inv)
    except UsageError as exc:
        return exc.status
    omitted = {p for p in opts.values.get("o", "").split(",") if p}
    found: list[int] = []
    every = [*process_table_of(inv.device).processes(), *_session(inv)]
    for name in opts.args:
        for proc in sorted(every, key=lambda p: -p.pid):
            if name in (proc.name, proc.name.rsplit("/", 1)[-1]) and str(proc.pid) not in omitted:
                found.append(proc.pid)
                if "s" in opts:
                    break
    if found:
        inv.out(" ".join(str(pid) for pid in found) + "\n")
    return 0 if found else 1
