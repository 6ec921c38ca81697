"""toybox ``find`` (``toys/posix/find.c``): paths (default ``.``) then an expression of ``-name``,
``-iname``, ``-path``, ``-type [fdlcbps]``, ``-maxdepth N``, ``-mindepth N``, ``-newer FILE``,
``-mtime``/``-mmin [+-]N``, ``-size [+-]N[ckMG]``, ``-empty``, ``-user``, ``-perm``, ``!``/``-not``,
``-a``, ``-o``, ``( )``, ``-print``, ``-print0``, ``-delete``. Errors: ``find: bad arg 'X'``,
``find: '-name' needs 1 arg``, ``find: bad -type 'X'``, ``find: N not [+-]N``; an unreadable directory is
``find: 'PATH': Permission denied`` (status 1, the walk goes on).
"""

from __future__ import annotations

import fnmatch
import re
import stat as stat_bits
from collections.abc import Callable
from dataclasses import dataclass

from jobctl_sim.native.fs import R_OK, FileStat, FsError
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import UsageError, error_exit, owner_name

_TYPES = {"f": stat_bits.S_IFREG, "d": stat_bits.S_IFDIR, "l": stat_bits.S_IFLNK, "c": stat_bits.S_IFCHR,
          "b": stat_bits.S_IFBLK, "p": stat_bits.S_IFIFO, "s": stat_bits.S_IFSOCK}
_WITH_ARG = frozenset({"-name", "-iname", "-path", "-type", "-maxdepth", "-mindepth", "-newer", "-mtime",
                       "-mmin", "-size", "-user", "-perm", "-wholename"})


@dataclass
class _Entry:
    path: str
    st: FileStat
    depth: int


Test = Callable[[_Entry], bool]


