"""How every command prints what it did: one JSON document (``--json``, docs/cli-json.md) or
text (lines and rich tables), both from the same result.

A command builds its result (a typed value from ``bridge``), then calls :func:`show` with the
result's JSON form and the text blocks that describe it. Blocks are plain values; rich is
imported only when a table, a rule or a styled line is printed on a terminal (never for
``--help``). Colour only on a terminal; ``NO_COLOR`` is honoured. Off a terminal (a pipe, a file, a
CI log) nothing is ever cut: tables take the width their values need (:data:`PIPE_WIDTH` at most)
and rules are plain lines; there the tables and styled lines of plain ASCII text are laid out here
byte for byte as rich would (:func:`plain_text`), without importing rich (about 20 ms a command).
"""

from __future__ import annotations

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
    stream = sys.stderr if stderr else sys.stdout
    plain = not _styled_output(stream)
    for block in blocks:
        if isinstance(block, Line) and isinstance(block.text, str):
            click.echo(block.text, err=stderr)
            continue
        text = plain_text(block, _pipe_width()) if plain else None
        if text is not None:
            stream.write(text)
            stream.flush()
            continue
        out = out or console(stderr)
        out.print(renderable(block, out.is_terminal))


def emit_json(document: Any) -> None:
    """Write one JSON document on stdout."""
    import json  # only with --json (start-up, issue 16)

    json.dump(document, sys.stdout, indent=2, sort_keys=False, default=str)
    sys.stdout.write("\n")


def json_line(document: Any) -> None:
    """Write one JSON document as one line on stdout, flushed (a JSON-lines stream)."""
    import json

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
    width = None if terminal else _pipe_width()
    return Console(stderr=stderr, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, width=width)


def _pipe_width() -> int:
    return max(PIPE_WIDTH, _columns())


_RICH_TERMINAL_ENV = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES")
"""Variables that can make rich treat a pipe as a terminal (or a notebook): rich then prints."""


def _styled_output(stream: Any) -> bool:
    """Whether rich could style or reflow what goes to ``stream`` (a terminal, or told so)."""
    try:
        terminal = bool(stream.isatty())
    except (AttributeError, ValueError):
        return True
    return terminal or any(name in os.environ for name in _RICH_TERMINAL_ENV)


def _plain_cell(text: str) -> bool:
    """One line of printable ASCII: one column per character, nothing for rich to wrap or escape."""
    return text.isascii() and text.isprintable()


def _plain_markup(text: str) -> bool:
    """A column name or title rich reads as markup (``[bold]``, ``:emoji:``) that has none."""
    return _plain_cell(text) and not any(mark in text for mark in "[]:\\")


def _cell_text(cell: Cell) -> str:
    return cell.text if isinstance(cell, Styled) else cell


def plain_text(block: Block, width: int) -> str | None:
    """What rich prints for ``block`` on a console ``width`` columns wide that is not a terminal
    (no styles; ``box=None`` tables: one space of padding either side of every cell, each column
    as wide as its widest cell, a title centred above), or None when rich would have to do more:
    non-ASCII or multi-line text, a cell with outer spaces (rich trims them to align), markup in
    a column name or title, a title wider than the table, a table with no line or wider than
    ``width``, a rule. ``tests/cli/test_render_plain.py`` compares the two."""
    if isinstance(block, Line):
        text = _cell_text(block.text)
        return text + "\n" if _plain_cell(text) and len(text) <= width else None
    if isinstance(block, Rule) or not block.columns or not all(_plain_markup(c) for c in block.columns):
        return None
    header = (block.columns,) if block.show_header else ()
    grid = [*header, *(tuple(_cell_text(cell) for cell in row) for row in block.rows)]
    if not grid or any(len(row) != len(block.columns) for row in grid):
        return None
    if not all(_plain_cell(text) and text == text.strip() for row in grid for text in row):
        return None
    widths = [max(len(row[n]) for row in grid) for n in range(len(block.columns))]
    total = sum(widths) + 2 * len(widths)
    if total > width:
        return None
    lines = []
    if block.title:
        if not _plain_markup(block.title) or len(block.title) > total:
            return None
        left = (total - len(block.title)) // 2
        lines.append(" " * left + block.title + " " * (total - len(block.title) - left))
    right = [column in block.right_aligned for column in block.columns]
    for row in grid:
        cells = zip(row, widths, right, strict=True)
        lines.append("".join(f" {text.rjust(w) if r else text.ljust(w)} " for text, w, r in cells))
    return "".join(line + "\n" for line in lines)


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
