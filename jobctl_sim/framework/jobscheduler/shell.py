"""``cmd jobscheduler …`` (``JS/JobSchedulerShellCommand.java``, FB-main = Android 15).

Argument handling follows ``BasicShellCommandHandler``: ``getNextOption`` takes leading
``-x``/``--long`` words (``--`` ends them; ``-xVALUE`` leaves ``VALUE`` for the next
``getNextArg``), ``getNextArgRequired`` throws ``IllegalArgumentException: Argument expected
after "<previous word>"``. Every exception becomes ``Exception: <Throwable.toString()>`` on
stdout with exit 255 (``onCommand``'s catch). Verbs by API level: shell reference §1.1;
26–30 are modelled with the Android 11 surface [I].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from jobctl_sim.framework.jobscheduler.errors import IllegalArgumentException, JavaException, parse_java_int
from jobctl_sim.framework.jobscheduler.model import InternalStopReason, StopReason
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.service import JobSchedulerService

CMD_ERR_NO_PACKAGE = -1000
CMD_ERR_NO_JOB = -1001
CMD_ERR_CONSTRAINTS = -1002
USER_ALL = -1
USER_CURRENT = -2


class Args:
    """``BasicShellCommandHandler``'s cursor over the argument words (argv[0] is the verb)."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.pos = 1
        self.cur_data: str | None = None

    def next_option(self) -> str | None:
        if self.cur_data is not None:
            prev = self.words[self.pos - 1]
            raise IllegalArgumentException(f'No argument expected after "{prev}"')
        if self.pos >= len(self.words):
            return None
        arg = self.words[self.pos]
        if not arg.startswith("-"):
            return None
        self.pos += 1
        if arg == "--":
            return None
        if len(arg) > 1 and arg[1] != "-":
            if len(arg) > 2:
                self.cur_data = arg[2:]
                return arg[:2]
            return arg
        return arg

    def next_arg(self) -> str | None:
        if self.cur_data is not None:
            arg, self.cur_data = self.cur_data, None
            return arg
        if self.pos < len(self.words):
            self.pos += 1
            return self.words[self.pos - 1]
        return None

    def next_required(self) -> str:
        arg = self.next_arg()
        if arg is None:
            raise IllegalArgumentException(f'Argument expected after "{self.words[self.pos - 1]}"')
        return arg


def parse_user_arg(text: str) -> int:
    """``UserHandle.parseUserArg``: ``all`` -1, ``current``/``cur`` -2, else an int."""
    if text == "all":
        return USER_ALL
    if text in ("current", "cur"):
        return USER_CURRENT
    return parse_java_int(text)


class UnknownOption(Exception):
    def __init__(self, option: str) -> None:
        self.option = option