class _Expression:
    def __init__(self, inv: Invocation, args: list[str]) -> None:
        self.inv = inv
        self.args = args
        self.pos = 0
        self.maxdepth: int | None = None
        self.mindepth = 0
        self.has_action = False
        self.actions: list[tuple[str, Test]] = []
        self.deleted: list[str] = []

    def parse(self) -> Test:
        if not self.args:
            return lambda entry: True
        test = self.or_expr()
        if self.pos < len(self.args):
            raise error_exit(self.inv, f"bad arg '{self.args[self.pos]}'")
        return test

    def or_expr(self) -> Test:
        left = self.and_expr()
        while self.pos < len(self.args) and self.args[self.pos] in ("-o", "-or"):
            self.pos += 1
            right = self.and_expr()
            left = (lambda a, b: lambda e: a(e) or b(e))(left, right)
        return left

    def and_expr(self) -> Test:
        left = self.not_expr()
        while self.pos < len(self.args) and self.args[self.pos] not in ("-o", "-or", ")"):
            if self.args[self.pos] in ("-a", "-and"):
                self.pos += 1
            right = self.not_expr()
            left = (lambda a, b: lambda e: a(e) and b(e))(left, right)
        return left

    def not_expr(self) -> Test:
        if self.pos < len(self.args) and self.args[self.pos] in ("!", "-not"):
            self.pos += 1
            inner = self.not_expr()
            return lambda e: not inner(e)
        return self.primary()

    def primary(self) -> Test:
        word = self.args[self.pos]
        self.pos += 1
        if word == "(":
            inner = self.or_expr()
            if self.pos >= len(self.args) or self.args[self.pos] != ")":
                raise error_exit(self.inv, "bad arg '('")
            self.pos += 1
            return inner
        value = ""
        if word in _WITH_ARG:
            if self.pos >= len(self.args):
                raise error_exit(self.inv, f"'{word}' needs 1 arg")
            value = self.args[self.pos]
            self.pos += 1
        return self.test_for(word, value)

    def test_for(self, word: str, value: str) -> Test:
        inv = self.inv
        if word in ("-name", "-iname"):
            pattern = value.lower() if word == "-iname" else value
            return lambda e: fnmatch.fnmatchcase(
                (_base(e.path).lower() if word == "-iname" else _base(e.path)), pattern)
        if word in ("-path", "-wholename"):
            return lambda e: fnmatch.fnmatchcase(e.path, value)
        if word == "-type":
            kinds = value.split(",")
            if not all(k in _TYPES for k in kinds):
                raise error_exit(inv, f"bad -type '{value}'")
            return lambda e: any(stat_bits.S_IFMT(e.st.mode) == _TYPES[k] for k in kinds)
        if word in ("-maxdepth", "-mindepth"):
            if not value.isdigit():
                raise error_exit(inv, f"not integer: {value}")
            if word == "-maxdepth":
                self.maxdepth = int(value)
            else:
                self.mindepth = int(value)
            return lambda e: True
        if word == "-newer":
            ref = inv.device.fs.stat(inv.path(value))
            if ref is None:
                raise error_exit(inv, f"'{value}': No such file or directory")
            return lambda e: e.st.mtime > ref.mtime
        if word in ("-mtime", "-mmin"):
            if not re.fullmatch(r"[-+]?\d+", value):
                raise error_exit(inv, f"{value} not [+-]N")
            unit = 86400 if word == "-mtime" else 60
            now = inv.device.clock.wall_time()
            return lambda e: _compare(int((now - e.st.mtime) // unit), value)
        if word == "-size":
            match = re.fullmatch(r"([-+]?\d+)([bckMG]?)", value)
            if match is None:
                raise error_exit(inv, f"bad -size '{value}'")
            unit = {"": 512, "b": 512, "c": 1, "k": 1024, "M": 1024**2, "G": 1024**3}[match.group(2)]
            return lambda e: _compare(-(-e.st.size // unit), match.group(1))
        if word == "-empty":
            return lambda e: (e.st.size == 0 if not e.st.is_dir else not inv.device.fs.listdir(inv.path(e.path)))
        if word == "-user":
            return lambda e: value in (owner_name(e.st.uid), str(e.st.uid))
        if word == "-perm":
            wanted = int(value.lstrip("-/"), 8) if re.fullmatch(r"[-/]?[0-7]+", value) else None
            if wanted is None:
                raise error_exit(inv, f"bad mode '{value}'")
            if value.startswith("-"):
                return lambda e: stat_bits.S_IMODE(e.st.mode) & wanted == wanted
            if value.startswith("/"):
                return lambda e: bool(stat_bits.S_IMODE(e.st.mode) & wanted)
            return lambda e: stat_bits.S_IMODE(e.st.mode) == wanted
        if word in ("-print", "-print0", "-delete"):
            self.has_action = True
            end = "\0" if word == "-print0" else "\n"
            if word == "-delete":
                def delete(e: _Entry) -> bool:
                    self.deleted.append(e.path)
                    return True
                return delete
            def show(e: _Entry) -> bool:
                inv.out(e.path + end)
                return True
            return show
        raise error_exit(inv, f"bad arg '{word}'")


def _compare(number: int, spec: str) -> bool:
    if spec.startswith("+"):
        return number > int(spec[1:])
    if spec.startswith("-"):
        return number < int(spec[1:])
    return number == int(spec)


def _base(path: str) -> str:
    stripped = path.rstrip("/")
    return stripped.rsplit("/", 1)[-1] if stripped else "/"


def cmd_find(inv: Invocation) -> int:
    args = list(inv.args)
    if args[:1] == ["--help"] or (args and args[0].startswith("-") and args[0] in ("-H", "-L")):
        args = args[1:] if args[:1] != ["--help"] else args
    paths: list[str] = []
    while args and not (args[0].startswith("-") and len(args[0]) > 1) and args[0] not in ("!", "("):
        paths.append(args.pop(0))
    expression = _Expression(inv, args)
    try:
        test = expression.parse()
    except UsageError as exc:
        return exc.status
    status = 0
    fs = inv.device.fs
    for root in paths or ["."]:
        st = fs.lstat(inv.path(root))
        if st is None:
            inv.err(f"find: '{root}': No such file or directory\n")
            status = 1
            continue
        stack = [_Entry(root, st, 0)]
        while stack:
            entry = stack.pop()
            if entry.depth >= expression.mindepth and test(entry) and not expression.has_action:
                inv.out(entry.path + "\n")
            if entry.st.is_dir and (expression.maxdepth is None or entry.depth < expression.maxdepth):
                try:
                    fs.check_access(inv.path(entry.path), inv.uid, R_OK)
                    children = fs.listdir(inv.path(entry.path))
                except FsError as exc:
                    inv.err(f"find: '{entry.path}': {exc.strerror}\n")
                    status = 1
                    continue
                prefix = entry.path if entry.path.endswith("/") else entry.path + "/"
                stack.extend(_Entry(prefix + name, child, entry.depth + 1) for name, child in reversed(children))
    for path in reversed(expression.deleted):
        try:
            fs.remove(inv.path(path), recursive=False)
        except FsError as exc:
            inv.err(f"find: '{path}': {exc.strerror}\n")
            status = 1
    return status
