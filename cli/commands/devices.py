"""``jobctl devices``."""

from __future__ import annotations

import click

from cli.context import GlobalOptions
from cli.render import Line, Table, show


@click.command()
@click.pass_obj
def devices(options: GlobalOptions, /) -> None:
    """List attached devices: serial, state, model, API level, virtual or not.

    \b
    Examples:
      jobctl devices
      jobctl devices --json
    """
    from bridge.fleet import describe_devices

    described = describe_devices(options.server())
    table = Table(("serial", "state", "model", "api", "kind", "helper"), tuple(
        (d.serial, d.state, d.model, str(d.api_level or ""),
         "virtual" if d.virtual else ("real" if d.virtual is False else ""),
         {True: "installed", False: "missing", None: ""}[d.helper_installed])
        for d in described))
    show(options, [d.to_json() for d in described], table if described else Line("no devices attached"))
