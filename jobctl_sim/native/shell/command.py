"""The contract between the device shell and the commands it runs.

A command is a callable taking an :class:`Invocation` and returning its exit status, either
directly or as an awaitable. Android services (``cmd``, ``dumpsys``, ``am``, ``pm``, ...) plug
into a device's :class:`CommandRegistry`; the shell looks names up there. What a command reaches
of the device it runs on is :class:`DeviceHost`, declared here so that this layer needs nothing
above it (:class:`jobctl_sim.device.VirtualDevice` is the device that satisfies it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from jobctl_sim.native.clock import VirtualClock
from jobctl_sim.native.fs import MemoryFileSystem
from jobctl_sim.native.logcat.buffer import LogBuffer
from jobctl_sim.native.streams import InputStream, OutputStream

SHELL_UID = 2000
"""The uid adbd runs shell commands as on a user build (AID_SHELL)."""


class DeviceHost(Protocol):
    """The device as a process on it sees it: files, properties, the log, the clock, the commands
    on its ``PATH``, and the ways to start a shell or ask init to reboot."""

    @property
    def fs(self) -> MemoryFileSystem: ...

    @property
    def props(self) -> dict[str, str]:
        """System properties (``setprop`` writes into this mapping)."""
        ...

    @property
    def log(self) -> LogBuffer: ...

    @property
    def clock(self) -> VirtualClock: ...

    @property
    def commands(self) -> CommandRegistry: ...

    def record_command(self, argv: tuple[str, ...]) -> None:
        """Called by the shell for every simple command it is about to run."""

    def request_reboot(self) -> asyncio.Task[None]:
        """Start a reboot (``reboot``, ``svc power reboot``); one at a time."""
        ...

    async def run_shell(self, command_line: str, stdin: InputStream, stdout: OutputStream, stderr: OutputStream,
                        hangup: asyncio.Event | None = None, uid: int = SHELL_UID, cwd: str = "/") -> int:
        """Run one command line in a new ``sh`` (as ``uid``, in ``cwd``); its exit status."""
        ...


@dataclass
class Invocation:
    """One run of one command: its argv, streams and the device it runs on."""

    argv: list[str]
    device: DeviceHost
    stdin: InputStream
    stdout: OutputStream
    stderr: OutputStream
    hangup: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the client went away; streaming commands stop when it is set."""
    uid: int = SHELL_UID
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = "/"
    """The shell's working directory; relative paths resolve against it."""
    shell_pid: int = 0
    """``$$`` of the shell that started this command (``ps`` shows it as the command's parent)."""

    @property
    def name(self) -> str:
        return self.argv[0]

    @property
    def args(self) -> list[str]:
        return self.argv[1:]

    def path(self, path: str) -> str:
        """``path`` made absolute against the working directory (for filesystem calls)."""
        return resolve_path(self.cwd, path)

    def out(self, text: str) -> None:
        """Write text to stdout."""
        self.stdout.write(text)

    def err(self, text: str) -> None:
        """Write text to stderr."""
        self.stderr.write(text)


def resolve_path(cwd: str, path: str) -> str:
    """``path`` if absolute, else ``cwd/path`` (normalisation is the filesystem's job)."""
    if path.startswith("/") or not path:
        return path
    return cwd.rstrip("/") + "/" + path


CommandResult = int | Awaitable[int]
Command = Callable[[Invocation], CommandResult]


class CommandRegistry:
    """Names the shell can run, mapped to their implementations."""

    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    def register(self, name: str, command: Command) -> None:
        """Add or replace the command called ``name`` (also reachable as ``/system/bin/NAME``)."""
        self._commands[name] = command

    def unregister(self, name: str) -> None:
        self._commands.pop(name, None)

    def lookup(self, name: str) -> Command | None:
        """The command for ``name`` or for its ``/system/bin/`` or ``/system/xbin/`` path."""
        for prefix in ("/system/bin/", "/system/xbin/", "/vendor/bin/"):
            if name.startswith(prefix):
                name = name[len(prefix):]
                break
        return self._commands.get(name)

    def __contains__(self, name: str) -> bool:
        return self.lookup(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._commands))


async def invoke(command: Command, invocation: Invocation) -> int:
    """Run ``command`` and return its exit status (0-255)."""
    result = command(invocation)
    if not isinstance(result, int):
        result = await result
    return result & 0xFF
