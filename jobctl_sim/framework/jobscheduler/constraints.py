"""Constraint bits, the device facts the controllers read, and the controllers themselves.

Bit values and print order: ``JS/controllers/JobStatus.java`` (``CONSTRAINT_*``,
``dumpConstraints``), confirmed by the decompiled Android 12 smali (``CONSTRAINT_TIMING_DELAY =
0x80000000`` … ``CONSTRAINT_WITHIN_QUOTA = 0x1000000``) and shell reference §2.3.

Each controller is a row of :data:`CONTROLLERS`: the name it shows in ``Tracking:`` and as a
dump section, which jobs it tracks, and a function giving the bits it sets for a tracked job.
A controller only sets bits on jobs it tracks, so a job that does not need charging never shows
``CHARGING`` as satisfied (reference §2.3 "Satisfied ≠ all true conditions").
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from jobctl_sim.framework.jobscheduler.model import StandbyBucket, StopReason
from jobctl_sim.framework.system import NetworkFacts


class C(enum.IntFlag):
    """``JobStatus.CONSTRAINT_*``."""

    CHARGING = 0x1
    BATTERY_NOT_LOW = 0x2
    IDLE = 0x4
    STORAGE_NOT_LOW = 0x8
    FLEXIBILITY = 0x200000
    BACKGROUND_NOT_RESTRICTED = 0x400000
    PREFETCH = 0x800000
    WITHIN_QUOTA = 0x1000000
    DEVICE_NOT_DOZING = 0x2000000
    CONTENT_TRIGGER = 0x4000000
    TARE_WEALTH = 0x8000000
    CONNECTIVITY = 0x10000000
    DEADLINE = 0x40000000
    TIMING_DELAY = 0x80000000


PRINT_ORDER: tuple[C, ...] = (
    C.CHARGING, C.BATTERY_NOT_LOW, C.STORAGE_NOT_LOW, C.TIMING_DELAY, C.DEADLINE, C.IDLE,
    C.CONNECTIVITY, C.FLEXIBILITY, C.CONTENT_TRIGGER, C.DEVICE_NOT_DOZING,
    C.BACKGROUND_NOT_RESTRICTED, C.PREFETCH, C.TARE_WEALTH, C.WITHIN_QUOTA,
)
"""``JobStatus.dumpConstraints`` order (shell reference §2.3)."""

SOFT_OVERRIDE = C.CHARGING | C.BATTERY_NOT_LOW | C.STORAGE_NOT_LOW | C.TIMING_DELAY | C.IDLE | C.PREFETCH
"""``SOFT_OVERRIDE_CONSTRAINTS``: what a plain ``run`` ignores (reference §1.2)."""

DYNAMIC_RESTRICTED = C.CONNECTIVITY | C.IDLE | C.BATTERY_NOT_LOW | C.CHARGING
"""``DYNAMIC_RESTRICTED_CONSTRAINTS`` = 0x10000007 (Android 12 smali): what a RESTRICTED-bucket
job must additionally satisfy (any one of them, see :func:`restricted_dynamic_ok`)."""

IMPLICIT = C.DEVICE_NOT_DOZING | C.BACKGROUND_NOT_RESTRICTED | C.WITHIN_QUOTA


def format_constraints(mask: int, tare: bool = False) -> str:
    """``NAME NAME [0x…]`` (lowercase hex, no padding); empty mask prints nothing."""
    names = [c.name for c in PRINT_ORDER if mask & c and (tare or c != C.TARE_WEALTH)]
    if not names:
        return ""
    return " " + " ".join(names) + f" [0x{mask & 0xFFFFFFFF:x}]"  # type: ignore[misc]


def stop_reason_for_lost(bit: C, required: int, user_bg_restricted: bool) -> StopReason:
    """``JobStatus`` ready→unready mapping (``mReasonReadyToUnready``; Android 12+ smali).

    A constraint the job did not ask for (e.g. CHARGING/IDLE/BATTERY_NOT_LOW added for a
    RESTRICTED-bucket job) maps to APP_STANDBY; BACKGROUND_NOT_RESTRICTED maps to
    BACKGROUND_RESTRICTION only when the user restricted the app, else DEVICE_STATE
    (battery saver).
    """
    table = {
        C.CHARGING: StopReason.STOP_REASON_CONSTRAINT_CHARGING,
        C.BATTERY_NOT_LOW: StopReason.STOP_REASON_CONSTRAINT_BATTERY_NOT_LOW,
        C.IDLE: StopReason.STOP_REASON_CONSTRAINT_DEVICE_IDLE,
    }
    if bit in table:
        return table[bit] if required & bit else StopReason.STOP_REASON_APP_STANDBY
    if bit == C.BACKGROUND_NOT_RESTRICTED:
        return (
            StopReason.STOP_REASON_BACKGROUND_RESTRICTION
            if user_bg_restricted
            else StopReason.STOP_REASON_DEVICE_STATE
        )
    return {
        C.STORAGE_NOT_LOW: StopReason.STOP_REASON_CONSTRAINT_STORAGE_NOT_LOW,
        C.CONNECTIVITY: StopReason.STOP_REASON_CONSTRAINT_CONNECTIVITY,
        C.PREFETCH: StopReason.STOP_REASON_ESTIMATED_APP_LAUNCH_TIME_CHANGED,
        C.WITHIN_QUOTA: StopReason.STOP_REASON_QUOTA,
        C.TARE_WEALTH: StopReason.STOP_REASON_QUOTA,
        C.DEVICE_NOT_DOZING: StopReason.STOP_REASON_DEVICE_STATE,
    }.get(bit, StopReason.STOP_REASON_UNDEFINED)


@dataclass(frozen=True)
class DeviceFacts:
    """One snapshot of what the controllers see (read from ``AndroidSystem`` fact objects)."""

    api_level: int
    charging: bool
    """BatteryController's stable power: charging (15: considered charging) and not low."""
    battery_not_low: bool
    storage_not_low: bool
    idle: bool
    """DeviceIdlenessTracker: screen off (or dock idle) and idle maintenance triggered."""
    deep_doze: bool
    battery_saver: bool
    network: NetworkFacts | None


