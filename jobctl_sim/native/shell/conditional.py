"""mksh's ``test`` and ``[`` builtins (``funcs.c`` ``c_test``, ``test_eval``, ``ptest_error``).

Status 0 true, 1 false, 2 (``T_ERR_EXIT``) on a usage error, printed as ``<sh>: [: TEXT``:
``missing ]``, ``OPERAND: unexpected operator/operand``, ``OP: missing second argument``,
``missing )``, ``expression expected``. Integer operators evaluate both sides as arithmetic
(mksh ``evaluate``), so ``[ x -eq 0 ]`` with ``x`` unset is true and ``[ 1a -eq 1 ]`` is
``1a: bad number``. File tests use the device filesystem as the shell's uid.
"""

from __future__ import annotations

import stat as stat_bits
from collections.abc import Callable
from dataclasses import dataclass

from jobctl_sim.native.fs import R_OK, W_OK, X_OK, FsError, MemoryFileSystem
from jobctl_sim.native.shell.arith import ArithError
from jobctl_sim.native.shell.command import resolve_path

T_ERR_EXIT = 2
_UNARY = frozenset(
    ["-e", "-f", "-d", "-r", "-w", "-x", "-s", "-L", "-h", "-p", "-S", "-b", "-c", "-g", "-u", "-k", "-O", "-G",
     "-t", "-n", "-z", "-a", "-o"]
)
_FILE_UNARY = _UNARY - {"-n", "-z", "-t", "-a", "-o"}
_BINARY = frozenset(["=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"])


