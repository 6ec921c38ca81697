"""A pump that evaluates only the jobs whose inputs changed leaves every job as evaluating all would.

Two JobScheduler models on one clock that moves only when told (:class:`SteppedClock`) take the
same seeded steps (schedules, cancels, facts published or changed silently, finished jobs, time
passing) and two scripted quota scenarios; one evaluates
every job at every pump, as the model did before :mod:`jobctl_sim.framework.jobscheduler.pump_scope`.
After each step both must agree on every job's constraint bits, its constraint and
pending-reason history, the pending queue, the running jobs and what the app saw.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from jobctl_sim.framework.aosp_constants import StandbyBucket
from jobctl_sim.framework.jobscheduler.constraints import B, DeviceFacts
from jobctl_sim.framework.jobscheduler.model import NetworkRequirement, NetworkType
from jobctl_sim.framework.jobscheduler.status import JobStatus
from jobctl_sim.framework.jobscheduler.pump_scope import PumpPlan, PumpScope
from jobctl_sim.framework.system import AndroidSystem, Change, Topic
from jobctl_sim.native.clock import VirtualClock
from tests.jobctl_sim.framework.test_jobscheduler import PKG, UID, WIFI, FakeApp, job, make_system, settle

class SteppedClock(VirtualClock):
    """A virtual clock that moves only when told (:meth:`sleep`), so that the two models read the
    same time at every pump: on a running clock a delay could end between the two models'
    evaluations of one step and tell them apart for a reason that is not the one tested."""

    def __init__(self) -> None:
        super().__init__()
        self._now = 0.0
        self._timers: list[tuple[float, int, asyncio.TimerHandle, Callable[[], object]]] = []
        self._count = itertools.count()

    def elapsed(self) -> float:
        return self._now

    def call_later(self, virtual_seconds: float, callback: Callable[[], object]) -> asyncio.TimerHandle:
        loop = asyncio.get_running_loop()
        handle = asyncio.TimerHandle(loop.time(), callback, (), loop)  # never scheduled on the loop itself
        due = self._now + max(0.0, virtual_seconds)
        heapq.heappush(self._timers, (due, next(self._count), handle, callback))
        if due <= self._now:
            loop.call_soon(self._fire_due)
        return handle

    def _fire_due(self) -> None:
        while self._timers and self._timers[0][0] <= self._now:
            _, _, handle, callback = heapq.heappop(self._timers)
            if not handle.cancelled():
                callback()

    async def sleep(self, virtual_seconds: float) -> None:
        """Move the time on, one timer at a time, letting the models run after each."""
        end = self._now + virtual_seconds
        while self._timers and self._timers[0][0] <= end:
            self._now = max(self._now, self._timers[0][0])
            self._fire_due()
            await settle()
        self._now = end
        await settle()


class EveryJobScope(PumpScope):
    """The reference: every pump evaluates every job."""

    def plan(self, *args: Any, **kwargs: Any) -> PumpPlan:
        return replace(super().plan(*args, **kwargs), narrow=False, everything=True)


class CountingScope(PumpScope):
    """The scope under test, counting the pumps it narrowed to the named jobs."""

    def __init__(self) -> None:
        super().__init__()
        self.narrowed = 0

    def plan(self, *args: Any, **kwargs: Any) -> PumpPlan:
        plan = super().plan(*args, **kwargs)
        self.narrowed += plan.narrow
        return plan


def _system(api: int, clock: VirtualClock, everything: bool) -> tuple[AndroidSystem, FakeApp]:
    system = make_system(api, clock=clock)
    system.jobs.pump_scope = EveryJobScope() if everything else CountingScope()
    app = FakeApp(system)
    system.apps[PKG] = app  # type: ignore[assignment]
    return system, app


def _snapshot(system: AndroidSystem, app: FakeApp) -> dict[str, Any]:
    svc = system.jobs
    api = svc.api_level
    return {
        "jobs": [(js.key, js.satisfied, js.is_ready(api), [bits for _, bits in js.constraint_history],
                  [reasons for _, reasons in js.pending_record.returned_history()])
                 for js in sorted(svc.jobs.values(), key=lambda js: js.key)],
        "pending": [js.key for js in svc.pending],
        "active": sorted(ex.status.key for ex in svc.active.values()),
        "started": [p.job_id for p in app.started],
        "stopped": [(p.job_id, p.stop_reason) for p in app.stopped],
    }


def _step(rng: random.Random, system: AndroidSystem, app: FakeApp, choice: int, job_id: int) -> None:
    """Apply step ``choice`` (the same on both systems; ``rng`` is each system's own copy)."""
    svc = system.jobs
    if choice == 0:
        constraints = rng.choice([
            {"requires_charging": True}, {"requires_battery_not_low": True}, {"requires_device_idle": True},
            {"network": NetworkRequirement(NetworkType.ANY)}, {"min_latency_ms": 15_000},
            {"min_latency_ms": 35_000, "override_deadline_ms": 55_000}, {},
        ])
        svc.schedule(UID, PKG, job(job_id, **constraints))
    elif choice == 1 and svc.jobs:
        svc.cancel(UID, PKG, rng.choice(sorted(js.job_id for js in svc.jobs.values())))
    elif choice == 2:
        system.battery.charging = not system.battery.charging  # type: ignore[attr-defined]
        system.publish(Change(Topic.BATTERY))
    elif choice == 3:
        system.connectivity.network = None if system.connectivity.network else WIFI  # type: ignore[attr-defined]
        system.publish(Change(Topic.CONNECTIVITY))
    elif choice == 4:  # a bucket change nobody announces: the next pump must still see it
        system.standby.buckets[PKG] = rng.choice([10, 20, 30, 40, 45])  # type: ignore[attr-defined]
    elif choice == 5:  # likewise the background restriction
        modes = system.appops.modes  # type: ignore[attr-defined]
        modes["RUN_ANY_IN_BACKGROUND"] = "allow" if modes.get("RUN_ANY_IN_BACKGROUND") == "ignore" else "ignore"
    elif choice == 6 and svc.active:
        params = rng.choice(sorted(svc.active.values(), key=lambda ex: ex.status.key)).params
        svc.job_finished(params, rng.random() < 0.3)


class Twins:
    """The model under test and the reference, on one clock, taking the same steps."""

    def __init__(self, api: int) -> None:
        self.clock = SteppedClock()
        self.narrow, self.narrow_app = _system(api, self.clock, everything=False)
        self.full, self.full_app = _system(api, self.clock, everything=True)

    def do(self, action: Callable[[AndroidSystem], object]) -> None:
        action(self.narrow)
        action(self.full)

    async def agree(self, label: str) -> dict[str, Any]:
        await settle()
        seen = _snapshot(self.narrow, self.narrow_app)
        assert seen == _snapshot(self.full, self.full_app), label
        return seen


@pytest.mark.parametrize("api", [31, 34, 36, 37])
@pytest.mark.parametrize("seed", [1, 2])
def test_narrow_pumps_leave_every_job_as_full_pumps_do(api: int, seed: int) -> None:
    async def body() -> None:
        twins = Twins(api)
        choices = random.Random(seed)
        narrow_rng, full_rng = random.Random(seed * 7), random.Random(seed * 7)
        for step in range(90):
            choice = choices.choice([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 6, 7])
            job_id = step % 23
            _step(narrow_rng, twins.narrow, twins.narrow_app, choice, job_id)
            _step(full_rng, twins.full, twins.full_app, choice, job_id)
            if choice == 7:
                await twins.clock.sleep(10.0)
            await twins.agree(f"step {step} (choice {choice})")
        assert twins.narrow_app.started, "the scenario ran no job: it tests too little"
        scope = twins.narrow.jobs.pump_scope
        assert isinstance(scope, CountingScope) and scope.narrowed >= 10, "too few narrowed pumps to compare"

    asyncio.run(body())


def _session(minutes_ago_start: float, minutes_ago_end: float) -> Callable[[AndroidSystem], None]:
    def save(system: AndroidSystem) -> None:
        now = system.jobs.now()
        system.jobs.quota.save_timing_session(PKG, now - int(minutes_ago_start * 60_000),
                                              now - int(minutes_ago_end * 60_000))
    return save


def _working_bucket(system: AndroidSystem) -> None:
    system.standby.buckets[PKG] = 20  # type: ignore[attr-defined]  # WORKING: 10 minutes in 2 hours


def test_a_job_running_out_of_quota_stops_at_the_next_schedule_as_with_full_pumps() -> None:
    async def body() -> None:
        twins = Twins(34)
        twins.do(_working_bucket)
        twins.do(_session(9.5, 0.5))  # 9 of the 10 minutes used
        twins.do(lambda s: s.jobs.schedule(UID, PKG, job(1)))
        assert (await twins.agree("scheduled"))["active"]
        await twins.clock.sleep(90.0)  # 10.5 minutes used; nothing evaluates job 1 meanwhile
        twins.do(lambda s: s.jobs.schedule(UID, PKG, job(2, requires_charging=True)))
        seen = await twins.agree("after the second schedule")
        assert seen["active"] == [] and seen["stopped"], "job 1 should have stopped out of quota"

    asyncio.run(body())


def test_a_job_out_of_quota_starts_once_it_refills_at_the_next_schedule_as_with_full_pumps() -> None:
    async def body() -> None:
        twins = Twins(34)
        twins.do(_working_bucket)
        # 10 min 25 s inside the 2-hour window: out of quota for 25 more seconds.
        twins.do(_session(120.5, 120 - 10 - 25 / 60))
        twins.do(lambda s: s.jobs.schedule(UID, PKG, job(1)))
        assert (await twins.agree("scheduled"))["active"] == []
        await twins.clock.sleep(45.0)  # refilled; the refill alarm comes only after a minute
        twins.do(lambda s: s.jobs.schedule(UID, PKG, job(2, requires_charging=True)))
        assert (await twins.agree("after the second schedule"))["started"] == [1]

    asyncio.run(body())


# ------------------------------------------------------------------ the plan itself
FACTS = DeviceFacts(api_level=34, charging=False, battery_not_low=True, storage_not_low=True, idle=False,
                    deep_doze=False, battery_saver=False, network=None)
ACTIVE_APP = (StandbyBucket.ACTIVE, False, False)


def _status(job_id: int, now: int = 0, delay_ms: int = 0, deadline_ms: int = 0) -> JobStatus:
    info = job(job_id, min_latency_ms=delay_ms, has_early_constraint=delay_ms > 0, override_deadline_ms=deadline_ms,
               has_late_constraint=deadline_ms > 0)
    js = JobStatus(info, UID, PKG, None, now)
    js.satisfied |= B.WITHIN_QUOTA
    return js


def _settled_scope(jobs: list[JobStatus], now: int = 0) -> PumpScope:
    """A scope after one full pump over ``jobs``."""
    scope = PumpScope()
    scope.plan(FACTS, now, frozenset(), lambda js: True, lambda uid, package: ACTIVE_APP)
    scope.after(now, frozenset(), jobs, True, {(UID, PKG): ACTIVE_APP}, lambda js: False)
    return scope


def test_a_schedule_alone_narrows_the_pump_to_its_job() -> None:
    scope = _settled_scope([_status(1)])
    new = _status(2)
    scope.request(new)
    plan = scope.plan(FACTS, 10, frozenset(), lambda js: True, lambda uid, package: ACTIVE_APP)
    assert plan.narrow and plan.named == (new,)


@pytest.mark.parametrize(("why", "change"), [
    ("a request for every job", lambda scope: scope.request(None)),
    ("a running package", None),
    ("a delay that ended", None),
    ("other device facts", None),
    ("another app fact", None),
])
def test_the_pump_is_not_narrowed_when_more_than_the_named_job_may_have_changed(why: str, change: Any) -> None:
    delayed = _status(1, delay_ms=5_000)
    scope = _settled_scope([delayed])
    scope.request(_status(2))
    if change is not None:
        change(scope)
    now = 6_000 if why == "a delay that ended" else 10
    facts = replace(FACTS, charging=True) if why == "other device facts" else FACTS
    active = frozenset({PKG}) if why == "a running package" else frozenset()
    app = (StandbyBucket.RARE, False, False) if why == "another app fact" else ACTIVE_APP
    plan = scope.plan(facts, now, active, lambda js: True, lambda uid, package: app)
    assert not plan.narrow, why


@pytest.mark.parametrize("timed", [{"delay_ms": 5_000}, {"deadline_ms": 5_000}])
def test_a_job_whose_delay_or_deadline_passed_is_stale_though_nothing_else_changed(timed: dict[str, int]) -> None:
    js = _status(1, **timed)
    js.evaluate(FACTS, 0)
    js.satisfied |= B.WITHIN_QUOTA
    assert not PumpScope.stale(js, 4_999, frozenset(), ACTIVE_APP)
    assert PumpScope.stale(js, 5_000, frozenset(), ACTIVE_APP)
