"""One virtual Android device: what lives behind its adbd.

A :class:`VirtualDevice` is the native device -- filesystem, properties, logd, clock, ``sh`` and
toybox -- and satisfies :class:`~jobctl_sim.native.shell.command.DeviceHost`, which is all the
shell and its commands see of it. The adbd side (:mod:`jobctl_sim.adbd`) serves one; Android is
installed on it by *extensions*: callables that receive the device and register commands, sockets
and log writers on it (:mod:`jobctl_sim.assembly` puts the framework and the apps together).
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from jobctl_sim.faults import FaultInjector
from jobctl_sim.native.clock import VirtualClock
from jobctl_sim.native.commands import install_native_commands
from jobctl_sim.native.fs import MemoryFileSystem
from jobctl_sim.native.logcat.buffer import LogBuffer
from jobctl_sim.native.processes import BootProcessTable, ProcessTable
from jobctl_sim.native.props import BUILD_TYPE, BUILD_TYPES, RELEASES, DeviceIdentity, build_properties
from jobctl_sim.native.shell.command import SHELL_UID, CommandRegistry
from jobctl_sim.native.shell.interpreter import ShellInterpreter
from jobctl_sim.native.streams import BufferOutput, InputStream, OutputStream

MIN_API_LEVEL = min(RELEASES)
MAX_API_LEVEL = max(RELEASES)
EXECUTED_HISTORY = 10_000


@dataclass(frozen=True)
class DeviceConfig:
    """What a virtual device is, fixed at start."""

    serial: str
    api_level: int = 34
    speed: float = 1.0
    """Virtual clock speed factor (60: a virtual minute per real second)."""
    helper: bool = True
    """Boot with the jobctl helper app preinstalled."""
    boot_seconds: float = 2.0
    """Virtual seconds a reboot keeps the device off the wire."""
    build_type: str = BUILD_TYPE
    """``ro.build.type``: ``userdebug`` as on the emulator's Google APIs images (``adb root``
    works), ``user`` as on its Google Play images (``adbd cannot run as root in production
    builds``), or ``eng`` (:mod:`jobctl_sim.native.props`)."""

    def __post_init__(self) -> None:
        if not MIN_API_LEVEL <= self.api_level <= MAX_API_LEVEL:
            raise ValueError(
                f"API level {self.api_level} is not modelled; choose {MIN_API_LEVEL}-{MAX_API_LEVEL}"
            )
        if not self.speed > 0:
            raise ValueError(f"speed must be positive, got {self.speed!r}")
        if not self.serial or any(c.isspace() for c in self.serial):
            raise ValueError(f"invalid serial {self.serial!r}")
        if self.build_type not in BUILD_TYPES:
            raise ValueError(f"unknown build type {self.build_type!r}; choose one of {', '.join(BUILD_TYPES)}")


@dataclass(frozen=True)
class ShellResult:
    """What an in-process :meth:`VirtualDevice.shell` call produced."""

    stdout: bytes
    stderr: bytes
    exit_code: int

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", "replace")


SocketHandler = Callable[[InputStream, OutputStream, asyncio.Event], Awaitable[None]]
"""Serves one device-side socket connection: (data from the host, data to the host, hangup)."""


class SocketRegistry:
    """Device-side servers reachable with ``localabstract:NAME`` or ``tcp:PORT``."""

    def __init__(self) -> None:
        self._servers: dict[tuple[str, str], SocketHandler] = {}

    def listen(self, namespace: str, address: str, handler: SocketHandler) -> None:
        """Serve ``namespace:address`` (e.g. ``("localabstract", "jobctl")``, ``("tcp", "8080")``)."""
        self._servers[(namespace, address)] = handler

    def close(self, namespace: str, address: str) -> None:
        self._servers.pop((namespace, address), None)

    def lookup(self, namespace: str, address: str) -> SocketHandler | None:
        return self._servers.get((namespace, address))


Extension = Callable[["VirtualDevice"], object]
"""Installs a piece of Android (a service, the helper model, ...) on a device; what it returns is
not used."""


@dataclass
class DeviceCounters:
    """What the device served, for ``jobctl sim stats``."""

    connections: int = 0
    streams_opened: int = 0
    streams_refused: int = 0
    shell_commands: int = 0
    protocol_errors: int = 0
    by_service: dict[str, int] = field(default_factory=dict)

    def count_service(self, kind: str) -> None:
        self.by_service[kind] = self.by_service.get(kind, 0) + 1


class VirtualDevice:
    """A virtual phone: filesystem, logcat, properties, clock, shell commands, sockets."""

    def __init__(self, config: DeviceConfig, extensions: Iterable[Extension] = ()) -> None:
        self.config = config
        self.clock = VirtualClock(config.speed)
        self.identity = DeviceIdentity.for_api_level(config.api_level)
        self.props: dict[str, str] = build_properties(config.api_level, config.serial, config.build_type)
        self.fs = MemoryFileSystem.android_layout(clock=self.clock)
        self.log = LogBuffer(clock=self.clock)
        self.commands = CommandRegistry()
        self.sockets = SocketRegistry()
        self.counters = DeviceCounters()
        self.executed: collections.deque[tuple[str, ...]] = collections.deque(maxlen=EXECUTED_HISTORY)
        """The argv of every simple command the shell ran, newest last (for costs and audits)."""
        self.command_observers: list[Callable[[tuple[str, ...]], None]] = []
        self.android: Any = None
        self.processes: ProcessTable = BootProcessTable()
        """What ``ps``, ``pidof`` and ``/proc`` read: the boot table until the framework installs its own."""
        """The Android model (:class:`jobctl_sim.framework.AndroidSystem`) when installed."""
        self.power_listeners: list[Callable[[bool], Awaitable[None]]] = []
        """Called with False when the device goes down for a reboot and True when it is back
        (the transport drops and restores its adb connections)."""
        self._reboot: asyncio.Task[None] | None = None
        self.faults = FaultInjector(self)
        """Faults to inject (dropped connections, slow commands, lmk kills…), see :mod:`jobctl_sim.faults`."""
        install_native_commands(self.commands)
        for extension in extensions:
            extension(self)

    @property
    def serial(self) -> str:
        return self.config.serial

    @property
    def api_level(self) -> int:
        return self.config.api_level

    def request_reboot(self) -> asyncio.Task[None]:
        """Start a reboot that outlives the connection asking for it; one at a time."""
        if self._reboot is None or self._reboot.done():
            self._reboot = asyncio.get_running_loop().create_task(self._rebooting())
        return self._reboot

    async def _rebooting(self) -> None:
        for listener in self.power_listeners:
            await listener(False)
        # ``adb root`` lasts until the next boot: service.adb.root is not a persistent property
        # (packages/modules/adb/daemon/restart_service.cpp sets it; only persist.* survive).
        self.props.pop("service.adb.root", None)
        if self.android is not None:
            await self.android.reboot()
        else:
            self.clock.reboot()
        await self.clock.sleep(self.config.boot_seconds)
        for listener in self.power_listeners:
            await listener(True)

    def stats(self) -> dict[str, Any]:
        """What this device served: adb-level counters and, with the Android model, what each
        shell command would cost on a phone (native binder call, app_process start, …)."""
        counters = self.counters
        return {
            "serial": self.serial,
            "api_level": self.api_level,
            "adb": {
                "connections": counters.connections,
                "streams_opened": counters.streams_opened,
                "streams_refused": counters.streams_refused,
                "shell_commands": counters.shell_commands,
                "protocol_errors": counters.protocol_errors,
                "by_service": dict(sorted(counters.by_service.items())),
            },
            "costs": self.android.costs.snapshot() if self.android is not None else None,
        }

    def record_command(self, argv: tuple[str, ...]) -> None:
        """Called by the shell for every simple command it is about to run."""
        self.executed.append(argv)
        for observer in self.command_observers:
            observer(argv)

    async def run_shell(
        self,
        command_line: str,
        stdin: InputStream,
        stdout: OutputStream,
        stderr: OutputStream,
        hangup: asyncio.Event | None = None,
        uid: int = SHELL_UID,
        cwd: str = "/",
    ) -> int:
        """Run one shell command line as adbd's shell would (as ``uid``, in ``cwd``); return its status."""
        self.counters.shell_commands += 1
        interpreter = ShellInterpreter(self, stdin, stdout, stderr, hangup or asyncio.Event(), uid, cwd=cwd)
        return await interpreter.run(command_line)

    async def shell(self, command_line: str, stdin: bytes = b"") -> ShellResult:
        """Run ``command_line`` in-process and collect its output (for tests and tools)."""
        out, err = BufferOutput(), BufferOutput()
        code = await self.run_shell(command_line, InputStream.of(stdin), out, err)
        return ShellResult(out.getvalue(), err.getvalue(), code)
