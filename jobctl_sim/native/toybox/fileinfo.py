"""toybox's file-attribute tools: ``stat`` (``toys/other/stat.c``), ``touch`` (``toys/posix/touch.c``),
``chmod`` (``toys/posix/chmod.c``, modes parsed as ``lib/lib.c`` ``string_to_mode``: octal or
``[ugoa][+-=][rwxXst]`` clauses, ``chmod: bad mode 'X'``), ``md5sum``/``sha1sum``/``sha256sum``/
``sha512sum`` (``toys/lsb/md5sum.c``: ``HASH  NAME``, ``-b`` hash only, ``-c`` check ``NAME: OK``/
``FAILED``).

Times print as toybox's ``format_iso_time`` does (``YYYY-MM-DD hh:mm:ss.000000000 +0000``: the
device's clock is UTC). A failing path reads ``NAME: PATH: <strerror>`` (``stat`` and ``touch``
quote it: ``perror_msg("'%s'")``).
"""

from __future__ import annotations

import hashlib
import re
import stat as stat_bits
import time

from jobctl_sim.native.fs import W_OK, FileStat, FsError
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import OptionSpec, UsageError, error_exit, owner_name, perror
from jobctl_sim.native.toybox.inputs import read_inputs

STAT = OptionSpec("<1c:(format)fLt")
TOUCH = OptionSpec("<1acd:fmr:t:h[!dtr]")
CHMOD = OptionSpec("<2?cvfR[-cvf]")
MD5SUM = OptionSpec("bc(check)s(status)[!bc]")

_DEFAULT_STAT = ("  File: %N\n  Size: %s\t Blocks: %b\t IO Blocks: %B\t %F\n"
                 "Device: %Dh/%dd\t Inode: %i\t Links: %h\t Device type: %t,%T\n"
                 "Access: (%04a/%A)\tUid: (%5u/%8U)\tGid: (%5g/%8G)\n"
                 "Access: %x\nModify: %y\nChange: %z")
_TERSE_STAT = "%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %o"


def iso_time(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)) + ".000000000 +0000"


def _file_type(st: FileStat) -> str:
    if st.is_file:
        return "regular file" if st.size else "regular empty file"
    kinds = {stat_bits.S_IFDIR: "directory", stat_bits.S_IFLNK: "symbolic link", stat_bits.S_IFCHR: "character device",
             stat_bits.S_IFBLK: "block device", stat_bits.S_IFSOCK: "socket", stat_bits.S_IFIFO: "FIFO (named pipe)"}
    return kinds.get(stat_bits.S_IFMT(st.mode), "regular file")


def _stat_field(letter: str, spec: str, inv: Invocation, name: str, st: FileStat) -> str:
    blocks = (st.size + 511) // 512 if not st.is_dir else 8
    numbers = {"a": ("o", stat_bits.S_IMODE(st.mode) | (st.mode & 0o7000)), "b": ("d", blocks), "B": ("d", 512),
               "d": ("d", st.dev), "D": ("x", st.dev), "f": ("x", st.mode), "g": ("d", st.gid), "h": ("d", st.nlink),
               "i": ("d", st.ino), "o": ("d", 4096), "s": ("d", st.size), "t": ("x", 0), "T": ("x", 0),
               "u": ("d", st.uid), "X": ("d", st.atime), "Y": ("d", st.mtime), "Z": ("d", st.ctime)}
    if letter in numbers:
        kind, value = numbers[letter]
        return ("%" + spec + kind) % value
    texts = {"A": stat_bits.filemode(st.mode), "F": _file_type(st), "G": owner_name(st.gid), "U": owner_name(st.uid),
             "n": name, "x": iso_time(st.atime), "y": iso_time(st.mtime), "z": iso_time(st.ctime), "C": "?",
             "m": "/data" if inv.path(name).startswith("/data") else "/"}
    if letter == "N":
        link = inv.device.fs.readlink(inv.path(name)) if st.is_symlink else ""
        return name + (f" -> '{link}'" if link else "")
    if letter in texts:
        return ("%" + spec + "s") % texts[letter]
    return "?"


def cmd_stat(inv: Invocation) -> int:
    try:
        opts = STAT.parse(inv)
    except UsageError as exc:
        return exc.status
    fmt = opts.values.get("c") or (_TERSE_STAT if "t" in opts else _DEFAULT_STAT)
    status = 0
    for name in opts.args:
        st = inv.device.fs.stat(inv.path(name)) if "L" in opts else inv.device.fs.lstat(inv.path(name))
        if st is None:
            inv.err(f"stat: '{name}': No such file or directory\n")
            status = 1
            continue
        def field(match: re.Match[str], name: str = name, st: FileStat = st) -> str:
            return "%" if match.group(2) == "%" else _stat_field(match.group(2), match.group(1), inv, name, st)

        out = re.sub(r"%([-#0 +]*\d*)([a-zA-Z%])", field, fmt)
        inv.out(out + "\n")
    return status


