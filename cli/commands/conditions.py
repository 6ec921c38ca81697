"""``jobctl device …``: show and flip the conditions JobScheduler reacts to.

Each subcommand is one :class:`bridge.conditions.Conditions` call (which waits for a
JobScheduler-side readback), made whole or not at all (``Conditions.all_or_nothing``: an
interrupted command -- Ctrl-C, SIGTERM, SIGHUP -- puts back what it had changed); ``reset`` is
:func:`bridge.conditions.reset.reset_conditions`. Arguments
are checked by click before the device is touched: a bad value is a one-line usage error
(exit 2, ``cli.usage``) and nothing changes. Output goes through :mod:`cli.render`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from cli.context import GlobalOptions
from cli.render import Line, Table, show

if TYPE_CHECKING:
    from bridge.conditions import Conditions

ON_OFF = click.Choice(["on", "off"], case_sensitive=False)
BUCKETS = ("active", "working_set", "frequent", "rare", "restricted", "never")
NETWORKS = ("wifi", "cellular", "none", "airplane", "metered", "unmetered")
_PACKAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*", re.ASCII)
"""A Java package name; ``fullmatch`` only (``$`` would let a trailing newline through to the shell)."""


def _options(ctx: click.Context) -> GlobalOptions:
    found = ctx.find_object(GlobalOptions)
    assert found is not None, "jobctl's root group sets the global options"
    return found


def _package(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not _PACKAGE_NAME.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a package name", ctx, param)
    return value


@click.group()
@click.option("--package", "-p", metavar="PKG", default=None, callback=_package,
              help="The app `bucket`, `restrict`, `status` and `reset` apply to (default: the jobctl helper).")
@click.pass_context
def device(ctx: click.Context, package: str | None) -> None:
    """Show and flip the conditions JobScheduler reacts to (each change waits for its readback).

    \b
    Examples:
      jobctl device status
      jobctl device charging off
    """
    from bridge.helper_protocol import HELPER_PACKAGE

    ctx.meta["jobctl.package"] = package or HELPER_PACKAGE


def _apply(ctx: click.Context, change: Callable[[Conditions, str], None], done: str) -> None:
    """Run one change on the chosen device, then print what was done (or the new status with --json)."""
    from bridge.conditions import Conditions

    options = _options(ctx)
    package: str = ctx.meta["jobctl.package"]
    conditions = Conditions(options.device())
    with conditions.all_or_nothing():  # interrupted (Ctrl-C, SIGTERM, SIGHUP): the device as it was
        change(conditions, package)
    status = conditions.read([package]).to_json_object(package) if options.json else None
    show(options, {"done": done, "status": status}, Line(done))


@device.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Every condition as the device (and JobScheduler) reports it now.

    \b
    Examples:
      jobctl device status
      jobctl device status --json
    """
    from bridge.conditions.reading import read_conditions  # not the modules that change conditions

    options = _options(ctx)
    package: str = ctx.meta["jobctl.package"]
    conditions = read_conditions(options.device(), [package])
    document = conditions.to_json_object(package)
    app = conditions.app(package)
    rows = [(key.replace("_", " "), _word(value)) for key, value in document.items() if key != "app"]
    rows += [(f"{app.package} bucket", app.standby_bucket.name),
             (f"{app.package} background", app.background_mode.value)]
    show(options, document, Table(("condition", "value"), tuple(rows), show_header=False, bold_first_column=True,
                                  edge=False))


def _word(value: Any) -> str:
    return "-" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


@device.command()
@click.argument("state", type=ON_OFF)
@click.pass_context
def charging(ctx: click.Context, state: str) -> None:
    """Plug the charger in (on) or unplug it (off).

    \b
    Examples:
      jobctl device charging off     # charging jobs stop: CONSTRAINT_CHARGING
      jobctl device charging on
    """
    on = state.lower() == "on"
    _apply(ctx, lambda c, p: c.set_charging(on), f"charging {'on' if on else 'off'}")


@device.command()
@click.argument("level", type=click.IntRange(0, 100), metavar="LEVEL")
@click.pass_context
def battery(ctx: click.Context, level: int) -> None:
    """Set the battery level (0-100; 15 or less is "low").

    \b
    Examples:
      jobctl device battery 15       # low (15 % or less): unplugged, battery-not-low jobs stop
      jobctl device battery 80
    """
    _apply(ctx, lambda c, p: c.set_battery_level(level), f"battery level {level}")


