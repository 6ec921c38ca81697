"""Android behind the virtual device's shell: one module per Android service.

:func:`install` is the device extension that builds an :class:`AndroidSystem` and installs
every service on it. Order matters only in that later services may read earlier ones' facts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobctl_sim.framework.system import AndroidSystem

if TYPE_CHECKING:
    from jobctl_sim.device import VirtualDevice


def install(device: "VirtualDevice") -> AndroidSystem:
    """Give ``device`` its Android services; returns the system (also ``device.android``)."""
    system = AndroidSystem(device)
    device.android = system
    # Platform services (settings first: others read it), then JobScheduler, then apps.
    from jobctl_sim.framework import platform

    platform.install(system)
    from jobctl_sim.framework import jobscheduler

    jobscheduler.install(system)
    from jobctl_sim.apps import registration as apps

    apps.install(system)
    return system


__all__ = ["AndroidSystem", "install"]
