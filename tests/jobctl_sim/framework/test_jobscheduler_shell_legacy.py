"""``cmd jobscheduler`` on API 26-30 and the API 34 help text, each detail from a named source
(issue 14: every fidelity detail traceable). The sources, by level:

* 26 (8.0): GrifoDev/SuperMan-ModdedFiles @4f08da090dd528b3c8aacf658e06887eebcf52be,
  ``services.jar.out/smali/com/android/server/job/JobSchedulerShellCommand.smali`` (nine verbs,
  the 8.0 help); 27 (8.1): MiracleDROID-HnT/android_frameworks_base
  @d77564ebf1740c5c0b308a3488da08d56c20ff24 ``services/core/java/com/android/server/job/
  JobSchedulerService.java`` (no ``executeCancelCommand``/``executeHeartbeatCommand``/
  ``triggerDockState``; the tree's ``Build.VERSION_CODES`` ends at ``O_MR1 = 27``).
* 28 (9): aosp-mirror/platform_frameworks_base @e80b45506501815061b079dcb10bf87443bd385d
  ``services/core/java/com/android/server/job/JobSchedulerShellCommand.java`` and
  mwilky/smali-enchilada @7e951ea43a90af68134489fe89f10f0c1c747c8e (OxygenOS Pie beta);
  29 (10): mwilky/smali-instantnoodlep @45be2502c873cdbb16ea3846a97005eadcaa2772 (a tree with
  QuotaController and JobConcurrencyManager), service side aosp-mirror/platform_frameworks_base
  @0054124f30c621293f2233186f53c719374e820d ``JobSchedulerService.java``.
* 30 (11): Ankits-lab/frameworks_base @150a9240e5a11cd5ebc9bb0832ce30e9c23f376a.
* 31-32 (12): Neoteric-OS/android_frameworks_base @250d60d35fd91ba3a47c6b91fc837acb71941c61
  (``JobSchedulerShellCommand.java``) and mwilky/smali-raven
  @0a3eb9dd181e5f4e31bec92551d7befcfe4cd2e6 (``JobSchedulerShellCommand``,
  ``JobSchedulerService`` and ``JobStatus`` smali); 33 (13): mwilky/smali-raven
  @d05bbdcff8fe4398c75575ef0a2d5c840f38600e (``JobSchedulerShellCommand.smali``) and
  Neoteric-OS/android_frameworks_base @5cf9a14c9bc5ea9fcefcf1fb33d4fcd066583f42
  (``JobSchedulerService.java``, ``controllers/JobStatus.java``); 36 (16): yaap/frameworks_base
  @3ddcaa00537ad17c17a59c73990d12441d689aaf (``JobSchedulerService.java``).
* 34 (14): galaxy-a16/SM-A166P @571140379d15ddfe3371a4a6095801d895653889 (``onHelp`` smali).
"""

from __future__ import annotations

import pytest

from jobctl_sim.framework.jobscheduler.shell_help import help_text
from jobctl_sim.framework.jobscheduler.shell_legacy import STANDBY_HEARTBEAT_MS
from jobctl_sim.framework.system import AndroidSystem
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.streams import BufferOutput, InputStream
from tests.jobctl_sim.framework.test_jobscheduler import (
    PKG,
    UID,
    job,
    make_system,
    run,
    running_job,
    settle,
    shell,
)

USER_OPT = ("      -u or --user: specify which user's job is to be run; the default is\n"
            "         the primary or system user\n")
ALL_USERS = ("      -u or --user: specify which user's job is to be run; the default is\n"
             "         all users\n")
