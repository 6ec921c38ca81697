"""What every framework shell command shares: argument cursor, verb tables, Java errors.

The cursor models ``android.os.BasicShellCommandHandler`` (``frameworks/base/core/java/android/
os/BasicShellCommandHandler.java``, Android 10-15; ``ShellCommand`` before it):

* ``getNextOption`` returns the next argument only if it starts with ``-``; ``--`` ends the
  options; a short option with a value glued to it (``-u0``) yields ``-u`` and keeps ``0`` for
  the next ``getNextArg``;
* ``getNextArgRequired`` throws ``IllegalArgumentException("Argument expected after \\"PREV\\"")``;
* ``handleDefaultCommands``: no verb, ``help`` or ``-h`` print the help; any other verb prints
  ``Unknown command: VERB`` on stdout; both return -1 (exit 255);
* an exception escaping ``onCommand`` is printed on stderr as an empty line, then
  ``Exception occurred while executing 'VERB':`` and the stack trace (the verb is in the text
  since Android 10 [I for the exact level]; we print the exception line without frames), and
  the command returns -1.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem

ERROR = -1
"""What ``onCommand`` returns on failure: ``cmd`` exits with 255."""


class JavaException(Exception):
    """A Java exception thrown by a service, printed as ``java.lang.X: message``."""

    def __init__(self, java_class: str, message: str) -> None:
        super().__init__(message)
        self.java_class = java_class
        self.message = message

    def __str__(self) -> str:
        return f"{self.java_class}: {self.message}"


def illegal_argument(message: str) -> JavaException:
    return JavaException("java.lang.IllegalArgumentException", message)


def security_exception(message: str) -> JavaException:
    return JavaException("java.lang.SecurityException", message)


def number_format(value: str) -> JavaException:
    """``Integer.parseInt`` on a bad string (the JDK's message)."""
    return JavaException("java.lang.NumberFormatException", f'For input string: "{value}"')


def parse_java_int(value: str) -> int:
    """``Integer.parseInt``: optional sign, decimal digits, 32-bit range."""
    body = value[1:] if value[:1] in "+-" else value
    if not body or not body.isascii() or not body.isdigit():
        raise number_format(value)
    number = int(value)
    if not -(2**31) <= number < 2**31:
        raise number_format(value)
    return number


def parse_java_long(value: str) -> int:
    body = value[1:] if value[:1] in "+-" else value
    if not body or not body.isascii() or not body.isdigit():
        raise number_format(value)
    number = int(value)
    if not -(2**63) <= number < 2**63:
        raise number_format(value)
    return number


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
        raise number_format(value) from None
    if not text or not text[-1:].isalnum():
        raise number_format(value)
    return sign * number


class ArgCursor:
    """``BasicShellCommandHandler``'s view of the arguments after the verb."""

    def __init__(self, args: list[str]) -> None:
        self._args = list(args)
        self._pos = 0
        self._glued: str | None = None

    @property
    def previous(self) -> str:
        return self._args[self._pos - 1] if self._pos > 0 else ""

    def next_option(self) -> str | None:
        if self._glued is not None:
            raise illegal_argument(f'No argument expected after "{self.previous}"')
        if self._pos >= len(self._args):
            return None
        arg = self._args[self._pos]
        if not arg.startswith("-"):
            return None
        self._pos += 1
        if arg == "--":
            return None
        if len(arg) > 1 and arg[1] != "-" and len(arg) > 2:
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
            raise illegal_argument(f'Argument expected after "{self.previous}"')
        return value

    def remaining(self) -> list[str]:
        rest = ([self._glued] if self._glued is not None else []) + self._args[self._pos:]
        self._glued = None
        self._pos = len(self._args)
        return rest


VerbResult = Union[int, Awaitable[int]]
Verb = Callable[[Invocation, ArgCursor], VerbResult]


@dataclass(frozen=True)
class VerbTable:
    """One service's shell surface: verb name -> handler, plus its help text."""

    verbs: Mapping[str, Verb]
    help: Callable[[], str]
    exception_verb_in_header: bool = True

    async def run(self, inv: Invocation, args: list[str]) -> int:
        """``BasicShellCommandHandler.exec`` + ``handleDefaultCommands``."""
        verb = args[0] if args else None
        handler = self.verbs.get(verb) if verb is not None else None
        if handler is None:
            return default_command(inv, verb, self.help)
        try:
            result = handler(inv, ArgCursor(args[1:]))
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


def api_level(system: "AndroidSystem") -> int:
    return system.api_level


ROOT_UID = 0
SHELL_UID = 2000
SYSTEM_UID = 1000
FIRST_APPLICATION_UID = 10000
