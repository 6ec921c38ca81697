"""A fleet of virtual devices: each assembled (:mod:`jobctl_sim.assembly`) and served on its own
port (:mod:`jobctl_sim.adbd.server`), all in one event loop; and waiting until an adb server lists
them. The in-process harness (:mod:`jobctl_sim.harness`) runs one; so does each worker process
of :mod:`jobctl_sim.workers`, which spreads a daemon's devices over the cores.

What the daemon (:mod:`jobctl_sim.daemon`) needs of a fleet -- describe its devices, plug them
into an adb server, answer ``stats`` and ``fault`` requests -- is :class:`ServingFleet`; both
:class:`Fleet` and :class:`jobctl_sim.workers.WorkerFleet` provide it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bridge.adb.server import AdbServer
from bridge.errors import JobctlError
from jobctl_sim import faults
from jobctl_sim.adbd.cable import Cable
from jobctl_sim.adbd.server import LOOPBACK, DeviceServer
from jobctl_sim.device import DeviceConfig, Extension, VirtualDevice


class SimError(JobctlError):
    """A virtual device could not be started, reached or stopped."""


@dataclass(frozen=True)
class FleetSpec:
    """What ``jobctl sim start`` / ``sim run`` asked for."""

    count: int = 1
    api_level: int = 34
    first_port: int = 0
    """0: any free ports; otherwise devices listen on first_port, first_port+1, …"""
    host: str = LOOPBACK
    speed: float = 1.0
    helper: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.count <= 64:
            raise ValueError(f"count must be 1-64, got {self.count}")
        if self.first_port and not 1 <= self.first_port <= 65535 - self.count + 1:
            raise ValueError(f"port {self.first_port} is out of range")


@dataclass(frozen=True)
class ServedDevice:
    """One device a fleet serves, as the daemon records it."""

    address: str
    """``HOST:PORT``: the serial the adb server lists."""
    serial: str
    """``ro.serialno`` inside the device."""
    api_level: int


class ServingFleet(Protocol):
    """What the daemon does with a fleet, wherever its devices run (this process or workers)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def served(self) -> tuple[ServedDevice, ...]: ...
    async def plug(self, adb_host: str, adb_port: int) -> None: ...
    async def unplug(self) -> None: ...
    async def stats(self) -> list[dict[str, Any]]: ...
    async def fault(self, request: dict[str, Any]) -> dict[str, Any]: ...


class Fleet:
    """Several virtual devices, each on its own port, in one event loop."""

    def __init__(self, spec: FleetSpec, extensions: Iterable[Extension] | None = None,
                 logger: logging.Logger | None = None) -> None:
        """``extensions``: what runs behind each device's shell; Android (framework and apps) by
        default, ``()`` for a bare device with only its native commands."""
        if extensions is None:
            from jobctl_sim.assembly import ANDROID  # loaded when a fleet starts, not with FleetSpec

            extensions = ANDROID
        self.spec = spec
        self.extensions = tuple(extensions)
        self.log = logger or logging.getLogger("jobctl.sim")
        self.servers: list[DeviceServer] = []
        self.cables: list[Cable] = []

    async def start(self) -> None:
        try:
            for index in range(self.spec.count):
                port = self.spec.first_port + index if self.spec.first_port else 0
                # The serial is fixed once the port is known; bind first, then build the device.
                server = DeviceServer(self.spec.host, port, self.log)
                self.servers.append(server)
                bound_port = await server.bind()
                config = DeviceConfig(serial=f"jobctl-sim-{bound_port}", api_level=self.spec.api_level,
                                      speed=self.spec.speed, helper=self.spec.helper)
                await server.serve(VirtualDevice(config, self.extensions))
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        for server in self.servers:
            await server.stop()

    def by_address(self, address: str) -> DeviceServer | None:
        return next((s for s in self.servers if s.address == address), None)

    # -- what the daemon asks (ServingFleet) ---------------------------------------------------
    def served(self) -> tuple[ServedDevice, ...]:
        return tuple(ServedDevice(s.address, s.device.serial, s.device.api_level) for s in self.servers)

    async def plug(self, adb_host: str, adb_port: int) -> None:
        """Keep every device plugged into that adb server (:mod:`jobctl_sim.adbd.cable`)."""
        self.cables += [Cable(server, adb_host, adb_port, logger=self.log).plug() for server in self.servers]

    async def unplug(self) -> None:
        cables, self.cables = self.cables, []
        for cable in cables:
            await cable.unplug()

    async def stats(self) -> list[dict[str, Any]]:
        """Each device's counters (``jobctl sim status``), with its address."""
        return [server.device.stats() | {"address": server.address} for server in self.servers]

    async def shell(self, request: dict[str, Any]) -> dict[str, Any]:
        """``{"device": ADDRESS-OR-SERIAL (optional: every device), "lines": [LINE, …]}``: run the
        lines one after another on each device, in-process, as adbd's shell would (devices side by
        side); ``{"ok": True, "devices": [{"serial", "exit_codes"}…]}``. The virtual devices' own
        work without adb, for measuring them alone (``bench/bridge_ops.py``)."""
        wanted = request.get("device")
        lines = request.get("lines")
        if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
            return {"ok": False, "error": "lines must be a list of command lines"}
        servers = [s for s in self.servers if wanted in (None, s.address, s.device.serial)]
        if not servers:
            return {"ok": False, "error": f"no device {wanted!r} in this daemon"}

        async def run(server: DeviceServer) -> dict[str, Any]:
            codes = [(await server.device.shell(line)).exit_code for line in lines]
            return {"serial": server.device.serial, "exit_codes": codes}

        return {"ok": True, "devices": list(await asyncio.gather(*(run(s) for s in servers)))}

    async def fault(self, request: dict[str, Any]) -> dict[str, Any]:
        """``{"device": ADDRESS-OR-SERIAL (optional: every device), "kind": …}`` (:func:`faults.apply`):
        ``{"ok": True, "devices": [...]}``, or ``{"ok": False, "error": ...}``."""
        wanted = request.get("device")
        servers = [s for s in self.servers if wanted in (None, s.address, s.device.serial)]
        if not servers:
            return {"ok": False, "error": f"no device {wanted!r} in this daemon"}
        results = []
        for server in servers:
            try:
                results.append({"address": server.address, **await faults.apply(server.device.faults, request)})
            except faults.FaultError as error:
                return {"ok": False, "error": str(error)}
        return {"ok": True, "devices": results}


def wait_online(server: AdbServer, addresses: Sequence[str], deadline: float) -> None:
    """Poll ``host:devices`` until every address is listed as ``device``."""
    pending = set(addresses)
    while pending:
        states = server.device_states()
        pending = {a for a in pending if states.get(a) != "device"}
        if not pending:
            return
        if time.monotonic() > deadline:
            raise SimError(f"adb did not bring {', '.join(sorted(pending))} online: {states}")
        time.sleep(0.02)
