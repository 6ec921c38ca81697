"""The native commands every virtual device has before Android is installed on it: mksh's
builtins and ``sh`` (:mod:`jobctl_sim.native.shell.builtins`), toybox's tools
(:mod:`jobctl_sim.native.toybox`) and ``logcat`` (:mod:`jobctl_sim.native.logcat`)."""

from __future__ import annotations

from jobctl_sim.native.logcat.command import logcat_command
from jobctl_sim.native.shell.builtins import cmd_command, cmd_echo, cmd_false, cmd_sh, cmd_true, cmd_which
from jobctl_sim.native.shell.command import Command, CommandRegistry
from jobctl_sim.native.toybox.files import cmd_cat, cmd_ls, cmd_mkdir, cmd_mv, cmd_rm
from jobctl_sim.native.toybox.system import cmd_getprop, cmd_id, cmd_setprop, cmd_sleep

NATIVE_COMMANDS: dict[str, Command] = {
    "echo": cmd_echo,
    "true": cmd_true,
    "false": cmd_false,
    "cat": cmd_cat,
    "sleep": cmd_sleep,
    "rm": cmd_rm,
    "mkdir": cmd_mkdir,
    "mv": cmd_mv,
    "ls": cmd_ls,
    "getprop": cmd_getprop,
    "setprop": cmd_setprop,
    "id": cmd_id,
    "logcat": logcat_command,
    "sh": cmd_sh,
    "which": cmd_which,
    "command": cmd_command,
}


def install_native_commands(commands: CommandRegistry) -> None:
    """Register every command of :data:`NATIVE_COMMANDS` in ``commands``."""
    for name, command in NATIVE_COMMANDS.items():
        commands.register(name, command)


__all__ = ["NATIVE_COMMANDS", "install_native_commands"]
