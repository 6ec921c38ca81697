"""mksh arithmetic (``$((…))``, ``test -eq`` operands, ``shift N``), after mksh ``expr.c``.

Integers are 32-bit signed as in mksh (``mksh_ari_t``, wrapping); literals are decimal, ``0x``
hex or ``BASE#DIGITS`` (a leading ``0`` is decimal: mksh is not in POSIX mode); a variable's value is
itself evaluated as an expression (empty or unset: 0). Operators, lowest first: ``=`` and the
compound assignments, ``?:``, ``||``, ``&&``, ``|``, ``^``, ``&``, ``== !=``, ``< <= > >=``,
``<< >>``, ``+ -``, ``* / %``, unary ``! ~ + -`` and ``++``/``--``.

Errors are :class:`ArithError` with mksh's text (``evalerr``): ``EXPR: zero divisor``,
``EXPR: unexpected 'TOKEN'`` (``end of expression`` at the end), ``EXPR: bad number 'LIT'``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TOKEN = re.compile(
    r"\s*(?:(?P<num>[0-9][0-9A-Za-z_#]*)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|"
    r"(?P<op><<=|>>=|\+\+|--|\|\||&&|==|!=|<=|>=|<<|>>|[-+*/%&|^]=|[-+*/%<>=!~&|^?:()]))"
)
_BINARY = [
    ("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="), ("<", "<=", ">", ">="),
    ("<<", ">>"), ("+", "-"), ("*", "/", "%"),
]
_ASSIGN = ("=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|=")


class ArithError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def wrap32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


class ArithEvaluator:
    """Evaluates one expression against variables read with ``get`` and written with ``set``."""

    def __init__(self, get: Callable[[str], str], set_: Callable[[str, str], None], depth: int = 0) -> None:
        self.get = get
        self.set = set_
        self.depth = depth
        self.tokens: list[str] = []
        self.pos = 0
        self.expression = ""

    def evaluate(self, expression: str) -> int:
        self.expression = expression
        self.tokens = self._tokenize(expression)
        self.pos = 0
        if not self.tokens:
            return 0
        value = self._assignment()
        if self.pos < len(self.tokens):
            self._unexpected()
        return value

    def _tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            match = _TOKEN.match(text, pos)
            if match is None:
                raise ArithError(f"{self.expression}: unexpected '{text[pos:].strip()[0]}'")
            tokens.append(match.group(match.lastgroup or "op"))
            pos = match.end()
        return tokens

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _unexpected(self) -> None:
        tok = self._peek()
        shown = "end of expression" if tok is None else tok
        raise ArithError(f"{self.expression}: unexpected '{shown}'")

    def _assignment(self) -> int:
        tok = self._peek()
        nxt = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
        if tok is not None and _is_name(tok) and nxt in _ASSIGN:
            self.pos += 2
            right = self._assignment()
            value = right if nxt == "=" else self._apply(nxt[:-1], self._variable(tok), right)
            self.set(tok, str(value))
            return value
        return self._ternary()

    def _ternary(self) -> int:
        condition = self._binary(0)
        if self._peek() != "?":
            return condition
        self.pos += 1
        yes = self._assignment()
        if self._peek() != ":":
            self._unexpected()
        self.pos += 1
        no = self._assignment()
        return yes if condition else no

    def _binary(self, level: int) -> int:
        if level >= len(_BINARY):
            return self._unary()
        left = self._binary(level + 1)
        while (op := self._peek()) in _BINARY[level]:
            self.pos += 1
            if op == "&&" and not left:
                self._skip(level + 1)
                left = 0
                continue
            if op == "||" and left:
                self._skip(level + 1)
                left = 1
                continue
            left = self._apply(op or "", left, self._binary(level + 1))
        return left

    def _skip(self, level: int) -> None:
        """Parse the right side of a short-circuited ``&&``/``||`` without its side effects."""
        saved = self.set
        self.set = lambda name, value: None
        try:
            self._binary(level)
        finally:
            self.set = saved

    def _apply(self, op: str, a: int, b: int) -> int:
        if op in ("/", "%") and b == 0:
            raise ArithError(f"{self.expression}: zero divisor")
        results: dict[str, Callable[[], int]] = {
            "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
            "/": lambda: int(a / b), "%": lambda: a - int(a / b) * b,
            "<<": lambda: a << (b & 31), ">>": lambda: a >> (b & 31),
            "&": lambda: a & b, "|": lambda: a | b, "^": lambda: a ^ b,
            "==": lambda: int(a == b), "!=": lambda: int(a != b), "<": lambda: int(a < b),
            "<=": lambda: int(a <= b), ">": lambda: int(a > b), ">=": lambda: int(a >= b),
            "&&": lambda: int(bool(a and b)), "||": lambda: int(bool(a or b)),
        }
        return wrap32(results[op]())

    def _unary(self) -> int:
        tok = self._peek()
        if tok in ("!", "~", "-", "+"):
            self.pos += 1
            value = self._unary()
            return {"!": int(not value), "~": wrap32(~value), "-": wrap32(-value), "+": value}[tok or "+"]
        if tok in ("++", "--"):
            self.pos += 1
            name = self._peek()
            if name is None or not _is_name(name):
                raise ArithError(f"{self.expression}: {tok} requires lvalue")
            self.pos += 1
            value = wrap32(self._variable(name) + (1 if tok == "++" else -1))
            self.set(name, str(value))
            return value
        return self._primary()

    def _primary(self) -> int:
        tok = self._peek()
        if tok is None:
            self._unexpected()
            return 0
        if tok == "(":
            self.pos += 1
            value = self._assignment()
            if self._peek() != ")":
                self._unexpected()
            self.pos += 1
            return value
        if tok[0].isdigit():
            self.pos += 1
            return parse_literal(tok, self.expression)
        if _is_name(tok):
            self.pos += 1
            value = self._variable(tok)
            if self._peek() in ("++", "--"):
                step = 1 if self._peek() == "++" else -1
                self.pos += 1
                self.set(tok, str(wrap32(value + step)))
            return value
        self._unexpected()
        return 0

    def _variable(self, name: str) -> int:
        text = self.get(name).strip()
        if not text:
            return 0
        if self.depth > 8:
            raise ArithError(f"{self.expression}: expression recurses on parameter '{name}'")
        return ArithEvaluator(self.get, self.set, self.depth + 1).evaluate(text)


def _is_name(token: str) -> bool:
    return token[0].isalpha() or token[0] == "_"


def parse_literal(text: str, expression: str) -> int:
    """A numeric literal as mksh reads it; ``bad number`` otherwise."""
    try:
        if "#" in text:
            base, digits = text.split("#", 1)
            return wrap32(int(digits, int(base)))
        if text[:2].lower() == "0x":
            return wrap32(int(text[2:], 16))
        return wrap32(int(text, 10))
    except ValueError:
        if text == expression:
            raise ArithError(f"{text}: bad number") from None
        raise ArithError(f"{expression}: bad number '{text}'") from None
