"""Assembling Android on a virtual device: the framework's services, then the app models on top.

A bare :class:`~jobctl_sim.device.VirtualDevice` has only its native commands (``sh``, toybox,
``logcat``); :func:`install_android` is the device extension that makes it a phone:
:func:`jobctl_sim.framework.install` (system services, ``cmd``/``dumpsys``/``am``/``pm``), then
:func:`jobctl_sim.apps.registration.install`, which needs the package manager the framework
brought (it preinstalls the jobctl helper when the device's config asks for it).
"""

from __future__ import annotations

from jobctl_sim import framework
from jobctl_sim.apps import registration
from jobctl_sim.device import Extension, VirtualDevice
from jobctl_sim.framework.system import AndroidSystem


def install_android(device: VirtualDevice) -> AndroidSystem:
    """Install the Android framework and the app models on ``device``; returns the system."""
    system = framework.install(device)
    registration.install(system)
    return system


ANDROID: tuple[Extension, ...] = (install_android,)
"""What every device the harness and the daemon start runs behind its shell."""

__all__ = ["ANDROID", "install_android"]
