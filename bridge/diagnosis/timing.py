"""Time in a job's state: minimum latency, backoff, deadline, the periodic window.

Read from the job's block of ``dumpsys jobscheduler PKG`` (``JobStatus.dump``,
``apex/jobscheduler/service/java/com/android/server/job/controllers/JobStatus.java``):
``Run time: earliest=<±duration|none>, latest=<±duration|none>, original latest=…`` is
``earliestRunTimeElapsedMillis``/``latestRunTimeElapsedMillis`` relative to the dump; the JobInfo
lines give ``Minimum latency``, ``Max execution delay`` (the deadline), ``PERIODIC: interval=…
flex=…`` and ``Backoff: policy=<0 linear|1 exponential> initial=…``; ``Num failures``/``Num
system stops`` count the reschedules (``JobSchedulerService.getRescheduleJobForFailureLocked``:
the backoff is ``initial × attempts`` or ``initial × 2^(attempts-1)``, capped at 5 h, with
attempts = failures + system stops / 3 from Android 14). A periodic job's window opens ``flex``
before its end (``getRescheduleJobForPeriodic``). The parser of :mod:`bridge.parsers` does not
keep the ``Run time`` line, so it is read here from the job's own lines.
"""

from __future__ import annotations

import re

from bridge.diagnosis.commands import Commands, format_ms
from bridge.diagnosis.model import BackoffPolicy, Blocker, BlockerKind, Timing
from bridge.durations import parse_duration_ms
from bridge.parsers import DumpedJob

_RUN_TIME = re.compile(r"^Run time: earliest=(?P<earliest>\S+), latest=(?P<latest>[^,\s]+)")


def job_block_lines(text: str, job_id: int, namespace: str | None) -> list[str]:
    """The stripped lines of the registered job's block (empty when it is not in the text)."""
    ns = re.escape(namespace) if namespace is not None else None
    ref = (rf"(?:{ns}:\S+/{job_id}|#\S+/{job_id} from namespace {ns})" if ns is not None
           else rf"#\S+/{job_id}")
    header = re.compile(rf"^\s*JOB {ref}: ")
    lines = text.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        if header.match(line):
            depth = len(line) - len(line.lstrip(" "))
            block = []
            for body in lines[i + 1:]:
                if body.strip() and len(body) - len(body.lstrip(" ")) <= depth:
                    break
                block.append(body.strip())
            return block
    return []


def _relative(text: str) -> int | None:
    if text == "none":
        return None
    try:
        return parse_duration_ms(text)
    except ValueError:
        return None


def read_timing(job: DumpedJob, block: list[str]) -> Timing:
    """The job's :class:`Timing` from its parsed block and its raw lines."""
    earliest = latest = None
    for line in block:
        match = _RUN_TIME.match(line)
        if match:
            earliest, latest = _relative(match.group("earliest")), _relative(match.group("latest"))
            break
    policy = None
    if job.backoff_policy in (0, 1):
        policy = BackoffPolicy(job.backoff_policy)
    return Timing(earliest, latest, job.min_latency_ms, job.max_execution_delay_ms, job.periodic_interval_ms,
                  job.periodic_flex_ms, policy, job.backoff_initial_ms, job.num_failures or 0,
                  job.num_system_stops or 0)


def timing_blockers(timing: Timing, job: DumpedJob, commands: Commands) -> list[Blocker]:
    """Why TIMING_DELAY is unsatisfied: the period's window, a backoff, or the minimum latency."""
    if "TIMING_DELAY" not in job.unsatisfied_constraints:
        return []
    wait = timing.earliest_in_ms
    left = f"in {format_ms(wait)}" if wait is not None and wait > 0 else "shortly"
    unblock = commands.run(force=True)
    if timing.periodic:
        interval = format_ms(timing.periodic_interval_ms or 0)
        flex = format_ms(timing.periodic_flex_ms or 0)
        closes = (f", and closes in {format_ms(timing.latest_in_ms)}"
                  if timing.latest_in_ms is not None and timing.latest_in_ms > 0 else "")
        return [Blocker(BlockerKind.PERIODIC_WINDOW,
                        f"it is periodic (every {interval}, flex {flex}) and waits for its next window, which "
                        f"opens {left}{closes}", unblock, "TIMING_DELAY")]
    if timing.backing_off:
        policy = timing.backoff_policy.name.lower() if timing.backoff_policy is not None else "unknown"
        initial = format_ms(timing.backoff_initial_ms or 0)
        why = f"{timing.failures} failed run(s)" + (
            f" and {timing.system_stops} system stop(s)" if timing.system_stops else "")
        return [Blocker(BlockerKind.BACKOFF,
                        f"it is backing off after {why}: {policy} policy, initial {initial}, attempt "
                        f"{timing.attempts}; the backoff ends {left}", unblock, "TIMING_DELAY")]
    latency = f" ({format_ms(timing.min_latency_ms)})" if timing.min_latency_ms else ""
    return [Blocker(BlockerKind.WAITING_FOR_LATENCY,
                    f"its minimum latency{latency} has not passed yet: it may run {left}", unblock, "TIMING_DELAY")]


def timing_notes(timing: Timing, running: bool, blocked: bool) -> list[str]:
    """The deadline (ahead, or passed: the job is overdue) in plain words."""
    if timing.periodic or timing.latest_in_ms is None or running:
        return []
    if timing.latest_in_ms > 0:
        return [f"its deadline is in {format_ms(timing.latest_in_ms)}: then it runs even if its constraints "
                "are not met (not past the app-level gates: quota, Doze, restriction)"]
    overdue = f"its deadline passed {format_ms(timing.latest_in_ms)} ago, so its own constraints no longer matter"
    if blocked:
        return [overdue + "; it is overdue and will run as soon as what is listed below no longer holds it back"]
    return [overdue + "; it will run as soon as JobScheduler gets to it"]
