"""``reboot:`` (``adb reboot``): the device goes down, drops its adb connections and boots again.

The adb server then lists it as ``offline`` and reconnects by itself once it listens again
(adb-protocol.md §2.5). ``reboot:bootloader`` and the like are refused: not modelled.
"""

from __future__ import annotations

from jobctl_sim.device import VirtualDevice
from jobctl_sim.adbd.transport import AdbStream


async def serve_reboot(stream: AdbStream, device: VirtualDevice) -> None:
    device.counters.count_service("reboot")
    device.request_reboot()
