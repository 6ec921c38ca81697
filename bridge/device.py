"""A device as jobctl's library sees it: find it, run commands, move files, open streams.

Commands run over the shell v2 protocol, so stdout, stderr and the exit status arrive
separately and exactly. Each call is one connection to the adb server addressed by transport
id (no per-call ``host:version`` probe, no sleep on close).

Cables get pulled, adb servers restart, devices reboot. What a call does then depends on
where it broke:

* **before the command reached the device** (the adb server is down, the device is offline or
  gone, the server renumbered it): nothing happened on the device, so every call waits for the
  device to be back (up to :attr:`Device.reconnect_timeout`) and is sent again;
* **after it may have reached the device** (the connection died before the exit status came
  back; or, once the service request left this host, the adb server answered ``FAIL closed`` or
  dropped the connection -- adbd may have started the command, adb's sockets.cpp): the
  call is sent again only if the caller declared it ``idempotent`` (a read, or setting a value);
  otherwise it raises :class:`~bridge.errors.OutcomeUnknownError`, because repeating it could
  do it twice (enqueue work twice, stop a job that the first attempt started…).
"""

from __future__ import annotations

import os
import shlex
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, TypeVar

from bridge.adb.protocol import (
    SHELL_CLOSE_STDIN,
    SHELL_EXIT,
    SHELL_STDERR,
    SHELL_STDIN,
    SHELL_STDOUT,
    HostConnection,
    RequestFailed,
)
from bridge.adb.protocol import ShellStream as ShellStream  # moved there; imported from here too
from bridge.adb.server import AdbServer
from bridge.errors import (
    AdbServerError,
    CommandFailedError,
    CommandTimeoutError,
    DeviceConnectionError,
    DeviceNotFoundError,
    DeviceOfflineError,
    InvalidCommandError,
    JobctlError,
    MultipleDevicesError,
    OutcomeUnknownError,
    OutputLimitError,
    shown_command,
)

T = TypeVar("T")

DEFAULT_TIMEOUT = 60.0
DEFAULT_RECONNECT_TIMEOUT = 30.0
"""How long a call waits for a vanished device to come back (an adb server restart takes about
a second; a phone's reboot, 30 to 90)."""
RECONNECT_POLL = 0.1


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
    def parse_line(cls, line: str) -> DeviceInfo | None:
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


def find_device(serial: str | None = None, server: AdbServer | None = None, wait: float = 0.0,
                on_wait: Callable[[JobctlError, float], None] | None = None) -> DeviceInfo:
    """The device called ``serial`` (or ``$ANDROID_SERIAL``, or the only one attached).

    ``wait``: seconds to keep looking while the answer may be passing (the adb server does not
    answer -- it is restarting; the device is not listed or not online -- it is rebooting, being
    replugged, or the new server has not found it yet), reading the device list again every
    :data:`RECONNECT_POLL` s until the deadline; then the last error, saying how long it waited.
    Several devices with none chosen is never waited on. ``on_wait(error, wait)`` is called once,
    when the first look fails and the waiting starts (the CLI tells a person at a terminal)."""
    server = server or AdbServer()
    serial = serial or os.environ.get("ANDROID_SERIAL") or None
    deadline = time.monotonic() + wait
    waiting = False
    while True:
        try:
            return _find_device_once(serial, server)
        except (AdbServerError, DeviceNotFoundError, DeviceOfflineError) as error:
            if time.monotonic() >= deadline:
                if wait > 0:
                    raise type(error)(f"{error} (after waiting {wait:g} s)") from None
                raise
            if not waiting and on_wait is not None:
                on_wait(error, wait)
            waiting = True
        time.sleep(RECONNECT_POLL)


def _find_device_once(serial: str | None, server: AdbServer) -> DeviceInfo:
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


def connect(serial: str | None = None, server: AdbServer | None = None,
            reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT, wait: float = 0.0,
            on_wait: Callable[[JobctlError, float], None] | None = None) -> Device:
    """A :class:`Device` for ``serial`` (see :func:`find_device`, which waits up to ``wait`` s
    for a device that is rebooting or an adb server that is restarting)."""
    server = server or AdbServer()
    return Device(server, find_device(serial, server, wait, on_wait), reconnect_timeout)


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

    def check(self) -> CommandResult:
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


