"""``jobctl run|stop|timeout|cancel|state|jobs``: one job at a time (``schedule`` and ``enqueue``,
with their many flags, are :mod:`cli.commands.schedule`: these commands do not build them).

Thin: flags are read by :mod:`cli.param_types` (bad input is a one-line
usage error, exit 2, before any device is touched), the work is :mod:`bridge.jobs` and
:mod:`bridge.jobs_overview`, and the output goes through :mod:`cli.render`: one line, a table
or (``--json``) one JSON document (docs/cli-json.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from cli.context import GlobalOptions
from cli.options import namespace_option, namespace_text, other_package, package_option
from cli.param_types import JOB_ID, STOP_REASON, LazyHelpOption, stop_reason_help
from cli.render import Line, Table, show
from cli.usage import OneLineUsageError

if TYPE_CHECKING:
    from bridge.app_jobs import AppJobRef, AppJobs
    from bridge.model import JobState, StopReason
    from bridge.workmanager import WorkLabel


def _app(options: GlobalOptions, package: str) -> AppJobs:
    """Another app's jobs (``-p PKG``): installed-checked, nothing of jobctl needed on the device."""
    from bridge.app_jobs import AppJobs

    app = AppJobs(options.device(), package)
    app.check_installed()
    return app


def _app_job(options: GlobalOptions, package: str, job_id: int, namespace: str | None) -> AppJobRef:
    return _app(options, package).job(job_id, namespace)


_PACKAGE_EXITS = ("With -p PKG (another app; default: the helper) the job is that app's, driven through "
                  "JobScheduler's shell: an app that is not installed, a job it does not have, or a verb "
                  "the device's API level lacks is one line and exit 1.")


@click.command()
@click.argument("job_id", type=JOB_ID)
@click.option("--force/--satisfied", "force", default=True, show_default=True,
              help="Run even if constraints are unsatisfied (run -f), or only if they hold (run -s).")
@namespace_option
@package_option
@click.pass_obj
def run(options: GlobalOptions, /, job_id: int, force: bool, namespace: str | None, package: str | None) -> None:
    """Ask JobScheduler to run job JOB_ID now (`cmd jobscheduler run`).

    {package_exits}

    \b
    Examples:
      jobctl run 7
      jobctl run 7 --satisfied
      jobctl run 12 -p com.example.app -n androidx.work.systemjobscheduler
    """
    if other_package(package):
        assert package is not None
        _app_job(options, package, job_id, namespace).run(force=force)
    else:
        with options.session() as session:
            session.job(job_id, namespace).run(force=force)
    _done(options, "ran", job_id, namespace, {"force": force}, "forced" if force else "constraints satisfied",
          package)


@click.command()
@click.argument("job_id", type=JOB_ID)
@click.option("--reason", type=STOP_REASON, cls=LazyHelpOption, help_factory=stop_reason_help)
@namespace_option
@package_option
@click.pass_obj
def stop(options: GlobalOptions, /, job_id: int, reason: StopReason | None, namespace: str | None,
         package: str | None) -> None:
    """Stop running job JOB_ID (`cmd jobscheduler stop`, API 34+).

    {package_exits}

    \b
    Examples:
      jobctl stop 7
      jobctl stop 7 --reason user
      jobctl stop 12 -p com.example.app
    """
    if other_package(package):
        assert package is not None
        stopped = _app_job(options, package, job_id, namespace).stop(reason)
    else:
        with options.session() as session:
            stopped = session.job(job_id, namespace).stop(reason)
    _check_ran(stopped, job_id, namespace)
    name = reason.name if reason is not None else None
    _done(options, "stopped", job_id, namespace, {"reason": name}, f"reason: {name}" if name else None, package)


@click.command()
@click.argument("job_id", type=JOB_ID)
@namespace_option
@package_option
@click.pass_obj
def timeout(options: GlobalOptions, /, job_id: int, namespace: str | None, package: str | None) -> None:
    """Stop running job JOB_ID as if it ran past its time limit (`cmd jobscheduler timeout`).

    {package_exits}

    \b
    Examples:
      jobctl timeout 7
      jobctl timeout 12 -p com.example.app
    """
    if other_package(package):
        assert package is not None
        stopped = _app_job(options, package, job_id, namespace).timeout()
    else:
        with options.session() as session:
            stopped = session.job(job_id, namespace).timeout()
    _check_ran(stopped, job_id, namespace)
    _done(options, "timed out", job_id, namespace, {}, None, package)


