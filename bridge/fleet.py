"""Many devices at once: describe them all, run one operation on each in parallel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bridge.adb.server import AdbServer
from bridge.device import Device, DeviceInfo, list_devices
from bridge.errors import JobctlError
from bridge.helper_protocol import HELPER_PACKAGE

T = TypeVar("T")

_PROBE = f"getprop ro.build.version.sdk; getprop ro.jobctl.virtual; pm path {HELPER_PACKAGE} 2>/dev/null"
"""One round trip that tells API level, virtual or not, and whether the helper is installed."""


@dataclass(frozen=True)
class DeviceDescription:
    serial: str
    state: str
    model: str
    api_level: int | None
    virtual: bool | None
    helper_installed: bool | None
    transport_id: int

    def to_json(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            "state": self.state,
            "model": self.model,
            "api_level": self.api_level,
            "virtual": self.virtual,
            "helper_installed": self.helper_installed,
        }


def _describe(server: AdbServer, info: DeviceInfo) -> DeviceDescription:
    api_level = virtual = helper = None
    if info.state == "device":
        try:
            lines = Device(server, info, reconnect_timeout=0).shell(_PROBE, timeout=10).text.splitlines()
            lines += ["", "", ""]
            api_level = int(lines[0]) if lines[0].strip().isdigit() else None
            virtual = lines[1].strip() == "1"
            helper = lines[2].startswith("package:")
        except JobctlError:
            pass
    return DeviceDescription(info.serial, info.state, info.model, api_level, virtual, helper, info.transport_id)


def describe_devices(server: AdbServer | None = None) -> list[DeviceDescription]:
    """Every device the adb server lists, probed in parallel (one round trip each)."""
    server = server or AdbServer()
    infos = list_devices(server)
    if not infos:
        return []
    with ThreadPoolExecutor(max_workers=min(16, len(infos))) as pool:
        return list(pool.map(lambda info: _describe(server, info), infos))


@dataclass(frozen=True)
class DeviceOutcome(Generic[T]):
    """What one device returned, or the error it raised."""

    serial: str
    value: T | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def for_each_device(operation: Callable[[Device], T], devices: Sequence[Device],
                    max_workers: int = 16) -> list[DeviceOutcome[T]]:
    """Run ``operation`` on every device in parallel; one device's failure does not stop the others."""

    def run(device: Device) -> DeviceOutcome[T]:
        try:
            return DeviceOutcome(device.serial, value=operation(device))
        except Exception as error:  # reported per device, by design
            return DeviceOutcome(device.serial, error=error)

    if not devices:
        return []
    with ThreadPoolExecutor(max_workers=min(max_workers, len(devices))) as pool:
        return list(pool.map(run, devices))
