"""ActivityManagerService: ``am`` / ``cmd activity``, app processes, broadcasts and activity starts.

Sources:

* ``ActivityManagerShellCommand.java`` (Android 10-15): ``force-stop``/``stop-app`` (34+)/
  ``kill``/``kill-all``/``crash``/``make-uid-idle`` print nothing; ``idle-maintenance`` prints
  ``Performing idle maintenance...``; ``broadcast`` prints ``Broadcasting: Intent { … }`` then
  ``Broadcast completed: result=N[, data="D"][, extras: Bundle[{…}]]`` (``IntentReceiver
  .performReceive``; the data is printed raw between quotes, no escaping); ``start`` prints
  ``Starting: Intent { … }`` (the Intent grammar and ``Intent.toString``: :mod:`.am_intent`).
  The standby verbs are :mod:`.standby`'s, ``am instrument`` is :mod:`.instrumentation`.
* ``ActivityManagerService`` guards what those verbs call with its own text, ``Permission Denial:
  METHOD() from pid=P, uid=U requires PERM`` (a ``SecurityException`` the shell prints as
  ``Exception occurred while executing 'VERB':``, exit 255): ``forceStopPackage``,
  ``crashApplication`` and ``makePackageIdle`` need ``FORCE_STOP_PACKAGES``,
  ``killBackgroundProcesses``/``killAllBackgroundProcesses`` ``KILL_BACKGROUND_PROCESSES``,
  ``stopAppForUser`` ``MANAGE_ACTIVITY_TASKS`` [I]; the shell holds them all, an app none
  (:mod:`.permissions`).
* ``BroadcastQueue`` / ``ActivityManager.checkComponentPermission`` / ``ActivityTaskSupervisor
  .checkStartAnyActivityPermission``: see :meth:`ActivityManagerService.deliver_broadcast` and
  the ``start`` verb.

The stopped state persists across reboots (``package-restrictions.xml``); processes do not.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from jobctl_sim.framework.activity_dump import ActivityDump
from jobctl_sim.framework.am_intent import (
    FLAG_INCLUDE_STOPPED_PACKAGES,
    FLAG_RECEIVER_FROM_SHELL,
    describe_intent,
    parse_intent,
)
from jobctl_sim.framework.instrumentation import Instrumentations
from jobctl_sim.framework.permissions import ams_denial, require
from jobctl_sim.framework.shell_command import (
    ERROR,
    ArgCursor,
    SecurityException,
    Verb,
    VerbTable,
    bundle_string,
    short_component,
    skip_user_option,
)
from jobctl_sim.framework.standby import StandbyBucket, StandbyController
from jobctl_sim.framework.system import AndroidSystem, BinderService, BroadcastResult, Change, Intent, Topic
from jobctl_sim.framework.userhandle import ROOT_UID, SYSTEM_UID, format_uid
from jobctl_sim.native.shell.command import Invocation


FORCE_STOP_PACKAGES = "android.permission.FORCE_STOP_PACKAGES"
KILL_BACKGROUND_PROCESSES = "android.permission.KILL_BACKGROUND_PROCESSES"
MANAGE_ACTIVITY_TASKS = "android.permission.MANAGE_ACTIVITY_TASKS"


@dataclass(frozen=True)
class ProcessRecord:
    pid: int
    package: str
    uid: int
    started_ms: int


class ActivityManagerService:
    """Processes, stopped state transitions, broadcasts, activity starts, instrumentation."""

    def __init__(self, system: AndroidSystem, standby: StandbyController) -> None:
        self._system = system
        self.standby = standby
        self.processes: dict[str, ProcessRecord] = {}
        self.top_package: str | None = None
        """The package whose activity is resumed, if any (``am start`` makes it TOP)."""
        self.top_component: str | None = None
        """The resumed activity (``pkg/cls``) while :attr:`top_package` is set."""
        self._next_pid = 4211
        self.instrumentation = Instrumentations(self)
        self._tasks: set[asyncio.Future[object]] = set()

    @property
    def api_level(self) -> int:
        return self._system.api_level

    def keep_task(self, task: asyncio.Future[object]) -> None:
        """Hold a reference to background work the shell started (``am instrument`` without -w)."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ processes
    def ensure_process(self, package: str) -> ProcessRecord | None:
        """Start the app's process if it is not running (a cold start); None if not installed."""
        if package in self.processes:
            return self.processes[package]
        facts = self._system.packages.get(package)
        if facts is None:
            return None
        self._next_pid += 1 + (self._next_pid % 7)
        record = ProcessRecord(self._next_pid, package, facts.uid, self._system.clock.elapsed_realtime_ms())
        self.processes[package] = record
        self._system.log("I", "ActivityManager", f"Start proc {record.pid}:{package}/{format_uid(facts.uid)}")
        return record

    def kill_process(self, package: str, reason: str, announce: bool = True) -> bool:
        """End the app's process; ``announce``: ActivityManager logs its ``Killing`` line (it
        does for its own kills, not for lmkd's, see :mod:`jobctl_sim.faults`)."""
        record = self.processes.pop(package, None)
        if record is None:
            return False
        if announce:
            self._system.log("I", "ActivityManager",
                             f"Killing {record.pid}:{package}/{format_uid(record.uid)} (adj 0): {reason}")
        app = self._system.apps.get(package)
        if app is not None:
            app.on_process_died()
        self._system.publish(Change(Topic.PROCESS_DIED, package=package, uid=record.uid,
                                    detail={"pid": record.pid, "reason": reason}))
        return True

    def kill_all(self, reason: str) -> None:
        for package in list(self.processes):
            self.kill_process(package, reason)

    def force_stop(self, package: str, reason: str = "from pid 0") -> None:
        facts = self._system.packages.get(package)
        if facts is None:
            self._system.log("W", "ActivityManager", f"Invalid packageName: {package}")
            return
        self._system.log("I", "ActivityManager", f"Force stopping {package} appid={facts.uid} user=0: {reason}")
        self.kill_process(package, reason)
        self._system.packages.set_stopped(package, True)
        self._system.publish(Change(Topic.PACKAGE_FORCE_STOPPED, package=package, uid=facts.uid,
                                    detail={"reason": reason}))

    def launch(self, package: str) -> None:
        """An activity of ``package`` came to the foreground."""
        self.ensure_process(package)
        facts = self._system.packages.get(package)
        if self._system.packages.set_stopped(package, False):
            self._system.publish(Change(Topic.PACKAGE_UNSTOPPED, package=package, uid=facts.uid if facts else None))
        self.standby.set_bucket(package, StandbyBucket.ACTIVE)

    # ------------------------------------------------------------------ verbs
    @staticmethod
    def _package_arg(cursor: ArgCursor) -> str:
        skip_user_option(cursor)
        return cursor.next_arg_required()

    def _guard(self, inv: Invocation, method: str, permission: str) -> None:
        """The service method's own permission check (see the module doc); AMS logs the denial
        (``Slog.w(TAG, msg)``) before it throws."""
        if not self._system.packages.check_uid_permission(inv.uid, permission):
            self._system.log("W", "ActivityManager", ams_denial(inv, method, permission))
        require(self._system.packages, inv, permission, ams_denial(inv, method, permission))

    def _verb_force_stop(self, inv: Invocation, cursor: ArgCursor) -> int:
        package = self._package_arg(cursor)
        self._guard(inv, "forceStopPackage", FORCE_STOP_PACKAGES)
        self.force_stop(package)
        return 0

    def _verb_stop_app(self, inv: Invocation, cursor: ArgCursor) -> int:
        package = self._package_arg(cursor)
        self._guard(inv, "stopAppForUser", MANAGE_ACTIVITY_TASKS)
        self.kill_process(package, "stop-app")
        return 0

    def _verb_kill(self, inv: Invocation, cursor: ArgCursor) -> int:
        package = self._package_arg(cursor)
        self._guard(inv, "killBackgroundProcesses", KILL_BACKGROUND_PROCESSES)
        self.kill_process(package, "kill background")
        return 0

    def _verb_crash(self, inv: Invocation, cursor: ArgCursor) -> int:
        package = self._package_arg(cursor)
        self._guard(inv, "crashApplication", FORCE_STOP_PACKAGES)
        self.kill_process(package, "crash")
        return 0

    def _verb_kill_all(self, inv: Invocation, cursor: ArgCursor) -> int:
        self._guard(inv, "killAllBackgroundProcesses", KILL_BACKGROUND_PROCESSES)
        self.kill_all("kill all background")
        return 0

    def _verb_make_uid_idle(self, inv: Invocation, cursor: ArgCursor) -> int:
        self._package_arg(cursor)
        self._guard(inv, "makePackageIdle", FORCE_STOP_PACKAGES)
        return 0

    def _verb_current_user(self, inv: Invocation, cursor: ArgCursor) -> int:
        inv.out("0\n")
        return 0

    def _verb_idle_maintenance(self, inv: Invocation, cursor: ArgCursor) -> int:
        inv.out("Performing idle maintenance...\n")
        self._system.publish(Change(Topic.IDLE_MAINTENANCE))
        return 0

    def _verb_instrument_via_cmd(self, inv: Invocation, cursor: ArgCursor) -> int:
        inv.out("Error: must be invoked through 'am instrument'.\n")
        return ERROR

    def _verb_broadcast(self, inv: Invocation, cursor: ArgCursor) -> int:
        parsed = parse_intent(cursor)
        intent = parsed.intent(FLAG_RECEIVER_FROM_SHELL)
        inv.out(f"Broadcasting: {parsed.to_string(intent)}\n")
        result = self.deliver_broadcast(intent, caller_uid=inv.uid)
        line = f"Broadcast completed: result={result.code}"
        if result.data is not None:
            line += f', data="{result.data}"'
        if result.extras is not None:
            line += f", extras: {bundle_string(result.extras)}"
        inv.out(line + "\n")
        return 0

    def is_top(self, package: str) -> bool:
        """The app has the resumed activity (PROCESS_STATE_TOP): what JobScheduler requires to
        schedule a user-initiated job (android-helper.md §3.2)."""
        return self.top_package == package

    def _show_activity(self, intent: Intent) -> None:
        """The started activity becomes TOP; an app model runs it, and an activity that
        finishes itself (returns True) gives TOP back."""
        package = (intent.component or "").partition("/")[0]
        self.top_package = package
        self.top_component = intent.component
        app = self._system.apps.get(package)
        # An optional hook of the app model (AppModel's contract): True = the activity finished.
        on_activity_start: Callable[[Intent], bool] | None = getattr(app, "on_activity_start", None)
        if on_activity_start is not None and on_activity_start(intent):
            self.top_package = None

    def _caller_package(self, uid: int) -> str:
        facts = self._system.packages.by_uid(uid)
        return facts.package if facts is not None else "null"

    def _holds(self, uid: int, permission: str | None, owner_uid: int) -> bool:
        """``ActivityManager.checkComponentPermission`` for an exported component: no permission,
        the component's own uid, root and system pass; anyone else must hold ``permission``."""
        if permission is None or uid == owner_uid:
            return True
        return self._system.packages.check_uid_permission(uid, permission)

    def deliver_broadcast(self, intent: Intent, caller_uid: int = 2000) -> BroadcastResult:
        """Ordered delivery to manifest receivers of app models, shell ref §7.3.

        The model's manifests carry no intent filters, and a receiver without one can only be
        reached by an explicit component ("a component with no intent filters can receive only
        explicit intents"), so only explicit broadcasts are delivered. The receiver's
        ``android:permission`` is checked against the sender's uid as ``BroadcastQueue`` does
        (``checkComponentPermission``; a denial is logged as ``Permission Denial: broadcasting
        Intent { … } from PKG (…, uid=U) requires PERM due to receiver PKG/CLASS`` -- the model
        leaves out the caller's pid, which it does not track) and the receiver is skipped: the
        ordered result stays ``result=0`` without data."""
        result = BroadcastResult()
        package = intent.component.partition("/")[0] if intent.component else intent.package
        resolve: Callable[[str], str | None] | None = getattr(self._system.apps.get(package or ""),
                                                               "receiver_for_action", None)
        if not intent.component and intent.action and resolve is not None and resolve(intent.action):
            # ``-p PKG -a ACTION``: an app model may declare which receiver's intent filter matches.
            intent = dataclasses.replace(intent, component=f"{package}/{resolve(intent.action)}")
        if package is None or not intent.component:
            return result  # implicit or package-only: no receiver of the model matches it
        facts = self._system.packages.get(package)
        if facts is None:
            return result
        if self._system.packages.is_stopped(package) and not intent.flags & FLAG_INCLUDE_STOPPED_PACKAGES:
            return result
        receivers = [c for c in facts.components if c.kind == "receiver"
                     and c.name == intent.component.partition("/")[2]]
        if not receivers:
            return result
        caller = self._caller_package(caller_uid)
        denial = f"Permission Denial: broadcasting {describe_intent(intent)} from {caller} (uid={caller_uid})"
        if not any(c.exported for c in receivers) and caller_uid not in (ROOT_UID, SYSTEM_UID, facts.uid):
            self._system.log("W", "BroadcastQueue", f"{denial} is not exported from uid {facts.uid}")
            return result
        receiver = receivers[0]
        if not self._holds(caller_uid, receiver.permission, facts.uid):
            self._system.log("W", "BroadcastQueue", f"{denial} requires {receiver.permission} due to receiver "
                             f"{package}/{receiver.name}")
            return result
        app = self._system.apps.get(package)
        if app is None:
            return result
        self._unstop_for_delivery(package, facts.uid)
        self.ensure_process(package)
        return app.on_broadcast(intent)

    def _unstop_for_delivery(self, package: str, uid: int) -> None:
        """The broadcast queue calls ``setPackageStoppedState(pkg, false)`` before running a
        manifest receiver ("Broadcast is being executed, its package can't be stopped.":
        frameworks/base/services/core/java/com/android/server/am/BroadcastQueue*.java)."""
        packages = self._system.packages
        if packages.is_stopped(package) and packages.set_stopped(package, False):
            self._system.publish(Change(Topic.PACKAGE_UNSTOPPED, package=package, uid=uid))

    def _verb_start(self, inv: Invocation, cursor: ArgCursor) -> int:
        parsed = parse_intent(cursor)
        intent = parsed.intent()
        inv.out(f"Starting: {parsed.to_string(intent)}\n")
        package = intent.component.partition("/")[0] if intent.component else intent.package
        facts = self._system.packages.get(package) if package else None
        activities = [c for c in (facts.components if facts else ()) if c.kind == "activity"]
        if intent.component:
            cls = intent.component.partition("/")[2]
            if not any(c.name == cls for c in activities):
                missing = short_component(intent.component)
                inv.err(f"Error type 3\nError: Activity class {{{missing}}} does not exist.\n")
                return 1
            target = intent.component
        elif activities and facts is not None:
            target = f"{facts.package}/{activities[0].name}"
        else:
            inv.err(f"Error: Activity not started, unable to resolve {describe_intent(intent, parsed.categories)}\n")
            return 1
        activity = next((c for c in activities if c.name == target.partition("/")[2]), None)
        owner = facts.uid if facts is not None else -1
        if activity is not None and not self._holds(inv.uid, activity.permission, owner):
            # ActivityTaskSupervisor.checkStartAnyActivityPermission: a SecurityException that
            # ``am start`` reports like any exception of the command (the model omits the pid).
            started = describe_intent(dataclasses.replace(intent, component=target))
            raise SecurityException(f"Permission Denial: starting {started} from null (uid={inv.uid}) "
                                    f"requires {activity.permission}")
        cold = target.partition("/")[0] not in self.processes
        self.launch(target.partition("/")[0])
        self._show_activity(dataclasses.replace(intent, component=target))
        if parsed.options.get("-W"):
            lines = ["Status: ok"]
            if self._system.api_level >= 29:
                lines.append(f"LaunchState: {'COLD' if cold else 'WARM'}")
            lines.append(f"Activity: {short_component(target)}")
            if self._system.api_level < 29:
                lines.append("ThisTime: 312")
            lines += ["TotalTime: 312", "WaitTime: 318", "Complete"]
            inv.out("\n".join(lines) + "\n")
        return 0

    def verb_table(self) -> VerbTable:
        verbs: dict[str, Verb] = {
            "force-stop": self._verb_force_stop,
            "kill": self._verb_kill,
            "kill-all": self._verb_kill_all,
            "crash": self._verb_crash,
            "make-uid-idle": self._verb_make_uid_idle,
            "get-current-user": self._verb_current_user,
            "idle-maintenance": self._verb_idle_maintenance,
            "instrument": self._verb_instrument_via_cmd,
            **self.standby.verbs(),
            "broadcast": self._verb_broadcast,
            "start": self._verb_start,
            "start-activity": self._verb_start,
        }
        if self._system.api_level >= 34:
            verbs["stop-app"] = self._verb_stop_app
        return VerbTable(verbs, _help)

    async def shell_command(self, inv: Invocation) -> int:
        return await self.verb_table().run(inv, inv.args)

    async def am_command(self, inv: Invocation) -> int:
        """``/system/bin/am``: ``cmd activity "$@"`` except ``instrument``."""
        if inv.args[:1] == ["instrument"]:
            return await self.instrumentation.command(inv)
        return await self.shell_command(inv)


