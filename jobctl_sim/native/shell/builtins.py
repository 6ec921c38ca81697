"""The everyday commands of the virtual device's shell: mksh builtins and toybox tools.

Texts follow the real implementations:

* ``echo`` is mksh's builtin (``funcs.c`` ``c_print``): AOSP builds mksh without
  ``MKSH_BINSHREDUCED`` (``external/mksh/Android.bp``), so ``echo`` interprets backslash escapes by
  default and accepts ``-n``, ``-e`` and ``-E`` (only as leading arguments made of those letters);
* toybox tools report ``NAME: PATH: <strerror>`` (``lib/lib.c`` ``perror_msg``) and exit 1:
  ``cat``, ``ls`` and ``rm`` name the path bare, ``mkdir`` quotes it (``toys/posix/mkdir.c``
  ``perror_msg("'%s'")``); ``rm /`` refuses with ``rm /. if you mean it`` and ``rm`` without
  operands says ``Needs 1 argument`` (``toys/posix/rm.c``); option errors are
  ``NAME: Unknown option 'X' (see "NAME --help")`` (``lib/args.c``);
* ``setprop`` failures read ``failed to set property 'NAME' to 'VALUE'``
  (``toys/android/setprop.c``);
* ``id`` prints the shell user's groups as adbd sets them (``packages/modules/adb/daemon/main.cpp``
  ``drop_privileges``) with the ``u:r:shell:s0`` SELinux context.

Not modelled: permissions (shell may delete anything), ``ls`` colours/columns (output is never a
tty, so one name per line as toybox does for pipes), ``ls -l`` ``total`` is an approximation.
"""

from __future__ import annotations

import asyncio
import math
import stat as stat_bits
import time
from typing import TYPE_CHECKING

from jobctl_sim.native.fs import R_OK, FileStat, FsError, normalize_path
from jobctl_sim.native.logcat import logcat_command
from jobctl_sim.native.shell.command import Command, Invocation

if TYPE_CHECKING:
    from jobctl_sim.device import VirtualDevice

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

SHELL_GROUPS = (
    (2000, "shell"), (1004, "input"), (1007, "log"), (1011, "adb"), (1015, "sdcard_rw"),
    (1028, "sdcard_r"), (1078, "ext_data_rw"), (1079, "ext_obb_rw"), (3001, "net_bt_admin"),
    (3002, "net_bt"), (3003, "inet"), (3006, "net_bw_stats"), (3009, "readproc"), (3011, "uhid"),
    (3012, "readtracefs"),
)
"""Supplementary groups of ``adb shell`` (adbd ``drop_privileges``, Android 13+ set)."""

WRITABLE_PROPERTY_PREFIXES = ("debug.", "log.tag.", "persist.log.tag.", "persist.debug.", "jobctl.")
"""Properties the shell domain may set (``system/sepolicy`` ``shell`` ``set_prop`` rules, reduced)."""


# ----------------------------------------------------------------------------- helpers


class _UsageError(Exception):
    pass


def _toybox_flags(inv: Invocation, allowed: str, with_value: str = "") -> tuple[set[str], dict[str, str], list[str]]:
    """Parse toybox-style short flags (``-rf``, ``-m 755``); operands may follow ``--``.

    Raises :class:`_UsageError` after printing toybox's unknown-option text.
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
                inv.err(f"{_base(inv)}: Unknown option '{letter}' (see \"{_base(inv)} --help\")\n")
                raise _UsageError
            flags.add(letter)
    return flags, values, operands


def _base(inv: Invocation) -> str:
    return inv.name.rsplit("/", 1)[-1]


def _perror(inv: Invocation, path: str, exc: FsError, quote: bool = False) -> None:
    shown = f"'{path}'" if quote else path
    inv.err(f"{_base(inv)}: {shown}: {exc.strerror}\n")


# ----------------------------------------------------------------------------- echo & co


_ECHO_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
                 "t": "\t", "v": "\v", "\\": "\\"}


def _echo_unescape(text: str) -> tuple[str, bool]:
    """mksh ``echo`` escapes; returns the text and whether ``\\c`` cut the output short."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        n = text[i + 1]
        if n == "c":
            return "".join(out), True
        if n in _ECHO_ESCAPES:
            out.append(_ECHO_ESCAPES[n])
            i += 2
        elif n == "0":
            j = i + 2
            while j < len(text) and j < i + 5 and text[j] in "01234567":
                j += 1
            out.append(chr(int(text[i + 2:j] or "0", 8) & 0xFF))
            i = j
        else:
            out.append("\\" + n)
            i += 2
    return "".join(out), False


