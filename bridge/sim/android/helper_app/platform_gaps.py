"""Platform behaviour the helper depends on that the platform model does not do yet.

Each shim is idempotent, so it becomes a no-op once the owning service implements it.

* **A delivered broadcast un-stops the package.** ``BroadcastQueue`` (and Android 14's
  ``BroadcastQueueModernImpl``) calls ``setPackageStoppedState(pkg, false)`` before running a
  manifest receiver ("Broadcast is being executed, its package can't be stopped."). Without it,
  jobs the helper schedules from a freshly installed (stopped) state would stay pending with
  ``PENDING_JOB_REASON_USER`` forever. ``ActivityManagerService.deliver_broadcast`` does not do
  it (``bridge/sim/android/activity.py``), so the helper's receiver entry applies it.
"""

from __future__ import annotations

from bridge.sim.android.system import AndroidSystem, Change, Topic


def unstop_for_receiver(system: AndroidSystem, package: str) -> None:
    """``setPackageStoppedState(package, false)`` as the broadcast queue does before delivery."""
    packages = system.packages
    set_stopped = getattr(packages, "set_stopped", None)
    if set_stopped is None or not packages.is_stopped(package):
        return
    if set_stopped(package, False):
        facts = packages.get(package)
        system.publish(Change(Topic.PACKAGE_UNSTOPPED, package=package, uid=facts.uid if facts else None))
