"""``jobctl why``, ``jobctl stops`` and ``jobctl watch``: explain, look back, look live.

The logic is in :mod:`bridge.diagnosis` (``diagnose``, ``stop_history``); ``watch`` only
renders :class:`bridge.events.EventStream` events and the changes between two
:meth:`bridge.conditions.Conditions.read` polls.
"""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import UTC, datetime
from typing import Any

import click

from cli.context import GlobalOptions, console, emit_json
from cli.parsing import OneLineCommand, check_namespace

CONDITION_POLL_SECONDS = 1.0
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class DurationType(click.ParamType):
    """``30`` (seconds), ``1.5``, ``500ms``, ``1.5s``, ``2m``, ``1h``."""

    name = "DURATION"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, (int, float)):
            seconds = float(value)
        else:
            match = _DURATION.match(str(value).strip().lower())
            if match is None:
                self.fail(f"{value!r} is not a duration (e.g. 30, 500ms, 1.5s, 2m)", param, ctx)
            seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
        if seconds <= 0:
            self.fail(f"{value!r} is not a positive duration", param, ctx)
        return seconds


namespace_option = click.option("--namespace", "-n", metavar="NS", default=None, callback=check_namespace,
                                help="The job's namespace (API 34+; default: none).")


# ---------------------------------------------------------------------------- why
@click.command(cls=OneLineCommand)
@click.argument("job_id", type=int, metavar="JOB_ID")
@namespace_option
@click.pass_obj
def why(options: GlobalOptions, job_id: int, namespace: str | None) -> None:
    """Explain why job JOB_ID is not running, and the command that would unblock it."""
    from bridge.diagnosis import diagnose

    diagnosis = diagnose(options.device(), job_id, namespace)
    if options.json:
        emit_json(diagnosis.to_json_object())
        return
    out = console()
    out.print(f"[bold]{diagnosis.summary}[/bold]")
    if diagnosis.exists:
        details = [f"state: {' '.join(diagnosis.state) or '?'}",
                   f"bucket: {diagnosis.standby_bucket or '?'}",
                   f"requires: {' '.join(diagnosis.required_constraints) or 'nothing'}",
                   f"unsatisfied: {' '.join(diagnosis.unsatisfied_constraints) or 'nothing'}"]
        out.print("  " + "   ".join(details), markup=False)
    if not diagnosis.blockers:
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", show_edge=False)
    for column in ("#", "kind", "why", "to unblock"):
        table.add_column(column, overflow="fold")
    for number, blocker in enumerate(diagnosis.blockers, 1):
        table.add_row(str(number), blocker.kind.value, blocker.reason, blocker.command or "-")
    out.print(table)


# ---------------------------------------------------------------------------- stops
@click.command(cls=OneLineCommand)
@namespace_option
@click.option("--job", "job_id", type=int, metavar="ID", default=None, help="Only this job id.")
@click.pass_obj
def stops(options: GlobalOptions, namespace: str | None, job_id: int | None) -> None:
    """The stop-reason history, from the helper's durable journal (oldest first)."""
    from bridge.diagnosis import stop_history

    records = stop_history(options.device(), namespace, job_id)
    if options.json:
        emit_json([record.to_json_object() for record in records])
        return
    out = console()
    if not records:
        out.print("no stopped runs in the helper's journal")
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", show_edge=False)
    for column in ("time", "job", "stop reason", "code", "reschedule", "items done", "downloaded", "uploaded"):
        table.add_column(column)
    for record in records:
        job = f"{record.namespace}:{record.job_id}" if record.namespace else str(record.job_id)
        table.add_row(record.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), job,
                      record.stop_reason_name or "(API < 31)",
                      "-" if record.stop_reason_code is None else str(record.stop_reason_code),
                      "-" if record.reschedule is None else str(record.reschedule).lower(),
                      f"{record.items_completed}/{record.items_dequeued}",
                      f"{record.transferred_down:,} B", f"{record.transferred_up:,} B")
    out.print(table)


# ---------------------------------------------------------------------------- watch
def _event_line(event: Any) -> str:
    job = "" if event.job_id is None else (f"job {event.namespace}:{event.job_id}" if event.namespace
                                           else f"job {event.job_id}")
    skip = {"spec", "script"}
    details = " ".join(f"{k}={v}" for k, v in event.fields.items() if k not in skip and v not in (None, False))
    return f"{job:<10} {event.kind.value:<16} {details}".rstrip()


def _clock(wall_ms: float | None = None) -> str:
    moment = datetime.now() if wall_ms is None else datetime.fromtimestamp(wall_ms / 1000)
    return moment.strftime("%H:%M:%S.%f")[:-3]


def _json_line(document: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(document, default=str) + "\n")
    sys.stdout.flush()


@click.command(cls=OneLineCommand)
@click.option("--json", "json_lines", is_flag=True, help="Stream JSON lines (one object per event or change).")
@click.option("--duration", type=DurationType(), default=None, metavar="DURATION",
              help="Stop after this long (30, 500ms, 30s, 2m); default: until Ctrl-C.")
@click.pass_obj
def watch(options: GlobalOptions, json_lines: bool, duration: float | None) -> None:
    """A live timeline of job lifecycle, work items, bytes and condition changes (Ctrl-C to stop)."""
    from bridge import helper_protocol as protocol

    as_json = json_lines or options.json
    out = console()
    deadline = None if duration is None else time.monotonic() + duration
    try:
        with options.session() as session:
            previous = session.conditions.read([protocol.HELPER_PACKAGE]).to_json_object(protocol.HELPER_PACKAGE)
            if as_json:
                _json_line({"type": "conditions", "at": datetime.now(UTC).isoformat(), **previous})
            else:
                out.print(f"[bold]watching {session.device.serial}[/bold] (Ctrl-C to stop)")
                out.print(f"{_clock()} conditions " + " ".join(f"{k}={v}" for k, v in previous.items()),
                          markup=False)
            next_poll = time.monotonic() + CONDITION_POLL_SECONDS
            cursor = len(session.log)
            while deadline is None or time.monotonic() < deadline:
                wait = next_poll - time.monotonic()
                if deadline is not None:
                    wait = min(wait, deadline - time.monotonic())
                session.events.get(timeout=0)  # raises what the stream reported (events it lost)
                event = session.log.get(cursor, timeout=max(wait, 0.0))
                if event is not None:
                    cursor += 1
                    if as_json:
                        _json_line({"type": "event", "at": event.wall_time.isoformat(), **event.to_json_object()})
                    else:
                        out.print(f"{_clock(event.wall_ms)} {event.seq:>6} {_event_line(event)}", markup=False)
                if time.monotonic() >= next_poll:
                    next_poll = time.monotonic() + CONDITION_POLL_SECONDS
                    current = session.conditions.read([protocol.HELPER_PACKAGE]).to_json_object(protocol.HELPER_PACKAGE)
                    for name, value in current.items():
                        if previous.get(name) != value:
                            if as_json:
                                _json_line({"type": "condition", "at": datetime.now(UTC).isoformat(),
                                            "name": name, "old": previous.get(name), "new": value})
                            else:
                                out.print(f"{_clock()}        condition  {name}: {previous.get(name)} → {value}",
                                          markup=False)
                    previous = current
    except KeyboardInterrupt:
        pass  # Ctrl-C is how watch ends; the session (event thread, logcat stream) is closed above
    if not as_json:
        out.print("stopped watching")
