"""A device as jobctl's library sees it: find it, run commands, move files, open streams.

Commands run over the shell v2 protocol, so stdout, stderr and the exit status arrive
separately and exactly. Each call is one connection to the adb server addressed by transport
id (no per-call ``host:version`` probe, no sleep on close); if the server has renumbered the
device since (it reconnected), the id is looked up again by serial and the call retried --
safe, because the request failed before any device service was opened.
"""

from __future__ import annotations

import os
import shlex
import socket
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from bridge.adb.protocol import (
    SHELL_CLOSE_STDIN,
    SHELL_EXIT,
    SHELL_STDERR,
    SHELL_STDIN,
    SHELL_STDOUT,
    HostConnection,
    RequestFailed,
)
from bridge.adb.server import AdbServer
from bridge.errors import (
    CommandFailedError,
    CommandTimeoutError,
    DeviceConnectionError,
    DeviceNotFoundError,
    DeviceOfflineError,
    JobctlError,
    MultipleDevicesError,
)

if TYPE_CHECKING:
    from bridge.capabilities import Capabilities

DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class DeviceInfo:
    """One line of ``adb devices -l``."""

    serial: str
    state: str
    product: str = ""
    model: str = ""
    device: str = ""
    transport_id: int = 0

    @classmethod
    def parse_line(cls, line: str) -> "DeviceInfo | None":
        fields = line.split()
        if len(fields) < 2:
            return None
        tags = dict(field.split(":", 1) for field in fields[2:] if ":" in field)
        transport = tags.get("transport_id", "0")
        return cls(
            serial=fields[0],
            state=fields[1],
            product=tags.get("product", ""),
            model=tags.get("model", ""),
            device=tags.get("device", ""),
            transport_id=int(transport) if transport.isdigit() else 0,
        )


def list_devices(server: AdbServer | None = None) -> list[DeviceInfo]:
    """Every device the adb server knows, in any state."""
    server = server or AdbServer()
    text = server.query("host:devices-l")
    return [info for line in text.splitlines() if (info := DeviceInfo.parse_line(line))]


def find_device(serial: str | None = None, server: AdbServer | None = None) -> DeviceInfo:
    """The device called ``serial`` (or ``$ANDROID_SERIAL``, or the only one attached)."""
    server = server or AdbServer()
    serial = serial or os.environ.get("ANDROID_SERIAL") or None
    devices = list_devices(server)
    if serial is not None:
        match = next((d for d in devices if d.serial == serial), None)
        if match is None:
            known = ", ".join(d.serial for d in devices) or "none"
            raise DeviceNotFoundError(f"device '{serial}' not found (attached: {known})")
        chosen = match
    elif not devices:
        raise DeviceNotFoundError(f"no devices attached to the adb server at {server.address}")
    elif len(devices) > 1:
        names = ", ".join(d.serial for d in devices)
        raise MultipleDevicesError(
            f"{len(devices)} devices attached ({names}); choose one with -s SERIAL or ANDROID_SERIAL"
        )
    else:
        chosen = devices[0]
    if chosen.state != "device":
        raise DeviceOfflineError(f"device '{chosen.serial}' is {chosen.state}")
    return chosen


def connect(serial: str | None = None, server: AdbServer | None = None) -> "Device":
    """A :class:`Device` for ``serial`` (see :func:`find_device`)."""
    server = server or AdbServer()
    return Device(server, find_device(serial, server))