GETTERS = """  get-battery-seq
    Return the last battery update sequence number that was received.
  get-battery-charging
    Return whether the battery is currently considered to be charging.
  get-battery-not-low
    Return whether the battery is currently considered to not be low.
  get-storage-seq
    Return the last storage update sequence number that was received.
  get-storage-not-low
    Return whether storage is currently considered to not be low.
"""
JOB_STATE = """  get-job-state [-u | --user USER_ID] PACKAGE JOB_ID
    Return the current state of a job, may be any combination of:
      pending: currently on the pending list, waiting to be active
      active: job is actively running
      user-stopped: job can't run because its user is stopped
      backing-up: job can't run because app is currently backing up its data
      no-component: job can't run because its component is not available
      ready: job is ready to run (all constraints satisfied or bypassed)
      waiting: if nothing else above is printed, job not ready to run
    Options:
""" + USER_OPT
TIMEOUT_OLD = ("  timeout [-u | --user USER_ID] [PACKAGE] [JOB_ID]\n"
               "    Trigger immediate timeout of currently executing jobs, as if their.\n"
               "    execution timeout had expired.\n"
               "    Options:\n" + ALL_USERS)
CANCEL_OLD = ("  cancel [-u | --user USER_ID] PACKAGE [JOB_ID]\n"
              "    Cancel a scheduled job.  If a job ID is not supplied, all jobs scheduled\n"
              "    by that package will be canceled.  USE WITH CAUTION.\n"
              "    Options:\n" + USER_OPT)
MONITOR = ("  monitor-battery [on|off]\n"
           "    Control monitoring of all battery changes.  Off by default.  Turning\n"
           "    on makes get-battery-seq useful.\n")
DOCK = "  trigger-dock-state [idle|active]\n    Trigger wireless charging dock state.  Active by default.\n"
RUN_OLD = ("  run [-f | --force] [-u | --user USER_ID] PACKAGE JOB_ID\n"
           "    Trigger immediate execution of a specific scheduled job.\n"
           "    Options:\n"
           "      -f or --force: run the job even if technical constraints such as\n"
           "         connectivity are not currently met\n" + USER_OPT)
HEAD = "Job scheduler (jobscheduler) commands:\n  help\n    Print this help text.\n"

HELP_8 = HEAD + RUN_OLD + TIMEOUT_OLD + MONITOR + GETTERS + JOB_STATE + "\n"
"""GrifoDev smali ``onHelp``: no cancel, heartbeat or trigger-dock-state."""
HELP_9 = (HEAD + RUN_OLD + TIMEOUT_OLD + CANCEL_OLD
          + "  heartbeat [num]\n"
          "    With no argument, prints the current standby heartbeat.  With a positive\n"
          "    argument, advances the standby heartbeat by that number.\n"
          + MONITOR + GETTERS + JOB_STATE + DOCK + "\n")
"""aosp-mirror @e80b4550 ``onHelp`` (same strings in the enchilada and instantnoodlep smali)."""
HELP_11 = (HEAD
           + "  run [-f | --force] [-s | --satisfied] [-u | --user USER_ID] PACKAGE JOB_ID\n"
           "    Trigger immediate execution of a specific scheduled job. For historical\n"
           "    reasons, some constraints, such as battery, are ignored when this\n"
           "    command is called. If you don't want any constraints to be ignored,\n"
           "    include the -s flag.\n"
           "    Options:\n"
           "      -f or --force: run the job even if technical constraints such as\n"
           "         connectivity are not currently met. This is incompatible with -f \n"
           "         and so an error will be reported if both are given.\n"
           "      -s or --satisfied: run the job only if all constraints are met.\n"
           "         This is incompatible with -f and so an error will be reported\n"
           "         if both are given.\n" + USER_OPT
           + TIMEOUT_OLD + CANCEL_OLD + "  heartbeat [num]\n    No longer used.\n"
           + MONITOR + GETTERS + JOB_STATE + DOCK + "\n")
"""Ankits-lab @150a9240 ``onHelp``."""


def _bytes(kind: str, direction: str) -> str:
    return (f"  get-{kind}-{direction}-bytes [-u | --user USER_ID] [-n | --namespace NAMESPACE] PACKAGE JOB_ID\n"
            f"    Return the most recent {kind} {direction} bytes for the job.\n    Options:\n" + USER_OPT)


NS_OPT = ("      -n or --namespace: specify the namespace this job sits in; the default\n"
          "         is null (no namespace).\n")
