"""The blockers that come from the app's state and the job's constraints (not from time).

App level (``JobStatus.isReady`` and ``isReadyToBeExecutedLocked``; shell reference §1.2, §8):
the stopped state, the NEVER and RESTRICTED standby buckets, background restriction, battery
saver, Doze. Job level: each required constraint the dump lists as unsatisfied, with the
``jobctl device`` words that satisfy it. TIMING_DELAY and WITHIN_QUOTA are left to
:mod:`.timing` and :mod:`.quota`, which know why and until when.
"""

from __future__ import annotations

from bridge.conditions import ConditionsState, MeteredOverride, StandbyBucket
from bridge.diagnosis.commands import Commands
from bridge.diagnosis.model import Blocker, BlockerKind
from bridge.parsers import DumpedJob

_CONSTRAINT_TEXT: dict[str, tuple[str, tuple[str, ...] | None]] = {
    # name -> (plain-language reason, `jobctl device` words that satisfy it; None: only a forced run)
    "CHARGING": ("it requires charging and the device is not charging", ("charging", "on")),
    "BATTERY_NOT_LOW": ("it requires the battery not to be low and the battery is low", ("battery", "50")),
    "STORAGE_NOT_LOW": ("it requires storage not to be low and storage is low", ("storage", "ok")),
    "IDLE": ("it requires the device to be idle and it is in use", ("idle", "on")),
    "CONTENT_TRIGGER": ("it waits for a change of its trigger content URIs", None),
    "FLEXIBILITY": ("JobScheduler is holding it back for flexible scheduling", None),
    "PREFETCH": ("it is a prefetch job waiting for the app's next estimated launch", None),
}
_NOT_HERE = frozenset({"WITHIN_QUOTA", "DEVICE_NOT_DOZING", "BACKGROUND_NOT_RESTRICTED", "TARE_WEALTH",
                       "DEADLINE", "TIMING_DELAY"})
"""Implicit or time-based constraints: explained elsewhere."""


def _network_blocker(job: DumpedJob, conditions: ConditionsState, commands: Commands) -> Blocker:
    request = (job.network_request or "").upper()
    if conditions.airplane_mode or not (conditions.wifi_enabled or conditions.cellular_enabled):
        return Blocker(BlockerKind.UNSATISFIED_CONSTRAINT,
                       "it requires a network and the device has none"
                       + (" (airplane mode is on)" if conditions.airplane_mode else ""),
                       commands.device("network", "wifi"), "CONNECTIVITY")
    wants_unmetered = "NOT_METERED" in request or "UNMETERED" in request
    if wants_unmetered and (conditions.wifi_metered is MeteredOverride.METERED or not conditions.wifi_enabled):
        return Blocker(BlockerKind.UNSATISFIED_CONSTRAINT,
                       "it requires an unmetered network and the current one is metered",
                       commands.device("network", "unmetered"), "CONNECTIVITY")
    if "CELLULAR" in request and not conditions.cellular_enabled:
        return Blocker(BlockerKind.UNSATISFIED_CONSTRAINT, "it requires a cellular network and mobile data is off",
                       commands.device("network", "cellular"), "CONNECTIVITY")
    return Blocker(BlockerKind.UNSATISFIED_CONSTRAINT, "its network requirement is not met by the current network",
                   commands.device("network", "wifi"), "CONNECTIVITY")


def app_blockers(job: DumpedJob | None, state: ConditionsState, stopped: bool | None,
                 never_launched: bool | None, commands: Commands) -> list[Blocker]:
    """What holds back every job of the app: stopped state, bucket, restriction, saver, Doze."""
    package = commands.package
    app = state.app(package)
    unsatisfied = job.unsatisfied_constraints if job is not None else frozenset()
    found: list[Blocker] = []
    if stopped:
        found.append(Blocker(
            BlockerKind.APP_STOPPED_NEVER_LAUNCHED,
            f"{package} is in the stopped state ({'never launched' if never_launched else 'force-stopped'}); "
            "the platform runs no jobs of a stopped app until it is launched",
            "jobctl helper status" if commands.helper else None))
    bucket = app.standby_bucket
    if bucket is StandbyBucket.NEVER:
        found.append(Blocker(
            BlockerKind.STANDBY_BUCKET,
            f"{package} is in the NEVER standby bucket (installed and never launched): its jobs are never "
            "within quota", commands.device("bucket", "active", per_app=True)))
    elif bucket is StandbyBucket.RESTRICTED:
        found.append(Blocker(
            BlockerKind.STANDBY_BUCKET,
            f"{package} is in the RESTRICTED standby bucket: its jobs run about once a day, and only when "
            "charging and idle", commands.device("bucket", "active", per_app=True)))
    if app.background_restricted:
        found.append(Blocker(
            BlockerKind.BACKGROUND_RESTRICTED,
            f"{package} is background-restricted (RUN_ANY_IN_BACKGROUND is ignore)",
            commands.device("restrict", "off", per_app=True), "BACKGROUND_NOT_RESTRICTED"))
    elif state.battery_saver and (job is None or "BACKGROUND_NOT_RESTRICTED" in unsatisfied):
        found.append(Blocker(BlockerKind.BATTERY_SAVER, "battery saver is on and holds back background jobs",
                             commands.device("battery-saver", "off")))
    if "DEVICE_NOT_DOZING" in unsatisfied or (job is None and state.dozing):
        found.append(Blocker(BlockerKind.DOZE, "the device is in Doze (deep idle), which defers jobs",
                             commands.device("doze", "off"), "DEVICE_NOT_DOZING"))
    return found


def constraint_blockers(job: DumpedJob, state: ConditionsState, commands: Commands) -> list[Blocker]:
    """One blocker per unsatisfied functional constraint (required or, in RESTRICTED, dynamic)."""
    wanted = job.required_constraints | job.dynamic_constraints
    found: list[Blocker] = []
    for name in sorted(job.unsatisfied_constraints & wanted):
        if name in _NOT_HERE:
            continue
        if name == "CONNECTIVITY":
            found.append(_network_blocker(job, state, commands))
        elif name in _CONSTRAINT_TEXT:
            text, words = _CONSTRAINT_TEXT[name]
            if name in job.dynamic_constraints and name not in job.required_constraints:
                text += " (the RESTRICTED bucket adds this constraint)"
            command = commands.device(*words) if words else commands.run(force=True)
            found.append(Blocker(BlockerKind.UNSATISFIED_CONSTRAINT, text, command, name))
        else:
            found.append(Blocker(BlockerKind.UNSATISFIED_CONSTRAINT, f"its {name} constraint is not satisfied",
                                 commands.run(force=True), name))
    return found
