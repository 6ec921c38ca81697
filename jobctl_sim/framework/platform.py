"""Install the platform services and the shell entry points ``cmd``, ``dumpsys``, ``service``.

Sources:

* ``frameworks/native/cmds/cmd/cmd.cpp``: no argument prints ``cmd: No service specified; use
  -l to list all running services. Use -w to start and wait for a service.`` (Android 11+;
  ``cmd: No service specified; use -l to list all services`` before [I for the level]) on
  stderr and exits 20; ``cmd -l`` prints ``Currently running services:`` and ``  NAME`` lines
  (sorted); an unknown service prints ``cmd: Can't find service: NAME`` on stderr, exit 20;
  otherwise the service's shell command's result is the exit status.
* ``frameworks/native/cmds/dumpsys/dumpsys.cpp``: ``-l`` lists like ``cmd -l`` (exit 0); an
  unknown service prints ``Can't find service: NAME`` on stderr and exits 0; a service without
  a dump prints nothing. ``dumpsys`` of every service prints the list, then each dump between
  ``-------------------------------------------------------------------------------`` /
  ``DUMP OF SERVICE NAME:`` headers.
* ``frameworks/native/cmds/service/service.cpp``: ``service list`` (``Found N services:`` then
  ``i\tNAME: [IFACE]``) and ``service check NAME`` (``Service NAME: found|not found``).
"""

from __future__ import annotations

import inspect

from jobctl_sim.framework import (
    activity,
    appops,
    battery,
    boot,
    connectivity,
    batterystats,
    bootlog,
    costs,
    ime,
    location,
    meminfo,
    packages,
    power,
    procfs,
    processes,
    screencap,
    settings,
    storage,
    window,
)
from jobctl_sim.framework import input as input_manager
from jobctl_sim.framework.shell_command import sub_invocation
from jobctl_sim.framework.system import AndroidSystem, ShellEntry
from jobctl_sim.native.shell.command import Invocation

SEPARATOR = "-" * 79


async def _call(entry: ShellEntry, inv: Invocation) -> int:
    result = entry(inv)
    if inspect.isawaitable(result):
        result = await result
    return int(result)


def _cmd(system: AndroidSystem) -> ShellEntry:
    async def cmd(inv: Invocation) -> int:
        args = inv.args
        if not args:
            if system.api_level >= 30:
                inv.err("cmd: No service specified; use -l to list all running services. "
                        "Use -w to start and wait for a service.\n")
            else:
                inv.err("cmd: No service specified; use -l to list all services\n")
            return 20
        if args == ["-l"]:
            inv.out("Currently running services:\n" + "".join(f"  {n}\n" for n in sorted(system.binder_services)))
            return 0
        if args[0] == "-w" and len(args) > 1:
            args = args[1:]
        service = system.binder_services.get(args[0])
        if service is None:
            inv.err(f"cmd: Can't find service: {args[0]}\n")
            return 20
        if service.shell_command is None:
            return 0
        return await _call(service.shell_command, sub_invocation(inv, args)) & 0xFF

    return cmd


def _dumpsys(system: AndroidSystem) -> ShellEntry:
    async def dumpsys(inv: Invocation) -> int:
        args = list(inv.args)
        while args and args[0] in ("-t", "-T"):
            args = args[2:]
        if args[:1] == ["-l"]:
            inv.out("Currently running services:\n" + "".join(f"  {n}\n" for n in sorted(system.binder_services)))
            return 0
        if args[:1] == ["--help"]:
            inv.err("usage: dumpsys\n         To dump all services.\nor:\n"
                    "       dumpsys [-t TIMEOUT] [--priority LEVEL] [--help | -l | --skip SERVICES | SERVICE [ARGS]]\n")
            return 0
        if not args:
            names = sorted(system.binder_services)
            inv.out("Currently running services:\n" + "".join(f"  {n}\n" for n in names))
            for name in names:
                inv.out(f"{SEPARATOR}\nDUMP OF SERVICE {name}:\n")
                dump = system.binder_services[name].dump
                if dump is not None:
                    await _call(dump, sub_invocation(inv, [name, "-a"]))
            return 0
        service = system.binder_services.get(args[0])
        if service is None:
            inv.err(f"Can't find service: {args[0]}\n")
            return 0
        if service.dump is not None:
            await _call(service.dump, sub_invocation(inv, args))
        return 0

    return dumpsys


def _service(system: AndroidSystem) -> ShellEntry:
    def service(inv: Invocation) -> int:
        args = inv.args
        if args[:1] == ["list"]:
            names = sorted(system.binder_services)
            inv.out(f"Found {len(names)} services:\n" + "".join(f"{i}\t{n}: []\n" for i, n in enumerate(names)))
            return 0
        if args[:1] == ["check"] and len(args) > 1:
            found = "found" if args[1] in system.binder_services else "not found"
            inv.out(f"Service {args[1]}: {found}\n")
            return 0
        inv.err("Usage: service [-h|-?]\n       service list\n       service check SERVICE\n"
                "       service call SERVICE CODE [i32 N | i64 N | f N | d N | s16 STR | null | fd f nt m] ...\n")
        return 0

    return service


def _wrapper(system: AndroidSystem, name: str) -> ShellEntry:
    """``pm`` -> ``cmd package`` etc."""

    async def wrapper(inv: Invocation) -> int:
        service = system.binder_services[name]
        assert service.shell_command is not None
        return await _call(service.shell_command, sub_invocation(inv, [name, *inv.args])) & 0xFF

    return wrapper


def install(system: AndroidSystem) -> None:
    """Every platform service, in dependency order, then the shell entry points."""
    bootlog.install(system)
    settings.install(system)
    battery.install(system)
    storage.install(system)
    packages.install(system)
    appops.install(system)
    connectivity.install(system)
    power.install(system)
    activity.install(system)
    processes.install(system)
    window.install(system)
    input_manager.install(system)
    meminfo.install(system)
    batterystats.install(system)
    location.install(system)
    ime.install(system)
    screencap.install(system)
    procfs.install(system)
    boot.install(system)
    costs.install(system)
    commands = system.device.commands
    commands.register("cmd", _cmd(system))
    commands.register("dumpsys", _dumpsys(system))
    commands.register("service", _service(system))
    commands.register("pm", _wrapper(system, "package"))
    commands.register("settings", _wrapper(system, "settings"))
    commands.register("appops", _wrapper(system, "appops"))
    if system.api_level >= 29:
        commands.register("device_config", _wrapper(system, "device_config"))