class JobSchedulerShell:
    """One ``cmd jobscheduler`` run against the service."""

    def __init__(self, service: "JobSchedulerService", inv: Invocation) -> None:
        self.service = service
        self.inv = inv
        self.api = service.api_level
        self.args = Args(["jobscheduler-verb", *inv.args] if not inv.args else list(inv.args))

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
            "get-battery-charging": lambda: self._print(self.service.get_battery_charging()),
            "get-battery-not-low": lambda: self._print(self.service.battery_not_low()),
            "get-storage-seq": lambda: self._print(self.service.storage_seq),
            "get-storage-not-low": lambda: self._print(self.service.storage_not_low()),
            "get-job-state": self.get_job_state,
            "heartbeat": self.heartbeat,
            "reset-execution-quota": self.reset_execution_quota,
            "reset-schedule-quota": self.reset_schedule_quota,
            "trigger-dock-state": self.trigger_dock_state,
        }
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
        return table

    def execute(self) -> int:
        verb = self.inv.args[0] if self.inv.args else None
        if verb is None or verb in ("help", "-h"):
            self.inv.out(help_text(self.api))
            return -1 & 0xFF
        handler = self.verbs().get(verb)
        if handler is None:
            self.out(f"Unknown command: {verb}")
            return 255
        try:
            return handler() & 0xFF
        except UnknownOption as e:
            self.out(f"Error: unknown option '{e.option}'")
        except JavaException as e:
            self.out(f"Exception: {e}")
        return 255

    # ---------------------------------------------------------------- helpers
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
                seen[key[:-1]] = self.args.next_required()
            else:
                seen[key] = True
        return seen

    def _user_ns_options(self, default_user: int, extra: dict[str, str] | None = None) -> tuple[int, str | None, dict]:
        allowed = {"-u": "user=", "--user": "user="}
        if self.api >= 34:
            allowed.update({"-n": "ns=", "--namespace": "ns="})
        allowed.update(extra or {})
        opts = self._options(allowed)
        user = parse_user_arg(str(opts["user"])) if "user" in opts else default_user
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
        user, ns, opts = self._user_ns_options(0, {"-f": "force", "--force": "force",
                                                   "-s": "satisfied", "--satisfied": "satisfied"})
        force, satisfied = bool(opts.get("force")), bool(opts.get("satisfied"))
        if force and satisfied:
            self.out("Cannot specify both --force and --satisfied")
            return -1
        user = self._concrete(user)
        pkg = self.args.next_required()
        job_id = parse_java_int(self.args.next_required())
        ret = self.service.execute_run(pkg, user, ns, job_id, satisfied, force)
        if self._print_error(ret, pkg, user, ns, job_id):
            return ret
        self.out("Running job [FORCED]" if force else "Running job")
        return 0

    def _stop_like(self, reason: int, internal: int, label: str, debug: str, user: int, ns: str | None) -> int:
        pkg = self.args.next_arg()
        job_str = self.args.next_arg()
        job_id = parse_java_int(job_str) if job_str is not None else -1
        matches = self.service.running_matching(pkg, user, ns, job_str is not None, job_id)
        for ex in matches:
            self.out(f"{label}{ex.status.unique_id(self.api)} {ex.status.battery_name(self.api)}")
            self.service.stop_from_shell(ex, reason, internal, debug)
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
        uid = self.service.package_uid(pkg, user)
        if uid < 0:
            self.out(f"Package {pkg} not found.")
            return CMD_ERR_NO_PACKAGE
        if job_str is None:
            self.out(f"Canceling all jobs for {pkg} in user {user}")
            if not self.service.cancel_from_shell(uid, None, None):
                self.out("No matching jobs found.")
        else:
            self.out(f"Canceling job {pkg}/#{job_id} in user {user}")
            if not self.service.cancel_from_shell(uid, ns, job_id):
                self.out("No matching job found.")
        return 0

    def monitor_battery(self) -> int:
        opt = self.args.next_required()
        if opt not in ("on", "off"):
            self.err(f"Error: unknown option {opt}")
            return 1
        self.service.set_monitor_battery(opt == "on")
        self.out("Battery monitoring enabled" if opt == "on" else "Battery monitoring disabled")
        return 0

    def get_job_state(self) -> int:
        user, ns, _ = self._user_ns_options(0)
        user = self._concrete(user)
        pkg = self.args.next_required()
        job_id = parse_java_int(self.args.next_required())
        uid = self.service.package_uid(pkg, user)
        if uid < 0:
            self.out(f"unknown({pkg})")
            self._print_error(CMD_ERR_NO_PACKAGE, pkg, user, ns, job_id)
            return CMD_ERR_NO_PACKAGE
        js = self.service.find(uid, ns, job_id)
        if js is None:
            self.out(f"unknown({self.service.format_uid(uid)}/jid{job_id})")
            self._print_error(CMD_ERR_NO_JOB, pkg, user, ns, job_id)
            return CMD_ERR_NO_JOB
        self.inv.out(format_job_state(self.service.job_state_tokens(js)))
        return 0

    def heartbeat(self) -> int:
        self.out("Heartbeat command is no longer supported")
        return -1

    def reset_execution_quota(self) -> int:
        opts = self._options({"-u": "user=", "--user": "user="})
        user = self._concrete(parse_user_arg(str(opts["user"])) if "user" in opts else 0)
        pkg = self.args.next_required()
        self.service.reset_execution_quota(pkg, user)
        return 0

    def reset_schedule_quota(self) -> int:
        self.service.reset_schedule_quota()
        return 0

    def trigger_dock_state(self) -> int:
        opt = self.args.next_required()
        if opt not in ("idle", "active"):
            self.err(f"Error: unknown option {opt}")
            return 1
        self.service.trigger_dock_state(opt == "idle")
        return 0

    def aconfig(self) -> int:
        flag = self.args.next_required()
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
        pkg = self.args.next_required()
        job_id = parse_java_int(self.args.next_required())
        uid = self.service.package_uid(pkg, user)
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
            value = self.service.transferred_bytes(js, upload)
        self.out(str(value))
        self.out()
        return 0


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
         connectivity are not currently met. This is incompatible with -f 
         and so an error will be reported if both are given.
      -n or --namespace: specify the namespace this job sits in; the default
         is null (no namespace).
      -s or --satisfied: run the job only if all constraints are met.
         This is incompatible with -f and so an error will be reported
         if both are given.
      -u or --user: specify which user's job is to be run; the default is
         the primary or system user
  stop [-u | --user USER_ID] [-n | --namespace NAMESPACE] [-s | --stop-reason STOP_REASON] [-i | --internal-stop-reason STOP_REASON] [PACKAGE] [JOB_ID]
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

"""

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
    """``onHelp`` per level: 15 verbatim (FB-main); 14 = 15 without the aconfig entry [I];
    11–13 (and 26–30 [I]) without namespaces, ``stop``, byte getters, with the old timeout text."""
    text = _HELP_15.replace("@@ACONFIG@@", _ACONFIG if api_level >= 35 else "")
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


def shell_command(service: "JobSchedulerService") -> Callable[[Invocation], int]:
    def command(inv: Invocation) -> int:
        return JobSchedulerShell(service, inv).execute()

    return command
