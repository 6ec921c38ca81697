"""``root:`` and ``unroot:``: restart adbd with or without root (``adb root``/``adb unroot``).

Texts and decisions as AOSP ``packages/modules/adb/daemon/restart_service.cpp`` has them
(``restart_root_service``/``restart_unroot_service``):

* ``root:`` as root: ``adbd is already running as root``; on a build that is not debuggable
  (``ro.debuggable`` is not 1: a ``user`` build such as the emulator's Google Play images):
  ``adbd cannot run as root in production builds``; else it sets ``service.adb.root=1``, answers
  ``restarting adbd as root`` and adbd restarts as root;
* ``unroot:`` when not root: ``adbd not running as root``; else ``service.adb.root=0``,
  ``restarting adbd as non root`` and a restart.

Every text ends with a newline. The adb CLI prints it, and when it contains ``restarting`` waits
for the device to go away and come back (``client/commandline.cpp`` ``adb_root``). The restart
drops the connection: the device is offline for a moment, then the adb server reconnects to the
new adbd (:meth:`jobctl_sim.adbd.server.DeviceServer.restart_adbd`), whose uid follows
``service.adb.root`` (:func:`jobctl_sim.adbd.process.adbd_uid`).
"""

from __future__ import annotations

from jobctl_sim.adbd.process import ROOT_PROPERTY, is_debuggable
from jobctl_sim.adbd.transport import AdbStream
from jobctl_sim.device import VirtualDevice


async def serve_root(stream: AdbStream, device: VirtualDevice) -> None:
    device.counters.count_service("root")
    process = stream.connection.process
    if process.is_root:
        await stream.write(b"adbd is already running as root\n")
        return
    if not is_debuggable(device.props):
        await stream.write(b"adbd cannot run as root in production builds\n")
        return
    device.props[ROOT_PROPERTY] = "1"
    await stream.write(b"restarting adbd as root\n")
    await stream.close()
    process.request_restart()


async def serve_unroot(stream: AdbStream, device: VirtualDevice) -> None:
    device.counters.count_service("unroot")
    process = stream.connection.process
    if not process.is_root:
        await stream.write(b"adbd not running as root\n")
        return
    device.props[ROOT_PROPERTY] = "0"
    await stream.write(b"restarting adbd as non root\n")
    await stream.close()
    process.request_restart()
