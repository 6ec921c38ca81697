"""The virtual device's USB cable: it stays plugged into one adb server across server restarts.

A phone on USB reappears by itself when the adb server restarts (the new server enumerates the
bus). A device reached over TCP does not: a fresh server knows nothing of earlier ``adb
connect``s. The :class:`Cable` closes that gap for a virtual device: whenever the device has
had no adb connection for ``grace`` seconds while it listens, it asks the adb server to
``host:connect`` it again, as USB enumeration would. While the server is down it keeps trying.

After a dropped connection the adb server reconnects on its own well within ``grace``
(adb-protocol.md §2.5), so the cable only acts when the server has really forgotten the device.

This module speaks the smart-socket protocol itself (adb-protocol.md §1) on purpose: the
virtual device shares no code with the client it tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from jobctl_sim.adbd.server import DeviceServer

DEFAULT_GRACE = 1.0
"""Real seconds without a connection before the cable plugs the device in again."""
CHECK_INTERVAL = 0.25
UNPLUG_RETRY_S = 1.0
"""How long ``unplug`` waits for the cancelled watcher before cancelling it again."""


async def request_connect(host: str, port: int, address: str, timeout: float = 5.0) -> str:
    """Send ``host:connect:ADDRESS`` to the adb server at ``host:port``; its answer (or raise OSError)."""
    request = f"host:connect:{address}".encode()
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(b"%04x" % len(request) + request)
        await writer.drain()
        status = await asyncio.wait_for(reader.readexactly(4), timeout)
        length = int(await asyncio.wait_for(reader.readexactly(4), timeout), 16)
        answer = (await asyncio.wait_for(reader.readexactly(length), timeout)).decode("utf-8", "replace")
        if status != b"OKAY":
            raise OSError(f"adb server refused host:connect: {answer}")
        return answer
    except (asyncio.IncompleteReadError, ValueError) as error:
        raise OSError(f"bad answer from the adb server: {error}") from None
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


class Cable:
    """Keeps ``server``'s device plugged into the adb server at ``adb_host:adb_port``."""

    def __init__(self, server: DeviceServer, adb_host: str, adb_port: int, grace: float = DEFAULT_GRACE,
                 logger: logging.Logger | None = None) -> None:
        self.server = server
        self.adb_host = adb_host
        self.adb_port = adb_port
        self.grace = grace
        self.log = logger or logging.getLogger("jobctl.sim")
        self.replugs = 0
        """How many times the cable plugged the device in again (for tests)."""
        self._task: asyncio.Task[None] | None = None

    def plug(self) -> Cable:
        """Start watching (call on the device's event loop)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._watch(), name=f"cable:{self.server.address}")
        return self

    async def unplug(self) -> None:
        """Stop watching; the device stays as it is. The watcher is cancelled again until it ends:
        Python 3.11's ``asyncio.wait_for`` can swallow a cancellation that arrives as its inner
        future completes (CPython gh-86296), which left the watcher looping and ``unplug`` waiting
        forever about once in a few thousand test teardowns."""
        task, self._task = self._task, None
        if task is None:
            return
        while not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=UNPLUG_RETRY_S)
        if not task.cancelled():
            with contextlib.suppress(Exception):
                task.result()

    async def _watch(self) -> None:
        alone_since: float | None = None
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(CHECK_INTERVAL)
            if self.server.connections or not self.server.listening:
                alone_since = None
                continue
            now = loop.time()
            if alone_since is None:
                alone_since = now
                continue
            if now - alone_since < self.grace:
                continue
            try:
                answer = await request_connect(self.adb_host, self.adb_port, self.server.address)
            except (TimeoutError, OSError):
                continue  # the server is not back yet: try again after the next interval
            self.replugs += 1
            alone_since = None
            self.log.info("%s: plugged into the adb server at %s:%d again: %s", self.server.device.serial,
                          self.adb_host, self.adb_port, answer)
