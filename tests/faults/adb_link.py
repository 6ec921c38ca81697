"""A fault on the link between jobctl and the adb server: a TCP relay in front of the real adb
server that, for a device service request containing a pattern, breaks the connection at a
chosen point of the smart-socket exchange (AOSP adb docs OVERVIEW.TXT: a request is four hex
digits of length and the text; the server answers ``OKAY`` or ``FAIL`` + length + message).

Where the virtual device's own faults (:mod:`jobctl_sim.faults`) break the stream after the
device accepted it, these break the exchange *around* the service request, which is where the
adb server itself answers ``FAIL closed`` (adb's sockets.cpp ``local_socket_close_notify``: the
stream was closed before it was connected, because adbd refused it or its transport died).
Everything else is relayed untouched, so the device, the adb server and jobctl are all real.
"""

from __future__ import annotations

import contextlib
import enum
import socket
import threading
from dataclasses import dataclass, field
from types import TracebackType

from bridge.adb.private import free_port
from bridge.adb.server import ServerAddress


class LinkBreak(enum.StrEnum):
    AT_TRANSPORT = "at-transport"
    """Close the client's connection when its first request (``host:transport…``) arrives:
    nothing of the call reached the device."""
    BEFORE_SEND = "before-send"
    """Close the client's connection when its service request arrives; nothing is sent on."""
    AFTER_SEND = "after-send"
    """Send the request on, wait for the server's status (the device accepted the stream and
    runs the command), then close the client's connection without a word."""
    FAIL_CLOSED = "fail-closed"
    """Send the request on, wait for the server's status, then answer the client ``FAIL closed``."""


@dataclass
class AdbLink:
    """Relay ``127.0.0.1:port`` to ``upstream``; :meth:`arm` a break for the next service requests
    containing a pattern. ``with AdbLink(...) as link:`` starts and stops it."""

    upstream: ServerAddress
    port: int = field(default_factory=free_port)
    fired: list[str] = field(default_factory=list)
    _armed: list[tuple[LinkBreak, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _listener: socket.socket | None = None
    _sockets: list[socket.socket] = field(default_factory=list)
    _threads: list[threading.Thread] = field(default_factory=list)

    @property
    def address(self) -> ServerAddress:
        return ServerAddress("127.0.0.1", self.port)

    def arm(self, action: LinkBreak, pattern: str) -> None:
        with self._lock:
            self._armed.append((action, pattern))

    def _take(self, request: str, only: LinkBreak | None) -> LinkBreak | None:
        """The first armed break matching ``request`` (``only`` that kind; None: any but
        :attr:`LinkBreak.AT_TRANSPORT`), consumed."""
        with self._lock:
            for n, (action, pattern) in enumerate(self._armed):
                if (action is only if only else action is not LinkBreak.AT_TRANSPORT) and pattern in request:
                    del self._armed[n]
                    self.fired.append(f"{action}: {request[:120]}")
                    return action
        return None

    def __enter__(self) -> AdbLink:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        self._spawn(self._accept_loop)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _close(sock)
        for thread in self._threads:
            thread.join(10)

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._spawn(self._serve, client)

    def _serve(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection((self.upstream.host, self.upstream.port), timeout=10)
        except OSError:
            _close(client)
            return
        with self._lock:
            self._sockets += [client, server]
        try:
            first = _read_request(client)
            if self._take(first[4:].decode("utf-8", "replace"), LinkBreak.AT_TRANSPORT):
                return
            server.sendall(first)
            if b"transport" not in first:
                self._pipe(client, server)
                return
            status = _read_exact(server, 4)
            client.sendall(status)
            if status != b"OKAY":
                self._pipe(client, server)
                return
            service_request = _read_request(client)
            action = self._take(service_request[4:].decode("utf-8", "replace"), None)
            if action is LinkBreak.BEFORE_SEND:
                return
            server.sendall(service_request)
            if action is None:
                self._pipe(client, server)
                return
            _read_exact(server, 4)  # OKAY: the device accepted the stream and runs the command
            if action is LinkBreak.FAIL_CLOSED:
                client.sendall(b"FAIL0006closed")
            _close(client)
            _drain(server)  # let the command finish on the device; its answer goes nowhere
        except OSError:
            pass
        finally:
            _close(client)
            _close(server)

    def _pipe(self, client: socket.socket, server: socket.socket) -> None:
        server.settimeout(None)
        self._spawn(_copy, server, client)
        _copy(client, server)


def _read_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionResetError("closed")
        data += chunk
    return data


def _read_request(sock: socket.socket) -> bytes:
    length = _read_exact(sock, 4)
    return length + _read_exact(sock, int(length, 16))


def _copy(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


def _drain(sock: socket.socket) -> None:
    sock.settimeout(60)
    with contextlib.suppress(OSError):
        while sock.recv(65536):
            pass


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
