"""``jobctl sim start|stop|status|run|stats|fault``: virtual devices and the faults they can suffer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from jobctl_sim.native.props import RELEASES

from cli.context import GlobalOptions
from cli.options import stack
from cli.render import Line, Table, print_blocks, show
from cli.render import status as spinner

if TYPE_CHECKING:
    from jobctl_sim.fleet import FleetSpec

F = TypeVar("F", bound=Callable[..., Any])
API_LEVELS = click.IntRange(min(RELEASES), max(RELEASES))
"""Every Android release the virtual device models (jobctl_sim.native.props.RELEASES)."""


def _spec(api: int, count: int, port: int, host: str, speed: float, helper: bool) -> FleetSpec:
    from jobctl_sim.fleet import FleetSpec

    try:
        return FleetSpec(count=count, api_level=api, first_port=port, host=host, speed=speed, helper=helper)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def fleet_options(function: F) -> F:
    """``--api``, ``--count``, ``--port``, ``--host``, ``--speed``, ``--helper/--no-helper``."""
    return stack(
        click.option("--api", type=API_LEVELS, default=34, show_default=True, help="Android API level to model."),
        click.option("--count", type=click.IntRange(1, 64), default=1, show_default=True, help="How many devices."),
        click.option("--port", type=click.IntRange(0, 65535), default=0,
                     help="First device port; the others follow it. Default: 0 (any free ports)."),
        click.option("--host", default="127.0.0.1", show_default=True,
                     help="Address to listen on (loopback unless you really mean otherwise)."),
        click.option("--speed", type=click.FloatRange(min=0.001), default=1.0, show_default=True,
                     envvar="JOBCTL_SIM_SPEED", help="Virtual clock speed (60: a minute per second; "
                                                     "default from $JOBCTL_SIM_SPEED)."),
        click.option("--helper/--no-helper", default=True, show_default=True,
                     help="Boot with the jobctl helper app preinstalled."),
    )(function)


state_dir_option = click.option(
    "--state-dir", type=click.Path(file_okay=False, path_type=Path), envvar="JOBCTL_STATE_DIR",
    help="Where daemons are recorded (default: $XDG_STATE_HOME/jobctl).")


@click.group()
def sim() -> None:
    """Start, stop and inspect virtual devices.

    \b
    Examples:
      jobctl sim start --api 33
      jobctl sim stop
    """


@sim.command()
@fleet_options
@state_dir_option
@click.pass_obj
def start(options: GlobalOptions, /, api: int, count: int, port: int, host: str, speed: float, helper: bool,
          state_dir: Path | None) -> None:
    """Start virtual devices in the background and connect them to the adb server.

    \b
    Examples:
      jobctl sim start
      jobctl sim start --api 30 --count 2 --speed 60
    """
    from jobctl_sim import daemon

    spec = _spec(api, count, port, host, speed, helper)
    with spinner(f"starting {count} virtual device(s)…"):
        record = daemon.start(spec, options.server(), state_dir)
    show(options, {"pid": record.pid, "adb_server": record.adb_server, "serials": [d.address for d in record.devices]},
         *(Line(device.address) for device in record.devices))


@sim.command()
@state_dir_option
@click.option("--all", "every_server", is_flag=True,
              help="Stop the virtual devices of every adb server (default: only the adb server in use).")
@click.pass_obj
def stop(options: GlobalOptions, /, state_dir: Path | None, every_server: bool) -> None:
    """Disconnect and stop the virtual devices that `sim start` started on the adb server in use
    (-P/ANDROID_ADB_SERVER_PORT): another user's, terminal's or CI job's devices on their own adb
    server are left alone. With -s, only the daemon serving that device.

    \b
    Examples:
      jobctl sim stop
      jobctl sim stop -s localhost:5555
    """
    from jobctl_sim import daemon

    if options.serial is not None:
        stopped = [record for record in daemon.records(state_dir)
                   if any(options.serial in (d.address, d.serial_number) for d in record.devices)]
        if not stopped:
            raise daemon.SimError(f"no virtual device is called {options.serial!r} (see `jobctl sim status`)")
        for record in stopped:
            daemon.stop_record(record, state_dir=state_dir)
    else:
        stopped = daemon.stop_all(state_dir, None if every_server else options.server_address())
    serials = [d.address for record in stopped for d in record.devices]
    show(options, {"stopped": serials},
         Line("stopped " + " ".join(serials) if serials else "no virtual devices running"))


@sim.command()
@state_dir_option
@click.pass_obj
def status(options: GlobalOptions, /, state_dir: Path | None) -> None:
    """Show the virtual devices started in the background, each with the adb server it is
    plugged into (`sim stop` and `sim fault` act on the adb server in use).

    \b
    Example:
      jobctl sim status
    """
    from jobctl_sim import daemon

    records = daemon.records(state_dir)
    rows = [
        {"serial": d.address, "serial_number": d.serial_number, "api_level": d.api_level, "pid": r.pid,
         "alive": r.alive, "adb_server": r.adb_server, "speed": r.speed, "helper": d.helper}
        for r in records for d in r.devices
    ]
    table = Table(("serial", "api", "pid", "state", "speed", "helper", "adb server"), tuple(
        (d.address, str(d.api_level), str(r.pid), "running" if r.alive else "dead", f"{r.speed:g}x",
         "preinstalled" if d.helper else "none", r.adb_server.removeprefix("tcp:"))
        for r in records for d in r.devices))
    show(options, rows, table if rows else Line("no virtual devices running"))


@sim.command()
@state_dir_option
@click.pass_obj
def stats(options: GlobalOptions, /, state_dir: Path | None) -> None:
    """What each virtual device served, and what it would have cost on a phone.

    \b
    Example:
      jobctl sim stats
    """
    from jobctl_sim import daemon

    devices = [d for record in daemon.records(state_dir) if record.alive
               for d in _answers(daemon.control(record, {"op": "stats"}))]
    classes = ("native", "app_process", "run-as", "toybox", "builtin")
    rows = []
    for d in devices:
        costs = (d.get("costs") or {}).get("by_class", {})
        rows.append((str(d["address"]), str(d["adb"]["connections"]), str(d["adb"]["streams_opened"]),
                     str(d["adb"]["shell_commands"]), *(str(costs.get(k, "")) for k in classes)))
    table = Table(("serial", "connections", "streams", "shell cmds", *classes), tuple(rows))
    show(options, devices, table if devices else Line("no virtual devices running"))


def _answers(answer: dict[str, object]) -> list[dict[str, Any]]:
    """The per-device list of a daemon's control answer."""
    found = answer.get("devices")
    return [d for d in found if isinstance(d, dict)] if isinstance(found, list) else []


