"""Run command lines on a fresh virtual device, in process (helpers for the native tests)."""

from __future__ import annotations

import asyncio

from jobctl_sim.device import DeviceConfig, ShellResult, VirtualDevice


def run(command: str, stdin: bytes = b"", api_level: int = 34) -> ShellResult:
    async def go() -> ShellResult:
        device = VirtualDevice(DeviceConfig(serial="emulator-test", api_level=api_level))
        return await device.shell(command, stdin)

    return asyncio.run(go())


def run_as_root(command: str) -> ShellResult:
    async def go() -> ShellResult:
        from jobctl_sim.native.streams import BufferOutput, InputStream

        device = VirtualDevice(DeviceConfig(serial="emulator-test"))
        out, err = BufferOutput(), BufferOutput()
        code = await device.run_shell(command, InputStream.of(), out, err, uid=0)
        return ShellResult(out.getvalue(), err.getvalue(), code)

    return asyncio.run(go())
