"""Usage errors: every one is a single line on stderr, ``jobctl: error: <message> (see 'jobctl
COMMAND --help')``, exit 2 (``ExitCode.USAGE``), whatever raised it: click itself (a missing
argument, an unknown option or command, a bad value), a grammar of :mod:`bridge.grammar`
(:class:`~bridge.grammar.GrammarError`) or a command (:class:`OneLineUsageError`).

:func:`one_line_usage_error` is applied once, by the root group (``cli.main``), around parsing
and running every command of the tree.
"""

from __future__ import annotations

from typing import IO, Any

import click

from bridge.grammar import one_line

PROGRAM = "jobctl"


class OneLineUsageError(click.UsageError):
    """A usage error printed as one line (``jobctl: error: …``), exit code 2."""

    def show(self, file: IO[Any] | None = None) -> None:
        hint = f" (see '{self.ctx.command_path} --help')" if self.ctx is not None else ""
        click.echo(f"{PROGRAM}: error: {one_line(self.format_message())}{hint}", err=True)


def one_line_usage_error(error: click.UsageError, ctx: click.Context | None = None) -> OneLineUsageError:
    """``error`` as a :class:`OneLineUsageError`: click's message, its line breaks escaped; an unknown
    command gets its did-you-mean (``Did you mean 'jobs'?``), a group run without a command the
    list of its commands."""
    if isinstance(error, OneLineUsageError):
        return error
    where = error.ctx or ctx
    message = error.format_message()
    if where is not None and (isinstance(error, click.exceptions.NoArgsIsHelpError) or message == "Missing command."):
        return OneLineUsageError(f"Missing command (one of: {', '.join(_commands(where))}).", where)
    if isinstance(error, click.exceptions.NoSuchCommand) and where is not None:
        from difflib import get_close_matches  # only for this message (start-up, issue 16)

        message = f"No such command {error.command_name!r}."
        close = get_close_matches(error.command_name, _commands(where), n=3, cutoff=0.7) or [
            name for name in _commands(where) if sorted(name) == sorted(error.command_name)]  # transposed letters
        if close:
            message += f" Did you mean {' or '.join(repr(name) for name in close)}?"
    return OneLineUsageError(message, where)


def _commands(ctx: click.Context) -> list[str]:
    command = ctx.command
    return command.list_commands(ctx) if isinstance(command, click.Group) else []
