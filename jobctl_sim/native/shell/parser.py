"""Parse the subset of ``/system/bin/sh`` (mksh) command lines the virtual device runs.

Supported: words with ``'single'`` and ``"double"`` quotes and backslash escapes, ``$?``,
``$$``, ``$#``, ``$0``-``$9``, ``$NAME`` and ``${NAME}`` (also inside double quotes), ``NAME=value``
assignments, ``;``, newlines, ``&&``, ``||``, pipes ``|``, ``#`` comments and the redirections
``<``, ``>``, ``>|``, ``>>``, ``N>``, ``N>>``, ``N<``, ``N>&M``, ``N<&M``.

Everything else a real mksh accepts raises :class:`Unsupported` naming the construct, so the
shell can say so instead of silently doing something different: command substitution,
backticks, arithmetic, ``${NAME...}`` operators, ``$@``/``$*``/``$!``/``$-``, ``$'...'``,
background ``&``, co-processes, subshells, here documents, compound commands and keywords
(``if``, ``for``, ``while``, ``case``, ``{ }``, ``[[ ]]``, ``!``, functions), globbing.

Error texts follow mksh: an unterminated quote is ``no closing quote`` (``lex.c``, ``yyerror``);
grammar errors are ``syntax error: 'TOKEN' unexpected`` or ``syntax error: unexpected EOF``
(``syn.c``, ``syntaxerr``). Both make a non-interactive mksh exit with status 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# ----------------------------------------------------------------------------- errors


class ShellSyntaxError(Exception):
    """The line is not valid shell: mksh prints ``<sh>: <message>`` and exits 1."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unsupported(Exception):
    """Valid shell that the virtual device does not implement."""

    def __init__(self, construct: str) -> None:
        super().__init__(construct)
        self.construct = construct


def _unexpected(token: str | None) -> ShellSyntaxError:
    if token is None:
        return ShellSyntaxError("syntax error: unexpected EOF")
    return ShellSyntaxError(f"syntax error: '{token}' unexpected")


# ----------------------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Literal:
    """Text that expands to itself. ``quoted`` text is never split or treated as a keyword."""

    text: str
    quoted: bool


@dataclass(frozen=True)
class Param:
    """A parameter expansion: ``$NAME``, ``${NAME}``, ``$?``, ``$1``..."""

    name: str
    quoted: bool


WordPart = Literal | Param


