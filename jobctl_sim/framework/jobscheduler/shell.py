"""``cmd jobscheduler …`` (``JS/JobSchedulerShellCommand.java``, FB-main = Android 15).

Argument handling is ``BasicShellCommandHandler``'s (:class:`~jobctl_sim.framework.shell_command.
ArgCursor`). Every exception becomes ``Exception: <Throwable.toString()>`` on stdout with exit
255 (``onCommand``'s catch); an unknown option prints ``Error: unknown option 'X'``. Verbs by API
level: shell reference §1.1; 26-29 lack the verbs :mod:`.shell_legacy` names (8.x: no ``cancel``,
``heartbeat`` or ``trigger-dock-state``; 8.x-10: no ``reset-*-quota``), whose sources it cites;
the Android 16 verbs are :mod:`.shell_v36`. The commands'
service side is ``JobSchedulerService``'s ``executeRunCommand`` (-1000/-1001/-1002 =
``CMD_ERR_*``: no package, no job, constraints not met without ``-f``), ``executeStopCommand``
(running jobs matching package/user/namespace/id; namespaces from 14), ``executeCancelCommand``
(``cancel shell command for package`` / ``cancel() called by app, callingUid=2000 uid=U jobId=J``
on every level that has ``cancel``: the service calls ``cancelJob(pkgUid, [namespace,] jobId,
Process.SHELL_UID, STOP_REASON_USER)``, whose text says ``app``; sources per level in
:mod:`.shell_legacy`, 16: yaap/frameworks_base @3ddcaa00537ad17c17a59c73990d12441d689aaf
``JobSchedulerService.java``; reasons USER/CANCELED) and ``getJobState`` (``pending``,
``active``, ``ready``, else ``waiting``).
The help text is :mod:`.shell_help`.

What ``run``, ``get-job-state``, ``timeout``, ``cancel`` and ``heartbeat`` do differently before
Android 11 (``get-job-state``'s operation and ``timeout``'s unique id before 14, ``run -u`` before
15) is in :mod:`.shell_legacy` with its sources.

Who may: ``checkPermission(operation)`` opens every verb but the battery/storage getters: root
passes, any other uid needs ``CHANGE_APP_IDLE_STATE`` (the shell holds it) or gets
``Exception: java.lang.SecurityException: Uid U not permitted to OPERATION`` (stdout, exit 255)
-- :data:`CHECKED_OPERATIONS`; the Android 16 verbs' operations are
:data:`~.shell_v36.OPERATIONS_36` (two of them check ``android.permission.DUMP`` instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from jobctl_sim.framework.aosp_constants import CMD_ERR_CONSTRAINTS, CMD_ERR_NO_JOB, CMD_ERR_NO_PACKAGE
from jobctl_sim.framework.jobscheduler.execution import Execution
from jobctl_sim.framework.jobscheduler.model import InternalStopReason, StopReason
from jobctl_sim.framework.jobscheduler.shell_help import help_text
from jobctl_sim.framework.jobscheduler.shell_legacy import StandbyHeartbeat, verbs_before_11
from jobctl_sim.framework.jobscheduler.shell_v36 import DUMP_VERBS, OPERATIONS_36, verbs_36
from jobctl_sim.framework.jobscheduler.status import JobStatus, Override
from jobctl_sim.framework.shell_command import (
    USER_ALL,
    USER_CURRENT,
    ArgCursor,
    JavaException,
    SecurityException,
    default_command,
    parse_java_int,
    parse_user_arg,
)
from jobctl_sim.framework.userhandle import ROOT_UID, SHELL_UID, SYSTEM_UID, format_uid, user_id
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.service import JobSchedulerService

CHECKED_OPERATIONS: dict[str, str] = {
    "run": "force scheduled jobs",
    "timeout": "force timeout jobs",
    "cancel": "cancel jobs",
    "monitor-battery": "change battery monitoring",
    "get-aconfig-flag-state": "get aconfig flag state",
    "get-estimated-download-bytes": "get estimated bytes",
    "get-estimated-upload-bytes": "get estimated bytes",
    "get-transferred-download-bytes": "get transferred bytes",
    "get-transferred-upload-bytes": "get transferred bytes",
    "get-job-state": "get job state",
    "heartbeat": "manipulate scheduler heartbeat",
    "reset-execution-quota": "reset execution quota",
    "reset-schedule-quota": "reset schedule quota",
    "stop": "stop jobs",
    "trigger-dock-state": "trigger wireless charging dock state",
}
"""``JobSchedulerShellCommand``: the operation each verb's ``checkPermission`` names."""


