"""toybox's line tools: ``head``, ``tail``, ``cut``, ``wc``, ``tr``, ``tee``, ``sort``.

Option strings and messages are those of ``toys/posix/head.c`` (``?n(lines)#<0=10c(bytes)#<0qv[-nc]``,
the old ``-NUM`` form), ``toys/posix/tail.c`` (``-n -N``/``+N``, ``-c``), ``toys/posix/cut.c``
(``Needs one of -CFfcb``, ``-d needs -Ff``, ``bad -f 'LIST'``), ``toys/posix/wc.c`` (columns
padded as ``%*ld`` with the width of the largest count, no padding for a single count of stdin),
``toys/pending/tr.c``, ``toys/posix/tee.c`` (``-a``), ``toys/posix/sort.c`` (``ARGFAIL(2)``,
``-n -r -u -k -t -f``).

``tail -f`` prints the end and then waits for the client to hang up (the virtual files do not grow
under it).
"""

from __future__ import annotations

import re

from jobctl_sim.native.fs import FsError
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import OptionSpec, UsageError, error_exit, help_exit, perror
from jobctl_sim.native.toybox.inputs import read_inputs, split_lines

HEAD = OptionSpec("?n(lines)#<0=10c(bytes)#<0qv[-nc]")
TAIL = OptionSpec("?fFs:c(bytes)-n(lines)-[-cn][-fF]")
CUT = OptionSpec("b*c*f*F(regex-fields)*C*O(output-delimiter):d:sD(allow-duplicates)n")
WC = OptionSpec("Lcmwl")
TR = OptionSpec("^<1>2Ccstd[+cC]")
TEE = OptionSpec("ia")
SORT = OptionSpec("gS:T:mo:k*t:xVbMCcszdfirun", argfail=2)


def _headers(inv: Invocation, name: str, first: bool, show: bool) -> None:
    if show:
        inv.out(("" if first else "\n") + f"==> {name} <==\n")


async def cmd_head(inv: Invocation) -> int:
    args = list(inv.args)
    old_style = bool(args) and re.fullmatch(r"-\d+", args[0]) is not None
    try:
        opts = HEAD.parse(inv, args[1:] if old_style else args)
    except UsageError as exc:
        return exc.status
    lines = int(args[0][1:]) if old_style else opts.numbers["n"]
    files, status = await read_inputs(inv, opts.args)
    show = ("v" in opts or len(opts.args) > 1) and "q" not in opts
    for number, item in enumerate(files):
        _headers(inv, item.name, number == 0, show)
        if "c" in opts:
            inv.stdout.write(item.data[:opts.numbers["c"]])
        else:
            inv.stdout.write(b"".join(split_lines(item.data)[:lines]))
    return status


async def cmd_tail(inv: Invocation) -> int:
    args = list(inv.args)
    if args and re.fullmatch(r"[-+]\d+", args[0]):
        args = ["-n", args[0], *args[1:]]
    try:
        opts = TAIL.parse(inv, args)
    except UsageError as exc:
        return exc.status
    files, status = await read_inputs(inv, opts.args)
    show = len(opts.args) > 1
    for number, item in enumerate(files):
        _headers(inv, item.name, number == 0, show)
        if "c" in opts:
            count = opts.numbers["c"]
            if count > 0:
                inv.stdout.write(item.data[count - 1:])
            elif count:
                inv.stdout.write(item.data[len(item.data) + count:])
            continue
        count = opts.numbers.get("n", -10)
        lines = split_lines(item.data)
        chosen = lines[max(count - 1, 0):] if count > 0 else (lines[len(lines) + count:] if count else [])
        inv.stdout.write(b"".join(chosen))
    if opts.flags & {"f", "F"}:
        await inv.stdout.drain()
        await inv.hangup.wait()
    return status