def _check_ran(stopped: bool, job_id: int, namespace: str | None) -> None:
    """Exit 1 with the device's own answer when nothing was running."""
    from bridge.errors import JobctlError
    from bridge.jobs import NOT_EXECUTING, namespace_words

    if not stopped:
        raise JobctlError(f"job {job_id} in {namespace_words(namespace)} is not running: {NOT_EXECUTING}")


def _require_job(found: JobState, job_id: int, namespace: str | None) -> None:
    """Exit 1 with the device's answer (``unknown(…)``) when the job does not exist."""
    from bridge.errors import JobNotFoundError
    from bridge.helper_protocol import HELPER_PACKAGE
    from bridge.jobs import namespace_words

    if not found.exists:
        raise JobNotFoundError(f"no job {job_id} in {namespace_words(namespace)} of {HELPER_PACKAGE}: "
                               f"the device answers unknown({found.unknown})")


def _done(options: GlobalOptions, verb: str, job_id: int, namespace: str | None, fields: dict[str, Any],
          note: str | None, package: str | None = None) -> None:
    other = other_package(package)
    extra = {"package": other} if other else {}
    of = f" of {other}" if other else ""
    show(options, {"job_id": job_id, "namespace": namespace, **extra, **fields, "result": "success"},
         Line(f"{verb} job {job_id}{of} (namespace: {namespace_text(namespace)}{', ' + note if note else ''})"))


@click.command()
@click.argument("job_id", type=JOB_ID, required=False)
@click.option("--all", "all_jobs", is_flag=True,
              help="Cancel every job of the helper (in every namespace on API 34+, unless --namespace).")
@namespace_option
@package_option
@click.pass_obj
def cancel(options: GlobalOptions, /, job_id: int | None, all_jobs: bool, namespace: str | None,
           package: str | None) -> None:
    """Cancel job JOB_ID, or with --all every job of the helper.

    {package_exits} Another app's --all is not offered (one job at a time).

    \b
    Examples:
      jobctl cancel 7
      jobctl cancel --all
      jobctl cancel 12 -p com.example.app
    """
    if (job_id is None) == (not all_jobs):
        raise OneLineUsageError("give a JOB_ID or --all (not both)", click.get_current_context())
    other = other_package(package)
    if other:
        if all_jobs:
            raise OneLineUsageError("--all is for the helper's jobs; with -p give a JOB_ID",
                                    click.get_current_context())
        assert job_id is not None
        _app_job(options, other, job_id, namespace).cancel()
        show(options, {"job_id": job_id, "namespace": namespace, "package": other, "scope": "job",
                       "result": "success"},
             Line(f"cancelled job {job_id} of {other} (namespace: {namespace_text(namespace)})"))
        return
    with options.session() as session:
        if all_jobs:
            every = namespace is None and session.device.api_level >= 34
            result = session.helper.cancel_all(namespace, all_namespaces=every)
            scope, target = result.scope, result.namespace
        else:
            assert job_id is not None
            job = session.job(job_id, namespace)
            _require_job(job.state(), job_id, namespace)
            job.cancel()
            scope, target = "job", namespace
    text = {"job": f"cancelled job {job_id} (namespace: {namespace_text(target)})",
            "all": "cancelled all jobs (every namespace)"}.get(
        scope, f"cancelled all jobs (namespace: {namespace_text(target)})")
    show(options, {"job_id": job_id, "namespace": target, "scope": scope, "result": "success"}, Line(text))


@click.command()
@click.argument("job_id", type=JOB_ID)
@namespace_option
@package_option
@click.pass_obj
def state(options: GlobalOptions, /, job_id: int, namespace: str | None, package: str | None) -> None:
    """JobScheduler's state of job JOB_ID (`cmd jobscheduler get-job-state`): its tokens. A job
    that does not exist is an error (exit 1, with the device's answer).

    {package_exits} On API 34+ another app's job also shows its estimated and transferred bytes.

    \b
    Examples:
      jobctl state 7
      jobctl state 7 --namespace sync
      jobctl state 12 -p com.example.app --json
    """
    from bridge.model.state import ordered_tokens  # not bridge.jobs_overview: start-up (issue 16)

    other = other_package(package)
    if other:
        ref = _app_job(options, other, job_id, namespace)
        found = ref.require()
        tokens = ordered_tokens(found.tokens)
        transferred = ref.network_bytes()
        lines = [Line(" ".join(tokens))]
        if transferred is not None:
            lines.append(Line(" ".join(f"{k.replace('_', ' ')}: {'?' if v is None else f'{v:,} B'}"
                                       for k, v in transferred.to_json_object().items())))
        show(options, {"job_id": job_id, "namespace": namespace, "package": other, "exists": True,
                       "state": list(tokens), "unknown": None,
                       "bytes": None if transferred is None else transferred.to_json_object()}, *lines)
        return
    with options.session() as session:
        found = session.job(job_id, namespace).state()
    _require_job(found, job_id, namespace)
    tokens = ordered_tokens(found.tokens)
    show(options, {"job_id": job_id, "namespace": namespace, "exists": found.exists, "state": list(tokens),
                   "unknown": found.unknown},
         Line(" ".join(tokens) if found.exists else f"unknown({found.unknown})"))


