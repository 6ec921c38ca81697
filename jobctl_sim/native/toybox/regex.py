"""POSIX regular expressions (as bionic's ``regcomp`` reads them for toybox ``grep``/``sed``) turned
into Python ``re`` patterns: basic (BRE: ``\\( \\) \\{ \\} \\+ \\? \\|`` special, the bare forms literal)
or extended (ERE), with ``[[:class:]]`` bracket expressions."""

from __future__ import annotations

import re

_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "0-9a-zA-Z", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "blank": r" \t", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f",
    "cntrl": r"\x00-\x1f\x7f", "print": r" -~", "graph": r"!-~", "word": r"\w",
}


class RegexError(Exception):
    pass


def _bracket(pattern: str, i: int) -> tuple[str, int]:
    """Translate ``[...]`` starting at ``pattern[i] == '['``; returns (text, next index)."""
    j = i + 1
    out = ["["]
    if j < len(pattern) and pattern[j] in "!^":
        out.append("^")
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        out.append(r"\]")
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        if pattern.startswith("[:", j):
            end = pattern.find(":]", j)
            if end < 0:
                raise RegexError("brackets ([ ]) not balanced")
            name = pattern[j + 2:end]
            if name not in _CLASSES:
                raise RegexError("invalid character class")
            out.append(_CLASSES[name])
            j = end + 2
            continue
        c = pattern[j]
        out.append("\\" + c if c in "\\[]^" else c)
        j += 1
    if j >= len(pattern):
        raise RegexError("brackets ([ ]) not balanced")
    out.append("]")
    return "".join(out), j + 1


def translate(pattern: str, extended: bool) -> str:
    """A Python ``re`` pattern matching what ``pattern`` matches under POSIX rules."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "[":
            text, i = _bracket(pattern, i)
            out.append(text)
            continue
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            i += 2
            if not extended and n in "(){}+?|":
                out.append(n)
            elif n.isdigit() or n in "wWsSbB<>":
                out.append({"<": r"\b", ">": r"\b"}.get(n, "\\" + n))
            else:
                out.append(re.escape(n))
            continue
        if not extended and c in "(){}+?|":
            out.append("\\" + c)
        elif c == "*" and (not out or out[-1] in ("(", "^", "|")):
            out.append(r"\*")
        elif c in "^$" or c in ".*" or (extended and c in "(){}+?|"):
            out.append(c)
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def compile_posix(pattern: str, extended: bool, ignore_case: bool = False) -> re.Pattern[str]:
    try:
        return re.compile(translate(pattern, extended), re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise RegexError(str(exc)) from None
