"""App-side models the virtual device runs in place of dex code: the jobctl helper.

:func:`install` (called by :func:`jobctl_sim.assembly.install_android`, after the framework) keeps
``system.apps["dev.jobctl.helper"]`` in step with the package manager: the model is registered
whenever a package named ``dev.jobctl.helper`` is added -- preinstalled here when
``device.config.helper`` is set, or installed later with ``pm install`` -- and unregistered when it
is removed. The preinstalled helper is the APK jobctl ships (:mod:`bridge.helper_apk`), committed
through its real binary manifest like any fresh install: stopped, and in the
standby bucket the package manager gives new packages (NEVER), as on a phone after ``adb install``.
"""

from __future__ import annotations

from bridge.helper_apk import shipped_apk_bytes
from jobctl_sim.apps.helper import manifest
from jobctl_sim.apps.helper.model import HelperApp
from jobctl_sim.apps import population, sample
from jobctl_sim.framework.system import AndroidSystem, Change, Topic


class HelperRegistration:
    """Registers and unregisters the helper model on package changes."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system

    def on_change(self, change: Change) -> None:
        if change.package != manifest.PACKAGE:
            return
        if change.topic is Topic.PACKAGE_ADDED and manifest.PACKAGE not in self._system.apps:
            self._system.apps[manifest.PACKAGE] = HelperApp(self._system)
        elif change.topic is Topic.PACKAGE_REMOVED and not change.detail.get("replacing"):
            app = self._system.apps.pop(manifest.PACKAGE, None)
            if app is not None:
                app.on_process_died()


def install(system: AndroidSystem, with_population: bool = True) -> None:
    """Subscribe the helper registration; preinstall the helper when the device config asks;
    then (``with_population``) the image's own jobs (:mod:`.population`) and the WorkManager
    sample app (:mod:`.sample`)."""
    registration = HelperRegistration(system)
    system.subscribe(registration.on_change)
    if system.device.config.helper:
        # The very APK jobctl ships and installs on phones, read through its binary manifest.
        system.packages.preinstall_apk(shipped_apk_bytes(), preferred_uid=manifest.PREFERRED_UID, stopped=True)
    elif system.packages.get(manifest.PACKAGE) is not None:
        system.apps[manifest.PACKAGE] = HelperApp(system)
    if with_population:
        population.install(system)
        sample.install(system)
