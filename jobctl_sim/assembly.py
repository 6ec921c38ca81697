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


def install_android(device: VirtualDevice, population: bool = True) -> AndroidSystem:
    """Install the Android framework and the app models on ``device``; returns the system.

    ``population=False`` leaves out the image's own boot jobs and the WorkManager sample app
    (:mod:`jobctl_sim.apps.population`, :mod:`jobctl_sim.apps.sample`): a device whose only jobs
    are the ones a test schedules."""
    system = framework.install(device)
    registration.install(system, with_population=population)
    return system


def install_android_without_population(device: VirtualDevice) -> AndroidSystem:
    return install_android(device, population=False)


ANDROID: tuple[Extension, ...] = (install_android,)
"""What every device the harness and the daemon start runs behind its shell."""

ANDROID_WITHOUT_POPULATION: tuple[Extension, ...] = (install_android_without_population,)
"""The same without the boot population (for tests that need a device with no jobs of its own)."""

__all__ = ["ANDROID", "ANDROID_WITHOUT_POPULATION", "install_android", "install_android_without_population"]
