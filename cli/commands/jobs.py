"""``jobctl schedule|enqueue|run|stop|timeout|cancel|state|jobs``: one job at a time.

Thin: flags are parsed by :mod:`cli.parsing` (bad input is a one-line usage error, exit 2,
before any device is touched), the work is :mod:`bridge.jobs`, and the output is one line,
a rich table or (``--json``) one JSON document (docs/cli-json.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from cli.context import GlobalOptions, console, emit_json
from cli.parsing import (
    BACKOFF,
    BYTE_ESTIMATE,
    BYTES,
    DURATION,
    EXTRA,
    FILE_PATH,
    NETWORK_CHOICES,
    PERIODIC,
    PRIORITY_CHOICES,
    TRIGGER_URI,
    WORK_SPEC,
    OneLineCommand,
    check_namespace,
    OneLineUsageError,
    ParseError,
    build_spec,
)

if TYPE_CHECKING:
    from bridge.jobs import Session
    from bridge.model import StopReason

JOB_ID = click.IntRange(-(2**31), 2**31 - 1)


namespace_option = click.option("--namespace", "-n", metavar="NS", callback=check_namespace,
                                help="The job's namespace (API 34+; default: the default namespace).")


def _spec_flags(function: Callable[..., Any]) -> Callable[..., Any]:
    """The JobInfo.Builder flags, the job-script flags and the work-item flags."""
    options = [
        click.option("--spec", "spec_file", type=FILE_PATH,
                     help="A whole spec: TOML or JSON (*.json) with PROTOCOL.md SPEC field names; flags override."),
        namespace_option,
        click.option("--requires-charging", is_flag=True, help="setRequiresCharging(true)."),
        click.option("--requires-device-idle", is_flag=True, help="setRequiresDeviceIdle(true)."),
        click.option("--requires-battery-not-low", is_flag=True, help="setRequiresBatteryNotLow(true)."),
        click.option("--requires-storage-not-low", is_flag=True, help="setRequiresStorageNotLow(true)."),
        click.option("--network", type=click.Choice(NETWORK_CHOICES, case_sensitive=False),
                     help="setRequiredNetworkType (cellular: API 28; metered: its API 26-27 alias)."),
        click.option("--estimated-bytes", type=BYTE_ESTIMATE,
                     help="setEstimatedNetworkBytes(DOWN, UP) (API 28); BYTES or 'unknown' each."),
        click.option("--minimum-network-chunk-bytes", type=BYTES, help="setMinimumNetworkChunkBytes (API 33)."),
        click.option("--minimum-latency", type=DURATION, help="setMinimumLatency, e.g. 30s."),
        click.option("--override-deadline", type=DURATION, help="setOverrideDeadline, e.g. 15m."),
        click.option("--periodic", type=PERIODIC, help="setPeriodic(INTERVAL[, FLEX]), e.g. 15m or 1h,10m."),
        click.option("--backoff", type=BACKOFF,
                     help="setBackoffCriteria: linear|exponential[,INITIAL], e.g. linear,30s."),
        click.option("--persisted", is_flag=True, help="setPersisted(true)."),
        click.option("--expedited", is_flag=True, help="setExpedited(true) (API 31)."),
        click.option("--user-initiated", is_flag=True, help="setUserInitiated(true) (API 34)."),
        click.option("--prefetch", is_flag=True, help="setPrefetch(true) (API 28)."),
        click.option("--priority", type=click.Choice(PRIORITY_CHOICES, case_sensitive=False),
                     help="setPriority (API 33)."),
        click.option("--trigger-content-uri", type=TRIGGER_URI, multiple=True,
                     help="addTriggerContentUri (repeatable); append ',descendants' for FLAG_NOTIFY_FOR_DESCENDANTS."),
        click.option("--extra", type=EXTRA, multiple=True,
                     help='An extra (repeatable): true/false -> boolean, 42 -> integer, 1.5 -> double, '
                          'else string; KEY="42" forces a string.'),
        click.option("--duration", type=DURATION,
                     help="Script: run (or transfer) this long, e.g. 2s."),
        click.option("--download", type=BYTES, help="Script: download this many bytes, e.g. 5MiB."),
        click.option("--upload", type=BYTES, help="Script: upload this many bytes."),
        click.option("--hold-until-stopped", is_flag=True, help="Script: keep running until the system stops it."),
        click.option("--reschedule-on-stop", is_flag=True, help="Script: onStopJob returns true."),
        click.option("--finish-reschedule", is_flag=True, help="Script: end with jobFinished(params, true)."),
        click.option("--work", type=WORK_SPEC, multiple=True,
                     help="A work item (repeatable), e.g. tag=a,download=1MB,duration=2s,incomplete."),
        click.option("--work-file", type=FILE_PATH,
                     help="Work items: JSON lines, or TOML ([[work]] tables) for *.toml."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _spec(job_id: int, flags: dict[str, Any]):  # type: ignore[no-untyped-def]
    try:
        return build_spec(job_id, flags)
    except ParseError as error:
        raise OneLineUsageError(str(error), click.get_current_context()) from None


def _ns(namespace: str | None) -> str:
    return namespace if namespace is not None else "none"


@click.command(cls=OneLineCommand)
@click.argument("job_id", type=JOB_ID)
@_spec_flags
@click.pass_obj
def schedule(options: GlobalOptions, job_id: int, **flags: Any) -> None:
    """Schedule job JOB_ID of the helper app with any JobInfo option and a script.

    With work items (--work, --work-file, or `work` in --spec) the job is enqueued with them.
    The spec is checked against the device's API level and the platform's rules before
    anything is sent: a refused spec changes nothing on the device.
    """
    spec, items = _spec(job_id, flags)
    with options.session() as session:
        if items:
            session.enqueue(spec, items)
        else:
            session.schedule(spec)
    if options.json:
        emit_json({"job_id": spec.job_id, "namespace": spec.namespace, "result": "success", "enqueued": len(items)})
        return
    extra = f", {len(items)} work item(s) enqueued" if items else ""
    click.echo(f"scheduled job {spec.job_id} (namespace: {_ns(spec.namespace)}){extra}")


@click.command(cls=OneLineCommand)
@click.argument("job_id", type=JOB_ID)
@_spec_flags
@click.pass_obj
def enqueue(options: GlobalOptions, job_id: int, **flags: Any) -> None:
    """Enqueue work items for job JOB_ID (give the same spec flags as when it was scheduled, so
    the JobInfo matches and the job is not replaced)."""
    spec, items = _spec(job_id, {**flags, "always_work": True})
    if not items:
        raise OneLineUsageError("enqueue needs work items: --work SPEC or --work-file FILE",
                                click.get_current_context())
    with options.session() as session:
        session.enqueue(spec, items)
    if options.json:
        emit_json({"job_id": spec.job_id, "namespace": spec.namespace, "result": "success", "enqueued": len(items)})
        return
    click.echo(f"enqueued {len(items)} work item(s) for job {spec.job_id} (namespace: {_ns(spec.namespace)})")


@click.command(cls=OneLineCommand)
@click.argument("job_id", type=JOB_ID)
@click.option("--force/--satisfied", "force", default=True, show_default=True,
              help="Run even if constraints are unsatisfied (run -f), or only if they hold (run -s).")
@namespace_option
@click.pass_obj
def run(options: GlobalOptions, job_id: int, force: bool, namespace: str | None) -> None:
    """Ask JobScheduler to run job JOB_ID now (`cmd jobscheduler run`)."""
    with options.session() as session:
        session.job(job_id, namespace).run(force=force)
    _done(options, "ran", job_id, namespace, {"force": force}, "forced" if force else "constraints satisfied")


class StopReasonType(click.ParamType):
    """A ``StopReason`` member name, case-insensitive (``user``, ``timeout``, ``STOP_REASON_USER``)."""

    name = "REASON"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> StopReason:
        from bridge.model import StopReason

        if isinstance(value, StopReason):
            return value
        key = str(value).strip().upper().replace("-", "_")
        key = key.removeprefix("STOP_REASON_")
        try:
            return StopReason[key]
        except KeyError:
            names = ", ".join(m.name.lower() for m in StopReason)
            self.fail(f"{value!r} is not a stop reason (one of: {names})", param, ctx)


@click.command(cls=OneLineCommand)
@click.argument("job_id", type=JOB_ID)
@click.option("--reason", type=StopReasonType(), help="A STOP_REASON_* name, e.g. user, timeout (API 34+).")
@namespace_option
@click.pass_obj
def stop(options: GlobalOptions, job_id: int, reason: StopReason | None, namespace: str | None) -> None:
    """Stop running job JOB_ID (`cmd jobscheduler stop`)."""
    with options.session() as session:
        session.job(job_id, namespace).stop(reason)
    name = reason.name if reason is not None else None
    _done(options, "stopped", job_id, namespace, {"reason": name}, f"reason: {name}" if name else None)


@click.command(cls=OneLineCommand)
@click.argument("job_id", type=JOB_ID)
@namespace_option
@click.pass_obj
def timeout(options: GlobalOptions, job_id: int, namespace: str | None) -> None:
    """Stop running job JOB_ID as if it ran past its time limit (`cmd jobscheduler timeout`)."""
    with options.session() as session:
        session.job(job_id, namespace).timeout()
    _done(options, "timed out", job_id, namespace, {}, None)


def _done(options: GlobalOptions, verb: str, job_id: int, namespace: str | None, fields: dict[str, Any],
          note: str | None) -> None:
    if options.json:
        emit_json({"job_id": job_id, "namespace": namespace, **fields, "result": "success"})
        return
    click.echo(f"{verb} job {job_id} (namespace: {_ns(namespace)}{', ' + note if note else ''})")


@click.command(cls=OneLineCommand)
@click.argument("job_id", type=JOB_ID, required=False)
@click.option("--all", "all_jobs", is_flag=True,
              help="Cancel every job of the helper (in every namespace on API 34+, unless --namespace).")
@namespace_option
@click.pass_obj
def cancel(options: GlobalOptions, job_id: int | None, all_jobs: bool, namespace: str | None) -> None:
    """Cancel job JOB_ID, or with --all every job of the helper."""
    ctx = click.get_current_context()
    if (job_id is None) == (not all_jobs):
        raise OneLineUsageError("give a JOB_ID or --all (not both)", ctx)
    with options.session() as session:
        if all_jobs:
            every = namespace is None and session.device.api_level >= 34
            result = session.helper.cancel_all(namespace, all_namespaces=every)
            scope, target = result.scope, result.namespace
        else:
            assert job_id is not None
            session.job(job_id, namespace).cancel()
            scope, target = "job", namespace
    if options.json:
        emit_json({"job_id": job_id, "namespace": target, "scope": scope, "result": "success"})
    elif scope == "job":
        click.echo(f"cancelled job {job_id} (namespace: {_ns(target)})")
    elif scope == "all":
        click.echo("cancelled all jobs (every namespace)")
    else:
        click.echo(f"cancelled all jobs (namespace: {_ns(target)})")


@click.command(cls=OneLineCommand)
@click.argument("job_id", type=JOB_ID)
@namespace_option
@click.pass_obj
def state(options: GlobalOptions, job_id: int, namespace: str | None) -> None:
    """JobScheduler's state of job JOB_ID (`cmd jobscheduler get-job-state`): its tokens."""
    from bridge.model import JOB_STATE_TOKENS

    with options.session() as session:
        found = session.job(job_id, namespace).state()
    tokens = _ordered(found.tokens, JOB_STATE_TOKENS)
    if options.json:
        emit_json({"job_id": job_id, "namespace": namespace, "exists": found.exists, "state": tokens,
                   "unknown": found.unknown})
    elif not found.exists:
        click.echo(f"unknown({found.unknown})")
    else:
        click.echo(" ".join(tokens))


