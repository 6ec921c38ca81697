"""``localabstract:NAME``, ``tcp:PORT`` and friends: raw byte streams to device-side servers.

Servers are registered on :attr:`VirtualDevice.sockets` by the Android model (e.g. the helper
app). A name nobody listens on is refused with CLSE, as adbd does when its connect fails.
"""

from __future__ import annotations

from jobctl_sim.device import VirtualDevice
from jobctl_sim.adbd.services.shell import StreamOutput
from jobctl_sim.adbd.transport import AdbStream

SOCKET_NAMESPACES = ("localabstract", "localreserved", "localfilesystem", "tcp")


async def serve_socket(namespace: str, address: str, stream: AdbStream, device: VirtualDevice) -> None:
    device.counters.count_service(namespace)
    handler = device.sockets.lookup(namespace, address)
    if handler is None:
        return  # serve nothing: the stream closes at once
    await handler(stream.input, StreamOutput(stream, None), stream.hangup)
