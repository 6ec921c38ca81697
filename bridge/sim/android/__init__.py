"""Android behind the virtual device's shell: one module per Android service.

:func:`install` is the device extension that builds an :class:`AndroidSystem` and installs
every service on it. Order matters only in that later services may read earlier ones' facts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bridge.sim.android.system import AndroidSystem

if TYPE_CHECKING:
    from bridge.sim.device import VirtualDevice


def install(device: "VirtualDevice") -> AndroidSystem:
    """Give ``device`` its Android services; returns the system (also ``device.android``)."""
    system = AndroidSystem(device)
    device.android = system
    # Platform services (settings first: others read it), then JobScheduler, then apps.
    from bridge.sim.android import platform

    platform.install(system)
    from bridge.sim.android import jobscheduler

    jobscheduler.install(system)
    from bridge.sim.android import apps

    apps.install(system)
    return system


__all__ = ["AndroidSystem", "install"]