class UnknownOption(Exception):
    def __init__(self, option: str) -> None:
        self.option = option


class JobSchedulerShell:
    """One ``cmd jobscheduler`` run against the service."""

    def __init__(self, service: JobSchedulerService, inv: Invocation,
                 heartbeat: StandbyHeartbeat | None = None) -> None:
        self.service = service
        self.standby_heartbeat = heartbeat if heartbeat is not None else StandbyHeartbeat()
        self.inv = inv
        self.api = service.api_level
        self.facts = service.facts
        self.args = ArgCursor(inv.args, 1)

    # ---------------------------------------------------------------- io
    def out(self, line: str = "") -> None:
        self.inv.out(line + "\n")

    def err(self, line: str) -> None:
        self.inv.err(line + "\n")

    # ---------------------------------------------------------------- dispatch
    def verbs(self) -> dict[str, Callable[[], int]]:
        table: dict[str, Callable[[], int]] = {
            "run": self.run,
            "timeout": self.timeout,
            "cancel": self.cancel,
            "monitor-battery": self.monitor_battery,
            "get-battery-seq": lambda: self._print(self.service.battery_seq),
            "get-battery-charging": lambda: self._print(self.facts.get_battery_charging()),
            "get-battery-not-low": lambda: self._print(self.facts.battery_not_low()),
            "get-storage-seq": lambda: self._print(self.service.storage_seq),
            "get-storage-not-low": lambda: self._print(self.facts.storage_not_low()),
            "get-job-state": self.get_job_state,
            "heartbeat": self.heartbeat,
            "reset-execution-quota": self.reset_execution_quota,
            "reset-schedule-quota": self.reset_schedule_quota,
            "trigger-dock-state": self.trigger_dock_state,
        }
        if self.api < 30:
            table = {verb: handler for verb, handler in table.items() if verb in verbs_before_11(self.api)}
        if self.api >= 34:
            table.update({
                "stop": self.stop,
                "get-estimated-download-bytes": lambda: self.bytes_cmd(estimated=True, upload=False),
                "get-estimated-upload-bytes": lambda: self.bytes_cmd(estimated=True, upload=True),
                "get-transferred-download-bytes": lambda: self.bytes_cmd(estimated=False, upload=False),
                "get-transferred-upload-bytes": lambda: self.bytes_cmd(estimated=False, upload=True),
            })
        if self.api >= 35:
            table["get-aconfig-flag-state"] = self.aconfig
        if self.api >= 36:
            table.update(verbs_36(self))
        return table

    def execute(self) -> int:
        verb = self.inv.args[0] if self.inv.args else None
        handler = self.verbs().get(verb) if verb is not None else None
        if handler is None:
            return default_command(self.inv, verb, lambda: help_text(self.api)) & 0xFF
        try:
            self._check_permission(verb)
            return handler() & 0xFF
        except UnknownOption as e:
            self.out(f"Error: unknown option '{e.option}'")
        except JavaException as e:
            self.out(f"Exception: {e}")
        return 255

    # ---------------------------------------------------------------- helpers
    def _check_permission(self, verb: str | None) -> None:
        """``checkPermission``: root may do anything; others need ``CHANGE_APP_IDLE_STATE``."""
        operation = CHECKED_OPERATIONS.get(verb or "") or (OPERATIONS_36.get(verb or "") if self.api >= 36 else None)
        if verb == "get-job-state" and self.api <= 33:
            operation = CHECKED_OPERATIONS["timeout"]  # getJobState checked "force timeout jobs" up to 13
        uid = self.inv.uid
        if operation is None or uid in (ROOT_UID, SYSTEM_UID, SHELL_UID):  # the shell holds the permission
            return
        packages = self.service.system.packages
        facts = packages.by_uid(uid)
        permission = "DUMP" if verb in DUMP_VERBS else "CHANGE_APP_IDLE_STATE"
        if facts is None or not packages.is_granted(facts.package, f"android.permission.{permission}"):
            raise SecurityException(f"Uid {uid} not permitted to {operation}")

    def _print(self, value: object) -> int:
        self.out(str(value).lower() if isinstance(value, bool) else str(value))
        return 0

    def _options(self, allowed: dict[str, str]) -> dict[str, str | bool]:
        """Read options; ``allowed`` maps flag → key, keys ending in '=' take a value."""
        seen: dict[str, str | bool] = {}
        while (opt := self.args.next_option()) is not None:
            key = allowed.get(opt)
            if key is None:
                raise UnknownOption(opt)
            if key.endswith("="):
                seen[key[:-1]] = self.args.next_arg_required()
            else:
                seen[key] = True
        return seen

    def _user_ns_options(self, default_user: int, extra: dict[str, str] | None = None,
                         parse_user: Callable[[str], int] = parse_user_arg,
                         ) -> tuple[int, str | None, dict[str, str | bool]]:
        allowed = {"-u": "user=", "--user": "user="}
        if self.api >= 34:
            allowed.update({"-n": "ns=", "--namespace": "ns="})
        allowed.update(extra or {})
        opts = self._options(allowed)
        user = parse_user(str(opts["user"])) if "user" in opts else default_user
        return user, (str(opts["ns"]) if "ns" in opts else None), opts

    def _print_error(self, code: int, pkg: str, user: int, ns: str | None, job_id: int) -> bool:
        ns_part = f" / namespace {ns}" if ns is not None else ""
        if code == CMD_ERR_NO_PACKAGE:
            self.err(f"Package not found: {pkg} / user {user}")
        elif code == CMD_ERR_NO_JOB:
            self.err(f"Could not find job {job_id} in package {pkg}{ns_part} / user {user}")
        elif code == CMD_ERR_CONSTRAINTS:
            self.err(f"Job {job_id} in package {pkg}{ns_part} / user {user} "
                     "has functional constraints but --force not specified")
        else:
            return False
        return True

    @staticmethod
    def _concrete(user: int) -> int:
        return 0 if user == USER_CURRENT else user

    # ---------------------------------------------------------------- verbs
    def run(self) -> int:
        flags = {"-f": "force", "--force": "force"}
        if self.api >= 30:  # -s/--satisfied from 11
            flags.update({"-s": "satisfied", "--satisfied": "satisfied"})
        # -u is Integer.parseInt up to 14, UserHandle.parseUserArg (and current resolved) from 15
        user, ns, opts = self._user_ns_options(0, flags, parse_java_int if self.api < 35 else parse_user_arg)
        force, satisfied = bool(opts.get("force")), bool(opts.get("satisfied"))
        if force and satisfied:
            self.out("Cannot specify both --force and --satisfied")
            return -1
        if self.api >= 35:
            user = self._concrete(user)
        pkg = self.args.next_arg_required()
        job_id = parse_java_int(self.args.next_arg_required())
        ret = self._execute_run(pkg, user, ns, job_id, satisfied, force)
        if self._print_error(ret, pkg, user, ns, job_id):
            return ret
        self.out("Running job [FORCED]" if force else "Running job")
        return 0

    def _stop_like(self, reason: int, internal: int, label: str, debug: str, user: int, ns: str | None) -> int:
        pkg = self.args.next_arg()
        job_str = self.args.next_arg()
        job_id = parse_java_int(job_str) if job_str is not None else -1
        matches = self._running_matching(pkg, user, ns, job_str is not None, job_id)
        for ex in matches:
            unique_id = ex.status.unique_id(self.api)
            if self.api <= 33:  # printUniqueId had no '#' before 14 (the dump printed it)
                unique_id = unique_id.removeprefix("#")
            self.out(f"{label}{unique_id} {ex.status.battery_name(self.api)}")
            self.service.contexts.stop(ex, reason, internal, debug)
        if not matches:
            self.out("No matching executing jobs found.")
        return 0

    def timeout(self) -> int:
        user, ns, _ = self._user_ns_options(USER_ALL)
        user = self._concrete(user)
        label = "Stopping job: " if self.api >= 34 else "Timing out: "
        return self._stop_like(StopReason.STOP_REASON_TIMEOUT, InternalStopReason.INTERNAL_STOP_REASON_TIMEOUT,
                               label, "shell" if self.api < 34 else "stop from shell", user, ns)

    def stop(self) -> int:
        user, ns, opts = self._user_ns_options(USER_ALL, {
            "-s": "reason=", "--stop-reason": "reason=",
            "-i": "internal=", "--internal-stop-reason": "internal="})
        reason = parse_java_int(str(opts["reason"])) if "reason" in opts else StopReason.STOP_REASON_USER
        internal = (parse_java_int(str(opts["internal"])) if "internal" in opts
                    else InternalStopReason.INTERNAL_STOP_REASON_UNKNOWN)
        return self._stop_like(reason, internal, "Stopping job: ", "stop from shell", self._concrete(user), ns)

    def cancel(self) -> int:
        user, ns, _ = self._user_ns_options(0)
        if user < 0:
            self.out("Error: must specify a concrete user ID")
            return -1
        pkg = self.args.next_arg()
        job_str = self.args.next_arg()
        job_id = parse_java_int(job_str) if job_str is not None else -1
        uid = self.facts.package_uid(pkg, user)
        if uid < 0:
            self.out(f"Package {pkg} not found.")
            return CMD_ERR_NO_PACKAGE
        if job_str is None:
            self.out(f"Canceling all jobs for {pkg} in user {user}")
            if not self._cancel(uid, None, None):
                self.out("No matching jobs found.")
        else:
            self.out(f"Canceling job {pkg}/#{job_id} in user {user}")
            if not self._cancel(uid, ns, job_id):
                self.out("No matching job found.")
        return 0

    def monitor_battery(self) -> int:
        opt = self.args.next_arg_required()
        if opt not in ("on", "off"):
            self.err(f"Error: unknown option {opt}")
            return 1
        self.service.set_monitor_battery(opt == "on")
        self.out("Battery monitoring enabled" if opt == "on" else "Battery monitoring disabled")
        return 0

    def lookup_job(self) -> JobStatus | int:
        """``[-u U] [-n NS] PACKAGE JOB_ID`` as ``getJobState``/``getJobWakelockTag`` read them: the
        job, or the ``CMD_ERR_*`` code after printing ``unknown(…)`` and the error."""
        user, ns, _ = self._user_ns_options(0)
        user = self._concrete(user)
        pkg = self.args.next_arg_required()
        job_id = parse_java_int(self.args.next_arg_required())
        uid = self.facts.package_uid(pkg, user if user != USER_ALL else 0)  # getPackageUid(…, USER_SYSTEM)
        if uid < 0:
            self.out(f"unknown({pkg})")
            self._print_error(CMD_ERR_NO_PACKAGE, pkg, user, ns, job_id)
            return CMD_ERR_NO_PACKAGE
        js = self.service.find(uid, ns, job_id)
        if js is None:
            self.out(f"unknown({format_uid(uid)}/jid{job_id})")
            self._print_error(CMD_ERR_NO_JOB, pkg, user, ns, job_id)
            return CMD_ERR_NO_JOB
        return js

    def get_job_state(self) -> int:
        found = self.lookup_job()
        if isinstance(found, int):
            return found
        self.inv.out(format_job_state(self._job_state_tokens(found)))
        return 0

    def heartbeat(self) -> int:
        if self.api >= 30:
            self.out("Heartbeat command is no longer supported")
            return -1
        arg = self.args.next_arg()  # 9, 10: executeHeartbeatCommand (shell_legacy)
        beats = parse_java_int(arg) if arg is not None else 0
        clock = self.service.clock
        if beats < 1:
            self.out(str(self.standby_heartbeat.current(self.api, clock)))
            return 0
        self.out(f"Advancing standby heartbeat by {beats}")
        self.standby_heartbeat.advance(self.api, clock, beats)
        return 0

    def reset_execution_quota(self) -> int:
        opts = self._options({"-u": "user=", "--user": "user="})
        user = self._concrete(parse_user_arg(str(opts["user"])) if "user" in opts else 0)
        pkg = self.args.next_arg_required()
        self.service.reset_execution_quota(pkg, user)
        return 0

    def reset_schedule_quota(self) -> int:
        self.service.reset_schedule_quota()
        return 0

    def trigger_dock_state(self) -> int:
        opt = self.args.next_arg_required()
        if opt not in ("idle", "active"):
            self.err(f"Error: unknown option {opt}")
            return 1
        self.service.trigger_dock_state(opt == "idle")
        return 0

    def aconfig(self) -> int:
        flag = self.args.next_arg_required()
        known = {
            "android.app.job.enforce_minimum_time_windows": False,
            "android.app.job.job_debug_info_apis": False,
            "com.android.server.job.do_not_force_rush_execution_at_boot": False,
            "com.android.server.job.throw_on_unsupported_bias_usage": False,
            "android.app.job.backup_jobs_exemption": False,
        }
        if flag in known:
            self.out(str(known[flag]).lower())
        else:
            self.out(f"Unknown flag: {flag}")
        return 0

    def bytes_cmd(self, estimated: bool, upload: bool) -> int:
        """The byte getters print the number and then an empty line (reference §1.6)."""
        user, ns, _ = self._user_ns_options(0)
        user = self._concrete(user)
        pkg = self.args.next_arg_required()
        job_id = parse_java_int(self.args.next_arg_required())
        uid = self.facts.package_uid(pkg, user)
        if uid < 0:
            self._print_error(CMD_ERR_NO_PACKAGE, pkg, user, ns, job_id)
            return CMD_ERR_NO_PACKAGE
        js = self.service.find(uid, ns, job_id)
        if js is None:
            self._print_error(CMD_ERR_NO_JOB, pkg, user, ns, job_id)
            return CMD_ERR_NO_JOB
        if estimated:
            value = js.estimated_upload if upload else js.estimated_download
        else:
            value = self.service.contexts.transferred_bytes(js, upload)
        self.out(str(value))
        self.out()
        return 0


    # ---------------------------------------------------------------- the service side
    def _execute_run(self, package: str, user: int, namespace: str | None, job_id: int,
                     satisfied: bool, force: bool) -> int:
        """``executeRunCommand``: 0, or a ``CMD_ERR_*``."""
        service = self.service
        uid = self.facts.package_uid(package, user if user != USER_ALL else 0)  # USER_SYSTEM for -1
        if uid < 0:
            return CMD_ERR_NO_PACKAGE
        js = service.find(uid, namespace, job_id)
        if js is None:
            return CMD_ERR_NO_JOB
        js.override = Override.FULL if force else (Override.SORTING if satisfied else Override.SOFT)
        service.evaluate(js, service.device_facts(), service.now())
        if not js.constraints_satisfied() and not js.deadline_satisfied():
            js.override = Override.NONE
            return CMD_ERR_CONSTRAINTS
        service.request_pump()
        return 0

    def _running_matching(self, package: str | None, user: int, namespace: str | None,
                          has_job_id: bool, job_id: int) -> list[Execution]:
        """``executeStopCommand``'s match over the running jobs."""
        out = []
        for ex in self.service.active.values():
            js = ex.status
            if ex.finished or ex.stopping:
                continue
            if package is not None and js.package != package:
                continue
            if user != USER_ALL and user_id(js.uid) != user:
                continue
            if self.api >= 34 and namespace is not None and js.namespace != namespace:
                continue
            if has_job_id and js.job_id != job_id:
                continue
            out.append(ex)
        return out

    def _cancel(self, uid: int, namespace: str | None, job_id: int | None) -> bool:
        """``executeCancelCommand``: True when something was cancelled."""
        service = self.service
        targets = [js for js in service.jobs.values() if js.uid == uid and
                   (job_id is None or (js.job_id == job_id and js.namespace == namespace))]
        # cancelJob(pkgUid, [namespace,] jobId, Process.SHELL_UID, ...): the app's text, the shell's uid
        debug = "cancel shell command for package" if job_id is None else (
            f"cancel() called by app, callingUid={SHELL_UID} uid={uid} jobId={job_id}")
        for js in targets:
            service.cancel_status(js, (StopReason.STOP_REASON_USER,
                                       InternalStopReason.INTERNAL_STOP_REASON_CANCELED, debug))
        service.request_pump()
        return bool(targets)

    def _job_state_tokens(self, js: JobStatus) -> list[str]:
        tokens = []
        if js in self.service.pending:
            tokens.append("pending")
        if self.service.is_active(js):
            tokens.append("active")
        if js.is_ready(self.api):
            tokens.append("ready")
        return tokens


def format_job_state(tokens: list[str]) -> str:
    """``getJobState``: ``pending`` is print()ed, every later token println()ed with a leading
    space when something came before, then a final println (reference §1.5)."""
    out = ""
    printed = False
    for token in tokens:
        if token == "pending":
            out += "pending"
        else:
            out += (" " if printed else "") + token + "\n"
        printed = True
    if not printed:
        out += "waiting"
    return out + "\n"


def shell_command(service: JobSchedulerService) -> Callable[[Invocation], int]:
    heartbeat = StandbyHeartbeat()  # mHeartbeat: per service, like the service's own state

    def command(inv: Invocation) -> int:
        return JobSchedulerShell(service, inv, heartbeat).execute()

    return command
