"""``jobctl sim start|stop|status|run|stats|fault``: virtual devices and the faults they can suffer."""

from __future__ import annotations

from pathlib import Path

import click

from cli.context import GlobalOptions, console, emit_json

API_LEVELS = click.IntRange(26, 35)


def _spec(api: int, count: int, port: int, host: str, speed: float, helper: bool):  # type: ignore[no-untyped-def]
    from jobctl_sim.adbd.server import FleetSpec

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
    from jobctl_sim import daemon

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
    from jobctl_sim import daemon

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
    from jobctl_sim import daemon

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
    from jobctl_sim import daemon

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

    from jobctl_sim import daemon

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


# ----------------------------------------------------------------------- fault injection
@sim.group()
def fault() -> None:
    """Inject faults into running virtual devices (pulled cable, slow device, lmk, reboot…).

    Each applies to the device named by -s/ANDROID_SERIAL (its adb serial, e.g.
    127.0.0.1:5560), or to every device of every running daemon when none is named.
    """


def _send_fault(options: GlobalOptions, state_dir: Path | None, request: dict[str, object]) -> None:
    from jobctl_sim import daemon

    running = [record for record in daemon.records(state_dir) if record.alive]
    serial = options.serial
    if serial is not None:
        running = [r for r in running if any(serial in (d.address, d.serial_number) for d in r.devices)]
        if not running:
            raise daemon.SimError(f"no running virtual device is called {serial!r} (see `jobctl sim status`)")
    if not running:
        raise daemon.SimError("no virtual devices are running (start some with `jobctl sim start`)")
    results: list[dict[str, object]] = []
    for record in running:
        answer = daemon.control(record, {"op": "fault", "device": serial, **request})
        results += answer["devices"]  # type: ignore[arg-type]
    if options.json:
        emit_json(results)
    elif request["kind"] == "list":
        _print_fault_list(results)
    else:
        for result in results:
            address = result.pop("address")
            if request["kind"] == "arm":
                click.echo(f"{address}: armed fault #{result['id']} (see `jobctl sim fault list`)")
            else:
                click.echo(f"{address}: " + ", ".join(f"{k}={v}" for k, v in result.items()))


def _print_fault_list(results: list[dict[str, object]]) -> None:
    for result in results:
        armed = result["armed"]
        fired = result["fired"]
        assert isinstance(armed, list) and isinstance(fired, list)
        click.echo(f"{result['address']}: {len(armed)} armed, {len(fired)} fired")
        for entry in armed:
            details = " ".join(f"{k}={v}" for k, v in entry.items() if k != "id")
            click.echo(f"  armed #{entry['id']}: {details}")
        for entry in fired[-20:]:
            click.echo(f"  fired at {entry['elapsed']:.3f}s: {entry['kind']} {entry['detail']}")


@fault.command()
@state_dir_option
@click.pass_obj
def drop(options: GlobalOptions, state_dir: Path | None) -> None:
    """Pull the cable now: every adb connection (running commands, logcat streams) dies."""
    _send_fault(options, state_dir, {"kind": "drop"})


@fault.command("drop-on")
@click.argument("pattern")
@click.option("--when", "when", type=click.Choice(["before", "after", "mid-output"]), default="after",
              show_default=True, help="Drop before the command runs, after it ran, or mid-output.")
@click.option("--after-bytes", type=click.IntRange(0), default=0, help="With --when mid-output: bytes let through.")
@click.option("--times", type=click.IntRange(0), default=1, show_default=True, help="How many commands (0: every one).")
@state_dir_option
@click.pass_obj
def drop_on(options: GlobalOptions, pattern: str, when: str, after_bytes: int, times: int,
            state_dir: Path | None) -> None:
    """Arm: drop the connection on the next shell command containing PATTERN."""
    if after_bytes and when != "mid-output":
        raise click.BadParameter("--after-bytes only goes with --when mid-output", param_hint="--after-bytes")
    request: dict[str, object] = {"kind": "arm", "action": f"drop-{when}", "pattern": pattern, "times": times}
    if when == "mid-output":
        request["after_bytes"] = after_bytes
    _send_fault(options, state_dir, request)


@fault.command()
@click.option("--delay-ms", type=click.IntRange(1, 600_000), required=True, help="Added latency per command.")
@click.option("--on", "pattern", default="", help="Only commands containing this text (default: all).")
@click.option("--times", type=click.IntRange(0), default=0, show_default=True, help="How many commands (0: every one).")
@state_dir_option
@click.pass_obj
def slow(options: GlobalOptions, delay_ms: int, pattern: str, times: int, state_dir: Path | None) -> None:
    """Arm: answer shell commands late (a loaded or throttled device)."""
    _send_fault(options, state_dir, {"kind": "arm", "action": "delay", "pattern": pattern, "times": times,
                                     "delay": delay_ms / 1000})


@fault.command()
@click.option("--package", default="dev.jobctl.helper", show_default=True, help="Whose process to kill.")
@state_dir_option
@click.pass_obj
def lmk(options: GlobalOptions, package: str, state_dir: Path | None) -> None:
    """Kill an app's process as the low-memory killer does (its running jobs are rescheduled)."""
    _send_fault(options, state_dir, {"kind": "lmk", "package": package})


@fault.command()
@state_dir_option
@click.pass_obj
def reboot(options: GlobalOptions, state_dir: Path | None) -> None:
    """Reboot the device (it goes offline and comes back; only persisted jobs survive)."""
    _send_fault(options, state_dir, {"kind": "reboot"})


@fault.command("overflow-logcat")
@click.option("--lines", type=click.IntRange(1, 1_000_000), default=None,
              help="Filler lines to write (default: the buffer's whole capacity).")
@state_dir_option
@click.pass_obj
def overflow_logcat(options: GlobalOptions, lines: int | None, state_dir: Path | None) -> None:
    """Flood the log buffer so older lines are pruned before a lagging reader sees them."""
    _send_fault(options, state_dir, {"kind": "overflow-logcat", "lines": lines})


@fault.command()
@click.option("--id", "fault_id", type=int, default=None, help="Only this armed fault (default: all).")
@state_dir_option
@click.pass_obj
def clear(options: GlobalOptions, fault_id: int | None, state_dir: Path | None) -> None:
    """Disarm armed faults."""
    _send_fault(options, state_dir, {"kind": "clear", "id": fault_id})


@fault.command("list")
@state_dir_option
@click.pass_obj
def list_faults(options: GlobalOptions, state_dir: Path | None) -> None:
    """Armed faults and the faults that fired, per device."""
    _send_fault(options, state_dir, {"kind": "list"})


@fault.command("restart-adb")
@state_dir_option
@click.pass_obj
def restart_adb(options: GlobalOptions, state_dir: Path | None) -> None:
    """Kill and restart the adb server the virtual devices are plugged into; they replug."""
    from bridge.adb.server import AdbServer, ServerAddress
    from jobctl_sim import daemon

    addresses = sorted({record.adb_server for record in daemon.records(state_dir) if record.alive})
    if not addresses:
        raise daemon.SimError("no virtual devices are running (start some with `jobctl sim start`)")
    for address in addresses:
        AdbServer(ServerAddress.parse(address)).restart()
    if options.json:
        emit_json([{"adb_server": a, "restarted": True} for a in addresses])
    else:
        for address in addresses:
            click.echo(f"adb server {address}: restarted")
