"""Run parsed command lines the way adbd's ``/system/bin/sh -c LINE`` (mksh) would.

Semantics kept from mksh (``exec.c``, ``main.c``, ``funcs.c`` in MirBSD mksh as shipped by
``external/mksh``):

* an unknown command prints ``<sh>: NAME: inaccessible or not found`` and has status 127;
* a redirection that cannot be opened prints ``<sh>: can't create FILE: <strerror>`` (output)
  or ``<sh>: can't open FILE: <strerror>`` (input), the command does not run, status 1;
* ``exit [N]`` ends the whole command line with N (default: the last status); ``N`` that is
  not a number prints ``<sh>: exit: N: bad number`` and exits 1;
* ``<sh>`` is the shell's ``argv[0]``: ``/system/bin/sh`` for what adbd runs, ``sh`` for a
  nested ``sh -c`` (mksh's ``kshname``);
* statuses are kept modulo 256; unquoted parameter expansions are split on blanks.

Deliberate simplifications: the whole line is parsed before anything runs (mksh parses and runs
one line at a time, so ``echo a; $(x)`` prints nothing here, then the unsupported error); pipes
run their commands one after the other with the left side's output buffered, so a never-ending
producer (``logcat | grep``) never reaches the consumer; there is no working directory
(relative paths are taken from ``/``, adbd's directory), no ``cd``, no ``export``.
"""

from __future__ import annotations

import asyncio
import errno as errno_codes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from jobctl_sim.native.fs import R_OK, W_OK, FsError, MemoryFileSystem, normalize_path
from jobctl_sim.native.shell.command import SHELL_UID, DeviceHost, Invocation, invoke, resolve_path
from jobctl_sim.native.shell.parser import (
    AndOr,
    Literal,
    Param,
    Pipeline,
    Redirect,
    Script,
    ShellSyntaxError,
    SimpleCommand,
    Unsupported,
    Word,
    parse,
)
from jobctl_sim.native.streams import BufferOutput, InputStream, NullOutput, OutputStream

SHELL_NAME = "/system/bin/sh"
STATUS_SYNTAX_ERROR = 1
STATUS_UNSUPPORTED = 2
STATUS_NOT_FOUND = 127
STATUS_HANGUP = 129
"""128 + SIGHUP: what is left when the client went away mid-line."""

DEFAULT_ENV: dict[str, str] = {
    "PATH": "/product/bin:/apex/com.android.runtime/bin:/apex/com.android.art/bin:"
    "/system_ext/bin:/system/bin:/system/xbin:/odm/bin:/vendor/bin:/vendor/xbin",
    "HOME": "/",
    "SHELL": "/bin/sh",
    "USER": "shell",
    "LOGNAME": "shell",
    "TMPDIR": "/data/local/tmp",
    "ANDROID_DATA": "/data",
    "ANDROID_ROOT": "/system",
    "ANDROID_STORAGE": "/storage",
    "EXTERNAL_STORAGE": "/sdcard",
    "IFS": " \t\n",
}
"""The environment adbd's shell starts with (the variables ``adb shell env`` shows that matter)."""