def cmd_echo(inv: Invocation) -> int:
    args = list(inv.args)
    newline, escapes = True, True
    while args and len(args[0]) > 1 and args[0][0] == "-" and set(args[0][1:]) <= set("neE"):
        for letter in args.pop(0)[1:]:
            if letter == "n":
                newline = False
            else:
                escapes = letter == "e"
    text = " ".join(args)
    if escapes:
        text, cut = _echo_unescape(text)
        newline = newline and not cut
    inv.out(text + ("\n" if newline else ""))
    return 0


def cmd_true(inv: Invocation) -> int:
    return 0


def cmd_false(inv: Invocation) -> int:
    return 1


async def cmd_cat(inv: Invocation) -> int:
    try:
        _, _, operands = _toybox_flags(inv, "uvteA")
    except _UsageError:
        return 1
    status = 0
    for path in operands or ["-"]:
        if path == "-":
            inv.stdout.write(await inv.stdin.read())
        else:
            try:
                inv.device.fs.check_access(inv.path(path), inv.uid, R_OK)
                inv.stdout.write(inv.device.fs.read_bytes(inv.path(path)))
            except FsError as exc:
                _perror(inv, path, exc)
                status = 1
        await inv.stdout.drain()
    return status


async def cmd_sleep(inv: Invocation) -> int:
    """toybox ``sleep``: seconds (fractions and ``s``/``m``/``h``/``d`` suffixes summed)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    total = 0.0
    if not inv.args:
        inv.err('sleep: Need 1 argument (see "sleep --help")\n')
        return 1
    for arg in inv.args:
        number, unit = (arg[:-1], arg[-1]) if arg[-1:] in units else (arg, "s")
        try:
            value = float(number)
        except ValueError:
            inv.err(f"sleep: Not a number '{arg}'\n")
            return 1
        if not math.isfinite(value) or value < 0:
            inv.err(f"sleep: Not a number '{arg}'\n")
            return 1
        total += value * units[unit]
    sleeper = asyncio.ensure_future(inv.device.clock.sleep(total))
    stopper = asyncio.ensure_future(inv.hangup.wait())
    try:
        await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        sleeper.cancel()
        stopper.cancel()
    return 130 if inv.hangup.is_set() else 0


# ----------------------------------------------------------------------------- files


def cmd_rm(inv: Invocation) -> int:
    try:
        flags, _, operands = _toybox_flags(inv, "fiRr")
    except _UsageError:
        return 1
    force, recursive = "f" in flags, bool(flags & {"r", "R"})
    if not operands and not force:
        inv.err('rm: Needs 1 argument\n')
        return 1
    status = 0
    fs = inv.device.fs
    for path in operands:
        if normalize_path(inv.path(path)) == "/":
            inv.err("rm: rm /. if you mean it\n")
            status = 1
            continue
        st = fs.lstat(inv.path(path))
        if st is None and force:
            continue
        try:
            if st is None:
                fs.remove(inv.path(path))  # raises ENOENT (or ENOTDIR) with the right errno
            fs.remove(inv.path(path), recursive=recursive)
        except FsError as exc:
            _perror(inv, path, exc)
            status = 1
    return status


def cmd_mv(inv: Invocation) -> int:
    """toybox ``mv [-f] SOURCE... TARGET``: rename; into TARGET when it is a directory."""
    try:
        _, _, operands = _toybox_flags(inv, "fFinv")
    except _UsageError:
        return 1
    if len(operands) < 2:
        inv.err('mv: Need 2 arguments (see "mv --help")\n')
        return 1
    fs = inv.device.fs
    *sources, target = operands
    into_dir = fs.is_dir(inv.path(target))
    if len(sources) > 1 and not into_dir:
        inv.err(f"mv: '{target}' not directory\n")
        return 1
    status = 0
    for source in sources:
        destination = inv.path(target) + "/" + source.rstrip("/").rsplit("/", 1)[-1] if into_dir else inv.path(target)
        try:
            fs.rename(inv.path(source), destination)
        except FsError as exc:
            _perror(inv, source, exc)
            status = 1
    return status


def cmd_mkdir(inv: Invocation) -> int:
    try:
        flags, values, operands = _toybox_flags(inv, "pv", with_value="mZ")
    except _UsageError:
        return 1
    if not operands:
        inv.err('mkdir: Need 1 argument (see "mkdir --help")\n')
        return 1
    mode = 0o755
    if "m" in values:
        try:
            mode = int(values["m"], 8)
        except ValueError:
            inv.err(f"mkdir: bad mode '{values['m']}'\n")
            return 1
    status = 0
    for path in operands:
        try:
            inv.device.fs.mkdir(inv.path(path), parents="p" in flags, mode=mode, uid=inv.uid)
        except FsError as exc:
            _perror(inv, path, exc, quote=True)
            status = 1
            continue
        if "v" in flags:
            inv.out(f"mkdir: created directory '{path}'\n")
    return status


def _mode_string(mode: int) -> str:
    return stat_bits.filemode(mode)


def _owner(uid: int) -> str:
    return USER_NAMES.get(uid, str(uid))


def _ls_long(entries: list[tuple[str, FileStat, str]]) -> list[str]:
    """``ls -l`` rows, columns padded to the widest value (toybox ``toys/posix/ls.c``)."""
    links = max((len(str(st.nlink)) for _, st, _ in entries), default=1)
    users = max((len(_owner(st.uid)) for _, st, _ in entries), default=1)
    groups = max((len(_owner(st.gid)) for _, st, _ in entries), default=1)
    sizes = max((len(str(st.size)) for _, st, _ in entries), default=1)
    rows = []
    for name, st, target in entries:
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(st.mtime))
        suffix = f" -> {target}" if target else ""
        rows.append(
            f"{_mode_string(st.mode)} {st.nlink:>{links}} {_owner(st.uid):<{users}} "
            f"{_owner(st.gid):<{groups}} {st.size:>{sizes}} {when} {name}{suffix}\n"
        )
    return rows


def cmd_ls(inv: Invocation) -> int:
    try:
        flags, _, operands = _toybox_flags(inv, "lad1AFhnRst")
    except _UsageError:
        return 1
    fs = inv.device.fs
    long, all_, directory = "l" in flags, "a" in flags, "d" in flags
    status = 0
    files: list[tuple[str, FileStat, str]] = []
    dirs: list[str] = []
    for path in operands or ["."]:
        st = fs.lstat(inv.path(path))
        if st is not None and st.is_symlink and not (long or directory) or path.endswith("/"):
            st = fs.stat(inv.path(path))
        if st is None:
            inv.err(f"ls: {path}: No such file or directory\n")
            status = 1
            continue
        if st.is_dir and not directory:
            dirs.append(path)
        else:
            files.append((path, st, fs.readlink(inv.path(path)) if st.is_symlink and long else ""))

    def render(entries: list[tuple[str, FileStat, str]]) -> None:
        if long:
            for row in _ls_long(entries):
                inv.out(row)
        else:
            for name, _, _ in entries:
                inv.out(name + "\n")

    render(sorted(files))
    for index, path in enumerate(sorted(dirs)):
        listing: list[tuple[str, FileStat, str]] = []
        try:
            fs.check_access(inv.path(path), inv.uid, R_OK)
        except FsError as exc:
            inv.err(f"ls: {path}: {exc.strerror}\n")
            status = 1
            continue
        if all_:
            here = fs.stat(inv.path(path))
            parent = fs.stat(normalize_path(inv.path(path)) + "/..")
            assert here is not None and parent is not None
            listing += [(".", here, ""), ("..", parent, "")]
        for name, st in fs.listdir(inv.path(path)):
            if name.startswith(".") and not (all_ or "A" in flags):
                continue
            full = normalize_path(inv.path(path)) + "/" + name
            listing.append((name, st, fs.readlink(full) if st.is_symlink and long else ""))
        if len(operands) > 1:
            inv.out(("\n" if files or index else "") + f"{path}:\n")
        if long:
            blocks = sum(math.ceil(st.size / 4096) * 4 for _, st, _ in listing)
            inv.out(f"total {blocks}\n")
        render(listing)
    return status


# ----------------------------------------------------------------------------- properties & identity


def cmd_getprop(inv: Invocation) -> int:
    props = inv.device.props
    if not inv.args:
        for key in sorted(props):
            inv.out(f"[{key}]: [{props[key]}]\n")
        return 0
    default = inv.args[1] if len(inv.args) > 1 else ""
    inv.out(props.get(inv.args[0], default) + "\n")
    return 0


def cmd_setprop(inv: Invocation) -> int:
    if len(inv.args) != 2:
        need = "Need 2 arguments" if len(inv.args) < 2 else "Max 2 arguments"
        inv.err(f'setprop: {need} (see "setprop --help")\n')
        return 1
    name, value = inv.args
    if len(value.encode()) >= 92:  # PROP_VALUE_MAX
        inv.err(f"setprop: value '{value}' too long; try '{value.encode()[:91].decode(errors='ignore')}'\n")
        return 1
    if name.startswith(".") or name.endswith("."):
        inv.err("setprop: property names must not start or end with '.'\n")
        return 1
    if ".." in name:
        inv.err("setprop: '..' is not allowed in a property name\n")
        return 1
    for char in name:
        if not (char.isascii() and char.isalnum()) and char not in "@_.-":
            inv.err(f"setprop: invalid character '{char}' in name '{name}'\n")
            return 1
    writable = name.startswith(WRITABLE_PROPERTY_PREFIXES) or inv.uid == 0 and not name.startswith("ro.")
    if not writable:
        inv.err(f"setprop: failed to set property '{name}' to '{value}'\n")
        return 1
    inv.device.props[name] = value
    return 0


def cmd_id(inv: Invocation) -> int:
    try:
        flags, _, _ = _toybox_flags(inv, "ugGnrZ")
    except _UsageError:
        return 1
    uid = inv.uid
    name = _owner(uid)
    groups = SHELL_GROUPS if uid != 0 else ((0, "root"),) + SHELL_GROUPS[1:]
    context = "u:r:shell:s0" if uid != 0 else "u:r:su:s0"
    if "Z" in flags:
        inv.out(context + "\n")
    elif "G" in flags:
        inv.out(" ".join(g[1] if "n" in flags else str(g[0]) for g in groups) + "\n")
    elif flags & {"u", "g"}:
        inv.out((name if "n" in flags else str(uid)) + "\n")
    else:
        group_list = ",".join(f"{gid}({gname})" for gid, gname in groups)
        inv.out(f"uid={uid}({name}) gid={uid}({name}) groups={group_list} context={context}\n")
    return 0


# ----------------------------------------------------------------------------- shells and lookup


async def cmd_sh(inv: Invocation) -> int:
    """``sh -c LINE [NAME [ARGS...]]``, ``sh FILE`` or ``sh`` reading a script from stdin."""
    from jobctl_sim.native.shell.interpreter import ShellInterpreter

    args = list(inv.args)
    name = inv.name
    if args and args[0] == "-c":
        if len(args) < 2:
            inv.err(f"{name}: -c: option requires an argument\n")
            return 1
        line, extra = args[1], args[2:]
    elif args and args[0].startswith("-"):
        inv.err(f"{name}: {args[0]}: not supported by the jobctl virtual device\n")
        return 2
    elif args:
        try:
            inv.device.fs.check_access(inv.path(args[0]), inv.uid, R_OK)
            line = inv.device.fs.read_bytes(inv.path(args[0])).decode("utf-8", "replace")
        except FsError as exc:
            inv.err(f"{name}: {args[0]}: {exc.strerror}\n")
            return 127
        extra = args
    else:
        line, extra = (await inv.stdin.read()).decode("utf-8", "replace"), []
    if extra:
        name, positional = extra[0], extra[1:]
    else:
        positional = []
    shell = ShellInterpreter(
        inv.device, inv.stdin, inv.stdout, inv.stderr, inv.hangup, inv.uid,
        name=name, env=dict(inv.env) or None, positional=positional, cwd=inv.cwd,
    )
    return await shell.run(line)


SHELL_BUILTINS = frozenset({"echo", "true", "false", "exit", "command", "sh", "cd", "export", "unset", "exec"})
"""Names mksh runs itself (``command -v`` prints them bare, not as a path)."""


def _locate(inv: Invocation, name: str) -> str | None:
    if name in SHELL_BUILTINS:
        return name
    if inv.device.commands.lookup(name) is None:
        return None
    return name if "/" in name else f"/system/bin/{name}"


def cmd_which(inv: Invocation) -> int:
    status = 0
    for name in inv.args:
        found = _locate(inv, name)
        if found is None or found == name and "/" not in name:
            status = 1
            continue
        inv.out(found + "\n")
    return status


def cmd_command(inv: Invocation) -> int:
    if not inv.args or inv.args[0] != "-v":
        inv.err("command: only 'command -v NAME' is supported by the jobctl virtual device\n")
        return 2
    status = 0
    for name in inv.args[1:]:
        found = _locate(inv, name)
        if found is None:
            status = 1
        else:
            inv.out(found + "\n")
    return status


BUILTINS: dict[str, Command] = {
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


def install_builtins(device: "VirtualDevice") -> None:
    """Register every command of :data:`BUILTINS` on ``device``."""
    for name, command in BUILTINS.items():
        device.commands.register(name, command)


__all__ = ["BUILTINS", "install_builtins"]