def _help() -> str:
    return (
        "Activity manager (activity) commands:\n"
        "  help\n"
        "      Print this help text.\n"
        "  start-activity [-D] [-N] [-W] [-P <FILE>] [--start-profiler <FILE>] [--user <USER_ID> | current] <INTENT>\n"
        "      Start an Activity.  Options are:\n"
        "  broadcast [--user <USER_ID> | all | current] [--receiver-permission <PERMISSION>] <INTENT>\n"
        "      Send a broadcast Intent.  Options are:\n"
        "  instrument [-r] [-e <NAME> <VALUE>] [-p <FILE>] [-w] [--user <USER_ID> | current] [--no-restart] "
        "<COMPONENT>\n"
        "      Start an Instrumentation.\n"
        "  force-stop [--user <USER_ID> | all | current] <PACKAGE>\n"
        "      Completely stop the given application package.\n"
        "  kill [--user <USER_ID> | all | current] <PACKAGE>\n"
        "      Kill all background processes associated with the given application.\n"
        "  idle-maintenance\n"
        "      Perform idle maintenance now.\n"
        "  set-inactive [--user <USER_ID>] <PACKAGE> true|false\n"
        "      Sets the inactive state of an app.\n"
        "  get-inactive [--user <USER_ID>] <PACKAGE>\n"
        "      Returns the inactive state of an app.\n"
        "  set-standby-bucket [--user <USER_ID>] <PACKAGE> active|working_set|frequent|rare|restricted\n"
        "      Puts an app in the standby bucket.\n"
        "  get-standby-bucket [--user <USER_ID>] <PACKAGE>\n"
        "      Returns the standby bucket of an app.\n"
    )


def install(system: AndroidSystem) -> ActivityManagerService:
    standby = StandbyController(system)
    service = ActivityManagerService(system, standby)
    system.standby = standby
    system.activity = service
    system.add_binder_service(BinderService("activity", shell_command=service.shell_command,
                                            dump=ActivityDump(system).run))
    system.add_binder_service(BinderService("usagestats"))
    system.device.commands.register("am", service.am_command)
    return service


__all__ = ["ActivityManagerService", "ProcessRecord", "install"]
