"""``shell:`` / ``shell,v2,pty:`` without a command: an interactive login shell, as adbd gives one.

adbd (AOSP ``packages/modules/adb/daemon/shell_service.cpp``) starts ``/system/bin/sh -`` when the
command is empty, on a PTY unless the client asked for ``raw`` (``daemon/services.cpp``
``ShellService``: PTY for interactive, raw otherwise). What the client then sees:

* **PTY** (``adb shell`` from a terminal, ``adb shell -t -t`` from a pipe, ``shell:``): mksh is
  interactive because its stdin is a terminal. It prints the prompt that ``/system/etc/mkshrc``
  (``external/mksh/mkshrc``) sets: the last status and ``|`` when it is not 0, ``$HOSTNAME``
  (``getprop ro.product.device``), ``:``, the working directory, then `` $ `` (`` # `` as root);
  ``> `` (PS2) while a command is incomplete. The terminal echoes what is typed and turns each
  ``\\n`` of the output into ``\\r\\n`` (the PTY's default ``ECHO``/``ONLCR``); stdout and stderr
  share the terminal, so in shell protocol v2 everything arrives as stdout. A close-stdin packet
  is ignored ("PTYs can't close just input"); ``exit``, Ctrl-D on an empty line or the host
  closing the stream end the session.
* **PTY in raw mode** (``shell,raw:``: no shell protocol; adbd makes the PTY raw with
  ``cfmakeraw``): the prompt still comes (mksh still sees a terminal) but neither echo nor
  ``\\r\\n`` translation.
* **raw** (``adb shell < script``, ``adb shell -T``, ``shell,v2,raw:``): mksh reads commands from a
  pipe, non-interactively: no prompt, no echo, stderr separate, close-stdin is end of input.

The status of the session (the v2 exit packet) is that of ``exit N`` or of the last command.
Commands started from the session read an empty stdin (the terminal belongs to the shell here).
"""

from __future__ import annotations

import asyncio

from jobctl_sim.adbd.services.shell import (
    ID_CLOSE_STDIN,
    ID_EXIT,
    ID_STDERR,
    ID_STDIN,
    ID_STDOUT,
    FRAME_HEADER,
    ShellOptions,
    StreamOutput,
    frame,
)
from jobctl_sim.adbd.transport import AdbStream
from jobctl_sim.device import VirtualDevice
from jobctl_sim.native.shell.interpreter import ShellInterpreter
from jobctl_sim.native.shell.parser import parse
from jobctl_sim.native.streams import InputStream, OutputStream

CTRL_C, CTRL_D, BACKSPACE, DELETE = 0x03, 0x04, 0x08, 0x7F
PS2 = "> "
INCOMPLETE_MARKERS = ("unexpected EOF", "no closing quote", "unterminated")
"""What mksh's syntax errors say when the input merely stopped too early (then it prompts PS2)."""
STATUS_MARK = "_JOBCTL_ADBD_STATUS"
"""A variable set after each command, to tell a finished command from ``exit`` (then it is not set)."""


class TerminalOutput:
    """What the shell writes, as the PTY passes it on: ``\\n`` becomes ``\\r\\n`` unless raw."""

    def __init__(self, inner: OutputStream, translate: bool) -> None:
        self._inner = inner
        self._translate = translate

    def write(self, data: bytes | str) -> None:
        payload = data.encode() if isinstance(data, str) else bytes(data)
        if self._translate:
            payload = payload.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        self._inner.write(payload)

    async def drain(self) -> None:
        await self._inner.drain()


async def _pump_input(stream: AdbStream, protocol_v2: bool, pty: bool, into: InputStream) -> None:
    """The host's keystrokes (v2: stdin packets) into ``into``; end of input when the stream
    closes, or on close-stdin for a raw session."""
    source = stream.input
    try:
        if not protocol_v2:
            while chunk := await source.read(65536):
                into.feed(chunk)
            return
        while True:
            packet_id, length = FRAME_HEADER.unpack(await source.readexactly(FRAME_HEADER.size))
            data = await source.readexactly(length) if length else b""
            if packet_id == ID_STDIN:
                into.feed(data)
            elif packet_id == ID_CLOSE_STDIN and not pty:
                return
            # window-size changes and unknown packets are ignored (shell_service.cpp PassInput)
    except asyncio.IncompleteReadError:
        pass
    finally:
        into.feed_eof()


