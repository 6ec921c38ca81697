"""Listening sockets: each virtual device is one TCP port that an adb server connects to.

A device outlives its connections: when the adb server drops or reconnects (for example
after ``adb kill-server``), the device keeps its state and serves the new connection. What runs
behind the device's shell is not this module's business: it serves whatever device it is given
(:mod:`jobctl_sim.fleet` builds them).

The server also stands for the adbd process (:class:`~jobctl_sim.adbd.process.AdbdProcess`): a
new one starts whenever the device comes back on the wire, and ``adb root``/``adb unroot``
restart it as init does when ``service.adb.root`` changes (``system/core/rootdir/init.usb.rc``
restarts adbd; ``packages/modules/adb/daemon/restart_service.cpp`` sets the property): the
connection drops, the device is offline for :data:`ADBD_RESTART_SECONDS` and comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from jobctl_sim.adbd.auth import AuthPrompts
from jobctl_sim.adbd.process import AdbdProcess
from jobctl_sim.adbd.services import resolve_service
from jobctl_sim.adbd.transport import AdbdConnection
from jobctl_sim.device import VirtualDevice

LOOPBACK = "127.0.0.1"
ADBD_RESTART_SECONDS = 0.2
"""Virtual seconds between adbd exiting and listening again after ``adb root``/``unroot`` (init
restarts it at once; kept under the adb server's first reconnect attempt at 250 ms)."""


class DeviceServer:
    """Serves one :class:`VirtualDevice` on ``host:port`` (loopback unless told otherwise)."""

    def __init__(self, host: str = LOOPBACK, port: int = 0, logger: logging.Logger | None = None) -> None:
        self._device: VirtualDevice | None = None
        self.host = host
        self.requested_port = port
        self.log = logger or logging.getLogger("jobctl.sim")
        self.connections: set[AdbdConnection] = set()
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.process = AdbdProcess()
        """The adbd run now serving; replaced when adbd restarts."""
        self._restart: asyncio.Task[None] | None = None
        self._prompts: AuthPrompts | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("server not started")
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def listening(self) -> bool:
        """Accepting connections (False while offline or rebooting)."""
        return self._server is not None and self._server.is_serving()

    @property
    def address(self) -> str:
        """What ``adb connect`` takes, and the serial the adb server will list."""
        return f"{self.host}:{self.port}"

    @property
    def device(self) -> VirtualDevice:
        if self._device is None:
            raise RuntimeError("no device attached")
        return self._device

    @property
    def prompts(self) -> AuthPrompts:
        """The "Allow USB debugging?" questions of this device (``ro.adb.secure=1``): list the
        waiting keys, :meth:`~AuthPrompts.accept` or :meth:`~AuthPrompts.deny` them, or set
        ``auto_accept``. Kept across adbd restarts, as the framework keeps them. Call on the
        device's event loop."""
        if self._prompts is None:
            self._prompts = AuthPrompts(self.device.fs)
        return self._prompts

    async def bind(self) -> int:
        """Take the port (so the device's serial can name it) without accepting yet."""
        self._server = await asyncio.start_server(self._accept, self.host, self.requested_port,
                                                  reuse_address=True, start_serving=False)
        return self.port

    async def serve(self, device: VirtualDevice) -> None:
        """Attach ``device`` and start accepting adb server connections."""
        if self._server is None:
            await self.bind()
        self._device = device
        self.process = self._start_process()
        device.power_listeners.append(self._on_power)
        device.faults.drop_connections = self.drop_connections
        assert self._server is not None
        await self._server.start_serving()

    async def _on_power(self, on: bool) -> None:
        """A reboot takes the device off the wire and brings it back on the same port."""
        if on:
            await self.come_back()
        else:
            await self.go_offline()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = AdbdConnection(self.device, reader, writer, resolve_service, self.log, self.process,
                                    self.prompts)
        self.connections.add(connection)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await connection.serve()
        finally:
            self.connections.discard(connection)
            if task is not None:
                self._tasks.discard(task)

    async def go_offline(self) -> None:
        """Stop listening and drop every connection, as if the device vanished."""
        port = self.port
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
        await self.drop_connections()
        self.requested_port = port

    def _start_process(self) -> AdbdProcess:
        process = AdbdProcess.start(self.device.props)
        process.on_restart = self.restart_adbd
        return process

    def restart_adbd(self) -> None:
        """Restart adbd (after ``root:``/``unroot:``): off the wire, then back as a new process."""
        if self._restart is None or self._restart.done():
            self._restart = asyncio.get_running_loop().create_task(self._restarting())

    async def _restarting(self) -> None:
        await self.go_offline()
        await self.device.clock.sleep(ADBD_RESTART_SECONDS)
        await self.come_back()

    async def come_back(self) -> None:
        """Listen again on the same port, as a new adbd; the adb server reconnects on its own
        (adb-protocol.md §2.5)."""
        self.process = self._start_process()
        self._server = await asyncio.start_server(self._accept, self.host, self.requested_port,
                                                  reuse_address=True)

    async def drop_connections(self) -> None:
        """Close every current connection (the cable was pulled); the device stays up."""
        for connection in list(self.connections):
            connection.writer.close()
        await asyncio.sleep(0)

    async def stop(self) -> None:
        if self._restart is not None and not self._restart.done():
            self._restart.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._restart
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        await self.drop_connections()
        tasks = [task for task in self._tasks if task is not asyncio.current_task()]
        if tasks:
            await asyncio.wait(tasks, timeout=5)