@sim.command()
@fleet_options
@click.option("--connect/--no-connect", default=True, help="Connect the devices to the adb server.")
@click.pass_obj
def run(options: GlobalOptions, /, api: int, count: int, port: int, host: str, speed: float, helper: bool,
        connect: bool) -> None:
    """Serve virtual devices in the foreground (Ctrl-C stops), for debugging.

    \b
    Example:
      jobctl sim run --api 31 --port 5600
    """
    import asyncio
    import logging

    from jobctl_sim import daemon

    spec = _spec(api, count, port, host, speed, helper)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    server = options.server()

    async def announce(record: daemon.SimRecord) -> None:
        if connect:
            await asyncio.to_thread(server.ensure_running)
        for device in record.devices:
            answer = await asyncio.to_thread(server.connect_device, device.address) if connect else "serving"
            print_blocks([Line(f"{device.address} (API {device.api_level}): {answer}")])
        print_blocks([Line("Ctrl-C stops")])

    asyncio.run(daemon.serve(spec, server.address, None, "", announce))


# ----------------------------------------------------------------------- fault injection
@sim.group()
def fault() -> None:
    """Inject faults into running virtual devices (pulled cable, slow device, low-memory kill,
    reboot, logcat overflow, adb server restart).

    Each applies to the device named by -s/ANDROID_SERIAL (its adb serial, e.g.
    127.0.0.1:5560), or, when none is named, to every virtual device of the adb server in use.

    \b
    Examples:
      jobctl sim fault drop
      jobctl sim fault slow --delay-ms 2000
    """


def _send_fault(options: GlobalOptions, /, state_dir: Path | None, request: dict[str, object]) -> None:
    from jobctl_sim import daemon

    running = [record for record in daemon.records(state_dir) if record.alive]
    serial = options.serial
    if serial is not None:
        running = [r for r in running if any(serial in (d.address, d.serial_number) for d in r.devices)]
        if not running:
            raise daemon.SimError(f"no running virtual device is called {serial!r} (see `jobctl sim status`)")
    else:
        if not running:
            raise daemon.SimError("no virtual devices are running (start some with `jobctl sim start`)")
        server = options.server_address()
        running = [r for r in running if daemon.same_server(r, server)]
        if not running:
            raise daemon.SimError(f"no virtual devices are running on the adb server at {server} "
                                  "(start some with `jobctl sim start`; `jobctl sim status` lists every one)")
    results: list[dict[str, Any]] = []
    for record in running:
        results += _answers(daemon.control(record, {"op": "fault", "device": serial, **request}))
    if request["kind"] == "list":
        lines = _fault_list_lines(results)
    elif request["kind"] == "arm":
        lines = [f"{r['address']}: armed fault #{r['id']} (see `jobctl sim fault list`)" for r in results]
    else:
        lines = [f"{r['address']}: " + ", ".join(f"{k}={v}" for k, v in r.items() if k != "address") for r in results]
    show(options, results, *(Line(line) for line in lines))


