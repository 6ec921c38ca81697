"""App standby: the standby-bucket controller and its ``am`` verbs.

Sources:

* the buckets are :class:`~jobctl_sim.framework.aosp_constants.StandbyBucket`
  (``UsageStatsManager.STANDBY_BUCKET_*``), the one enum of the whole virtual device;
* ``UsageStatsService.setAppStandbyBucket``/``AppStandbyController`` (Android 10-15): a bucket
  outside ACTIVE..NEVER throws ``Cannot set the standby bucket to N``; an uninstalled package
  ``Cannot set standby bucket for non existent package (PKG)``; ``setAppInactive(true)`` means
  RARE, ``false`` ACTIVE; an app counts as idle from RARE up; system packages are EXEMPTED.
* ``ActivityManagerShellCommand.java`` (Android 10-15): ``set-inactive``/``set-standby-bucket``
  print nothing; ``get-inactive`` prints ``Idle=true|false``; ``get-standby-bucket PKG`` prints
  the int, without PKG ``pkg: bucket`` lines; bucket names match case-insensitively by prefix
  (``ac``, ``wo``, ``fr``, ``ra``, ``re``, ``ne``) or parse as an int, else stderr
  ``Error: Unknown bucket: X`` (shell ref §5.4).

Who may (``UsageStatsService.BinderService``): ``setAppStandbyBucket(s)`` and ``setAppInactive``
start with ``enforceCallingPermission(CHANGE_APP_IDLE_STATE, "No permission to change app standby
state" / "… app idle state")``, so another app's uid gets ``SecurityException: No permission to
change app standby state: uid U does not have android.permission.CHANGE_APP_IDLE_STATE.``; asking
for a bucket other than its own without usage access throws ``Don't have permission to query app
standby bucket`` (:mod:`.permissions`).

A fresh install starts in NEVER (shell ref §5.4, §7.4). Buckets persist across reboots
(``/data/system/users/0/app_idle_stats.xml``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobctl_sim.framework.aosp_constants import StandbyBucket
from jobctl_sim.framework.permissions import enforce
from jobctl_sim.framework.shell_command import (
    ERROR,
    ArgCursor,
    IllegalArgumentException,
    JavaException,
    SecurityException,
    Verb,
    parse_java_int,
    skip_user_option,
    skip_user_option_or_report,
)
from jobctl_sim.framework.system import Change, Topic
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem

CHANGE_APP_IDLE_STATE = "android.permission.CHANGE_APP_IDLE_STATE"
PACKAGE_USAGE_STATS = "android.permission.PACKAGE_USAGE_STATS"


BUCKET_PREFIXES: tuple[tuple[str, StandbyBucket], ...] = (
    ("ac", StandbyBucket.ACTIVE),
    ("wo", StandbyBucket.WORKING_SET),
    ("fr", StandbyBucket.FREQUENT),
    ("ra", StandbyBucket.RARE),
    ("re", StandbyBucket.RESTRICTED),
    ("ne", StandbyBucket.NEVER),
)
"""``ActivityManagerShellCommand.bucketNameToBucketValue``'s prefixes."""


