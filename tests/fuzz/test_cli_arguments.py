"""The ``jobctl`` command line fed arbitrary option values, spec files and scenario files.

In-process with click's ``CliRunner``; the device layer is replaced: job commands get a fake
session that checks each spec as the real session would (``bridge.validation`` at API 35,
then the request is encoded), the other commands a layer that raises :class:`Touched`. Every
run ends in one of: success; exit 1 (the spec was refused) with one ``jobctl: error:`` line; exit
2 with one such line and nothing sent -- never a traceback.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Self

import pytest
from click.testing import CliRunner, Result
from hypothesis import example, given
from hypothesis import strategies as st

from bridge import helper_protocol
from bridge.model import JobSpec, WorkItem
from bridge.scenario.loader import ScenarioError, load_scenario
from bridge.validation import validate, validate_enqueue
from cli.context import GlobalOptions
from cli.main import cli
from tests.fuzz.strategies import fuzz, json_specs, text, toml_document, toml_specs, toml_values
from tests.fuzz.test_scenario_loader import SCENARIOS


class Touched(Exception):
    """The command reached the device layer."""


class ValidatingSession:
    """Stands in for :class:`bridge.jobs.Session`: refuses what the device would (API 35), builds
    the exact request the helper would get, and records it."""

    def __init__(self) -> None:
        self.sent: list[tuple[JobSpec, list[WorkItem]]] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def schedule(self, spec: JobSpec) -> None:
        validate(spec, 35)
        helper_protocol.broadcast_command(helper_protocol.schedule_request(spec, "h-1"))
        self.sent.append((spec, []))

    def enqueue(self, spec: JobSpec, items: Sequence[WorkItem]) -> None:
        validate_enqueue(spec, list(items), 35)
        helper_protocol.enqueue_request(spec, list(items), "h-1").to_json()
        self.sent.append((spec, list(items)))

    class device:  # the Session attributes `schedule`/`enqueue` also use (issue 15: enqueue keeps a job's spec)
        serial = "FUZZ"

    def job(self, job_id: int, namespace: str | None = None) -> Any:
        from bridge.model.state import JobState

        class Absent:  # no job yet: enqueue schedules it with the flags' spec
            def state(self) -> JobState:
                return JobState(unknown=f"u0a123/jid{job_id}")

        return Absent()


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> ValidatingSession:
    fake = ValidatingSession()
    monkeypatch.setenv("JOBCTL_STATE_DIR", str(tmp_path_factory.mktemp("state")))

    def touched(self: GlobalOptions, *args: Any, **kwargs: Any) -> Any:
        raise Touched

    monkeypatch.setattr(GlobalOptions, "session", lambda self, *a, **k: fake)
    monkeypatch.setattr(GlobalOptions, "device", touched)
    return fake


@pytest.fixture
def untouchable(monkeypatch: pytest.MonkeyPatch) -> None:
    def touched(self: GlobalOptions, *args: Any, **kwargs: Any) -> Any:
        raise Touched

    monkeypatch.setattr(GlobalOptions, "session", touched)
    monkeypatch.setattr(GlobalOptions, "device", touched)


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args, prog_name="jobctl")


def assert_clean_refusal(result: Result, codes: tuple[int, ...] = (1, 2), lines: int = 1) -> None:
    """Exit 1 or 2, nothing on stdout, ``lines`` one-line errors on stderr, no traceback."""
    assert result.exit_code in codes, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    errors = result.stderr.splitlines()
    assert len(errors) == lines and all(e.startswith("jobctl") and ": error: " in e for e in errors), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A directory for the files one example writes (hypothesis reruns the test in it)."""
    with tempfile.TemporaryDirectory(prefix="jobctl-fuzz-") as name:
        yield Path(name)


# ----------------------------------------------------------------------------- schedule / enqueue flags

VALUE_LIKE = st.sampled_from([
    "1", "0", "-1", "1.5", "10MB", "5MiB", "10K", "unknown,5", "5,unknown", "1h,10m", "15m", "30s", "1.0005s",
    "linear,30s", "exponential", "random,1s", "content://x,descendants", ",descendants", "a=1", "jobctl.x=1",
    'id="42"', "k=1.0e999", "k=" + "9" * 25, "k=" + "9" * 5000, "tag=a,download=1MB,duration=2s,incomplete",
    "tag=,incomplete=maybe", "chunks=0,download=1", "estimated=1MB/unknown,min-chunk=1", "any", "not-roaming",
    "MAX", "high", "9" * 30 + "ms", "9" * 5000 + "s", "/nonexistent/spec.toml", "\x00", "-"])
OPTION_VALUE = st.one_of(VALUE_LIKE, VALUE_LIKE, text)
VALUED = ["--namespace", "-n", "--network", "--estimated-bytes", "--minimum-network-chunk-bytes",
          "--minimum-latency", "--override-deadline", "--periodic", "--backoff", "--priority",
          "--trigger-content-uri", "--extra", "--duration", "--download", "--upload", "--work", "--spec",
          "--work-file"]