def _fault_list_lines(results: list[dict[str, Any]]) -> list[str]:
    lines = []
    for result in results:
        armed, fired = result["armed"], result["fired"]
        lines.append(f"{result['address']}: {len(armed)} armed, {len(fired)} fired")
        for entry in armed:
            details = " ".join(f"{k}={v}" for k, v in entry.items() if k != "id")
            lines.append(f"  armed #{entry['id']}: {details}")
        for entry in fired[-20:]:
            lines.append(f"  fired at {entry['elapsed']:.3f}s: {entry['kind']} {entry['detail']}")
    return lines


@fault.command()
@state_dir_option
@click.pass_obj
def drop(options: GlobalOptions, /, state_dir: Path | None) -> None:
    """Pull the cable now: every adb connection (running commands, logcat streams) dies.

    \b
    Example:
      jobctl sim fault drop
    """
    _send_fault(options, state_dir, {"kind": "drop"})


@fault.command("drop-on")
@click.argument("pattern")
@click.option("--when", "when", type=click.Choice(["before", "after", "mid-output"]), default="after",
              show_default=True, help="Drop before the command runs, after it ran, or mid-output.")
@click.option("--after-bytes", type=click.IntRange(0), default=0,
              help="With --when mid-output: bytes let through first. Default: 0.")
@click.option("--times", type=click.IntRange(0), default=1, show_default=True, help="How many commands (0: every one).")
@state_dir_option
@click.pass_obj
def drop_on(options: GlobalOptions, /, pattern: str, when: str, after_bytes: int, times: int,
            state_dir: Path | None) -> None:
    """Arm: drop the connection on the next shell command containing PATTERN.

    \b
    Examples:
      jobctl sim fault drop-on 'cmd jobscheduler run'
      jobctl sim fault drop-on logcat --when mid-output --after-bytes 4096
    """
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
def slow(options: GlobalOptions, /, delay_ms: int, pattern: str, times: int, state_dir: Path | None) -> None:
    """Arm: answer shell commands late (a loaded or throttled device).

    \b
    Example:
      jobctl sim fault slow --delay-ms 1500 --on dumpsys
    """
    _send_fault(options, state_dir, {"kind": "arm", "action": "delay", "pattern": pattern, "times": times,
                                     "delay": delay_ms / 1000})


@fault.command()
@click.option("--package", default="dev.jobctl.helper", show_default=True, help="Whose process to kill.")
@state_dir_option
@click.pass_obj
def lmk(options: GlobalOptions, /, package: str, state_dir: Path | None) -> None:
    """Kill an app's process as the low-memory killer does (its running jobs are rescheduled).

    \b
    Example:
      jobctl sim fault lmk
    """
    _send_fault(options, state_dir, {"kind": "lmk", "package": package})


@fault.command()
@state_dir_option
@click.pass_obj
def reboot(options: GlobalOptions, /, state_dir: Path | None) -> None:
    """Reboot the device (it goes offline and comes back; only persisted jobs survive).

    \b
    Example:
      jobctl sim fault reboot
    """
    _send_fault(options, state_dir, {"kind": "reboot"})


@fault.command("overflow-logcat")
@click.option("--lines", type=click.IntRange(1, 1_000_000), default=None,
              help="Filler lines to write (default: the buffer's whole capacity).")
@state_dir_option
@click.pass_obj
def overflow_logcat(options: GlobalOptions, /, lines: int | None, state_dir: Path | None) -> None:
    """Flood the log buffer so older lines are pruned before a lagging reader sees them.

    \b
    Example:
      jobctl sim fault overflow-logcat
    """
    _send_fault(options, state_dir, {"kind": "overflow-logcat", "lines": lines})


@fault.command()
@click.option("--id", "fault_id", type=int, default=None, help="Only this armed fault (default: all).")
@state_dir_option
@click.pass_obj
def clear(options: GlobalOptions, /, fault_id: int | None, state_dir: Path | None) -> None:
    """Disarm armed faults.

    \b
    Example:
      jobctl sim fault clear
    """
    _send_fault(options, state_dir, {"kind": "clear", "id": fault_id})


@fault.command("list")
@state_dir_option
@click.pass_obj
def list_faults(options: GlobalOptions, /, state_dir: Path | None) -> None:
    """Armed faults and the faults that fired, per device.

    \b
    Example:
      jobctl sim fault list
    """
    _send_fault(options, state_dir, {"kind": "list"})


@fault.command("restart-adb")
@state_dir_option
@click.pass_obj
def restart_adb(options: GlobalOptions, /, state_dir: Path | None) -> None:
    """Kill and restart the adb server the virtual devices are plugged into; they replug.

    \b
    Example:
      jobctl sim fault restart-adb
    """
    from bridge.adb.server import AdbServer, ServerAddress
    from jobctl_sim import daemon

    addresses = sorted({record.adb_server for record in daemon.records(state_dir) if record.alive})
    if not addresses:
        raise daemon.SimError("no virtual devices are running (start some with `jobctl sim start`)")
    for address in addresses:
        AdbServer(ServerAddress.parse(address)).restart()
    show(options, [{"adb_server": a, "restarted": True} for a in addresses],
         *(Line(f"adb server {address}: restarted") for address in addresses))
