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
* statuses are kept modulo 256; unquoted expansions are split on ``IFS`` and globbed;
* lookup order is special builtins, functions, builtins, then the device's commands
  (``/system/bin``); the last command of a pipeline runs in the current shell (so
  ``echo x | read v`` sets ``v``, as in mksh), the others and ``( … )`` in a copy of it;
* a command substitution's status is ``$?`` after a command made only of assignments.

Deliberate simplifications: the whole line is parsed before anything runs (mksh parses and runs
one line at a time, so ``echo a; $(x`` prints nothing here, then the syntax error); pipes run their
commands one after the other with the left side's output buffered, so a never-ending producer
(``logcat | grep``) never reaches the consumer.
"""

from __future__ import annotations

import asyncio
import errno as errno_codes

from jobctl_sim.native.fs import R_OK, W_OK, FsError, MemoryFileSystem
from jobctl_sim.native.shell.ast import (
    AndOr,
    BraceGroup,
    CaseClause,
    Command,
    ForLoop,
    FunctionDef,
    IfClause,
    Loop,
    Pipeline,
    Redirect,
    Script,
    SimpleCommand,
    Subshell,
)
from jobctl_sim.native.shell.command import Invocation, invoke, resolve_path
from jobctl_sim.native.shell.lexer import ShellSyntaxError, Unsupported
from jobctl_sim.native.shell.parser import parse
from jobctl_sim.native.shell.special import SPECIAL_BUILTINS, ShellBuiltins
from jobctl_sim.native.shell.state import (
    DEFAULT_ENV,
    SHELL_NAME,
    STATUS_HANGUP,
    STATUS_NOT_FOUND,
    STATUS_SYNTAX_ERROR,
    STATUS_UNSUPPORTED,
    FunctionReturn,
    LoopControl,
    ShellExit,
    Streams,
)
from jobctl_sim.native.streams import BufferOutput, InputStream, NullOutput, OutputStream

__all__ = ["DEFAULT_ENV", "SHELL_NAME", "FileOutput", "ShellInterpreter"]

_Exit = ShellExit


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


class ShellInterpreter(ShellBuiltins):
    """One ``sh`` process: runs command lines against a device's command registry."""

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
            await self.run_script(script)
        except ShellExit as exc:
            self.status = exc.status & 0xFF
        except (FunctionReturn, LoopControl):
            pass
        except Unsupported as exc:
            self.stderr.write(self.unsupported_message(exc.construct))
            self.status = STATUS_UNSUPPORTED
        return self.status

    def unsupported_message(self, construct: str) -> str:
        return f"{self.name}: {construct}: not supported by the jobctl virtual device\n"

    def child(self, stdout: OutputStream | None = None, stdin: InputStream | None = None) -> ShellInterpreter:
        """A subshell: a copy of this shell's state with its own streams."""
        sub = ShellInterpreter(self.device, stdin or self.stdin, stdout or self.stdout, self.stderr,
                               self.hangup, self.uid, name=self.name)
        self.copy_state_into(sub)
        sub.errexit, sub.xtrace = self.errexit, self.xtrace
        return sub

    async def in_subshell(self, script: Script, streams: Streams) -> int:
        sub = self.child(streams.stdout, streams.stdin)
        sub.stderr = streams.stderr
        try:
            await sub.run_script(script)
        except ShellExit as exc:
            sub.status = exc.status & 0xFF
        except (FunctionReturn, LoopControl):
            pass
        return sub.status

    async def command_output(self, script: Script) -> str:
        out = BufferOutput()
        self.comsub_status = await self.in_subshell(script, Streams(self.stdin, out, self.stderr))
        return out.getvalue().decode("utf-8", "replace")

    comsub_status: int | None = None

    # ------------------------------------------------------------------ structure

    async def run_script(self, script: Script, streams: Streams | None = None, condition: bool = False) -> None:
        for item in script.items:
            await self._run_and_or(item, streams or Streams(self.stdin, self.stdout, self.stderr), condition)

    async def _run_and_or(self, item: AndOr, streams: Streams, condition: bool) -> None:
        await self._run_pipeline(item.first, streams, condition or bool(item.rest))
        for index, (op, pipeline) in enumerate(item.rest):
            if (op == "&&") == (self.status == 0):
                await self._run_pipeline(pipeline, streams, condition or index < len(item.rest) - 1)
        if self.errexit and not condition and self.status != 0 and not item.first.negated:
            raise ShellExit(self.status)

    async def _run_pipeline(self, pipeline: Pipeline, streams: Streams, condition: bool) -> None:
        stdin = streams.stdin
        last = len(pipeline.commands) - 1
        for index, command in enumerate(pipeline.commands):
            if index < last:
                buffer = BufferOutput()
                part = Streams(stdin, buffer, streams.stderr)
                self.status = await self.in_subshell(Script((AndOr(Pipeline((command,)), ()),)), part)
                stdin = InputStream.of(buffer.getvalue())
            else:
                await self._run_command(command, Streams(stdin, streams.stdout, streams.stderr), condition)
        if pipeline.negated:
            self.status = int(self.status == 0)

    async def _run_command(self, command: Command, base: Streams, condition: bool = False) -> None:
        if self.hangup.is_set():
            raise ShellExit(STATUS_HANGUP)
        if isinstance(command, SimpleCommand):
            await self._run_simple(command, base)
            return
        if isinstance(command, FunctionDef):
            self.functions[command.name] = command.body
            self.status = 0
            return
        streams = await self._redirect(command.redirects, base)
        if streams is None:
            self.status = 1
            return
        if isinstance(command, BraceGroup):
            await self.run_script(command.body, streams, condition)
        elif isinstance(command, Subshell):
            self.status = await self.in_subshell(command.body, streams)
        elif isinstance(command, IfClause):
            await self._run_if(command, streams, condition)
        elif isinstance(command, Loop):
            await self._run_loop(command, streams, condition)
        elif isinstance(command, ForLoop):
            await self._run_for(command, streams, condition)
        else:
            await self._run_case(command, streams, condition)

    async def _run_if(self, command: IfClause, streams: Streams, condition: bool) -> None:
        for test, body in command.branches:
            await self.run_script(test, streams, condition=True)
            if self.status == 0:
                await self.run_script(body, streams, condition)
                return
        self.status = 0
        if command.otherwise is not None:
            await self.run_script(command.otherwise, streams, condition)

    async def _loop_body(self, body: Script, streams: Streams, condition: bool) -> str:
        """Run one iteration; ``"break"``/``"continue"`` when a loop control reached this loop."""
        try:
            await self.run_script(body, streams, condition)
        except LoopControl as control:
            if control.levels > 1:
                raise LoopControl(control.kind, control.levels - 1) from None
            return control.kind
        return ""

    async def _run_loop(self, command: Loop, streams: Streams, condition: bool) -> None:
        status = 0
        self.loop_depth += 1
        try:
            while True:
                await asyncio.sleep(0)  # let the loop serve other streams and see a hangup
                if self.hangup.is_set():
                    raise ShellExit(STATUS_HANGUP)
                await self.run_script(command.condition, streams, condition=True)
                if (self.status == 0) == command.until:
                    break
                outcome = await self._loop_body(command.body, streams, condition)
                status = self.status
                if outcome == "break":
                    break
        finally:
            self.loop_depth -= 1
        self.status = status

    async def _run_for(self, command: ForLoop, streams: Streams, condition: bool) -> None:
        if command.words is None:
            values = list(self.positional)
        else:
            values = []
            for word in command.words:
                values.extend(await self.expand(word))
        self.status = 0
        self.loop_depth += 1
        try:
            for value in values:
                await asyncio.sleep(0)
                if self.hangup.is_set():
                    raise ShellExit(STATUS_HANGUP)
                self.set_var(command.name, value)
                if await self._loop_body(command.body, streams, condition) == "break":
                    break
        finally:
            self.loop_depth -= 1

    async def _run_case(self, command: CaseClause, streams: Streams, condition: bool) -> None:
        subject = "".join(await self.expand(command.subject, split=False, glob=False))
        self.status = 0
        for item in command.items:
            for pattern in item.patterns:
                if await self.pattern_matches(subject, pattern):
                    await self.run_script(item.body, streams, condition)
                    return

    # ------------------------------------------------------------------ simple commands

    async def _run_simple(self, command: SimpleCommand, base: Streams) -> None:
        self.comsub_status = None
        argv: list[str] = []
        for word in command.words:
            argv.extend(await self.expand(word))
        assigned: dict[str, str] = {}
        for assignment in command.assignments:
            assigned[assignment.name] = "".join(await self.expand(assignment.value, split=False, glob=False))
        streams = await self._redirect(command.redirects, base)
        if streams is None:
            self.status = 1
            return
        if self.xtrace:
            streams.stderr.write("+ " + " ".join([*(f"{k}={v}" for k, v in assigned.items()), *argv]) + "\n")
        if not argv:
            for name, value in assigned.items():
                self.set_var(name, value)
            self.status = self.comsub_status if self.comsub_status is not None else 0
            return
        await self.run_argv(argv, assigned, streams)

    async def run_argv(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> None:
        name = argv[0]
        builtin = self.builtin(name)
        if builtin is not None and name in SPECIAL_BUILTINS:
            for key, value in assigned.items():
                self.set_var(key, value)  # POSIX: assignments before special builtins persist
            self.status = await builtin(argv, assigned, streams)
            return
        function = self.functions.get(name)
        if function is not None:
            await self._call_function(function, argv, assigned, streams)
            return
        if builtin is not None:
            self.status = await builtin(argv, assigned, streams)
            return
        await self._run_external(argv, assigned, streams)

    async def _call_function(self, body: Command, argv: list[str], assigned: dict[str, str], streams: Streams) -> None:
        saved_positional = self.positional
        self.positional = argv[1:]
        self.local_frames.append({})
        for key, value in assigned.items():
            self.make_local(key)
            self.set_var(key, value)
        self.function_depth += 1
        saved_loops, self.loop_depth = self.loop_depth, 0
        try:
            await self._run_command(body, streams)
        except FunctionReturn as returned:
            self.status = returned.status
        finally:
            self.function_depth -= 1
            self.loop_depth = saved_loops
            self.positional = saved_positional
            self.pop_local_frame()

    async def _run_external(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> None:
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
            env={**self.environment(), **assigned},
            cwd=self.cwd,
            shell_pid=self.pid,
        )
        self.status = await invoke(implementation, invocation)

    # ------------------------------------------------------------------ redirection

    async def _redirect(self, redirects: tuple[Redirect, ...], base: Streams) -> Streams | None:
        """Apply redirections left to right; None (after printing mksh's error) on failure."""
        table: dict[int, InputStream | OutputStream] = {0: base.stdin, 1: base.stdout, 2: base.stderr}
        for redirect in redirects:
            target = "".join(await self.expand(redirect.target, split=False, glob=False))
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
        return Streams(stdin, stdout, stderr)

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
