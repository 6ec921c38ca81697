"""``jobctl stops`` and ``jobctl watch``: look back, look live (``why`` is :mod:`cli.commands.why`).

The logic is in :mod:`bridge.diagnosis` (``stop_history``) and
:mod:`bridge.watch_timeline`; these commands only render (:mod:`cli.render`).
"""

from __future__ import annotations

import contextlib
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from cli.context import GlobalOptions
from cli.options import namespace_option, other_package, package_option
from cli.param_types import POSITIVE_DURATION
from cli.render import Cell, Line, Styled, Table, json_line, print_blocks, show

if TYPE_CHECKING:
    from bridge.model import JobEvent
    from bridge.watch_timeline import Board, LiveJob, TimelineEntry


# ---------------------------------------------------------------------------- stops
@click.command()
@namespace_option
@click.option("--job", "job_id", type=int, metavar="ID", default=None,
              help="Only this job id. Default: every job.")
@package_option
@click.pass_obj
def stops(options: GlobalOptions, /, namespace: str | None, job_id: int | None, package: str | None) -> None:
    """The stop-reason history, from the helper's durable journal (oldest first).

    With -p PKG, another app's stops, from the device's job history (`jobctl history`'s source:
    `dumpsys jobscheduler PKG`), each with its named reasons.

    \b
    Examples:
      jobctl stops
      jobctl stops --job 7 --json
      jobctl stops -p com.example.app
    """
    from bridge.diagnosis import stop_history

    other = other_package(package)
    if other:
        from bridge.history import job_history
        from cli.commands.history import history_table

        found = job_history(options.device(), other, job_id, namespace)
        for note in found.notes:
            click.echo(f"jobctl: note: {note}", err=True)
        show(options, [record.to_json_object() for record in found.stops()], history_table(found, stops_only=True))
        return

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
    from bridge.watch_timeline import ConditionChanged, ConditionsRead, NoticeSeen

    if isinstance(entry, NoticeSeen):
        return Styled(f"{_clock(datetime.now(UTC))}        notice     {entry.notice}", "bold yellow")
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
@package_option
@click.pass_obj
def watch(options: GlobalOptions, /, json_lines: bool, duration: int | None, job_id: int | None,
          package: str | None) -> None:
    """A live timeline of job lifecycle, work items, bytes and condition changes (Ctrl-C to stop, exit 130).

    Condition changes are stamped in the device's time and shown before the stops or starts they
    caused. With -p PKG (another app, no helper needed) its jobs are followed by reading
    `dumpsys jobscheduler PKG` every second: starts and stops (with their reasons) from its job
    history, jobs scheduled and gone, and state changes, with the conditions read at each poll
    (a change is shown before the job changes found with it), as plain lines.
    On a terminal a live table of the current jobs sits above the scrolling timeline; in a pipe
    or a CI log the timeline is plain lines. With --json-lines (or --json) the timeline is JSON
    lines, one object per entry.

    \b
    Examples:
      jobctl watch                      # until Ctrl-C
      jobctl watch --job 7 --duration 2m
      jobctl watch --json-lines | jq 'select(.type == "condition")'
      jobctl watch -p com.example.app --duration 5m
    """
    from bridge.helper_protocol import HELPER_PACKAGE
    from bridge.watch_timeline import next_board, watch_timeline
    from cli.exit_codes import for_interrupt

    other = other_package(package)
    if other:
        _watch_app(options, other, json_lines or options.json, duration, job_id)
        return
    followed = package or HELPER_PACKAGE
    as_json = json_lines or options.json
    interrupted: KeyboardInterrupt | None = None
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
    except KeyboardInterrupt as stop:
        interrupted = stop  # Ctrl-C is how watch ends; the session (event thread, logcat stream) is closed above
    if not as_json:
        print_blocks([Line("stopped watching")])
    if interrupted:
        raise SystemExit(for_interrupt(interrupted))  # 130; SIGTERM 143, SIGHUP 129


def _watch_app(options: GlobalOptions, package: str, as_json: bool, duration: int | None, job_id: int | None) -> None:
    """``watch -p PKG``: another app's jobs, polled (:mod:`bridge.app_watch`), one line per change."""
    from bridge.app_watch import APP_POLL_SECONDS, AppJobChange, watch_app
    from cli.exit_codes import for_interrupt

    device = options.device()
    interrupted: KeyboardInterrupt | None = None
    try:
        changes = watch_app(device, package, None if duration is None else duration / 1000, job_id=job_id)
        if not as_json:
            print_blocks([Line(Styled(f"watching {package}'s jobs on {device.serial}, read every "
                                      f"{APP_POLL_SECONDS:g} s (Ctrl-C to stop)", "bold"))])
        for change in changes:
            if as_json:
                json_line(change.to_json_object())
                continue
            if isinstance(change, AppJobChange):
                text = (f"{_clock(change.at)}        {_job_name(change.job_id, change.namespace):<10} "
                        f"{change.kind:<16} {change.detail}").rstrip()
                line = Styled(text, _KIND_STYLES.get(change.kind, ""))
            else:
                line = _entry_line(change, "")
            print_blocks([Line(line)])
            sys.stdout.flush()
    except KeyboardInterrupt as stop:
        interrupted = stop
    if not as_json:
        print_blocks([Line("stopped watching")])
    if interrupted:
        raise SystemExit(for_interrupt(interrupted))  # 130; SIGTERM 143, SIGHUP 129


def _network_type(entry: TimelineEntry, current: str) -> str:
    from bridge.watch_timeline import ConditionChanged, ConditionsRead

    if isinstance(entry, ConditionsRead):
        return str(entry.conditions.get("network", current))
    if isinstance(entry, ConditionChanged) and entry.name == "network":
        return str(entry.new)
    return current
