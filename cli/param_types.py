"""click parameter types: thin adapters over :mod:`bridge.grammar` (the grammar's one-line
message becomes click's ``Invalid value for '--opt': …``, a usage error, exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from bridge.grammar import (
    GrammarError,
    parse_backoff,
    parse_byte_estimate,
    parse_bytes,
    parse_duration,
    parse_extra,
    parse_periodic,
    parse_positive_duration,
    parse_trigger_uri,
    parse_work_spec,
)

if TYPE_CHECKING:
    from bridge.model import StopReason

T = TypeVar("T")


class GrammarType(click.ParamType[T, Any]):
    """A click type around one parser of :mod:`bridge.grammar`."""

    def __init__(self, name: str, parse: Callable[[str], T]) -> None:
        self.name = name
        self._parse = parse

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> T:
        if not isinstance(value, str):
            return cast(T, value)  # a default, already converted
        try:
            return self._parse(value)
        except GrammarError as error:
            self.fail(str(error), param, ctx)


DURATION = GrammarType("DURATION", parse_duration)
"""Milliseconds."""
POSITIVE_DURATION = GrammarType("DURATION", parse_positive_duration)
"""Milliseconds, more than 0."""
BYTES = GrammarType("BYTES", parse_bytes)
BYTE_ESTIMATE = GrammarType("DOWN,UP", parse_byte_estimate)
EXTRA = GrammarType("KEY=VALUE", parse_extra)
PERIODIC = GrammarType("INTERVAL[,FLEX]", parse_periodic)
BACKOFF = GrammarType("POLICY[,INITIAL]", parse_backoff)
TRIGGER_URI = GrammarType("URI[,descendants]", parse_trigger_uri)


def _checked_work_spec(text: str) -> str:
    parse_work_spec(text)
    return text


WORK_SPEC = GrammarType("SPEC", _checked_work_spec)
"""``--work SPEC``: kept as text (parsed again once every item's index is known), checked here so
a bad spec is a usage error before anything runs."""

JOB_ID = click.IntRange(-(2**31), 2**31 - 1)
"""A job id: a Java ``int``."""


class StopReasonType(click.ParamType["StopReason", Any]):
    """A ``StopReason`` member name, case-insensitive (``user``, ``timeout``, ``STOP_REASON_USER``)."""

    name = "REASON"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> StopReason:
        from bridge.model import StopReason

        if isinstance(value, StopReason):
            return value
        key = str(value).strip().upper().replace("-", "_").removeprefix("STOP_REASON_")
        try:
            return StopReason[key]
        except KeyError:
            names = ", ".join(m.name.lower() for m in StopReason)
            self.fail(f"{value!r} is not a stop reason (one of: {names})", param, ctx)


STOP_REASON = StopReasonType()


def stop_reason_help() -> str:
    """``--reason``'s help: every name :data:`STOP_REASON` takes, none left out."""
    from bridge.model import StopReason

    names = ", ".join(m.name.lower() for m in StopReason)
    return (f"The stop reason, by name (case-insensitive; STOP_REASON_ prefix optional): {names}. API 34+. "
            "Default: the platform's (user).")


class LazyHelpOption(click.Option):
    """An option whose help text is built the first time it is read (``--help``, the help tests),
    not when the command is defined: ``--reason``'s help lists every ``StopReason``, and loading
    the SDK enums for it cost every ``run``/``state``/``stop`` about 2 ms (issue 16: start-up).
    Use as ``click.option(..., cls=LazyHelpOption, help_factory=stop_reason_help)``."""

    def __init__(self, *args: Any, help_factory: Callable[[], str], **kwargs: Any) -> None:
        self._help_factory = help_factory
        self._help: str | None = None
        super().__init__(*args, **kwargs)

    @property
    def help(self) -> str | None:
        if self._help is None:
            self._help = self._help_factory()
        return self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value
