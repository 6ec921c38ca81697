"""toybox ``whoami`` (``toys/posix/id.c``, ``logname``'s alias), ``uname`` (``toys/posix/uname.c``:
``-a`` is ``-snrvm`` plus ``Toybox`` for ``-o``, default ``-s``), ``date`` (``toys/posix/date.c``:
default format ``%a %b %e %H:%M:%S %Z %Y``, ``+FORMAT``, ``-u``, ``-d @SECONDS``; setting the clock
as non-root fails ``date: cannot set date: Operation not permitted``) and ``log``
(``toys/android/log.c``: ``-p d|e|f|i|s|v|w``, ``-t TAG`` default ``log``, ``-b BUFFER``, a line
per stdin line without operands; ``bad -p 'X'``, ``unknown log buffer: X``), which writes to logd
as the caller: the uid it runs as (the shell's 2000, root's 0, an app's under ``run-as``) and the
pid of the ``log`` process, which logd reads from the socket's ``SCM_CREDENTIALS``
(``logd/LogListener.cpp``), not from anything the caller writes.

Kernel releases per API level are those of the emulator kernels shipped with each release
(``kernel/prebuilts/*/x86_64`` ``kernel-*`` names), modelled.
"""

from __future__ import annotations

import time

from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import OptionSpec, UsageError, error_exit, owner_name

UNAME = OptionSpec("paomvrns")
DATE = OptionSpec(">1d:D:I(iso-8601):;r:s:u(utc)[!dr]")
LOG = OptionSpec("b:p:t:")
WHOAMI = OptionSpec(">0")

KERNEL_RELEASES = {
    26: "3.18.94+", 27: "3.18.94+", 28: "4.4.124+", 29: "4.14.112+", 30: "5.4.47-01061-g22e35a1de440",
    31: "5.10.43-android12-9-00005-g740f7fbe5f39-ab7943734", 32: "5.10.43-android12-9-00005-g740f7fbe5f39-ab7943734",
    33: "5.15.41-android13-8-00055-g4f5025129fe8-ab8949913", 34: "6.1.23-android14-4-00257-g7e35917775b8-ab9964412",
    35: "6.6.30-android15-8-gdd9c02ccfe27-ab11987101", 36: "6.12.23-android16-5-g32a4a2b8ec59-ab13506164",
    37: "6.12.23-android16-5-g32a4a2b8ec59-ab13506164",
}
KERNEL_VERSION = "#1 SMP PREEMPT_DYNAMIC Mon Jan  1 00:00:00 UTC 2024"


def _api_level(inv: Invocation) -> int:
    text = inv.device.props.get("ro.build.version.sdk", "34")
    return int(text) if text.isdigit() else 34


def cmd_whoami(inv: Invocation) -> int:
    try:
        WHOAMI.parse(inv)
    except UsageError as exc:
        return exc.status
    inv.out(owner_name(inv.uid) + "\n")
    return 0


def cmd_uname(inv: Invocation) -> int:
    try:
        opts = UNAME.parse(inv)
    except UsageError as exc:
        return exc.status
    flags = opts.flags or {"s"}
    machine = inv.device.props.get("ro.product.cpu.abi", "x86_64").replace("arm64-v8a", "aarch64")
    values = [("s", "Linux"), ("n", "localhost"), ("r", KERNEL_RELEASES.get(_api_level(inv), "6.1.23")),
              ("v", KERNEL_VERSION), ("m", machine), ("o", "Toybox")]
    words = [value for letter, value in values if letter in flags or "a" in flags]
    if "p" in flags:
        words.append("unknown")
    inv.out(" ".join(words) + "\n")
    return 0


def cmd_date(inv: Invocation) -> int:
    try:
        opts = DATE.parse(inv)
    except UsageError as exc:
        return exc.status
    now = inv.device.clock.wall_time()
    if "d" in opts:
        text = opts.values["d"]
        if text.startswith("@") and text[1:].lstrip("-").replace(".", "", 1).isdigit():
            now = float(text[1:])
        else:
            return error_exit(inv, f"bad date '{text}'").status
    fmt = "%a %b %e %H:%M:%S %Z %Y"
    for arg in opts.args:
        if arg.startswith("+"):
            fmt = arg[1:]
        elif inv.uid != 0:
            inv.err("date: cannot set date: Operation not permitted\n")
            return 1
        else:
            return error_exit(inv, "setting the virtual device's clock is not supported", 1).status
    stamp = time.gmtime(now)
    text = fmt.replace("%Z", "UTC").replace("%z", "+0000").replace("%N", f"{int(now % 1 * 1e9):09d}")
    text = text.replace("%s", str(int(now)))
    inv.out(time.strftime(text, stamp) + "\n")
    return 0


_PRIORITIES = {"d": "D", "e": "E", "f": "F", "i": "I", "s": "S", "v": "V", "w": "W"}
_BUFFERS = ("main", "radio", "events", "system", "crash", "stats", "security", "kernel")


async def cmd_log(inv: Invocation) -> int:
    try:
        opts = LOG.parse(inv)
        priority = "I"
        if "p" in opts:
            text = opts.values["p"]
            if len(text) != 1 or text.lower() not in _PRIORITIES:
                raise error_exit(inv, f"bad -p '{text}'")
            priority = _PRIORITIES[text.lower()]
        buffer = opts.values.get("b", "main")
        if buffer not in _BUFFERS:
            raise error_exit(inv, f"unknown log buffer: {buffer}")
    except UsageError as exc:
        return exc.status
    tag = opts.values.get("t", "log")
    pid = (inv.shell_pid or 5000) + 1
    if priority == "S":
        return 0
    target = buffer if buffer in ("main", "system", "crash", "radio", "events") else "main"
    if opts.args:
        message = " ".join(opts.args)
        if len(message.encode()) >= 1024:
            message = message.encode()[:1024].decode("utf-8", "ignore")
            inv.err("log: log cut at 1024 bytes\n")
        inv.device.log.write(priority, tag, message, pid=pid, buffer=target, uid=inv.uid)
        return 0
    for line in (await inv.stdin.read()).decode("utf-8", "replace").splitlines():
        inv.device.log.write(priority, tag, line, pid=pid, buffer=target, uid=inv.uid)
    return 0
