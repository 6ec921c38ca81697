"""What JobScheduler does when an app's onStartJob/onStopJob does not return in time.

JobService's callbacks run on the app's main thread; ``JobServiceContext`` (``apex/jobscheduler/
service/java/com/android/server/job/JobServiceContext.java``) waits ``OP_TIMEOUT_MILLIS`` (8 s ×
``Build.HW_TIMEOUT_MULTIPLIER``, 1 on these images) for ``acknowledgeStartMessage`` /
``acknowledgeStopMessage`` and then runs ``handleOpTimeoutLocked``:

* VERB_STARTING: the job is cleaned up without a reschedule, debug reason ``timed out while
  starting``; VERB_STOPPING: cleaned up *with* a reschedule, ``timed out while stopping``.
* Android 8.0/8.1 (``handleOpTimeoutH``): ``Log.e`` ``No response from client for onStartJob
  '<short class>' tId: <jobId>`` (``onStopJob, '…'`` for the stop).
* 9-13: ``Slog.w`` ``No response from client for onStartJob <toShortString>`` (``onStopJob``).
  The stop reasons are not touched (the internal reason stays UNKNOWN, -1). No ANR.
* 14+ (``onSlowAppResponseLocked``): ``Slog.w`` ``No response to onStartJob for <toShortString>``
  (``onStopJob``); the start case sets STOP_REASON_UNDEFINED / INTERNAL_STOP_REASON_ANR; and when
  the compat change ``ANR_PRE_UDC_APIS_ON_SLOW_RESPONSES`` (258236856, ``@EnabledAfter(TIRAMISU)``,
  i.e. target SDK 34+) is on for the app, ``ActivityManagerInternal.appNotResponding`` raises an
  ANR with the message as its reason.

The ANR (``services/core/java/com/android/server/am/ProcessErrorStateRecord.java``
``appNotResponding``) logs ``ANR in <process>`` / ``PID: <pid>`` / ``Reason: <reason>`` as
``E ActivityManager`` lines (the first lines of its report; the CPU and pressure sections are not
modelled) and, for a process the user does not see (a background job service), kills it as a
silent ANR (``Killing …: bg anr``).
"""

from __future__ import annotations

from dataclasses import dataclass

from jobctl_sim.framework.jobscheduler.model import InternalStopReason, StopReason

OP_TIMEOUT_MS = 8_000
"""``JobServiceContext.OP_TIMEOUT_MILLIS``."""
ANR_TARGET_SDK = 34
"""``ANR_PRE_UDC_APIS_ON_SLOW_RESPONSES`` is enabled for apps targeting above 33."""


@dataclass(frozen=True)
class SlowResponse:
    """What the platform does about one callback that did not return in time."""

    log_priority: str
    log_message: str
    reschedule: bool
    debug_reason: str
    stop_reasons: tuple[int, int] | None
    """(public, internal) the params get, or None when they are left as they were."""
    anr_reason: str | None
    """The ANR's reason, or None when no ANR is raised."""


def slow_response(api_level: int, callback: str, short_string: str, short_class: str, job_id: int,
                  target_sdk: int) -> SlowResponse:
    """``handleOpTimeoutLocked`` for ``callback`` (``onStartJob`` | ``onStopJob``) on ``api_level``."""
    starting = callback == "onStartJob"
    debug = "timed out while starting" if starting else "timed out while stopping"
    if api_level >= 34:
        message = f"No response to {callback}"
        reasons = ((int(StopReason.STOP_REASON_UNDEFINED), int(InternalStopReason.INTERNAL_STOP_REASON_ANR))
                   if starting else None)
        return SlowResponse("W", f"{message} for {short_string}", not starting, debug, reasons,
                            message if target_sdk >= ANR_TARGET_SDK else None)
    if api_level >= 28:
        return SlowResponse("W", f"No response from client for {callback} {short_string}", not starting, debug,
                            None, None)
    comma = "" if starting else ","
    return SlowResponse("E", f"No response from client for {callback}{comma} '{short_class}' tId: {job_id}",
                        not starting, debug, None, None)


def anr_report(process: str, pid: int, reason: str) -> list[str]:
    """The first lines of the ANR report ActivityManager logs."""
    return [f"ANR in {process}", f"PID: {pid}", f"Reason: {reason}"]
