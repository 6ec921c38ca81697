"""What every toybox tool shares: option parsing from the tool's own option string (``lib/args.c``,
the ``NEWTOY(name, "OPTSTR", FLAGS)`` line of each ``toys/*/NAME.c``), error texts (``lib/lib.c``
``verror_msg``/``help_exit``/``perror_msg``) and the user names of ``android_filesystem_config.h``.

Errors read ``NAME: MESSAGE`` and, for usage errors, `` (see "NAME --help")``; the status is 1, or
the tool's ``TOYFLAG_ARGFAIL(N)`` (2 for ``grep``, ``sort``). Messages of ``lib/args.c``:
``Unknown option 'X'``, ``Missing argument to -X``, ``Needs 1 argument``/``Need 2 arguments``,
``Max N argument(s)``, ``No 'X' with 'Y'``, ``-X < LOW``; ``lib/lib.c`` ``atolx``: ``not integer: N``.
``--help`` prints the help text with toybox's header and ``--version`` ``toybox VERSION``
(``main.c`` ``check_help``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    1036: "logd",
    1041: "audioserver",
    1047: "cameraserver",
    2000: "shell",
    9999: "nobody",
}
"""``android_filesystem_config.h`` AIDs the virtual device uses."""

TOYBOX_VERSIONS = {26: "0.7.3", 27: "0.7.3", 28: "0.7.6", 29: "0.8.0", 30: "0.8.3", 31: "0.8.4",
                   32: "0.8.4", 33: "0.8.6", 34: "0.8.9", 35: "0.8.11", 36: "0.8.12", 37: "0.8.13"}
"""``external/toybox`` ``METADATA`` version per Android release."""


def owner_name(uid: int) -> str:
    """The user name ``ls``/``stat``/``id`` print for ``uid``: an AID name, else the number."""
    return USER_NAMES.get(uid, str(uid))


def user_name(uid: int) -> str:
    """bionic's ``getpwuid`` name as ``ps`` prints it: an AID name, an app's ``u0_aNN``
    (``bionic/libc/bionic/grp_pwd.cpp`` ``app_id_to_passwd``), or the number."""
    if uid in USER_NAMES:
        return USER_NAMES[uid]
    if 10000 <= uid % 100000 < 20000:
        return f"u{uid // 100000}_a{uid % 100000 - 10000}"
    return str(uid)


class UsageError(Exception):
    """A toybox error already reported on stderr; ``status`` is the exit code."""

    def __init__(self, status: int = 1) -> None:
        super().__init__(status)
        self.status = status


def tool_name(inv: Invocation) -> str:
    return inv.name.rsplit("/", 1)[-1]


def perror(inv: Invocation, path: str, exc: FsError, quote: bool = False) -> None:
    shown = f"'{path}'" if quote else path
    inv.err(f"{tool_name(inv)}: {shown}: {exc.strerror}\n")


def error_exit(inv: Invocation, message: str, status: int = 1) -> UsageError:
    """``error_exit``: print ``NAME: MESSAGE``; raise the returned error."""
    inv.err(f"{tool_name(inv)}: {message}\n")
    return UsageError(status)


def help_exit(inv: Invocation, message: str, status: int = 1) -> UsageError:
    """``help_exit``: ``NAME: MESSAGE (see "NAME --help")``."""
    name = tool_name(inv)
    inv.err(f'{name}: {message} (see "{name} --help")\n')
    return UsageError(status)


def atolx(inv: Invocation, text: str) -> int:
    """``lib/lib.c`` ``atolx``: decimal or ``0x`` hex with ``k``/``m``/``g``… suffixes."""
    suffixes = {"c": 1, "w": 2, "b": 512, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
    body, scale = text, 1
    if body and body[-1].lower() in suffixes and not body.lower().startswith("0x"):
        body, scale = body[:-1], suffixes[body[-1].lower()]
    try:
        return int(body, 16 if "0x" in body.lower() else 10) * scale
    except ValueError:
        raise error_exit(inv, f"not integer: {text}") from None


@dataclass
class _Opt:
    char: str
    kind: str = ""
    """``""`` flag, ``:`` string, ``*`` list, ``#`` number, ``-`` negative number, ``;`` optional string."""
    low: int | None = None
    high: int | None = None
    default: int | None = None
    longs: list[str] = field(default_factory=list)