class TestError(Exception):
    def __init__(self, message: str, from_builtin: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.from_builtin = from_builtin
        """False for arithmetic errors, which mksh reports without the builtin's name."""


@dataclass
class TestContext:
    fs: MemoryFileSystem
    uid: int
    cwd: str
    arith: Callable[[str], int]
    """Evaluates an operand of ``-eq`` …; raises :class:`ArithError`."""


def run_test(name: str, args: list[str], context: TestContext) -> tuple[int, str]:
    """``test ARGS`` / ``[ ARGS ]``: the status and the error line (without the shell prefix)."""
    if name == "[":
        if not args or args[-1] != "]":
            return T_ERR_EXIT, f"{name}: missing ]"
        args = args[:-1]
    try:
        return (0 if _Evaluator(args, context).run() else 1), ""
    except TestError as exc:
        return T_ERR_EXIT, f"{name}: {exc.message}" if exc.from_builtin else exc.message


class _Evaluator:
    def __init__(self, args: list[str], context: TestContext) -> None:
        self.args = args
        self.pos = 0
        self.context = context

    def run(self) -> bool:
        n = len(self.args)
        if n == 0:
            return False
        if n == 1:
            return self.args[0] != ""
        if n == 2 and self.args[0] == "!":
            return self.args[1] == ""
        if n == 2 and self.args[0] in _UNARY:
            return self.unary(self.args[0], self.args[1])
        if n == 3 and self.args[1] in _BINARY:
            return self.binary(self.args[0], self.args[1], self.args[2])
        if n == 3 and self.args[1] in ("-a", "-o"):
            left, right = self.args[0] != "", self.args[2] != ""
            return (left and right) if self.args[1] == "-a" else (left or right)
        if n == 3 and self.args[0] == "!":
            self.args = self.args[1:]
            return not self.run()
        if n == 3 and self.args[0] == "(" and self.args[2] == ")":
            return self.args[1] != ""
        if n == 4 and self.args[0] == "!":
            self.args = self.args[1:]
            return not self.run()
        value = self.or_expr()
        if self.pos < len(self.args):
            raise TestError(f"{self.args[self.pos]}: unexpected operator/operand")
        return value

    def peek(self) -> str | None:
        return self.args[self.pos] if self.pos < len(self.args) else None

    def or_expr(self) -> bool:
        value = self.and_expr()
        while self.peek() == "-o":
            self.pos += 1
            right = self.and_expr()
            value = value or right
        return value

    def and_expr(self) -> bool:
        value = self.not_expr()
        while self.peek() == "-a":
            self.pos += 1
            right = self.not_expr()
            value = value and right
        return value

    def not_expr(self) -> bool:
        if self.peek() == "!":
            self.pos += 1
            return not self.not_expr()
        return self.primary()

    def primary(self) -> bool:
        tok = self.peek()
        if tok is None:
            raise TestError("expression expected")
        if tok == "(":
            self.pos += 1
            value = self.or_expr()
            if self.peek() != ")":
                raise TestError("missing )")
            self.pos += 1
            return value
        nxt = self.args[self.pos + 1] if self.pos + 1 < len(self.args) else None
        if nxt in _BINARY and self.pos + 2 < len(self.args):
            self.pos += 3
            return self.binary(tok, nxt or "", self.args[self.pos - 1])
        if nxt in _BINARY:
            raise TestError(f"{nxt}: missing second argument")
        if tok in _UNARY and tok not in ("-a", "-o"):
            if nxt is None:
                raise TestError(f"{tok}: missing argument")
            self.pos += 2
            return self.unary(tok, nxt)
        self.pos += 1
        return tok != ""

    def unary(self, op: str, operand: str) -> bool:
        if op == "-n":
            return operand != ""
        if op == "-z":
            return operand == ""
        if op == "-t":
            return False  # adbd's shell: no terminal on any fd without a pty
        if op in ("-a", "-o"):
            return operand != ""
        assert op in _FILE_UNARY
        fs, path = self.context.fs, resolve_path(self.context.cwd, operand)
        if not operand:
            return False
        if op in ("-L", "-h"):
            link = fs.lstat(path)
            return link is not None and link.is_symlink
        st = fs.stat(path)
        if st is None:
            return False
        checks: dict[str, Callable[[], bool]] = {
            "-e": lambda: True, "-f": lambda: st.is_file, "-d": lambda: st.is_dir,
            "-s": lambda: st.size > 0, "-p": lambda: stat_bits.S_ISFIFO(st.mode),
            "-S": lambda: stat_bits.S_ISSOCK(st.mode), "-b": lambda: stat_bits.S_ISBLK(st.mode),
            "-c": lambda: stat_bits.S_ISCHR(st.mode), "-g": lambda: bool(st.mode & stat_bits.S_ISGID),
            "-u": lambda: bool(st.mode & stat_bits.S_ISUID), "-k": lambda: bool(st.mode & stat_bits.S_ISVTX),
            "-O": lambda: st.uid == self.context.uid, "-G": lambda: st.gid == self.context.uid,
        }
        if op in checks:
            return checks[op]()
        want = {"-r": R_OK, "-w": W_OK, "-x": X_OK}[op]
        try:
            fs.check_access(path, self.context.uid, want)
        except FsError:
            return False
        return not (want == X_OK and self.context.uid == 0 and st.is_file and not st.mode & 0o111)

    def binary(self, left: str, op: str, right: str) -> bool:
        if op in ("=", "=="):
            return left == right
        if op == "!=":
            return left != right
        if op == "<":
            return left < right
        if op == ">":
            return left > right
        if op in ("-nt", "-ot", "-ef"):
            fs = self.context.fs
            a = fs.stat(resolve_path(self.context.cwd, left))
            b = fs.stat(resolve_path(self.context.cwd, right))
            if op == "-ef":
                return a is not None and b is not None and a.ino == b.ino
            if op == "-nt":
                return a is not None and (b is None or a.mtime > b.mtime)
            return b is not None and (a is None or a.mtime < b.mtime)
        try:
            a_value, b_value = self.context.arith(left), self.context.arith(right)
        except ArithError as exc:
            raise TestError(exc.message, from_builtin=False) from None
        return {"-eq": a_value == b_value, "-ne": a_value != b_value, "-lt": a_value < b_value,
                "-le": a_value <= b_value, "-gt": a_value > b_value, "-ge": a_value >= b_value}[op]
