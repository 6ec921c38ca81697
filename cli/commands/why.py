"""``jobctl why``: why a job is not running, until when, and the command that unblocks it.

The reasoning is :func:`bridge.diagnosis.diagnose` (blockers, timing, quota, last outcome, and for
another app's WorkManager job its WorkSpec, :func:`bridge.workmanager.label_job`). This module only
renders.
"""

from __future__ import annotations

import click

from cli.context import GlobalOptions
from cli.options import namespace_option, package_option
from cli.render import Line, Styled, Table, show


@click.command()
@click.argument("job_id", type=int, metavar="JOB_ID")
@namespace_option
@package_option
@click.pass_obj
def why(options: GlobalOptions, /, job_id: int, namespace: str | None, package: str | None) -> None:
    """Explain why job JOB_ID is not running, until when, and the command that would unblock it.

    Time and state are reasoned about: the minimum latency left, a backoff (policy, attempt, when
    it ends), the deadline, the next periodic window, the execution quota (bucket, used, refill);
    a job that is gone is named finished, stopped, cancelled or force-stopped. Every suggested
    command runs as printed. With -p, any app's job (WorkManager's jobs are labelled with their
    WorkSpec).

    \b
    Examples:
      jobctl why 7
      jobctl why 7 --namespace sync --json
      jobctl why -p com.example.jobctl.sample -n androidx.work.systemjobscheduler 0
    """
    from bridge.diagnosis import diagnose
    from bridge.helper_protocol import HELPER_PACKAGE

    diagnosis = diagnose(options.device(), job_id, namespace, package or HELPER_PACKAGE)
    blocks: list[Line | Table] = [Line(Styled(diagnosis.summary, "bold"))]
    if diagnosis.work is not None:
        blocks.append(Line("  WorkManager: " + diagnosis.work.label))
    if diagnosis.exists:
        details = [f"state: {' '.join(diagnosis.state) or '?'}",
                   f"bucket: {diagnosis.standby_bucket or '?'}",
                   f"requires: {' '.join(diagnosis.required_constraints) or 'nothing'}",
                   f"unsatisfied: {' '.join(diagnosis.unsatisfied_constraints) or 'nothing'}"]
        blocks.append(Line("  " + "   ".join(details)))
    blocks.extend(Line(f"  {note}") for note in diagnosis.notes)
    if diagnosis.blockers:
        blocks.append(Table(("#", "kind", "why", "to unblock"), tuple(
            (str(number), blocker.kind.value, blocker.reason, blocker.command or "-")
            for number, blocker in enumerate(diagnosis.blockers, 1)), fold=True, edge=False))
    if diagnosis.run_problems:
        blocks.append(Line(Styled("past runs that ended badly (oldest first):", "bold")))
        blocks.extend(Line(f"  {problem.kind.value}, {problem.ago_ms / 1000:.0f} s ago: {problem.explanation}")
                      for problem in diagnosis.run_problems)
    show(options, diagnosis.to_json_object(), *blocks)
