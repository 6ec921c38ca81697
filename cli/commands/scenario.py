"""``jobctl scenario run FILE...``: run declarative TOML scenarios (scenarios/README.md) and
report them (a table, ``--json``, ``--junit FILE``, ``--html FILE``, ``--trace FILE``).

Exit codes: 0 all passed (or were skipped for the device's API level), 1 an expectation
failed or a step errored, 2 a file is not a valid scenario (nothing is run then).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bridge.grammar import one_line
from cli.context import GlobalOptions
from cli.file_param import FILE_PATH
from cli.render import Line, Styled, Table, console, show
from cli.usage import OneLineUsageError

if TYPE_CHECKING:
    from bridge.jobs import Session
    from bridge.scenario.lanes import ReportDevice
    from bridge.scenario.model import Scenario, ScenarioResult, Step


@click.group()
def scenario() -> None:
    """Run declarative TOML scenarios with expectations.

    \b
    Example:
      jobctl scenario run my_charging_test.toml --html report.html --trace run.json
    """


@scenario.command("run")
@click.argument("files", nargs=-1, required=True, type=FILE_PATH)
@click.option("--junit", "junit_path", type=FILE_PATH, metavar="FILE",
              help="Write a JUnit XML report (one testsuite per file). Default: none.")
@click.option("--html", "html_path", type=FILE_PATH, metavar="FILE",
              help="Write a self-contained HTML report: per scenario a lane per job and per changed condition, "
                   "steps on the time axis, stop reasons on the runs. Default: none.")
@click.option("--trace", "trace_path", type=FILE_PATH, metavar="FILE",
              help="Write the run as a Chrome trace-event JSON file that ui.perfetto.dev opens (a track per job "
                   "and per changed condition). Default: none.")
@click.pass_obj
def run(options: GlobalOptions, /, files: tuple[Path, ...], junit_path: Path | None, html_path: Path | None,
        trace_path: Path | None) -> None:
    """Validate every FILE, then run them in order on the device.

    A scenario file is TOML: a [scenario] table (name, description, min_api), then [[step]]
    tables run in order, each with an action: schedule or enqueue (job = {job_id, requires_*,
    script}, items), run, device (charging, battery_level, battery_low, battery_saver, wifi,
    cellular, airplane, metered, idle, doze, storage_low, bucket, restrict), wait (seconds, or
    until = an event kind with job_id and timeout), stop, timeout, cancel, expect (job_id with
    state, stop_reason, transferred, delivery; timeout).
    Exit 0: all passed (or skipped for the API level); 1: an expectation failed or a step
    errored; 2: a file is not a valid scenario (nothing runs).

    \b
    Examples:
      jobctl scenario run charging.toml
      jobctl scenario run *.toml --junit results.xml --html report.html --trace run.json
    """
    from bridge.scenario.loader import ScenarioError, load_scenario
    from bridge.scenario.runner import run_scenario
    from cli.exit_codes import ExitCode

    for report in (junit_path, html_path, trace_path):
        if report is not None and not report.resolve().parent.is_dir():
            raise OneLineUsageError(f"cannot write {report}: {report.parent} is not a directory",
                                    click.get_current_context())
    scenarios, problems = [], []
    for path in files:
        try:
            scenarios.append(load_scenario(path))
        except ScenarioError as error:
            problems.append(str(error))
    if problems:
        for problem in problems:
            click.echo(f"jobctl: error: {problem}", err=True)
        raise SystemExit(ExitCode.USAGE)

    results: list[ScenarioResult] = []
    with options.session() as session:
        device = _report_device(session)
        for loaded in scenarios:
            if options.json:
                results.append(run_scenario(session, loaded))
            else:
                results.append(_run_with_progress(session, loaded))
    if junit_path is not None:
        from bridge.scenario.junit import junit_xml

        _write_report(junit_path, junit_xml(results))
    if html_path is not None:
        from bridge.scenario.html import html_report

        _write_report(html_path, html_report(results, device=device))
    if trace_path is not None:
        from bridge.scenario.trace import trace_json

        _write_report(trace_path, trace_json(results, device))
    passed = all(r.passed for r in results)
    show(options, {"passed": passed, "files": [_result_json(r) for r in results]}, *_summary(results))
    if not passed:
        raise SystemExit(ExitCode.FAILURE)


def _report_device(session: Session) -> ReportDevice:
    from bridge.scenario.lanes import ReportDevice

    device = session.device
    return ReportDevice(device.serial, device.getprop("ro.product.model"), device.api_level)


def _write_report(path: Path, text: str) -> None:
    from cli.exit_codes import ExitCode

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        click.echo(f"jobctl: error: cannot write {one_line(str(path))}: {error.strerror or error}", err=True)
        raise SystemExit(ExitCode.FAILURE) from None


def _run_with_progress(session: Session, loaded: Scenario) -> ScenarioResult:
    """Run one scenario with a live step list on stderr."""
    from rich.markup import escape
    from rich.progress import (
        Progress,
        SpinnerColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    from bridge.scenario.model import StepOutcome, StepStatus, describe
    from bridge.scenario.runner import run_scenario

    marks = {StepStatus.PASSED: "[green]✓[/]", StepStatus.FAILED: "[red]✗[/]", StepStatus.ERROR: "[red]![/]"}
    tasks: dict[int, TaskID] = {}
    err = console(stderr=True)
    err.print(f"[bold]{escape(loaded.name)}[/] [dim]({escape(loaded.source)})[/]")
    with Progress(SpinnerColumn(finished_text=" "), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err) as progress:
        def started(index: int, step: Step) -> None:
            tasks[index] = progress.add_task(f"  {index}. {escape(describe(step))}", total=1)

        def finished(outcome: StepOutcome) -> None:
            text = f"{marks[outcome.status]} {outcome.index}. {escape(outcome.description)}"
            if outcome.message and outcome.status is not StepStatus.PASSED:
                text += f" [red]— {escape(outcome.message)}[/]"
            progress.update(tasks[outcome.index], description=text, completed=1)

        return run_scenario(session, loaded, on_step_start=started, on_step_end=finished)


def _result_json(result: ScenarioResult) -> dict[str, Any]:
    return {
        "file": result.scenario.source,
        "name": result.scenario.name,
        "status": result.status,
        "passed": result.passed,
        "message": result.message,
        "duration_s": round(result.duration, 3),
        "steps": [{"index": s.index, "action": s.action, "description": s.description, "status": s.status.value,
                   "message": s.message, "started_wall_ms": int(s.started_wall * 1000) if s.started_wall else None,
                   "duration_s": round(s.duration, 3)} for s in result.steps],
    }


def _summary(results: list[ScenarioResult]) -> tuple[Table, Line]:
    from bridge.scenario.model import StepStatus

    colours = {"passed": "green", "failed": "red", "error": "red", "skipped": "yellow"}
    table = Table(("file", "scenario", "result", "steps", "time", "message"), tuple(
        (result.scenario.source, result.scenario.name, Styled(result.status, colours[result.status]),
         f"{sum(1 for s in result.steps if s.status is StepStatus.PASSED)}/{len(result.steps)}",
         f"{result.duration:.2f} s", result.message)
        for result in results), title="Scenarios", right_aligned=frozenset({"steps", "time"}))
    failed = sum(1 for r in results if not r.passed)
    return table, Line(f"{len(results) - failed} passed, {failed} failed" if failed else f"all {len(results)} passed")