@dataclass
class Options:
    """What a tool's command line said: flags in order seen, values, the remaining operands."""

    flags: set[str] = field(default_factory=set)
    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)

    def __contains__(self, flag: str) -> bool:
        return flag in self.flags


class OptionSpec:
    """A parsed toybox option string (the subset the modelled tools use)."""

    def __init__(self, optstring: str, argfail: int = 1) -> None:
        self.argfail = argfail
        self.min_args = 0
        self.max_args: int | None = None
        self.stop_at_operand = False
        self.pass_unknown = False
        self.opts: dict[str, _Opt] = {}
        self.longs: dict[str, _Opt] = {}
        self.exclusive: list[str] = []
        self.last_wins: list[str] = []
        self.synonyms: list[str] = []
        s, i = optstring, 0
        while i < len(s) and s[i] in "<>?^0&~":
            if s[i] in "<>":
                j = i + 1
                while j < len(s) and s[j].isdigit():
                    j += 1
                if s[i] == "<":
                    self.min_args = int(s[i + 1:j])
                else:
                    self.max_args = int(s[i + 1:j])
                i = j
                continue
            self.stop_at_operand |= s[i] == "^"
            self.pass_unknown |= s[i] == "?"
            i += 1
        current: _Opt | None = None
        while i < len(s):
            c = s[i]
            if c == "(":
                end = s.index(")", i)
                name = s[i + 1:end]
                if current is None or (i > 0 and s[i - 1] == ")" and current.char.startswith("--")):
                    current = _Opt("--" + name)
                    self.opts[current.char] = current
                current.longs.append(name)
                self.longs[name] = current
                i = end + 1
                continue
            if c == "[":
                end = s.index("]", i)
                group = s[i + 2:end]
                {"-": self.last_wins, "!": self.exclusive, "+": self.synonyms}[s[i + 1]].append(group)
                i = end + 1
                current = None
                continue
            if current is not None and c in ":*#-;.%":
                current.kind = c
                i += 1
                continue
            if current is not None and c in "<>=" and current.kind in "#-.%":
                j = i + 1
                while j < len(s) and (s[j].isdigit() or s[j] == "-"):
                    j += 1
                number = int(s[i + 1:j])
                if c == "<":
                    current.low = number
                elif c == ">":
                    current.high = number
                else:
                    current.default = number
                i = j
                continue
            if c in "|^ ":
                i += 1
                continue
            current = _Opt(c)
            self.opts[c] = current
            i += 1

    def parse(self, inv: Invocation, argv: list[str] | None = None) -> Options:
        """Parse ``argv`` (default: the invocation's arguments); raises :class:`UsageError`."""
        result = Options()
        for opt in self.opts.values():
            if opt.default is not None:
                result.numbers[opt.char] = opt.default
        args = list(inv.args if argv is None else argv)
        index = 0
        only_operands = False
        while index < len(args):
            arg = args[index]
            index += 1
            if only_operands or arg == "-" or not arg.startswith("-") or len(arg) == 1:
                result.args.append(arg)
                if self.stop_at_operand:
                    only_operands = True
                continue
            if arg == "--":
                only_operands = True
                continue
            if arg.startswith("--"):
                name, eq, value = arg[2:].partition("=")
                long_opt = self.longs.get(name) or self._unique_prefix(name)
                if long_opt is None:
                    if self.pass_unknown:
                        result.args.append(arg)
                        continue
                    raise help_exit(inv, f"Unknown option '{arg[2:]}'", self.argfail)
                if long_opt.kind and long_opt.kind != ";" and not eq:
                    if index >= len(args):
                        raise help_exit(inv, f"Missing argument to --{name}", self.argfail)
                    value = args[index]
                    index += 1
                takes_value = bool(long_opt.kind) and bool(eq or long_opt.kind != ";")
                self._store(inv, result, long_opt, value if takes_value else None)
                continue
            position = 1
            while position < len(arg):
                letter = arg[position]
                position += 1
                short_opt = self.opts.get(letter)
                if short_opt is None:
                    if self.pass_unknown:
                        result.args.append(arg)
                        break
                    raise help_exit(inv, f"Unknown option '{letter}'", self.argfail)
                if not short_opt.kind:
                    self._store(inv, result, short_opt, None)
                    continue
                rest = arg[position:]
                if short_opt.kind == ";":
                    self._store(inv, result, short_opt, rest or None)
                    break
                if not rest:
                    if index >= len(args):
                        raise help_exit(inv, f"Missing argument to -{letter}", self.argfail)
                    rest = args[index]
                    index += 1
                self._store(inv, result, short_opt, rest)
                break
        if len(result.args) < self.min_args:
            n = self.min_args
            raise help_exit(inv, f"Need{'s' if n == 1 else ''} {n} argument{'' if n == 1 else 's'}", self.argfail)
        if self.max_args is not None and len(result.args) > self.max_args:
            n = self.max_args
            raise help_exit(inv, f"Max {n} argument{'' if n == 1 else 's'}", self.argfail)
        return result

    def _unique_prefix(self, name: str) -> _Opt | None:
        matches = {opt.char: opt for long, opt in self.longs.items() if long.startswith(name)}
        return next(iter(matches.values())) if len(matches) == 1 and name else None

    def _store(self, inv: Invocation, result: Options, opt: _Opt, value: str | None) -> None:
        char = opt.char
        for group in self.last_wins:
            if char in group:
                result.flags -= set(group) - {char}
        for group in self.synonyms:
            if char in group:
                result.flags |= set(group)
        for group in self.exclusive:
            if char in group:
                clash = next((other for other in group if other != char and other in result.flags), None)
                if clash is not None:
                    raise help_exit(inv, f"No '{char}' with '{clash}'", self.argfail)
        result.flags.add(char)
        result.order.append(char)
        if value is None:
            return
        if opt.kind in ":;":
            result.values[char] = value
        elif opt.kind == "*":
            result.lists.setdefault(char, []).append(value)
        elif opt.kind in "#-":
            number = atolx(inv, value)
            if opt.kind == "-" and value[:1] not in "+-":
                number = -number
            if opt.low is not None and number < opt.low:
                raise help_exit(inv, f"-{char} < {opt.low}", self.argfail)
            if opt.high is not None and number > opt.high:
                raise help_exit(inv, f"-{char} > {opt.high}", self.argfail)
            result.numbers[char] = number
        else:
            result.values[char] = value


def toybox_flags(inv: Invocation, allowed: str, with_value: str = "") -> tuple[set[str], dict[str, str], list[str]]:
    """Short flags only (``-rf``, ``-m 755``); raises :class:`UsageError` after toybox's text."""
    parsed = OptionSpec(allowed + "".join(f"{c}:" for c in with_value)).parse(inv)
    return parsed.flags, parsed.values, parsed.args


def help_text(inv: Invocation, usage: str) -> None:
    """``NAME --help``: toybox's header and the command's help text (``main.c`` ``show_help``)."""
    version = TOYBOX_VERSIONS.get(_api_level(inv), "0.8.11")
    inv.out(f"Toybox {version} multicall binary (see toybox --help)\n\n{usage.strip(chr(10))}\n\n")


def _api_level(inv: Invocation) -> int:
    try:
        return int(inv.device.props.get("ro.build.version.sdk", "34"))
    except ValueError:
        return 34


def read_input(inv: Invocation, path: str) -> bytes:
    """A file operand's bytes (raises :class:`FsError`); ``-`` is not handled here."""
    from jobctl_sim.native.fs import R_OK

    inv.device.fs.check_access(inv.path(path), inv.uid, R_OK)
    return inv.device.fs.read_bytes(inv.path(path))
