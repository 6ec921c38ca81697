"""Help that teaches: every command of the tree, walked through click, has an example; every
option that takes a value says its unit, default or choices; value lists are never cut; where
``--work`` is, the work-item keys are documented; no help sends an installed user to a file
only the source tree has; a mistyped command gets its did-you-mean."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from bridge.grammar import WORK_KEYS
from cli.main import cli

GLOBAL_OPTIONS = {"--json", "--serial", "--help", "--version"}
SOURCE_ONLY = re.compile(r"PROTOCOL\.md|README\.md|android-helper/|docs/|\.md\b|scenarios/README")
UNIT = re.compile(r"\b\d+(?:\.\d+)?(?:ms|s|m|h|d|B|KB|MB|GB|KiB|MiB|GiB|%)\b|\bunits?\b|\bseconds?\b|\bmilliseconds\b"
                  r"|\bbytes\b|\bpercent\b", re.IGNORECASE)


def _commands(group: click.Group, ctx: click.Context, path: tuple[str, ...]) -> Iterator[tuple[str, click.Command,
                                                                                                 click.Context]]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        sub = click.Context(command, info_name=name, parent=ctx)
        yield " ".join((*path, name)), command, sub
        if isinstance(command, click.Group):
            yield from _commands(command, sub, (*path, name))


def _all() -> list[tuple[str, click.Command, click.Context]]:
    root = click.Context(cli, info_name="jobctl")
    return [("jobctl", cli, root), *(("jobctl " + p, c, x) for p, c, x in _commands(cli, root, ()))]


ALL = _all()
IDS = [path for path, _, _ in ALL]


@pytest.mark.parametrize(("path", "command", "ctx"), ALL, ids=IDS)
def test_every_command_help_has_an_example(path: str, command: click.Command, ctx: click.Context) -> None:
    text = command.get_help(ctx)
    assert re.search(r"^\s*Examples?:\s*$", text, re.MULTILINE), f"{path} --help has no 'Example(s):' section"
    examples = _examples(text)
    assert examples, f"{path} --help shows no example command line"
    leaf = path.split()[1:]
    assert all(e.split()[:1 + len(leaf)] == ["jobctl", *leaf] or not leaf for e in examples[:1]), \
        f"{path}: its first example runs another command: {examples[0]}"


@pytest.mark.parametrize(("path", "command", "ctx"), ALL, ids=IDS)
def test_every_option_with_a_value_says_unit_default_or_choices(path: str, command: click.Command,
                                                                ctx: click.Context) -> None:
    problems = []
    for param in command.params:
        if not isinstance(param, click.Option) or param.is_flag or param.count or set(param.opts) & GLOBAL_OPTIONS:
            continue
        name = max(param.opts, key=len)
        help_text = param.help or ""
        record = param.get_help_record(ctx)
        shown = " ".join(record) if record else ""
        if not help_text:
            problems.append(f"{name}: no help")
            continue
        choices = isinstance(param.type, click.Choice)
        said = choices or re.search(r"\bdefault\b|\brequired\b|\brepeatable\b", shown, re.IGNORECASE)
        if not said:
            problems.append(f"{name}: says neither its default nor its choices")
        metavar = (param.metavar or param.type.name or "").upper()
        if any(word in metavar for word in ("DURATION", "INTERVAL", "BYTES", "DOWN,UP", "LEVEL", "SECONDS")) \
                and not UNIT.search(help_text):
            problems.append(f"{name}: a {metavar} with no unit in its help")
    assert not problems, f"{path}: " + "; ".join(problems)


@pytest.mark.parametrize(("path", "command", "ctx"), ALL, ids=IDS)
def test_help_names_no_file_an_installed_user_lacks_and_cuts_no_list(path: str, command: click.Command,
                                                                     ctx: click.Context) -> None:
    text = command.get_help(ctx)
    assert not SOURCE_ONLY.search(text), f"{path} --help names {SOURCE_ONLY.search(text)}"  # type: ignore[union-attr]
    assert "…" not in text, f"{path} --help cuts a value list"
    for param in command.params:
        if isinstance(param, click.Option) and isinstance(param.type, click.Choice):
            for choice in param.type.choices:
                assert str(choice) in text, f"{path}: choice {choice} of {param.opts} not shown"


@pytest.mark.parametrize(("path", "command", "ctx"), [a for a in ALL if any(
    isinstance(p, click.Option) and "--work" in p.opts for p in a[1].params)], ids=lambda v: v if isinstance(v, str)
    else "")
def test_work_item_keys_are_documented_where_work_is(path: str, command: click.Command, ctx: click.Context) -> None:
    text = command.get_help(ctx)
    missing = [key for key in WORK_KEYS if key not in text]
    assert not missing, f"{path} --help does not document the work-item keys {missing}"


@pytest.mark.parametrize(("typed", "meant"), [
    (["wath"], "watch"), (["jbos"], "jobs"), (["scenario", "rnu"], "run"), (["device", "chargng"], "charging"),
    (["sheduel"], "schedule"),
])
def test_a_mistyped_command_gets_did_you_mean(typed: list[str], meant: str) -> None:
    result = CliRunner().invoke(cli, typed)
    assert result.exit_code == 2
    assert f"Did you mean '{meant}'" in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(("path", "command", "ctx"), ALL, ids=IDS)
def test_every_example_parses(path: str, command: click.Command, ctx: click.Context) -> None:
    """Each example command line is accepted by the parser as typed (nothing is run)."""
    import shlex

    for line in _examples(command.get_help(ctx)):
        words = shlex.split(line.split(" #", 1)[0].split(" | ", 1)[0].split(" && ", 1)[0])[1:]
        current: click.Command = cli
        parent = click.Context(cli, info_name="jobctl")
        try:
            context = current.make_context("jobctl", list(words), parent=None, resilient_parsing=False)
            while isinstance(current, click.Group) and (_protected(context) or context.args):
                name, *rest = [*_protected(context), *context.args]
                found = current.get_command(context, name)
                assert found is not None, f"{path}: example {line!r}: no command {name!r}"
                current, context = found, found.make_context(name, rest, parent=context)
        except click.UsageError as error:
            raise AssertionError(f"{path}: example {line!r} does not parse: {error.format_message()}") from None
        del parent


def _examples(text: str) -> list[str]:
    """The command lines of the help's Example(s): section."""
    section = re.search(r"^\s*Examples?:\s*\n((?:[ \t]+\S.*\n?)+)", text, re.MULTILINE)
    return [] if section is None else [line.strip() for line in section.group(1).splitlines()
                                       if line.strip().startswith("jobctl")]


def _protected(context: click.Context) -> list[str]:
    return list(getattr(context, "_protected_args", None) or [])
