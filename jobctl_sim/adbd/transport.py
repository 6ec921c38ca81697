"""One adbd connection: the CNXN handshake, stream multiplexing and flow control.

Behaviour follows adb-protocol.md §2-§3 (observed against adb 36 and 29, checked with AOSP
packages/modules/adb/{adb.cpp,transport.cpp}): the host speaks first with CNXN and the device
answers with its banner -- or, when adbd requires authentication (``ro.adb.secure=1``), with
AUTH(TOKEN) first, and the banner once the host proved a trusted key or the user allowed its
public key (:mod:`jobctl_sim.adbd.auth`); no STLS. Until then host stream messages are ignored
(``handle_packet`` acts on them only when ``t->online``); OPEN carries a NUL-terminated service name;
without ``delayed_ack`` each direction of a stream has at most one unacknowledged WRTE; a
stream ends with CLSE from either side. When the host closes a stream, adbd answers with its own
CLSE: ``handle_packet`` (adb.cpp, A_CLSE) closes the local socket, and ``local_socket_close``
(sockets.cpp) shuts its peer down first, which for the remote socket is
``remote_socket_shutdown``: a CLSE(local id, host id). Clients that talk to adbd directly wait for
it (e.g. after a sync push/pull/stat/list). The device can open streams to the host too, for
``adb reverse`` (``connect_to_remote``, sockets.cpp). A malformed message ends only this
connection; the device keeps serving its other connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import functools
import logging
import secrets
import socket
from collections.abc import Awaitable, Callable

from jobctl_sim.adbd.auth import TOKEN_SIZE, AuthPrompts, AuthType, Prompt, verify_signature
from jobctl_sim.adbd.process import AdbdProcess
from jobctl_sim.device import VirtualDevice
from jobctl_sim.native.streams import InputStream
from jobctl_sim.adbd.wire import (
    DEVICE_MAX_PAYLOAD,
    MAX_PAYLOAD_BEFORE_CONNECT,
    VERSION_MIN,
    VERSION_SKIP_CHECKSUM,
    Command,
    Message,
    MessageReader,
    WireError,
    encode,
)

FEATURES = ("shell_v2", "cmd", "stat_v2", "ls_v2", "fixed_push_mkdir", "abb_exec")
"""What the banner advertises. Each is a promise: every one is implemented (adb-protocol.md §6.14)."""

READ_CHUNK = 256 * 1024


def loggable_service(name: str) -> str:
    """What of a service name may go to a log: its kind, not its argument. A shell service's
    argument is a command line, which can carry a job's extras (secrets stay out of logs)."""
    kind, colon, argument = name.partition(":")
    return f"{kind[:40]!r} ({len(argument)}-byte argument)" if colon else repr(kind[:40])


class StreamClosed(Exception):
    """The stream was closed by the host (or the connection died) while a service wrote to it."""