class StandbyController:
    """App standby buckets; implements :class:`~jobctl_sim.framework.system.StandbyFacts`."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        self._buckets: dict[str, StandbyBucket] = {}

    # ------------------------------------------------------------------ facts
    def bucket(self, package: str) -> StandbyBucket:
        if self._system.packages.is_system(package):
            return StandbyBucket.EXEMPTED
        return self._buckets.get(package, StandbyBucket.NEVER)

    def is_idle(self, package: str) -> bool:
        """``isAppIdle``: RARE and up."""
        return self.bucket(package) >= StandbyBucket.RARE

    def known(self) -> list[str]:
        packages = self._system.packages
        return sorted(p.package for p in packages.packages() if not packages.is_system(p.package))

    # ------------------------------------------------------------------ changes
    def on_package_added(self, package: str) -> None:
        self._buckets[package] = StandbyBucket.NEVER

    def set_bucket(self, package: str, bucket: StandbyBucket) -> None:
        old = self.bucket(package)
        if self._system.packages.is_system(package):
            return
        self._buckets[package] = bucket
        if old != bucket:
            facts = self._system.packages.get(package)
            self._system.publish(Change(Topic.STANDBY_BUCKET, package=package, uid=facts.uid if facts else None,
                                        detail={"bucket": int(bucket)}))

    # ------------------------------------------------------------------ am verbs
    def verbs(self) -> dict[str, Verb]:
        """The standby verbs of ``cmd activity``."""
        return {
            "set-standby-bucket": self._verb_set_standby_bucket,
            "get-standby-bucket": self._verb_get_standby_bucket,
            "set-inactive": self._verb_set_inactive,
            "get-inactive": self._verb_get_inactive,
        }

    @staticmethod
    def _bucket_value(inv: Invocation, name: str) -> int | None:
        lower = name.lower()
        for prefix, bucket in BUCKET_PREFIXES:
            if lower.startswith(prefix):
                return int(bucket)
        try:
            return parse_java_int(lower)
        except JavaException:
            inv.err(f"Error: Unknown bucket: {name}\n")
            return None

    def _verb_set_standby_bucket(self, inv: Invocation, cursor: ArgCursor) -> int:
        if not skip_user_option_or_report(inv, cursor):
            return ERROR
        pairs: list[tuple[str, int]] = []
        package = cursor.next_arg_required()
        value = cursor.next_arg_required()
        while True:
            bucket = self._bucket_value(inv, value)
            if bucket is None:
                return ERROR
            pairs.append((package, bucket))
            nxt = cursor.next_arg()
            if nxt is None:
                break
            package, value = nxt, cursor.next_arg_required()
        enforce(self._system.packages, inv, CHANGE_APP_IDLE_STATE, "No permission to change app standby state",
                self_too=False)
        for package, bucket in pairs:
            if not StandbyBucket.ACTIVE <= bucket <= StandbyBucket.NEVER:
                raise IllegalArgumentException(f"Cannot set the standby bucket to {bucket}")
            if self._system.packages.get(package) is None:
                raise IllegalArgumentException(f"Cannot set standby bucket for non existent package ({package})")
        for package, bucket in pairs:
            known = bucket in StandbyBucket._value2member_map_
            self.set_bucket(package, StandbyBucket(bucket) if known else StandbyBucket.NEVER)
        return 0

    def _verb_get_standby_bucket(self, inv: Invocation, cursor: ArgCursor) -> int:
        if not skip_user_option_or_report(inv, cursor):
            return ERROR
        package = cursor.next_arg()
        facts = self._system.packages.get(package) if package is not None else None
        own = facts is not None and facts.uid == inv.uid
        if not own and not self._system.packages.check_uid_permission(inv.uid, PACKAGE_USAGE_STATS):
            raise SecurityException("Don't have permission to query app standby bucket")
        if package is not None:
            inv.out(f"{int(self.bucket(package))}\n")
            return 0
        for name in self.known():
            inv.out(f"{name}: {int(self.bucket(name))}\n")
        return 0

    def _verb_set_inactive(self, inv: Invocation, cursor: ArgCursor) -> int:
        skip_user_option(cursor)
        package = cursor.next_arg_required()
        value = cursor.next_arg_required()
        enforce(self._system.packages, inv, CHANGE_APP_IDLE_STATE, "No permission to change app idle state",
                self_too=False)
        if self._system.packages.get(package) is not None:
            self.set_bucket(package, StandbyBucket.RARE if value.lower() == "true" else StandbyBucket.ACTIVE)
        return 0

    def _verb_get_inactive(self, inv: Invocation, cursor: ArgCursor) -> int:
        skip_user_option(cursor)
        package = cursor.next_arg_required()
        inv.out(f"Idle={'true' if self.is_idle(package) else 'false'}\n")
        return 0


__all__ = ["BUCKET_PREFIXES", "StandbyBucket", "StandbyController"]