class _Interrupted(Exception):
    """The connection broke after the command reached the device (internal to this module)."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


_UNREACHABLE = (AdbServerError, DeviceOfflineError, DeviceNotFoundError)
"""Failures before a service was opened: nothing reached the device."""


class Device:
    """One device, addressed through an adb server."""

    def __init__(self, server: AdbServer, info: DeviceInfo,
                 reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT) -> None:
        self.server = server
        self.info = info
        self.serial = info.serial
        self._transport_id = info.transport_id
        self.reconnect_timeout = reconnect_timeout
        """Seconds a call waits for the device to be reachable again (0: fail at once)."""
        self.reconnects = 0
        """How many times a call waited for the device and went on (for tests and tools)."""

    def __repr__(self) -> str:
        return f"Device({self.serial!r}, transport_id={self._transport_id})"

    def with_reconnect_timeout(self, seconds: float) -> Device:
        """The same device, with calls that wait ``seconds`` for it to come back (0: fail at once)."""
        return Device(self.server, replace(self.info, transport_id=self._transport_id), seconds)

    # -- connections -------------------------------------------------------------------
    def _refresh_transport(self) -> None:
        self._transport_id = find_device(self.serial, self.server).transport_id

    def open_service(self, service: str, timeout: float | None = DEFAULT_TIMEOUT) -> HostConnection:
        """A connection already switched to this device with ``service`` open."""
        return self._open_service(service, timeout, sent_is_ambiguous=False)

    def _open_service(self, service: str, timeout: float | None, *, sent_is_ambiguous: bool) -> HostConnection:
        """:meth:`open_service`. With ``sent_is_ambiguous``, a failure after the service request
        left this host is :class:`_Interrupted`: the adb server may have sent the OPEN on, and the
        device may have started the command (the server answers ``FAIL closed`` both when adbd
        refuses a stream and when the transport dies while the OPEN is in flight, adb's
        sockets.cpp ``local_socket_close_notify``; a dropped connection says nothing at all).
        Failures before it (no server, transport selection) reached no device."""
        for attempt in (1, 2):
            conn = self.server.connect(timeout=timeout)
            try:
                if self._transport_id:
                    conn.select_transport(self._transport_id)
                else:
                    conn.send_request(f"host:transport:{self.serial}")
                    conn.read_status()
            except RequestFailed as failure:
                conn.close()
                message = failure.message
                if attempt == 1 and ("not found" in message or "no device" in message):
                    self._refresh_transport()
                    continue
                raise self._map_failure(message, service) from None
            except OSError as error:
                conn.close()
                raise AdbServerError(f"{self.serial}: the adb server at {self.server.address} dropped the "
                                     f"request: {error}") from None
            try:
                conn.open_service(service)
                return conn
            except RequestFailed as failure:
                conn.close()
                mapped = self._map_failure(failure.message, service)
                if sent_is_ambiguous and not isinstance(mapped, _UNREACHABLE):
                    raise _Interrupted(f"the adb server answered: {failure.message}") from None
                raise mapped from None
            except OSError as error:
                conn.close()
                if sent_is_ambiguous:
                    raise _Interrupted(f"the adb server dropped the connection: {error or type(error).__name__}"
                                       ) from None
                raise AdbServerError(f"{self.serial}: the adb server at {self.server.address} dropped the "
                                     f"request: {error}") from None
        raise AssertionError("unreachable")

    def wait_until_back(self, deadline: float, cause: BaseException) -> None:
        """Wait until the adb server lists this device as ``device`` again (it may have a new
        transport id), or raise ``cause`` once ``deadline`` (``time.monotonic()``) has passed."""
        while True:
            try:
                info = next((d for d in list_devices(self.server) if d.serial == self.serial), None)
            except AdbServerError:
                info = None
            if info is not None and info.state == "device":
                self._transport_id = info.transport_id
                self.reconnects += 1
                return
            if time.monotonic() >= deadline:
                raise cause
            time.sleep(RECONNECT_POLL)

    def _reconnecting(self, attempt: Callable[[], T], command: str, idempotent: bool) -> T:
        """Run ``attempt``; after a failure that nothing on the device saw (or any connection
        loss, when ``idempotent``), wait for the device and run it again until the deadline."""
        deadline: float | None = None
        while True:
            try:
                return attempt()
            except _UNREACHABLE as error:
                failure: JobctlError = error
            except _Interrupted as lost:
                if not idempotent:
                    raise OutcomeUnknownError(self.serial, command, lost.cause) from None
                failure = DeviceConnectionError(f"{self.serial}: connection lost during `{shown_command(command)}` "
                                                f"({lost.cause}); still failing after the {self.reconnect_timeout:g} s "
                                                "reconnect wait")
            if deadline is None:
                deadline = time.monotonic() + self.reconnect_timeout
            elif time.monotonic() >= deadline:
                raise failure  # the device is listed, yet every attempt breaks: give up
            self.wait_until_back(deadline, failure)

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
        idempotent: bool = False,
        max_output: int | None = None,
    ) -> CommandResult:
        """Run a command; a sequence is quoted word by word, a string is a shell line.

        ``idempotent``: running it twice does no more than running it once (a read, setting a
        value), so it is sent again if the connection breaks mid-command. Otherwise such a break
        raises :class:`~bridge.errors.OutcomeUnknownError`. Either way a call that never reached
        the device waits for it (see the module's docstring).

        ``max_output``: bytes of stdout and stderr together past which reading stops, the
        command is closed and :class:`~bridge.errors.OutputLimitError` raised (None: no limit)."""
        line = command_line(command)
        if "\0" in line:
            # adbd (and execve) end a string at NUL: the device would run a cut-off line.
            raise InvalidCommandError(f"a device command cannot contain a NUL byte: {shown_command(line)!r}")
        result = self._reconnecting(lambda: self._shell_once(line, stdin, timeout, idempotent, max_output), line,
                                    idempotent)
        return result.check() if check else result

    def _shell_once(self, line: str, stdin: bytes | None, timeout: float | None, idempotent: bool,
                    max_output: int | None) -> CommandResult:
        stdout, stderr = bytearray(), bytearray()
        exit_code: int | None = None
        conn = self._open_service(f"shell,v2,raw:{line}", timeout, sent_is_ambiguous=True)
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
                if max_output is not None and len(stdout) + len(stderr) > max_output:
                    raise OutputLimitError(self.serial, line, max_output)
        except TimeoutError:
            unknown = "" if idempotent else "; it may or may not have taken effect"
            raise CommandTimeoutError(
                f"{self.serial}: `{shown_command(line)}` did not finish within {timeout} s{unknown}") from None
        except OSError as error:
            raise _Interrupted(str(error) or type(error).__name__) from None
        finally:
            conn.close()
        if exit_code is None:
            raise _Interrupted("no exit status")
        return CommandResult(line, bytes(stdout), bytes(stderr), exit_code)

    def stream(self, command: str | Sequence[str]) -> ShellStream:
        """Start a long-running command (``logcat``…) and read its stdout as it comes."""
        line = command_line(command)
        if "\0" in line:
            raise InvalidCommandError(f"a device command cannot contain a NUL byte: {shown_command(line)!r}")
        return ShellStream(self.open_service(f"shell,v2,raw:{line}", timeout=None))

    def open_socket(self, address: str, timeout: float | None = DEFAULT_TIMEOUT) -> socket.socket:
        """A raw byte stream to a device-side socket (``localabstract:NAME``, ``tcp:PORT``…)."""
        conn = self.open_service(address, timeout)
        return conn.sock

    # -- properties --------------------------------------------------------------------
    def getprop(self, name: str) -> str:
        return self.shell(["getprop", name], check=True, idempotent=True).text.strip()

    @cached_property
    def api_level(self) -> int:
        """``ro.build.version.sdk``, read once."""
        value = self.getprop("ro.build.version.sdk")
        if not value.isdigit():
            raise DeviceConnectionError(f"{self.serial}: unreadable API level {value!r}")
        return int(value)

    @cached_property
    def is_virtual(self) -> bool:
        """True on jobctl's virtual device."""
        return self.getprop("ro.jobctl.virtual") == "1"

    # -- files and packages (adbutils' sync client; not on the hot path) --------------
    def _adbutils_device(self) -> Any:
        import adbutils

        client = adbutils.AdbClient(host=self.server.address.host, port=self.server.address.port)
        return adbutils.AdbDevice(client, serial=self.serial)

    def push(self, data: bytes, remote_path: str, mode: int = 0o644) -> None:
        """Write ``data`` to ``remote_path`` on the device (again, if the connection broke)."""
        import io

        def attempt() -> None:
            self._sync(lambda d: d.sync.push(io.BytesIO(data), remote_path, mode=mode), f"push to {remote_path}")

        self._reconnecting(attempt, f"push {remote_path}", idempotent=True)

    def pull(self, remote_path: str) -> bytes:
        """The bytes of ``remote_path`` on the device (read again, if the connection broke)."""
        return self._reconnecting(
            lambda: bytes(self._sync(lambda d: d.sync.read_bytes(remote_path), f"pull of {remote_path}")),
            f"pull {remote_path}", idempotent=True)

    def _sync(self, operation: Callable[[Any], T], what: str) -> T:
        """One adbutils sync operation; a failure while the device is not online is a lost
        connection (:class:`_Interrupted`), otherwise a real error."""
        try:
            return operation(self._adbutils_device())
        except Exception as error:  # adbutils raises several unrelated types here
            try:
                online = any(d.serial == self.serial and d.state == "device" for d in list_devices(self.server))
            except AdbServerError:
                online = False
            if not online:
                raise _Interrupted(f"{what}: {error}") from None
            raise DeviceConnectionError(f"{self.serial}: {what} failed: {error}") from None

    def install(self, apk_path: str, *, replace: bool = True, grant_permissions: bool = False) -> None:
        """Push an APK and ``pm install`` it; raise :class:`InstallError` with its reason."""
        with open(apk_path, "rb") as apk:
            data = apk.read()
        import uuid

        remote = f"/data/local/tmp/jobctl-{uuid.uuid4().hex[:12]}.apk"
        self.push(data, remote)
        flags = ["-r"] * replace + ["-t"] + ["-g"] * grant_permissions
        try:
            result = self.shell(["pm", "install", *flags, remote], timeout=300, idempotent=True)
        finally:
            self.shell(["rm", "-f", remote], idempotent=True)
        output = result.text + result.error_text
        if "Success" not in output:
            reason = output.split("[", 1)[1].split("]", 1)[0] if "Failure [" in output else "UNKNOWN"
            raise InstallError(reason, output)
