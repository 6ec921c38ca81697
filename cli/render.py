"""How every command prints what it did: one JSON document (``--json``, docs/cli-json.md) or
text (lines and rich tables), both from the same result.

A command builds its result (a typed value from ``bridge``), then calls :func:`show` with the
result's JSON form and the text blocks that describe it. Blocks are plain values; rich is
imported only when a table, a rule or a styled line is printed (never for ``--help``).
Colour only on a terminal; ``NO_COLOR`` is honoured. Off a terminal (a pipe, a file, a CI log)
nothing is ever cut: tables take the width their values need (:data:`PIPE_WIDTH` at most) and
rules are plain lines.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console

    from cli.context import GlobalOptions


@dataclass(frozen=True)
class Styled:
    """Text in a rich style (``"bold"``, ``"green"`` …), never read as markup."""

    text: str
    style: str


Cell = str | Styled


@dataclass(frozen=True)
class Line:
    """One line of text (plain: printed as is, unwrapped)."""

    text: Cell


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    title: str | None = None
    show_header: bool = True
    bold_first_column: bool = False
    right_aligned: frozenset[str] = frozenset()
    fold: bool = False
    """Fold long cells onto several lines instead of cutting them with "…" (on a terminal; off a
    terminal cells are never cut)."""
    edge: bool = True


@dataclass(frozen=True)
class Rule:
    """A horizontal rule with a title (a section of a longer story, e.g. ``demo``)."""

    title: str


Block = Line | Table | Rule


def show(options: GlobalOptions, document: Any, *blocks: Block) -> None:
    """``document`` as JSON with ``--json``, else ``blocks`` as text on stdout."""
    if options.json:
        emit_json(document)
    else:
        print_blocks(blocks)


def print_blocks(blocks: Sequence[Block], stderr: bool = False) -> None:
    """Text blocks, in order."""
    out: Console | None = None
    for block in blocks:
        if isinstance(block, Line) and isinstance(block.text, str):
            click.echo(block.text, err=stderr)
            continue
        out = out or console(stderr)
        out.print(renderable(block, out.is_terminal))


def emit_json(document: Any) -> None:
    """Write one JSON document on stdout."""
    json.dump(document, sys.stdout, indent=2, sort_keys=False, default=str)
    sys.stdout.write("\n")


def json_line(document: Any) -> None:
    """Write one JSON document as one line on stdout, flushed (a JSON-lines stream)."""
    sys.stdout.write(json.dumps(document, default=str) + "\n")
    sys.stdout.flush()


@contextmanager
def status(text: str, quiet: bool = False) -> Iterator[None]:
    """A spinner with ``text`` on stderr while the block runs (nothing when ``quiet``)."""
    if quiet:
        yield
        return
    with console(stderr=True).status(text):
        yield


PIPE_WIDTH = 4096
"""Columns of a console that is not a terminal: wide enough that no table is cut or folded."""


def console(stderr: bool = False) -> Console:
    """A rich console: colour only on a terminal, ``NO_COLOR`` honoured; off a terminal as wide as
    the text needs (:data:`PIPE_WIDTH`), unless ``COLUMNS`` says wider."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    terminal = stream.isatty() or bool(os.environ.get("FORCE_COLOR"))
    width = None if terminal else max(PIPE_WIDTH, _columns())
    return Console(stderr=stderr, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, width=width)


def _columns() -> int:
    try:
        return int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        return 0


def _text(cell: Cell) -> Any:
    from rich.text import Text

    return Text(cell.text, style=cell.style) if isinstance(cell, Styled) else Text(cell)


def renderable(block: Block, terminal: bool = True) -> Any:
    """``block`` as a rich renderable; ``terminal=False``: nothing cut, rules as plain lines."""
    if isinstance(block, Line):
        return _text(block.text)
    if isinstance(block, Rule):
        if not terminal:
            return _text(Styled(f"── {block.title} ──", "bold"))
        from rich.rule import Rule as RichRule

        return RichRule(_text(Styled(block.title, "bold")))
    from rich.table import Table as RichTable

    table = RichTable(title=block.title, box=None, header_style="bold", show_header=block.show_header,
                      show_edge=block.edge)
    for number, column in enumerate(block.columns):
        table.add_column(column, justify="right" if column in block.right_aligned else "left",
                         overflow="fold" if block.fold or not terminal else "ellipsis",
                         style="bold" if block.bold_first_column and number == 0 else None)
    for row in block.rows:
        table.add_row(*(_text(cell) for cell in row))
    return table