@dataclass(frozen=True)
class Word:
    parts: tuple[WordPart, ...]

    @property
    def plain(self) -> str | None:
        """The word's text if it is a single unquoted literal (keywords, fd numbers)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Literal) and not self.parts[0].quoted:
            return self.parts[0].text
        return None


@dataclass(frozen=True)
class Redirect:
    """``fd op target``: op is ``<``, ``>``, ``>>``, ``<&`` or ``>&`` (target an fd number)."""

    fd: int
    op: str
    target: Word


@dataclass(frozen=True)
class Assignment:
    name: str
    value: Word


@dataclass(frozen=True)
class SimpleCommand:
    assignments: tuple[Assignment, ...]
    words: tuple[Word, ...]
    redirects: tuple[Redirect, ...]


@dataclass(frozen=True)
class Pipeline:
    commands: tuple[SimpleCommand, ...]


@dataclass(frozen=True)
class AndOr:
    """``first (&&|| next)*``: each tail item runs if the previous status allows it."""

    first: Pipeline
    rest: tuple[tuple[str, Pipeline], ...]


@dataclass(frozen=True)
class Script:
    items: tuple[AndOr, ...]


# ----------------------------------------------------------------------------- lexer

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_SPECIAL_PARAMS = {"?": "?", "$": "$", "#": "#"}
_UNSUPPORTED_PARAMS = {"@", "*", "!", "-"}
_KEYWORDS = frozenset(
    {"if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until",
     "do", "done", "function", "time", "{", "}", "!", "[[", "]]", "in"}
)


_Adder = Callable[[str, bool], None]
"""Appends text (quoted or not) to the word being built."""


@dataclass(frozen=True)
class _Tok:
    kind: str
    """``word``, ``op`` or ``redir``."""
    text: str
    word: Word | None = None
    fd: int = -1


class _Lexer:
    """Turns a command line into word, operator and redirection tokens."""

    def __init__(self, line: str) -> None:
        self.s = line
        self.i = 0
        self.tokens: list[_Tok] = []

    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.s[j] if j < len(self.s) else ""

    def run(self) -> list[_Tok]:
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t":
                self.i += 1
            elif c == "\\" and self.peek(1) == "\n":
                self.i += 2
            elif c == "#":
                while self.i < len(self.s) and self.s[self.i] != "\n":
                    self.i += 1
            elif c in ";&|()\n":
                self._operator()
            elif c in "<>":
                self._redirect(-1)
            else:
                self._word()
        return self.tokens

    def _operator(self) -> None:
        c, n = self.s[self.i], self.peek(1)
        if c == "&" and n == ">":
            raise Unsupported("&>")
        if c + n in ("&&", "||", ";;", "|&"):
            self.i += 2
            if c + n == "|&":
                raise Unsupported("|&")
            self.tokens.append(_Tok("op", c + n))
            return
        self.i += 1
        if c == "&":
            raise Unsupported("&")
        if c in "()":
            raise Unsupported("( )")
        self.tokens.append(_Tok("op", c))

    def _redirect(self, fd: int) -> None:
        c = self.s[self.i]
        two, three = self.s[self.i:self.i + 2], self.s[self.i:self.i + 3]
        if three == "<<<" or two == "<<":
            raise Unsupported("<<")
        if two == "<>":
            raise Unsupported("<>")
        if two in (">>", ">&", "<&"):
            op, self.i = two, self.i + 2
        elif two == ">|":
            op, self.i = ">", self.i + 2
        else:
            op, self.i = c, self.i + 1
        if fd < 0:
            fd = 0 if op[0] == "<" else 1
        self.tokens.append(_Tok("redir", op, fd=fd))

    def _word(self) -> None:
        start = self.i
        parts: list[WordPart] = []
        buf: list[str] = []
        buf_quoted = False

        def flush() -> None:
            if buf:
                parts.append(Literal("".join(buf), buf_quoted))
                buf.clear()

        def add(text: str, quoted: bool) -> None:
            nonlocal buf_quoted
            if buf and buf_quoted != quoted:
                flush()
            buf_quoted = quoted
            buf.append(text)

        any_quote = False
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t\n;&|()":
                break
            if c in "<>":
                text = "".join(buf)
                if not parts and not buf_quoted and text.isdigit() and len(text) == 1:
                    self._redirect(int(text))  # a single digit glued to the operator: an fd
                    return
                break
            if c == "\\":
                nxt = self.peek(1)
                self.i += 2
                if nxt == "\n":
                    continue
                if nxt:
                    add(nxt, True)
                continue
            if c == "'":
                end = self.s.find("'", self.i + 1)
                if end < 0:
                    raise ShellSyntaxError("no closing quote")
                add(self.s[self.i + 1:end], True)
                any_quote = True
                self.i = end + 1
                continue
            if c == '"':
                any_quote = True
                self._double_quoted(add, flush, parts)
                continue
            if c == "`":
                raise Unsupported("`...`")
            if c == "$":
                self._dollar(add, flush, parts, quoted=False)
                continue
            if c in "*?":
                raise Unsupported(f"{c} (globbing)")
            if c == "[" and "]" in self._rest_of_unquoted_word():
                raise Unsupported("[...] (globbing)")
            add(c, False)
            self.i += 1
        flush()
        if any_quote and not parts:
            parts.append(Literal("", True))
        self.tokens.append(_Tok("word", self.s[start:self.i], word=Word(tuple(parts))))

    def _rest_of_unquoted_word(self) -> str:
        j = self.i
        while j < len(self.s) and self.s[j] not in " \t\n;&|()<>'\"\\":
            j += 1
        return self.s[self.i:j]

    def _double_quoted(self, add: _Adder, flush: Callable[[], None], parts: list[WordPart]) -> None:
        self.i += 1
        while True:
            if self.i >= len(self.s):
                raise ShellSyntaxError("no closing quote")
            c = self.s[self.i]
            if c == '"':
                self.i += 1
                add("", True)
                return
            if c == "\\":
                nxt = self.peek(1)
                if nxt in ('"', "\\", "$", "`"):
                    add(nxt, True)
                    self.i += 2
                elif nxt == "\n":
                    self.i += 2
                else:
                    add("\\", True)
                    self.i += 1
                continue
            if c == "`":
                raise Unsupported("`...`")
            if c == "$":
                self._dollar(add, flush, parts, quoted=True)
                continue
            add(c, True)
            self.i += 1

    def _dollar(
        self, add: _Adder, flush: Callable[[], None], parts: list[WordPart], quoted: bool
    ) -> None:
        n = self.peek(1)
        if n == "(":
            raise Unsupported("$((...))" if self.peek(2) == "(" else "$(...)")
        if n == "'" and not quoted:
            raise Unsupported("$'...'")
        if n in _UNSUPPORTED_PARAMS:
            raise Unsupported(f"${n}")
        if n in _SPECIAL_PARAMS or (n.isdigit() and n):
            flush()
            parts.append(Param(n, quoted))
            self.i += 2
            return
        if n == "{":
            end = self.s.find("}", self.i + 2)
            if end < 0:
                raise ShellSyntaxError("no closing quote")
            inner = self.s[self.i + 2:end]
            if not (_NAME.fullmatch(inner) or inner in _SPECIAL_PARAMS or inner.isdigit()):
                raise Unsupported("${" + inner + "}")
            flush()
            parts.append(Param(inner, quoted))
            self.i = end + 1
            return
        match = _NAME.match(self.s, self.i + 1)
        if match:
            flush()
            parts.append(Param(match.group(0), quoted))
            self.i = match.end()
            return
        add("$", quoted)
        self.i += 1


# ----------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, tokens: list[_Tok]) -> None:
        self.toks = tokens
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def is_op(self, *ops: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "op" and tok.text in ops

    def script(self) -> Script:
        items: list[AndOr] = []
        while True:
            while self.is_op("\n"):
                self.i += 1
            if self.peek() is None:
                break
            items.append(self.and_or())
            if self.peek() is None:
                break
            if not self.is_op(";", "\n"):
                raise _unexpected(self.peek().text)  # type: ignore[union-attr]
            self.i += 1
        return Script(tuple(items))

    def and_or(self) -> AndOr:
        first = self.pipeline()
        rest: list[tuple[str, Pipeline]] = []
        while self.is_op("&&", "||"):
            op = self.toks[self.i].text
            self.i += 1
            while self.is_op("\n"):
                self.i += 1
            rest.append((op, self.pipeline()))
        return AndOr(first, tuple(rest))

    def pipeline(self) -> Pipeline:
        commands = [self.command()]
        while self.is_op("|"):
            self.i += 1
            while self.is_op("\n"):
                self.i += 1
            commands.append(self.command())
        return Pipeline(tuple(commands))

    def command(self) -> SimpleCommand:
        assignments: list[Assignment] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while True:
            tok = self.peek()
            if tok is None or tok.kind == "op":
                break
            self.i += 1
            if tok.kind == "redir":
                target = self.peek()
                if target is None or target.kind != "word":
                    raise _unexpected(None if target is None else target.text)
                self.i += 1
                assert target.word is not None
                if tok.text in (">&", "<&"):
                    plain = target.word.plain
                    if plain == "-":
                        raise Unsupported(f"{tok.text}-")
                    if plain is None or not plain.isdigit():
                        raise Unsupported(f"{tok.text} to a file")
                redirects.append(Redirect(tok.fd, tok.text, target.word))
                continue
            assert tok.word is not None
            if not words:
                plain = tok.word.plain
                if plain in _KEYWORDS:
                    raise Unsupported(plain)
                assignment = _as_assignment(tok.word)
                if assignment is not None:
                    assignments.append(assignment)
                    continue
            words.append(tok.word)
        if not (words or assignments or redirects):
            tok = self.peek()
            raise _unexpected(None if tok is None else tok.text)
        return SimpleCommand(tuple(assignments), tuple(words), tuple(redirects))


def _as_assignment(word: Word) -> Assignment | None:
    first = word.parts[0] if word.parts else None
    if not isinstance(first, Literal) or first.quoted:
        return None
    match = _ASSIGNMENT.match(first.text)
    if match is None:
        return None
    remainder = first.text[match.end():]
    parts: tuple[WordPart, ...] = ((Literal(remainder, False),) if remainder else ()) + word.parts[1:]
    return Assignment(match.group(1), Word(parts))


def parse(line: str) -> Script:
    """Parse a whole command line; raises :class:`ShellSyntaxError` or :class:`Unsupported`."""
    return _Parser(_Lexer(line).run()).script()
