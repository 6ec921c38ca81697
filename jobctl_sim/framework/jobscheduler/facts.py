"""The facts JobScheduler's controllers read of the device, in one place.

Every read goes through :class:`~jobctl_sim.framework.system.FactSources` (the
:class:`~jobctl_sim.framework.system.AndroidSystem`, or test stand-ins), at the moment it is
needed: nothing is cached here, so a change the bus announces is seen by the next evaluation.

Sources (``apex/jobscheduler/service/java/com/android/server/job/``):

* ``controllers/BatteryController.java``: charging (``isOnStablePower``) means charging and not
  low; Android 15 also counts power connected at level >= 70 as charging (adaptive charging,
  shell ref §3.3); ``get-battery-charging`` answers stable power on ≤13 and
  ``BatteryStateTracker``'s charging from 14;
* ``controllers/BackgroundJobsController.java``: the user's background restriction is app op
  ``RUN_ANY_IN_BACKGROUND`` set to ``ignore``;
* ``controllers/DeviceIdleJobsController.java``: apps on the deviceidle allow-list are not held
  back by Doze;
* ``JobSchedulerService.enforceValidJobRequest`` / ``scheduleAsPackage``: the package's uid,
  target SDK and requested permissions come from the package manager; a user-initiated job needs
  its app TOP (android-helper.md §3.2).
"""

from __future__ import annotations

from jobctl_sim.framework.jobscheduler.constraints import DeviceFacts
from jobctl_sim.framework.aosp_constants import StandbyBucket
from jobctl_sim.framework.system import FactSources, PackageFacts
from jobctl_sim.framework.userhandle import FIRST_APPLICATION_UID, PER_USER_RANGE, app_id

CONSIDERED_CHARGING_LEVEL = 70
"""Android 15: power connected at this level or above counts as charging."""

_BUCKETS: dict[int, StandbyBucket] = {int(bucket): bucket for bucket in StandbyBucket}


class SchedulerFacts:
    """Reads :class:`FactSources` for JobSchedulerService."""

    def __init__(self, sources: FactSources) -> None:
        self._sources = sources

    @property
    def api_level(self) -> int:
        return self._sources.api_level

    # ------------------------------------------------------------------ battery, storage, screen
    @property
    def battery_sequence(self) -> int:
        return self._sources.battery.sequence

    @property
    def battery_level(self) -> int:
        return self._sources.battery.level

    @property
    def power_connected(self) -> bool:
        return self._sources.battery.power_connected

    def battery_charging_raw(self) -> bool:
        battery = self._sources.battery
        if self.api_level >= 35 and battery.power_connected and battery.level >= CONSIDERED_CHARGING_LEVEL:
            return True  # 15: "considered charging" (adaptive charging), reference §3.3
        return battery.charging

    def battery_not_low(self) -> bool:
        return not self._sources.battery.battery_low

    def stable_power(self) -> bool:
        """BatteryController: charging and not low (``isOnStablePower``)."""
        return self.battery_charging_raw() and self.battery_not_low()

    def get_battery_charging(self) -> bool:
        """``get-battery-charging``: ≤13 stable power; 14+ BatteryStateTracker's charging."""
        return self.stable_power() if self.api_level <= 33 else self.battery_charging_raw()

    @property
    def storage_sequence(self) -> int:
        return self._sources.storage.sequence

    def storage_not_low(self) -> bool:
        return not self._sources.storage.low

    def screen_on(self) -> bool:
        return self._sources.power.screen_on

    def device_facts(self, idle: bool) -> DeviceFacts:
        """One snapshot for the controllers; ``idle`` is the idleness tracker's state."""
        power = self._sources.power
        return DeviceFacts(
            api_level=self.api_level,
            charging=self.stable_power(),
            battery_not_low=self.battery_not_low(),
            storage_not_low=self.storage_not_low(),
            idle=idle,
            deep_doze=power.deep_idle,
            battery_saver=power.battery_saver,
            network=self._sources.connectivity.default_network(),
        )

    # ------------------------------------------------------------------ per app
    def bucket(self, package: str) -> StandbyBucket:
        """The package's bucket; a value that is no bucket reads as ACTIVE (read for every job
        on every change, hence a table rather than the enum's constructor)."""
        return _BUCKETS.get(self._sources.standby.bucket(package), StandbyBucket.ACTIVE)

    def user_bg_restricted(self, uid: int, package: str) -> bool:
        return self._sources.appops.mode("RUN_ANY_IN_BACKGROUND", uid, package) == "ignore"

    def doze_exempt(self, package: str) -> bool:
        return self._sources.power.is_doze_allowlisted(package)

    def is_top(self, package: str) -> bool:
        return self._sources.activity.is_top(package)

    def package(self, package: str) -> PackageFacts | None:
        return self._sources.packages.get(package)

    def package_stopped(self, package: str) -> bool:
        return self._sources.packages.is_stopped(package)

    def package_uid(self, package: str | None, user: int = 0) -> int:
        """The package's uid in ``user``, or -1 when it is not installed."""
        facts = self.package(package) if package is not None else None
        return -1 if facts is None else app_id(facts.uid) + user * PER_USER_RANGE

    def target_sdk(self, package: str) -> int:
        facts = self.package(package)
        return facts.target_sdk if facts is not None else self.api_level

    def has_permission(self, package: str, permission: str) -> bool:
        """Requested by the package; a platform uid (below FIRST_APPLICATION_UID: system_server's
        ``android``) holds every permission (``ActivityManager.checkComponentPermission``)."""
        facts = self.package(package)
        if facts is not None and app_id(facts.uid) < FIRST_APPLICATION_UID:
            return True
        return facts is not None and permission in facts.requested_permissions
