"""ActivityManagerService: ``am`` / ``cmd activity``, app processes and app standby buckets.

Sources:

* ``frameworks/base/cmds/am/am`` (Android 8.0+): ``am`` runs ``cmd activity "$@"`` except
  ``am instrument``, which runs ``com.android.commands.am.Am`` under ``app_process``;
  ``cmd activity instrument`` answers ``Error: must be invoked through 'am instrument'.``
  (``ActivityManagerShellCommand.java``).
* ``ActivityManagerShellCommand.java`` (Android 10-15): ``force-stop``/``stop-app`` (34+)/
  ``kill``/``kill-all``/``crash``/``make-uid-idle``/``set-inactive``/``set-standby-bucket``
  print nothing; ``get-inactive`` prints ``Idle=true|false``; ``get-standby-bucket PKG`` prints
  the int, without PKG ``pkg: bucket`` lines; bucket names match case-insensitively by prefix
  (``ac``, ``wo``, ``fr``, ``ra``, ``re``, ``ne``) or parse as an int, else stderr
  ``Error: Unknown bucket: X`` (shell ref §5.4); ``idle-maintenance`` prints
  ``Performing idle maintenance...``; ``broadcast`` prints ``Broadcasting: Intent { … }`` then
  ``Broadcast completed: result=N[, data="D"][, extras: Bundle[{…}]]`` (``IntentReceiver
  .performReceive``; the data is printed raw between quotes, no escaping) and always adds
  ``FLAG_RECEIVER_FROM_SHELL`` (0x400000); ``start`` prints ``Starting: Intent { … }``.
* ``Intent.parseCommandArgs`` / ``Intent.toShortString`` (``frameworks/base/core/java/android/
  content/Intent.java``): option table and the ``act= cat=[…] dat= typ= flg=0x… pkg= cmp=
  (has extras)`` order; ``ComponentName.flattenToShortString`` (``pkg/.Cls``).
* ``UsageStatsService.setAppStandbyBucket``/``AppStandbyController`` (Android 10-15): a bucket
  outside ACTIVE..NEVER throws ``Cannot set the standby bucket to N``; an uninstalled package
  ``Cannot set standby bucket for non existent package (PKG)``; ``setAppInactive(true)`` means
  RARE, ``false`` ACTIVE; an app counts as idle from RARE up.
* ``Instrument.java`` + AMS ``startInstrumentation`` (shell ref §7.1): a missing instrumentation
  reports ``Error=Unable to find instrumentation info for: ComponentInfo{…}`` with status -1
  (with ``-w``) and ``android.util.AndroidException: INSTRUMENTATION_FAILED: …`` on stderr,
  exit 1, and kills nothing; a found one is run after killing the target (no
  PACKAGE_RESTARTED, jobs kept) unless ``--no-restart``, and the target is killed again at the end.

Buckets and the stopped state persist across reboots (``app_idle_stats``,
``package-restrictions.xml``); processes do not.
"""

from __future__ import annotations

import dataclasses

import asyncio
import enum
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jobctl_sim.framework.shell_command import (
    ERROR,
    FIRST_APPLICATION_UID,
    ArgCursor,
    JavaException,
    VerbTable,
    decode_java_int,
    illegal_argument,
    parse_java_int,
    parse_java_long,
    security_exception,
)
from jobctl_sim.framework.system import AndroidSystem, BinderService, BroadcastResult, Change, Intent, Topic
from jobctl_sim.native.shell.command import Invocation

FLAG_INCLUDE_STOPPED_PACKAGES = 0x20
FLAG_EXCLUDE_STOPPED_PACKAGES = 0x10
FLAG_RECEIVER_FOREGROUND = 0x10000000
FLAG_RECEIVER_FROM_SHELL = 0x400000


class Bucket(enum.IntEnum):
    EXEMPTED = 5
    ACTIVE = 10
    WORKING_SET = 20
    FREQUENT = 30
    RARE = 40
    RESTRICTED = 45
    NEVER = 50


