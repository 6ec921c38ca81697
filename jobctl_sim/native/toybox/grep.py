"""toybox ``grep``/``egrep``/``fgrep`` (``toys/posix/grep.c``).

Options: ``-E -F -i -v -c -o -q -n -l -L -w -x -h -H -s -m N -e PAT -f FILE -r``. Exit status: 0 a
line matched, 1 none, 2 on an error (a file that cannot be read, a bad pattern, a usage error:
``TOYFLAG_ARGFAIL(2)``), except that ``-q`` with a match is 0 even after an error. Several files
(or ``-r``) prefix lines with ``FILE:``; no pattern is ``grep: no REGEX``; a bad expression is
``grep: bad REGEX 'PAT': MESSAGE``.
"""

from __future__ import annotations

import re

from jobctl_sim.native.fs import R_OK, FsError
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import OptionSpec, UsageError, error_exit, perror, read_input, tool_name
from jobctl_sim.native.toybox.inputs import InputFile
from jobctl_sim.native.toybox.regex import RegexError, compile_posix

GREP = OptionSpec(
    "(line-buffered)(color):;(exclude-dir)*S(exclude)*M(include)*ZzEFHIab(byte-offset)h(no-filename)ino(only-matching)"
    "rRsvwc(count)L(files-without-match)l(files-with-matches)q(quiet)(silent)e*f*C#B#A#m#x[!wx][!EF]",
    argfail=2,
)


def _patterns(inv: Invocation, opts_lists: dict[str, list[str]], args: list[str]) -> tuple[list[str], list[str]]:
    patterns: list[str] = []
    for text in opts_lists.get("e", []):
        patterns.extend(text.split("\n"))
    for name in opts_lists.get("f", []):
        try:
            patterns.extend(read_input(inv, name).decode("utf-8", "replace").splitlines())
        except FsError as exc:
            perror(inv, name, exc)
            raise UsageError(2) from None
    if not opts_lists.get("e") and not opts_lists.get("f"):
        if not args:
            raise error_exit(inv, "no REGEX", 2)
        patterns.extend(args[0].split("\n"))
        args = args[1:]
    return patterns, args


def _walk(inv: Invocation, path: str) -> list[str]:
    fs = inv.device.fs
    st = fs.stat(inv.path(path))
    if st is None or not st.is_dir:
        return [path]
    found: list[str] = []
    for name, child in fs.listdir(inv.path(path)):
        found.extend(_walk(inv, path.rstrip("/") + "/" + name) if child.is_dir else [path.rstrip("/") + "/" + name])
    return found


async def cmd_grep(inv: Invocation) -> int:
    name = tool_name(inv)
    try:
        opts = GREP.parse(inv)
        patterns, operands = _patterns(inv, opts.lists, opts.args)
    except UsageError as exc:
        return exc.status
    flags = set(opts.flags)
    if name == "egrep":
        flags.add("E")
    if name == "fgrep":
        flags.add("F")
    if "R" in flags:
        flags.add("r")
    try:
        matchers = [_compile(p, flags) for p in patterns]
    except RegexError as exc:
        inv.err(f"grep: bad REGEX '{exc.args[1] if len(exc.args) > 1 else patterns[0]}': {exc.args[0]}\n")
        return 2
    if "r" in flags:
        operands = [path for operand in (operands or ["."]) for path in _walk(inv, operand)]
    show_names = ("H" in flags or len(operands) > 1 or "r" in flags) and "h" not in flags
    found = False
    tried = 0
    for operand in operands or ["-"]:
        if operand == "-":
            item = InputFile("(standard input)", await inv.stdin.read())
        else:
            try:
                inv.device.fs.check_access(inv.path(operand), inv.uid, R_OK)
                item = InputFile(operand, inv.device.fs.read_bytes(inv.path(operand)))
            except FsError as exc:
                if "s" not in flags:
                    perror(inv, operand, exc)
                continue
        tried += 1
        if _grep_one(inv, item, matchers, flags, opts.numbers.get("m"), show_names):
            found = True
            if "q" in flags:
                return 0
    if tried >= len(operands) or ("q" in flags and found):
        return 0 if found else 1
    return 2


def _compile(pattern: str, flags: set[str]) -> re.Pattern[str]:
    text = re.escape(pattern) if "F" in flags else None
    try:
        compiled = re.compile(text, re.IGNORECASE if "i" in flags else 0) if text is not None else compile_posix(
            pattern, "E" in flags, "i" in flags)
    except RegexError as exc:
        raise RegexError(str(exc), pattern) from None
    source = compiled.pattern
    if "w" in flags:
        source = rf"(?<!\w)(?:{source})(?!\w)"
    if "x" in flags:
        source = rf"^(?:{source})$"
    return re.compile(source, compiled.flags)


def _grep_one(inv: Invocation, item: InputFile, matchers: list[re.Pattern[str]], flags: set[str],
              limit: int | None, show_names: bool) -> bool:
    text = item.data.decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    count = 0
    prefix = f"{item.name}:" if show_names else ""
    for number, line in enumerate(lines, start=1):
        if limit is not None and count >= limit:
            break
        hits = [m for matcher in matchers for m in matcher.finditer(line) if m.group(0) or not matcher.pattern]
        matched = any(matcher.search(line) for matcher in matchers)
        if matched == ("v" in flags):
            continue
        count += 1
        if flags & {"q", "l", "L", "c"}:
            continue
        where = prefix + (f"{number}:" if "n" in flags else "")
        if "o" in flags and "v" not in flags:
            for hit in sorted(hits, key=lambda m: m.start()):
                if hit.group(0):
                    inv.out(f"{where}{hit.group(0)}\n")
        else:
            inv.out(f"{where}{line}\n")
    if "c" in flags:
        inv.out(f"{prefix}{count}\n")
    if "l" in flags and count:
        inv.out(item.name + "\n")
    if "L" in flags and not count:
        inv.out(item.name + "\n")
    return count > 0
