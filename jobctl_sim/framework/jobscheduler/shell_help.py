"""``cmd jobscheduler help``: the help text per API level (``JobSchedulerShellCommand.onHelp``).

* 35 (15): the FB-main text verbatim (aosp-mirror/platform_frameworks_base
  @53e84fae8251af7ee71e191e9ecd3adbf98291d7, ``apex/jobscheduler/service/java/com/android/
  server/job/JobSchedulerShellCommand.java``); 16+ (API 36, 37) add the entries of
  :mod:`.shell_v36`.
* 34 (14): the 15 text without the ``get-aconfig-flag-state`` entry -- galaxy-a16/SM-A166P
  @571140379d15ddfe3371a4a6095801d895653889, ``partitions/system/framework/services.jar/
  services_src/smali_classes2/com/android/server/job/JobSchedulerShellCommand.smali`` (an
  Android 14 build: namespaces, ``stop`` and the byte getters, no aconfig verb in ``onCommand``).
* 30-33 (11-13): no namespaces, ``stop`` or byte getters, the old ``timeout`` text ("as if
  their." and no "equivalent of calling stop" line) -- Ankits-lab/frameworks_base
  @150a9240e5a11cd5ebc9bb0832ce30e9c23f376a (Android 11, same path) line for line; 12's
  ``onHelp`` (Neoteric-OS/android_frameworks_base @250d60d35fd91ba3a47c6b91fc837acb71941c61, same
  path) has the same lines.
* 28-29 (9, 10): ``run`` without ``-s`` and with the one-line description, ``heartbeat``
  described as the standby heartbeat -- aosp-mirror/platform_frameworks_base
  @e80b45506501815061b079dcb10bf87443bd385d ``services/core/java/com/android/server/job/
  JobSchedulerShellCommand.java``; the same strings in the smali of an Android 9 build
  (mwilky/smali-enchilada @7e951ea43a90af68134489fe89f10f0c1c747c8e, "OxygenOS Pie Open Beta 2")
  and an Android 10 one (mwilky/smali-instantnoodlep @45be2502c873cdbb16ea3846a97005eadcaa2772,
  a tree with QuotaController, JobConcurrencyManager and CarIdlenessTracker), both at
  ``services.jar.out/smali/com/android/server/job/JobSchedulerShellCommand.smali``.
* 26-27 (8.0, 8.1): the 9 text without ``cancel``, ``heartbeat`` and ``trigger-dock-state``
  -- GrifoDev/SuperMan-ModdedFiles @4f08da090dd528b3c8aacf658e06887eebcf52be (smali, same
  path; its ``onCommand`` has the nine verbs run, timeout, monitor-battery, the five getters and
  get-job-state); 8.1's service (MiracleDROID-HnT/android_frameworks_base
  @d77564ebf1740c5c0b308a3488da08d56c20ff24 ``JobSchedulerService.java``, a tree whose
  ``Build.VERSION_CODES`` ends at ``O_MR1 = 27``) has no method behind the three either.
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


_HEAD_OLD = """Job scheduler (jobscheduler) commands:
  help
    Print this help text.
  run [-f | --force] [-u | --user USER_ID] PACKAGE JOB_ID
    Trigger immediate execution of a specific scheduled job.
    Options:
      -f or --force: run the job even if technical constraints such as
         connectivity are not currently met
      -u or --user: specify which user's job is to be run; the default is
         the primary or system user
  timeout [-u | --user USER_ID] [PACKAGE] [JOB_ID]
    Trigger immediate timeout of currently executing jobs, as if their.
    execution timeout had expired.
    Options:
      -u or --user: specify which user's job is to be run; the default is
         all users
"""
_CANCEL_HEARTBEAT_9 = """  cancel [-u | --user USER_ID] PACKAGE [JOB_ID]
    Cancel a scheduled job.  If a job ID is not supplied, all jobs scheduled
    by that package will be canceled.  USE WITH CAUTION.
    Options:
      -u or --user: specify which user's job is to be run; the default is
         the primary or system user
  heartbeat [num]
    With no argument, prints the current standby heartbeat.  With a positive
    argument, advances the standby heartbeat by that number.
"""


def _old_tail(text_15: str) -> str:
    """From ``monitor-battery`` to the end of the 11-13 text (the getters and get-job-state)."""
    return text_15[text_15.index("  monitor-battery ["):]


def help_text(api_level: int) -> str:
    """``onHelp`` for ``api_level`` (see the module docstring)."""
    if api_level < 30:
        tail = _old_tail(help_text(30))
        if api_level < 28:  # 8.x: no cancel, heartbeat or trigger-dock-state
            return _HEAD_OLD + tail[:tail.index("  trigger-dock-state [")] + "\n"
        return _HEAD_OLD + _CANCEL_HEARTBEAT_9 + tail
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