FLAGS = ["--requires-charging", "--requires-device-idle", "--requires-battery-not-low", "--requires-storage-not-low",
         "--persisted", "--expedited", "--user-initiated", "--prefetch", "--hold-until-stopped",
         "--reschedule-on-stop", "--finish-reschedule"]
JOB_ARGS = st.tuples(
    st.sampled_from(["schedule", "enqueue"]),
    st.sampled_from(["1", "7", "-5", "2147483648", "x"]) | text,
    st.lists(st.tuples(st.sampled_from(VALUED), OPTION_VALUE).map(list) | st.sampled_from(FLAGS).map(lambda f: [f]),
             max_size=5),
    st.sampled_from(["none", "before", "after"]),
).map(lambda t: (["--json"] if t[3] == "before" else []) + [t[0], t[1], *[word for option in t[2] for word in option]]
      + (["--json"] if t[3] == "after" else []))


@fuzz(300)
@given(JOB_ARGS)
@example(["schedule", "1", "--extra", "k=" + "9" * 5000])
@example(["schedule", "1", "--duration", "9" * 400 + "s"])
@example(["schedule", "1", "--spec", "\x00"])
@example(["schedule", "1", "--extra", "jobctl.x=1"])
@example(["schedule", "1", "--namespace", "a\nb\x00"])
@example(["schedule", "3", "--requires-charging", "--namespace", "x; touch /data/local/tmp/pwned",
          "--extra", "$(id)=`id`", "--trigger-content-uri", "content://a/'b'"])
def test_any_job_flags_are_sent_refused_in_one_line_or_a_usage_error_before_the_device(
        session: ValidatingSession, args: list[str]) -> None:
    session.sent.clear()
    result = invoke(args)
    if result.exit_code == 0:
        assert result.exception is None and len(session.sent) == 1, result.output
        if "--json" in args:
            assert json.loads(result.stdout)["job_id"] == session.sent[0][0].job_id
        return
    assert_clean_refusal(result)
    if result.exit_code == 2:
        assert session.sent == []  # a usage error sends nothing


@fuzz(200)
@given(json_specs, st.booleans())
def test_any_json_spec_file_is_sent_refused_or_a_usage_error(session: ValidatingSession, scratch: Path,
                                                            document: Any, as_list_of_work: bool) -> None:
    session.sent.clear()
    path = scratch / "spec.json"
    body = {**document, "work": [{"tag": "a"}, "tag=b,download=1"]} if as_list_of_work and isinstance(
        document, dict) else document
    path.write_text(json.dumps(body))
    result = invoke(["schedule", "9", "--spec", str(path), "--requires-charging"])
    if result.exit_code == 0:
        assert session.sent and session.sent[0][0].job_id == 9
        return
    assert_clean_refusal(result)


@fuzz(200)
@given(toml_specs | toml_values(max_leaves=8).map(lambda v: {"x": v}))
def test_any_toml_spec_file_is_sent_refused_or_a_usage_error(session: ValidatingSession, scratch: Path,
                                                            document: Any) -> None:
    session.sent.clear()
    path = scratch / "spec.toml"
    path.write_text(toml_document(document) if isinstance(document, dict) else toml_document({"x": document}))
    result = invoke(["schedule", "9", "--spec", str(path)])
    if result.exit_code == 0:
        assert session.sent and session.sent[0][0].job_id == 9
        return
    assert_clean_refusal(result)


@pytest.mark.parametrize(("args", "message"), [
    (["schedule", "1", "--extra", "jobctl.x=1"], "field spec.extras.jobctl.x: reserved key prefix jobctl."),
    (["schedule", "1", "--extra", "k=" + "9" * 25], "is out of range for a 64-bit integer"),
    (["schedule", "1", "--extra", "k=1.0e999"], "is out of range for a double"),
    (["schedule", "1", "--duration", "9" * 400 + "s"], "has too many digits"),
    (["schedule", "1", "--download", "9" * 30 + "GiB"], "is too large"),
    (["schedule", "1", "--spec", "a\x00b"], "contains a NUL character"),
    (["schedule", "1", "--namespace", "a\x00b"], "contains a NUL character"),
    (["schedule", "1", "--spec", "/no/such\ndir/spec.toml"], "cannot read /no/such\\ndir/spec.toml"),
])
def test_input_that_used_to_crash_or_reach_the_device_is_one_usage_line(untouchable: None, args: list[str],
                                                                       message: str) -> None:
    result = invoke(args)
    assert_clean_refusal(result, codes=(2,))
    assert message in result.stderr


def test_nasty_flag_values_reach_the_request_exactly(session: ValidatingSession) -> None:
    """The example the property above is anchored on: it is sent, and sent intact."""
    result = invoke(["schedule", "3", "--requires-charging", "--namespace", "x; touch /data/local/tmp/pwned",
                     "--extra", "$(id)=`id`\n'", "--trigger-content-uri", "content://a/'b'"])
    assert result.exit_code == 0, result.output
    [(spec, items)] = session.sent
    assert (spec.namespace, spec.extras, spec.trigger_content_uris[0].uri, items) == (
        "x; touch /data/local/tmp/pwned", (("$(id)", "`id`\n'"),), "content://a/'b'", [])


