"""``cmd jobscheduler help``: the help text per API level.

``JobSchedulerShellCommand.onHelp`` (``apex/jobscheduler/service/java/com/android/server/job/
JobSchedulerShellCommand.java``): the Android 15 text verbatim (FB-main); 14 = 15 without the
aconfig entry [I]; 11-13 (and 26-30 [I]) without namespaces, ``stop`` and the byte getters, with
the old ``timeout`` text; 16+ (API 36, 37) adds the entries of :mod:`.shell_v36`.
"""

from __future__ import annotations

from jobctl_sim.framework.jobscheduler.shell_v36 import add_help_36

_STOP_USAGE = ("  stop [-u | --user USER_ID] [-n | --namespace NAMESPACE] [-s | --stop-reason STOP_REASON] "
               "[-i | --internal-stop-reason STOP_REASON] [PACKAGE] [JOB_ID]")

_HELP_15 = """Job scheduler (jobscheduler) commands:
  help
    Print this help text.
  run [-f | --force] [-s | --satisfied] [-u | --user USER_ID] [-n | --namespace NAMESPACE] PACKAGE JOB_ID
    Trigger immediate execution of a specific scheduled job. For historical
    reasons, some constraints, such as battery, are ignored when this
    command is called. If you don't want any constraints to be ignored,
    include the -s flag.
    Options:
      -f or --force: run the job even if technical constraints such as
         connectivity are not currently met. This is incompatible with -f@@EOL_SPACE@@
         and so an error will be reported if both are given.
      -n or --namespace: specify the namespace this job sits in; the default
         is null (no namespace).
      -s or --satisfied: run the job only if all constraints are met.
         This is incompatible with -f and so an error will be reported
         if both are given.
      -u or --user: specify which user's job is to be run; the default is
         the primary or system user
@@STOP_USAGE@@
    Trigger immediate stop of currently executing jobs using the specified
    stop reasons.
    Options:
      -u or --user: specify which user's job is to be run; the default is
         all users
      -n or --namespace: specify the namespace this job sits in; the default
         is null (no namespace).
      -s or --stop-reason: specify the stop reason given to the job.
         Valid values are those that can be returned from
         JobParameters.getStopReason().
          The default value is STOP_REASON_USER.
      -i or --internal-stop-reason: specify the internal stop reason.
         JobScheduler will use for internal processing.
         Valid values are those that can be returned from
         JobParameters.getInternalStopReason().
          The default value is INTERNAL_STOP_REASON_UNDEFINED.
  timeout [-u | --user USER_ID] [-n | --namespace NAMESPACE] [PACKAGE] [JOB_ID]
    Trigger immediate timeout of currently executing jobs, as if their
    execution timeout had expired.
    This is the equivalent of calling `stop -s 3 -i 3`.
    Options:
      -u or --user: specify which user's job is to be run; the default is
         all users
      -n or --namespace: specify the namespace this job sits in; the default
         is null (no namespace).
  cancel [-u | --user USER_ID] [-n | --namespace NAMESPACE] PACKAGE [JOB_ID]
    Cancel a scheduled job.  If a job ID is not supplied, all jobs scheduled
    by that package will be canceled.  USE WITH CAUTION.
    Options:
      -u or --user: specify which user's job is to be run; the default is
         the primary or system user
      -n or --namespace: specify the namespace this job sits in; the default
         is null (no namespace).
  heartbeat [num]
    No longer used.
  monitor-battery [on|off]
    Control monitoring of all battery changes.  Off by default.  Turning
    on makes get-battery-seq useful.
@@ACONFIG@@  get-battery-seq
    Return the last battery update sequence number that was received.
  get-battery-charging
    Return whether the battery is currently considered to be charging.
  get-battery-not-low
    Return whether the battery is currently considered to not be low.
@@BYTES_EST@@  get-storage-seq
    Return the last storage update sequence number that was received.
  get-storage-not-low
    Return whether storage is currently considered to not be low.
@@BYTES_XFER@@  get-job-state [-u | --user USER_ID] [-n | --namespace NAMESPACE] PACKAGE JOB_ID
    Return the current state of a job, may be any combination of:
      pending: currently on the pending list, waiting to be active
      active: job is actively running
      user-stopped: job can't run because its user is stopped
      backing-up: job can't run because app is currently backing up its data
      no-component: job can't run because its component is not available
      ready: job is ready to run (all constraints satisfied or bypassed)
      waiting: if nothing else above is printed, job not ready to run
    Options:
      -u or --user: specify which user's job is to be run; the default is
         the primary or system user
      -n or --namespace: specify the namespace this job sits in; the default
         is null (no namespace).
  trigger-dock-state [idle|active]
    Trigger wireless charging dock state.  Active by default.

""".replace("@@STOP_USAGE@@", _STOP_USAGE).replace("@@EOL_SPACE@@", " ")

_ACONFIG = """  get-aconfig-flag-state FULL_FLAG_NAME
    Return the state of the specified aconfig flag, if known. The flag name
         must be fully qualified.
"""


def _bytes_help(kind: str) -> str:
    out = ""
    for direction in ("download", "upload"):
        out += (
            f"  get-{kind}-{direction}-bytes [-u | --user USER_ID] [-n | --namespace NAMESPACE] PACKAGE JOB_ID\n"
            f"    Return the most recent {kind} {direction} bytes for the job.\n"
            "    Options:\n"
            "      -u or --user: specify which user's job is to be run; the default is\n"
            "         the primary or system user\n"
        )
    return out


def help_text(api_level: int) -> str:
    """``onHelp`` for ``api_level`` (see the module docstring)."""
    text = _HELP_15.replace("@@ACONFIG@@", _ACONFIG if api_level >= 35 else "")
    if api_level >= 36:
        text = add_help_36(text)
    if api_level >= 34:
        return text.replace("@@BYTES_EST@@", _bytes_help("estimated")).replace(
            "@@BYTES_XFER@@", _bytes_help("transferred"))
    text = text.replace("@@BYTES_EST@@", "").replace("@@BYTES_XFER@@", "")
    text = text.replace(" [-n | --namespace NAMESPACE]", "")
    text = text.replace(
        "      -n or --namespace: specify the namespace this job sits in; the default\n"
        "         is null (no namespace).\n", "")
    start = text.index("  stop [")
    text = text[:start] + text[text.index("  timeout ["):]
    text = text.replace(
        "    Trigger immediate timeout of currently executing jobs, as if their\n"
        "    execution timeout had expired.\n"
        "    This is the equivalent of calling `stop -s 3 -i 3`.\n",
        "    Trigger immediate timeout of currently executing jobs, as if their.\n"
        "    execution timeout had expired.\n")
    return text
