"""The values :class:`~bridge.conditions.Conditions` sets and reads (ref §4, §5.4, §5.5)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bridge.errors import ConditionError, InvalidConditionError
from bridge.model.enums import StandbyBucket as StandbyBucket  # the one host copy (tests/facts)
from bridge.parsers.appops import AppOpMode
from bridge.parsers.network import MeteredOverride

_PACKAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")


def require_level(level: int | None) -> int:
    """The battery level ``dumpsys battery`` printed; :class:`ConditionError` when it printed none."""
    if level is None:
        raise ConditionError("dumpsys battery printed no level")
    return level


def check_package_name(package: object) -> str:
    """``package`` if it is a well-formed package name; :class:`InvalidConditionError` otherwise."""
    if not isinstance(package, str) or not _PACKAGE_NAME.fullmatch(package):
        raise InvalidConditionError(f"not a package name: {package!r}")
    return package


@dataclass(frozen=True)
class AppConditions:
    """Per-app conditions: standby bucket and background restriction."""

    package: str
    standby_bucket: StandbyBucket
    background_mode: AppOpMode

    @property
    def background_restricted(self) -> bool:
        return self.background_mode is AppOpMode.IGNORE


@dataclass(frozen=True)
class ConditionsState:
    """Everything :class:`~bridge.conditions.Conditions` can change, as the device reports it now.

    ``charging``, ``battery_not_low`` and ``storage_not_low`` are JobScheduler's own view
    (``cmd jobscheduler get-*``, ref §1.6); the rest is the platform's. Sequence numbers are
    excluded from equality, so two reads of an unchanged device compare equal.
    """

    battery_level: int
    plugged: bool
    charging: bool
    battery_not_low: bool
    storage_not_low: bool
    wifi_enabled: bool
    wifi_ssid: str | None
    cellular_enabled: bool
    airplane_mode: bool
    metered_overrides: tuple[tuple[str, MeteredOverride], ...]
    screen_on: bool
    deep_idle_state: str
    doze_forced: bool
    battery_saver: bool
    apps: tuple[AppConditions, ...] = ()
    battery_seq: int = field(default=-1, compare=False)
    storage_seq: int = field(default=-1, compare=False)

    @property
    def dozing(self) -> bool:
        return self.deep_idle_state == "IDLE"

    @property
    def wifi_metered(self) -> MeteredOverride | None:
        """The metered override of the connected Wi-Fi network, if any."""
        return dict(self.metered_overrides).get(self.wifi_ssid) if self.wifi_ssid is not None else None

    def app(self, package: str) -> AppConditions:
        return next(app for app in self.apps if app.package == package)

    def to_json_object(self, package: str) -> dict[str, object]:
        """The one JSON form of the conditions (``device status --json``, ``watch --json``)."""
        app = self.app(package)
        return {
            "battery_level": self.battery_level, "plugged": self.plugged, "charging": self.charging,
            "battery_not_low": self.battery_not_low, "storage_not_low": self.storage_not_low,
            "wifi_enabled": self.wifi_enabled, "wifi_ssid": self.wifi_ssid,
            "wifi_metered": self.wifi_metered.value if self.wifi_metered else None,
            "cellular_enabled": self.cellular_enabled, "airplane_mode": self.airplane_mode,
            "screen_on": self.screen_on, "deep_idle_state": self.deep_idle_state, "dozing": self.dozing,
            "doze_forced": self.doze_forced, "battery_saver": self.battery_saver,
            "app": {"package": app.package, "standby_bucket": app.standby_bucket.name,
                    "background_mode": app.background_mode.value, "background_restricted": app.background_restricted},
        }
