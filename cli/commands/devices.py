"""``jobctl devices``."""

from __future__ import annotations

import click

from cli.context import GlobalOptions, console, emit_json


@click.command()
@click.pass_obj
def devices(options: GlobalOptions) -> None:
    """List attached devices: serial, state, model, API level, virtual or not."""
    from bridge.fleet import describe_devices

    described = describe_devices(options.server())
    if options.json:
        emit_json([d.to_json() for d in described])
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("serial", "state", "model", "api", "kind", "helper"):
        table.add_column(column)
    for d in described:
        kind = "virtual" if d.virtual else ("real" if d.virtual is False else "")
        helper = {True: "installed", False: "missing", None: ""}[d.helper_installed]
        table.add_row(d.serial, d.state, d.model, str(d.api_level or ""), kind, helper)
    out = console()
    if not described:
        out.print("no devices attached")
    else:
        out.print(table)
