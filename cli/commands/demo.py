"""``jobctl demo``: a guided tour on a throw-away virtual device.

Everything it starts (a private adb server on a free port, the virtual device) is stopped at
the end, so the tour leaves nothing running and never touches the user's adb server.
"""

from __future__ import annotations

import click

from cli.context import GlobalOptions, console, emit_json


@click.command()
@click.option("--api", type=click.IntRange(26, 35), default=34, show_default=True, help="API level of the tour's device.")
@click.pass_obj
def demo(options: GlobalOptions, api: int) -> None:
    """Start a virtual device, show it as adb sees it, run a few commands, stop it."""
    from bridge.adb.private import PrivateAdbServer
    from bridge.device import connect
    from bridge.fleet import describe_devices
    from bridge.sim.harness import SimHarness
    from bridge.sim.server import FleetSpec

    out = console()
    steps: list[dict[str, object]] = []
    with PrivateAdbServer() as adb, SimHarness(FleetSpec(api_level=api)) as sim:
        with console(stderr=True).status("starting a virtual device…"):
            serial = sim.connect(adb.server)[0]
        described = describe_devices(adb.server)
        device = connect(serial, adb.server)
        for command in ("getprop ro.build.version.release", "id", "echo hello from the virtual device"):
            result = device.shell(command)
            steps.append({"command": command, "exit_code": result.exit_code, "stdout": result.text})
        if options.json:
            emit_json({"devices": [d.to_json() for d in described], "steps": steps})
            return
        out.rule("[bold]1. A virtual device, as the real adb server sees it")
        from rich.table import Table

        table = Table(box=None, header_style="bold")
        for column in ("serial", "state", "model", "api", "kind"):
            table.add_column(column)
        for d in described:
            table.add_row(d.serial, d.state, d.model, str(d.api_level), "virtual" if d.virtual else "real")
        out.print(table)
        out.rule("[bold]2. Shell commands over the adbd protocol")
        for step in steps:
            out.print(f"[dim]$ adb -s {serial} shell[/dim] {step['command']}")
            out.print(str(step["stdout"]).rstrip(), markup=False)
    out.rule("[bold]Done")
    out.print("The device and the private adb server are stopped. Try [bold]jobctl sim start[/bold] "
              "for one that stays up.")
