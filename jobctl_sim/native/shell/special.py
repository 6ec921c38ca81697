"""The builtins mksh runs inside the shell because they read or change its state (``funcs.c``,
``c_*``): ``cd``, ``pwd``, ``exit``, ``export``, ``unset``, ``exec``, ``local``/``typeset``,
``return``, ``break``, ``continue``, ``shift``, ``set``, ``read``, ``eval``, ``:``, ``test``/``[``.

Errors read ``<sh>: BUILTIN: MESSAGE`` (``bi_errorf``); a failing *special* builtin (``shift``,
``set``, ``export``, ``return``, ``break``, ``continue``, ``eval``, ``exit``, ``exec``, ``:``,
``unset``) ends a non-interactive shell as POSIX requires, with status 1.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable

from jobctl_sim.native.fs import normalize_path
from jobctl_sim.native.shell.arith import ArithError, ArithEvaluator
from jobctl_sim.native.shell.ast import Script
from jobctl_sim.native.shell.command import resolve_path
from jobctl_sim.native.shell.conditional import TestContext, run_test
from jobctl_sim.native.shell.expand import Expansion, split_fields
from jobctl_sim.native.shell.lexer import NAME, ShellSyntaxError, Unsupported
from jobctl_sim.native.shell.parser import parse
from jobctl_sim.native.shell.state import FunctionReturn, LoopControl, ShellExit, Streams

Builtin = Callable[[list[str], dict[str, str], Streams], Awaitable[int]]

SPECIAL_BUILTINS = frozenset({"exit", "export", "unset", "exec", "return", "break", "continue", "shift",
                              "set", "eval", ":", "readonly"})
REGULAR_BUILTINS = frozenset({"cd", "pwd", "local", "typeset", "read", "test", "["})
SHELL_SET_OPTIONS = frozenset("ex")
"""``set -e`` (errexit) and ``set -x`` (xtrace) are modelled; other options are not."""


class ShellBuiltins(Expansion):
    """The state-changing builtins; the interpreter looks names up in :meth:`builtin`."""

    errexit = False
    xtrace = False

    @abstractmethod
    async def run_script(self, script: Script) -> None: ...

    @abstractmethod
    async def run_argv(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> None: ...

    def builtin(self, name: str) -> Builtin | None:
        table: dict[str, Builtin] = {
            "exit": self._exit, "export": self._export, "readonly": self._export, "unset": self._unset,
            "exec": self._exec, "return": self._return, "break": self._loop_control,
            "continue": self._loop_control, "shift": self._shift, "set": self._set, "eval": self._eval,
            ":": self._colon, "cd": self._cd, "pwd": self._pwd, "local": self._local, "typeset": self._local,
            "read": self._read, "test": self._test, "[": self._test,
        }
        return table.get(name)

    def bi_error(self, streams: Streams, argv: list[str], message: str) -> int:
        """Print ``<sh>: BUILTIN: MESSAGE``; a special builtin's error ends the shell."""
        streams.stderr.write(f"{self.name}: {argv[0]}: {message}\n")
        if argv[0] in SPECIAL_BUILTINS:
            raise ShellExit(1)
        return 1

    async def _colon(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        return 0

    async def _cd(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        """``cd [DIR]`` (no DIR: ``$HOME``, ``/`` on Android); ``cd -`` goes to ``$OLDPWD``."""
        target = argv[1] if len(argv) > 1 else self.get_var("HOME") or "/"
        if target == "-":
            target = self.get_var("OLDPWD") or self.cwd
            streams.stdout.write(target + "\n")
        resolved = normalize_path(resolve_path(self.cwd, target))
        stat = self.device.fs.stat(resolved)
        if stat is None or not stat.is_dir:
            reason = "No such file or directory" if stat is None else "Not a directory"
            return self.bi_error(streams, argv, f"{target}: {reason}")
        self.set_var("OLDPWD", self.cwd)
        self.cwd = resolved
        self.set_var("PWD", resolved)
        return 0

    async def _pwd(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        streams.stdout.write(self.cwd + "\n")
        return 0

    async def _exit(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        raise ShellExit(self._number_argument(argv, streams, self.status))

    def _number_argument(self, argv: list[str], streams: Streams, default: int) -> int:
        if len(argv) < 2:
            return default
        text = argv[1]
        digits = text[1:] if text[:1] in "+-" else text
        if not digits.isdigit():
            streams.stderr.write(f"{self.name}: {argv[0]}: {text}: bad number\n")
            raise ShellExit(1)
        return int(text) & 0xFF

    async def _return(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        status = self._number_argument(argv, streams, self.status)
        if not self.function_depth:
            raise ShellExit(status)  # mksh: return outside a function leaves a sourced/-c script
        raise FunctionReturn(status)

    async def _loop_control(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        levels = 1
        if len(argv) > 1:
            if not argv[1].lstrip("-").isdigit():
                return self.bi_error(streams, argv, f"{argv[1]}: bad number")
            levels = int(argv[1])
            if levels <= 0:
                return self.bi_error(streams, argv, f"{argv[1]}: bad value")
        if not self.loop_depth:
            streams.stderr.write(f"{self.name}: {argv[0]}: can't {argv[0]}\n")
            return 0
        if levels > self.loop_depth:
            streams.stderr.write(f"{self.name}: {argv[0]}: can only {argv[0]} {self.loop_depth} level(s)\n")
            levels = self.loop_depth
        raise LoopControl(argv[0], levels)

    async def _export(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        """``export [-p] NAME[=value]…`` (the adb CLI's ``adb logcat`` sends ``export ANDROID_LOG_TAGS=…``)."""
        names = [a for a in argv[1:] if a != "-p"]
        if not names:
            for name in sorted(self.exported):
                if name in self.vars:
                    keyword = "export" if argv[0] == "export" else "readonly"
                    streams.stdout.write(f"{keyword} {name}={_quote(self.vars[name])}\n")
            return 0
        for word in names:
            name, sep, value = word.partition("=")
            if not NAME.fullmatch(name):
                return self.bi_error(streams, argv, f"{name}: is not an identifier")
            if sep:
                self.set_var(name, value)
            if argv[0] == "export":
                self.exported.add(name)
        return 0

    async def _unset(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        for name in argv[1:]:
            if name == "-f":
                continue
            if name == "-v":
                continue
            if "-f" in argv[1:]:
                self.functions.pop(name, None)
            else:
                self.unset_var(name)
        return 0

    async def _local(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        for word in argv[1:]:
            if word.startswith("-"):
                continue
            name, sep, value = word.partition("=")
            if not NAME.fullmatch(name):
                return self.bi_error(streams, argv, f"{name}: is not an identifier")
            self.make_local(name)
            if sep:
                self.set_var(name, value)
            elif self.local_frames:
                self.vars.pop(name, None)
        return 0

    async def _exec(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        """``exec CMD…`` replaces the shell: CMD runs and nothing after it does."""
        if len(argv) == 1:
            return 0
        await self.run_argv(argv[1:], assigned, streams)
        raise ShellExit(self.status)

    async def _shift(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        count = 1
        if len(argv) > 1:
            try:
                count = ArithEvaluator(lambda n: self.parameter(n) or "", self.set_var).evaluate(argv[1])
            except ArithError as exc:
                streams.stderr.write(f"{self.name}: {exc.message}\n")
                raise ShellExit(1) from None
            if count < 0:
                return self.bi_error(streams, argv, f"bad number: {argv[1]}")
        if count > len(self.positional):
            return self.bi_error(streams, argv, "nothing to shift")
        self.positional = self.positional[count:]
        return 0

    async def _set(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        args = argv[1:]
        if not args:
            for name in sorted(self.vars):
                streams.stdout.write(f"{name}={_quote(self.vars[name])}\n")
            return 0
        while args and args[0][:1] in "-+" and args[0] not in ("-", "--"):
            flag = args.pop(0)
            for letter in flag[1:]:
                if letter not in SHELL_SET_OPTIONS:
                    raise Unsupported(f"set {flag[0]}{letter}")
                if letter == "e":
                    self.errexit = flag[0] == "-"
                else:
                    self.xtrace = flag[0] == "-"
        if args and args[0] in ("-", "--"):
            args.pop(0)
            self.positional = list(args)
        elif args:
            self.positional = list(args)
        return 0

    async def _eval(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        try:
            script = parse(" ".join(argv[1:]))
        except ShellSyntaxError as exc:
            streams.stderr.write(f"{self.name}: {exc.message}\n")
            raise ShellExit(1) from None
        self.status = 0
        await self.run_script(script)
        return self.status

    async def _read(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        """``read [-r] [NAME…]``: one line split on IFS, the last name taking the rest."""
        args = argv[1:]
        raw = False
        while args and args[0].startswith("-") and len(args[0]) > 1:
            option = args.pop(0)
            if option == "-r":
                raw = True
            else:
                return self.bi_error(streams, argv, f"{option}: unknown option")
        names = args or ["REPLY"]
        line_bytes = await streams.stdin.readline()
        at_eof = not line_bytes.endswith(b"\n")
        line = line_bytes.decode("utf-8", "replace").rstrip("\n")
        if not raw:
            line = line.replace("\\\n", "").replace("\\", "")
        separators = self.vars.get("IFS", " \t\n")
        if names == ["REPLY"] and not args:
            self.set_var("REPLY", line)
        else:
            rest = line.strip(separators) if separators.strip() == "" else line
            for index, name in enumerate(names):
                if index == len(names) - 1:
                    self.set_var(name, rest.strip(separators))
                    break
                pieces = split_fields(rest, separators)
                value = pieces[0] if pieces else ""
                self.set_var(name, value)
                rest = rest.lstrip(separators)[len(value):].lstrip(separators)
        return 1 if at_eof else 0

    async def _test(self, argv: list[str], assigned: dict[str, str], streams: Streams) -> int:
        context = TestContext(self.device.fs, self.uid, self.cwd,
                              ArithEvaluator(lambda n: self.parameter(n) or "", self.set_var).evaluate)
        status, error = run_test(argv[0], argv[1:], context)
        if error:
            streams.stderr.write(f"{self.name}: {error}\n")
        return status


def _quote(value: str) -> str:
    if value and all(c.isalnum() or c in "_/.:-,+@%" for c in value):
        return value
    return "'" + value.replace("'", "'\\''") + "'"