_BUCKET_PREFIXES: tuple[tuple[str, Bucket], ...] = (
    ("ac", Bucket.ACTIVE),
    ("wo", Bucket.WORKING_SET),
    ("fr", Bucket.FREQUENT),
    ("ra", Bucket.RARE),
    ("re", Bucket.RESTRICTED),
    ("ne", Bucket.NEVER),
)


@dataclass(frozen=True)
class ProcessRecord:
    pid: int
    package: str
    uid: int
    started_ms: int


@dataclass(frozen=True)
class InstrumentationRequest:
    component: str
    arguments: Mapping[str, str]
    raw: bool
    wait: bool


@dataclass(frozen=True)
class InstrumentationResult:
    statuses: tuple[tuple[int, Mapping[str, str]], ...] = ()
    code: int = -1
    results: Mapping[str, str] = field(default_factory=dict)


InstrumentationHandler = Callable[[InstrumentationRequest], Awaitable[InstrumentationResult]]


def user_id_string(uid: int) -> str:
    """``UserHandle.formatUid``: ``u0a123`` for 10123, the plain uid for system uids."""
    return f"u0a{uid - FIRST_APPLICATION_UID}" if uid >= FIRST_APPLICATION_UID else str(uid)


def java_string_hash(text: str) -> int:
    h = 0
    for unit in text.encode("utf-16-be").hex(" ", 2).split():
        h = (31 * h + int(unit, 16)) & 0xFFFFFFFF
    return h - (1 << 32) if h & 0x80000000 else h


