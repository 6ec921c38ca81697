"""``jobctl schedule|enqueue``: a job spec from flags, sent to the helper.

Thin: the flags are :mod:`cli.job_flags` (bad input is a one-line usage error, exit 2, before any
device is touched), the work is :mod:`bridge.jobs`, and the output goes through
:mod:`cli.render`: one line or (``--json``) one JSON document (docs/cli-json.md). Apart from
:mod:`cli.commands.jobs` so that the other job commands never build these commands' flags.
"""

from __future__ import annotations

from typing import Any

import click

from cli.context import GlobalOptions
from cli.job_flags import build_spec, hold_adjustment, platform_adjustments, spec_flags
from cli.options import namespace_text
from cli.param_types import JOB_ID
from cli.render import Line, show
from cli.usage import OneLineUsageError


@click.command()
@click.argument("job_id", type=JOB_ID)
@spec_flags
@click.pass_obj
def schedule(options: GlobalOptions, /, job_id: int, **flags: Any) -> None:
    """Schedule job JOB_ID of the helper app with any JobInfo option and a script.

    With work items (--work, --work-file, or `work` in --spec) the job is enqueued with them.
    The spec is checked against the device's API level and the platform's rules before
    anything is sent: a refused spec changes nothing on the device.

    \b
    Examples:
      jobctl schedule 1 --requires-charging --hold-until-stopped
      jobctl schedule 2 --network unmetered --work tag=a,download=5MB,duration=3s
    """
    from cli.job_specs import remember

    spec, items = build_spec(job_id, flags)
    with options.session() as session:
        if items:
            session.enqueue(spec, items)
        else:
            session.schedule(spec)
        remember(session.device.serial, spec)
    _warn(platform_adjustments(spec) + hold_adjustment(spec, items))
    extra = f", {len(items)} work item(s) enqueued" if items else ""
    show(options, {"job_id": spec.job_id, "namespace": spec.namespace, "result": "success", "enqueued": len(items)},
         Line(f"scheduled job {spec.job_id} (namespace: {namespace_text(spec.namespace)}){extra}"))


@click.command()
@click.argument("job_id", type=JOB_ID)
@spec_flags
@click.option("--replace", is_flag=True,
              help="Replace the job with the spec these flags describe (Android stops it if it runs and keeps "
                   "its work). Without it, the work is added to the job as it was scheduled.")
@click.pass_obj
def enqueue(options: GlobalOptions, /, job_id: int, replace: bool, **flags: Any) -> None:
    """Enqueue work items for job JOB_ID. An existing job keeps its spec: the work is added to it
    as it was scheduled (job flags, if given, must describe that spec; --replace replaces it).
    A job that does not exist yet is scheduled with the flags' spec.

    \b
    Example:
      jobctl enqueue 7 --work tag=c,download=1MB --work tag=d,duration=2s
    """
    from bridge.errors import JobctlError
    from bridge.jobs import namespace_words
    from bridge.model import JobSpec
    from cli.job_specs import recall, remember

    spec, items = build_spec(job_id, {**flags, "always_work": True})
    if not items:
        raise OneLineUsageError("enqueue needs work items: --work SPEC or --work-file FILE",
                                click.get_current_context())
    bare = JobSpec(job_id, namespace=spec.namespace)
    with options.session() as session:
        serial = session.device.serial
        if not replace and session.job(job_id, spec.namespace).state().exists:
            known = recall(serial, spec.namespace, job_id)
            where = f"job {job_id} in {namespace_words(spec.namespace)}"
            if known is None:
                raise JobctlError(f"{where} exists, but jobctl does not know the spec it was scheduled with (it was "
                                  "not scheduled by jobctl here): give that spec's flags with --replace")
            if spec != bare and not known.matches(spec):
                raise JobctlError(f"{where} exists with another spec; enqueue adds work to it as it is: drop the "
                                  "job flags, or pass --replace to replace the job")
            if spec == bare:
                if known.whole is None:
                    raise JobctlError(f"{where} has extras, which jobctl keeps off the disk: give its flags again "
                                      "(the same --extra values) to add work to it")
                spec = known.whole
        session.enqueue(spec, items)
        remember(serial, spec)
    _warn(platform_adjustments(spec) + hold_adjustment(spec, items))
    show(options, {"job_id": spec.job_id, "namespace": spec.namespace, "result": "success", "enqueued": len(items)},
         Line(f"enqueued {len(items)} work item(s) for job {spec.job_id} "
              f"(namespace: {namespace_text(spec.namespace)})"))


def _warn(lines: list[str]) -> None:
    """What the platform does with a value it clamps or holds against the job: one line each on
    stderr, once the device accepted the spec (a refused spec stays one error line)."""
    for line in lines:
        click.echo(f"jobctl: warning: {line}", err=True)
