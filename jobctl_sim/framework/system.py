"""The Android model of one virtual device, and the contract its services share.

Each Android service is one module under :mod:`jobctl_sim.framework` that owns its state and
registers its shell surface (``cmd NAME …`` / ``dumpsys NAME …`` and plain commands such as
``svc`` or ``input``). Services talk to each other only through :class:`AndroidSystem`:

* **facts** -- each service is an attribute (``system.battery``, ``system.connectivity`` …)
  exposing the read-only facts described by the Protocols below; JobScheduler's controllers
  read them;
* **changes** -- a service that changes something publishes a :class:`Change`; listeners
  (JobScheduler, the app models) re-evaluate. Delivery is synchronous and in order, on the
  device's event loop;
* **apps** -- app-side models (the jobctl helper) register under their package name and
  receive broadcasts and JobService callbacks.

Everything runs on the virtual device's single asyncio loop: no locks, no threads.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from jobctl_sim.framework.processes import SYSTEM_SERVER_PID
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.device import VirtualDevice
    from jobctl_sim.framework.activity import ActivityManagerService
    from jobctl_sim.framework.appops import AppOpsService
    from jobctl_sim.framework.battery import BatteryService
    from jobctl_sim.framework.connectivity import ConnectivityService
    from jobctl_sim.framework.costs import CostCounter
    from jobctl_sim.framework.jobscheduler.service import JobSchedulerService
    from jobctl_sim.framework.packages import PackageManagerService
    from jobctl_sim.framework.power import PowerService
    from jobctl_sim.framework.processes import ProcessTable
    from jobctl_sim.framework.settings import SettingsService
    from jobctl_sim.framework.standby import StandbyController
    from jobctl_sim.framework.storage import StorageService
    from jobctl_sim.framework.window import WindowManagerService


class Topic(enum.Enum):
    """What changed."""

    BATTERY = "battery"
    CONNECTIVITY = "connectivity"
    STORAGE = "storage"
    SCREEN = "screen"
    IDLE_MAINTENANCE = "idle_maintenance"
    DOZE = "doze"
    BATTERY_SAVER = "battery_saver"
    PACKAGE_ADDED = "package_added"
    PACKAGE_REMOVED = "package_removed"
    PACKAGE_FORCE_STOPPED = "package_force_stopped"
    """``am force-stop``: JobScheduler cancels every job of the package (shell ref §5.6)."""
    PACKAGE_UNSTOPPED = "package_unstopped"
    """The app left the stopped state (``am start``, a launch)."""
    PROCESS_DIED = "process_died"
    """The app's process died (``am kill``, ``am stop-app``, low-memory kill) -- jobs are kept."""
    STANDBY_BUCKET = "standby_bucket"
    APP_OPS = "app_ops"
    SETTINGS = "settings"
    DEVICE_CONFIG = "device_config"
    DOCK = "dock"
    BOOT_COMPLETED = "boot_completed"
    SHUTDOWN = "shutdown"


@dataclass(frozen=True)
class Change:
    topic: Topic
    package: str | None = None
    uid: int | None = None
    detail: dict[str, object] = field(default_factory=dict)


Listener = Callable[[Change], None]
ShellEntry = Callable[[Invocation], int | Awaitable[int]]


@dataclass(frozen=True)
class BinderService:
    """A system service reachable from the shell as ``cmd NAME`` and ``dumpsys NAME``."""

    name: str
    shell_command: ShellEntry | None = None
    """``cmd NAME ARGS``: invocation.args are ARGS (argv[0] is ``cmd``/``NAME``)."""
    dump: ShellEntry | None = None
    """``dumpsys NAME ARGS``."""


# ---------------------------------------------------------------------------------------
# Facts the services expose (implemented by the service modules; read by JobScheduler through
# :class:`FactSources`, so a test can stand in plain objects with these attributes).
# ---------------------------------------------------------------------------------------
class BatteryFacts(Protocol):
    @property
    def level(self) -> int: ...
    @property
    def scale(self) -> int: ...
    @property
    def plugged_ac(self) -> bool: ...
    @property
    def plugged_usb(self) -> bool: ...
    @property
    def plugged_wireless(self) -> bool: ...
    @property
    def plugged_dock(self) -> bool: ...
    @property
    def sequence(self) -> int:
        """ACTION_BATTERY_CHANGED's EXTRA_SEQUENCE (what ``cmd battery … -f`` prints)."""
        ...
    @property
    def power_connected(self) -> bool: ...
    @property
    def charging(self) -> bool:
        """BatteryManager.ACTION_CHARGING semantics, incl. the level-rise rule and
        ``battery_charged_delay_ms`` (shell ref §3.3)."""
        ...
    @property
    def battery_low(self) -> bool:
        """ACTION_BATTERY_LOW/OKAY semantics (thresholds with hysteresis)."""
        ...


@dataclass(frozen=True)
class NetworkFacts:
    """The default network as ConnectivityService reports it to JobScheduler."""

    network_id: int
    transport: str  # "wifi" | "cellular" | "ethernet"
    metered: bool
    roaming: bool
    validated: bool = True


class ConnectivityFacts(Protocol):
    @property
    def wifi_enabled(self) -> bool: ...
    @property
    def mobile_data_enabled(self) -> bool: ...
    @property
    def airplane_mode(self) -> bool: ...

    def default_network(self) -> NetworkFacts | None: ...


class StorageFacts(Protocol):
    @property
    def low(self) -> bool: ...
    @property
    def sequence(self) -> int: ...