def _ranges(inv: Invocation, letter: str, lists: list[str]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for text in lists:
        for item in text.split(","):
            match = re.fullmatch(r"(\d*)(-?)(\d*)", item)
            low = int(match.group(1)) if match and match.group(1) else 1
            high = (int(match.group(3)) if match.group(3) else 2**31) if match and match.group(2) else low
            if not match or not item or item == "-" or low < 1 or high < low or (match.group(1) == "0"):
                raise error_exit(inv, f"bad -{letter} '{text}'\n{'^':>{6 + len(letter) + text.index(item) + 1 + 4}}")
            ranges.append((low, high))
    return sorted(ranges)


def _selected(ranges: list[tuple[int, int]], count: int) -> list[int]:
    return [i for i in range(1, count + 1) if any(low <= i <= high for low, high in ranges)]


async def cmd_cut(inv: Invocation) -> int:
    try:
        opts = CUT.parse(inv)
        kinds = [c for c in "CFfcb" if c in opts.lists]
        if not kinds:
            raise help_exit(inv, "Needs one of -CFfcb")
        if len(kinds) > 1:
            raise help_exit(inv, f"No '{kinds[1]}' with '{kinds[0]}'")
        kind = kinds[0]
        if "s" in opts and kind not in "fF":
            raise error_exit(inv, "-s needs -Ff")
        if "d" in opts and kind not in "fF":
            raise error_exit(inv, "-d needs -Ff")
        ranges = _ranges(inv, kind, opts.lists[kind])
    except UsageError as exc:
        return exc.status
    delimiter = opts.values.get("d", "\t")
    output_delimiter = opts.values.get("O", delimiter)
    files, status = await read_inputs(inv, opts.args)
    for item in files:
        for raw in split_lines(item.data):
            line = raw.decode("utf-8", "surrogateescape").rstrip("\n")
            if kind in "fF":
                if delimiter not in line:
                    if "s" not in opts:
                        inv.out(line + "\n")
                    continue
                fields = line.split(delimiter)
                inv.out(output_delimiter.join(fields[i - 1] for i in _selected(ranges, len(fields))) + "\n")
            elif kind == "b":
                data = raw.rstrip(b"\n")
                inv.stdout.write(bytes(data[i - 1] for i in _selected(ranges, len(data))) + b"\n")
            else:
                inv.out("".join(line[i - 1] for i in _selected(ranges, len(line))) + "\n")
    return status


async def cmd_wc(inv: Invocation) -> int:
    """Counts in toybox's order (lines, words, chars, bytes, longest line); ``show_lengths`` pads each
    to 7 columns unless exactly one file, or stdin with a single count, is counted."""
    try:
        opts = WC.parse(inv)
    except UsageError as exc:
        return exc.status
    chosen = [c for c in "lwmcL" if c in opts] or ["l", "w", "c"]
    files, status = await read_inputs(inv, opts.args)
    space = 0 if (not opts.args and len(chosen) == 1) or len(opts.args) == 1 else 7
    totals = dict.fromkeys(chosen, 0)
    for item in files:
        text = item.data.decode("utf-8", "replace")
        counts = {"l": item.data.count(b"\n"), "w": len(item.data.split()), "c": len(item.data), "m": len(text),
                  "L": max((len(line) for line in text.split("\n")), default=0)}
        cells = [f"{counts[c]:>{space}}" for c in chosen]
        inv.out(" ".join(cells) + (f" {item.name}" if opts.args else "") + "\n")
        for c in chosen:
            totals[c] = max(totals[c], counts[c]) if c == "L" else totals[c] + counts[c]
    if len(opts.args) > 1:
        inv.out(" ".join(f"{totals[c]:>{space}}" for c in chosen) + " total\n")
    return status


_CLASSES = {
    "alpha": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "digit": "0123456789",
    "lower": "abcdefghijklmnopqrstuvwxyz", "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "space": " \t\n\r\f\v", "blank": " \t", "punct": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    "alnum": "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "xdigit": "0123456789ABCDEFabcdef", "cntrl": "".join(map(chr, range(32))) + "\x7f",
}


def _tr_set(text: str) -> str:
    out: list[str] = []
    i = 0
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
    while i < len(text):
        match = re.match(r"\[:(\w+):\]", text[i:])
        if match and match.group(1) in _CLASSES:
            out.extend(_CLASSES[match.group(1)])
            i += match.end()
            continue
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            octal = re.match(r"[0-7]{1,3}", text[i + 1:])
            if octal:
                out.append(chr(int(octal.group(0), 8)))
                i += 1 + octal.end()
                continue
            out.append(escapes.get(text[i + 1], text[i + 1]))
            i += 2
            continue
        if i + 2 < len(text) and text[i + 1] == "-":
            out.extend(chr(x) for x in range(ord(c), ord(text[i + 2]) + 1))
            i += 3
            continue
        out.append(c)
        i += 1
    return "".join(out)


async def cmd_tr(inv: Invocation) -> int:
    try:
        opts = TR.parse(inv)
        if len(opts.args) == 1 and not opts.flags & {"d", "s"}:
            raise help_exit(inv, "Need 2 arguments")
    except UsageError as exc:
        return exc.status
    first = _tr_set(opts.args[0])
    second = _tr_set(opts.args[1]) if len(opts.args) > 1 else ""
    data = (await inv.stdin.read()).decode("latin-1")
    if "c" in opts:
        first = "".join(chr(x) for x in range(256) if chr(x) not in first)
    if "d" in opts:
        data = "".join(c for c in data if c not in first)
        squeeze = second
    else:
        if second:
            padded = second + second[-1] * max(0, len(first) - len(second))
            table = {ord(a): padded[i] for i, a in enumerate(first)}
            data = data.translate(table)
        squeeze = second or first
    if "s" in opts:
        data = re.sub("([" + re.escape(squeeze) + r"])\1+", r"\1", data) if squeeze else data
    inv.stdout.write(data.encode("latin-1"))
    return 0


async def cmd_tee(inv: Invocation) -> int:
    try:
        opts = TEE.parse(inv)
    except UsageError as exc:
        return exc.status
    fs = inv.device.fs
    status = 0
    targets: list[str] = []
    for name in opts.args:
        try:
            fs.check_access(inv.path(name), inv.uid, 2)
            if "a" not in opts or not fs.exists(inv.path(name)):
                fs.write_bytes(inv.path(name), b"", uid=inv.uid)
            targets.append(name)
        except FsError as exc:
            perror(inv, name, exc)
            status = 1
    data = await inv.stdin.read()
    for name in targets:
        fs.write_bytes(inv.path(name), data, append=True, uid=inv.uid)
    inv.stdout.write(data)
    return status


def _sort_key(line: str, opts_flags: set[str], keys: list[str], separator: str | None) -> list[object]:
    def field_text(text: str, spec: str) -> tuple[str, set[str]]:
        match = re.fullmatch(r"(\d+)(?:\.(\d+))?([a-zA-Z]*)(?:,(\d+)(?:\.(\d+))?([a-zA-Z]*))?", spec)
        if match is None:
            return text, set()
        fields = text.split(separator) if separator is not None else re.findall(r"\s*\S+", text)
        start = int(match.group(1)) - 1
        end = int(match.group(4)) if match.group(4) else len(fields)
        chosen = fields[start:end]
        joined = (separator or "").join(chosen)
        return (joined.strip() if separator is None else joined), set(match.group(3) + (match.group(6) or ""))

    parts: list[object] = []
    for spec in keys or [""]:
        text, local = field_text(line, spec) if spec else (line, set())
        flags = local or opts_flags
        if "f" in flags:
            text = text.upper()
        if "n" in flags:
            number = re.match(r"\s*-?\d+(?:\.\d+)?", text)
            parts.append((float(number.group(0)) if number else 0.0, text if not keys else ""))
        else:
            parts.append(text)
    return parts


async def cmd_sort(inv: Invocation) -> int:
    try:
        opts = SORT.parse(inv)
    except UsageError as exc:
        return exc.status
    files, status = await read_inputs(inv, opts.args)
    if status:
        return 2
    lines = [line.rstrip("\n") for item in files for line in item.data.decode("utf-8", "replace").splitlines()]
    separator = opts.values.get("t")
    keys = opts.lists.get("k", [])
    def order(line: str) -> tuple[list[object], str]:
        return _sort_key(line, opts.flags, keys, separator), line if "s" not in opts else ""

    decorated = sorted(lines, key=order, reverse="r" in opts)
    if "u" in opts:
        unique: list[str] = []
        seen: set[str] = set()
        for line in decorated:
            marker = repr(_sort_key(line, opts.flags, keys, separator))
            if marker not in seen:
                seen.add(marker)
                unique.append(line)
        decorated = unique
    output = "".join(line + "\n" for line in decorated)
    if "o" in opts:
        inv.device.fs.write_bytes(inv.path(opts.values["o"]), output.encode(), uid=inv.uid)
    else:
        inv.out(output)
    return 0
