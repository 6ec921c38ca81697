"""What mksh runs itself, and ``sh`` as a command: ``echo``, ``true``, ``false``, ``which``,
``command -v`` and nested ``sh -c``/``sh FILE``.

``echo`` is mksh's builtin (``funcs.c`` ``c_print``): AOSP builds mksh without
``MKSH_BINSHREDUCED`` (``external/mksh/Android.bp``), so ``echo`` interprets backslash escapes by
default and accepts ``-n``, ``-e`` and ``-E`` (only as leading arguments made of those letters).
"""

from __future__ import annotations

from jobctl_sim.native.fs import R_OK, FsError
from jobctl_sim.native.shell.arith import ArithEvaluator
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.shell.conditional import TestContext, run_test
from jobctl_sim.native.shell.interpreter import ShellInterpreter
from jobctl_sim.native.shell.special import REGULAR_BUILTINS, SPECIAL_BUILTINS


_ECHO_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
                 "t": "\t", "v": "\v", "\\": "\\"}


def _echo_unescape(text: str) -> tuple[str, bool]:
    """mksh ``echo`` escapes; returns the text and whether ``\\c`` cut the output short."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        n = text[i + 1]
        if n == "c":
            return "".join(out), True
        if n in _ECHO_ESCAPES:
            out.append(_ECHO_ESCAPES[n])
            i += 2
        elif n == "0":
            j = i + 2
            while j < len(text) and j < i + 5 and text[j] in "01234567":
                j += 1
            out.append(chr(int(text[i + 2:j] or "0", 8) & 0xFF))
            i = j
        else:
            out.append("\\" + n)
            i += 2
    return "".join(out), False


def cmd_echo(inv: Invocation) -> int:
    args = list(inv.args)
    newline, escapes = True, True
    while args and len(args[0]) > 1 and args[0][0] == "-" and set(args[0][1:]) <= set("neE"):
        for letter in args.pop(0)[1:]:
            if letter == "n":
                newline = False
            else:
                escapes = letter == "e"
    text = " ".join(args)
    if escapes:
        text, cut = _echo_unescape(text)
        newline = newline and not cut
    inv.out(text + ("\n" if newline else ""))
    return 0


def cmd_true(inv: Invocation) -> int:
    return 0


def cmd_false(inv: Invocation) -> int:
    return 1


def cmd_test(inv: Invocation) -> int:
    """``/system/bin/test`` and ``[`` run as programs (toybox ``test``, same semantics as mksh's)."""
    context = TestContext(inv.device.fs, inv.uid, inv.cwd,
                          ArithEvaluator(lambda n: inv.env.get(n, ""), lambda n, v: None).evaluate)
    name = inv.name.rsplit("/", 1)[-1]
    status, error = run_test(name, list(inv.args), context)
    if error:
        inv.err(f"{name}: {error.split(': ', 1)[-1] if error.startswith(name + ': ') else error}\n")
    return status


async def cmd_sh(inv: Invocation) -> int:
    """``sh -c LINE [NAME [ARGS...]]``, ``sh FILE`` or ``sh`` reading a script from stdin."""
    args = list(inv.args)
    name = inv.name
    if args and args[0] == "-c":
        if len(args) < 2:
            inv.err(f"{name}: -c: option requires an argument\n")
            return 1
        line, extra = args[1], args[2:]
    elif args and args[0].startswith("-"):
        inv.err(f"{name}: {args[0]}: not supported by the jobctl virtual device\n")
        return 2
    elif args:
        try:
            inv.device.fs.check_access(inv.path(args[0]), inv.uid, R_OK)
            line = inv.device.fs.read_bytes(inv.path(args[0])).decode("utf-8", "replace")
        except FsError as exc:
            inv.err(f"{name}: {args[0]}: {exc.strerror}\n")
            return 127
        extra = args
    else:
        line, extra = (await inv.stdin.read()).decode("utf-8", "replace"), []
    if extra:
        name, positional = extra[0], extra[1:]
    else:
        positional = []
    shell = ShellInterpreter(
        inv.device, inv.stdin, inv.stdout, inv.stderr, inv.hangup, inv.uid,
        name=name, env=dict(inv.env) or None, positional=positional, cwd=inv.cwd,
    )
    return await shell.run(line)


SHELL_BUILTINS = frozenset({"echo", "true", "false", "command", "print", *SPECIAL_BUILTINS, *REGULAR_BUILTINS}) - {"sh"}
"""Names mksh runs itself (``command -v`` prints them bare, not as a path)."""


def _locate(inv: Invocation, name: str) -> str | None:
    if name in SHELL_BUILTINS:
        return name
    if inv.device.commands.lookup(name) is None:
        return None
    return name if "/" in name else f"/system/bin/{name}"


def cmd_which(inv: Invocation) -> int:
    status = 0
    for name in inv.args:
        found = _locate(inv, name)
        if found is None or (found == name and "/" not in name):
            status = 1
            continue
        inv.out(found + "\n")
    return status


def cmd_command(inv: Invocation) -> int:
    if not inv.args or inv.args[0] != "-v":
        inv.err("command: only 'command -v NAME' is supported by the jobctl virtual device\n")
        return 2
    status = 0
    for name in inv.args[1:]:
        found = _locate(inv, name)
        if found is None:
            status = 1
        else:
            inv.out(found + "\n")
    return status
