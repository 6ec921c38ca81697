"""Eight virtual devices driven in parallel, each by its own Session on its own thread.

Every device gets job ids of its own, so an event, a job or a serial that strays to another
device's session is visible. Afterwards every device is back where it was: conditions, jobs,
adb streams, logcat followers and the host's reader threads.
"""

from __future__ import annotations

from dataclasses import dataclass

from bridge.adb.private import PrivateAdbServer
from bridge.conditions import ConditionsState
from bridge.device import Device, connect
from bridge.fleet import for_each_device
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.model import EventKind, JobEvent, JobRun, JobSpec, RunEnd, StopReason
from bridge.model.script import Hold, JobScript
from jobctl_sim.fleet import FleetSpec
from tests.load.conftest import (
    assert_consecutive,
    event_threads,
    footprint,
    ready_session,
    running_fleet,
    wait_for,
)

DEVICES = 8
HOLD = JobScript(steps=(Hold(),))
RETURN_TO_BASELINE = ("jobs", "pending", "active", "helper running jobs", "inbox files", "outbox files",
                      "logcat waiters", "open streams", "connection tasks", "server tasks", "connections")


@dataclass(frozen=True)
class DeviceOutcome:
    serial: str
    serialno: str
    """``ro.serialno`` as the device behind this adb serial reports it."""
    charging_run: JobRun
    finishing_run: JobRun
    events: tuple[JobEvent, ...]
    conditions_before: ConditionsState
    conditions_after: ConditionsState


def _ids(serial: str, serials: list[str]) -> tuple[int, int]:
    """Job ids only this device uses: 1001/1002 for the first, 2001/2002 for the second, …"""
    base = 1000 * (serials.index(serial) + 1)
    return base + 1, base + 2


def test_eight_devices_driven_in_parallel_each_stop_their_own_charging_job_and_clean_up(
        adb: PrivateAdbServer) -> None:
    with running_fleet(adb, FleetSpec(count=DEVICES)) as fleet:
        serials = fleet.addresses
        devices = [connect(serial, adb.server) for serial in serials]
        baseline = [footprint(fleet, i) for i in range(DEVICES)]
        threads_before = event_threads()

        def drive(device: Device) -> DeviceOutcome:
            charging_id, finishing_id = _ids(device.serial, serials)
            session = ready_session(device.serial, adb)
            try:
                serialno = session.device.shell(["getprop", "ro.serialno"], check=True).text.strip()
                before = session.conditions.read([HELPER_PACKAGE])
                with session.conditions.snapshot():
                    session.conditions.set_charging(True)
                    job = session.schedule(JobSpec(charging_id, requires_charging=True, script=HOLD))
                    job.wait_started(30)
                    session.conditions.set_charging(False)  # unplugged: stop reason 6
                    charging_run = job.wait_stopped(30)
                    finishing_run = session.schedule(JobSpec(finishing_id)).wait_stopped(30)
                after = session.conditions.read([HELPER_PACKAGE])
                return DeviceOutcome(device.serial, serialno, charging_run, finishing_run,
                                     tuple(session.log.snapshot()), before, after)
            finally:
                session.close()

        outcomes = for_each_device(drive, devices)

        assert [o.serial for o in outcomes] == serials
        assert [o.error for o in outcomes if not o.ok] == []
        for index, outcome in enumerate(o.value for o in outcomes):
            assert outcome is not None
            charging_id, finishing_id = _ids(outcome.serial, serials)
            # The device's own jobs ended the way they should have.
            assert (outcome.charging_run.job_id, outcome.charging_run.end, outcome.charging_run.stop_reason) == (
                charging_id, RunEnd.STOPPED, StopReason.CONSTRAINT_CHARGING)
            assert (outcome.finishing_run.job_id, outcome.finishing_run.end) == (finishing_id, RunEnd.FINISHED)
            # Its session saw its own events only, in order, and nothing of the other seven.
            assert_consecutive(list(outcome.events))
            job_ids = {e.job_id for e in outcome.events if e.job_id is not None}
            assert job_ids <= {charging_id, finishing_id}, f"{outcome.serial} saw {job_ids}"
            assert [e.kind for e in outcome.events if e.job_id == charging_id] == [
                EventKind.SCHEDULED, EventKind.STARTED, EventKind.STOPPED]
            # The device's JobScheduler ran exactly its own two jobs, with the reasons the host saw.
            completed = [(c.status.job_id, c.reason) for c in fleet.devices[index].android.jobs.completed]
            assert completed == [(charging_id, "cancelled due to unsatisfied constraints"),
                                 (finishing_id, "last work dequeued")]
            assert outcome.serialno == fleet.devices[index].serial  # the adb serial reached this device
            # Every condition the session changed is back.
            assert outcome.conditions_after == outcome.conditions_before

        # Nothing is left running: on the devices, in their adb streams, in the host's threads.
        for index in range(DEVICES):
            wanted = {key: baseline[index][key] for key in RETURN_TO_BASELINE}
            wait_for(lambda index=index: {key: footprint(fleet, index)[key] for key in RETURN_TO_BASELINE},
                     lambda now, wanted=wanted: now == wanted, 10, f"device {index} back to its baseline")
        assert event_threads() - threads_before == set()
