"""What one ``sh`` process holds: variables (with ``export`` and ``local`` scopes), functions,
positional parameters, the working directory and the last status; and the exceptions that unwind
``exit``, ``return``, ``break`` and ``continue`` (mksh ``unwind`` with ``LEXIT``/``LRETURN``/
``LBREAK``/``LCONTIN``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from jobctl_sim.native.shell.ast import Command
from jobctl_sim.native.shell.command import SHELL_UID, DeviceHost
from jobctl_sim.native.streams import InputStream, OutputStream

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
}
"""The environment adbd's shell starts with (the variables ``adb shell env`` shows that matter)."""

SHELL_ONLY_VARIABLES: dict[str, str] = {"IFS": " \t\n", "PS1": "$ ", "PS2": "> ", "PS4": "+ ", "OPTIND": "1"}
"""Variables mksh sets without exporting them."""


class ShellExit(Exception):
    """``exit N`` (or a fatal error) unwinding the whole shell."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class FunctionReturn(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class LoopControl(Exception):
    """``break N`` / ``continue N``: ``levels`` enclosing loops are left (the last one continued)."""

    def __init__(self, kind: str, levels: int) -> None:
        super().__init__(kind, levels)
        self.kind = kind
        self.levels = levels


@dataclass
class Streams:
    stdin: InputStream
    stdout: OutputStream
    stderr: OutputStream


class ShellState:
    """Variables, functions and parameters of one shell; copied for subshells."""

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
        pid: int | None = None,
    ) -> None:
        self.device = device
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.hangup = hangup
        self.uid = uid
        self.name = name
        environment = dict(DEFAULT_ENV if env is None else env)
        if uid == 0 and env is None:
            environment.update(USER="root", LOGNAME="root")
        self.vars: dict[str, str] = {**SHELL_ONLY_VARIABLES, **environment}
        self.exported: set[str] = set(environment)
        self.functions: dict[str, Command] = {}
        self.positional = list(positional or [])
        self.cwd = cwd
        self.status = 0
        self.pid = pid if pid is not None else 10000 + (id(self) % 20000)
        """``$$``: a stable pid for this shell."""
        self.local_frames: list[dict[str, tuple[str | None, bool]]] = []
        """Per function call: the value (or absence) and export flag each ``local`` name had."""
        self.loop_depth = 0
        self.function_depth = 0

    # ------------------------------------------------------------------ variables

    @property
    def env(self) -> dict[str, str]:
        """Every shell variable (exported or not), by name; changes go to the shell."""
        return self.vars

    def get_var(self, name: str) -> str | None:
        return self.vars.get(name)

    def set_var(self, name: str, value: str) -> None:
        self.vars[name] = value

    def unset_var(self, name: str) -> None:
        self.vars.pop(name, None)
        self.exported.discard(name)

    def make_local(self, name: str) -> None:
        if not self.local_frames:
            return
        frame = self.local_frames[-1]
        if name not in frame:
            frame[name] = (self.vars.get(name), name in self.exported)

    def pop_local_frame(self) -> None:
        for name, (value, exported) in self.local_frames.pop().items():
            if value is None:
                self.vars.pop(name, None)
            else:
                self.vars[name] = value
            if exported:
                self.exported.add(name)
            else:
                self.exported.discard(name)

    def environment(self) -> dict[str, str]:
        """What a command started by this shell receives: the exported variables."""
        return {name: self.vars[name] for name in self.exported if name in self.vars}

    def copy_state_into(self, child: ShellState) -> None:
        """Give a subshell this shell's variables, functions, parameters and directory."""
        child.vars = dict(self.vars)
        child.exported = set(self.exported)
        child.functions = dict(self.functions)
        child.positional = list(self.positional)
        child.cwd = self.cwd
        child.status = self.status
        child.pid = self.pid
