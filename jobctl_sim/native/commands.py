"""The native commands every virtual device has before Android is installed on it: mksh's
builtins and ``sh`` (:mod:`jobctl_sim.native.shell.builtins`), toybox's tools
(:mod:`jobctl_sim.native.toybox`) and ``logcat`` (:mod:`jobctl_sim.native.logcat`).

``test``/``[`` are also toybox tools (``/system/bin/test``), reached when run by path or from
``xargs``; the shell runs its own builtin first, as mksh does.
"""

from __future__ import annotations

from jobctl_sim.native.logcat.command import logcat_command
from jobctl_sim.native.shell.builtins import cmd_command, cmd_echo, cmd_false, cmd_sh, cmd_test, cmd_true, cmd_which
from jobctl_sim.native.shell.command import Command, CommandRegistry
from jobctl_sim.native.toybox.awk import cmd_awk
from jobctl_sim.native.toybox.fileinfo import cmd_chmod, cmd_hashsum, cmd_stat, cmd_touch
from jobctl_sim.native.toybox.files import cmd_cat, cmd_ls, cmd_mkdir, cmd_mv, cmd_rm
from jobctl_sim.native.toybox.find import cmd_find
from jobctl_sim.native.toybox.grep import cmd_grep
from jobctl_sim.native.toybox.printf import cmd_printf
from jobctl_sim.native.toybox.ps import cmd_pidof, cmd_ps
from jobctl_sim.native.toybox.sed import cmd_sed
from jobctl_sim.native.toybox.sysinfo import cmd_date, cmd_log, cmd_uname, cmd_whoami
from jobctl_sim.native.toybox.system import cmd_getprop, cmd_id, cmd_setprop, cmd_sleep
from jobctl_sim.native.toybox.text import cmd_cut, cmd_head, cmd_sort, cmd_tail, cmd_tee, cmd_tr, cmd_wc
from jobctl_sim.native.toybox.xargs import cmd_xargs

NATIVE_COMMANDS: dict[str, Command] = {
    "echo": cmd_echo,
    "true": cmd_true,
    "false": cmd_false,
    "test": cmd_test,
    "[": cmd_test,
    "cat": cmd_cat,
    "sleep": cmd_sleep,
    "rm": cmd_rm,
    "mkdir": cmd_mkdir,
    "mv": cmd_mv,
    "ls": cmd_ls,
    "getprop": cmd_getprop,
    "setprop": cmd_setprop,
    "id": cmd_id,
    "whoami": cmd_whoami,
    "logcat": logcat_command,
    "log": cmd_log,
    "sh": cmd_sh,
    "which": cmd_which,
    "command": cmd_command,
    "grep": cmd_grep,
    "egrep": cmd_grep,
    "fgrep": cmd_grep,
    "ps": cmd_ps,
    "pidof": cmd_pidof,
    "head": cmd_head,
    "tail": cmd_tail,
    "cut": cmd_cut,
    "wc": cmd_wc,
    "tr": cmd_tr,
    "tee": cmd_tee,
    "sort": cmd_sort,
    "sed": cmd_sed,
    "awk": cmd_awk,
    "xargs": cmd_xargs,
    "printf": cmd_printf,
    "date": cmd_date,
    "uname": cmd_uname,
    "stat": cmd_stat,
    "touch": cmd_touch,
    "chmod": cmd_chmod,
    "find": cmd_find,
    "md5sum": cmd_hashsum,
    "sha1sum": cmd_hashsum,
    "sha224sum": cmd_hashsum,
    "sha256sum": cmd_hashsum,
    "sha384sum": cmd_hashsum,
    "sha512sum": cmd_hashsum,
}


def install_native_commands(commands: CommandRegistry) -> None:
    """Register every command of :data:`NATIVE_COMMANDS` in ``commands``."""
    for name, command in NATIVE_COMMANDS.items():
        commands.register(name, command)


__all__ = ["NATIVE_COMMANDS", "install_native_commands"]