@dataclass(frozen=True)
class CommandResult:
    """What a device command produced."""

    command: str
    stdout: bytes
    stderr: bytes
    exit_code: int

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def error_text(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def check(self) -> "CommandResult":
        """Return self, or raise :class:`CommandFailedError` on a non-zero status."""
        if self.exit_code != 0:
            raise CommandFailedError(self.command, self.exit_code, self.error_text)
        return self


class InstallError(JobctlError):
    """``pm install`` said ``Failure [REASON]``."""

    def __init__(self, reason: str, output: str) -> None:
        super().__init__(f"install failed: {output.strip() or reason}")
        self.reason = reason


def command_line(command: str | Sequence[str]) -> str:
    """A shell command line: a string is taken as is, a sequence is quoted word by word."""
    if isinstance(command, str):
        return command
    return " ".join(shlex.quote(str(word)) for word in command)


class Device:
    """One device, addressed through an adb server."""

    def __init__(self, server: AdbServer, info: DeviceInfo) -> None:
        self.server = server
        self.info = info
        self.serial = info.serial
        self._transport_id = info.transport_id

    def __repr__(self) -> str:
        return f"Device({self.serial!r}, transport_id={self._transport_id})"

    # -- connections -------------------------------------------------------------------
    def _refresh_transport(self) -> None:
        self._transport_id = find_device(self.serial, self.server).transport_id

    def open_service(self, service: str, timeout: float | None = DEFAULT_TIMEOUT) -> HostConnection:
        """A connection already switched to this device with ``service`` open."""
        for attempt in (1, 2):
            conn = self.server.connect(timeout=timeout)
            try:
                if self._transport_id:
                    conn.select_transport(self._transport_id)
                else:
                    conn.send_request(f"host:transport:{self.serial}")
                    conn.read_status()
                conn.open_service(service)
                return conn
            except RequestFailed as failure:
                conn.close()
                message = failure.message
                if attempt == 1 and ("not found" in message or "no device" in message):
                    self._refresh_transport()
                    continue
                raise self._map_failure(message, service) from None
            except OSError as error:
                conn.close()
                raise DeviceConnectionError(f"{self.serial}: adb connection failed: {error}") from None
        raise AssertionError("unreachable")

    def _map_failure(self, message: str, service: str) -> JobctlError:
        if "offline" in message or "unauthorized" in message:
            return DeviceOfflineError(f"device '{self.serial}' is {message.removeprefix('device ')}")
        if "not found" in message:
            return DeviceNotFoundError(f"device '{self.serial}' is gone ({message})")
        return DeviceConnectionError(f"{self.serial}: {service.split(':')[0]} refused: {message}")

    # -- commands ----------------------------------------------------------------------
    def shell(
        self,
        command: str | Sequence[str],
        *,
        stdin: bytes | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        check: bool = False,
    ) -> CommandResult:
        """Run a command; a sequence is quoted word by word, a string is a shell line."""
        line = command_line(command)
        stdout, stderr = bytearray(), bytearray()
        exit_code: int | None = None
        conn = self.open_service(f"shell,v2,raw:{line}", timeout)
        try:
            if stdin is not None:
                for start in range(0, len(stdin), 65536):
                    conn.send_shell_packet(SHELL_STDIN, stdin[start:start + 65536])
            conn.send_shell_packet(SHELL_CLOSE_STDIN)
            for packet_id, data in conn.shell_packets():
                if packet_id == SHELL_STDOUT:
                    stdout += data
                elif packet_id == SHELL_STDERR:
                    stderr += data
                elif packet_id == SHELL_EXIT:
                    exit_code = data[0] if data else 255
        except socket.timeout:
            raise CommandTimeoutError(f"{self.serial}: `{line}` did not finish within {timeout} s") from None
        except OSError as error:
            raise DeviceConnectionError(f"{self.serial}: connection lost during `{line}`: {error}") from None
        finally:
            conn.close()
        if exit_code is None:
            raise DeviceConnectionError(f"{self.serial}: connection lost during `{line}` (no exit status)")
        result = CommandResult(line, bytes(stdout), bytes(stderr), exit_code)
        return result.check() if check else result

    def stream(self, command: str | Sequence[str]) -> "ShellStream":
        """Start a long-running command (``logcat``…) and read its stdout as it comes."""
        return ShellStream(self.open_service(f"shell,v2,raw:{command_line(command)}", timeout=None))

    def open_socket(self, address: str, timeout: float | None = DEFAULT_TIMEOUT) -> socket.socket:
        """A raw byte stream to a device-side socket (``localabstract:NAME``, ``tcp:PORT``…)."""
        conn = self.open_service(address, timeout)
        return conn.sock

    # -- properties --------------------------------------------------------------------
    def getprop(self, name: str) -> str:
        return self.shell(["getprop", name], check=True).text.strip()

    @cached_property
    def api_level(self) -> int:
        """``ro.build.version.sdk``, read once."""
        value = self.getprop("ro.build.version.sdk")
        if not value.isdigit():
            raise DeviceConnectionError(f"{self.serial}: unreadable API level {value!r}")
        return int(value)

    @cached_property
    def capabilities(self) -> "Capabilities":
        """API level and the ``cmd jobscheduler`` verbs present, probed once in one round trip."""
        from bridge.capabilities import probe

        return probe(self)

    @cached_property
    def is_virtual(self) -> bool:
        """True on jobctl's virtual device."""
        return self.getprop("ro.jobctl.virtual") == "1"

    # -- files and packages (adbutils' sync client; not on the hot path) --------------
    def _adbutils_device(self):  # type: ignore[no-untyped-def]
        import adbutils

        client = adbutils.AdbClient(host=self.server.address.host, port=self.server.address.port)
        return adbutils.AdbDevice(client, serial=self.serial)

    def push(self, data: bytes, remote_path: str, mode: int = 0o644) -> None:
        """Write ``data`` to ``remote_path`` on the device."""
        import io

        try:
            self._adbutils_device().sync.push(io.BytesIO(data), remote_path, mode=mode)
        except Exception as error:  # adbutils raises several unrelated types here
            raise DeviceConnectionError(f"{self.serial}: push to {remote_path} failed: {error}") from None

    def pull(self, remote_path: str) -> bytes:
        """The bytes of ``remote_path`` on the device."""
        try:
            return bytes(self._adbutils_device().sync.read_bytes(remote_path))
        except Exception as error:
            raise DeviceConnectionError(f"{self.serial}: pull of {remote_path} failed: {error}") from None

    def install(self, apk_path: str, *, replace: bool = True, grant_permissions: bool = False) -> None:
        """Push an APK and ``pm install`` it; raise :class:`InstallError` with its reason."""
        with open(apk_path, "rb") as apk:
            data = apk.read()
        remote = f"/data/local/tmp/jobctl-{uuid.uuid4().hex[:12]}.apk"
        self.push(data, remote)
        flags = ["-r"] * replace + ["-t"] + ["-g"] * grant_permissions
        try:
            result = self.shell(["pm", "install", *flags, remote], timeout=300)
        finally:
            self.shell(["rm", "-f", remote])
        output = result.text + result.error_text
        if "Success" not in output:
            reason = output.split("[", 1)[1].split("]", 1)[0] if "Failure [" in output else "UNKNOWN"
            raise InstallError(reason, output)


class ShellStream:
    """A running command's stdout, line by line; close it to stop the command."""

    def __init__(self, conn: HostConnection) -> None:
        self._conn = conn
        self.exit_code: int | None = None
        self.stderr = bytearray()

    def __enter__(self) -> "ShellStream":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def chunks(self) -> Iterator[bytes]:
        """Stdout bytes as they arrive, until the command exits or the stream is closed."""
        try:
            for packet_id, data in self._conn.shell_packets():
                if packet_id == SHELL_STDOUT:
                    yield data
                elif packet_id == SHELL_STDERR:
                    self.stderr += data
                elif packet_id == SHELL_EXIT:
                    self.exit_code = data[0] if data else 255
        except OSError:
            return

    def lines(self) -> Iterator[str]:
        pending = b""
        for chunk in self.chunks():
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for line in complete:
                yield line.decode("utf-8", "replace")
        if pending:
            yield pending.decode("utf-8", "replace")

    def close(self) -> None:
        self._conn.close()
