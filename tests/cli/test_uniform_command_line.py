"""What every ``jobctl`` command shares, checked on every command of the click tree (walked, so a
new command is covered without editing this file):

* ``--json`` and ``-s/--serial`` mean the same before or after the subcommand;
* every usage error (click's own included) is one line ``jobctl: error: …`` on stderr, exit 2;
* every option or file field that takes a DURATION refuses a bare number with one message;
* one ``--namespace`` definition.

In-process with click's ``CliRunner``; no command runs: the first command callback reached
raises :class:`Reached` carrying the global options it would have seen.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from bridge.grammar import BARE_NUMBER
from bridge.scenario.loader import ScenarioError, parse_scenario
from cli.context import GlobalOptions
from cli.main import cli
from cli.param_types import DURATION, POSITIVE_DURATION

OK_SCENARIO = '[scenario]\nname = "n"\n[[step]]\naction = "cancel"\njob_id = 1\n'

MINIMAL_ARGS: dict[str, list[str]] = {
    "device battery": ["50"], "device battery-saver": ["on"], "device bucket": ["rare"], "device charging": ["on"],
    "device doze": ["on"], "device idle": ["on"], "device network": ["wifi"], "device restrict": ["on"],
    "device storage": ["low"], "enqueue": ["1", "--work", "tag=a"], "run": ["1"], "scenario run": ["{scenario}"],
    "schedule": ["1"], "sim fault drop-on": ["echo"], "sim fault slow": ["--delay-ms", "5"], "state": ["1"],
    "stop": ["1"], "timeout": ["1"], "why": ["1"],
}
"""The arguments a command needs to get past parsing (``{scenario}``: a valid scenario file)."""


class Reached(Exception):
    """A command's callback was about to run, with these global options."""

    def __init__(self, options: GlobalOptions | None) -> None:
        super().__init__(options)
        self.options = options


def _walk(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            child = command.get_command(ctx, name)
            assert child is not None
            yield from _walk(child, (*path, name))


TREE = dict(_walk(cli, ()))
LEAVES = sorted(path for path, command in TREE.items() if not isinstance(command, click.Group))
GROUPS = sorted(path for path, command in TREE.items() if isinstance(command, click.Group))


def _name(path: tuple[str, ...]) -> str:
    return " ".join(path) or "jobctl"


@pytest.fixture
def reached(monkeypatch: pytest.MonkeyPatch) -> None:
    """A leaf command's callback is not run: :class:`Reached` is raised instead."""
    original = click.Command.invoke

    def invoke(self: click.Command, ctx: click.Context) -> Any:
        if isinstance(self, click.Group):
            return original(self, ctx)
        raise Reached(ctx.find_object(GlobalOptions))

    monkeypatch.setattr(click.Command, "invoke", invoke)


@pytest.fixture
def scenario_file(tmp_path: Path) -> str:
    path = tmp_path / "ok.toml"
    path.write_text(OK_SCENARIO)
    return str(path)


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args, prog_name="jobctl")


def _args(path: tuple[str, ...], scenario_file: str) -> list[str]:
    return [word.replace("{scenario}", scenario_file) for word in MINIMAL_ARGS.get(" ".join(path), [])]


