"""The syntax tree of a mksh command line (what :mod:`.parser` builds and :mod:`.interpreter` runs).

Node kinds follow mksh's ``tree.h`` (``TCOM`` simple command, ``TPIPE``, ``TAND``/``TOR``,
``TBRACE``, ``TPAREN``, ``TIF``/``TELIF``, ``TWHILE``/``TUNTIL``, ``TFOR``, ``TCASE``, ``TFUNCT``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Literal:
    """Text that expands to itself. ``quoted`` text is never split, globbed or a keyword."""

    text: str
    quoted: bool


@dataclass(frozen=True)
class Param:
    """``$NAME``, ``${NAME}``, ``$?``, ``$1``, ``$@`` … with an optional ``${NAME<op><arg>}`` operator
    (``:-`` ``-`` ``:=`` ``=`` ``:+`` ``+`` ``:?`` ``?`` ``#`` ``##`` ``%`` ``%%``, or ``len`` for ``${#NAME}``)."""

    name: str
    quoted: bool
    op: str = ""
    arg: str = ""


@dataclass(frozen=True)
class CommandSub:
    """``$(…)`` or a backquoted command: replaced by its output without trailing newlines."""

    script: Script
    quoted: bool


@dataclass(frozen=True)
class Arith:
    """``$((…))``: the expression text (expanded, then evaluated as mksh ``expr.c`` does)."""

    text: str
    quoted: bool


WordPart = Literal | Param | CommandSub | Arith


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
class BraceGroup:
    """``{ list; }``: runs in the current shell."""

    body: Script
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True)
class Subshell:
    """``( list )``: runs in a copy of the shell; nothing it changes survives."""

    body: Script
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True)
class IfClause:
    """``if``/``elif`` branches (condition, body) and the ``else`` body."""

    branches: tuple[tuple[Script, Script], ...]
    otherwise: Script | None
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True)
class Loop:
    """``while``/``until`` (``until`` inverts the condition)."""

    until: bool
    condition: Script
    body: Script
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True)
class ForLoop:
    """``for NAME [in WORDS]; do …; done`` (no ``in``: the positional parameters)."""

    name: str
    words: tuple[Word, ...] | None
    body: Script
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True)
class CaseItem:
    patterns: tuple[Word, ...]
    body: Script


@dataclass(frozen=True)
class CaseClause:
    subject: Word
    items: tuple[CaseItem, ...]
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True)
class FunctionDef:
    """``NAME() compound`` or ``function NAME compound``."""

    name: str
    body: Command


Command = SimpleCommand | BraceGroup | Subshell | IfClause | Loop | ForLoop | CaseClause | FunctionDef


@dataclass(frozen=True)
class Pipeline:
    commands: tuple[Command, ...]
    negated: bool = False


@dataclass(frozen=True)
class AndOr:
    """``first (&&|| next)*``: each tail item runs if the previous status allows it."""

    first: Pipeline
    rest: tuple[tuple[str, Pipeline], ...]


@dataclass(frozen=True)
class Script:
    items: tuple[AndOr, ...]