@device.command()
@click.argument("kind", type=click.Choice(NETWORKS, case_sensitive=False))
@click.pass_context
def network(ctx: click.Context, kind: str) -> None:
    """wifi (airplane off, Wi-Fi on), cellular (airplane off, data on), none (Wi-Fi and data off),
    airplane (airplane mode on), metered / unmetered (override the connected Wi-Fi).

    \b
    Examples:
      jobctl device network cellular
      jobctl device network none
    """
    kind = kind.lower()

    def change(c: Conditions, package: str) -> None:
        if kind in ("wifi", "cellular"):
            c.set_airplane(False)
            c.set_wifi(True) if kind == "wifi" else c.set_cellular(True)
        elif kind == "none":
            c.set_wifi(False)
            c.set_cellular(False)
        elif kind == "airplane":
            c.set_airplane(True)
        else:
            c.set_metered(kind == "metered")

    _apply(ctx, change, f"network {kind}")


@device.command()
@click.argument("state", type=ON_OFF)
@click.pass_context
def idle(ctx: click.Context, state: str) -> None:
    """Device idle (screen off + idle maintenance) on, or screen on (off).

    \b
    Examples:
      jobctl device idle on
      jobctl device idle off
    """
    on = state.lower() == "on"
    _apply(ctx, lambda c, p: c.set_idle(on), f"idle {'on' if on else 'off'}")


@device.command()
@click.argument("state", type=ON_OFF)
@click.pass_context
def doze(ctx: click.Context, state: str) -> None:
    """Force deep Doze (on) or unforce it (off).

    \b
    Examples:
      jobctl device doze on
      jobctl device doze off
    """
    on = state.lower() == "on"
    _apply(ctx, lambda c, p: c.set_doze(on), f"doze {'on' if on else 'off'}")


@device.command()
@click.argument("state", type=click.Choice(["low", "ok"], case_sensitive=False))
@click.pass_context
def storage(ctx: click.Context, state: str) -> None:
    """Force storage low, or not low (ok).

    \b
    Examples:
      jobctl device storage low
      jobctl device storage ok
    """
    low = state.lower() == "low"
    _apply(ctx, lambda c, p: c.set_storage_low(low), f"storage {'low' if low else 'ok'}")


@device.command()
@click.argument("name", type=click.Choice(BUCKETS, case_sensitive=False), metavar="NAME")
@click.pass_context
def bucket(ctx: click.Context, name: str) -> None:
    """Put the app (--package, default the helper) in a standby bucket: active, working_set,
    frequent, rare, restricted, never.

    \b
    Examples:
      jobctl device bucket rare
      jobctl device bucket active
    """
    _apply(ctx, lambda c, p: c.set_standby_bucket(p, name), f"standby bucket {name.lower()}")


@device.command()
@click.argument("state", type=ON_OFF)
@click.pass_context
def restrict(ctx: click.Context, state: str) -> None:
    """Background-restrict the app (RUN_ANY_IN_BACKGROUND ignore) or lift it (allow).

    \b
    Examples:
      jobctl device restrict on
      jobctl device restrict off
    """
    on = state.lower() == "on"
    _apply(ctx, lambda c, p: c.set_background_restricted(p, on), f"background restriction {'on' if on else 'off'}")


@device.command("battery-saver")
@click.argument("state", type=ON_OFF)
@click.pass_context
def battery_saver(ctx: click.Context, state: str) -> None:
    """Battery saver on (unplugs first: it does nothing while plugged) or off.

    \b
    Example:
      jobctl device battery-saver on
    """
    on = state.lower() == "on"
    _apply(ctx, lambda c, p: c.set_battery_saver(on), f"battery saver {'on' if on else 'off'}")


@device.command()
@click.pass_context
def reset(ctx: click.Context) -> None:
    """Put back everything jobctl changes: airplane off, Wi-Fi and data on, battery saver off,
    `cmd battery reset`, battery monitoring off, storage reset, Doze unforced, screen on; and the
    values jobctl recorded on the device before it first changed them
    (battery_stats_constants, metered overrides, each app's standby bucket and background
    mode). A background restriction jobctl did not set is lifted (allow).

    \b
    Example:
      jobctl device reset
    """
    from bridge.conditions import Conditions
    from bridge.conditions.reset import reset_conditions

    options = _options(ctx)
    package: str = ctx.meta["jobctl.package"]
    conditions = Conditions(options.device())
    steps = reset_conditions(conditions, package)
    status = conditions.read([package]).to_json_object(package) if options.json else None
    show(options, {"done": list(steps), "status": status}, *(Line(f"✓ {step}") for step in steps))
