"""Where the adb server is and how to start it.

Conventions honoured, as the adb CLI does: ``ADB_SERVER_SOCKET=tcp:HOST:PORT`` first, then
``ANDROID_ADB_SERVER_ADDRESS``/``ANDROID_ADB_SERVER_PORT``, then 127.0.0.1:5037. A server is
started only on this machine, from the ``adb`` binary bundled in the adbutils wheel, on the
port asked for (never silently on 5037: adbutils would, see adb-protocol.md §6.13).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass

from bridge.adb.protocol import HostConnection, RequestFailed
from bridge.errors import AdbServerError

DEFAULT_PORT = 5037
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ServerAddress:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ServerAddress:
        env = os.environ if environ is None else environ
        socket_spec = env.get("ADB_SERVER_SOCKET")
        if socket_spec:
            return cls.parse(socket_spec)
        host = env.get("ANDROID_ADB_SERVER_ADDRESS") or "127.0.0.1"
        port_text = env.get("ANDROID_ADB_SERVER_PORT") or str(DEFAULT_PORT)
        return cls(host, _parse_port(port_text, "ANDROID_ADB_SERVER_PORT"))

    @classmethod
    def parse(cls, spec: str) -> ServerAddress:
        """``tcp:HOST:PORT``, ``tcp:PORT`` or ``HOST:PORT``."""
        text = spec.removeprefix("tcp:")
        host, sep, port_text = text.rpartition(":")
        if not sep:
            host, port_text = "", text
        return cls(host.strip("[]") or "127.0.0.1", _parse_port(port_text, spec))

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS

    def __str__(self) -> str:
        return f"tcp:{self.host}:{self.port}"


def _parse_port(text: str, where: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise AdbServerError(f"invalid adb server port {text!r} in {where}") from None
    if not 0 < port < 65536:
        raise AdbServerError(f"adb server port {port} is out of range (from {where})")
    return port


def bundled_adb_path() -> str:
    """The adb binary shipped in the adbutils wheel."""
    from adbutils.binaries import __file__ as binaries_init

    path = os.path.join(os.path.dirname(binaries_init), "adb")
    if not os.path.exists(path):
        raise AdbServerError(f"the adbutils wheel has no bundled adb at {path}")
    return path


class AdbServer:
    """One adb server: is it up, start it, stop it, ask it host questions."""

    def __init__(self, address: ServerAddress | None = None) -> None:
        self.address = address or ServerAddress.from_environment()

    def __repr__(self) -> str:
        return f"AdbServer({self.address})"

    def connect(self, timeout: float | None = 10.0) -> HostConnection:
        """A fresh connection to the server (not started if down)."""
        return HostConnection.open(self.address.host, self.address.port, timeout)

    def is_running(self) -> bool:
        try:
            with socket.create_connection((self.address.host, self.address.port), timeout=0.5):
                return True
        except OSError:
            return False

    def ensure_running(self, timeout: float = 20.0) -> None:
        """Start the bundled adb server on our port if nobody listens there."""
        if self.is_running():
            return
        if not self.address.is_local:
            raise AdbServerError(f"no adb server answers at {self.address}")
        import subprocess  # only when a server has to be started

        command = [bundled_adb_path(), "-P", str(self.address.port), "start-server"]
        try:
            subprocess.run(command, check=True, timeout=timeout, capture_output=True, env=_server_env())
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            raise AdbServerError(f"could not start the adb server on port {self.address.port}: {error}") from None
        deadline = time.monotonic() + timeout
        while not self.is_running():
            if time.monotonic() > deadline:
                raise AdbServerError(f"the adb server on port {self.address.port} did not come up")
            time.sleep(0.05)

    def kill(self) -> None:
        """Ask the server to exit (``host:kill``); no-op if it is not running."""
        if not self.is_running():
            return
        try:
            with self.connect() as conn:
                conn.send_request("host:kill")
                conn.read_status()
        except (OSError, AdbServerError):
            pass

    def restart(self, timeout: float = 20.0) -> None:
        """Kill the server, wait until its port is free, start it again (devices reconnect by
        themselves: USB ones are enumerated again, jobctl's virtual ones replug)."""
        self.kill()
        deadline = time.monotonic() + timeout
        while self.is_running():
            if time.monotonic() > deadline:
                raise AdbServerError(f"the adb server at {self.address} did not exit")
            time.sleep(0.05)
        self.ensure_running(timeout)

    def query(self, request: str) -> str:
        """A ``host:`` request answered by OKAY and a length-prefixed string. A server that drops
        the connection (it is being killed or restarted) is an :class:`AdbServerError`, as one
        that does not answer at all is."""
        with self.connect() as conn:
            try:
                conn.send_request(request)
                conn.read_status()
                return conn.read_length_prefixed().decode("utf-8", "replace")
            except (OSError, ValueError) as error:  # ValueError: a length that is not hex
                raise AdbServerError(f"the adb server at {self.address} dropped `{request}`: "
                                     f"{error or type(error).__name__}") from None
            except RequestFailed as failure:
                raise AdbServerError(f"the adb server at {self.address} refused `{request}`: "
                                     f"{failure.message}") from None

    def version(self) -> int:
        return int(self.query("host:version"), 16)

    def device_states(self) -> dict[str, str]:
        """``adb devices``: each serial's state (``device``, ``offline``, ``unauthorized`` …)."""
        states: dict[str, str] = {}
        for line in self.query("host:devices").splitlines():
            serial, _, state = line.partition("\t")
            if serial and state:
                states[serial] = state.strip()
        return states

    def connect_device(self, address: str) -> str:
        """``adb connect ADDRESS``; returns the server's one-line answer."""
        return self.query(f"host:connect:{address}")

    def disconnect_device(self, address: str) -> str:
        """``adb disconnect ADDRESS``."""
        return self.query(f"host:disconnect:{address}")


def _server_env() -> dict[str, str]:
    env = dict(os.environ)
    # A server started by us must not inherit a socket spec pointing elsewhere.
    env.pop("ADB_SERVER_SOCKET", None)
    return env
