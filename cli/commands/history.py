"""``jobctl history``: what ran and how it ended, for the helper or any app (``-p PKG``).

The merge is :func:`bridge.history.job_history` (the dump's ``Job history`` and ``Recently
completed jobs``, and for the helper its journal); this command only renders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cli.context import GlobalOptions
from cli.options import namespace_option, package_option
from cli.render import Line, Table, show

if TYPE_CHECKING:
    from bridge.history import JobHistory


def history_table(found: JobHistory, stops_only: bool = False) -> Table | Line:
    """The records as a table (times in the local zone), or one line when there are none."""
    records = found.stops() if stops_only else found.records
    if not records:
        what = "stops" if stops_only else "starts or stops"
        return Line(f"no {what} of {found.package}'s jobs in the device's history")
    return Table(("time", "job", "event", "ended", "reason", "seen in"), tuple(
        (record.at.astimezone().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
         f"{record.namespace}:{record.job_id}" if record.namespace else str(record.job_id),
         record.kind.value, "-" if record.ending is None else record.ending.value,
         record.describe() or "-", ",".join(source.value for source in record.sources))
        for record in records), edge=False, fold=True)


@click.command()
@package_option
@click.option("--job", "job_id", type=int, metavar="ID", default=None, help="Only this job id. Default: every job.")
@namespace_option
@click.pass_obj
def history(options: GlobalOptions, /, package: str | None, job_id: int | None, namespace: str | None) -> None:
    """What ran and how it ended: every start and stop the device still remembers, oldest first.

    Merged from `dumpsys jobscheduler PKG` (its `Job history:` lines with their reason texts, and
    `Recently completed jobs:`) and, for the helper, its own journal, which has the public stop
    reason; a stop seen in two places is shown once. Reasons are named: the public stop reason
    where the platform gives it, the internal reason and the device's text otherwise. Reads only.
    An app that is not installed: one line, exit 1; no history: one line, exit 0.

    \b
    Examples:
      jobctl history
      jobctl history -p com.example.app --job 12 --json
    """
    from bridge.history import job_history

    found = job_history(options.device(), package, job_id, namespace)
    for note in found.notes:
        click.echo(f"jobctl: note: {note}", err=True)
    show(options, found.to_json_object(), history_table(found))
