"""``jobctl why``, ``jobctl stops`` and ``jobctl watch``: explain, look back, look live.

The logic is in :mod:`bridge.diagnosis` (``diagnose``, ``stop_history``) and
:mod:`bridge.watch_timeline`; these commands only render (:mod:`cli.render`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from cli.context import GlobalOptions
from cli.options import namespace_option
from cli.param_types import POSITIVE_DURATION
from cli.render import Line, Styled, Table, json_line, print_blocks, show

if TYPE_CHECKING:
    from bridge.model import JobEvent
    from bridge.watch_timeline import TimelineEntry


# ---------------------------------------------------------------------------- why
@click.command()
@click.argument("job_id", type=int, metavar="JOB_ID")
@namespace_option
@click.pass_obj
def why(options: GlobalOptions, /, job_id: int, namespace: str | None) -> None:
    """Explain why job JOB_ID is not running, and the command that would unblock it."""
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
    show(options, diagnosis.to_json_object(), *blocks)


# ---------------------------------------------------------------------------- stops
@click.command()
@namespace_option
@click.option("--job", "job_id", type=int, metavar="ID", default=None, help="Only this job id.")
@click.pass_obj
def stops(options: GlobalOptions, /, namespace: str | None, job_id: int | None) -> None:
    """The stop-reason history, from the helper's durable journal (oldest first)."""
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
def _clock(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S.%f")[:-3]


def _event_line(event: JobEvent) -> str:
    job = "" if event.job_id is None else (f"job {event.namespace}:{event.job_id}" if event.namespace
                                           else f"job {event.job_id}")
    skip = {"spec", "script"}
    details = " ".join(f"{k}={v}" for k, v in event.fields.items() if k not in skip and v not in (None, False))
    return f"{_clock(event.wall_time)} {event.seq:>6} {job:<10} {event.kind.value:<16} {details}".rstrip()


def _text(entry: TimelineEntry) -> str:
    from bridge.watch_timeline import ConditionChanged, ConditionsRead

    if isinstance(entry, ConditionsRead):
        return f"{_clock(entry.at)} conditions " + " ".join(f"{k}={v}" for k, v in entry.conditions.items())
    if isinstance(entry, ConditionChanged):
        return f"{_clock(entry.at)}        condition  {entry.name}: {entry.old} → {entry.new}"
    return _event_line(entry.event)


@click.command()
@click.option("--json-lines", "json_lines", is_flag=True,
              help="Stream JSON lines: one object per event or change (--json means the same here).")
@click.option("--duration", type=POSITIVE_DURATION, default=None, metavar="DURATION",
              help="Stop after this long (e.g. 500ms, 30s, 2m); default: until Ctrl-C.")
@click.pass_obj
def watch(options: GlobalOptions, /, json_lines: bool, duration: int | None) -> None:
    """A live timeline of job lifecycle, work items, bytes and condition changes (Ctrl-C to stop).

    With --json-lines (or --json) the timeline is JSON lines, one object per entry."""
    from bridge.helper_protocol import HELPER_PACKAGE
    from bridge.watch_timeline import watch_timeline

    as_json = json_lines or options.json
    try:
        with options.session() as session:
            if not as_json:
                print_blocks([Line(Styled(f"watching {session.device.serial} (Ctrl-C to stop)", "bold"))])
            for entry in watch_timeline(session, HELPER_PACKAGE, None if duration is None else duration / 1000):
                if as_json:
                    json_line(entry.to_json_object())
                else:
                    print_blocks([Line(_text(entry))])
    except KeyboardInterrupt:
        pass  # Ctrl-C is how watch ends; the session (event thread, logcat stream) is closed above
    if not as_json:
        print_blocks([Line("stopped watching")])
