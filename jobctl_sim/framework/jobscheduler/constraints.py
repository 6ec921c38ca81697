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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from jobctl_sim.framework.aosp_constants import JobStatusConstraint
from jobctl_sim.framework.jobscheduler.model import JobInfo, NetworkRequirement, StopReason
from jobctl_sim.framework.system import NetworkFacts


C = JobStatusConstraint
"""``JobStatus.CONSTRAINT_*``, by its short name (defined in :mod:`jobctl_sim.framework.aosp_constants`)."""


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
    names = [c.name for c in PRINT_ORDER if c.name and mask & c and (tare or c != C.TARE_WEALTH)]
    if not names:
        return ""
    return " " + " ".join(names) + f" [0x{mask & 0xFFFFFFFF:x}]"


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


def network_satisfies(req: NetworkRequirement | None, net: NetworkFacts | None) -> bool:
    """ConnectivityController.isSatisfied: validated default network with the capabilities."""
    if net is None or not net.validated or req is None:
        return False
    if req.requires_unmetered and net.metered:
        return False
    if req.requires_not_roaming and net.roaming:
        return False
    transports = req.required_transports
    return not transports or net.transport in transports


class JobView(Protocol):
    """What a controller reads from a job (implemented by :class:`.status.JobStatus`)."""

    @property
    def job(self) -> JobInfo: ...
    @property
    def required(self) -> int: ...
    @property
    def override_deadline_expired(self) -> bool: ...
    @property
    def timing_delay_passed(self) -> bool: ...
    @property
    def content_triggered(self) -> bool: ...


Evaluator = Callable[[JobView, DeviceFacts], int]


@dataclass(frozen=True)
class Controller:
    name: str
    """Dump section class name (``BatteryController``)."""
    tracking: str
    """Token in the per-job ``Tracking:`` line (``BATTERY``)."""
    tracks: Callable[[JobInfo], bool]
    bits: int
    evaluate: Evaluator


def _battery(js: JobView, f: DeviceFacts) -> int:
    return (C.CHARGING if f.charging else 0) | (C.BATTERY_NOT_LOW if f.battery_not_low else 0)


def _connectivity(js: JobView, f: DeviceFacts) -> int:
    return C.CONNECTIVITY if network_satisfies(js.job.network, f.network) else 0


def _idle(js: JobView, f: DeviceFacts) -> int:
    return C.IDLE if f.idle else 0


def _storage(js: JobView, f: DeviceFacts) -> int:
    return C.STORAGE_NOT_LOW if f.storage_not_low else 0


def _time(js: JobView, f: DeviceFacts) -> int:
    """TimeController: TIMING_DELAY once the earliest run time passed, DEADLINE once the latest
    did (periodic jobs and backed-off jobs carry them too, JobStatus constructor)."""
    mask = 0
    if js.required & C.TIMING_DELAY and js.timing_delay_passed:
        mask |= C.TIMING_DELAY
    if js.required & C.DEADLINE and js.override_deadline_expired:
        mask |= C.DEADLINE
    return mask


def _content(js: JobView, f: DeviceFacts) -> int:
    return C.CONTENT_TRIGGER if js.content_triggered else 0


def _needs_battery(job: JobInfo) -> bool:
    return job.requires_charging or job.requires_battery_not_low


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


def required_mask(job: JobInfo) -> int:
    """``JobStatus.requiredConstraints`` from the JobInfo."""
    mask = 0
    if job.requires_charging:
        mask |= C.CHARGING
    if job.requires_battery_not_low:
        mask |= C.BATTERY_NOT_LOW
    if job.requires_storage_not_low:
        mask |= C.STORAGE_NOT_LOW
    if job.requires_device_idle:
        mask |= C.IDLE
    if job.network is not None:
        mask |= C.CONNECTIVITY
    if job.trigger_content_uris:
        mask |= C.CONTENT_TRIGGER
    if job.has_early_constraint:
        mask |= C.TIMING_DELAY
    if job.has_late_constraint:
        mask |= C.DEADLINE
    return mask


def implicit_mask(api_level: int) -> int:
    """Constraints every job carries; TARE_WEALTH shows on 13-14 (reference §2.3)."""
    mask = int(IMPLICIT)
    if api_level in (33, 34):
        mask |= C.TARE_WEALTH
    return mask
