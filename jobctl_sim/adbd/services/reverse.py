"""``reverse:…``: ``adb reverse``'s device side: listeners on the device that lead to the host.

adbd answers these in-band on the stream and closes it (AOSP ``packages/modules/adb``:
``daemon/services.cpp`` ``reverse_service`` → ``adb.cpp`` ``handle_forward_request`` with the
daemon's replies, i.e. without the host's extra connect OKAY):

* ``list-forward``: only a hex-length-prefixed text of ``SERIAL LOCAL REMOTE`` lines, no OKAY
  (``adb_listeners.cpp`` ``format_listeners``; SERIAL is adbd's name for the transport, ``host-FD``
  for a TCP connection);
* ``killforward-all``: ``OKAY``;
* ``forward:[norebind:]LOCAL;REMOTE`` and ``killforward:LOCAL``: ``OKAY`` (for ``tcp:0`` followed by
  the chosen port as a hex-length-prefixed string), or ``FAIL`` + hex length + one of ``bad
  forward: …``, ``bad killforward: …``, ``cannot bind listener: …``, ``cannot rebind existing
  socket``, ``listener '…' not found``;
* anything else: ``FAIL`` ``not a reverse forwarding command``.

A listener is a device-side server (``localabstract:``, ``tcp:`` …, see ``socket_spec.cpp``
``socket_spec_listen``) registered on the device's :class:`~jobctl_sim.device.SocketRegistry`:
whatever connects to it on the device -- a device-side client, or ``adb forward`` from the host --
makes adbd send its own OPEN(REMOTE) to the host (``adb_listeners.cpp`` ``listener_event_func`` →
``connect_to_remote``) and the bytes flow both ways. The adb server allows such an OPEN only for a
reverse it saw being set up (adb-protocol.md §6.9), so nothing else ever opens toward the host.
A listener lives as long as the transport that installed it and the adbd that holds it.
"""

from __future__ import annotations

import asyncio
import contextlib

from jobctl_sim.adbd.process import AdbdProcess, ReverseListener
from jobctl_sim.adbd.transport import AdbdConnection, AdbStream
from jobctl_sim.device import SocketHandler, VirtualDevice
from jobctl_sim.native.streams import InputStream, OutputStream

LISTEN_NAMESPACES = {"local": "localreserved", "localreserved": "localreserved",
                     "localabstract": "localabstract", "localfilesystem": "localfilesystem"}
"""Device-side socket spec prefixes (``socket_spec.cpp`` ``kLocalSocketTypes``; on the device
``local:`` is the reserved namespace) and the :class:`SocketRegistry` namespace each listens in."""
EPHEMERAL_PORTS = range(32768, 61000)
"""Where ``tcp:0`` finds a port (Linux's default ``ip_local_port_range``)."""
LOCAL_HOSTNAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


class ListenError(Exception):
    """``install_listener`` failed; the message is what follows ``cannot bind listener: ``."""


def protocol_string(text: str) -> bytes:
    """adb's ``SendProtocolString``: four hex digits of length, then the bytes."""
    data = text.encode()
    return b"%04x" % len(data) + data


def fail(message: str) -> bytes:
    """adb's ``SendFail``."""
    return b"FAIL" + protocol_string(message)


def _registry_address(spec: str) -> tuple[str, str]:
    """Where ``spec`` listens in the device's socket registry; raises :class:`ListenError`."""
    if spec.startswith("tcp:"):
        rest = spec[4:]
        try:
            port = int(rest)
        except ValueError:
            host, _, port_text = rest.rpartition(":")
            if host not in LOCAL_HOSTNAMES or not port_text.isdigit():
                raise ListenError("listening on specified hostname currently unsupported") from None
            port = int(port_text)
        if not 0 <= port <= 65535:
            raise ListenError(f"bad port number '{port}'")
        return "tcp", str(port)
    prefix, colon, name = spec.partition(":")
    if colon and prefix in LISTEN_NAMESPACES:
        return LISTEN_NAMESPACES[prefix], name
    raise ListenError(f"unknown socket specification:{spec}")


def _free_port(device: VirtualDevice) -> int:
    for port in EPHEMERAL_PORTS:
        if device.sockets.lookup("tcp", str(port)) is None:
            return port
    raise ListenError("Address already in use")


