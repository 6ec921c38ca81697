"""A lean client of the adb server's smart-socket protocol (AOSP adb docs: OVERVIEW.TXT,
SERVICES.TXT).

A request is four hex digits of length and the text; the server answers ``OKAY`` or ``FAIL``
with a hex-length-prefixed message. After ``host:transport-id:N`` the socket speaks to that
device, and the next request opens a device service (``shell,v2,raw:…``, ``localabstract:…``).

This is the hot path of :mod:`bridge.device`: one TCP connection per call, no ``host:version``
probe and no sleep on close (adbutils' ``AdbConnection.close`` sleeps 10 ms, adb-protocol.md §6.4).
"""

from __future__ import annotations

import contextlib
import socket
import struct
from collections.abc import Iterator

from bridge.errors import AdbServerError

SHELL_HEADER = struct.Struct("<BI")
SHELL_STDIN, SHELL_STDOUT, SHELL_STDERR, SHELL_EXIT, SHELL_CLOSE_STDIN = 0, 1, 2, 3, 4
QUICK_ACK: int | None = getattr(socket, "TCP_QUICKACK", None)
"""Linux only; elsewhere the stall this avoids is left to the platform."""


def resolvable_host(host: str) -> str | bytes:
    """``host`` as :func:`socket.getaddrinfo` is given it: a name the ``idna`` codec would encode as
    its own ASCII bytes is given as those bytes, so connecting does not import ``encodings.idna``
    (with ``stringprep`` and ``unicodedata``: start-up cost, issue 16); any other name (non-ASCII, or
    a label the codec refuses) is given as is, to be encoded, or refused, exactly as before."""
    if host.isascii():
        *labels, last = host.split(".")
        if all(0 < len(label) < 64 for label in labels) and len(last) < 64:
            return host.encode("ascii")
    return host


class RequestFailed(Exception):
    """The adb server answered FAIL; ``message`` is its text (``device offline``, ``closed``…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HostConnection:
    """One TCP connection to the adb server."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    @classmethod
    def open(cls, host: str, port: int, timeout: float | None = 10.0) -> HostConnection:
        try:
            address = (resolvable_host(host), port)  # bytes go through to getaddrinfo, which takes them
            sock = socket.create_connection(address, timeout=timeout)  # type: ignore[arg-type]
        except OSError as error:
            raise AdbServerError(f"no adb server answers at tcp:{host}:{port} ({error.strerror or error})") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(sock)

    def __enter__(self) -> HostConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close; a thread blocked reading this connection wakes up (close alone would not wake it)."""
        with contextlib.suppress(OSError):  # not connected (any more)
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()

    def settimeout(self, timeout: float | None) -> None:
        self.sock.settimeout(timeout)

    def send_request(self, text: str) -> None:
        data = text.encode("utf-8")
        self.sock.sendall(b"%04x" % len(data) + data)

    def recv_exact(self, n: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < n:
            chunk = self.sock.recv(n - len(chunks))
            if not chunk:
                raise ConnectionResetError(f"connection closed after {len(chunks)} of {n} bytes")
            chunks += chunk
        return bytes(chunks)

    def read_status(self) -> None:
        """Consume ``OKAY``; raise :class:`RequestFailed` on ``FAIL``."""
        status = self.recv_exact(4)
        if status == b"OKAY":
            return
        if status == b"FAIL":
            raise RequestFailed(self.read_length_prefixed().decode("utf-8", "replace"))
        raise ConnectionResetError(f"unexpected adb server reply {status!r}")

    def read_length_prefixed(self) -> bytes:
        length = int(self.recv_exact(4), 16)
        return self.recv_exact(length)

    def read_to_end(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def select_transport(self, transport_id: int) -> None:
        self.send_request(f"host:transport-id:{transport_id}")
        self.read_status()

    def open_service(self, service: str) -> None:
        self.send_request(service)
        self.read_status()

    # shell protocol v2 (adb-protocol.md §4.1)
    def send_shell_packet(self, packet_id: int, data: bytes = b"") -> None:
        self.sock.sendall(SHELL_HEADER.pack(packet_id, len(data)) + data)

    def shell_packets(self) -> Iterator[tuple[int, bytes]]:
        """Yield (id, data) packets until the exit packet (included) or the end of the stream."""
        while True:
            # ACK what arrived at once: the adb server writes packets to us without TCP_NODELAY, so a
            # second small packet (stderr, then exit) waits for our ACK, which the kernel's delayed-ACK
            # mode holds for 40 ms -- adb-protocol.md §6.1's stall, on the server-to-client link.
            # Linux clears the option again as it pleases, hence before every packet.
            if QUICK_ACK is not None:
                self.sock.setsockopt(socket.IPPROTO_TCP, QUICK_ACK, 1)
            # Not recv(MSG_WAITALL): on a socket with a timeout (non-blocking underneath) it returns
            # what has arrived, and a header split across TCP segments -- common with megabytes of
            # output -- read as the end of the stream, so a finished command looked cut off.
            header = self.sock.recv(SHELL_HEADER.size)
            if not header:
                return  # the stream ended between packets
            if len(header) < SHELL_HEADER.size:
                header += self.recv_exact(SHELL_HEADER.size - len(header))
            packet_id, length = SHELL_HEADER.unpack(header)
            data = self.recv_exact(length) if length else b""
            yield packet_id, data
            if packet_id == SHELL_EXIT:
                return


class ShellStream:
    """A running command's stdout (shell protocol v2), line by line; close it to stop the command
    (:meth:`bridge.device.Device.stream` opens one)."""

    def __init__(self, conn: HostConnection) -> None:
        self._conn = conn
        self.exit_code: int | None = None
        self.stderr = bytearray()

    def __enter__(self) -> ShellStream:
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
