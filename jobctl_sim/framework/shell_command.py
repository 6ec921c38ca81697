"""What every framework shell command shares: Java exceptions and number parsing, the argument
cursor, verb tables, and the platform's text forms of Intents, components and Bundles.

The cursor models ``android.os.BasicShellCommandHandler`` (``frameworks/base/core/java/android/
os/BasicShellCommandHandler.java``, Android 10-15; ``ShellCommand`` before it):

* the arguments include the verb, and reading starts after it, so ``getNextArgRequired`` with
  nothing left names the verb (``Argument expected after "run"``);
* ``getNextOption`` returns the next argument only if it starts with ``-``; ``--`` ends the
  options; a short option with a value glued to it (``-u0``) yields ``-u`` and keeps ``0`` for
  the next ``getNextArg`` (another ``getNextOption`` first throws ``No argument expected after``);
* ``getNextArgRequired`` throws ``IllegalArgumentException("Argument expected after \\"PREV\\"")``;
* ``handleDefaultCommands``: no verb, ``help`` or ``-h`` print the help; any other verb prints
  ``Unknown command: VERB`` on stdout; both return -1 (exit 255);
* an exception escaping ``onCommand`` is printed on stderr as an empty line, then
  ``Exception occurred while executing 'VERB':`` and the stack trace (the verb is in the text
  since Android 10 [I for the exact level]; we print the exception line without frames), and
  the command returns -1.

Java exceptions print as ``Throwable.toString()`` (``java.lang.IllegalArgumentException: <message>``),
the text a shell command prints and an app's binder call rethrows. Numbers parse as
``Integer.parseInt`` / ``Long.parseLong`` / ``Integer.decode`` do (``java/lang/Integer.java``,
``Long.java``; the JDK's ``For input string: "X"`` message). ``UserHandle.parseUserArg``
(``core/java/android/os/UserHandle.java``): ``all`` -1, ``current``/``cur`` -2, else an int.

Text forms (``core/java/android/content/Intent.java``, ``ComponentName.java``,
``os/BaseBundle.java``/``Bundle.java``):

* ``Intent.toShortString``: ``act= cat=[…] dat= typ= flg=0x… pkg= cmp= (has extras)`` in that
  order, the component as ``ComponentName.flattenToShortString`` (``pkg/.Cls`` when the class is
  in the package); ``Intent.toString`` is ``Intent { <toShortString> }`` -- what ``am`` prints
  (``Broadcasting: …``, ``Starting: …``) and what ``dumpsys jobscheduler`` prints for a work item;
* ``Bundle.toString`` after unparcelling: ``Bundle[{k=v, …}]`` in ArrayMap order (by the keys'
  ``String.hashCode``), values as ``String.valueOf``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from jobctl_sim.native.shell.command import Invocation

ERROR = -1
"""What ``onCommand`` returns on failure: ``cmd`` exits with 255."""
USER_ALL = -1
USER_CURRENT = -2


# --------------------------------------------------------------------------- Java exceptions
class JavaException(Exception):
    """A ``java.lang`` exception thrown by a service: its class name and message."""

    java_class: ClassVar[str] = "java.lang.RuntimeException"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.java_class if self.message is None else f"{self.java_class}: {self.message}"


class IllegalArgumentException(JavaException):
    java_class = "java.lang.IllegalArgumentException"


class IllegalStateException(JavaException):
    java_class = "java.lang.IllegalStateException"


class SecurityException(JavaException):
    java_class = "java.lang.SecurityException"


class NullPointerException(JavaException):
    java_class = "java.lang.NullPointerException"


class NumberFormatException(IllegalArgumentException):
    java_class = "java.lang.NumberFormatException"

    @classmethod
    def for_input_string(cls, text: str) -> NumberFormatException:
        """``NumberFormatException.forInputString`` (radix 10)."""
        return cls(f'For input string: "{text}"')


# --------------------------------------------------------------------------- numbers
def _parse_signed_decimal(text: str, bits: int) -> int:
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        raise NumberFormatException.for_input_string(text)
    number = int(text)
    if not -(2 ** (bits - 1)) <= number < 2 ** (bits - 1):
        raise NumberFormatException.for_input_string(text)
    return number


def parse_java_int(text: str) -> int:
    """``Integer.parseInt``: optional sign, decimal digits, 32-bit range."""
    return _parse_signed_decimal(text, 32)


def parse_java_long(text: str) -> int:
    """``Long.parseLong``: optional sign, decimal digits, 64-bit range."""
    return _parse_signed_decimal(text, 64)


def decode_java_int(value: str) -> int:
    """``Integer.decode``: decimal, ``0x``/``#`` hex or leading-``0`` octal."""
    text = value
    sign = 1
    if text[:1] in "+-":
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    try:
        if text[:2].lower() == "0x":
            number = int(text[2:], 16)
        elif text[:1] == "#":
            number = int(text[1:], 16)
        elif len(text) > 1 and text[0] == "0":
            number = int(text[1:], 8)
        else:
            number = int(text, 10)
    except ValueError:
        raise NumberFormatException.for_input_string(value) from None
    if not text or not text[-1:].isalnum():
        raise NumberFormatException.for_input_string(value)
    return sign * number