HELP_14 = (HEAD
           + "  run [-f | --force] [-s | --satisfied] [-u | --user USER_ID] [-n | --namespace NAMESPACE]"
           " PACKAGE JOB_ID\n"
           "    Trigger immediate execution of a specific scheduled job. For historical\n"
           "    reasons, some constraints, such as battery, are ignored when this\n"
           "    command is called. If you don't want any constraints to be ignored,\n"
           "    include the -s flag.\n"
           "    Options:\n"
           "      -f or --force: run the job even if technical constraints such as\n"
           "         connectivity are not currently met. This is incompatible with -f \n"
           "         and so an error will be reported if both are given.\n" + NS_OPT
           + "      -s or --satisfied: run the job only if all constraints are met.\n"
           "         This is incompatible with -f and so an error will be reported\n"
           "         if both are given.\n" + USER_OPT
           + "  stop [-u | --user USER_ID] [-n | --namespace NAMESPACE] [-s | --stop-reason STOP_REASON]"
           " [-i | --internal-stop-reason STOP_REASON] [PACKAGE] [JOB_ID]\n"
           "    Trigger immediate stop of currently executing jobs using the specified\n"
           "    stop reasons.\n"
           "    Options:\n" + ALL_USERS + NS_OPT
           + "      -s or --stop-reason: specify the stop reason given to the job.\n"
           "         Valid values are those that can be returned from\n"
           "         JobParameters.getStopReason().\n"
           "          The default value is STOP_REASON_USER.\n"
           "      -i or --internal-stop-reason: specify the internal stop reason.\n"
           "         JobScheduler will use for internal processing.\n"
           "         Valid values are those that can be returned from\n"
           "         JobParameters.getInternalStopReason().\n"
           "          The default value is INTERNAL_STOP_REASON_UNDEFINED.\n"
           "  timeout [-u | --user USER_ID] [-n | --namespace NAMESPACE] [PACKAGE] [JOB_ID]\n"
           "    Trigger immediate timeout of currently executing jobs, as if their\n"
           "    execution timeout had expired.\n"
           "    This is the equivalent of calling `stop -s 3 -i 3`.\n"
           "    Options:\n" + ALL_USERS + NS_OPT
           + "  cancel [-u | --user USER_ID] [-n | --namespace NAMESPACE] PACKAGE [JOB_ID]\n"
           "    Cancel a scheduled job.  If a job ID is not supplied, all jobs scheduled\n"
           "    by that package will be canceled.  USE WITH CAUTION.\n"
           "    Options:\n" + USER_OPT + NS_OPT
           + "  heartbeat [num]\n    No longer used.\n" + MONITOR
           + GETTERS.split("  get-storage-seq\n")[0] + _bytes("estimated", "download") + _bytes("estimated", "upload")
           + "  get-storage-seq\n"
           "    Return the last storage update sequence number that was received.\n"
           "  get-storage-not-low\n"
           "    Return whether storage is currently considered to not be low.\n"
           + _bytes("transferred", "download") + _bytes("transferred", "upload")
           + JOB_STATE.replace("[-u | --user USER_ID] PACKAGE", "[-u | --user USER_ID] [-n | --namespace NAMESPACE]"
                               " PACKAGE") + NS_OPT + DOCK + "\n")
"""galaxy-a16/SM-A166P ``onHelp`` (Android 14: namespaces, ``stop``, the byte getters, no aconfig)."""


# ------------------------------------------------------------------ help text per level
@pytest.mark.parametrize(("api", "expected"), [(26, HELP_8), (27, HELP_8), (28, HELP_9), (29, HELP_9),
                                                (30, HELP_11), (34, HELP_14)])
def test_help_text_is_the_sourced_text_of_each_level(api: int, expected: str) -> None:
    assert help_text(api) == expected

    async def body() -> None:
        assert await shell(make_system(api), "help") == (expected, "", 255)

    run(body())


