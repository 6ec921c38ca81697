"""Options defined once and shared: ``--json`` and ``-s/--serial`` (accepted before *or* after the
subcommand, same meaning), ``--namespace``, and a typed way to stack option decorators.

``jobctl --json jobs`` and ``jobctl jobs --json`` mean the same; so do ``jobctl -s X sim fault
drop`` and ``jobctl sim fault drop -s X``. The root group (``cli.main``) defines the global
options; :func:`adopt_global_options` gives every command below it (groups included) the two
that may also follow the subcommand, as options that update the command's
:class:`~cli.context.GlobalOptions` (``ctx.obj``): a later one wins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import click

from cli.context import GlobalOptions

F = TypeVar("F", bound=Callable[..., Any])

JSON_FLAGS = ("--json",)
SERIAL_FLAGS = ("-s", "--serial")
JSON_HELP = "Print one JSON document on stdout instead of tables."
SERIAL_HELP = "Device serial (default: $ANDROID_SERIAL, or the only device)."
_ADOPTED = "jobctl_global_options"
"""The name of the ``--json`` parameter :func:`adopt_global_options` adds (marks a command done)."""


def stack(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several option decorators as one, applied in the order written (the first is outermost,
    listed first by ``--help``)."""

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


# ----------------------------------------------------------------- --json and -s/--serial anywhere


def _global(ctx: click.Context) -> GlobalOptions:
    found = ctx.find_object(GlobalOptions)
    return found if found is not None else GlobalOptions(serial=None, adb_host=None, adb_port=None, json=False)


COMMAND_CONTEXT = "jobctl.command_context"
"""``ctx.meta`` key: the context of the innermost command being parsed or run (``ctx.meta`` is one
dict per invocation, shared by its contexts)."""


class CommandContext(click.Context):
    """A context that records itself as the innermost command's (see :func:`command_context`)."""

    def __init__(self, command: click.Command, parent: click.Context | None = None, **extra: Any) -> None:
        super().__init__(command, parent, **extra)
        self.meta[COMMAND_CONTEXT] = self


def command_context(ctx: click.Context) -> click.Context:
    """The innermost command's context of this invocation (``ctx`` before any subcommand is parsed):
    what a usage error raised while it runs points to (``see 'jobctl sim start --help'``)."""
    found = ctx.meta.get(COMMAND_CONTEXT)
    return found if isinstance(found, click.Context) else ctx


def _set_json(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        ctx.obj = dataclasses.replace(_global(ctx), json=True)


def _set_serial(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None and not ctx.resilient_parsing:
        ctx.obj = dataclasses.replace(_global(ctx), serial=value or None)


def adopt_global_options(command: click.Command) -> click.Command:
    """Give ``command`` and every command below it ``--json`` and ``-s/--serial`` (once; a
    command that already uses one of those names for something else is a programming error), and
    the context that lets a usage error name the command it is about."""
    command.context_class = CommandContext
    if not any(param.name == _ADOPTED for param in command.params):
        taken = {name for param in command.params for name in (*param.opts, *param.secondary_opts)}
        clash = taken & {*JSON_FLAGS, *SERIAL_FLAGS}
        if clash:
            raise TypeError(f"{command.name}: {', '.join(sorted(clash))} is reserved for the global options")
        command.params += [
            click.Option([*JSON_FLAGS, _ADOPTED], is_flag=True, expose_value=False, callback=_set_json,
                         help=JSON_HELP + " (Also accepted before the command.)"),
            click.Option([*SERIAL_FLAGS, "jobctl_global_serial"], metavar="SERIAL", expose_value=False,
                         callback=_set_serial, help=SERIAL_HELP + " (Also accepted before the command.)"),
        ]
    if isinstance(command, click.Group):
        for child in command.commands.values():
            adopt_global_options(child)
    return command


# ----------------------------------------------------------------- --namespace


def check_namespace(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A namespace travels as one shell word (``cmd jobscheduler … -n NS``): any text but NUL,
    which no shell command line can carry."""
    if value is not None and "\0" in value:
        raise click.BadParameter(f"{value!r} contains a NUL character", ctx, param)
    return value


def namespace_option(function: F) -> F:
    """``--namespace NS`` / ``-n NS``: the job's namespace, for every command that takes one."""
    decorator: Callable[[F], F] = click.option(
        "--namespace", "-n", metavar="NS", default=None, callback=check_namespace,
        help="The job's namespace (API 34+; default: the default namespace).")
    return decorator(function)


# ----------------------------------------------------------------- -p/--package


def check_package(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A well-formed package name (checked before any device is touched: a usage error, exit 2)."""
    if value is None:
        return None  # before the imports: most commands get no -p, and bridge.conditions is heavy
    from bridge.conditions.values import check_package_name
    from bridge.errors import InvalidConditionError

    try:
        return check_package_name(value)
    except InvalidConditionError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def package_option(function: F) -> F:
    """``-p/--package PKG``: whose jobs (default: the jobctl helper). Another app needs nothing of
    jobctl installed: its jobs are read and driven through JobScheduler's shell (``bridge.app_jobs``)."""
    decorator: Callable[[F], F] = click.option(
        "--package", "-p", metavar="PKG", default=None, callback=check_package,
        help="Whose jobs (default: the jobctl helper, dev.jobctl.helper). Another app needs no helper.")
    return decorator(function)


def other_package(package: str | None) -> str | None:
    """``package`` unless it is the helper's (``None``: the helper's own, richer path)."""
    from bridge.helper_protocol import HELPER_PACKAGE

    return None if package in (None, HELPER_PACKAGE) else package


def namespace_text(namespace: str | None) -> str:
    """A namespace in a command's line: its name, or ``none`` for the default namespace."""
    return namespace if namespace is not None else "none"
