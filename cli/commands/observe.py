"""``jobctl why``, ``jobctl stops`` and ``jobctl watch``: explain, look back, look live.

The logic is in :mod:`bridge.diagnosis` (``diagnose``, ``stop_history``) and
:mod:`bridge.watch_timeline`; these commands only render (:mod:`cli.render`).
"""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime
from typing import TYPE_CHECKING

import click

from cli.context import GlobalOptions
from cli.options import namespace_option
from cli.param_types import POSITIVE_DURATION
from cli.render import Cell, Line, Styled, Table, json_line, print_blocks, show

if TYPE_CHECKING:
    from bridge.model import JobEvent
    from bridge.watch_timeline import Board, LiveJob, TimelineEntry


# ---------------------------------------------------------------------------- why
@click.command()
@click.argument("job_id", type=int, metavar="JOB_ID")
@namespace_option
@click.pass_obj
def why(options: GlobalOptions, /, job_id: int, namespace: str | None) -> None:
    """Explain why job JOB_ID is not running, and the command that would unblock it.

    \b
    Examples:
      jobctl why 7
      jobctl why 7 --namespace sync --json
    """
    from bridge.diagnosis import diagnose

    diagnosis = diagnose(options.device(), job_id, namespace)
    blocks: list[Line | Table] = [Line(Styled(diagnosis.summary, "bold"))]
    if diagnosis.exists:
        details = [f"state: {' '.join(diagnosis.state) or '?'}",
                   f"bucket: {diagnosis.standby_bucket or '?'}",
                   f"requires: {' '.join(diagnosis.required_constraints) or 'nothing'}",
                   f"unsatisfied: {' '.join(diagnosis.unsatisfied_constraints) or 'nothing'}"]
        blocks.append(Line("  " + "   ".join(details)))
    if diagnosis.blockers:
        blocks.append(Table(("#", "kind", "why", "to unblock"), tuple(
            (str(number), blocker.kind.value, blocker.reason, blocker.command or "-")
            for number, blocker in enumerate(diagnosis.blockers, 1)), fold=True, edge=False))
    if diagnosis.run_problems:
        blocks.append(Line(Styled("past runs that ended badly (oldest first):", "bold")))
        blocks.extend(Line(f"  {problem.kind.value}, {problem.ago_ms / 1000:.0f} s ago: {problem.explanation}")
                      for problem in diagnosis.run_problems)
    show(options, diagnosis.to_json_object(), *blocks)


# ---------------------------------------------------------------------------- stops
@click.command()
@namespace_option
@click.option("--job", "job_id", type=int, metavar="ID", default=None,
              help="Only this job id. Default: every job.")
@click.pass_obj
def stops(options: GlobalOptions, /, namespace: str | None, job_id: int | None) -> None:
    """The stop-reason history, from the helper's durable journal (oldest first).

    \b
    Examples:
      jobctl stops
      jobctl stops --job 7 --json
    """
    from bridge.diagnosis import stop_history

    records = stop_history(options.device(), namespace, job_id)
    table = Table(("time", "job", "stop reason", "code", "reschedule", "items done", "downloaded", "uploaded"), tuple(
        (record.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
         f"{record.namespace}:{record.job_id}" if record.namespace else str(record.job_id),
         record.stop_reason_name or "(API < 31)",
         "-" if record.stop_reason_code is None else str(record.stop_reason_code),
         "-" if record.reschedule is None else str(record.reschedule).lower(),
         f"{record.items_completed}/{record.items_dequeued}",
         f"{record.transferred_down:,} B", f"{record.transferred_up:,} B")
        for record in records), edge=False)
    show(options, [record.to_json_object() for record in records],
         table if records else Line("no stopped runs in the helper's journal"))


# ---------------------------------------------------------------------------- watch
_KIND_STYLES = {"scheduled": "cyan", "enqueued": "cyan", "started": "bold green", "finished": "green",
                "stopped": "bold yellow", "cancelled": "yellow", "error": "bold red", "dropped": "bold red",
                "work_dequeued": "blue", "work_completed": "blue", "work_incomplete": "yellow",
                "bytes_reported": "dim", "network_changed": "magenta"}
"""Colour by kind (dropped under NO_COLOR and when stdout is not a terminal)."""
_CONDITION_STYLE = "bold magenta"