def java_str(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(java_str(v) for v in value) + "]"
    if value is None:
        return "null"
    return str(value)


def bundle_string(extras: Mapping[str, Any]) -> str:
    """``Bundle.toString`` after unparcelling: ``Bundle[{k=v, …}]`` in ArrayMap (key hash) order."""
    keys = sorted(extras, key=java_string_hash)
    return "Bundle[{" + ", ".join(f"{k}={java_str(extras[k])}" for k in keys) + "}]"


def short_component(component: str) -> str:
    package, _, cls = component.partition("/")
    full = package + cls if cls.startswith(".") else cls
    return f"{package}/{full[len(package):]}" if full.startswith(package + ".") else f"{package}/{full}"


def full_component(component: str) -> str:
    package, _, cls = component.partition("/")
    return f"{package}/{package + cls if cls.startswith('.') else cls}"


def intent_string(intent: Intent, categories: tuple[str, ...] = (), mime: str | None = None) -> str:
    parts: list[str] = []
    if intent.action:
        parts.append(f"act={intent.action}")
    if categories:
        parts.append("cat=[" + ",".join(categories) + "]")
    if intent.data:
        parts.append(f"dat={intent.data}")
    if mime:
        parts.append(f"typ={mime}")
    if intent.flags:
        parts.append(f"flg=0x{intent.flags & 0xFFFFFFFF:x}")
    if intent.package:
        parts.append(f"pkg={intent.package}")
    if intent.component:
        parts.append(f"cmp={short_component(intent.component)}")
    if intent.extras:
        parts.append("(has extras)")
    return "Intent { " + " ".join(parts) + " }"


@dataclass
class ParsedIntent:
    """What ``Intent.parseCommandArgs`` produced plus the command's own options."""

    action: str | None = None
    data: str | None = None
    mime: str | None = None
    categories: list[str] = field(default_factory=list)
    component: str | None = None
    package: str | None = None
    flags: int = 0
    extras: dict[str, Any] = field(default_factory=dict)
    options: dict[str, str | bool] = field(default_factory=dict)

    def intent(self, extra_flags: int = 0) -> Intent:
        return Intent(self.action, self.component, self.package, self.data, self.flags | extra_flags, dict(self.extras))


def _bool_value(text: str) -> bool:
    if text in ("true", "t"):
        return True
    if text in ("false", "f"):
        return False
    try:
        return decode_java_int(text) != 0
    except JavaException:
        raise illegal_argument(f"Invalid boolean value: {text}") from None


_EXTRA_PARSERS: Mapping[str, Callable[[str], Any]] = {
    "--es": str,
    "-e": str,
    "--ei": parse_java_int,
    "--el": parse_java_long,
    "--ef": float,
    "--ed": float,
    "--eu": str,
    "--ecn": str,
    "--ez": _bool_value,
    "--esa": lambda v: [s.replace("\\,", ",") for s in _split_array(v)],
    "--eia": lambda v: [parse_java_int(s) for s in v.split(",")],
    "--ela": lambda v: [parse_java_long(s) for s in v.split(",")],
    "--efa": lambda v: [float(s) for s in v.split(",")],
}


def _split_array(value: str) -> list[str]:
    out, current, escaped = [], "", False
    for ch in value:
        if ch == "," and not escaped:
            out.append(current)
            current = ""
        else:
            current += ch
        escaped = ch == "\\" and not escaped
    out.append(current)
    return out


_FLAG_OPTIONS: Mapping[str, int] = {
    "--include-stopped-packages": FLAG_INCLUDE_STOPPED_PACKAGES,
    "--exclude-stopped-packages": FLAG_EXCLUDE_STOPPED_PACKAGES,
    "--receiver-foreground": FLAG_RECEIVER_FOREGROUND,
    "--receiver-registered-only": 0x40000000,
    "--receiver-replace-pending": 0x20000000,
    "--activity-clear-task": 0x8000,
    "--activity-clear-top": 0x4000000,
    "--activity-new-task": 0x10000000,
    "--activity-single-top": 0x20000000,
    "--grant-read-uri-permission": 0x1,
    "--grant-write-uri-permission": 0x2,
    "--debug-log-resolution": 0x8,
}

_COMMAND_OPTIONS: Mapping[str, int] = {
    "--user": 1, "--receiver-permission": 1, "-W": 0, "-D": 0, "-N": 0, "-S": 0, "-R": 1, "-P": 1,
    "--start-profiler": 1, "--sampling": 1, "--streaming": 0, "--attach-agent": 1, "--windowingMode": 1,
    "--activityType": 1, "--display": 1, "--allow-background-activity-starts": 0, "--async": 0,
    "--background-activity-start": 0, "--task": 1, "--suspend": 0,
}
"""Options of ``am start``/``am broadcast`` themselves (name -> number of values)."""


def parse_intent(cursor: ArgCursor) -> ParsedIntent:
    parsed = ParsedIntent()
    while (opt := cursor.next_option()) is not None:
        if opt == "-a":
            parsed.action = cursor.next_arg_required()
        elif opt == "-d":
            parsed.data = cursor.next_arg_required()
        elif opt == "-t":
            parsed.mime = cursor.next_arg_required()
        elif opt == "-c":
            parsed.categories.append(cursor.next_arg_required())
        elif opt == "-n":
            text = cursor.next_arg_required()
            if "/" not in text:
                raise illegal_argument(f"Bad component name: {text}")
            parsed.component = full_component(text)
        elif opt == "-p":
            parsed.package = cursor.next_arg_required()
        elif opt == "-f":
            parsed.flags |= decode_java_int(cursor.next_arg_required())
        elif opt == "--esn":
            parsed.extras[cursor.next_arg_required()] = None
        elif opt in _EXTRA_PARSERS:
            key = cursor.next_arg_required()
            value = cursor.next_arg_required()
            try:
                parsed.extras[key] = _EXTRA_PARSERS[opt](value)
            except ValueError:
                raise JavaException("java.lang.NumberFormatException", f'For input string: "{value}"') from None
        elif opt in _FLAG_OPTIONS:
            parsed.flags |= _FLAG_OPTIONS[opt]
        elif opt in _COMMAND_OPTIONS:
            parsed.options[opt] = cursor.next_arg_required() if _COMMAND_OPTIONS[opt] else True
        else:
            raise illegal_argument(f"Unknown option: {opt}")
    if (target := cursor.next_arg()) is not None:
        if ":" in target:
            parsed.data = target
        elif "/" in target:
            parsed.component = full_component(target)
        else:
            parsed.package = target
    return parsed


class StandbyController:
    """App standby buckets; implements :class:`~jobctl_sim.framework.system.StandbyFacts`."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        self._buckets: dict[str, Bucket] = {}

    def bucket(self, package: str) -> int:
        if self._system.packages.is_system(package):
            return int(Bucket.EXEMPTED)
        return int(self._buckets.get(package, Bucket.NEVER))

    def on_package_added(self, package: str) -> None:
        self._buckets[package] = Bucket.NEVER

    def set_bucket(self, package: str, bucket: Bucket) -> None:
        old = self.bucket(package)
        if self._system.packages.is_system(package):
            return
        self._buckets[package] = bucket
        if old != bucket:
            facts = self._system.packages.get(package)
            self._system.publish(
                Change(Topic.STANDBY_BUCKET, package=package, uid=facts.uid if facts else None, detail={"bucket": int(bucket)})
            )

    def known(self) -> list[str]:
        return sorted(p.package for p in self._system.packages.packages() if not self._system.packages.is_system(p.package))


class ActivityManagerService:
    """Processes, stopped state transitions, broadcasts, activity starts, instrumentation."""

    def __init__(self, system: AndroidSystem, standby: StandbyController) -> None:
        self._system = system
        self.standby = standby
        self.processes: dict[str, ProcessRecord] = {}
        self.top_package: str | None = None
        """The package whose activity is resumed, if any (``am start`` makes it TOP)."""
        self._next_pid = 4211
        self.instrumentations: dict[str, InstrumentationHandler] = {}
        """``pkg/full.Class`` -> handler: register an app model's instrumentation here."""

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
        self._system.log("I", "ActivityManager", f"Start proc {record.pid}:{package}/{user_id_string(facts.uid)}")
        return record

    def kill_process(self, package: str, reason: str, announce: bool = True) -> bool:
        """End the app's process; ``announce``: ActivityManager logs its ``Killing`` line (it
        does for its own kills, not for lmkd's, see :mod:`jobctl_sim.faults`)."""
        record = self.processes.pop(package, None)
        if record is None:
            return False
        if announce:
            self._system.log("I", "ActivityManager",
                             f"Killing {record.pid}:{package}/{user_id_string(record.uid)} (adj 0): {reason}")
        app = self._system.apps.get(package)
        if app is not None:
            app.on_process_died()
        self._system.publish(Change(Topic.PROCESS_DIED, package=package, uid=record.uid, detail={"pid": record.pid, "reason": reason}))
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
        self._system.publish(Change(Topic.PACKAGE_FORCE_STOPPED, package=package, uid=facts.uid, detail={"reason": reason}))

    def launch(self, package: str) -> None:
        """An activity of ``package`` came to the foreground."""
        self.ensure_process(package)
        facts = self._system.packages.get(package)
        if self._system.packages.set_stopped(package, False):
            self._system.publish(Change(Topic.PACKAGE_UNSTOPPED, package=package, uid=facts.uid if facts else None))
        self.standby.set_bucket(package, Bucket.ACTIVE)

    # ------------------------------------------------------------------ verbs
    def _package_arg(self, cursor: ArgCursor) -> str:
        while (opt := cursor.next_option()) is not None:
            if opt == "--user":
                cursor.next_arg_required()
            else:
                raise illegal_argument(f"Unknown option: {opt}")
        return cursor.next_arg_required()

    def _verb_force_stop(self, inv: Invocation, cursor: ArgCursor) -> int:
        self.force_stop(self._package_arg(cursor))
        return 0

    def _verb_stop_app(self, inv: Invocation, cursor: ArgCursor) -> int:
        self.kill_process(self._package_arg(cursor), "stop-app")
        return 0

    def _verb_kill(self, inv: Invocation, cursor: ArgCursor) -> int:
        self.kill_process(self._package_arg(cursor), "kill background")
        return 0

    def _verb_crash(self, inv: Invocation, cursor: ArgCursor) -> int:
        self.kill_process(self._package_arg(cursor), "crash")
        return 0

    def _verb_kill_all(self, inv: Invocation, cursor: ArgCursor) -> int:
        self.kill_all("kill all background")
        return 0

    def _verb_make_uid_idle(self, inv: Invocation, cursor: ArgCursor) -> int:
        self._package_arg(cursor)
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

    def _verb_set_standby_bucket(self, inv: Invocation, cursor: ArgCursor) -> int:
        while (opt := cursor.next_option()) is not None:
            if opt == "--user":
                cursor.next_arg_required()
            else:
                inv.err(f"Error: Unknown option: {opt}\n")
                return ERROR
        pairs: list[tuple[str, int]] = []
        package = cursor.next_arg_required()
        value = cursor.next_arg_required()
        while True:
            bucket = self._bucket_value(inv, value)
            if bucket is None:
                return ERROR
            pairs.append((package, bucket))
            nxt = cursor.next_arg()
            if nxt is None:
                break
            package, value = nxt, cursor.next_arg_required()
        for package, bucket in pairs:
            if not Bucket.ACTIVE <= bucket <= Bucket.NEVER:
                raise illegal_argument(f"Cannot set the standby bucket to {bucket}")
            if self._system.packages.get(package) is None:
                raise illegal_argument(f"Cannot set standby bucket for non existent package ({package})")
        for package, bucket in pairs:
            self.standby.set_bucket(package, Bucket(bucket) if bucket in Bucket._value2member_map_ else Bucket.NEVER)
        return 0

    @staticmethod
    def _bucket_value(inv: Invocation, name: str) -> int | None:
        lower = name.lower()
        for prefix, bucket in _BUCKET_PREFIXES:
            if lower.startswith(prefix):
                return int(bucket)
        try:
            return parse_java_int(lower)
        except JavaException:
            inv.err(f"Error: Unknown bucket: {name}\n")
            return None

    def _verb_get_standby_bucket(self, inv: Invocation, cursor: ArgCursor) -> int:
        while (opt := cursor.next_option()) is not None:
            if opt == "--user":
                cursor.next_arg_required()
            else:
                inv.err(f"Error: Unknown option: {opt}\n")
                return ERROR
        package = cursor.next_arg()
        if package is not None:
            inv.out(f"{self.standby.bucket(package)}\n")
            return 0
        for name in self.standby.known():
            inv.out(f"{name}: {self.standby.bucket(name)}\n")
        return 0

    def _verb_set_inactive(self, inv: Invocation, cursor: ArgCursor) -> int:
        package = self._package_arg(cursor)
        value = cursor.next_arg_required()
        if self._system.packages.get(package) is not None:
            self.standby.set_bucket(package, Bucket.RARE if value.lower() == "true" else Bucket.ACTIVE)
        return 0

    def _verb_get_inactive(self, inv: Invocation, cursor: ArgCursor) -> int:
        package = self._package_arg(cursor)
        idle = self.standby.bucket(package) >= Bucket.RARE
        inv.out(f"Idle={'true' if idle else 'false'}\n")
        return 0

    def _verb_broadcast(self, inv: Invocation, cursor: ArgCursor) -> int:
        parsed = parse_intent(cursor)
        intent = parsed.intent(FLAG_RECEIVER_FROM_SHELL)
        inv.out(f"Broadcasting: {intent_string(intent, tuple(parsed.categories), parsed.mime)}\n")
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
        app = self._system.apps.get(package)
        on_activity_start = getattr(app, "on_activity_start", None)
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
        check = getattr(self._system.packages, "check_uid_permission", None)
        return bool(check(uid, permission)) if check is not None else uid in (0, 1000, 2000)

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
        if not any(c.exported for c in receivers) and caller_uid not in (0, 1000, facts.uid):
            self._system.log("W", "BroadcastQueue", f"Permission Denial: broadcasting {intent_string(intent)} from {caller} (uid={caller_uid}) is not exported from uid {facts.uid}")
            return result
        receiver = receivers[0]
        if not self._holds(caller_uid, receiver.permission, facts.uid):
            self._system.log("W", "BroadcastQueue", f"Permission Denial: broadcasting {intent_string(intent)} from {caller} (uid={caller_uid}) requires {receiver.permission} due to receiver {package}/{receiver.name}")
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
        if packages.is_stopped(package) and packages.set_stopped(package, False):  # type: ignore[attr-defined]
            self._system.publish(Change(Topic.PACKAGE_UNSTOPPED, package=package, uid=uid))

    def _verb_start(self, inv: Invocation, cursor: ArgCursor) -> int:
        parsed = parse_intent(cursor)
        intent = parsed.intent()
        inv.out(f"Starting: {intent_string(intent, tuple(parsed.categories), parsed.mime)}\n")
        package = intent.component.partition("/")[0] if intent.component else intent.package
        facts = self._system.packages.get(package) if package else None
        activities = [c for c in (facts.components if facts else ()) if c.kind == "activity"]
        if intent.component:
            cls = intent.component.partition("/")[2]
            if not any(c.name == cls for c in activities):
                inv.err(f"Error type 3\nError: Activity class {{{short_component(intent.component)}}} does not exist.\n")
                return 1
            target = intent.component
        elif activities and facts is not None:
            target = f"{facts.package}/{activities[0].name}"
        else:
            inv.err(f"Error: Activity not started, unable to resolve {intent_string(intent, tuple(parsed.categories))}\n")
            return 1
        activity = next((c for c in activities if c.name == target.partition("/")[2]), None)
        owner = facts.uid if facts is not None else -1
        if activity is not None and not self._holds(inv.uid, activity.permission, owner):
            # ActivityTaskSupervisor.checkStartAnyActivityPermission: a SecurityException that
            # ``am start`` reports like any exception of the command (the model omits the pid).
            raise security_exception(f"Permission Denial: starting {intent_string(dataclasses.replace(intent, component=target))} "
                                     f"from null (uid={inv.uid}) requires {activity.permission}")
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
        verbs = {
            "force-stop": self._verb_force_stop,
            "kill": self._verb_kill,
            "kill-all": self._verb_kill_all,
            "crash": self._verb_crash,
            "make-uid-idle": self._verb_make_uid_idle,
            "get-current-user": self._verb_current_user,
            "idle-maintenance": self._verb_idle_maintenance,
            "instrument": self._verb_instrument_via_cmd,
            "set-standby-bucket": self._verb_set_standby_bucket,
            "get-standby-bucket": self._verb_get_standby_bucket,
            "set-inactive": self._verb_set_inactive,
            "get-inactive": self._verb_get_inactive,
            "broadcast": self._verb_broadcast,
            "start": self._verb_start,
            "start-activity": self._verb_start,
        }
        if self._system.api_level >= 34:
            verbs["stop-app"] = self._verb_stop_app
        return VerbTable(verbs, _help)

    async def shell_command(self, inv: Invocation) -> int:
        return await self.verb_table().run(inv, inv.args)

    # ------------------------------------------------------------------ am (the script)
    async def am_command(self, inv: Invocation) -> int:
        """``/system/bin/am``: ``cmd activity "$@"`` except ``instrument``."""
        if inv.args[:1] == ["instrument"]:
            return await self.instrument(inv, inv.args[1:])
        return await self.shell_command(inv)

    async def instrument(self, inv: Invocation, args: list[str]) -> int:
        cursor = ArgCursor(args)
        raw = wait = no_restart = False
        arguments: dict[str, str] = {}
        try:
            while (opt := cursor.next_option()) is not None:
                if opt == "-r":
                    raw = True
                elif opt == "-w":
                    wait = True
                elif opt == "--no-restart":
                    no_restart = True
                elif opt == "-e":
                    key = cursor.next_arg_required()
                    arguments[key] = cursor.next_arg_required()
                elif opt in ("-p", "--user", "--abi"):
                    cursor.next_arg_required()
                elif opt in ("--no-window-animation", "--no-hidden-api-checks", "--no-test-api-access",
                             "--no-isolated-storage", "--no-logcat", "-m", "--no_window_animation"):
                    continue
                else:
                    raise illegal_argument(f"Unknown option: {opt}")
            target = cursor.next_arg_required()
        except JavaException as exc:
            inv.err(f"usage: am instrument [flags] <COMPONENT>\n\nError: {exc.message}\n")
            return 0
        component = full_component(target if "/" in target else f"{target}/")
        handler = self.instrumentations.get(component)
        if handler is None:
            if wait:
                lines = []
                if self._system.api_level >= 28:
                    lines.append("INSTRUMENTATION_STATUS: id=ActivityManagerService")
                lines += [
                    f"INSTRUMENTATION_STATUS: Error=Unable to find instrumentation info for: ComponentInfo{{{component}}}",
                    "INSTRUMENTATION_STATUS_CODE: -1",
                ]
                inv.out("\n".join(lines) + "\n")
            inv.err(
                f"android.util.AndroidException: INSTRUMENTATION_FAILED: {component}\n"
                "\tat com.android.commands.am.Instrument.run(Instrument.java)\n"
                "\tat com.android.commands.am.Am.runInstrument(Am.java)\n"
            )
            return 1
        package = component.partition("/")[0]
        if not no_restart:
            self.kill_process(package, "start instr")
        self.ensure_process(package)
        request = InstrumentationRequest(component, arguments, raw, wait)

        async def run() -> InstrumentationResult:
            try:
                return await handler(request)
            finally:
                if not no_restart:
                    self.kill_process(package, "finished inst")

        if not wait:
            asyncio.ensure_future(run())
            return 0
        result = await run()
        for code, bundle in result.statuses:
            if raw:
                for key in sorted(bundle):
                    inv.out(f"INSTRUMENTATION_STATUS: {key}={bundle[key]}\n")
                inv.out(f"INSTRUMENTATION_STATUS_CODE: {code}\n")
            elif "stream" in bundle:
                inv.out(bundle["stream"])
        if raw:
            for key in sorted(result.results):
                inv.out(f"INSTRUMENTATION_RESULT: {key}={result.results[key]}\n")
            inv.out(f"INSTRUMENTATION_CODE: {result.code}\n")
        elif "stream" in result.results:
            inv.out(result.results["stream"])
        return 0


def _help() -> str:
    return (
        "Activity manager (activity) commands:\n"
        "  help\n"
        "      Print this help text.\n"
        "  start-activity [-D] [-N] [-W] [-P <FILE>] [--start-profiler <FILE>] [--user <USER_ID> | current] <INTENT>\n"
        "      Start an Activity.  Options are:\n"
        "  broadcast [--user <USER_ID> | all | current] [--receiver-permission <PERMISSION>] <INTENT>\n"
        "      Send a broadcast Intent.  Options are:\n"
        "  instrument [-r] [-e <NAME> <VALUE>] [-p <FILE>] [-w] [--user <USER_ID> | current] [--no-restart] <COMPONENT>\n"
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
    system.activity = service  # type: ignore[attr-defined]  # addition to the contract
    system.add_binder_service(BinderService("activity", shell_command=service.shell_command))
    system.add_binder_service(BinderService("usagestats"))
    system.device.commands.register("am", service.am_command)
    return service


__all__ = [
    "ActivityManagerService",
    "Bucket",
    "InstrumentationRequest",
    "InstrumentationResult",
    "ProcessRecord",
    "StandbyController",
    "bundle_string",
    "intent_string",
]