def assert_one_usage_line(result: Result, path: tuple[str, ...], *fragments: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    command_path = " ".join(("jobctl", *path))
    assert lines[0].startswith("jobctl: error: ") and lines[0].endswith(f"(see '{command_path} --help')"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Usage:" not in result.stderr and "Try '" not in result.stderr and "Traceback" not in result.stderr
    return lines[0]


def test_the_tree_is_walked_whole() -> None:
    """So the parametrized tests below really cover every command."""
    assert len(LEAVES) >= 40 and ("sim", "fault", "drop-on") in LEAVES and ("helper", "status") in LEAVES
    assert {("device",), ("sim",), ("sim", "fault"), ("scenario",), ("helper",), ()} <= set(GROUPS)


# ----------------------------------------------------------------- --json and -s/--serial, before or after


@pytest.mark.parametrize("path", LEAVES, ids=_name)
def test_json_and_serial_mean_the_same_before_or_after_the_command(reached: None, scenario_file: str,
                                                                   path: tuple[str, ...]) -> None:
    args = _args(path, scenario_file)
    seen = []
    for words in ([*path, *args], ["--json", "-s", "X", *path, *args], [*path, *args, "--json", "-s", "X"],
                  [*path, *args, "--json", "--serial=X"], ["-s", "Y", *path, *args, "-s", "X", "--json"]):
        result = invoke(words)
        assert isinstance(result.exception, Reached), (words, result.output, result.exception)
        seen.append(result.exception.options)
    plain, *flagged = seen
    assert plain is not None and (plain.json, plain.serial) == (False, None)
    assert all(options == GlobalOptions(serial="X", adb_host=None, adb_port=None, json=True) for options in flagged)


@pytest.mark.parametrize("path", [p for p in GROUPS if p], ids=_name)
def test_json_and_serial_may_also_follow_a_group(reached: None, scenario_file: str, path: tuple[str, ...]) -> None:
    leaf = next(p for p in LEAVES if p[:len(path)] == path)
    result = invoke([*path, "--json", "-s", "X", *leaf[len(path):], *_args(leaf, scenario_file)])
    assert isinstance(result.exception, Reached), result.output
    assert result.exception.options == GlobalOptions(serial="X", adb_host=None, adb_port=None, json=True)


def test_the_other_global_options_still_come_first(reached: None) -> None:
    result = invoke(["-H", "10.0.0.2", "-P", "5038", "jobs", "--json"])
    assert isinstance(result.exception, Reached)
    assert result.exception.options == GlobalOptions(serial=None, adb_host="10.0.0.2", adb_port=5038, json=True)


def test_serial_from_the_environment_is_overridden_by_a_later_serial(reached: None) -> None:
    result = CliRunner(env={"ANDROID_SERIAL": "ENV"}).invoke(cli, ["jobs", "-s", "X"], prog_name="jobctl")
    assert isinstance(result.exception, Reached) and result.exception.options is not None
    assert result.exception.options.serial == "X"


def test_watch_names_its_stream_json_lines_and_json_means_the_same(reached: None) -> None:
    watch = TREE[("watch",)]
    assert "--json-lines" in {opt for param in watch.params for opt in param.opts}
    assert "--json-lines" in invoke(["watch", "--help"]).stdout


# ----------------------------------------------------------------- usage errors: one line, exit 2


@pytest.mark.parametrize("path", sorted(TREE), ids=_name)
def test_an_unknown_option_is_one_usage_line(reached: None, path: tuple[str, ...]) -> None:
    assert_one_usage_line(invoke([*path, "--bogus"]), path, "No such option '--bogus'")


@pytest.mark.parametrize("path", LEAVES, ids=_name)
def test_an_extra_argument_is_one_usage_line(reached: None, scenario_file: str, path: tuple[str, ...]) -> None:
    if " ".join(path) == "scenario run":
        pytest.skip("takes any number of files")
    result = invoke([*path, *_args(path, scenario_file), "extra", "more"])
    assert_one_usage_line(result, path)


@pytest.mark.parametrize("path", [p for p in LEAVES if any(
    isinstance(param, click.Argument) and param.required for param in TREE[p].params)], ids=_name)
def test_a_missing_argument_is_one_usage_line(reached: None, path: tuple[str, ...]) -> None:
    assert_one_usage_line(invoke(list(path)), path, "Missing argument")


@pytest.mark.parametrize("path", GROUPS, ids=_name)
def test_an_unknown_command_is_one_usage_line(reached: None, path: tuple[str, ...]) -> None:
    assert_one_usage_line(invoke([*path, "bogus"]), path, "No such command 'bogus'.")


@pytest.mark.parametrize("path", GROUPS, ids=_name)
def test_a_group_without_a_command_is_one_usage_line_listing_them(reached: None, path: tuple[str, ...]) -> None:
    group = TREE[path]
    assert isinstance(group, click.Group)
    names = group.list_commands(click.Context(group))
    assert_one_usage_line(invoke(list(path)), path, f"Missing command (one of: {', '.join(names)}).")


@pytest.mark.parametrize(("args", "path", "suggestion"), [
    (["jbos"], (), "Did you mean 'jobs'?"),
    (["shedule", "1"], (), "No such command 'shedule'. Did you mean 'schedule'? "),
    (["device", "chargin", "on"], ("device",), "Did you mean 'charging'?"),
    (["sim", "fault", "drpo"], ("sim", "fault"), "Did you mean 'drop'"),
])
def test_an_unknown_command_suggests_the_close_ones(reached: None, args: list[str], path: tuple[str, ...],
                                                     suggestion: str) -> None:
    assert_one_usage_line(invoke(args), path, suggestion)


@pytest.mark.parametrize(("args", "path", "fragment"), [
    (["devices", "extra"], ("devices",), "Got unexpected extra argument (extra)"),
    (["sim", "status", "--bogus"], ("sim", "status"), "No such option '--bogus'"),
    (["--adb-port", "x", "jobs"], (), "Invalid value for '--adb-port'"),
    (["jobs", "--namespace"], ("jobs",), "Option '--namespace' requires an argument"),
    (["sim", "start", "--count", "0"], ("sim", "start"), "Invalid value for '--count'"),
    (["sim", "fault", "drop-on", "x", "--after-bytes", "3"], ("sim", "fault", "drop-on"),
     "--after-bytes only goes with --when mid-output"),
    (["schedule", "1", "--work", "tag=a\nb,bogus=1"], ("schedule",), "unknown key 'bogus'"),
])
def test_click_and_command_usage_errors_are_one_line(args: list[str], path: tuple[str, ...], fragment: str) -> None:
    line = assert_one_usage_line(invoke(args), path, fragment)
    assert "\n" not in line


# ----------------------------------------------------------------- one DURATION grammar

BARE = BARE_NUMBER.format(text="30")


def test_the_duration_options_are_found() -> None:
    found = {(path, param.name) for path, command in TREE.items() for param in command.params
             if param.type in (DURATION, POSITIVE_DURATION)}
    assert found == {(("schedule",), "minimum_latency"), (("schedule",), "override_deadline"),
                     (("schedule",), "duration"), (("enqueue",), "minimum_latency"),
                     (("enqueue",), "override_deadline"), (("enqueue",), "duration"), (("watch",), "duration")}


DURATION_ARGS = [
    ["schedule", "1", "--minimum-latency", "30"], ["schedule", "1", "--override-deadline", "30"],
    ["schedule", "1", "--duration", "30"], ["schedule", "1", "--periodic", "30"],
    ["schedule", "1", "--periodic", "15m,30"], ["schedule", "1", "--backoff", "linear,30"],
    ["schedule", "1", "--work", "duration=30"], ["enqueue", "1", "--work", "tag=a", "--minimum-latency", "30"],
    ["enqueue", "1", "--work", "tag=a", "--override-deadline", "30"], ["enqueue", "1", "--work", "tag=a",
                                                                       "--duration", "30"],
    ["enqueue", "1", "--work", "tag=a", "--periodic", "1h,30"], ["enqueue", "1", "--backoff", "exponential,30",
                                                                 "--work", "tag=a"],
    ["enqueue", "1", "--work", "tag=a,duration=30"], ["watch", "--duration", "30"],
]


@pytest.mark.parametrize("args", DURATION_ARGS, ids=" ".join)
def test_a_bare_number_for_a_duration_option_is_refused_with_the_one_message(reached: None,
                                                                            args: list[str]) -> None:
    assert_one_usage_line(invoke(args), (args[0],), BARE)


@pytest.mark.parametrize(("name", "content"), [
    ("work.jsonl", '{"tag": "a", "duration": "30"}\n'),
    ("work.jsonl", '"tag=a,duration=30"\n'),
    ("work.toml", '[[work]]\ntag = "a"\nduration = "30"\n'),
])
def test_a_bare_number_for_a_duration_in_a_work_file_is_refused_with_the_one_message(
        untouched: None, tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    assert_one_usage_line(invoke(["schedule", "1", "--work-file", str(path)]), ("schedule",), BARE)


def test_a_bare_number_for_a_duration_in_a_spec_files_work_is_refused_with_the_one_message(
        untouched: None, tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({"requires_charging": True, "work": ["duration=30"]}))
    assert_one_usage_line(invoke(["schedule", "1", "--spec", str(path)]), ("schedule",), BARE)


SCENARIO_DURATIONS = [
    ('[[step]]\naction = "wait"\nuntil = "started"\njob_id = 1\ntimeout = "30"\n', "step 1 (wait): field timeout"),
    ('[[step]]\naction = "expect"\njob_id = 1\nstate = "pending"\ntimeout = "30"\n', "step 1 (expect): field timeout"),
]


@pytest.mark.parametrize(("steps", "where"), SCENARIO_DURATIONS)
def test_a_bare_number_for_a_duration_in_a_scenario_is_refused_with_the_one_message(steps: str, where: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario('[scenario]\nname = "t"\n' + steps, "case.toml")
    assert str(caught.value) == f"case.toml: {where}: {BARE}"


@pytest.mark.parametrize(("steps", "where"), SCENARIO_DURATIONS)
def test_the_scenario_refusal_reaches_the_command_line_as_one_line(untouched: None, tmp_path: Path, steps: str,
                                                                   where: str) -> None:
    path = tmp_path / "case.toml"
    path.write_text('[scenario]\nname = "t"\n' + steps)
    result = invoke(["scenario", "run", str(path)])
    assert result.exit_code == 2 and result.stderr == f"jobctl: error: {path}: {where}: {BARE}\n"


@pytest.fixture
def untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: GlobalOptions, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the device layer was touched")

    monkeypatch.setattr(GlobalOptions, "session", refuse)
    monkeypatch.setattr(GlobalOptions, "device", refuse)


def test_a_scenario_timeout_is_a_duration_or_a_number_of_seconds() -> None:
    steps = ('[[step]]\naction = "wait"\nuntil = "started"\njob_id = 1\ntimeout = "1m30s"\n'
             '[[step]]\naction = "expect"\njob_id = 1\nstate = "pending"\ntimeout = "500ms"\n'
             '[[step]]\naction = "expect"\njob_id = 1\nstate = "pending"\ntimeout = 5\n')
    wait, expect, seconds = parse_scenario('[scenario]\nname = "t"\n' + steps, "case.toml").steps
    assert (wait.timeout, expect.timeout, seconds.timeout) == (90.0, 0.5, 5.0)  # type: ignore[union-attr]


# ----------------------------------------------------------------- one --namespace


def test_every_namespace_option_is_the_one_definition() -> None:
    from cli.options import check_namespace

    namespaced = {path: param for path, command in TREE.items() for param in command.params
                  if param.name == "namespace"}
    assert set(namespaced) == {(n,) for n in ("schedule", "enqueue", "run", "stop", "timeout", "cancel", "state",
                                              "jobs", "why", "stops", "history")}
    for param in namespaced.values():
        assert isinstance(param, click.Option)
        assert (param.opts, param.callback, param.metavar, param.help) == (
            ["--namespace", "-n"], check_namespace, "NS",
            "The job's namespace (API 34+; default: the default namespace).")
