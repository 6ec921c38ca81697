import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from bridge.sim.android import platform  # noqa: E402
from bridge.sim.android.system import AndroidSystem  # noqa: E402
from bridge.sim.device import DeviceConfig, VirtualDevice  # noqa: E402


def make(api: int = 34):
    device = VirtualDevice(DeviceConfig(serial="t", api_level=api))
    system = AndroidSystem(device)
    device.android = system
    platform.install(system)
    return device, system


def sh(device, line: str, stdin: bytes = b""):
    return asyncio.run(device.shell(line, stdin))


@pytest.fixture
def dev():
    return make(34)