def cmd_touch(inv: Invocation) -> int:
    try:
        opts = TOUCH.parse(inv)
    except UsageError as exc:
        return exc.status
    fs = inv.device.fs
    when = int(inv.device.clock.wall_time())
    if "d" in opts or "t" in opts:
        text = opts.values.get("d") or opts.values.get("t") or ""
        parsed = _parse_time(text, "t" in opts)
        if parsed is None:
            inv.err(f"touch: bad date '{text}'\n")
            return 1
        when = parsed
    if "r" in opts:
        ref = fs.stat(inv.path(opts.values["r"]))
        if ref is None:
            inv.err(f"touch: '{opts.values['r']}': No such file or directory\n")
            return 1
        when = ref.mtime
    status = 0
    for name in opts.args:
        path = inv.path(name)
        try:
            existing = fs.stat(path)
            if existing is None:
                if "c" in opts:
                    continue
                fs.check_access(path, inv.uid, W_OK)
                fs.write_bytes(path, b"", mode=0o100666 & ~0o022, mtime=when, uid=inv.uid)
            else:
                fs.check_access(path, inv.uid, W_OK)
                fs.set_times(path, atime=None if "m" in opts else when, mtime=None if "a" in opts else when)
        except FsError as exc:
            perror(inv, name, exc, quote=True)
            status = 1
    return status


def _parse_time(text: str, posix: bool) -> int | None:
    if text.startswith("@") and text[1:].lstrip("-").isdigit():
        return int(text[1:])
    formats = ["%Y%m%d%H%M.%S", "%Y%m%d%H%M", "%m%d%H%M"] if posix else [
        "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%H:%M:%S", "%H:%M"]
    for fmt in formats:
        try:
            parsed = time.strptime(text.split(".")[0] if not posix and "." in text else text, fmt)
        except ValueError:
            continue
        import calendar

        return calendar.timegm(parsed)
    return None


def parse_mode(text: str, current: int, is_dir: bool) -> int | None:
    """``string_to_mode``: an octal mode or comma-separated symbolic clauses; None when bad."""
    if re.fullmatch(r"[0-7]{1,4}", text):
        return int(text, 8)
    mode = stat_bits.S_IMODE(current) | (current & 0o7000)
    for clause in text.split(","):
        match = re.fullmatch(r"([ugoa]*)([-+=][rwxXst]*)+", clause)
        if match is None:
            return None
        who = match.group(1) or "a"
        masks = {"u": 0o4700, "g": 0o2070, "o": 0o1007, "a": 0o7777}
        target = 0
        for w in who:
            target |= masks[w]
        for op, perms in re.findall(r"([-+=])([rwxXst]*)", clause[len(match.group(1)):]):
            bits = 0
            for p in perms:
                if p == "r":
                    bits |= 0o444
                elif p == "w":
                    bits |= 0o222
                elif p == "x" or (p == "X" and (is_dir or mode & 0o111)):
                    bits |= 0o111
                elif p == "s":
                    bits |= 0o6000
                elif p == "t":
                    bits |= 0o1000
            if not match.group(1):
                bits &= ~0o022 if op != "-" else ~0
            bits &= target
            if op == "+":
                mode |= bits
            elif op == "-":
                mode &= ~bits
            else:
                mode = (mode & ~target) | bits
    return mode


def cmd_chmod(inv: Invocation) -> int:
    try:
        opts = CHMOD.parse(inv)
    except UsageError as exc:
        return exc.status
    fs = inv.device.fs
    mode_text, *names = opts.args
    status = 0
    for name in names:
        st = fs.stat(inv.path(name))
        if st is None:
            inv.err(f"chmod: {name}: No such file or directory\n")
            status = 1
            continue
        mode = parse_mode(mode_text, st.mode, st.is_dir)
        if mode is None:
            raise_status = error_exit(inv, f"bad mode '{mode_text}'")
            return raise_status.status
        if inv.uid not in (0, st.uid):
            inv.err(f"chmod: {name}: Operation not permitted\n")
            status = 1
            continue
        fs.chmod(inv.path(name), mode)
        if "v" in opts or ("c" in opts and stat_bits.S_IMODE(st.mode) != mode):
            inv.out(f"chmod '{name}' to {mode:04o}\n")
    return status


_HASHES = {"md5sum": "md5", "sha1sum": "sha1", "sha224sum": "sha224", "sha256sum": "sha256",
           "sha384sum": "sha384", "sha512sum": "sha512"}


async def cmd_hashsum(inv: Invocation) -> int:
    name = inv.name.rsplit("/", 1)[-1]
    algorithm = _HASHES.get(name, "md5")
    try:
        opts = MD5SUM.parse(inv)
        if "s" in opts and "c" not in opts:
            raise error_exit(inv, "-s only with -c")
    except UsageError as exc:
        return exc.status
    files, status = await read_inputs(inv, opts.args)
    if "c" in opts:
        for item in files:
            for line in item.data.decode("utf-8", "replace").splitlines():
                digest, _, target = line.partition("  ")
                if not target:
                    inv.err(f"{name}: bad line {line}\n")
                    status = 1
                    continue
                loaded, failed = await read_inputs(inv, [target])
                ok = not failed and hashlib.new(algorithm, loaded[0].data).hexdigest() == digest.lower()
                if not ok:
                    status = 1
                if "s" not in opts:
                    inv.out(f"{target}: {'OK' if ok else 'FAILED'}\n")
        return status
    for item in files:
        digest = hashlib.new(algorithm, item.data).hexdigest()
        inv.out(digest + ("\n" if "b" in opts else f"  {item.name}\n"))
    return status
