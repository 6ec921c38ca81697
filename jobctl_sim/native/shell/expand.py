"""Word expansion as mksh does it (``eval.c``): parameters (with the POSIX ``${…}`` operators),
command substitution, arithmetic, field splitting on ``IFS`` and pathname expansion against the
device filesystem (no match: the word stays as written; dot files only for a leading ``.``).

Errors follow mksh: ``${NAME:?}`` prints ``<sh>: NAME: parameter null or not set`` and an
arithmetic error ``<sh>: EXPR: zero divisor`` …; both end a non-interactive shell with status 1.
"""

from __future__ import annotations

import fnmatch
from abc import abstractmethod

from jobctl_sim.native.fs import R_OK, FsError, normalize_path
from jobctl_sim.native.shell.arith import ArithError, ArithEvaluator
from jobctl_sim.native.shell.ast import Arith, CommandSub, Literal, Param, Script, Word
from jobctl_sim.native.shell.command import resolve_path
from jobctl_sim.native.shell.lexer import word_of
from jobctl_sim.native.shell.parser import parse
from jobctl_sim.native.shell.state import ShellExit, ShellState

Segment = tuple[str, bool]
"""Expanded text and whether it came from quoted text (not globbed)."""

_GLOB_CHARS = frozenset("*?[")


class Expansion(ShellState):
    """The expansion half of the interpreter."""

    @abstractmethod
    async def command_output(self, script: Script) -> str:
        """Run ``script`` in a subshell and return its standard output (``$(…)``)."""

    # ------------------------------------------------------------------ parameters

    def parameter(self, name: str) -> str | None:
        """The value of ``$name``; ``None`` when unset."""
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(self.pid)
        if name == "#":
            return str(len(self.positional))
        if name in ("@", "*"):
            return " ".join(self.positional) if self.positional else None
        if name == "!":
            return None
        if name == "-":
            return "h"
        if name == "0":
            return self.name
        if name.isdigit():
            index = int(name)
            return self.positional[index - 1] if index <= len(self.positional) else None
        return self.get_var(name)

    def arith(self, text: str) -> int:
        """Evaluate an arithmetic expression; on error print mksh's text and end the shell."""
        try:
            return ArithEvaluator(lambda n: self.parameter(n) or "", self.set_var).evaluate(text)
        except ArithError as exc:
            self.stderr.write(f"{self.name}: {exc.message}\n")
            raise ShellExit(1) from None

    async def _param_value(self, part: Param) -> str | list[str]:
        if part.name == "@" and part.quoted and not part.op:
            return list(self.positional)
        value = self.parameter(part.name)
        op = part.op
        if op == "len":
            return str(len(value or ""))
        if not op:
            return value or ""
        null = value is None or (op.startswith(":") and value == "")
        base = op.lstrip(":")
        if base in "-=+?":
            if base == "+":
                return "" if null else await self._arg_text(part)
            if not null:
                return value or ""
            if base == "-":
                return await self._arg_text(part)
            if base == "=":
                assigned = await self._arg_text(part)
                self.set_var(part.name, assigned)
                return assigned
            message = await self._arg_text(part) or ("parameter null or not set" if op == ":?" else "parameter not set")
            self.stderr.write(f"{self.name}: {part.name}: {message}\n")
            raise ShellExit(1)
        pattern = await self._pattern_of(word_of(part.arg, parse))
        return strip_pattern(value or "", pattern, op)

    async def _arg_text(self, part: Param) -> str:
        return " ".join(await self.expand(word_of(part.arg, parse, quoted=part.quoted), split=False))

    # ------------------------------------------------------------------ words

    async def expand(self, word: Word, split: bool = True, glob: bool = True) -> list[str]:
        """The fields ``word`` expands to (``split=False``: one field, for assignments and redirections)."""
        fields: list[list[Segment]] = []
        current: list[Segment] = []
        exists = False
        separators = self.vars.get("IFS", " \t\n")
        for index, part in enumerate(word.parts):
            if isinstance(part, Literal):
                text = part.text
                if index == 0 and not part.quoted and text.startswith("~") and (len(text) == 1 or text[1] == "/"):
                    text = (self.get_var("HOME") or "/") + text[1:]
                current.append((text, part.quoted))
                exists = exists or part.quoted or bool(text)
                continue
            value: str | list[str]
            if isinstance(part, Param):
                value = await self._param_value(part)
            elif isinstance(part, CommandSub):
                value = (await self.command_output(part.script)).rstrip("\n")
            else:
                assert isinstance(part, Arith)
                expression = " ".join(await self.expand(word_of(part.text, parse, quoted=True), split=False))
                value = str(self.arith(expression))
            if isinstance(value, list):  # "$@": one field per parameter
                for number, item in enumerate(value):
                    if number:
                        fields.append(current)
                        current = []
                    current.append((item, True))
                    exists = True
                continue
            if part.quoted or not split:
                current.append((value, part.quoted))
                exists = exists or part.quoted or bool(value)
                continue
            pieces = split_fields(value, separators)
            if not pieces:
                continue
            if value[:1] in separators and (exists or current):
                fields.append(current)
                current, exists = [], False
            for number, piece in enumerate(pieces):
                if number:
                    fields.append(current)
                    current = []
                current.append((piece, False))
                exists = True
            if value[-1:] in separators:
                fields.append(current)
                current, exists = [], False
        if exists or "".join(text for text, _ in current):
            fields.append(current)
        if not split:
            return ["".join(text for field in fields for text, _ in field)]
        result: list[str] = []
        for field in fields:
            text = "".join(text for text, _ in field)
            matches = self.glob(field) if glob and any(
                not quoted and _GLOB_CHARS & set(piece) for piece, quoted in field
            ) else []
            result.extend(matches or [text])
        return result

    async def _pattern_of(self, word: Word) -> str:
        """``word`` expanded as an fnmatch pattern (quoted characters match themselves)."""
        segments: list[Segment] = []
        for part in word.parts:
            if isinstance(part, Literal):
                segments.append((part.text, part.quoted))
            else:
                segments.append(("".join(await self.expand(Word((part,)), split=False)), part.quoted))
        return _pattern(segments)

    async def pattern_matches(self, subject: str, word: Word) -> bool:
        """Whether ``subject`` matches the ``case`` pattern ``word``."""
        return fnmatch.fnmatchcase(subject, _translate_negation(await self._pattern_of(word)))

    # ------------------------------------------------------------------ pathname expansion

    def glob(self, field: list[Segment]) -> list[str]:
        pattern = _pattern(field)
        absolute = pattern.startswith("/")
        components = [c for c in pattern.split("/") if c]
        candidates = ["/" if absolute else ""]
        fs = self.device.fs
        for component in components:
            following: list[str] = []
            literal = not _GLOB_CHARS & set(component.replace("[[]", "").replace("[*]", "").replace("[?]", ""))
            for base in candidates:
                directory = resolve_path(self.cwd, base or ".")
                if literal:
                    name = _unescape(component)
                    path = base + name if base.endswith("/") or not base else base + "/" + name
                    if fs.lstat(resolve_path(self.cwd, path)) is not None:
                        following.append(path)
                    continue
                try:
                    fs.check_access(directory, self.uid, R_OK)
                    entries = fs.listdir(normalize_path(directory))
                except FsError:
                    continue
                for name, _ in entries:
                    if name.startswith(".") and not component.startswith("."):
                        continue
                    if fnmatch.fnmatchcase(name, _translate_negation(component)):
                        following.append(base + name if base.endswith("/") or not base else base + "/" + name)
            candidates = following
            if not candidates:
                return []
        return sorted(candidates)


