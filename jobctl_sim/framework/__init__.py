"""Android behind the virtual device's shell: one module per Android service.

:func:`install` builds an :class:`AndroidSystem` on a device and installs every service on it.
Order matters only in that later services may read earlier ones' facts. The app models come on
top of the framework, not from it: :mod:`jobctl_sim.assembly` installs both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobctl_sim.framework.system import AndroidSystem

if TYPE_CHECKING:
    from jobctl_sim.device import VirtualDevice


def install(device: VirtualDevice) -> AndroidSystem:
    """Give ``device`` its Android services; returns the system (also ``device.android``)."""
    system = AndroidSystem(device)
    device.android = system
    # Platform services (settings first: others read it), then JobScheduler. Imported here, not
    # above: importing any one framework module (``framework.system``) should not load them all.
    from jobctl_sim.framework import jobscheduler, platform

    platform.install(system)
    jobscheduler.install(system)
    return system


__all__ = ["AndroidSystem", "install"]
