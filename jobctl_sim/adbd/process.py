"""The adbd process of a virtual device: whom it runs as, and the reverse listeners it holds.

adbd decides its identity once, when it starts (AOSP ``packages/modules/adb/daemon/main.cpp``,
``should_drop_privileges``): it drops to the shell uid when ``ro.secure`` is 1, unless the build is
debuggable (``ro.debuggable=1``) and ``service.adb.root`` is ``1`` (what ``adb root`` set before it
restarted adbd); ``service.adb.root=0`` (``adb unroot``) always drops. Everything it owns dies with
it: a restart (``adb root``/``unroot``, a reboot) takes the reverse listeners
(``adb_listeners.cpp``) with it. The :class:`~jobctl_sim.adbd.server.DeviceServer` makes one per
start of adbd.

Whether hosts must authenticate is decided at start too (``daemon/main.cpp``: ``auth_required``
from ``ro.adb.secure``; :mod:`jobctl_sim.adbd.auth`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

ROOT_UID = 0
SHELL_UID = 2000
"""AID_SHELL: what adbd's children run as once it dropped privileges."""

ROOT_PROPERTY = "service.adb.root"
"""Set by the ``root:``/``unroot:`` services (``daemon/restart_service.cpp``); not persistent,
so a reboot clears it."""


def is_debuggable(props: Mapping[str, str]) -> bool:
    """``__android_log_is_debuggable()``: ``ro.debuggable`` is 1 (eng and userdebug builds)."""
    return props.get("ro.debuggable") == "1"


def auth_required(props: Mapping[str, str]) -> bool:
    """Hosts must authenticate with a key (``ro.adb.secure=1``, :mod:`jobctl_sim.adbd.auth`)."""
    return props.get("ro.adb.secure", "0") == "1"


def adbd_uid(props: Mapping[str, str]) -> int:
    """The uid a freshly started adbd runs as (``daemon/main.cpp`` ``should_drop_privileges``)."""
    drop = props.get("ro.secure", "1") == "1"
    request = props.get(ROOT_PROPERTY, "")
    if is_debuggable(props) and request == "1":
        drop = False
    if request == "0":
        drop = True
    return SHELL_UID if drop else ROOT_UID


@dataclass
class ReverseListener:
    """One ``adb reverse``: a device-side address that, when connected to, opens ``connect_to``
    on the host through the transport that installed it (``adb_listeners.cpp``)."""

    local_name: str
    """The device-side socket spec, e.g. ``tcp:8081`` (``tcp:0`` is stored resolved)."""
    connect_to: str
    """What the device asks the host to open, e.g. ``tcp:7001``."""
    transport_serial: str
    """adbd's name for the transport: ``host-FD`` for a TCP connection
    (``daemon/transport_local.cpp``)."""
    connection_id: int


@dataclass
class AdbdProcess:
    """One run of adbd: its uid and its reverse listeners."""

    uid: int = SHELL_UID
    auth_required: bool = False
    """Connections go through AUTH before CNXN (:mod:`jobctl_sim.adbd.auth`)."""
    listeners: list[ReverseListener] = field(default_factory=list)
    on_restart: Callable[[], None] | None = None
    """How this adbd asks to be restarted (set by the server that runs it)."""

    @classmethod
    def start(cls, props: Mapping[str, str]) -> AdbdProcess:
        return cls(uid=adbd_uid(props), auth_required=auth_required(props))

    def request_restart(self) -> None:
        """Exit so that init starts adbd again (with the identity ``service.adb.root`` asks for)."""
        if self.on_restart is not None:
            self.on_restart()

    @property
    def is_root(self) -> bool:
        return self.uid == ROOT_UID

    def find(self, local_name: str) -> ReverseListener | None:
        return next((listener for listener in self.listeners if listener.local_name == local_name), None)

    def remove(self, local_name: str) -> ReverseListener | None:
        listener = self.find(local_name)
        if listener is not None:
            self.listeners.remove(listener)
        return listener

    def format_listeners(self) -> str:
        """What ``list-forward`` answers: ``SERIAL LOCAL REMOTE`` lines (``format_listeners``)."""
        return "".join(f"{item.transport_serial} {item.local_name} {item.connect_to}\n" for item in self.listeners)