@click.command()
@namespace_option
@package_option
@click.pass_obj
def jobs(options: GlobalOptions, /, namespace: str | None, package: str | None) -> None:
    """The helper's pending jobs: state, required and unsatisfied constraints, standby bucket,
    last stop reason.

    With -p PKG another app's registered jobs (every namespace unless --namespace), from
    `dumpsys jobscheduler PKG` and `get-job-state`, the last stop from its job history. An app
    with no jobs: "no jobs", exit 0; an app that is not installed: one line, exit 1.

    \b
    Examples:
      jobctl jobs
      jobctl jobs --namespace sync --json
      jobctl jobs -p com.example.app
    """
    from bridge.jobs_overview import enum_name, jobs_overview

    other = other_package(package)
    if other:
        _other_jobs(options, other, namespace)
        return

    with options.session() as session:
        overview = jobs_overview(session, namespace)
    table = Table(("id", "namespace", "state", "required", "unsatisfied", "bucket", "last stop"), tuple(
        (str(job.job_id), namespace_text(job.namespace), " ".join(job.state), " ".join(job.required_constraints) or "-",
         " ".join(job.unsatisfied_constraints) or "-", job.standby_bucket or "?",
         enum_name(job.last_stop_reason) or "-")
        for job in overview))
    show(options, [job.to_json_object() for job in overview], table if overview else Line("no jobs"))


def _other_jobs(options: GlobalOptions, package: str, namespace: str | None) -> None:
    from bridge.history import HistoryKind, dump_records, read_dump
    from bridge.workmanager import label_jobs

    app = _app(options, package)
    dump, now_ms = read_dump(app.device, package)
    found = app.jobs(namespace, all_namespaces=namespace is None, dump=dump)
    last_stop = {(r.namespace, r.job_id): r for r in dump_records(dump, now_ms, package) if r.kind is HistoryKind.STOP}
    stops = [last_stop.get((job.namespace, job.job_id)) for job in found]
    labels, notes = label_jobs(app.device, package, [(job.job_id, job.namespace, job.service) for job in found])
    works = [labels.get((job.namespace, job.job_id)) for job in found]
    columns: tuple[str, ...] = ("id", "namespace", "state", "required", "unsatisfied", "bucket", "last stop")
    rows = tuple((str(job.job_id), namespace_text(job.namespace), " ".join(job.state) or "gone",
                  " ".join(job.required_constraints) or "-", " ".join(job.unsatisfied_constraints) or "-",
                  job.standby_bucket or "?", stopped.describe() if stopped else "-")
                 + ((_work_cell(work),) if labels else ())
                 for job, stopped, work in zip(found, stops, works, strict=True))
    document = [{**job.to_json_object(), "last_stop": stopped.to_json_object() if stopped else None,
                 **({"work": _work_json(work)} if labels else {})}
                for job, stopped, work in zip(found, stops, works, strict=True)]
    table = Table(columns + (("WorkManager work",) if labels else ()), rows, fold=bool(labels))
    blocks: list[Table | Line] = [table if found else Line(f"{package} has no jobs")]
    blocks += [Line(f"note: {note}") for note in notes]
    show(options, document, *blocks)


def _work_cell(work: WorkLabel | None) -> str:
    """The WorkSpec behind a WorkManager job, flagged when a forced run would be skipped."""
    if work is None:
        return "-"
    if work.spec is None:
        return "(no WorkSpec has this id)"
    return work.spec.label + (" (a forced run now is skipped: before its schedule)" if work.skips_forced_run else "")


def _work_json(work: WorkLabel | None) -> dict[str, Any] | None:
    if work is None:
        return None
    return {"spec": work.spec.to_json_object() if work.spec else None, "skips_forced_run": work.skips_forced_run}


for _command in (run, stop, timeout, cancel, state):
    if _command.help:
        _command.help = _command.help.replace("{package_exits}", _PACKAGE_EXITS.strip())
