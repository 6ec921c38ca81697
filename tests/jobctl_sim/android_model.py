"""An Android model on a virtual device without adbd: ``make()`` and ``sh()`` for the framework and
app tests."""

from __future__ import annotations

import asyncio

from jobctl_sim.framework import platform
from jobctl_sim.framework.system import AndroidSystem
from jobctl_sim.device import DeviceConfig, ShellResult, VirtualDevice


def make(api: int = 34) -> tuple[VirtualDevice, AndroidSystem]:
    device = VirtualDevice(DeviceConfig(serial="t", api_level=api))
    system = AndroidSystem(device)
    device.android = system
    platform.install(system)
    return device, system


def sh(device: VirtualDevice, line: str, stdin: bytes = b"") -> ShellResult:
    return asyncio.run(device.shell(line, stdin))