class _Exit(Exception):
    """``exit N`` unwinding the interpreter."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class FileOutput:
    """An :class:`OutputStream` appending to a file of the device filesystem (``> file``)."""

    def __init__(self, fs: MemoryFileSystem, path: str) -> None:
        self.fs = fs
        self.path = path
        self.error: FsError | None = None

    def write(self, data: bytes | str) -> None:
        if self.error is not None:
            return
        payload = data.encode() if isinstance(data, str) else bytes(data)
        try:
            self.fs.write_bytes(self.path, payload, append=True)
        except FsError as exc:  # e.g. ENOSPC: like a failing write(2), later output is lost
            self.error = exc

    async def drain(self) -> None:
        return None


@dataclass
class _Streams:
    stdin: InputStream
    stdout: OutputStream
    stderr: OutputStream


class ShellInterpreter:
    """One ``sh`` process: runs command lines against a device's command registry."""

    def __init__(
        self,
        device: DeviceHost,
        stdin: InputStream,
        stdout: OutputStream,
        stderr: OutputStream,
        hangup: asyncio.Event,
        uid: int = SHELL_UID,
        *,
        name: str = SHELL_NAME,
        env: dict[str, str] | None = None,
        positional: list[str] | None = None,
        cwd: str = "/",
    ) -> None:
        self.device = device
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.hangup = hangup
        self.uid = uid
        self.name = name
        self.env: dict[str, str] = dict(DEFAULT_ENV if env is None else env)
        self.positional = list(positional or [])
        self.cwd = cwd
        self.status = 0

    # ------------------------------------------------------------------ entry point

    async def run(self, command_line: str) -> int:
        """Run ``command_line`` and return its exit status (0-255)."""
        try:
            script = parse(command_line)
        except ShellSyntaxError as exc:
            self.stderr.write(f"{self.name}: {exc.message}\n")
            return STATUS_SYNTAX_ERROR
        except Unsupported as exc:
            self.stderr.write(self.unsupported_message(exc.construct))
            return STATUS_UNSUPPORTED
        try:
            await self._run_script(script)
        except _Exit as exc:
            self.status = exc.status & 0xFF
        return self.status

    def unsupported_message(self, construct: str) -> str:
        return f"{self.name}: {construct}: not supported by the jobctl virtual device\n"

    # ------------------------------------------------------------------ structure

    async def _run_script(self, script: Script) -> None:
        for item in script.items:
            await self._run_and_or(item)

    async def _run_and_or(self, item: AndOr) -> None:
        await self._run_pipeline(item.first)
        for op, pipeline in item.rest:
            if (op == "&&") == (self.status == 0):
                await self._run_pipeline(pipeline)

    async def _run_pipeline(self, pipeline: Pipeline) -> None:
        stdin = self.stdin
        last = len(pipeline.commands) - 1
        for index, command in enumerate(pipeline.commands):
            if index < last:
                buffer = BufferOutput()
                await self._run_command(command, _Streams(stdin, buffer, self.stderr))
                stdin = InputStream.of(buffer.getvalue())
            else:
                await self._run_command(command, _Streams(stdin, self.stdout, self.stderr))

    # ------------------------------------------------------------------ one command

    async def _run_command(self, command: SimpleCommand, base: _Streams) -> None:
        if self.hangup.is_set():
            raise _Exit(STATUS_HANGUP)
        argv: list[str] = []
        for word in command.words:
            argv.extend(self.expand(word))
        assigned = {a.name: "".join(self.expand(a.value, split=False)) for a in command.assignments}
        streams = self._redirect(command.redirects, base)
        if streams is None:
            self.status = 1
            return
        if not argv:
            self.env.update(assigned)
            self.status = 0
            return
        special = self._special_builtins.get(argv[0])
        if special is not None:
            await special(argv, assigned, streams)
            return
        await self._run_external(argv, assigned, streams)

    # ------------------------------------------------------------------ special builtins
    # mksh runs these inside the shell itself: they change the shell's own state.

    @property
    def _special_builtins(self) -> dict[str, Callable[[list[str], dict[str, str], _Streams], Awaitable[None]]]:
        return {"exit": self._exit, "export": self._export, "unset": self._unset, "exec": self._exec,
                "cd": self._cd}

    async def _cd(self, argv: list[str], assigned: dict[str, str], streams: _Streams) -> None:
        """``cd [DIR]`` (no DIR: ``$HOME``, ``/`` on Android); mksh's error text on failure."""
        target = argv[1] if len(argv) > 1 else self.env.get("HOME", "/")
        resolved = normalize_path(resolve_path(self.cwd, target))
        stat = self.device.fs.stat(resolved)
        if stat is None or not stat.is_dir:
            reason = "No such file or directory" if stat is None else "Not a directory"
            streams.stderr.write(f"{self.name}: cd: {target}: {reason}\n")
            self.status = 1
            return
        self.cwd = resolved
        self.status = 0

    async def _exit(self, argv: list[str], assigned: dict[str, str], streams: _Streams) -> None:
        raise _Exit(self._exit_status(argv, streams))

    async def _export(self, argv: list[str], assigned: dict[str, str], streams: _Streams) -> None:
        """``export NAME=value…`` (the adb CLI's ``adb logcat`` sends ``export ANDROID_LOG_TAGS=…``)."""
        for word in argv[1:]:
            name, sep, value = word.partition("=")
            if sep:
                self.env[name] = value
        self.status = 0

    async def _unset(self, argv: list[str], assigned: dict[str, str], streams: _Streams) -> None:
        for name in argv[1:]:
            self.env.pop(name, None)
        self.status = 0

    async def _exec(self, argv: list[str], assigned: dict[str, str], streams: _Streams) -> None:
        """``exec CMD…`` replaces the shell: CMD runs and nothing after it does."""
        if len(argv) == 1:
            self.status = 0
            return
        await self._run_external(argv[1:], assigned, streams)
        raise _Exit(self.status)

    # ------------------------------------------------------------------ commands

    async def _run_external(self, argv: list[str], assigned: dict[str, str], streams: _Streams) -> None:
        self.device.record_command(tuple(argv))
        implementation = self.device.commands.lookup(argv[0])
        if implementation is None:
            streams.stderr.write(f"{self.name}: {argv[0]}: inaccessible or not found\n")
            self.status = STATUS_NOT_FOUND
            return
        invocation = Invocation(
            argv=argv,
            device=self.device,
            stdin=streams.stdin,
            stdout=streams.stdout,
            stderr=streams.stderr,
            hangup=self.hangup,
            uid=self.uid,
            env={**self.env, **assigned},
            cwd=self.cwd,
        )
        self.status = await invoke(implementation, invocation)

    def _exit_status(self, argv: list[str], streams: _Streams) -> int:
        if len(argv) < 2:
            return self.status
        text = argv[1]
        digits = text[1:] if text[:1] in "+-" else text
        if not digits.isdigit():
            streams.stderr.write(f"{self.name}: exit: {text}: bad number\n")
            return 1
        return int(text) & 0xFF

    # ------------------------------------------------------------------ expansion

    def parameter(self, name: str) -> str:
        """The value of ``$name`` (unset variables are empty)."""
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(self.device_pid)
        if name == "#":
            return str(len(self.positional))
        if name == "0":
            return self.name
        if name.isdigit():
            index = int(name)
            return self.positional[index - 1] if index <= len(self.positional) else ""
        return self.env.get(name, "")

    @property
    def device_pid(self) -> int:
        """A stable pid for ``$$`` (the shell has no real process)."""
        return 10000 + (id(self) % 20000)

    def expand(self, word: Word, split: bool = True) -> list[str]:
        """The fields ``word`` expands to: quoted parts stay whole, unquoted ``$X`` splits."""
        fields: list[str] = []
        current: list[str] = []
        exists = False
        separators = self.env.get("IFS", " \t\n")
        for part in word.parts:
            if isinstance(part, Literal):
                current.append(part.text)
                exists = exists or part.quoted or bool(part.text)
                continue
            assert isinstance(part, Param)
            value = self.parameter(part.name)
            if part.quoted or not split:
                current.append(value)
                exists = exists or part.quoted or bool(value)
                continue
            pieces = _split_fields(value, separators)
            if not pieces:
                continue
            if value[:1] in separators and (exists or current):
                fields.append("".join(current))
                current, exists = [], False
            for index, piece in enumerate(pieces):
                if index:
                    fields.append("".join(current))
                    current = []
                current.append(piece)
                exists = True
            if value[-1:] in separators:
                fields.append("".join(current))
                current, exists = [], False
        if exists or "".join(current):
            fields.append("".join(current))
        return fields

    # ------------------------------------------------------------------ redirection

    def _redirect(self, redirects: tuple[Redirect, ...], base: _Streams) -> _Streams | None:
        """Apply redirections left to right; None (after printing mksh's error) on failure."""
        table: dict[int, InputStream | OutputStream] = {0: base.stdin, 1: base.stdout, 2: base.stderr}
        for redirect in redirects:
            target = "".join(self.expand(redirect.target, split=False))
            if redirect.op in (">&", "<&"):
                source = int(target)
                if source not in table:
                    base.stderr.write(f"{self.name}: {source}: bad file descriptor\n")
                    return None
                table[redirect.fd] = table[source]
                continue
            opened = self._open(redirect, target, base.stderr)
            if opened is None:
                return None
            table[redirect.fd] = opened
        stdin, stdout, stderr = table[0], table[1], table[2]
        if not isinstance(stdin, InputStream):
            stdin = InputStream.of(b"")  # "<&1": reading from an output stream reads nothing
        if isinstance(stdout, InputStream):
            stdout = NullOutput()
        if isinstance(stderr, InputStream):
            stderr = NullOutput()
        return _Streams(stdin, stdout, stderr)

    def _open(self, redirect: Redirect, shown: str, stderr: OutputStream) -> InputStream | OutputStream | None:
        """Open a redirection target; errors name the path as written (``shown``)."""
        fs = self.device.fs
        path = resolve_path(self.cwd, shown)
        if redirect.op == "<":
            try:
                fs.check_access(path, self.uid, R_OK)
                return InputStream.of(fs.read_bytes(path))
            except FsError as exc:
                stderr.write(f"{self.name}: can't open {shown}: {exc.strerror}\n")
                return None
        try:
            st = fs.stat(path)
            if st is not None and st.is_dir:
                raise FsError(errno_codes.EISDIR, path)
            fs.check_access(path, self.uid, W_OK)
            if redirect.op == ">" or st is None:
                fs.write_bytes(path, b"", mode=0o100666 & ~0o022, append=redirect.op == ">>", uid=self.uid)
        except FsError as exc:
            stderr.write(f"{self.name}: can't create {shown}: {exc.strerror}\n")
            return None
        if path == "/dev/null" or fs.realpath(path) == "/dev/null":
            return NullOutput()
        return FileOutput(fs, path)


def _split_fields(value: str, separators: str) -> list[str]:
    """IFS whitespace splitting of an unquoted expansion."""
    fields: list[str] = []
    current: list[str] = []
    for char in value:
        if char in separators:
            if current:
                fields.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        fields.append("".join(current))
    return fields
