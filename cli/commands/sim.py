"""``jobctl sim start|stop|status|run|stats``: virtual devices."""

from __future__ import annotations

from pathlib import Path

import click

from cli.context import GlobalOptions, console, emit_json

API_LEVELS = click.IntRange(26, 35)


def _spec(api: int, count: int, port: int, host: str, speed: float, helper: bool):  # type: ignore[no-untyped-def]
    from bridge.sim.server import FleetSpec

    try:
        return FleetSpec(count=count, api_level=api, first_port=port, host=host, speed=speed, helper=helper)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def fleet_options(function):  # type: ignore[no-untyped-def]
    for option in reversed([
        click.option("--api", type=API_LEVELS, default=34, show_default=True, help="Android API level to model."),
        click.option("--count", type=click.IntRange(1, 64), default=1, show_default=True, help="How many devices."),
        click.option("--port", type=click.IntRange(0, 65535), default=0,
                     help="First device port (0: any free ports)."),
        click.option("--host", default="127.0.0.1", show_default=True,
                     help="Address to listen on (loopback unless you really mean otherwise)."),
        click.option("--speed", type=click.FloatRange(min=0.001), default=1.0, show_default=True,
                     help="Virtual clock speed (60: a minute per second)."),
        click.option("--helper/--no-helper", default=True, show_default=True,
                     help="Boot with the jobctl helper app preinstalled."),
    ]):
        function = option(function)
    return function


state_dir_option = click.option(
    "--state-dir", type=click.Path(file_okay=False, path_type=Path), envvar="JOBCTL_STATE_DIR",
    help="Where daemons are recorded (default: $XDG_STATE_HOME/jobctl).")


@click.group()
def sim() -> None:
    """Start, stop and inspect virtual devices."""


@sim.command()
@fleet_options
@state_dir_option
@click.pass_obj
def start(options: GlobalOptions, api: int, count: int, port: int, host: str, speed: float, helper: bool,
          state_dir: Path | None) -> None:
    """Start virtual devices in the background and connect them to the adb server."""
    from bridge.sim import daemon

    spec = _spec(api, count, port, host, speed, helper)
    with console(stderr=True).status(f"starting {count} virtual device(s)…"):
        record = daemon.start(spec, options.server(), state_dir)
    if options.json:
        emit_json({"pid": record.pid, "adb_server": record.adb_server,
                   "serials": [d.address for d in record.devices]})
        return
    for device in record.devices:
        click.echo(device.address)


@sim.command()
@state_dir_option
@click.pass_obj
def stop(options: GlobalOptions, state_dir: Path | None) -> None:
    """Disconnect and stop the virtual devices that `sim start` started."""
    from bridge.sim import daemon

    stopped = daemon.stop_all(state_dir)
    serials = [d.address for record in stopped for d in record.devices]
    if options.json:
        emit_json({"stopped": serials})
    elif serials:
        click.echo("stopped " + " ".join(serials))
    else:
        click.echo("no virtual devices running")


@sim.command()
@state_dir_option
@click.pass_obj
def status(options: GlobalOptions, state_dir: Path | None) -> None:
    """Show the virtual devices started in the background."""
    from bridge.sim import daemon

    records = daemon.records(state_dir)
    rows = [
        {"serial": d.address, "serial_number": d.serial_number, "api_level": d.api_level, "pid": r.pid,
         "alive": r.alive, "adb_server": r.adb_server, "speed": r.speed, "helper": d.helper}
        for r in records for d in r.devices
    ]
    if options.json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no virtual devices running")
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("serial", "api", "pid", "state", "speed", "helper"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["serial"], str(row["api_level"]), str(row["pid"]),
                      "running" if row["alive"] else "dead", f"{row['speed']:g}x",
                      "preinstalled" if row["helper"] else "none")
    console().print(table)


@sim.command()
@state_dir_option
@click.pass_obj
def stats(options: GlobalOptions, state_dir: Path | None) -> None:
    """What each virtual device served, and what it would have cost on a phone."""
    from bridge.sim import daemon

    devices = [d for record in daemon.records(state_dir) if record.alive
               for d in daemon.control(record, {"op": "stats"})["devices"]]  # type: ignore[union-attr]
    if options.json:
        emit_json(devices)
        return
    if not devices:
        click.echo("no virtual devices running")
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    classes = ("native", "app_process", "run-as", "toybox", "builtin")
    for column in ("serial", "connections", "streams", "shell cmds", *classes):
        table.add_column(column)
    for d in devices:
        costs = (d.get("costs") or {}).get("by_class", {})
        table.add_row(d["address"], str(d["adb"]["connections"]), str(d["adb"]["streams_opened"]),
                      str(d["adb"]["shell_commands"]),
                      *(str(costs.get(k, "")) for k in classes))
    console().print(table)


@sim.command()
@fleet_options
@click.option("--connect/--no-connect", default=True, help="Connect the devices to the adb server.")
@click.pass_obj
def run(options: GlobalOptions, api: int, count: int, port: int, host: str, speed: float, helper: bool,
        connect: bool) -> None:
    """Serve virtual devices in the foreground (Ctrl-C stops), for debugging."""
    import asyncio
    import logging

    from bridge.sim import daemon

    spec = _spec(api, count, port, host, speed, helper)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    server = options.server()

    async def announce(record: "daemon.SimRecord") -> None:
        if connect:
            await asyncio.to_thread(server.ensure_running)
        for device in record.devices:
            answer = await asyncio.to_thread(server.connect_device, device.address) if connect else "serving"
            click.echo(f"{device.address} (API {device.api_level}): {answer}")
        click.echo("Ctrl-C stops")

    asyncio.run(daemon.serve(spec, server.address, None, "", announce))
