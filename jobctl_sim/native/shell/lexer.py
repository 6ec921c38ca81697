"""Split a mksh command line into words, operators and redirections (mksh ``lex.c``).

Words keep their structure (:mod:`.ast` parts): quoting, ``$NAME``/``${NAME op arg}``, ``$(…)`` and
backquotes (parsed recursively into a script), ``$((…))``. Glob characters stay in unquoted
literals; the interpreter expands them. An unterminated quote, ``${``, ``$(`` or backquote is mksh's
``no closing quote``.

Not implemented (raise :class:`Unsupported`): background ``&``, co-processes ``|&``, ``&>``, here
documents ``<<``, ``<>``, ``$'…'``, ``${NAME/pattern/replacement}`` and other ``${…}`` forms
beyond the POSIX operators.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from jobctl_sim.native.shell.ast import Arith, CommandSub, Literal, Param, Word, WordPart


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


NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SPECIAL_PARAMS = frozenset("?$#@*!-")
_PARAM_OPS = (":-", ":=", ":+", ":?", "##", "%%", "-", "=", "+", "?", "#", "%")
_WORD_BREAK = " \t\n;&|()<>"

_Adder = Callable[[str, bool], None]


@dataclass(frozen=True)
class Token:
    kind: str
    """``word``, ``op`` or ``redir``."""
    text: str
    word: Word | None = None
    fd: int = -1


class Lexer:
    """Turns a command line into word, operator and redirection tokens."""

    def __init__(self, line: str, parse_script: Callable[[str], object]) -> None:
        self.s = line
        self.i = 0
        self.tokens: list[Token] = []
        self.parse_script = parse_script
        """Parses the text of ``$(…)`` (the parser's entry point, passed in to avoid a cycle)."""

    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.s[j] if j < len(self.s) else ""

    def run(self) -> list[Token]:
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
                token = self._word(_WORD_BREAK)
                if token is not None:
                    self.tokens.append(token)
        return self.tokens

    def _operator(self) -> None:
        c, n = self.s[self.i], self.peek(1)
        if c == "&" and n == ">":
            raise Unsupported("&>")
        if c + n in ("&&", "||", ";;", "|&"):
            self.i += 2
            if c + n == "|&":
                raise Unsupported("|&")
            self.tokens.append(Token("op", c + n))
            return
        self.i += 1
        if c == "&":
            raise Unsupported("&")
        self.tokens.append(Token("op", c))

    def _redirect(self, fd: int) -> None:
        c = self.s[self.i]
        two = self.s[self.i:self.i + 2]
        if two == "<<":
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
        self.tokens.append(Token("redir", op, fd=fd))

    # ------------------------------------------------------------------ words

    def _word(self, breaks: str) -> Token | None:
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
            if c in breaks:
                if c in "<>" and not parts and not buf_quoted and len(buf) == 1 and buf[0].isdigit():
                    self._redirect(int(buf[0]))  # a single digit glued to the operator: an fd
                    return None
                break
            if c == "\\":
                nxt = self.peek(1)
                self.i += 2
                if nxt and nxt != "\n":
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
                flush()
                parts.append(self._backquote(quoted=False))
                continue
            if c == "$":
                self._dollar(add, flush, parts, quoted=False)
                continue
            add(c, False)
            self.i += 1
        flush()
        if any_quote and not parts:
            parts.append(Literal("", True))
        return Token("word", self.s[start:self.i], word=Word(tuple(parts)))

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
                flush()
                parts.append(self._backquote(quoted=True))
                continue
            if c == "$":
                self._dollar(add, flush, parts, quoted=True)
                continue
            add(c, True)
            self.i += 1

    def _backquote(self, quoted: bool) -> CommandSub:
        """A backquoted command: ``\\$``, ``\\``` and ``\\\\`` lose their backslash inside."""
        j = self.i + 1
        text: list[str] = []
        while j < len(self.s) and self.s[j] != "`":
            if self.s[j] == "\\" and j + 1 < len(self.s) and self.s[j + 1] in "$`\\":
                j += 1
            text.append(self.s[j])
            j += 1
        if j >= len(self.s):
            raise ShellSyntaxError("no closing quote")
        self.i = j + 1
        return CommandSub(self.parse_script("".join(text)), quoted)  # type: ignore[arg-type]

    def _matching(self, start: int, open_: str, close: str) -> int:
        """Index of the ``close`` that balances text from ``start`` (quotes skipped)."""
        depth, j = 1, start
        while j < len(self.s):
            c = self.s[j]
            if c == "\\":
                j += 2
                continue
            if c == "'":
                end = self.s.find("'", j + 1)
                j = len(self.s) if end < 0 else end + 1
                continue
            if c == '"':
                j += 1
                while j < len(self.s) and self.s[j] != '"':
                    j += 2 if self.s[j] == "\\" else 1
                j += 1
                continue
            if c == open_:
                depth += 1
            elif c == close:
                depth -= 1
                if depth == 0:
                    return j
            j += 1
        raise ShellSyntaxError("no closing quote")

    def _dollar(self, add: _Adder, flush: Callable[[], None], parts: list[WordPart], quoted: bool) -> None:
        n = self.peek(1)
        if n == "(":
            if self.peek(2) == "(":
                end = self._matching(self.i + 3, "(", ")")
                if self.peek(end - self.i + 1) != ")":
                    raise Unsupported("$( (…) )")
                flush()
                parts.append(Arith(self.s[self.i + 3:end], quoted))
                self.i = end + 2
                return
            end = self._matching(self.i + 2, "(", ")")
            flush()
            parts.append(CommandSub(self.parse_script(self.s[self.i + 2:end]), quoted))  # type: ignore[arg-type]
            self.i = end + 1
            return
        if n == "'" and not quoted:
            raise Unsupported("$'...'")
        if n in SPECIAL_PARAMS or (n.isdigit() and n):
            flush()
            parts.append(Param(n, quoted))
            self.i += 2
            return
        if n == "{":
            end = self._matching(self.i + 2, "{", "}")
            flush()
            parts.append(_braced(self.s[self.i + 2:end], quoted))
            self.i = end + 1
            return
        match = NAME.match(self.s, self.i + 1)
        if match:
            flush()
            parts.append(Param(match.group(0), quoted))
            self.i = match.end()
            return
        add("$", quoted)
        self.i += 1


def _braced(inner: str, quoted: bool) -> Param:
    """``${…}``: a name with an optional POSIX operator, or ``${#NAME}``."""
    if inner.startswith("#") and len(inner) > 1:
        name = inner[1:]
        if NAME.fullmatch(name) or name in SPECIAL_PARAMS or name.isdigit():
            return Param(name, quoted, op="len")
    match = NAME.match(inner)
    if match:
        name = match.group(0)
    elif inner[:1].isdigit():
        name = re.match(r"\d+", inner).group(0)  # type: ignore[union-attr]
    elif inner[:1] in SPECIAL_PARAMS:
        name = inner[:1]
    else:
        raise Unsupported("${" + inner + "}")
    rest = inner[len(name):]
    if not rest:
        return Param(name, quoted)
    for op in _PARAM_OPS:
        if rest.startswith(op):
            return Param(name, quoted, op=op, arg=rest[len(op):])
    raise Unsupported("${" + inner + "}")


def word_of(text: str, parse_script: Callable[[str], object], quoted: bool = False) -> Word:
    """``text`` lexed as one word without breaking at blanks (operator arguments, here text)."""
    lexer = Lexer(text, parse_script)
    token = lexer._word("")
    assert token is not None and token.word is not None
    if not quoted:
        return token.word
    parts: list[WordPart] = []
    for part in token.word.parts:
        if isinstance(part, Literal):
            parts.append(Literal(part.text, True))
        elif isinstance(part, Param):
            parts.append(Param(part.name, True, part.op, part.arg))
        elif isinstance(part, CommandSub):
            parts.append(CommandSub(part.script, True))
        else:
            parts.append(Arith(part.text, True))
    return Word(tuple(parts))