def _pattern(segments: list[Segment]) -> str:
    out: list[str] = []
    for text, quoted in segments:
        if quoted:
            out.append("".join(f"[{c}]" if c in "*?[" else c for c in text))
        else:
            out.append(text)
    return "".join(out)


def _unescape(pattern: str) -> str:
    return pattern.replace("[*]", "*").replace("[?]", "?").replace("[[]", "[")


def _translate_negation(pattern: str) -> str:
    """mksh accepts ``[!…]`` (fnmatch's form) and not ``[^…]`` as negation; fnmatch treats both alike."""
    return pattern


def strip_pattern(value: str, pattern: str, op: str) -> str:
    """``${X#p}`` (shortest prefix), ``##`` (longest), ``%`` (shortest suffix), ``%%`` (longest)."""
    indexes = range(len(value) + 1)
    if op in ("#", "##"):
        order = indexes if op == "#" else reversed(indexes)
        for i in order:
            if fnmatch.fnmatchcase(value[:i], pattern):
                return value[i:]
        return value
    order = reversed(indexes) if op == "%" else indexes
    for i in order:
        if fnmatch.fnmatchcase(value[i:], pattern):
            return value[:i]
    return value


def split_fields(value: str, separators: str) -> list[str]:
    """IFS whitespace splitting of an unquoted expansion."""
    fields: list[str] = []
    current: list[str] = []
    for char in value:
        if char in separators:
            if current:
                fields.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        fields.append("".join(current))
    return fields