@dataclass(frozen=True)
class AppFacts:
    """Per-package facts: standby bucket, background restriction, doze allow-listing, quota."""

    bucket: StandbyBucket
    user_bg_restricted: bool
    doze_exempt: bool
    within_quota: bool


def network_satisfies(req: object, net: NetworkFacts | None) -> bool:
    """ConnectivityController.isSatisfied: validated default network with the capabilities."""
    from jobctl_sim.framework.jobscheduler.model import NetworkRequirement

    if net is None or not net.validated or not isinstance(req, NetworkRequirement):
        return False
    if req.requires_unmetered and net.metered:
        return False
    if req.requires_not_roaming and net.roaming:
        return False
    transports = req.required_transports
    return not transports or net.transport in transports


Evaluator = Callable[["JobView", DeviceFacts], int]


class JobView:
    """What a controller reads from a job (implemented by :class:`.status.JobStatus`)."""

    job: object
    override_deadline_expired: bool
    timing_delay_passed: bool
    content_triggered: bool


@dataclass(frozen=True)
class Controller:
    name: str
    """Dump section class name (``BatteryController``)."""
    tracking: str
    """Token in the per-job ``Tracking:`` line (``BATTERY``)."""
    tracks: Callable[[object], bool]
    bits: int
    evaluate: Callable[[object, DeviceFacts], int]


def _battery(js: object, f: DeviceFacts) -> int:
    return (C.CHARGING if f.charging else 0) | (C.BATTERY_NOT_LOW if f.battery_not_low else 0)


def _connectivity(js: object, f: DeviceFacts) -> int:
    return C.CONNECTIVITY if network_satisfies(js.job.network, f.network) else 0  # type: ignore[attr-defined]


def _idle(js: object, f: DeviceFacts) -> int:
    return C.IDLE if f.idle else 0


def _storage(js: object, f: DeviceFacts) -> int:
    return C.STORAGE_NOT_LOW if f.storage_not_low else 0


def _time(js: object, f: DeviceFacts) -> int:
    """TimeController: TIMING_DELAY once the earliest run time passed, DEADLINE once the latest
    did (periodic jobs and backed-off jobs carry them too, JobStatus constructor)."""
    mask = 0
    required = js.required  # type: ignore[attr-defined]
    if required & C.TIMING_DELAY and js.timing_delay_passed:  # type: ignore[attr-defined]
        mask |= C.TIMING_DELAY
    if required & C.DEADLINE and js.override_deadline_expired:  # type: ignore[attr-defined]
        mask |= C.DEADLINE
    return mask


def _content(js: object, f: DeviceFacts) -> int:
    return C.CONTENT_TRIGGER if js.content_triggered else 0  # type: ignore[attr-defined]


def _needs_battery(job: object) -> bool:
    return bool(job.requires_charging or job.requires_battery_not_low)  # type: ignore[attr-defined]


CONTROLLERS: tuple[Controller, ...] = (
    Controller("ConnectivityController", "CONNECTIVITY", lambda j: j.network is not None,
               C.CONNECTIVITY, _connectivity),
    Controller("BatteryController", "BATTERY", _needs_battery,
               C.CHARGING | C.BATTERY_NOT_LOW, _battery),
    Controller("IdleController", "IDLE", lambda j: j.requires_device_idle, C.IDLE, _idle),
    Controller("StorageController", "STORAGE", lambda j: j.requires_storage_not_low,
               C.STORAGE_NOT_LOW, _storage),
    Controller("TimeController", "TIME",
               lambda j: j.has_early_constraint or j.has_late_constraint or j.periodic,
               C.TIMING_DELAY | C.DEADLINE, _time),
    Controller("ContentObserverController", "CONTENT", lambda j: bool(j.trigger_content_uris),
               C.CONTENT_TRIGGER, _content),
)
"""Controllers that track jobs by their JobInfo (``JobSchedulerService`` constructor order)."""


def required_mask(job: object) -> int:
    """``JobStatus.requiredConstraints`` from the JobInfo."""
    j = job
    mask = 0
    if j.requires_charging:  # type: ignore[attr-defined]
        mask |= C.CHARGING
    if j.requires_battery_not_low:  # type: ignore[attr-defined]
        mask |= C.BATTERY_NOT_LOW
    if j.requires_storage_not_low:  # type: ignore[attr-defined]
        mask |= C.STORAGE_NOT_LOW
    if j.requires_device_idle:  # type: ignore[attr-defined]
        mask |= C.IDLE
    if j.network is not None:  # type: ignore[attr-defined]
        mask |= C.CONNECTIVITY
    if j.trigger_content_uris:  # type: ignore[attr-defined]
        mask |= C.CONTENT_TRIGGER
    if j.has_early_constraint:  # type: ignore[attr-defined]
        mask |= C.TIMING_DELAY
    if j.has_late_constraint:  # type: ignore[attr-defined]
        mask |= C.DEADLINE
    return mask


def implicit_mask(api_level: int) -> int:
    """Constraints every job carries; TARE_WEALTH shows on 13–14 (reference §2.3)."""
    mask = int(IMPLICIT)
    if api_level in (33, 34):
        mask |= C.TARE_WEALTH
    return mask
