"""Parse ``/system/bin/sh`` (mksh) command lines into :mod:`.ast` trees (mksh ``syn.c``).

Supported grammar: lists (``;``, newlines, ``&&``, ``||``), pipelines (``|``, ``!``), simple
commands with ``NAME=value`` assignments and redirections (``<``, ``>``, ``>|``, ``>>``, ``N>``,
``N>&M``, ``N<&M``), ``{ …; }``, ``( … )``, ``if/elif/else/fi``, ``while``/``until … do … done``,
``for NAME [in WORDS]``, ``case WORD in PATTERN[|PATTERN]) … ;; esac``, functions
(``NAME() { …; }`` and ``function NAME { …; }``); words as :mod:`.lexer` reads them.

Error texts follow mksh: an unterminated quote is ``no closing quote`` (``lex.c``); grammar errors
are ``syntax error: 'TOKEN' unexpected`` or ``syntax error: unexpected EOF`` (``syn.c``
``syntaxerr``). Both make a non-interactive mksh exit with status 1. Not implemented (raise
:class:`Unsupported`): ``[[ … ]]``, ``(( … ))``, ``select``, ``time``, co-processes, background jobs,
here documents.
"""

from __future__ import annotations

import re

from jobctl_sim.native.shell.ast import (
    AndOr,
    Assignment,
    BraceGroup,
    CaseClause,
    CaseItem,
    Command,
    ForLoop,
    FunctionDef,
    IfClause,
    Literal,
    Loop,
    Pipeline,
    Redirect,
    Script,
    SimpleCommand,
    Subshell,
    Word,
    WordPart,
)
from jobctl_sim.native.shell.lexer import NAME, Lexer, ShellSyntaxError, Token, Unsupported

__all__ = ["ShellSyntaxError", "Unsupported", "parse"]

_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_CLOSERS = frozenset({"then", "else", "elif", "fi", "do", "done", "esac", "}", "in"})
_UNSUPPORTED_WORDS = frozenset({"[[", "]]", "select", "time", "coproc"})