# ------------------------------------------------------------------ which verbs exist
@pytest.mark.parametrize(("api", "missing"), [
    (26, ["cancel", "heartbeat", "trigger-dock-state", "reset-execution-quota", "reset-schedule-quota", "stop"]),
    (27, ["cancel", "heartbeat", "trigger-dock-state", "reset-execution-quota", "reset-schedule-quota"]),
    (28, ["reset-execution-quota", "reset-schedule-quota", "stop", "get-estimated-download-bytes"]),
    (29, ["reset-execution-quota", "reset-schedule-quota", "get-aconfig-flag-state"]),
])
def test_verbs_a_level_lacks_answer_unknown_command_with_255(api: int, missing: list[str]) -> None:
    async def body() -> None:
        system = make_system(api)
        for verb in missing:
            assert await shell(system, verb, PKG) == (f"Unknown command: {verb}\n", "", 255), (api, verb)

    run(body())


@pytest.mark.parametrize("api", [26, 27])
def test_android_8_has_run_timeout_monitor_getters_and_job_state(api: int) -> None:
    async def body() -> None:
        system = make_system(api)
        system.jobs.schedule(UID, PKG, job(1, requires_charging=True))  # 8.x refuses a job without constraints
        assert await shell(system, "monitor-battery", "on") == ("Battery monitoring enabled\n", "", 0)
        assert (await shell(system, "get-battery-seq"))[2] == 0
        assert await shell(system, "get-storage-not-low") == ("true\n", "", 0)
        assert (await shell(system, "get-job-state", PKG, "1"))[2] == 0
        assert await shell(system, "timeout") == ("No matching executing jobs found.\n", "", 0)

    run(body())


# ------------------------------------------------------------------ run's options
@pytest.mark.parametrize("api", [26, 28, 29])
def test_run_has_no_satisfied_flag_before_android_11(api: int) -> None:
    async def body() -> None:
        system = make_system(api)
        system.jobs.schedule(UID, PKG, job(1, requires_charging=True))
        assert await shell(system, "run", "-s", PKG, "1") == ("Error: unknown option '-s'\n", "", 255)
        assert await shell(system, "run", "--satisfied", PKG, "1") == ("Error: unknown option '--satisfied'\n", "", 255)
        assert await shell(system, "run", "-f", "-u", "0", PKG, "1") == ("Running job [FORCED]\n", "", 0)

    run(body())


def test_run_satisfied_flag_exists_on_android_11() -> None:
    async def body() -> None:
        system = make_system(30)
        system.jobs.schedule(UID, PKG, job(1, requires_charging=True))
        assert await shell(system, "run", "-s", PKG, "1") == (
            "", f"Job 1 in package {PKG} / user 0 has functional constraints but --force not specified\n", 22)
        assert await shell(system, "run", "-f", "-s", PKG, "1") == ("Cannot specify both --force and --satisfied\n",
                                                                   "", 255)

    run(body())


@pytest.mark.parametrize("api", [26, 28, 30, 34])
def test_run_reads_the_user_with_integer_parse_int_before_15(api: int) -> None:
    async def body() -> None:
        system = make_system(api)
        system.jobs.schedule(UID, PKG, job(1, requires_charging=True))
        assert await shell(system, "run", "-u", "cur", PKG, "1") == (
            'Exception: java.lang.NumberFormatException: For input string: "cur"\n', "", 255)
        assert await shell(system, "run", "-u", "all", PKG, "1") == (
            'Exception: java.lang.NumberFormatException: For input string: "all"\n', "", 255)
        # -1 passes parseInt; executeRunCommand looks the package up in USER_SYSTEM, printError names -1.
        assert await shell(system, "run", "-u", "-1", PKG, "7") == (
            "", f"Could not find job 7 in package {PKG} / user -1\n", 23)

    run(body())


def test_run_reads_the_user_with_parse_user_arg_on_15() -> None:
    async def body() -> None:
        system = make_system(35)
        system.jobs.schedule(UID, PKG, job(1, requires_charging=True))
        assert await shell(system, "run", "-f", "-u", "cur", PKG, "1") == ("Running job [FORCED]\n", "", 0)

    run(body())


