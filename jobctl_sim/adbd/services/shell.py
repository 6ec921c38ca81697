"""``shell:``, ``shell,v2,…:`` and ``exec:``: run a command line on the device shell.

In v1 (``shell:``/``exec:``) stdout and stderr go raw onto the stream and the exit status is
lost. In v2 every chunk is framed: one id byte, a uint32 LE length, the data; ids are
0 stdin, 1 stdout, 2 stderr, 3 exit (one status byte), 4 close-stdin, 5 window size
(adb-protocol.md §4.1, AOSP packages/modules/adb/shell_protocol.h). Frames may be split or
merged across WRTEs, so stdin is parsed as a byte stream.

Commands run as the uid adbd runs as (:mod:`jobctl_sim.adbd.process`: shell, or root after
``adb root``). Without a command adbd starts an interactive login shell
(:mod:`jobctl_sim.adbd.services.interactive`).
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass

from jobctl_sim.device import VirtualDevice
from jobctl_sim.faults import CommandFault, FaultAction
from jobctl_sim.native.streams import BufferOutput, InputStream, OutputStream
from jobctl_sim.adbd.transport import AdbStream

ID_STDIN, ID_STDOUT, ID_STDERR, ID_EXIT, ID_CLOSE_STDIN, ID_WINDOW_SIZE = 0, 1, 2, 3, 4, 5
FRAME_HEADER = struct.Struct("<BI")


def frame(packet_id: int, data: bytes) -> bytes:
    return FRAME_HEADER.pack(packet_id, len(data)) + data


@dataclass(frozen=True)
class ShellOptions:
    """The options before the ``:`` of ``shell,v2,TERM=xterm,raw:``."""

    protocol_v2: bool
    raw: bool
    term: str | None = None
    pty: bool | None = None
    """``pty``/``raw`` as asked; None: adbd's default, a PTY exactly when there is no command
    (``daemon/services.cpp`` ``ShellService``)."""

    def uses_pty(self, command_line: str) -> bool:
        """Whether adbd gives the command a PTY (the last of ``raw``/``pty`` wins; else interactive)."""
        return (not command_line) if self.pty is None else self.pty

    @classmethod
    def parse(cls, kind: str) -> ShellOptions | None:
        """Parse ``shell[,opt…]``; None for an option adbd does not know."""
        protocol_v2, pty, raw, term = False, False, False, None
        choice: bool | None = None
        for option in kind.split(",")[1:]:
            if option == "v2":
                protocol_v2 = True
            elif option == "pty":
                pty, choice = True, True
            elif option == "raw":
                raw, choice = True, False
            elif option.startswith("TERM="):
                term = option[5:]
            elif option:
                return None
        return cls(protocol_v2=protocol_v2, raw=raw or not pty, term=term, pty=choice)


class StreamOutput:
    """A command's stdout or stderr written onto an adb stream, framed in v2."""

    def __init__(self, stream: AdbStream, packet_id: int | None) -> None:
        self._stream = stream
        self._packet_id = packet_id

    def write(self, data: bytes | str) -> None:
        payload = data.encode() if isinstance(data, str) else bytes(data)
        if not payload:
            return
        self._stream.queue(payload if self._packet_id is None else frame(self._packet_id, payload))

    async def drain(self) -> None:
        await self._stream.flush()


class CutOutput:
    """Passes the first ``budget`` bytes of output on, then cuts the connection (a fault)."""

    def __init__(self, inner: OutputStream, stream: AdbStream, budget: list[int]) -> None:
        self._inner = inner
        self._stream = stream
        self._budget = budget  # shared by stdout and stderr

    def write(self, data: bytes | str) -> None:
        payload = data.encode() if isinstance(data, str) else bytes(data)
        if self._budget[0] <= 0:
            return
        self._inner.write(payload[:self._budget[0]])
        self._budget[0] -= len(payload)

    async def drain(self) -> None:
        await self._inner.drain()
        if self._budget[0] <= 0 and not self._stream.closed:
            self._stream.connection.abort()


async def _pump_v2_stdin(stream: AdbStream, stdin: InputStream) -> None:
    """Move stdin frames from the host into the command's stdin; ignore window changes."""
    source = stream.input
    try:
        while True:
            header = await source.readexactly(FRAME_HEADER.size)
            packet_id, length = FRAME_HEADER.unpack(header)
            data = await source.readexactly(length) if length else b""
            if packet_id == ID_STDIN:
                stdin.feed(data)
            elif packet_id == ID_CLOSE_STDIN:
                stdin.feed_eof()
    except asyncio.IncompleteReadError:
        pass
    finally:
        stdin.feed_eof()


async def serve_shell(options: ShellOptions, command_line: str, stream: AdbStream, device: VirtualDevice) -> None:
    """Run ``command_line`` and report its output (and, in v2, its exit status)."""
    device.counters.count_service("shell_v2" if options.protocol_v2 else "shell")
    if not command_line:
        from jobctl_sim.adbd.services.interactive import serve_interactive_shell

        await serve_interactive_shell(options, stream, device)
        return
    fault = device.faults.take(command_line)
    if fault is not None and fault.action is FaultAction.DROP_BEFORE:
        stream.connection.abort()
        return
    if fault is not None and fault.action is FaultAction.DELAY:
        await asyncio.sleep(fault.delay)
    stdout: OutputStream
    stderr: OutputStream
    if options.protocol_v2:
        stdin = InputStream()
        pump = asyncio.create_task(_pump_v2_stdin(stream, stdin))
        stdout, stderr = StreamOutput(stream, ID_STDOUT), StreamOutput(stream, ID_STDERR)
    else:
        stdin, pump = stream.input, None
        stdout = stderr = StreamOutput(stream, None)
    if fault is not None and fault.action in (FaultAction.DROP_AFTER, FaultAction.DROP_MID_OUTPUT):
        stdout, stderr = _faulted_outputs(fault, stream, stdout, stderr)
    try:
        status = await device.run_shell(command_line, stdin, stdout, stderr, stream.hangup,
                                        uid=stream.connection.process.uid)
        if fault is not None and fault.action in (FaultAction.DROP_AFTER, FaultAction.DROP_MID_OUTPUT):
            if fault.action is FaultAction.DROP_MID_OUTPUT and not stream.closed:
                await stream.flush()  # what fitted in the budget reaches the host, the exit never does
            stream.connection.abort()
            return
        if options.protocol_v2:
            stream.queue(frame(ID_EXIT, bytes([status & 0xFF])))
        await stream.flush()
        if pump is not None and not stream.hangup.is_set():
            # The adb CLI always ends with close-stdin; wait briefly so it is OKAYed and drained.
            await asyncio.wait({pump}, timeout=0.05)
    finally:
        if pump is not None:
            pump.cancel()


def _faulted_outputs(fault: CommandFault, stream: AdbStream, stdout: OutputStream,
                     stderr: OutputStream) -> tuple[OutputStream, OutputStream]:
    """Where a faulted command's output goes: nowhere (dropped after), or cut after N bytes."""
    if fault.action is FaultAction.DROP_AFTER:
        return BufferOutput(), BufferOutput()
    budget = [fault.after_bytes]
    return CutOutput(stdout, stream, budget), CutOutput(stderr, stream, budget)