def _ordered(tokens: frozenset[str], order: tuple[str, ...]) -> list[str]:
    return [t for t in order if t in tokens] + sorted(tokens - set(order))


@click.command(cls=OneLineCommand)
@namespace_option
@click.pass_obj
def jobs(options: GlobalOptions, namespace: str | None) -> None:
    """The helper's pending jobs: state, required and unsatisfied constraints, standby bucket,
    last stop reason."""
    with options.session() as session:
        rows = _job_rows(session, namespace)
    if options.json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no jobs")
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("id", "namespace", "state", "required", "unsatisfied", "bucket", "last stop"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row["job_id"]), _ns(row["namespace"]), " ".join(row["state"]),
                      " ".join(row["required_constraints"]) or "-",
                      " ".join(row["unsatisfied_constraints"]) or "-",
                      row["standby_bucket"] or "?", row["last_stop_reason"] or "-")
    console().print(table)


def _job_rows(session: Session, namespace: str | None) -> list[dict[str, Any]]:
    """Pending jobs joined with the dump (constraints, bucket) and the journal (last stop)."""
    from bridge.helper_protocol import HELPER_PACKAGE
    from bridge.model import JOB_STATE_TOKENS, runs_from_events
    from bridge.parsers import parse_jobscheduler_dump

    every = namespace is None and session.device.api_level >= 34
    pending = session.pending(namespace, all_namespaces=every)
    dump = parse_jobscheduler_dump(session.device.shell(["dumpsys", "jobscheduler", HELPER_PACKAGE]).text)
    last_stop: dict[tuple[int, str | None], StopReason | int] = {}
    for run in runs_from_events(session.helper.read_journal().events):
        if run.stop_reason is not None:
            last_stop[(run.job_id, run.namespace)] = run.stop_reason
    rows = []
    for job in pending:
        dumped = next((d for d in dump.jobs if d.job_id == job.job_id and d.namespace == job.namespace
                       and d.package == HELPER_PACKAGE), None)
        found = session.job(job.job_id, job.namespace).state()
        reason = last_stop.get((job.job_id, job.namespace))
        rows.append({
            "job_id": job.job_id,
            "namespace": job.namespace,
            "state": _ordered(found.tokens, JOB_STATE_TOKENS),
            "required_constraints": sorted(dumped.required_constraints) if dumped else [],
            "unsatisfied_constraints": sorted(dumped.unsatisfied_constraints) if dumped else [],
            "standby_bucket": dumped.standby_bucket if dumped else None,
            "pending_reason": _enum_name(job.pending_reason),
            "last_stop_reason": _enum_name(reason),
            "last_stop_reason_code": int(reason) if reason is not None else None,
            "periodic": job.periodic,
            "persisted": job.persisted,
            "expedited": job.expedited,
            "user_initiated": job.user_initiated,
            "priority": int(job.priority) if job.priority is not None else None,
        })
    return rows


def _enum_name(value: Any) -> str | None:
    if value is None:
        return None
    return getattr(value, "name", None) or str(int(value))
