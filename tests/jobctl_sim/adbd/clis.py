"""The adb command-line clients the virtual device is tested with, each with its own adb server.

* ``bundled``: the adb 36 of the adbutils wheel, its server the session's private one;
* ``debian``: Debian's ``/usr/bin/adb`` (29.0.6, the ``adb`` package that ``.ci/system-packages``
  installs), as client *and* server: a second private server on a port of its own, scratch HOME.

Each runs against a virtual device connected to its own server, so a test drives the device the
way a developer with that adb would.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bridge.adb.private import PrivateAdbServer, free_port
from bridge.adb.server import AdbServer, ServerAddress, bundled_adb_path
from jobctl_sim.harness import SimHarness

DEBIAN_ADB = Path("/usr/bin/adb")


@dataclass(frozen=True)
class AdbCli:
    """One adb CLI, bound to a server and to the serial of one virtual device."""

    name: str
    binary: str
    port: int
    env: dict[str, str]
    serial: str
    sim: SimHarness
    server: AdbServer

    def argv(self, *args: str) -> list[str]:
        """``adb -P PORT -s SERIAL ARGS…``."""
        return [self.binary, "-P", str(self.port), "-s", self.serial, *args]

    def run(self, *args: str, input: bytes | None = None, timeout: float = 30.0) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(self.argv(*args), input=input, capture_output=True, env=self.env, timeout=timeout)

    def text(self, *args: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.argv(*args), capture_output=True, text=True, env=self.env, timeout=timeout)


@dataclass
class DebianAdbServer:
    """Debian's adb server on a private port with a scratch HOME; :meth:`stop` kills only it."""

    port: int
    scratch: Path

    @classmethod
    def start(cls) -> DebianAdbServer:
        server = cls(free_port(), Path(tempfile.mkdtemp(prefix="jobctl-debian-adb-")))
        result = server.run("start-server")
        if result.returncode != 0:
            server.stop()
            raise RuntimeError(f"Debian adb start-server failed: {result.stderr!r}")
        return server

    @property
    def env(self) -> dict[str, str]:
        import os

        env = {k: v for k, v in os.environ.items() if k not in ("ADB_SERVER_SOCKET", "ANDROID_SERIAL")}
        env.update(HOME=str(self.scratch), TMPDIR=str(self.scratch), ANDROID_ADB_SERVER_PORT=str(self.port))
        return env

    @property
    def server(self) -> AdbServer:
        return AdbServer(ServerAddress("127.0.0.1", self.port))

    def run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([str(DEBIAN_ADB), "-P", str(self.port), *args], capture_output=True, env=self.env,
                              timeout=30)

    def stop(self) -> None:
        if self.server.is_running():
            self.run("kill-server")
        shutil.rmtree(self.scratch, ignore_errors=True)


def bundled_cli(adb: PrivateAdbServer, sim: SimHarness) -> AdbCli:
    return AdbCli("bundled", bundled_adb_path(), adb.port, adb.env, sim.addresses[0], sim, adb.server)


def debian_cli(server: DebianAdbServer, sim: SimHarness) -> AdbCli:
    return AdbCli("debian", str(DEBIAN_ADB), server.port, server.env, sim.addresses[0], sim, server.server)


def started_sim(server: AdbServer) -> Iterator[SimHarness]:
    """A fresh virtual device (API 34, Android model) connected to ``server``; stopped afterwards."""
    harness = SimHarness().start()
    try:
        harness.connect(server)
        yield harness
    finally:
        harness.stop()


def lines(text: str) -> Sequence[str]:
    return [line for line in text.splitlines() if line]