def _unexpected(token: Token | None) -> ShellSyntaxError:
    if token is None:
        return ShellSyntaxError("syntax error: unexpected EOF")
    return ShellSyntaxError(f"syntax error: '{token.text}' unexpected")


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.toks = tokens
        self.i = 0

    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else None

    def is_op(self, *ops: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "op" and tok.text in ops

    def is_word(self, *words: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "word" and tok.word is not None and tok.word.plain in words

    def skip_newlines(self) -> None:
        while self.is_op("\n"):
            self.i += 1

    def expect_word(self, word: str) -> None:
        if not self.is_word(word):
            raise _unexpected(self.peek())
        self.i += 1

    def expect_op(self, op: str) -> None:
        if not self.is_op(op):
            raise _unexpected(self.peek())
        self.i += 1

    # ------------------------------------------------------------------ lists

    def script(self) -> Script:
        items: list[AndOr] = []
        while True:
            self.skip_newlines()
            if self.peek() is None:
                break
            items.append(self.and_or())
            if self.peek() is None:
                break
            if not self.is_op(";", "\n"):
                raise _unexpected(self.peek())
            self.i += 1
        return Script(tuple(items))

    def compound_list(self, closing_words: frozenset[str], closing_ops: frozenset[str] = frozenset(),
                      allow_empty: bool = False) -> Script:
        """Items up to (not including) one of the closing reserved words or operators."""
        items: list[AndOr] = []
        while True:
            self.skip_newlines()
            tok = self.peek()
            if tok is None:
                raise _unexpected(None)
            if (tok.kind == "word" and tok.word is not None and tok.word.plain in closing_words) or (
                tok.kind == "op" and tok.text in closing_ops
            ):
                break
            items.append(self.and_or())
            if self.is_op(";", "\n"):
                self.i += 1
                continue
            tok = self.peek()
            if tok is None or not ((tok.kind == "op" and tok.text in closing_ops) or self.is_word(*closing_words)):
                raise _unexpected(tok)
        if not items and not allow_empty:
            raise _unexpected(self.peek())
        return Script(tuple(items))

    def and_or(self) -> AndOr:
        first = self.pipeline()
        rest: list[tuple[str, Pipeline]] = []
        while self.is_op("&&", "||"):
            op = self.toks[self.i].text
            self.i += 1
            self.skip_newlines()
            rest.append((op, self.pipeline()))
        return AndOr(first, tuple(rest))

    def pipeline(self) -> Pipeline:
        negated = False
        while self.is_word("!"):
            self.i += 1
            negated = not negated
        commands = [self.command()]
        while self.is_op("|"):
            self.i += 1
            self.skip_newlines()
            commands.append(self.command())
        return Pipeline(tuple(commands), negated)

    # ------------------------------------------------------------------ commands

    def command(self) -> Command:
        tok = self.peek()
        if tok is None:
            raise _unexpected(None)
        if tok.kind == "op" and tok.text == "(":
            self.i += 1
            body = self.compound_list(frozenset(), frozenset({")"}))
            self.expect_op(")")
            return Subshell(body, self.redirects())
        plain = tok.word.plain if tok.kind == "word" and tok.word is not None else None
        if plain in _UNSUPPORTED_WORDS:
            raise Unsupported(plain or "")
        if plain in _CLOSERS:
            raise _unexpected(tok)
        if plain == "{":
            self.i += 1
            body = self.compound_list(frozenset({"}"}))
            self.expect_word("}")
            return BraceGroup(body, self.redirects())
        if plain == "if":
            return self.if_clause()
        if plain in ("while", "until"):
            self.i += 1
            condition = self.compound_list(frozenset({"do"}))
            body = self.do_group()
            return Loop(plain == "until", condition, body, self.redirects())
        if plain == "for":
            return self.for_loop()
        if plain == "case":
            return self.case_clause()
        if plain == "function":
            self.i += 1
            name = self.peek()
            if name is None or name.word is None or not NAME.fullmatch(name.word.plain or ""):
                raise _unexpected(name)
            self.i += 1
            if self.is_op("("):
                self.i += 1
                self.expect_op(")")
            self.skip_newlines()
            return FunctionDef(name.word.plain or "", self.command())
        after = self.peek(1)
        opens_function = after is not None and after.kind == "op" and after.text == "("
        if plain is not None and NAME.fullmatch(plain) and opens_function:
            self.i += 2
            self.expect_op(")")
            self.skip_newlines()
            return FunctionDef(plain, self.command())
        return self.simple_command()

    def do_group(self) -> Script:
        self.expect_word("do")
        body = self.compound_list(frozenset({"done"}))
        self.expect_word("done")
        return body

    def if_clause(self) -> IfClause:
        self.i += 1
        branches: list[tuple[Script, Script]] = []
        otherwise: Script | None = None
        while True:
            condition = self.compound_list(frozenset({"then"}))
            self.expect_word("then")
            body = self.compound_list(frozenset({"elif", "else", "fi"}))
            branches.append((condition, body))
            if self.is_word("elif"):
                self.i += 1
                continue
            if self.is_word("else"):
                self.i += 1
                otherwise = self.compound_list(frozenset({"fi"}))
            self.expect_word("fi")
            return IfClause(tuple(branches), otherwise, self.redirects())

    def for_loop(self) -> ForLoop:
        self.i += 1
        tok = self.peek()
        if tok is None or tok.word is None or not NAME.fullmatch(tok.word.plain or ""):
            raise _unexpected(tok)
        name = tok.word.plain or ""
        self.i += 1
        self.skip_newlines()
        words: list[Word] | None = None
        if self.is_word("in"):
            self.i += 1
            words = []
            while (tok := self.peek()) is not None and tok.kind == "word":
                assert tok.word is not None
                words.append(tok.word)
                self.i += 1
            if not self.is_op(";", "\n"):
                raise _unexpected(self.peek())
            self.i += 1
        elif self.is_op(";"):
            self.i += 1
        self.skip_newlines()
        body = self.do_group()
        return ForLoop(name, None if words is None else tuple(words), body, self.redirects())

    def case_clause(self) -> CaseClause:
        self.i += 1
        tok = self.peek()
        if tok is None or tok.kind != "word" or tok.word is None:
            raise _unexpected(tok)
        subject = tok.word
        self.i += 1
        self.skip_newlines()
        self.expect_word("in")
        items: list[CaseItem] = []
        while True:
            self.skip_newlines()
            if self.is_word("esac"):
                self.i += 1
                break
            if self.is_op("("):
                self.i += 1
            patterns: list[Word] = []
            while True:
                tok = self.peek()
                if tok is None or tok.kind != "word" or tok.word is None:
                    raise _unexpected(tok)
                patterns.append(tok.word)
                self.i += 1
                if self.is_op("|"):
                    self.i += 1
                    continue
                break
            self.expect_op(")")
            body = self.compound_list(frozenset({"esac"}), frozenset({";;"}), allow_empty=True)
            items.append(CaseItem(tuple(patterns), body))
            if self.is_op(";;"):
                self.i += 1
        return CaseClause(subject, tuple(items), self.redirects())

    def redirects(self) -> tuple[Redirect, ...]:
        found: list[Redirect] = []
        while (tok := self.peek()) is not None and tok.kind == "redir":
            self.i += 1
            found.append(self.redirect_target(tok))
        return tuple(found)

    def redirect_target(self, tok: Token) -> Redirect:
        target = self.peek()
        if target is None or target.kind != "word":
            raise _unexpected(target)
        self.i += 1
        assert target.word is not None
        if tok.text in (">&", "<&"):
            plain = target.word.plain
            if plain == "-":
                raise Unsupported(f"{tok.text}-")
            if plain is None or not plain.isdigit():
                raise Unsupported(f"{tok.text} to a file")
        return Redirect(tok.fd, tok.text, target.word)

    def simple_command(self) -> SimpleCommand:
        assignments: list[Assignment] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while True:
            tok = self.peek()
            if tok is None or tok.kind == "op":
                break
            self.i += 1
            if tok.kind == "redir":
                redirects.append(self.redirect_target(tok))
                continue
            assert tok.word is not None
            if not words:
                assignment = _as_assignment(tok.word)
                if assignment is not None:
                    assignments.append(assignment)
                    continue
            words.append(tok.word)
        if not (words or assignments or redirects):
            raise _unexpected(self.peek())
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
    return _Parser(Lexer(line, parse).run()).script()
