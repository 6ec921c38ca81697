"""The boot log: what ``logcat -d`` shows of a boot before anything the user did.

A booted emulator's log starts with init and the native daemons, then zygote preloading, then
system_server starting its services, PackageManager scanning, JobScheduler and ActivityManager
bringing up the persistent apps, and ``Boot completed``. The lines here follow the messages of:

* ``system/core/init/init.cpp`` / ``service.cpp``: ``init: starting service 'NAME'...``;
* ``frameworks/base/core/java/com/android/internal/os/ZygoteInit.java``: ``Zygote`` /
  ``begin preload``, ``end preload``; ``System server process … has been created``;
* ``services/java/com/android/server/SystemServer.java``: ``SystemServer: Entered the Android
  system server!``, ``SystemServiceManager: Starting com.android.server.…``;
* ``services/core/java/com/android/server/pm/PackageManagerService.java``: ``PackageManager:
  Finished scanning system apps. Time: … ms, packageCount: …``;
* ``apex/jobscheduler/service/java/com/android/server/job/JobSchedulerService.java`` (its
  ``JobScheduler`` tag and the ``JobStore`` read: ``Read N jobs``);
* ``services/core/java/com/android/server/am/ActivityManagerService.java``/``ProcessList``:
  ``Start proc PID:NAME/UID for …``; ``ActivityManager: System now ready``,
  ``ActivityManager: Boot completed`` (``finishBooting``).

pids: init 1, the daemons and zygote64/system_server as :mod:`.processes` has them, so the log
agrees with ``ps``. Written at boot (install) and after every reboot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobctl_sim.framework.processes import ADBD_PID, SYSTEM_SERVER_PID, ZYGOTE_PID
from jobctl_sim.framework.system import Change, Topic

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem

SS = SYSTEM_SERVER_PID
BOOT_LINES: tuple[tuple[int, str, str, str], ...] = (
    (1, "I", "init", "init first stage started!"),
    (1, "I", "init", "starting service 'ueventd'..."),
    (1, "I", "init", "starting service 'logd'..."),
    (1, "I", "init", "starting service 'servicemanager'..."),
    (1, "I", "init", "starting service 'zygote'..."),
    (1, "I", "init", "starting service 'adbd'..."),
    (ADBD_PID, "I", "adbd", "adbd started"),
    (ZYGOTE_PID, "I", "Zygote", "begin preload"),
    (ZYGOTE_PID, "I", "Zygote", "end preload"),
    (ZYGOTE_PID, "I", "Zygote", f"System server process {SS} has been created"),
    (SS, "I", "SystemServer", "Entered the Android system server!"),
    (SS, "I", "SystemServiceManager", "Starting com.android.server.pm.Installer"),
    (SS, "I", "SystemServiceManager", "Starting com.android.server.am.ActivityManagerService$Lifecycle"),
    (SS, "I", "SystemServiceManager", "Starting com.android.server.power.PowerManagerService"),
    (SS, "I", "SystemServer", "StartPackageManagerService"),
    (SS, "I", "PackageManager", "Finished scanning system apps. Time: 412 ms, packageCount: 8 , "
                                "timePerPackage: 51 , cached: 8"),
    (SS, "I", "PackageManager", "Finished scanning non-system apps. Time: 9 ms, packageCount: 0 , "
                                "timePerPackage: 0 , cached: 0"),
    (SS, "I", "SystemServiceManager", "Starting com.android.server.job.JobSchedulerService"),
    (SS, "I", "JobScheduler", "Read 0 jobs"),
    (SS, "I", "SystemServiceManager", "Starting com.android.server.DeviceIdleController"),
    (SS, "I", "SystemServiceManager", "Starting com.android.server.wm.WindowManagerService"),
    (SS, "I", "ActivityManager", "System now ready"),
    (SS, "I", "ActivityManager", "Start proc 1402:com.android.systemui/u0a50 for service "
                                 "{com.android.systemui/com.android.systemui.SystemUIService}"),
    (SS, "I", "ActivityManager", "Start proc 1466:com.android.phone/1001 for added application com.android.phone"),
    (SS, "I", "ActivityManager", "Start proc 1789:com.android.launcher3/u0a51 for top-activity "
                                 "{com.android.launcher3/com.android.launcher3.uioverrides.QuickstepLauncher}"),
    (SS, "I", "ActivityManager", "Boot completed"),
)


def write_boot_log(system: AndroidSystem) -> None:
    for pid, priority, tag, message in BOOT_LINES:
        system.device.log.write(priority, tag, message, pid=pid, tid=pid)


def install(system: AndroidSystem) -> None:
    write_boot_log(system)

    def on_change(change: Change) -> None:
        if change.topic is Topic.BOOT_COMPLETED:
            write_boot_log(system)

    system.subscribe(on_change)


__all__ = ["BOOT_LINES", "install", "write_boot_log"]