def test_a_spec_file_value_of_the_wrong_type_is_named_before_the_device(untouchable: None, tmp_path: Path) -> None:
    """``"requires_charging": "false"`` used to schedule a job that requires charging."""
    path = tmp_path / "spec.json"
    path.write_text('{"requires_charging": "false"}')
    result = invoke(["schedule", "1", "--spec", str(path)])
    assert_clean_refusal(result, codes=(2,))
    assert f"{path}: field spec.requires_charging: expected boolean" in result.stderr


# ----------------------------------------------------------------------------- device conditions

DEVICE_ARGS = st.tuples(
    st.lists(st.tuples(st.sampled_from(["--package", "-p"]), OPTION_VALUE | st.sampled_from(
        ["dev.jobctl.helper", "dev.jobctl.helper\n", "com.example", "-r", "--user", "a..b"])).map(list), max_size=1),
    st.sampled_from(["status", "charging", "battery", "network", "idle", "doze", "storage", "bucket", "restrict",
                     "battery-saver", "reset", "reboot"]),
    st.lists(OPTION_VALUE | st.sampled_from(["on", "off", "OFF", "50", "101", "wifi", "rare", "never", "low"]),
             max_size=2),
    st.booleans(),
).map(lambda t: (["--json"] if t[3] else []) + ["device", *[w for o in t[0] for w in o], t[1], *t[2]])


@fuzz(300)
@given(DEVICE_ARGS)
@example(["device", "--package", "dev.jobctl.helper\n", "bucket", "rare"])
@example(["device", "--package", "x; touch /data/local/tmp/pwned", "status"])
@example(["device", "--package", "-r", "restrict", "on"])
@example(["device", "--package", "com.example", "bucket", "rare"])
def test_device_arguments_reach_the_device_only_when_valid(untouchable: None, args: list[str]) -> None:
    result = invoke(args)
    if isinstance(result.exception, Touched):
        if "--package" in args or "-p" in args:
            package = args[args.index("--package" if "--package" in args else "-p") + 1]
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*", package, re.ASCII), package
        return
    assert_clean_refusal(result, codes=(2,))


def test_a_package_with_a_trailing_newline_never_reaches_the_device(untouchable: None) -> None:
    """``$`` in the package pattern matched before a final newline, so ``'dev.jobctl.helper\\n'`` got
    through to an unquoted shell line (``am get-standby-bucket dev.jobctl.helper<newline>; …``)."""
    result = invoke(["device", "--package", "dev.jobctl.helper\n", "status"])
    assert_clean_refusal(result, codes=(2,))
    assert "is not a package name" in result.stderr


# ----------------------------------------------------------------------------- scenario files

REPORT_TARGETS = ["report.xml", "missing/dir/r.html", "\x00", ""]
"""Where --junit/--html may point: fine, a missing directory, a NUL byte, nothing."""


@fuzz(120)
@given(st.lists(SCENARIOS.map(lambda d: toml_document(d) if isinstance(d, dict) else "x = 1\n") | st.text(),
                min_size=1, max_size=2),
       st.lists(st.tuples(st.sampled_from(["--junit", "--html"]), st.sampled_from(REPORT_TARGETS)), max_size=1),
       st.booleans())
def test_scenario_files_are_all_checked_before_the_device(untouchable: None, scratch: Path, contents: list[str],
                                                          reports: list[tuple[str, str]], json_output: bool) -> None:
    paths = []
    for n, content in enumerate(contents):
        path = scratch / f"case{n}.toml"
        path.write_text(content, encoding="utf-8")
        paths.append(str(path))
    options = [word for option, target in reports
               for word in (option, str(scratch / target) if target.endswith((".xml", ".html")) else target)]
    result = invoke((["--json"] if json_output else []) + ["scenario", "run", *options, *paths])
    invalid = 0
    for path in paths:
        try:
            load_scenario(path)
        except ScenarioError:
            invalid += 1
    bad_report = any(target != "report.xml" for _, target in reports)
    if isinstance(result.exception, Touched):
        assert invalid == 0 and not bad_report
        return
    assert_clean_refusal(result, codes=(2,), lines=1 if bad_report else invalid)


def test_a_report_in_a_missing_directory_is_refused_before_the_device(untouchable: None, tmp_path: Path) -> None:
    """It used to run every scenario, then fail writing the report with a traceback."""
    scenario = tmp_path / "ok.toml"
    scenario.write_text('[scenario]\nname = "n"\n[[step]]\naction = "cancel"\njob_id = 1\n')
    result = invoke(["scenario", "run", "--junit", str(tmp_path / "no" / "such" / "r.xml"), str(scenario)])
    assert_clean_refusal(result, codes=(2,))
    assert "is not a directory" in result.stderr


@pytest.mark.parametrize("args", [["scenario", "run"], ["scenario", "bogus"], ["scenario", "run", "--junit"],
                                  ["scenario", "run", "--colour", "x.toml"]])
def test_scenario_usage_errors_are_one_line(untouchable: None, args: list[str]) -> None:
    assert_clean_refusal(invoke(args), codes=(2,))
