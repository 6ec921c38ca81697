"""Off a terminal, tables and styled lines are laid out without rich, byte for byte as rich would."""

from __future__ import annotations

import io
import random
import string

import pytest

from cli.render import PIPE_WIDTH, Block, Line, Rule, Styled, Table, plain_text, print_blocks, renderable


def rich_text(block: Block, width: int = PIPE_WIDTH) -> str:
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, no_color=True, highlight=False, width=width).print(renderable(block, False))
    return out.getvalue()


def _word(rng: random.Random, alphabet: str) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 2, 5, 9, 30])))


def _tables(seed: int) -> list[Table]:
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + " -_:./[]()=*%"
    tables = []
    for _ in range(200):
        columns = tuple(_word(rng, alphabet) or "c" for _ in range(rng.randint(1, 6)))
        rows = tuple(tuple(Styled(_word(rng, alphabet), "bold") if rng.random() < 0.2 else _word(rng, alphabet)
                           for _ in columns) for _ in range(rng.randint(0, 6)))
        tables.append(Table(columns, rows, title=rng.choice([None, "", "T", "jobs", "a much longer title"]),
                            show_header=rng.random() < 0.8, bold_first_column=rng.random() < 0.5,
                            right_aligned=frozenset(c for c in columns if rng.random() < 0.3),
                            fold=rng.random() < 0.5, edge=rng.random() < 0.5))
    return tables


@pytest.mark.parametrize("seed", range(5))
def test_a_plain_table_is_laid_out_exactly_as_rich_lays_it_out_off_a_terminal(seed: int) -> None:
    laid_out = 0
    for table in _tables(seed):
        text = plain_text(table, PIPE_WIDTH)
        if text is not None:
            laid_out += 1
            assert text == rich_text(table), table
    assert laid_out > 40  # the rest have outer spaces or markup: left to rich


@pytest.mark.parametrize("line", ["", "bold words", "  padded  ", "x" * PIPE_WIDTH])
def test_a_styled_line_prints_as_rich_prints_it(line: str) -> None:
    block = Line(Styled(line, "bold"))
    assert plain_text(block, PIPE_WIDTH) == rich_text(block)


@pytest.mark.parametrize("block", [
    Rule("Done"),
    Line(Styled("naïve", "bold")),
    Line(Styled("two\nlines", "bold")),
    Line(Styled("x" * (PIPE_WIDTH + 1), "bold")),
    Table(("job",), (("tab\there",),)),
    Table(("job",), (("日本",),)),
    Table(("a",), (("wide",),), title="a title wider than the table"),
    Table(("a",), (("x" * PIPE_WIDTH,),)),
    Table(("[bold]a",), (("x",),)),
    Table(("a",), (("x",),), title=":smile:"),
    Table(("a",), (), show_header=False, title="t"),
    Table(("a",), (("P ",),), right_aligned=frozenset({"a"})),
])
def test_what_rich_must_reflow_or_measure_is_left_to_rich(block: Block) -> None:
    assert plain_text(block, PIPE_WIDTH) is None


def test_blocks_off_a_terminal_print_without_importing_rich(capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES"):
        monkeypatch.delenv(name, raising=False)
    table = Table(("id", "state"), (("7", Styled("ready", "green")), ("12", "waiting")), title="jobs",
                  right_aligned=frozenset({"id"}))
    import rich.console

    def no_rich(*args: object, **kwargs: object) -> None:
        raise AssertionError("rich was used")

    expected = "plain\n" + rich_text(table) + "done\n"
    monkeypatch.setattr(rich.console.Console, "__init__", no_rich)
    print_blocks([Line("plain"), table, Line(Styled("done", "bold"))])
    assert capsys.readouterr().out == expected
    assert expected.splitlines()[1:-1] == ["    jobs     ", " id  state   ", "  7  ready   ", " 12  waiting "]