class InteractiveSession:
    """One login shell on a stream: reads lines, runs them, prompts."""

    def __init__(self, options: ShellOptions, stream: AdbStream, device: VirtualDevice) -> None:
        self.stream = stream
        self.device = device
        self.protocol_v2 = options.protocol_v2
        self.pty = options.uses_pty("")
        self.raw_pty = self.pty and not self.protocol_v2 and options.pty is False
        # shell_service.cpp: without the shell protocol a raw shell is a PTY made raw.
        if not self.protocol_v2 and not self.pty:
            self.pty, self.raw_pty = True, True
        self.echo = self.pty and not self.raw_pty
        stdout: OutputStream = StreamOutput(stream, ID_STDOUT if self.protocol_v2 else None)
        stderr: OutputStream = stdout if self.pty or not self.protocol_v2 else StreamOutput(stream, ID_STDERR)
        self.terminal = TerminalOutput(stdout, translate=self.echo)
        self.stderr = TerminalOutput(stderr, translate=self.echo)
        self.keys = InputStream()
        self._after_cr = False
        self.shell = ShellInterpreter(device, InputStream.of(b""), self.terminal, self.stderr, stream.hangup,
                                      uid=stream.connection.process.uid)

    def prompt(self, continuation: bool) -> str:
        """mkshrc's PS1 (or PS2): ``[STATUS|]HOSTNAME:PWD $ ``."""
        if continuation:
            return PS2
        status = f"{self.shell.status}|" if self.shell.status else ""
        hostname = self.shell.env.get("HOSTNAME") or self.device.props.get("ro.product.device", "android")
        sign = "#" if self.shell.uid == 0 else "$"
        return f"{status}{hostname}:{self.shell.cwd} {sign} "

    async def read_line(self) -> str | None:
        """One line as the terminal delivers it (echoed, with erase and Ctrl-C/Ctrl-D); None at
        end of input or on Ctrl-D at the start of a line."""
        line = bytearray()
        while True:
            byte = await self.keys.read(1)
            if not byte:
                return line.decode("utf-8", "replace") if line else None
            code = byte[0]
            after_cr, self._after_cr = self._after_cr, code == 0x0D
            if code == 0x0A and after_cr and not line:
                continue  # the \n of a \r\n: the \r ended the line already
            if code in (0x0A, 0x0D):
                if self.echo:
                    self.terminal.write(b"\n")
                return line.decode("utf-8", "replace")
            if self.pty and code == CTRL_D and not line:
                return None
            if self.pty and code == CTRL_C:
                if self.echo:
                    self.terminal.write(b"^C\n")
                line.clear()
                return ""
            if self.pty and code in (BACKSPACE, DELETE):
                if line:
                    del line[-1]
                    if self.echo:
                        self.terminal.write(b"\b \b")
                continue
            line += byte
            if self.echo:
                self.terminal.write(byte)

    async def run(self) -> int:
        pump = asyncio.create_task(_pump_input(self.stream, self.protocol_v2, self.pty, self.keys))
        try:
            status = await self._loop()
        finally:
            pump.cancel()
        return status

    async def _loop(self) -> int:
        pending = ""
        while not self.stream.hangup.is_set():
            if self.pty:
                self.terminal.write(self.prompt(continuation=bool(pending)))
            await self.stream.flush()
            line = await self.read_line()
            if line is None:
                if pending:  # end of input inside a command: let the shell say what is wrong
                    await self.shell.run(pending)
                return self.shell.status
            pending = f"{pending}\n{line}" if pending else line
            if not pending.strip():
                pending = ""
                continue
            if _incomplete(pending):
                continue
            command, pending = pending, ""
            if await self._run(command):
                return self.shell.status
        return self.shell.status

    async def _run(self, command: str) -> bool:
        """Run one complete command; True if it ended the shell (``exit``)."""
        try:
            parse(command)
        except Exception:  # a syntax error: the shell reports it and reads the next line
            await self.shell.run(command)
            return False
        await self.shell.run(f"{command}\n{STATUS_MARK}=$?")
        mark = self.shell.env.pop(STATUS_MARK, None)
        if mark is None:
            return True
        self.shell.status = int(mark)
        return False


def _incomplete(text: str) -> bool:
    """True while ``text`` needs more lines (an open quote, ``if`` without ``fi``, ...)."""
    try:
        parse(text)
    except Exception as error:  # the parser's syntax errors name what is missing
        message = str(error)
        return any(marker in message for marker in INCOMPLETE_MARKERS)
    return text.endswith("\\")


async def serve_interactive_shell(options: ShellOptions, stream: AdbStream, device: VirtualDevice) -> None:
    device.counters.count_service("shell_interactive")
    session = InteractiveSession(options, stream, device)
    status = await session.run()
    if options.protocol_v2 and not stream.closed:
        stream.queue(frame(ID_EXIT, bytes([status & 0xFF])))
    await stream.flush()
