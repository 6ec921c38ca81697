"""What the helper's JobService does while a job runs: PROTOCOL.md §7 as typed values.

A :class:`JobScript` drives the whole run (§7.1); an :class:`ItemScript` is what the job does
with one dequeued work item (§7.2). Item scripts may only contain :class:`Sleep`,
:class:`Transfer` and :class:`Estimate` (§7.3).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sleep:
    """``{"op":"sleep","ms":N}``: wait N ms (a stop interrupts it)."""

    ms: int


@dataclass(frozen=True)
class Transfer:
    """``{"op":"transfer","down":D,"up":U,"ms":N,"chunks":K}`` (§7.1).

    ``chunks`` rounds of ``ms // chunks`` ms each; round ``i`` reports cumulative
    ``down*i//chunks`` / ``up*i//chunks`` transferred bytes (one ``bytes_reported`` event each).
    """

    down: int
    up: int
    ms: int = 0
    chunks: int = 1


@dataclass(frozen=True)
class Estimate:
    """``{"op":"estimate","down":D,"up":U}``: ``updateEstimatedNetworkBytes`` on 34+ (§7.1)."""

    down: int
    up: int


@dataclass(frozen=True)
class Work:
    """``{"op":"work"}``: dequeue and process work items until the queue is empty (§7.1)."""


@dataclass(frozen=True)
class Finish:
    """``{"op":"finish","reschedule":B}``: ``jobFinished(params, B)`` and end (§7.1)."""

    reschedule: bool = False


@dataclass(frozen=True)
class Hold:
    """``{"op":"hold"}``: wait until the platform stops the job (§7.1)."""


@dataclass(frozen=True)
class Abandon:
    """``{"op":"abandon"}``: drop the JobParameters without ``jobFinished`` and wait until the
    platform stops the job (§7.1). From Android 16 (API 36) the platform notices the collected
    parameters and its timeout stops the job with ``STOP_REASON_TIMEOUT_ABANDONED`` (16); on
    older levels it is a plain timeout."""


ItemStep = Sleep | Transfer | Estimate
"""Steps allowed in an ITEM-SCRIPT (§7.2)."""

JobStep = Sleep | Transfer | Estimate | Work | Finish | Hold | Abandon
"""Steps allowed in a JOB-SCRIPT (§7.1)."""

STEP_OPS: dict[type, str] = {Sleep: "sleep", Transfer: "transfer", Estimate: "estimate",
                             Work: "work", Finish: "finish", Hold: "hold", Abandon: "abandon"}
"""Each step class and its ``op`` token."""


@dataclass(frozen=True)
class JobScript:
    """``{"steps":[…],"on_stop_reschedule":B,"block_start_ms":N,"block_stop_ms":N}`` (§7.1).

    ``on_stop_reschedule`` is what ``onStopJob`` returns. ``block_start_ms`` / ``block_stop_ms``
    make ``onStartJob`` / ``onStopJob`` sleep that long on the app's main thread before they
    return: past the platform's 8 s limit (``JobServiceContext.OP_TIMEOUT_MILLIS``) the job is
    cleaned up, and from Android 14 an app targeting 34+ gets an ANR.
    :data:`DEFAULT_JOB_SCRIPT` is what the helper runs when a spec carries no script.
    """

    steps: tuple[JobStep, ...] = ()
    on_stop_reschedule: bool = False
    block_start_ms: int = 0
    block_stop_ms: int = 0


@dataclass(frozen=True)
class ItemScript:
    """``{"steps":[…],"complete":B}`` (§7.2): ``complete`` false leaves the item active."""

    steps: tuple[ItemStep, ...] = ()
    complete: bool = True


DEFAULT_JOB_SCRIPT = JobScript(steps=(Work(), Finish(reschedule=False)))
"""PROTOCOL.md §7.1: the script of a spec without ``script``."""

DEFAULT_ITEM_SCRIPT = ItemScript()
"""PROTOCOL.md §3.5 ``enqueue``: the script of an item without ``script``."""