class AdbStream:
    """One stream of a connection, as a service sees it: bytes in, bytes out, a hangup."""

    def __init__(self, connection: AdbdConnection, local_id: int, remote_id: int, service: str) -> None:
        self.connection = connection
        self.local_id = local_id
        self.remote_id = remote_id
        self.service = service
        self.input = InputStream()
        self.hangup = asyncio.Event()
        self._acked = asyncio.Event()
        self._acked.set()
        self.connected = asyncio.Event()
        """Set once the peer accepted the stream (at once for streams the host opened)."""
        if remote_id:
            self.connected.set()
        self._send_lock = asyncio.Lock()
        self._pending = bytearray()
        self._closed_by_us = False

    @property
    def closed(self) -> bool:
        return self.hangup.is_set() or self._closed_by_us

    def queue(self, data: bytes) -> None:
        """Append bytes to send; :meth:`flush` sends them."""
        if not self.closed:
            self._pending += data

    async def flush(self) -> None:
        """Send everything queued, one WRTE at a time, each waiting for the host's OKAY."""
        async with self._send_lock:
            while self._pending and not self.closed:
                chunk_size = self.connection.peer_max_payload
                chunk = bytes(self._pending[:chunk_size])
                del self._pending[:chunk_size]
                await self._wait_acked()
                if self.hangup.is_set() or self._closed_by_us:  # re-read: closed while we waited?
                    break
                self._acked.clear()
                self.connection.send(Message(Command.WRTE, self.local_id, self.remote_id, chunk))
            if self.hangup.is_set():
                self._pending.clear()

    async def write(self, data: bytes) -> None:
        """Send ``data`` now. Raises :class:`StreamClosed` if the host has hung up."""
        if self.hangup.is_set():
            raise StreamClosed(self.service)
        self.queue(data)
        await self.flush()

    async def _wait_acked(self) -> None:
        waiter = asyncio.ensure_future(self._acked.wait())
        hangup = asyncio.ensure_future(self.hangup.wait())
        try:
            await asyncio.wait({waiter, hangup}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            hangup.cancel()

    async def close(self) -> None:
        """Flush, wait for the last OKAY, then send CLSE once."""
        if self.closed:
            return
        await self.flush()
        if not self.hangup.is_set():
            await self._wait_acked()
        if not self._closed_by_us:
            self._closed_by_us = True
            if not self.hangup.is_set():
                self.connection.send(Message(Command.CLSE, self.local_id, self.remote_id))
            self.connection.forget(self.local_id)

    # Called by the connection on host messages.
    def on_okay(self, remote_id: int) -> None:
        if not self.connected.is_set():  # the host accepted a stream the device opened
            self.remote_id = remote_id
            self.connected.set()
            return
        self._acked.set()

    def on_write(self, data: bytes) -> None:
        self.input.feed(data)

    def on_close(self) -> None:
        self.hangup.set()
        self.input.feed_eof()
        self._acked.set()
        self.connected.set()


Service = Callable[[AdbStream, VirtualDevice], Awaitable[None]]
ServiceResolver = Callable[[str, VirtualDevice], "Service | None"]


class AdbdConnection:
    """Serves one TCP connection from an adb server for one virtual device."""

    _connection_ids = itertools.count(1)

    def __init__(
        self,
        device: VirtualDevice,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        resolve_service: ServiceResolver,
        logger: logging.Logger,
        process: AdbdProcess | None = None,
        prompts: AuthPrompts | None = None,
    ) -> None:
        self.device = device
        self.reader = reader
        self.writer = writer
        self.resolve_service = resolve_service
        self.log = logger
        self.process = process or AdbdProcess.start(device.props)
        """The adbd run this connection belongs to (its uid, its reverse listeners)."""
        self.prompts = prompts if prompts is not None else AuthPrompts(device.fs)
        """Where a host's unknown public key waits for the user (:mod:`jobctl_sim.adbd.auth`)."""
        self.awaiting_auth = False
        """CNXN received, AUTH(TOKEN) sent: the host has not proved a trusted key yet."""
        self.failed_auth_attempts = 0
        self.auth_key: str | None = None
        """The trusted key line the host authenticated with (or that the user allowed)."""
        self._token = b""
        self.id = next(self._connection_ids)
        self.version = VERSION_SKIP_CHECKSUM
        self.peer_max_payload = MAX_PAYLOAD_BEFORE_CONNECT
        self.online = False
        self.streams: dict[int, AdbStream] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self._next_local_id = itertools.count(1)
        sock = writer.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            # Without TCP_NODELAY every request costs ~44 ms (Nagle vs delayed ACK, adb-protocol.md §6.1).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # adbd names a TCP transport after its socket's fd (daemon/transport_local.cpp: "host-%d");
        # ``adb reverse --list`` shows that name.
        self.transport_serial = f"host-{sock.fileno() if sock is not None else self.id}"

    def send(self, message: Message) -> None:
        if self.writer.is_closing():
            return
        self.writer.write(encode(message, self.version))

    def abort(self) -> None:
        """Cut the TCP connection now, unsent bytes and all (a pulled cable)."""
        self.writer.transport.abort()

    def forget(self, local_id: int) -> None:
        self.streams.pop(local_id, None)

    async def serve(self) -> None:
        """Read and dispatch messages until the host hangs up or misbehaves."""
        self.device.counters.connections += 1
        parser = MessageReader(max_payload=DEVICE_MAX_PAYLOAD)
        try:
            while True:
                data = await self.reader.read(READ_CHUNK)
                if not data:
                    break
                for message in parser.feed(data):
                    self._dispatch(message)
                await self.writer.drain()
        except WireError as error:
            self.device.counters.protocol_errors += 1
            self.log.warning("%s: dropping connection %d: %s", self.device.serial, self.id, error)
        except (ConnectionError, asyncio.IncompleteReadError) as error:
            self.log.info("%s: connection %d lost: %s", self.device.serial, self.id, error)
        finally:
            await self._shutdown()

    async def _shutdown(self) -> None:
        # A transport's reverse listeners go with it (adb_listeners.cpp, listener_disconnect).
        for listener in [item for item in self.process.listeners if item.connection_id == self.id]:
            self.process.remove(listener.local_name)
            namespace, _, address = listener.local_name.partition(":")
            self.device.sockets.close(namespace, address)
        self.prompts.forget(self.id)
        for stream in list(self.streams.values()):
            stream.on_close()
        self.streams.clear()
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()

    def _dispatch(self, message: Message) -> None:
        if message.command is Command.CNXN:
            self._on_connect(message)
        elif message.command is Command.AUTH and self.awaiting_auth:
            self._on_auth(message)
        elif self.awaiting_auth:
            return  # adb.cpp handle_packet: OPEN/OKAY/WRTE/CLSE only act on an online transport
        elif not self.online:
            raise WireError(f"{message.command.name} before CNXN")
        elif message.command is Command.OPEN:
            self._on_open(message)
        elif message.command in (Command.OKAY, Command.WRTE, Command.CLSE):
            self._on_stream_message(message)
        else:
            raise WireError(f"unexpected {message.command.name} from the host")

    def _on_connect(self, message: Message) -> None:
        if message.arg0 < VERSION_MIN:
            raise WireError(f"host protocol version {message.arg0:#x} is too old")
        self.version = min(message.arg0, VERSION_SKIP_CHECKSUM)
        self.peer_max_payload = max(MAX_PAYLOAD_BEFORE_CONNECT, min(message.arg1, DEVICE_MAX_PAYLOAD))
        self.log.info("%s: connection %d from host %r", self.device.serial, self.id, message.data[:200])
        if self.process.auth_required and self.auth_key is None:
            self.online = False
            self.awaiting_auth = True
            self._send_token()
            return
        self._go_online()

    def _send_token(self) -> None:
        """``send_auth_request``: a fresh random challenge."""
        self._token = secrets.token_bytes(TOKEN_SIZE)  # adbd reads /dev/urandom
        self.send(Message(Command.AUTH, AuthType.TOKEN, 0, self._token))

    def _on_auth(self, message: Message) -> None:
        """``handle_packet(A_AUTH)``, device side."""
        if message.arg0 == AuthType.SIGNATURE:
            key = verify_signature(self.device.fs, self._token, message.data)
            if key is None:
                self.failed_auth_attempts += 1
                self._send_token()
                return
            self.failed_auth_attempts = 0
            self.auth_key = key
            self._go_online()
        elif message.arg0 == AuthType.RSAPUBLICKEY:
            key = message.data.split(b"\0", 1)[0].decode("utf-8", "replace")
            self.log.info("%s: connection %d waits for the user to allow its key", self.device.serial, self.id)
            self.prompts.ask(Prompt(key, self.id, functools.partial(self._allowed, key)))
        else:
            raise WireError(f"AUTH of unknown type {message.arg0}")

    def _allowed(self, key: str) -> None:
        """The user allowed the host's key (``adbd_auth_key_authorized``)."""
        if self.awaiting_auth and not self.writer.is_closing():
            self.auth_key = key
            self._go_online()

    def _go_online(self) -> None:
        """``adbd_auth_verified`` / no auth required: online, and the banner."""
        self.awaiting_auth = False
        self.online = True
        identity = self.device.identity
        banner = (
            f"device::ro.product.name={identity.product};ro.product.model={identity.model};"
            f"ro.product.device={identity.device};features={','.join(FEATURES)}"
        )
        self.send(Message(Command.CNXN, self.version, DEVICE_MAX_PAYLOAD, banner.encode()))
        self.log.info("%s: connection %d online", self.device.serial, self.id)

    def _on_open(self, message: Message) -> None:
        remote_id = message.arg0
        name = message.data.rstrip(b"\0").decode("utf-8", "replace")
        service = self.resolve_service(name, self.device) if remote_id else None
        if service is None:
            self.device.counters.streams_refused += 1
            self.log.info("%s: refusing service %s", self.device.serial, loggable_service(name))
            self.send(Message(Command.CLSE, 0, remote_id))
            return
        local_id = next(self._next_local_id)
        stream = AdbStream(self, local_id, remote_id, name)
        self.streams[local_id] = stream
        self.device.counters.streams_opened += 1
        self.send(Message(Command.OKAY, local_id, remote_id))
        task = asyncio.create_task(self._run_service(service, stream), name=f"{self.device.serial}:{name[:40]}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run_service(self, service: Service, stream: AdbStream) -> None:
        try:
            await service(stream, self.device)
        except (StreamClosed, ConnectionError):
            pass
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug in one service must not take the device down
            self.log.exception("%s: service %s failed", self.device.serial, loggable_service(stream.service))
        finally:
            if not self.writer.is_closing():
                with contextlib.suppress(ConnectionError):
                    await stream.close()

    def _on_stream_message(self, message: Message) -> None:
        # Host messages carry (host id, our id); a stale id (stream already gone) is ignored, as adbd does.
        stream = self.streams.get(message.arg1)
        if stream is None:
            return
        if message.command is Command.OKAY:
            if message.arg0 == 0:
                return  # adbd ignores an OKAY without a sender id (adb.cpp, A_OKAY)
            if stream.connected.is_set() and message.arg0 != stream.remote_id:
                return  # "other READY messages must use the same local-id" (adb.cpp)
            stream.on_okay(message.arg0)
        elif message.command is Command.WRTE:
            if not stream.connected.is_set() or message.arg0 != stream.remote_id:
                return  # not (yet) the host's stream: adbd finds no socket for these ids
            stream.on_write(message.data)
            self.send(Message(Command.OKAY, stream.local_id, stream.remote_id))
        else:
            if message.arg0 and stream.remote_id and message.arg0 != stream.remote_id:
                return  # find_local_socket (sockets.cpp) matches the peer id when one is given
            # adb.cpp handle_packet(A_CLSE) -> local_socket_close -> remote_socket_shutdown: the
            # device answers with its own CLSE(local id, host id) before it forgets the stream.
            # A CLSE(0, id) refuses a stream the device opened; there is nobody to answer.
            if stream.connected.is_set() and stream.remote_id and not stream.closed:
                self.send(Message(Command.CLSE, stream.local_id, stream.remote_id))
            stream.on_close()
            self.forget(stream.local_id)

    async def open_to_host(self, service: str, timeout: float = 10.0) -> AdbStream | None:
        """Open a stream from the device to the host's ``service`` (``adb reverse``'s connect
        side: OPEN(local id, 0, service)); the stream once the host accepted it, None if it
        refused (CLSE) or did not answer within ``timeout`` real seconds."""
        local_id = next(self._next_local_id)
        stream = AdbStream(self, local_id, 0, service)
        self.streams[local_id] = stream
        self.send(Message(Command.OPEN, local_id, 0, service.encode() + b"\0"))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stream.connected.wait(), timeout)
        if stream.hangup.is_set() or not stream.connected.is_set():
            self.forget(local_id)
            return None
        return stream
