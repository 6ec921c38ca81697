"""``abb_exec:SERVICE\\0ARG…``: a binder shell command with raw stdin/stdout (no framing).

The adb CLI (36) installs with ``abb_exec:package\\0install\\0-S\\0SIZE`` followed by the APK's
bytes on the same stream, after asking ``abb_exec:settings\\0get\\0global\\0…`` first
(adb-protocol.md §5.2). On a device this reaches the same service as ``cmd SERVICE ARG…``,
so the virtual device runs its ``cmd`` command with those arguments and no shell parsing.
"""

from __future__ import annotations

from jobctl_sim.device import VirtualDevice
from jobctl_sim.adbd.services.shell import StreamOutput
from jobctl_sim.native.shell.command import Invocation, invoke
from jobctl_sim.adbd.transport import AdbStream


async def serve_abb_exec(args: list[str], stream: AdbStream, device: VirtualDevice) -> None:
    device.counters.count_service("abb_exec")
    output = StreamOutput(stream, None)
    command = device.commands.lookup("cmd")
    if command is None or not args or not args[0]:
        output.write(f"cmd: Can't find service: {args[0] if args else ''}\n")
        return
    # The binder call comes from adbd, so the service sees adbd's uid (shell, or root after ``adb root``).
    invocation = Invocation(["cmd", *args], device, stream.input, output, output, stream.hangup,
                            uid=stream.connection.process.uid)
    await invoke(command, invocation)