def parse_user_arg(text: str) -> int:
    """``UserHandle.parseUserArg``: ``all`` -1, ``current``/``cur`` -2, else an int."""
    if text == "all":
        return USER_ALL
    if text in ("current", "cur"):
        return USER_CURRENT
    return parse_java_int(text)


def java_bool(value: bool) -> str:
    """``String.valueOf(boolean)``."""
    return "true" if value else "false"


# --------------------------------------------------------------------------- the argument cursor
class ArgCursor:
    """``BasicShellCommandHandler``'s view of ``args``: reading starts at ``start`` (1 after a
    verb, so errors can name the word before the missing one)."""

    def __init__(self, args: Sequence[str], start: int = 0) -> None:
        self._args = list(args)
        self._pos = start
        self._glued: str | None = None

    @property
    def previous(self) -> str:
        return self._args[self._pos - 1] if self._pos > 0 else ""

    def next_option(self) -> str | None:
        if self._glued is not None:
            raise IllegalArgumentException(f'No argument expected after "{self.previous}"')
        if self._pos >= len(self._args):
            return None
        arg = self._args[self._pos]
        if not arg.startswith("-"):
            return None
        self._pos += 1
        if arg == "--":
            return None
        if len(arg) > 2 and arg[1] != "-":
            self._glued = arg[2:]
            return arg[:2]
        return arg

    def next_arg(self) -> str | None:
        if self._glued is not None:
            value, self._glued = self._glued, None
            return value
        if self._pos < len(self._args):
            value = self._args[self._pos]
            self._pos += 1
            return value
        return None

    def peek(self) -> str | None:
        if self._glued is not None:
            return self._glued
        return self._args[self._pos] if self._pos < len(self._args) else None

    def next_arg_required(self) -> str:
        value = self.next_arg()
        if value is None:
            raise IllegalArgumentException(f'Argument expected after "{self.previous}"')
        return value

    def remaining(self) -> list[str]:
        rest = ([self._glued] if self._glued is not None else []) + self._args[self._pos:]
        self._glued = None
        self._pos = len(self._args)
        return rest


def skip_user_option(cursor: ArgCursor) -> None:
    """Leading ``--user U`` options (one user here); any other option throws
    ``IllegalArgumentException("Unknown option: X")``."""
    while (opt := cursor.next_option()) is not None:
        if opt != "--user":
            raise IllegalArgumentException(f"Unknown option: {opt}")
        cursor.next_arg_required()


def skip_user_option_or_report(inv: Invocation, cursor: ArgCursor) -> bool:
    """Leading ``--user U`` options; any other prints ``Error: Unknown option: X`` on stderr and
    gives False (the command then returns -1)."""
    while (opt := cursor.next_option()) is not None:
        if opt != "--user":
            inv.err(f"Error: Unknown option: {opt}\n")
            return False
        cursor.next_arg_required()
    return True


# --------------------------------------------------------------------------- verb tables
VerbResult = int | Awaitable[int]
Verb = Callable[[Invocation, ArgCursor], VerbResult]


@dataclass(frozen=True)
class VerbTable:
    """One service's shell surface: verb name -> handler, plus its help text."""

    verbs: Mapping[str, Verb]
    help: Callable[[], str]
    exception_verb_in_header: bool = True

    async def run(self, inv: Invocation, args: Sequence[str]) -> int:
        """``BasicShellCommandHandler.exec`` + ``handleDefaultCommands``."""
        verb = args[0] if args else None
        handler = self.verbs.get(verb) if verb is not None else None
        if handler is None:
            return default_command(inv, verb, self.help)
        try:
            result = handler(inv, ArgCursor(args, 1))
            if inspect.isawaitable(result):
                result = await result
            return int(result)
        except JavaException as exc:
            print_exception(inv, verb or "", exc, self.exception_verb_in_header)
            return ERROR


