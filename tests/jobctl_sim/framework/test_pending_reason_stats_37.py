"""Issue 14 item 5: ``getPendingJobReasonStats`` (API 37) as the Android 17 tree computes it, and
what ``getPendingJobReasonsHistory``/``…Stats`` answer for a job the service does not hold.

Source: muhomorr/platform_frameworks_base-15 ``…/job/controllers/JobStatus.java``
@a7059b050d1e015e0085fc356ef439b5a38439d5 (``updatePendingJobReasonStats``,
``getPendingJobReasonStats``, the rescheduling constructor) and ``…/job/JobSchedulerService.java``
@f6fe7399dbe2968abc60ed3e1e4234846affb0ef; the 16 message is yaap/frameworks_base
``JobSchedulerService.java`` @3ddcaa00537ad17c17a59c73990d12441d689aaf. Times are set by hand: the
service's ``now()`` is pinned, so every figure is exact.
"""

from __future__ import annotations

import pytest

from jobctl_sim.framework.jobscheduler import pending_history, reschedule
from jobctl_sim.framework.jobscheduler.model import InternalStopReason, JobParameters, StopReason
from jobctl_sim.framework.shell_command import IllegalArgumentException
from jobctl_sim.framework.system import AndroidSystem, Change, Topic
from tests.jobctl_sim.framework.test_jobscheduler import PKG, UID, FakeApp, job, make_system

APP_STANDBY, CHARGING, STORAGE, DEVICE_STATE, QUOTA = 2, 5, 11, 12, 14


def _system(api: int = 37) -> AndroidSystem:
    system = make_system(api)
    system.apps[PKG] = FakeApp(system)
    return system


def _at(system: AndroidSystem, ms: int) -> None:
    """Pin the service's elapsed-realtime clock (``sElapsedRealtimeClock.millis()``)."""
    system.jobs.now = lambda: ms  # type: ignore[method-assign]


def _change(system: AndroidSystem, ms: int, topic: Topic, **facts: object) -> None:
    _at(system, ms)
    source = {Topic.STORAGE: system.storage, Topic.BATTERY_SAVER: system.power, Topic.DOZE: system.power}[topic]
    for name, value in facts.items():
        setattr(source, name, value)
    system.publish(Change(topic))


def _stats(system: AndroidSystem, ms: int, job_id: int = 1) -> dict[int, int]:
    _at(system, ms)
    return pending_history.get_pending_job_reason_stats(system.jobs, UID, job_id)


def test_a_reason_never_satisfied_counts_from_the_enqueue_time_and_those_met_at_once_count_zero() -> None:
    """Each constraint a controller satisfies while the job is first tracked goes from unsatisfied
    to satisfied with no earlier unsatisfied time: ``timestamp - enqueueTime`` = 0 ms is stored."""
    system = _system()
    _at(system, 1_000)
    system.jobs.schedule(UID, PKG, job(1, requires_charging=True))
    assert _stats(system, 61_000) == {CHARGING: 60_000, DEVICE_STATE: 0, QUOTA: 0}


def test_a_met_reason_keeps_its_waited_time_and_an_unmet_one_adds_the_time_since_it_was_lost() -> None:
    system = _system()
    setattr(system.storage, "low", True)  # noqa: B010 -- the fake's field (the real one is read-only)
    _at(system, 1_000)
    system.jobs.schedule(UID, PKG, job(1, requires_charging=True, requires_storage_not_low=True))
    _change(system, 11_000, Topic.STORAGE, low=False)  # 10 s since the enqueue time
    assert _stats(system, 21_000) == {CHARGING: 20_000, STORAGE: 10_000, DEVICE_STATE: 0, QUOTA: 0}
    _change(system, 31_000, Topic.STORAGE, low=True)
    assert _stats(system, 41_000) == {CHARGING: 40_000, STORAGE: 20_000, DEVICE_STATE: 0, QUOTA: 0}
    _change(system, 46_000, Topic.STORAGE, low=False)
    assert _stats(system, 100_000)[STORAGE] == 25_000


def test_two_constraints_of_one_reason_share_a_single_unsatisfied_time_as_on_android_17() -> None:
    """Battery saver (BACKGROUND_NOT_RESTRICTED) and Doze (DEVICE_NOT_DOZING) both map to
    DEVICE_STATE: the later loss overwrites the time of the earlier, the first gain closes the span
    and drops the time, the second gain finds none and counts from the enqueue time again; while
    the reason is still pending without a time, the stats keep what they had."""
    system = _system()
    _at(system, 1_000)
    system.jobs.schedule(UID, PKG, job(1, requires_charging=True))
    _change(system, 11_000, Topic.BATTERY_SAVER, battery_saver=True)
    _change(system, 21_000, Topic.DOZE, deep_idle=True)
    _change(system, 31_000, Topic.BATTERY_SAVER, battery_saver=False)  # +10 s (from 21 s)
    assert _stats(system, 35_000)[DEVICE_STATE] == 10_000  # still dozing, no time kept: unchanged
    _change(system, 41_000, Topic.DOZE, deep_idle=False)  # +40 s (from the enqueue time)
    assert _stats(system, 51_000) == {CHARGING: 50_000, DEVICE_STATE: 50_000, QUOTA: 0}


def test_a_job_rescheduled_after_a_failure_keeps_its_stats() -> None:
    """``new JobStatus(rescheduling, …)`` copies ``mPendingJobReasonsStats`` and
    ``mLastTimesConstraintsUnsatisfied``; the new job's own enqueue time starts its open spans."""
    system = _system()
    _at(system, 1_000)
    system.jobs.schedule(UID, PKG, job(1, requires_charging=True))
    old = system.jobs.find(UID, None, 1)
    assert old is not None
    params = JobParameters(handle=1, job_id=1, stop_reason=StopReason.STOP_REASON_CONSTRAINT_CHARGING,
                           internal_stop_reason=InternalStopReason.INTERNAL_STOP_REASON_CONSTRAINTS_NOT_SATISFIED)
    new = reschedule.for_failure(old, 61_000, params, 7, 37)
    assert (new.pending_record.waited, new.pending_record.last_unsatisfied) == (
        old.pending_record.waited, old.pending_record.last_unsatisfied)
    assert new.pending_record.waited == {DEVICE_STATE: 0, QUOTA: 0}
    assert new.pending_record.waited is not old.pending_record.waited


@pytest.mark.parametrize(("api", "namespace", "message"), [
    (36, None, "Invalid job id"),
    (37, None, "Job not found for uid=10123, namespace=null, jobId=99"),
    (37, "ns", "Job not found for uid=10123, namespace=ns, jobId=99"),
])
def test_the_history_of_an_unknown_job_throws_what_the_level_throws(api: int, namespace: str | None,
                                                                    message: str) -> None:
    system = _system(api)
    with pytest.raises(IllegalArgumentException) as raised:
        pending_history.get_pending_job_reasons_history(system.jobs, UID, 99, namespace)
    assert raised.value.message == message
    assert pending_history.get_pending_job_reasons(system.jobs, UID, 99, namespace) == [-2]  # no throw


def test_the_stats_of_an_unknown_job_throw_illegal_argument() -> None:
    system = _system(37)
    with pytest.raises(IllegalArgumentException) as raised:
        pending_history.get_pending_job_reason_stats(system.jobs, UID, 99)
    assert raised.value.message == "Job not found for uid=10123, namespace=null, jobId=99"
