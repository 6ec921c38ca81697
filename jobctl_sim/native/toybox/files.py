"""toybox's file tools: ``cat``, ``rm``, ``mv``, ``mkdir``, ``ls`` on the device filesystem.

``cat``, ``ls`` and ``rm`` name a failing path bare, ``mkdir`` quotes it (``toys/posix/mkdir.c``
``perror_msg("'%s'")``); ``rm /`` refuses with ``rm /. if you mean it`` and ``rm`` without operands
says ``Needs 1 argument`` (``toys/posix/rm.c``).

Not modelled: permissions beyond read access (shell may delete anything), ``ls`` colours/columns
(output is never a tty, so one name per line as toybox does for pipes); ``ls -l`` ``total`` is an
approximation.
"""

from __future__ import annotations

import math
import stat as stat_bits
import time

from jobctl_sim.native.fs import R_OK, FileStat, FsError, normalize_path
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import UsageError, owner_name, perror, toybox_flags


async def cmd_cat(inv: Invocation) -> int:
    try:
        _, _, operands = toybox_flags(inv, "uvteA")
    except UsageError:
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
                perror(inv, path, exc)
                status = 1
        await inv.stdout.drain()
    return status


def cmd_rm(inv: Invocation) -> int:
    try:
        flags, _, operands = toybox_flags(inv, "fiRr")
    except UsageError:
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
            perror(inv, path, exc)
            status = 1
    return status


def cmd_mv(inv: Invocation) -> int:
    """toybox ``mv [-f] SOURCE... TARGET``: rename; into TARGET when it is a directory."""
    try:
        _, _, operands = toybox_flags(inv, "fFinv")
    except UsageError:
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
            perror(inv, source, exc)
            status = 1
    return status


def cmd_mkdir(inv: Invocation) -> int:
    try:
        flags, values, operands = toybox_flags(inv, "pv", with_value="mZ")
    except UsageError:
        return 1
    if not operands:
        inv.err('mkdir: Needs 1 argument (see "mkdir --help")\n')  # lib/args.c "<1"
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
            perror(inv, path, exc, quote=True)
            status = 1
            continue
        if "v" in flags:
            inv.out(f"mkdir: created directory '{path}'\n")
    return status


def _mode_string(mode: int) -> str:
    return stat_bits.filemode(mode)


def _ls_long(entries: list[tuple[str, FileStat, str]]) -> list[str]:
    """``ls -l`` rows, columns padded to the widest value (toybox ``toys/posix/ls.c``)."""
    links = max((len(str(st.nlink)) for _, st, _ in entries), default=1)
    users = max((len(owner_name(st.uid)) for _, st, _ in entries), default=1)
    groups = max((len(owner_name(st.gid)) for _, st, _ in entries), default=1)
    sizes = max((len(str(st.size)) for _, st, _ in entries), default=1)
    rows = []
    for name, st, target in entries:
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(st.mtime))
        suffix = f" -> {target}" if target else ""
        rows.append(
            f"{_mode_string(st.mode)} {st.nlink:>{links}} {owner_name(st.uid):<{users}} "
            f"{owner_name(st.gid):<{groups}} {st.size:>{sizes}} {when} {name}{suffix}\n"
        )
    return rows


def cmd_ls(inv: Invocation) -> int:
    try:
        flags, _, operands = toybox_flags(inv, "lad1AFhnRst")
    except UsageError:
        return 1
    fs = inv.device.fs
    long, all_, directory = "l" in flags, "a" in flags, "d" in flags
    status = 0
    files: list[tuple[str, FileStat, str]] = []
    dirs: list[str] = []
    for path in operands or ["."]:
        st = fs.lstat(inv.path(path))
        if (st is not None and st.is_symlink and not (long or directory)) or path.endswith("/"):
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
