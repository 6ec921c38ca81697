"""toybox ``xargs`` (``toys/posix/xargs.c``, option string
``^(process-slot-var):a:E:P#<0(null)=1optr(no-run-if-empty)n#<1(max-args)s#0[!0E]``).

Reads blank-separated (``-0``: NUL-separated) arguments from stdin, honouring quotes and
backslashes, and runs COMMAND (default ``echo``) with up to ``-n N`` of them at a time; ``-r`` runs
nothing for empty input; ``-t`` echoes each command line to stderr. Toybox has no ``-I``
(its ``TODO: -I Insert mode``), so ``xargs -I {}`` is ``Unknown option 'I'`` as on a device.
Statuses: 123 when a command exited 1-125, 124 after a 255 (``COMMAND: exited with status 255;
aborting``), 125 when killed, 126/127 when COMMAND cannot be run (``xargs: exec NAME: No such file
or directory``).
"""

from __future__ import annotations

import shlex

from jobctl_sim.native.shell.command import Invocation, invoke
from jobctl_sim.native.toybox.args import OptionSpec, UsageError

XARGS = OptionSpec("^(process-slot-var):a:E:P#<0(null)=1optr(no-run-if-empty)n#<1(max-args)s#0[!0E]")


def _split(data: str, null: bool) -> list[str]:
    if null:
        return [item for item in data.split("\0") if item]
    lexer = shlex.shlex(data, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    return list(lexer)


async def cmd_xargs(inv: Invocation) -> int:
    try:
        opts = XARGS.parse(inv)
    except UsageError as exc:
        return exc.status
    command = opts.args or ["echo"]
    try:
        items = _split((await inv.stdin.read()).decode("utf-8", "replace"), "0" in opts)
    except ValueError:
        inv.err("xargs: unmatched quote\n")
        return 1
    if "E" in opts and opts.values["E"] in items:
        items = items[:items.index(opts.values["E"])]
    size = opts.numbers.get("n") or max(len(items), 1)
    batches = [items[i:i + size] for i in range(0, len(items), size)] or ([] if "r" in opts else [[]])
    status = 0
    for batch in batches:
        argv = [*command, *batch]
        if "t" in opts:
            inv.err(" ".join(argv) + "\n")
        implementation = inv.device.commands.lookup(argv[0])
        if implementation is None:
            inv.err(f"xargs: exec {argv[0]}: No such file or directory\n")
            return 127
        inv.device.record_command(tuple(argv))
        child = Invocation(argv=argv, device=inv.device, stdin=inv.stdin, stdout=inv.stdout, stderr=inv.stderr,
                           hangup=inv.hangup, uid=inv.uid, env=inv.env, cwd=inv.cwd, shell_pid=inv.shell_pid)
        code = await invoke(implementation, child)
        if code == 255:
            inv.err(f"xargs: {command[0]}: exited with status 255; aborting\n")
            return 124
        if code in (126, 127):
            status = code
        elif code > 127:
            status = 125
        elif code:
            status = 123
    return status
