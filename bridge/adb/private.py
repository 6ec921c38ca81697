"""A private adb server: the adbutils wheel's adb, on a port of its own, with its key pair and
log in a scratch directory (adb-protocol.md §6.15), killed when done. For tests, the demo and
benchmarks -- never the user's server on 5037.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from bridge.adb.server import AdbServer, ServerAddress, bundled_adb_path
from bridge.errors import AdbServerError


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


PORT_ATTEMPTS = 5
"""Ports a :class:`PrivateAdbServer` tries when the ones it chose are taken before adb binds them."""
ADDRESS_IN_USE = "Address already in use"
"""What adb's start-up log says when its listener's port is taken (``could not install
*smartsocket* listener: Address already in use``, adb 36.0.0)."""


class _PortTaken(Exception):
    """The port was taken before adb could listen on it."""


class PrivateAdbServer:
    """Start with :meth:`start` (or ``with``); :meth:`stop` kills exactly this server."""

    def __init__(self, port: int | None = None, scratch_dir: Path | None = None) -> None:
        self.port = port or free_port()
        self._own_port = port is None
        self._own_scratch = scratch_dir is None
        self.scratch_dir = scratch_dir or Path(tempfile.mkdtemp(prefix="jobctl-adb-"))
        self.server = AdbServer(ServerAddress("127.0.0.1", self.port))

    @property
    def env(self) -> dict[str, str]:
        """The environment adb commands for this server run with."""
        env = {k: v for k, v in os.environ.items() if k not in ("ADB_SERVER_SOCKET", "ANDROID_SERIAL")}
        env.update(HOME=str(self.scratch_dir), TMPDIR=str(self.scratch_dir),
                   ANDROID_ADB_SERVER_PORT=str(self.port))
        return env

    def adb(self, *args: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
        """Run the bundled ``adb -P PORT ARGS…`` against this server."""
        return subprocess.run([bundled_adb_path(), "-P", str(self.port), *args], capture_output=True,
                              text=True, timeout=timeout, env=self.env)

    def start(self, timeout: float = 20.0) -> PrivateAdbServer:
        """Start the server. A port it chose itself and found taken by the time adb binds it (any
        client connection may have got it as its local port) is chosen again, up to
        :data:`PORT_ATTEMPTS` times; a port the caller named is never changed."""
        for attempt in range(1, PORT_ATTEMPTS + 1):
            try:
                return self._start_on_port(timeout)
            except _PortTaken as taken:
                if not self._own_port or attempt == PORT_ATTEMPTS:
                    raise AdbServerError(str(taken)) from None
                self.port = free_port()
                self.server = AdbServer(ServerAddress("127.0.0.1", self.port))
        raise AssertionError("unreachable")

    def _start_on_port(self, timeout: float) -> PrivateAdbServer:
        if self.server.is_running():
            raise _PortTaken(f"port {self.port} is already taken")
        result = self.adb("start-server", timeout=timeout)
        if result.returncode != 0:
            failure = f"adb start-server on port {self.port} failed: {result.stderr.strip()}"
            if ADDRESS_IN_USE in result.stderr:
                raise _PortTaken(failure)
            raise AdbServerError(failure)
        deadline = time.monotonic() + timeout
        while not self.server.is_running():
            if time.monotonic() > deadline:
                raise AdbServerError(f"the adb server on port {self.port} did not come up")
            time.sleep(0.02)
        return self

    def restart(self, timeout: float = 20.0) -> None:
        """Kill this server and start it again on the same port with the same key and HOME."""
        self.server.kill()
        deadline = time.monotonic() + timeout
        while self.server.is_running():
            if time.monotonic() > deadline:
                raise AdbServerError(f"the adb server on port {self.port} did not exit")
            time.sleep(0.02)
        try:
            self._start_on_port(timeout)  # the same port: its clients know it
        except _PortTaken as taken:
            raise AdbServerError(str(taken)) from None

    def stop(self, timeout: float = 10.0) -> None:
        """Kill this server and wait until its port is free."""
        if self.server.is_running():
            self.adb("kill-server", timeout=timeout)
            deadline = time.monotonic() + timeout
            while self.server.is_running() and time.monotonic() < deadline:
                time.sleep(0.02)
        if self._own_scratch:
            shutil.rmtree(self.scratch_dir, ignore_errors=True)

    def __enter__(self) -> PrivateAdbServer:
        try:
            return self.start()
        except BaseException:  # a signal or a timeout while it came up: stop what did come up
            self.stop()
            raise

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
