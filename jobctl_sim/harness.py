"""Virtual devices in this process, on a background event loop: for tests, the demo and
benchmarks, which also want to look inside the device (its filesystem, its executed argv).

``jobctl sim start`` uses a separate daemon process instead (:mod:`jobctl_sim.daemon`).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import Future
from types import TracebackType
from typing import Any, TypeVar

from bridge.adb.server import AdbServer
from bridge.errors import JobctlError
from jobctl_sim.adbd.cable import Cable
from jobctl_sim.adbd.server import DeviceServer
from jobctl_sim.device import Extension, VirtualDevice
from jobctl_sim.fleet import Fleet, FleetSpec, wait_online

T = TypeVar("T")


class SimHarness:
    """A :class:`Fleet` served from a daemon thread's event loop."""

    def __init__(self, spec: FleetSpec | None = None, extensions: Iterable[Extension] | None = None) -> None:
        self.spec = spec or FleetSpec()
        self.fleet = Fleet(self.spec, extensions)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="jobctl-sim", daemon=True)
        self._connected: list[tuple[AdbServer, str]] = []
        self.cables: list[Cable] = []
        """One per device once connected with ``replug``: plugs it in again after an adb server restart."""

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = 60.0) -> T:
        """Run ``coroutine`` on the devices' loop and return its result."""
        future: Future[T] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result(timeout)

    def run(self, function: Callable[[], T], timeout: float | None = 60.0) -> T:
        """Call ``function`` on the devices' loop (what touches a device must run there) and
        return its result: ``sim.run(lambda: sim.devices[0].faults.reboot())``."""
        async def call() -> T:
            return function()

        return self.call(call(), timeout)

    def start(self) -> SimHarness:
        self._thread.start()
        self.call(self.fleet.start())
        return self

    @property
    def servers(self) -> list[DeviceServer]:
        return self.fleet.servers

    @property
    def devices(self) -> list[VirtualDevice]:
        return [server.device for server in self.fleet.servers]

    @property
    def addresses(self) -> list[str]:
        return [server.address for server in self.fleet.servers]

    def connect(self, server: AdbServer, timeout: float = 15.0, replug: bool = True) -> list[str]:
        """``adb connect`` every device to ``server`` and wait until each is ``device``.
        ``replug``: keep them plugged in across adb server restarts, as USB does (:mod:`jobctl_sim.adbd.cable`)."""
        for address in self.addresses:
            answer = server.connect_device(address)
            if "connected" not in answer:
                raise JobctlError(f"adb connect {address}: {answer}")
            self._connected.append((server, address))
        wait_online(server, self.addresses, time.monotonic() + timeout)
        if replug:
            host, port = server.address.host, server.address.port
            self.cables += [Cable(device_server, host, port) for device_server in self.servers]
            self.call(self._plug_all())
        return self.addresses

    async def _plug_all(self) -> None:
        for cable in self.cables:
            cable.plug()

    async def _unplug_all(self) -> None:
        for cable in self.cables:
            await cable.unplug()

    def stop(self) -> None:
        if self._thread.is_alive():
            self.call(self._unplug_all())  # before disconnecting, or the cables would plug back in
        self.cables.clear()
        for server, address in self._connected:
            try:
                if server.is_running():
                    server.disconnect_device(address)
            except JobctlError:
                pass
        self._connected.clear()
        if self._thread.is_alive():
            self.call(self._shutdown())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
        if not self.loop.is_running():
            self.loop.close()

    async def _shutdown(self) -> None:
        """Stop serving, then end whatever the devices still run (job scripts, timers' tasks)."""
        await self.fleet.stop()
        leftovers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    def __enter__(self) -> SimHarness:
        try:
            return self.start()
        except BaseException:  # a signal or a fault while the devices came up: stop what did
            self.stop()
            raise

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
