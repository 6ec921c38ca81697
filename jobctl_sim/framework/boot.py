"""Reboot: the ``reboot`` command and :func:`reboot`, which the transport's ``reboot:`` calls.

What a reboot keeps and drops (AOSP file that persists it in brackets):

* kept: settings (``/data/system/users/0/settings_*.xml``), device_config, installed packages,
  their stopped state and runtime grants (``packages.xml``, ``package-restrictions.xml``,
  ``runtime-permissions.xml``), standby buckets (``/data/system/users/0/app_idle_stats.xml``),
  app ops (``/data/system/appops.xml``), the deviceidle allow-list (``/data/system/deviceidle.xml``),
  radio state (``wifi_on``, ``airplane_mode_on``, ``mobile_data`` settings), the filesystem;
* dropped: ``cmd battery`` overrides (``BatteryService`` keeps ``mUpdatesStopped`` in memory),
  ``cmd devicestoragemonitor`` forcing, forced doze and doze states, the temp allow-list,
  every app process; the screen is on after boot; the roaming test hook resets;
* JobScheduler hears :attr:`Topic.SHUTDOWN` first (it persists its jobs) and
  :attr:`Topic.BOOT_COMPLETED` last; elapsed realtime restarts at 0 (``device.clock.reboot()``).
"""

from __future__ import annotations

import asyncio

from jobctl_sim.framework.system import AndroidSystem, Change, Topic
from jobctl_sim.native.shell.command import Invocation


async def reboot(system: AndroidSystem) -> None:
    system.publish(Change(Topic.SHUTDOWN))
    system.activity.kill_all("shutdown")
    system.battery.reset_overrides()
    system.storage.reset_overrides()
    system.power.reset_for_boot()
    system.connectivity.roaming = False
    system.device.clock.reboot()
    boots = system.settings.global_int("boot_count", 0) + 1
    system.settings.put("global", "boot_count", str(boots))
    await asyncio.sleep(0)
    system.publish(Change(Topic.BOOT_COMPLETED))


def install(system: AndroidSystem) -> None:
    async def reboot_command(inv: Invocation) -> int:
        """``reboot``: the device goes down; over adb the caller's connection drops with it."""
        rebooting = inv.device.request_reboot()
        hangup = asyncio.ensure_future(inv.hangup.wait())
        try:
            await asyncio.wait({rebooting, hangup}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            hangup.cancel()
        return 0

    async def reboot_system() -> None:
        await reboot(system)

    system.reboot = reboot_system
    system.device.commands.register("reboot", reboot_command)