def _connect_handler(connection: AdbdConnection, process: AdbdProcess, local_name: str) -> SocketHandler:
    """What serves a device-side connection to ``local_name``: a stream to the host's end."""

    async def serve(client_input: InputStream, client_output: OutputStream, client_gone: asyncio.Event) -> None:
        listener = process.find(local_name)
        if listener is None:
            return
        stream = await connection.open_to_host(listener.connect_to)
        if stream is None:
            return  # the host refused: the device-side client sees end of file
        to_client = asyncio.create_task(_host_to_client(stream, client_output))
        to_host = asyncio.create_task(_client_to_host(client_input, stream))
        gone = asyncio.create_task(client_gone.wait())
        try:
            await asyncio.wait({to_client, to_host, gone}, return_when=asyncio.FIRST_COMPLETED)
            if to_host.done() and not to_client.done():  # the client finished sending: let replies arrive
                await asyncio.wait({to_client, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (to_client, to_host, gone):
                task.cancel()
            with contextlib.suppress(ConnectionError):
                await stream.close()

    return serve


async def _host_to_client(stream: AdbStream, client_output: OutputStream) -> None:
    while chunk := await stream.input.read(65536):
        client_output.write(chunk)
        await client_output.drain()


async def _client_to_host(client_input: InputStream, stream: AdbStream) -> None:
    while chunk := await client_input.read(65536):
        await stream.write(chunk)


def _install(connection: AdbdConnection, device: VirtualDevice, local: str, remote: str,
             no_rebind: bool) -> int:
    """``install_listener`` (adb_listeners.cpp); the resolved port for ``tcp:0`` (else 0)."""
    process = connection.process
    existing = process.find(local)
    if existing is not None:
        if no_rebind:
            raise RebindError
        existing.connect_to = remote
        if existing.connection_id != connection.id:
            existing.connection_id = connection.id
            existing.transport_serial = connection.transport_serial
            namespace, address = _registry_address(local)
            device.sockets.listen(namespace, address, _connect_handler(connection, process, local))
        return 0
    namespace, address = _registry_address(local)
    resolved = 0
    if namespace == "tcp" and address == "0":
        resolved = _free_port(device)
        address, local = str(resolved), f"tcp:{resolved}"
    elif device.sockets.lookup(namespace, address) is not None:
        raise ListenError("Address already in use")
    process.listeners.append(ReverseListener(local, remote, connection.transport_serial, connection.id))
    device.sockets.listen(namespace, address, _connect_handler(connection, process, local))
    return resolved


class RebindError(Exception):
    """``norebind`` and the listener exists: INSTALL_STATUS_CANNOT_REBIND."""


def _remove(device: VirtualDevice, process: AdbdProcess, local: str) -> bool:
    listener = process.remove(local)
    if listener is None:
        return False
    namespace, address = _registry_address(listener.local_name)
    device.sockets.close(namespace, address)
    return True


def answer(request: str, connection: AdbdConnection, device: VirtualDevice) -> bytes:
    """adbd's reply to ``reverse:REQUEST`` (``handle_forward_request`` on the daemon side)."""
    process = connection.process
    if request == "list-forward":
        return protocol_string(process.format_listeners())
    if request == "killforward-all":
        for listener in list(process.listeners):
            _remove(device, process, listener.local_name)
        return b"OKAY"
    if request.startswith("killforward:"):
        target = request[len("killforward:"):]
        pieces = target.split(";")
        if len(pieces) != 1 or not pieces[0]:
            return fail(f"bad killforward: {target}")
        return b"OKAY" if _remove(device, process, pieces[0]) else fail(f"listener '{target}' not found")
    if request.startswith("forward:"):
        spec = request[len("forward:"):]
        no_rebind = spec.startswith("norebind:")
        if no_rebind:
            spec = spec[len("norebind:"):]
        pieces = spec.split(";")
        if len(pieces) != 2 or not pieces[0] or not pieces[1] or pieces[1].startswith("*"):
            return fail(f"bad forward: {spec}")
        try:
            resolved = _install(connection, device, pieces[0], pieces[1], no_rebind)
        except RebindError:
            return fail("cannot rebind existing socket")
        except ListenError as error:
            return fail(f"cannot bind listener: {error}")
        return b"OKAY" + (protocol_string(str(resolved)) if resolved else b"")
    return fail("not a reverse forwarding command")


async def serve_reverse(request: str, stream: AdbStream, device: VirtualDevice) -> None:
    device.counters.count_service("reverse")
    await stream.write(answer(request, stream.connection, device))
