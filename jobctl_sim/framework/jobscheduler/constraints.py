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
from typing import Final, Protocol

from jobctl_sim.framework.aosp_constants import JobStatusConstraint
from jobctl_sim.framework.jobscheduler.model import JobInfo, NetworkRequirement, StopReason
from jobctl_sim.framework.system import NetworkFacts


C = JobStatusConstraint
"""``JobStatus.CONSTRAINT_*``, by its short name (defined in :mod:`jobctl_sim.framework.aosp_constants`).

For names and dumps only: on Python 3.11 every ``&``/``|``/``~`` on an IntFlag builds a new member
(2-4 µs, against 0.2 µs on ints) and the service re-evaluates its jobs on every change, so the
masks a :class:`.status.JobStatus` keeps (``required``, ``satisfied``) are plain ints built from
:class:`Bits`."""


class Bits:
    """The ``CONSTRAINT_*`` values of :data:`C` as plain ints, for mask arithmetic.

    Every mask the model computes or stores uses these (an ``int`` combined with an IntFlag member
    turns back into an IntFlag); ``tests/jobctl_sim/framework/test_constraint_bits.py`` checks
    they agree with :data:`C` member by member."""

    CHARGING: Final = 0x1
    BATTERY_NOT_LOW: Final = 0x2
    IDLE: Final = 0x4
    STORAGE_NOT_LOW: Final = 0x8
    FLEXIBILITY: Final = 0x200000
    BACKGROUND_NOT_RESTRICTED: Final = 0x400000
    PREFETCH: Final = 0x800000
    WITHIN_QUOTA: Final = 0x1000000
    DEVICE_NOT_DOZING: Final = 0x2000000
    CONTENT_TRIGGER: Final = 0x4000000
    TARE_WEALTH: Final = 0x8000000
    CONNECTIVITY: Final = 0x10000000
    DEADLINE: Final = 0x40000000
    TIMING_DELAY: Final = 0x80000000


B = Bits

PRINT_ORDER: tuple[C, ...] = (
    C.CHARGING, C.BATTERY_NOT_LOW, C.STORAGE_NOT_LOW, C.TIMING_DELAY, C.DEADLINE, C.IDLE,
    C.CONNECTIVITY, C.FLEXIBILITY, C.CONTENT_TRIGGER, C.DEVICE_NOT_DOZING,
    C.BACKGROUND_NOT_RESTRICTED, C.PREFETCH, C.TARE_WEALTH, C.WITHIN_QUOTA,
)
"""``JobStatus.dumpConstraints`` order (shell reference §2.3)."""

_PRINTED: tuple[tuple[int, str], ...] = tuple((int(c), str(c.name)) for c in PRINT_ORDER if c.name)
""":data:`PRINT_ORDER` as (bit, name) pairs."""

SOFT_OVERRIDE: Final = B.CHARGING | B.BATTERY_NOT_LOW | B.STORAGE_NOT_LOW | B.TIMING_DELAY | B.IDLE | B.PREFETCH
"""``SOFT_OVERRIDE_CONSTRAINTS``: what a plain ``run`` ignores (reference §1.2)."""

DYNAMIC_RESTRICTED: Final = B.CONNECTIVITY | B.IDLE | B.BATTERY_NOT_LOW | B.CHARGING
"""``DYNAMIC_RESTRICTED_CONSTRAINTS`` = 0x10000007 (Android 12 smali): what a RESTRICTED-bucket
job must additionally satisfy (any one of them, see :func:`restricted_dynamic_ok`)."""

IMPLICIT: Final = B.DEVICE_NOT_DOZING | B.BACKGROUND_NOT_RESTRICTED | B.WITHIN_QUOTA


def format_constraints(mask: int, tare: bool = False) -> str:
    """``NAME NAME [0x…]`` (lowercase hex, no padding); empty mask prints nothing."""
    names = [name for bit, name in _PRINTED if mask & bit and (tare or bit != B.TARE_WEALTH)]
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
    return (B.CHARGING if f.charging else 0) | (B.BATTERY_NOT_LOW if f.battery_not_low else 0)


def _connectivity(js: JobView, f: DeviceFacts) -> int:
    return B.CONNECTIVITY if network_satisfies(js.job.network, f.network) else 0


def _idle(js: JobView, f: DeviceFacts) -> int:
    return B.IDLE if f.idle else 0


def _storage(js: JobView, f: DeviceFacts) -> int:
    return B.STORAGE_NOT_LOW if f.storage_not_low else 0


def _time(js: JobView, f: DeviceFacts) -> int:
    """TimeController: TIMING_DELAY once the earliest run time passed, DEADLINE once the latest
    did (periodic jobs and backed-off jobs carry them too, JobStatus constructor)."""
    mask = 0
    if js.required & B.TIMING_DELAY and js.timing_delay_passed:
        mask |= B.TIMING_DELAY
    if js.required & B.DEADLINE and js.override_deadline_expired:
        mask |= B.DEADLINE
    return mask


def _content(js: JobView, f: DeviceFacts) -> int:
    return B.CONTENT_TRIGGER if js.content_triggered else 0


def _needs_battery(job: JobInfo) -> bool:
    return job.requires_charging or job.requires_battery_not_low


CONTROLLERS: tuple[Controller, ...] = (
    Controller("ConnectivityController", "CONNECTIVITY", lambda j: j.network is not None,
               B.CONNECTIVITY, _connectivity),
    Controller("BatteryController", "BATTERY", _needs_battery,
               B.CHARGING | B.BATTERY_NOT_LOW, _battery),
    Controller("IdleController", "IDLE", lambda j: j.requires_device_idle, B.IDLE, _idle),
    Controller("StorageController", "STORAGE", lambda j: j.requires_storage_not_low,
               B.STORAGE_NOT_LOW, _storage),
    Controller("TimeController", "TIME",
               lambda j: j.has_early_constraint or j.has_late_constraint or j.periodic,
               B.TIMING_DELAY | B.DEADLINE, _time),
    Controller("ContentObserverController", "CONTENT", lambda j: bool(j.trigger_content_uris),
               B.CONTENT_TRIGGER, _content),
)
"""Controllers that track jobs by their JobInfo (``JobSchedulerService`` constructor order)."""


def required_mask(job: JobInfo) -> int:
    """``JobStatus.requiredConstraints`` from the JobInfo."""
    mask = 0
    if job.requires_charging:
        mask |= B.CHARGING
    if job.requires_battery_not_low:
        mask |= B.BATTERY_NOT_LOW
    if job.requires_storage_not_low:
        mask |= B.STORAGE_NOT_LOW
    if job.requires_device_idle:
        mask |= B.IDLE
    if job.network is not None:
        mask |= B.CONNECTIVITY
    if job.trigger_content_uris:
        mask |= B.CONTENT_TRIGGER
    if job.has_early_constraint:
        mask |= B.TIMING_DELAY
    if job.has_late_constraint:
        mask |= B.DEADLINE
    return mask


def implicit_mask(api_level: int) -> int:
    """Constraints every job carries; TARE_WEALTH shows on 13-14 (reference §2.3)."""
    mask = IMPLICIT
    if api_level in (33, 34):
        mask |= B.TARE_WEALTH
    return mask
