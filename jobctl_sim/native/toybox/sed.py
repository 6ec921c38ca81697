"""toybox ``sed`` (``toys/posix/sed.c``), the common forms: ``-n``, ``-e SCRIPT`` (several), ``-E``/``-r``,
``-i`` (in place, optional suffix), ``-s``; addresses ``N``, ``$``, ``/REGEX/`` (with ``I``), ranges
``A,B``, ``!``; commands ``s/RE/REPL/FLAGS`` (``g``, ``p``, ``i``/``I``, ``N``; ``&`` and ``\\1``…
in REPL; any delimiter), ``d``, ``p``, ``q``, ``=``, ``a``/``i``/``c TEXT``, ``y/ABC/XYZ/``, ``{ … }``.
Errors: no script is ``sed: no pattern``; a script it cannot read is
``sed: bad pattern 'SCRIPT'@POS (C)``; ``-i`` on stdin ``sed: -i on stdin``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jobctl_sim.native.fs import FsError
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import OptionSpec, UsageError, error_exit, perror, read_input
from jobctl_sim.native.toybox.regex import RegexError, compile_posix

SED = OptionSpec("(help)(version)e*f*i:;nErz(null-data)s[+Er]")


@dataclass
class _Command:
    first: object = None
    second: object = None
    negate: bool = False
    name: str = ""
    regex: re.Pattern[str] | None = None
    replacement: str = ""
    flags: str = ""
    text: str = ""
    block_end: int = -1
    active: bool = field(default=False)


class _ScriptError(Exception):
    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


class _Parser:
    def __init__(self, script: str, extended: bool) -> None:
        self.s = script
        self.i = 0
        self.extended = extended

    def fail(self) -> _ScriptError:
        return _ScriptError(self.i)

    def skip(self, chars: str = " \t") -> None:
        while self.i < len(self.s) and self.s[self.i] in chars:
            self.i += 1

    def delimited(self, delimiter: str) -> str:
        out: list[str] = []
        while self.i < len(self.s) and self.s[self.i] != delimiter:
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < len(self.s):
                nxt = self.s[self.i + 1]
                out.append(nxt if nxt == delimiter else "\n" if nxt == "n" else c + nxt)
                self.i += 2
                continue
            out.append(c)
            self.i += 1
        if self.i >= len(self.s):
            raise self.fail()
        self.i += 1
        return "".join(out)

    def address(self) -> object:
        if self.i < len(self.s) and self.s[self.i].isdigit():
            match = re.match(r"\d+", self.s[self.i:])
            assert match is not None
            self.i += match.end()
            return int(match.group(0))
        if self.s[self.i:self.i + 1] == "$":
            self.i += 1
            return "$"
        if self.s[self.i:self.i + 1] in ("/", "\\"):
            if self.s[self.i] == "\\":
                self.i += 1
            delimiter = self.s[self.i]
            self.i += 1
            text = self.delimited(delimiter)
            ignore = self.s[self.i:self.i + 1] == "I"
            if ignore:
                self.i += 1
            return self.compile(text, ignore)
        return None

    def compile(self, text: str, ignore: bool) -> re.Pattern[str]:
        try:
            return compile_posix(text, self.extended, ignore)
        except RegexError:
            raise self.fail() from None

    def commands(self) -> list[_Command]:
        out: list[_Command] = []
        blocks: list[int] = []
        while True:
            self.skip(" \t\n;")
            if self.i >= len(self.s):
                break
            if self.s[self.i] == "}":
                if not blocks:
                    raise self.fail()
                out[blocks.pop()].block_end = len(out)
                self.i += 1
                continue
            command = _Command(first=self.address())
            if command.first is not None and self.s[self.i:self.i + 1] == ",":
                self.i += 1
                command.second = self.address()
                if command.second is None:
                    raise self.fail()
            self.skip()
            if self.s[self.i:self.i + 1] == "!":
                command.negate = True
                self.i += 1
                self.skip()
            if self.i >= len(self.s):
                raise self.fail()
            command.name = self.s[self.i]
            self.i += 1
            if command.name == "{":
                blocks.append(len(out))
            elif command.name in "sy":
                delimiter = self.s[self.i:self.i + 1]
                if not delimiter or delimiter in "\\\n":
                    raise self.fail()
                self.i += 1
                pattern = self.delimited(delimiter)
                command.replacement = self.delimited(delimiter)
                match = re.match(r"[gpiIe0-9]*", self.s[self.i:])
                command.flags = match.group(0) if match else ""
                self.i += len(command.flags)
                if command.name == "s":
                    command.regex = self.compile(pattern, "i" in command.flags or "I" in command.flags)
                elif len(pattern) != len(command.replacement):
                    raise self.fail()
                else:
                    command.text = pattern
            elif command.name in "aic":
                self.skip()
                if self.s[self.i:self.i + 1] == "\\":
                    self.i += 1
                    self.skip(" \t\n")
                end = self.s.find("\n", self.i)
                end = len(self.s) if end < 0 else end
                command.text = self.s[self.i:end]
                self.i = end
            elif command.name not in "dpqQ=nNhHgGxlD":
                self.i -= 1
                raise self.fail()
            out.append(command)
        if blocks:
            raise _ScriptError(len(self.s))
        return out


def _expand_replacement(template: str, match: re.Match[str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(template):
        c = template[i]
        if c == "\\" and i + 1 < len(template):
            n = template[i + 1]
            out.append(match.group(int(n)) or "" if n.isdigit() else "\n" if n == "n" else "\t" if n == "t" else n)
            i += 2
            continue
        out.append(match.group(0) if c == "&" else c)
        i += 1
    return "".join(out)


def _matches(address: object, line: str, number: int, last: bool) -> bool:
    if isinstance(address, int):
        return number == address
    if address == "$":
        return last
    return isinstance(address, re.Pattern) and address.search(line) is not None


def _selected(command: _Command, line: str, number: int, last: bool) -> bool:
    if command.first is None:
        hit = True
    elif command.second is None:
        hit = _matches(command.first, line, number, last)
    elif command.active:
        hit = True
        if (isinstance(command.second, int) and number >= command.second) or (
                not isinstance(command.second, int) and _matches(command.second, line, number, last)):
            command.active = False
    elif _matches(command.first, line, number, last):
        hit = True
        command.active = not (isinstance(command.second, int) and command.second <= number)
    else:
        hit = False
    return hit != command.negate


def run_sed(commands: list[_Command], text: str, quiet: bool) -> tuple[str, bool]:
    """The output for ``text`` and whether ``q`` stopped it."""
    out: list[str] = []
    lines = text.split("\n")
    trailing_newline = text.endswith("\n")
    if trailing_newline:
        lines.pop()
    for number, line in enumerate(lines, start=1):
        last = number == len(lines)
        appended: list[str] = []
        index = 0
        deleted = False
        while index < len(commands):
            command = commands[index]
            if not _selected(command, line, number, last):
                index = command.block_end if command.name == "{" else index + 1
                continue
            name = command.name
            if name == "s" and command.regex is not None:
                count_flag = re.search(r"\d+", command.flags)
                nth = int(count_flag.group(0)) if count_flag else 1
                seen = 0

                def substitute(match: re.Match[str], cmd: _Command = command, nth: int = nth) -> str:
                    nonlocal seen
                    seen += 1
                    if seen == nth or ("g" in cmd.flags and seen >= nth):
                        return _expand_replacement(cmd.replacement, match)
                    return match.group(0)

                new = command.regex.sub(substitute, line)
                replaced = seen >= nth
                line = new
                if replaced and "p" in command.flags:
                    out.append(line + "\n")
            elif name == "y":
                line = line.translate(str.maketrans(command.text, command.replacement))
            elif name == "d":
                deleted = True
                break
            elif name == "p":
                out.append(line + "\n")
            elif name == "=":
                out.append(f"{number}\n")
            elif name == "a":
                appended.append(command.text + "\n")
            elif name == "i":
                out.append(command.text + "\n")
            elif name == "c":
                if command.second is None or not command.active:
                    out.append(command.text + "\n")
                deleted = True
                break
            elif name in "qQ":
                if name == "q" and not quiet:
                    out.append(line + "\n")
                out.extend(appended)
                return "".join(out), True
            index += 1
        if not deleted and not quiet:
            out.append(line + ("\n" if trailing_newline or not last else ""))
        out.extend(appended)
    return "".join(out), False


async def cmd_sed(inv: Invocation) -> int:
    try:
        opts = SED.parse(inv)
        scripts = list(opts.lists.get("e", []))
        operands = list(opts.args)
        for name in opts.lists.get("f", []):
            scripts.append(read_input(inv, name).decode("utf-8", "replace"))
        if not scripts:
            if not operands:
                raise error_exit(inv, "no pattern")
            scripts.append(operands.pop(0))
    except UsageError as exc:
        return exc.status
    except FsError as exc:
        inv.err(f"sed: {exc.path}: {exc.strerror}\n")
        return 1
    script = "\n".join(scripts)
    try:
        commands = _Parser(script, bool(opts.flags & {"E", "r"})).commands()
    except _ScriptError as exc:
        shown = script[exc.position:exc.position + 1] or "\0"
        inv.err(f"sed: bad pattern '{script}'@{exc.position + 1} ({shown})\n".replace("(\0)", "()"))
        return 1
    quiet = "n" in opts
    status = 0
    if "i" in opts:
        if not operands:
            inv.err("sed: -i on stdin\n")
            return 1
        for name in operands:
            try:
                data = read_input(inv, name).decode("utf-8", "surrogateescape")
            except FsError as exc:
                perror(inv, name, exc)
                status = 1
                continue
            result, _ = run_sed([_fresh(c) for c in commands], data, quiet)
            suffix = opts.values.get("i")
            if suffix:
                inv.device.fs.write_bytes(inv.path(name + suffix), data.encode("utf-8", "surrogateescape"), uid=inv.uid)
            inv.device.fs.write_bytes(inv.path(name), result.encode("utf-8", "surrogateescape"), uid=inv.uid)
        return status
    chunks: list[str] = []
    for name in operands or ["-"]:
        if name == "-":
            chunks.append((await inv.stdin.read()).decode("utf-8", "surrogateescape"))
            continue
        try:
            chunks.append(read_input(inv, name).decode("utf-8", "surrogateescape"))
        except FsError as exc:
            perror(inv, name, exc)
            status = 1
    result, _ = run_sed(commands, "".join(chunks), quiet)
    inv.stdout.write(result.encode("utf-8", "surrogateescape"))
    return status


def _fresh(command: _Command) -> _Command:
    return _Command(command.first, command.second, command.negate, command.name, command.regex,
                    command.replacement, command.flags, command.text, command.block_end)