def _clock(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S.%f")[:-3]


def _value(value: object) -> str:
    """A condition value as a word (never a Python repr)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_value(v) for v in value) or "none"
    return str(value)


def _job_name(job_id: int | None, namespace: str | None) -> str:
    if job_id is None:
        return ""
    return f"job {namespace}:{job_id}" if namespace else f"job {job_id}"


def _stop_reason_text(code: object) -> str:
    from bridge.model import StopReason
    from bridge.watch_timeline import stop_reason

    reason = stop_reason(code)
    if reason is None:
        return "reason unknown (API < 31)"
    return f"{reason.name} ({int(reason)})" if isinstance(reason, StopReason) else f"stop reason {reason}"


def _event_details(event: JobEvent, network_type: str) -> str:
    """The event's fields, by name: stop reasons, networks (by type), items, bytes."""
    kind = event.kind.value
    get = event.get
    if kind == "stopped":
        return f"{_stop_reason_text(get('stop_reason'))}, reschedule {_value(get('reschedule'))}"
    if kind == "started":
        flags = [flag for flag in ("expedited", "user_initiated", "override_deadline_expired") if get(flag)]
        network = get("network")
        words = [f"network {network_type} (netId {network})" if network is not None else "no network"]
        if get("triggered_uris"):
            words.append("triggered by " + _value(get("triggered_uris")))
        return ", ".join(words + [flag.replace("_", " ") for flag in flags])
    if kind == "network_changed":
        network = get("network")
        return f"network {network_type} (netId {network})" if network is not None else "network lost"
    if kind == "work_dequeued":
        return f"item {get('tag')} (delivery {get('delivery_count')})"
    if kind in ("work_completed", "work_incomplete"):
        return f"item {get('tag')}"
    if kind == "bytes_reported":
        tag = get("tag")
        return (("" if tag is None else f"item {tag} ") +
                f"down {_value(get('down'))} B, up {_value(get('up'))} B" +
                (" (platform)" if get("platform") else ""))
    if kind == "finished":
        return f"reschedule {_value(get('reschedule'))}" + (f" via {get('via')}" if get("via") else "")
    if kind == "cancelled":
        return f"scope {_value(get('scope'))}" if get("scope") else ""
    if kind == "error":
        return f"{_value(get('where'))}: {_value(get('type'))} {_value(get('message'))}".strip()
    if kind == "enqueued":
        return f"{_value(get('count'))} item(s)"
    skip = {"spec", "script", "job_id", "namespace"}
    return " ".join(f"{k}={_value(v)}" for k, v in event.fields.items() if k not in skip and v not in (None, False))


def _entry_line(entry: TimelineEntry, network_type: str) -> Styled:
    from bridge.watch_timeline import ConditionChanged, ConditionsRead

    if isinstance(entry, ConditionsRead):
        return Styled(f"{_clock(entry.at)}        conditions " +
                      "  ".join(f"{k}: {_value(v)}" for k, v in entry.conditions.items()), _CONDITION_STYLE)
    if isinstance(entry, ConditionChanged):
        cause = "" if entry.explains is None else f"  (cause of seq {entry.explains})"
        return Styled(f"{_clock(entry.at)}        condition  {entry.name}: {_value(entry.old)} → "
                      f"{_value(entry.new)}{cause}", _CONDITION_STYLE)
    event = entry.event
    text = (f"{_clock(event.wall_time)} {event.seq:>6} {_job_name(event.job_id, event.namespace):<10} "
            f"{event.kind.value:<16} {_event_details(event, network_type)}").rstrip()
    return Styled(text, _KIND_STYLES.get(event.kind.value, ""))


def _board_table(board: Board) -> Table:
    from bridge.model import StopReason

    def reason(job: LiveJob) -> str:
        value = job.last_stop_reason
        return "-" if value is None else (value.name if isinstance(value, StopReason) else str(value))

    rows = tuple((_job_name(job.job_id, job.namespace), Styled(job.state, _KIND_STYLES.get(job.state, "")),
                  _clock(job.since), str(job.runs), f"{job.items_completed}/{job.items_dequeued}", reason(job))
                 for job in sorted(board.values(), key=lambda j: (j.namespace or "", j.job_id)))
    empty: tuple[tuple[Cell, ...], ...] = (("no jobs yet", "", "", "", "", ""),)
    return Table(("job", "state", "since", "runs", "items done", "last stop"), rows or empty, edge=False, fold=True)


class _LiveView:
    """On a terminal: the live job table above the newest timeline lines, redrawn in place."""

    def __init__(self, header: str) -> None:
        from rich.live import Live

        from cli.render import console

        self._console = console()
        self._header = header
        self._lines: list[Styled] = []
        self._board: Board = {}
        self._live = Live(console=self._console, auto_refresh=False, transient=False)

    def __enter__(self) -> _LiveView:
        self._live.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._live.__exit__(None, None, None)

    def show(self, line: Styled, board: Board) -> None:
        from rich.console import Group

        from cli.render import renderable

        self._lines.append(line)
        self._board = board
        table = _board_table(board)
        room = max(self._console.height - len(table.rows) - 5, 3)
        del self._lines[:-room]
        self._live.update(Group(renderable(Line(Styled(self._header, "bold"))), renderable(table),
                                renderable(Line(Styled("timeline (newest last)", "bold"))),
                                *(renderable(Line(item)) for item in self._lines)), refresh=True)


@click.command()
@click.option("--json-lines", "json_lines", is_flag=True,
              help="Stream JSON lines: one object per event or change (--json means the same here).")
@click.option("--duration", type=POSITIVE_DURATION, default=None, metavar="DURATION",
              help="Stop after this long (units: ms, s, m, h; e.g. 500ms, 30s, 2m). Default: until Ctrl-C.")
@click.option("--job", "job_id", type=int, metavar="ID", default=None,
              help="Only this job's events (conditions are always shown). Default: every job.")
@click.option("--package", metavar="PACKAGE", default=None,
              help="Whose standby bucket and background restriction to follow (default: the jobctl helper, "
                   "whose job events are shown; for another app only its conditions are).")
@click.pass_obj
def watch(options: GlobalOptions, /, json_lines: bool, duration: int | None, job_id: int | None,
          package: str | None) -> None:
    """A live timeline of job lifecycle, work items, bytes and condition changes (Ctrl-C to stop, exit 130).

    Condition changes are stamped in the device's time and shown before the stops or starts they
    caused. On a terminal a live table of the current jobs sits above the scrolling timeline; in
    a pipe or a CI log the timeline is plain lines. With --json-lines (or --json) the timeline is
    JSON lines, one object per entry.

    \b
    Examples:
      jobctl watch                      # until Ctrl-C
      jobctl watch --job 7 --duration 2m
      jobctl watch --json-lines | jq 'select(.type == "condition")'
    """
    from bridge.conditions.values import check_package_name
    from bridge.errors import InvalidConditionError
    from bridge.helper_protocol import HELPER_PACKAGE
    from bridge.watch_timeline import next_board, watch_timeline
    from cli.exit_codes import ExitCode
    from cli.usage import OneLineUsageError

    if package is not None:
        try:
            check_package_name(package)
        except InvalidConditionError as error:
            raise OneLineUsageError(f"--package: {error}") from None
    followed = package or HELPER_PACKAGE
    as_json = json_lines or options.json
    interrupted = False
    try:
        with options.session() as session:
            header = f"watching {session.device.serial} (Ctrl-C to stop)"
            live = None if as_json or not sys.stdout.isatty() else _LiveView(header)
            if not as_json and live is None:
                print_blocks([Line(Styled(header, "bold"))])
            board: Board = {}
            network_type = "none"
            timeline = watch_timeline(session, followed, None if duration is None else duration / 1000,
                                      job_id=job_id, job_events=followed == HELPER_PACKAGE)
            with live or contextlib.nullcontext():
                for entry in timeline:
                    if as_json:
                        json_line(entry.to_json_object())
                        continue
                    network_type = _network_type(entry, network_type)
                    board = next_board(board, entry)
                    line = _entry_line(entry, network_type)
                    if live is not None:
                        live.show(line, board)
                    else:
                        print_blocks([Line(line)])
                        sys.stdout.flush()
    except KeyboardInterrupt:
        interrupted = True  # Ctrl-C is how watch ends; the session (event thread, logcat stream) is closed above
    if not as_json:
        print_blocks([Line("stopped watching")])
    if interrupted:
        raise SystemExit(ExitCode.INTERRUPTED)


def _network_type(entry: TimelineEntry, current: str) -> str:
    from bridge.watch_timeline import ConditionChanged, ConditionsRead

    if isinstance(entry, ConditionsRead):
        return str(entry.conditions.get("network", current))
    if isinstance(entry, ConditionChanged) and entry.name == "network":
        return str(entry.new)
    return current
