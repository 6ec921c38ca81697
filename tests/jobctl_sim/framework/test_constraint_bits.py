"""Constraint masks are plain ints: the IntFlag names them in dumps, the arithmetic stays on ints.

On Python 3.11 every ``&``/``|`` involving an IntFlag member builds a new member (2-4 µs against
0.2 µs on ints), and the service re-evaluates every job on every change; an ``int`` combined with a
member turns into a member, so one IntFlag left in a mask makes every later operation on it slow.
"""

from __future__ import annotations

import pytest

from jobctl_sim.framework.aosp_constants import JobStatusConstraint
from jobctl_sim.framework.jobscheduler.constraints import (
    DYNAMIC_RESTRICTED,
    IMPLICIT,
    SOFT_OVERRIDE,
    Bits,
    format_constraints,
)
from jobctl_sim.framework.jobscheduler.model import NetworkRequirement, NetworkType
from jobctl_sim.framework.jobscheduler.status import JobStatus
from jobctl_sim.framework.system import Change, Topic
from tests.jobctl_sim.framework.test_jobscheduler import PKG, UID, FakeApp, job, make_system, run, settle, shell


def test_the_plain_bits_match_the_constraint_flag_member_for_member() -> None:
    plain = {name: value for name, value in vars(Bits).items() if name.isupper()}
    assert plain == {member.name: member.value for member in JobStatusConstraint}
    assert all(type(value) is int for value in plain.values())


@pytest.mark.parametrize("mask", [SOFT_OVERRIDE, DYNAMIC_RESTRICTED, IMPLICIT])
def test_the_combined_masks_are_ints_with_the_aosp_values(mask: int) -> None:
    assert type(mask) is int
    assert {SOFT_OVERRIDE: 0x8080000F, DYNAMIC_RESTRICTED: 0x10000007, IMPLICIT: 0x3400000}[mask] == mask


def test_a_mask_prints_its_names_in_dump_order_with_its_hex_value() -> None:
    mask = Bits.TIMING_DELAY | Bits.CHARGING | Bits.TARE_WEALTH | Bits.WITHIN_QUOTA
    assert format_constraints(mask) == " CHARGING TIMING_DELAY WITHIN_QUOTA [0x89000001]"
    assert format_constraints(mask, tare=True) == " CHARGING TIMING_DELAY TARE_WEALTH WITHIN_QUOTA [0x89000001]"
    assert format_constraints(0) == ""


def _masks(js: JobStatus, api: int) -> list[object]:
    return [js.required, js.satisfied, js.dynamic_required, js.unsatisfied(api),
            *(mask for _, mask in js.constraint_history)]


def test_job_masks_stay_plain_ints_through_evaluation_rescheduling_and_the_restricted_bucket() -> None:
    async def body() -> None:
        system = make_system(api=34)
        app = FakeApp(system)  # keeps running; asks for a reschedule when stopped
        system.apps[PKG] = app
        system.battery.charging = True  # type: ignore[misc]
        system.jobs.schedule(UID, PKG, job(1, requires_charging=True))
        system.jobs.schedule(UID, PKG, job(2, periodic=True, interval_ms=900_000, flex_ms=300_000))
        system.jobs.schedule(UID, PKG, job(3, network=NetworkRequirement(NetworkType.ANY),
                                           min_latency_ms=60_000, has_early_constraint=True))
        await settle()
        assert [p.job_id for p in app.started] == [1]
        system.jobs.job_finished(app.started[0], True)  # job 1 asks for a retry: rescheduled with backoff
        await settle()
        system.battery.charging = False  # type: ignore[misc]
        system.publish(Change(Topic.BATTERY))
        await settle()
        await shell(system, "run", "-f", PKG, "2")  # the periodic job runs, then gets its next period
        system.standby.buckets[PKG] = 45  # type: ignore[attr-defined]  # RESTRICTED: dynamic constraints
        system.publish(Change(Topic.STANDBY_BUCKET, PKG, UID))
        await settle()
        statuses = list(system.jobs.jobs.values())
        assert len(statuses) == 3
        [backed_off] = [js for js in statuses if js.num_failures]
        assert backed_off.required & Bits.TIMING_DELAY
        for js in statuses:
            masks = _masks(js, 34)
            assert [type(mask) for mask in masks] == [int] * len(masks), (js.job_id, masks)

    run(body())
