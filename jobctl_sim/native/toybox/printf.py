"""toybox ``printf`` (``toys/posix/printf.c``, option string ``<1?^``): FORMAT with ``\\`` escapes and
``%d %i %u %o %x %X %c %s %b %f %e %g %%``, reused until the arguments run out; a numeric argument
that is not a number is ``printf: invalid number 'X'`` … printed as toybox's ``bad %d X`` (status 1,
output goes on with 0)."""

from __future__ import annotations

import re

from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import OptionSpec, UsageError

PRINTF = OptionSpec("<1?^")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "e": "\x1b",
            '"': '"', "'": "'"}


def unescape(text: str) -> tuple[str, bool]:
    """Backslash escapes; True when ``\\c`` stopped the output."""
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
        octal = re.match(r"0?[0-7]{1,3}", text[i + 1:])
        if octal:
            out.append(chr(int(octal.group(0), 8) & 0xFF))
            i += 1 + octal.end()
            continue
        if n == "x":
            hexa = re.match(r"[0-9a-fA-F]{1,2}", text[i + 2:])
            if hexa:
                out.append(chr(int(hexa.group(0), 16)))
                i += 2 + hexa.end()
                continue
        out.append(_ESCAPES.get(n, "\\" + n))
        i += 2
    return "".join(out), False


def _number(inv: Invocation, text: str, conv: str) -> tuple[int | float, bool]:
    try:
        if text[:1] in "'\"" and len(text) > 1:
            return ord(text[1]), True
        if conv in "feEgG":
            return float(text or 0), True
        return int(text or "0", 0), True
    except ValueError:
        inv.err(f"printf: bad %{conv} {text}\n")
        return 0, False


def cmd_printf(inv: Invocation) -> int:
    try:
        opts = PRINTF.parse(inv)
    except UsageError as exc:
        return exc.status
    fmt, *args = opts.args
    status = 0
    first = True
    while first or args:
        first = False
        consumed = False
        out: list[str] = []
        for match in re.finditer(r"%([-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?)([diouxXcsbfeEgG%])|%|[^%]+", fmt):
            conv = match.group(2)
            if conv is None:
                text, stop = unescape(match.group(0))
                out.append(text)
                if stop:
                    inv.out("".join(out))
                    return status
                continue
            if conv == "%":
                out.append("%")
                continue
            spec = match.group(1)
            while "*" in spec:
                spec = spec.replace("*", args.pop(0) if args else "0", 1)
            value = args.pop(0) if args else ""
            consumed = True
            if conv in "sb":
                shown = unescape(value)[0] if conv == "b" else value
                out.append(("%" + spec + "s") % shown)
            elif conv == "c":
                out.append(("%" + spec + "s") % value[:1])
            else:
                number, ok = _number(inv, value, conv)
                status |= 0 if ok else 1
                real = "d" if conv in "iu" else conv
                out.append(("%" + spec + real) % (number if conv in "feEgG" else int(number)))
        inv.out("".join(out))
        if not consumed:
            break
    return status