class PowerFacts(Protocol):
    @property
    def screen_on(self) -> bool: ...
    @property
    def battery_saver(self) -> bool: ...
    @property
    def deep_idle(self) -> bool:
        """Doze (``cmd deviceidle force-idle deep`` / step to IDLE)."""
        ...
    @property
    def light_idle(self) -> bool: ...

    def is_doze_allowlisted(self, package: str) -> bool:
        """On the deviceidle allow-list (``cmd deviceidle whitelist +PKG``): Doze does not hold
        its jobs back (DeviceIdleJobsController)."""
        ...


@dataclass(frozen=True)
class ComponentInfo:
    name: str  # fully qualified class name
    kind: str  # "activity" | "service" | "receiver" | "provider"
    exported: bool = False
    permission: str | None = None


@dataclass(frozen=True)
class PackageFacts:
    package: str
    uid: int
    version_code: int
    version_name: str
    debuggable: bool
    target_sdk: int
    requested_permissions: tuple[str, ...]
    components: tuple[ComponentInfo, ...]


class PackagesFacts(Protocol):
    def get(self, package: str) -> PackageFacts | None: ...
    def by_uid(self, uid: int) -> PackageFacts | None: ...
    def is_stopped(self, package: str) -> bool: ...
    def is_granted(self, package: str, permission: str) -> bool: ...


class StandbyFacts(Protocol):
    def bucket(self, package: str) -> int:
        """A :class:`~jobctl_sim.framework.standby.StandbyBucket` value (an int)."""
        ...


class AppOpsFacts(Protocol):
    def mode(self, op: str, uid: int, package: str) -> str:
        """``allow`` | ``ignore`` | ``deny`` | ``default`` | ``foreground``."""
        ...


class SettingsFacts(Protocol):
    def get(self, namespace: str, key: str) -> str | None:
        """``namespace``: ``global`` | ``secure`` | ``system``."""
        ...

    def device_config(self, namespace: str, key: str) -> str | None: ...


class ActivityFacts(Protocol):
    def is_top(self, package: str) -> bool:
        """The app has the resumed activity (PROCESS_STATE_TOP)."""
        ...


class FactSources(Protocol):
    """What JobScheduler's controllers read of the device (:class:`AndroidSystem` is one)."""

    @property
    def api_level(self) -> int: ...
    @property
    def battery(self) -> BatteryFacts: ...
    @property
    def connectivity(self) -> ConnectivityFacts: ...
    @property
    def storage(self) -> StorageFacts: ...
    @property
    def power(self) -> PowerFacts: ...
    @property
    def packages(self) -> PackagesFacts: ...
    @property
    def standby(self) -> StandbyFacts: ...
    @property
    def appops(self) -> AppOpsFacts: ...
    @property
    def activity(self) -> ActivityFacts: ...


class AppModel(Protocol):
    """An app whose code the virtual device runs (the jobctl helper's model).

    Optional hooks, looked up by name: ``on_activity_start(intent) -> bool`` (True: the
    activity finished at once) and the JobService callbacks of
    :mod:`jobctl_sim.framework.jobscheduler.app_api`."""

    package: str

    def on_broadcast(self, intent: Intent) -> BroadcastResult: ...
    def on_process_died(self) -> None: ...


@dataclass(frozen=True)
class Intent:
    action: str | None = None
    component: str | None = None  # "pkg/.Class" or "pkg/pkg.Class"
    package: str | None = None
    data: str | None = None
    flags: int = 0
    extras: dict[str, Any] = field(default_factory=dict)
    sender_uid: int = -1
    """What the receiver's ``getSentFromUid()`` (API 34) returns: the sender's uid when it shared
    its identity (``BroadcastOptions.setShareIdentityEnabled``), else ``-1`` (``Process.INVALID_UID``),
    which is what ``am broadcast`` gives."""


@dataclass(frozen=True)
class BroadcastResult:
    code: int = 0
    data: str | None = None
    extras: dict[str, Any] | None = None


class AndroidSystem:
    """One device's Android: services, the change bus, apps."""

    def __init__(self, device: VirtualDevice) -> None:
        self.device = device
        self.clock = device.clock
        self.binder_services: dict[str, BinderService] = {}
        self.apps: dict[str, AppModel] = {}
        self._listeners: list[Listener] = []
        # Set by the service modules' install functions:
        self.settings: SettingsService
        self.battery: BatteryService
        self.storage: StorageService
        self.packages: PackageManagerService
        self.appops: AppOpsService
        self.connectivity: ConnectivityService
        self.power: PowerService
        self.standby: StandbyController
        self.activity: ActivityManagerService
        self.costs: CostCounter
        self.process_table: ProcessTable
        self.window: WindowManagerService
        self.jobs: JobSchedulerService
        self.reboot: Callable[[], Awaitable[None]]
        """Shut down and boot again (:func:`jobctl_sim.framework.boot.reboot`)."""

    @property
    def api_level(self) -> int:
        return self.device.api_level

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def publish(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    def add_binder_service(self, service: BinderService) -> None:
        self.binder_services[service.name] = service

    def log(self, priority: str, tag: str, message: str, pid: int | None = None, uid: int | None = None) -> None:
        """Write a line to the device's logcat (system_server's pid by default, the one ``ps``,
        ``pidof system_server`` and the boot log show: :data:`~jobctl_sim.framework.processes.SYSTEM_SERVER_PID`;
        ``uid``: the writing process's, which logd records -- an app's own for an app's line)."""
        if pid is None:
            pid = SYSTEM_SERVER_PID
        self.device.log.write(priority, tag, message, pid=pid, tid=pid, uid=uid)
