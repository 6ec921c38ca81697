"""What every toybox tool shares: short-option parsing (``lib/args.c``), ``perror_msg`` texts
(``lib/lib.c``) and the user names of ``android_filesystem_config.h``."""

from __future__ import annotations

from jobctl_sim.native.fs import FsError
from jobctl_sim.native.shell.command import Invocation

USER_NAMES: dict[int, str] = {
    0: "root",
    1000: "system",
    1004: "input",
    1007: "log",
    1011: "adb",
    1015: "sdcard_rw",
    1028: "sdcard_r",
    2000: "shell",
}
"""``android_filesystem_config.h`` AIDs the virtual filesystem uses."""


def owner_name(uid: int) -> str:
    """The user name toybox prints for ``uid`` (the number when it has none)."""
    return USER_NAMES.get(uid, str(uid))


class UsageError(Exception):
    """A toybox option error, already reported on stderr."""


def toybox_flags(inv: Invocation, allowed: str, with_value: str = "") -> tuple[set[str], dict[str, str], list[str]]:
    """Parse toybox-style short flags (``-rf``, ``-m 755``); operands may follow ``--``.

    Raises :class:`UsageError` after printing toybox's unknown-option text.
    """
    flags: set[str] = set()
    values: dict[str, str] = {}
    operands: list[str] = []
    args = list(inv.args)
    while args:
        arg = args.pop(0)
        if arg == "--":
            operands.extend(args)
            break
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
            continue
        for index, letter in enumerate(arg[1:], start=1):
            if letter in with_value:
                rest = arg[index + 1:]
                values[letter] = rest if rest else (args.pop(0) if args else "")
                break
            if letter not in allowed:
                inv.err(f"{tool_name(inv)}: Unknown option '{letter}' (see \"{tool_name(inv)} --help\")\n")
                raise UsageError
            flags.add(letter)
    return flags, values, operands


def tool_name(inv: Invocation) -> str:
    return inv.name.rsplit("/", 1)[-1]


def perror(inv: Invocation, path: str, exc: FsError, quote: bool = False) -> None:
    shown = f"'{path}'" if quote else path
    inv.err(f"{tool_name(inv)}: {shown}: {exc.strerror}\n")
