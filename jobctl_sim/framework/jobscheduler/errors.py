"""Java exceptions as the platform throws them, so callers see Java's exact text.

``str(exc)`` is ``Throwable.toString()``: ``java.lang.IllegalArgumentException: <message>``,
which is what ``JobSchedulerShellCommand`` prints after ``Exception: `` and what an app's
binder call would rethrow.
"""

from __future__ import annotations


class JavaException(Exception):
    """A ``java.lang`` exception with its class name and message."""

    java_class = "java.lang.RuntimeException"

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
    def for_input_string(cls, s: str) -> "NumberFormatException":
        """``NumberFormatException.forInputString`` (radix 10)."""
        return cls(f'For input string: "{s}"')


def parse_java_int(text: str) -> int:
    """``Integer.parseInt``: optional sign, decimal digits, 32-bit range, else NumberFormatException."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        raise NumberFormatException.for_input_string(text)
    value = int(text)
    if not -(2**31) <= value < 2**31:
        raise NumberFormatException.for_input_string(text)
    return value