# ------------------------------------------------------------------ heartbeat
def test_heartbeat_on_android_9_prints_and_advances_the_standby_heartbeat() -> None:
    async def body() -> None:
        system = make_system(28)
        beats = system.jobs.now() // STANDBY_HEARTBEAT_MS
        assert await shell(system, "heartbeat") == (f"{beats}\n", "", 0)
        assert await shell(system, "heartbeat", "3") == ("Advancing standby heartbeat by 3\n", "", 0)
        assert await shell(system, "heartbeat") == (f"{beats + 3}\n", "", 0)
        assert await shell(system, "heartbeat", "0") == (f"{beats + 3}\n", "", 0)
        assert await shell(system, "heartbeat", "x") == (
            'Exception: java.lang.NumberFormatException: For input string: "x"\n', "", 255)

    run(body())


def test_heartbeat_on_android_10_announces_but_never_advances() -> None:
    """``advanceHeartbeatLocked`` returns at once: ``USE_HEARTBEATS`` defaults to false on 10."""
    async def body() -> None:
        system = make_system(29)
        assert await shell(system, "heartbeat", "5") == ("Advancing standby heartbeat by 5\n", "", 0)
        assert await shell(system, "heartbeat") == ("0\n", "", 0)

    run(body())


def test_heartbeat_is_no_longer_supported_from_android_11() -> None:
    async def body() -> None:
        assert await shell(make_system(30), "heartbeat", "5") == ("Heartbeat command is no longer supported\n", "", 255)

    run(body())


# ------------------------------------------------------------------ timeout, cancel, get-job-state
@pytest.mark.parametrize("api", [26, 29, 30, 31, 32, 33])
def test_timeout_before_14_prints_the_unique_id_without_a_hash(api: int) -> None:
    async def body() -> None:
        system, _app = await running_job(api=api, requires_storage_not_low=True)
        assert await shell(system, "timeout", PKG, "1") == (
            f"Timing out: u0a123/1 {PKG}/.HelperJobService\n", "", 0)

    run(body())


@pytest.mark.parametrize("api", [28, 29, 30, 31, 32, 33, 34, 35, 36])
def test_cancel_records_the_app_cancel_reason_with_the_shell_uid(api: int) -> None:
    """``executeCancelCommand`` -> ``cancelJob(pkgUid, [namespace,] jobId, SHELL_UID, ...)`` on every level."""
    async def body() -> None:
        system, app = await running_job(api=api, requires_storage_not_low=True)
        assert await shell(system, "cancel", PKG, "1") == (f"Canceling job {PKG}/#1 in user 0\n", "", 0)
        assert app.stopped[-1].debug_stop_reason == f"cancel() called by app, callingUid=2000 uid={UID} jobId=1"
        assert not system.jobs.jobs

    run(body())


@pytest.mark.parametrize(("api", "operation"), [(26, "force timeout jobs"), (30, "force timeout jobs"),
                                                (31, "force timeout jobs"), (32, "force timeout jobs"),
                                                (33, "force timeout jobs"), (34, "get job state")])
def test_get_job_state_checks_the_operation_its_level_names(api: int, operation: str) -> None:
    async def body() -> None:
        system = make_system(api)  # uid 10999 is no package: it holds no CHANGE_APP_IDLE_STATE
        out, err, code = await shell_as(system, 10999, "get-job-state", PKG, "1")
        assert (out, err, code) == (
            f"Exception: java.lang.SecurityException: Uid 10999 not permitted to {operation}\n", "", 255)

    run(body())


async def shell_as(system: AndroidSystem, uid: int, *args: str) -> tuple[str, str, int]:
    """``cmd jobscheduler ARGS`` run by ``uid`` (not the shell, which holds the permission)."""
    out, err = BufferOutput(), BufferOutput()
    inv = Invocation(["jobscheduler", *args], system.device, InputStream.of(b""), out, err, uid=uid)
    command = system.binder_services["jobscheduler"].shell_command
    assert command is not None
    code = command(inv)
    await settle()
    return out.getvalue().decode(), err.getvalue().decode(), code  # type: ignore[return-value]