def default_command(inv: Invocation, verb: str | None, help_text: Callable[[], str]) -> int:
    if verb is None or verb in ("help", "-h"):
        inv.out(help_text())
    else:
        inv.out(f"Unknown command: {verb}\n")
    return ERROR


def print_exception(inv: Invocation, verb: str, exc: JavaException, with_verb: bool = True) -> None:
    header = f"Exception occurred while executing '{verb}':" if with_verb else "Exception occurred while executing:"
    inv.err(f"\n{header}\n{exc}\n")


def sub_invocation(inv: Invocation, argv: list[str]) -> Invocation:
    """The same streams and caller, with a different argv (``cmd NAME`` -> service)."""
    return Invocation(argv, inv.device, inv.stdin, inv.stdout, inv.stderr, inv.hangup, inv.uid, dict(inv.env))


# --------------------------------------------------------------------------- text forms
def short_component(component: str) -> str:
    """``ComponentName.flattenToShortString``: ``pkg/.Cls`` when the class is in the package."""
    package, _, cls = component.partition("/")
    full = package + cls if cls.startswith(".") else cls
    return f"{package}/{full[len(package):]}" if full.startswith(package + ".") else f"{package}/{full}"


def full_component(component: str) -> str:
    """``ComponentName.unflattenFromString`` + ``flattenToString``: ``pkg/pkg.Cls``."""
    package, _, cls = component.partition("/")
    return f"{package}/{package + cls if cls.startswith('.') else cls}"


def intent_short_string(
    *,
    action: str | None = None,
    categories: Sequence[str] = (),
    data: str | None = None,
    mime: str | None = None,
    flags: int = 0,
    package: str | None = None,
    component: str | None = None,
    has_extras: bool = False,
) -> str:
    """``Intent.toShortString(secure, comp=true, extras=true, clip=false)``."""
    parts: list[str] = []
    if action:
        parts.append(f"act={action}")
    if categories:
        parts.append("cat=[" + ",".join(categories) + "]")
    if data:
        parts.append(f"dat={data}")
    if mime:
        parts.append(f"typ={mime}")
    if flags:
        parts.append(f"flg=0x{flags & 0xFFFFFFFF:x}")
    if package:
        parts.append(f"pkg={package}")
    if component:
        parts.append(f"cmp={short_component(component)}")
    if has_extras:
        parts.append("(has extras)")
    return " ".join(parts)


def intent_to_string(short: str) -> str:
    """``Intent.toString``: ``Intent { <toShortString> }``."""
    return "Intent { " + short + " }"


def java_string_hash(text: str) -> int:
    """``String.hashCode`` over UTF-16 code units, as a signed 32-bit int."""
    h = 0
    for unit in text.encode("utf-16-be").hex(" ", 2).split():
        h = (31 * h + int(unit, 16)) & 0xFFFFFFFF
    return h - (1 << 32) if h & 0x80000000 else h


def java_double(value: float) -> str:
    """``Double.toString``: the shortest digits that read back as ``value`` (Python's ``repr``
    finds the same), printed plain for 10^-3 <= |value| < 10^7 (``0.1``, ``100.0``) and as
    ``d.dddE±n`` outside it (``1.0E10``, ``1.0E-4``) (java.lang.Double#toString(double))."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if str(value).startswith("-") else "0.0"
    sign = "-" if value < 0 else ""
    exact = Decimal(repr(abs(value))).normalize()
    digits = "".join(str(d) for d in exact.as_tuple().digits)
    exponent = len(digits) + int(exact.as_tuple().exponent) - 1
    if 1e-3 <= abs(value) < 1e7:
        plain = format(exact, "f")
        return sign + (plain if "." in plain else plain + ".0")
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"


def java_str(value: object) -> str:
    """``String.valueOf`` of a Bundle value (arrays as ``[a, b]``)."""
    if isinstance(value, bool):
        return java_bool(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(java_str(v) for v in value) + "]"
    if value is None:
        return "null"
    return str(value)


def bundle_short_string(extras: Mapping[str, object]) -> str:
    """``BaseBundle.toShortString`` after unparcelling: ``{k=v, …}``, the keys in ArrayMap order
    (ascending ``String.hashCode``), the values as ``String.valueOf`` prints them."""
    keys = sorted(extras, key=java_string_hash)
    return "{" + ", ".join(f"{k}={java_str(extras[k])}" for k in keys) + "}"


def bundle_string(extras: Mapping[str, object], kind: str = "Bundle") -> str:
    """``Bundle.toString`` / ``PersistableBundle.toString`` after unparcelling: ``Bundle[{k=v, …}]``."""
    return f"{kind}[{bundle_short_string(extras)}]"
