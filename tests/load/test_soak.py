"""Thirty virtual minutes of use on an accelerated device clock (60×: about 30 real seconds).

Round after round the session schedules jobs, flips every condition JobScheduler reacts to
(battery level, charging, network, idle), forces a job to run and stops it from the shell, and
pushes work items through a job -- while a periodic job and a job that runs into its 10-minute
execution limit (``JobServiceContext``'s regular limit) come and go on their own, and the live
event stream follows it all. At the end: every journaled event was delivered once and in order,
every run that started ended, the device's collections did not grow with the work done and are
back at their baseline once the session is gone, and every condition is restored.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.jobs import Session
from bridge.model import (
    EventKind,
    JobEvent,
    JobSpec,
    NetworkType,
    Periodic,
    RunEnd,
    StopReason,
    WorkItem,
    runs_from_events,
)
from bridge.model.script import Hold, ItemScript, JobScript, Sleep
from jobctl_sim.apps.helper.journal import DEFAULT_SEGMENT_MAX_EVENTS
from jobctl_sim.framework.jobscheduler.execution import HISTORY_SIZE, RECENTLY_COMPLETED
from jobctl_sim.device import EXECUTED_HISTORY
from jobctl_sim.harness import SimHarness
from jobctl_sim.native.logcat.buffer import DEFAULT_CAPACITY
from jobctl_sim.fleet import FleetSpec
from tests.load.conftest import (
    assert_consecutive,
    drain_stream_errors,
    event_threads,
    footprint,
    journal_next_seq,
    ready_session,
    running_fleet,
    wait_delivered,
    wait_for,
)

SPEED = 60.0
"""One real second is one virtual minute."""
SOAK_VIRTUAL_S = 30 * 60
HOLD = JobScript(steps=(Hold(),))
HOLD_AND_RESCHEDULE = JobScript(steps=(Hold(),), on_stop_reschedule=True)
REGULAR_LIMIT_MS = 10 * 60_000
START_STAMP_SLACK_MS = 60_000
"""How much later than the limit's own start the helper may stamp ``started``: the 10-minute limit
counts from the framework's start of the job (the model arms it before it calls onStartJob, as
JobServiceContext counts from its execution start), and the helper stamps the event inside
onStartJob. A process paused between the two on a loaded machine -- 1 real second is a virtual
minute at 60x -- makes the run the app saw shorter than the limit (seen under the full suite)."""
AN_HOUR_MS = 3_600_000
ITEMS_PER_ROUND = 5
ITEM = ItemScript(steps=(Sleep(2_000),))

BATTERY, CHARGING, NETWORK, IDLE, FORCED, WORK, TIMES_OUT, PERIODIC = 11, 12, 13, 14, 15, 16, 20, 21

DOES_NOT_GROW = ("jobs", "pending", "active", "helper running jobs", "content watches", "inbox files",
                 "outbox files", "logcat waiters", "open streams", "connection tasks", "server tasks",
                 "connections", "loop tasks", "loop timers", "processes", "system listeners", "command observers")
"""Sizes that depend on what is running now, never on how much ran before."""
BACK_TO_BASELINE = ("jobs", "pending", "active", "helper running jobs", "content watches", "inbox files",
                    "outbox files", "logcat waiters", "open streams", "connection tasks", "server tasks",
                    "connections", "loop tasks", "loop timers", "system listeners", "command observers")
CAPPED = {"logcat entries": DEFAULT_CAPACITY, "executed argv": EXECUTED_HISTORY, "jobscheduler history": HISTORY_SIZE,
          "recently completed": RECENTLY_COMPLETED, "journal events": 2 * DEFAULT_SEGMENT_MAX_EVENTS}
"""Ring buffers: logd's buffer, the shell's argv history, JobPackageTracker's history (100),
JobSchedulerService's NUM_COMPLETED_JOB_HISTORY (20), the journal's two segments (PROTOCOL.md §5.3)."""


Outcome = dict[str, StopReason | RunEnd | int | None]


def _one_round(session: Session, round_no: int) -> Outcome:
    """Each condition lost while its job runs, a forced run stopped from the shell, a work job."""
    c = session.conditions
    outcome: Outcome = {}

    def lose(spec: JobSpec, take_away: Callable[[], None]) -> StopReason | int | None:
        job = session.schedule(spec)
        job.wait_started(30)
        take_away()
        return job.wait_stopped(30).stop_reason

    c.set_battery_low(False)
    outcome["battery"] = lose(JobSpec(BATTERY, requires_battery_not_low=True, script=HOLD),
                              lambda: c.set_battery_low(True))
    c.set_battery_low(False)
    c.set_charging(True)
    outcome["charging"] = lose(JobSpec(CHARGING, requires_charging=True, script=HOLD),
                               lambda: c.set_charging(False))
    c.set_wifi(True)
    c.set_cellular(True)

    def network_gone() -> None:
        c.set_wifi(False)
        c.set_cellular(False)

    outcome["network"] = lose(JobSpec(NETWORK, network_type=NetworkType.ANY, script=HOLD), network_gone)
    c.set_wifi(True)
    c.set_cellular(True)
    c.set_idle(True)
    outcome["idle"] = lose(JobSpec(IDLE, requires_device_idle=True, script=HOLD), lambda: c.set_idle(False))

    forced = session.schedule(JobSpec(FORCED, min_latency_ms=AN_HOUR_MS, script=HOLD))
    forced.run(force=True)  # cmd jobscheduler run -f
    forced.wait_started(30)
    forced.stop(StopReason.USER)  # cmd jobscheduler stop -s 13
    outcome["forced"] = forced.wait_stopped(30).stop_reason

    items = [WorkItem(f"r{round_no}-i{n}", script=ITEM) for n in range(ITEMS_PER_ROUND)]
    outcome["work"] = session.enqueue(JobSpec(WORK), items).wait_stopped(30).end
    return outcome


def _maxima(samples: list[dict[str, int]]) -> dict[str, int]:
    return {key: max(s[key] for s in samples) for key in samples[0]}


@pytest.mark.slow
def test_thirty_virtual_minutes_of_scheduling_and_condition_flips_keep_events_exact_and_the_device_bounded(
        adb: PrivateAdbServer) -> None:
    with running_fleet(adb, FleetSpec(speed=SPEED)) as sim:
        _soak(adb, sim)


def _soak(adb: PrivateAdbServer, sim: SimHarness) -> None:
    device = sim.devices[0]
    baseline = footprint(sim)
    threads_before = event_threads()
    session = ready_session(sim.addresses[0], adb)
    conditions_before = session.conditions.read([HELPER_PACKAGE])
    first_seq = journal_next_seq(session)
    samples: list[tuple[float, dict[str, int]]] = []
    outcomes: list[Outcome] = []
    real_start = time.monotonic()
    try:
        with session.conditions.snapshot():
            start = device.clock.elapsed()
            session.schedule(JobSpec(TIMES_OUT, script=HOLD_AND_RESCHEDULE))
            session.schedule(JobSpec(PERIODIC, periodic=Periodic(15 * 60_000, 5 * 60_000)))
            while (elapsed := device.clock.elapsed() - start) < SOAK_VIRTUAL_S:
                outcomes.append(_one_round(session, len(outcomes)))
                samples.append((elapsed, footprint(sim)))
            session.helper.cancel_all()
            wait_for(lambda: footprint(sim)["active"], lambda n: n == 0, 10, "no job running after cancel_all")
        soak_real_s = time.monotonic() - real_start
        conditions_after = session.conditions.read([HELPER_PACKAGE])
        last_seq = journal_next_seq(session) - 1
        events = [e for e in wait_delivered(session, last_seq) if e.seq >= first_seq]
        journal = session.helper.read_journal(first_seq)
        stream_errors = drain_stream_errors(session)
    finally:
        session.close()

    # The soak ran its 30 virtual minutes in a bounded real time, round after round.
    assert soak_real_s < SOAK_VIRTUAL_S / SPEED + 15
    assert len(outcomes) >= 10, f"only {len(outcomes)} rounds in 30 virtual minutes"
    expected = {"battery": StopReason.CONSTRAINT_BATTERY_NOT_LOW, "charging": StopReason.CONSTRAINT_CHARGING,
                "network": StopReason.CONSTRAINT_CONNECTIVITY, "idle": StopReason.CONSTRAINT_DEVICE_IDLE,
                "forced": StopReason.USER, "work": RunEnd.FINISHED}
    assert [o for o in outcomes if o != expected] == []

    _check_events(events, journal.events, journal.dropped_before_seq, stream_errors, len(outcomes))
    _check_bounded(samples, sim, events)

    # Everything the session changed is back, and nothing it started is left anywhere.
    assert conditions_after == conditions_before
    wanted = {key: baseline[key] for key in BACK_TO_BASELINE}
    wait_for(lambda: {key: footprint(sim)[key] for key in BACK_TO_BASELINE}, lambda now: now == wanted, 10,
             "the device back to its baseline")
    assert event_threads() - threads_before == set()


def _check_events(events: list[JobEvent], journal: tuple[JobEvent, ...], dropped_before: int | None,
                  stream_errors: list[BaseException], rounds: int) -> None:
    # Every journaled event reached the live stream exactly once, in order, and unchanged.
    assert stream_errors == []
    assert dropped_before is None
    assert_consecutive(events)
    assert events == list(journal)
    # Every run that started ended, and the counts agree.
    counts = Counter(e.kind for e in events)
    assert counts[EventKind.STARTED] == counts[EventKind.STOPPED] + counts[EventKind.FINISHED]
    runs = runs_from_events(events)
    assert len(runs) == counts[EventKind.STARTED]
    assert [r for r in runs if r.end not in (RunEnd.STOPPED, RunEnd.FINISHED)] == []
    for job_id in {e.job_id for e in events if e.job_id is not None}:  # started, ended, started, ended, …
        ends = [e.kind for e in events if e.job_id == job_id and e.kind in (
            EventKind.STARTED, EventKind.STOPPED, EventKind.FINISHED)]
        assert ends[::2] == [EventKind.STARTED] * len(ends[::2]) and EventKind.STARTED not in ends[1::2]
    # Each round's work items were delivered and completed exactly once.
    tags = Counter(e.fields["tag"] for e in events if e.kind is EventKind.WORK_DEQUEUED)
    done = Counter(e.fields["tag"] for e in events if e.kind is EventKind.WORK_COMPLETED)
    assert tags == done == Counter(f"r{r}-i{n}" for r in range(rounds) for n in range(ITEMS_PER_ROUND))
    # The jobs left to themselves: the held job ran into its 10-minute limit (STOP_REASON_TIMEOUT)
    # and came back after its backoff; the periodic job ran once per 15-minute period.
    timeouts = [r for r in runs if r.job_id == TIMES_OUT and r.stop_reason is StopReason.TIMEOUT]
    assert len(timeouts) >= 2
    ran = [r.stop_elapsed_ms - r.start_elapsed_ms for r in timeouts if r.stop_elapsed_ms is not None]
    assert len(ran) == len(timeouts) and all(ms >= REGULAR_LIMIT_MS - START_STAMP_SLACK_MS for ms in ran), (
        ran, timeouts)
    periodic = [r for r in runs if r.job_id == PERIODIC]
    assert len(periodic) >= 2 and all(r.end is RunEnd.FINISHED for r in periodic)


def _check_bounded(samples: list[tuple[float, dict[str, int]]], sim: SimHarness, events: list[JobEvent]) -> None:
    first_third = [s for t, s in samples if t < SOAK_VIRTUAL_S / 3]
    last_third = [s for t, s in samples if t >= 2 * SOAK_VIRTUAL_S / 3]
    assert first_third and last_third
    early, late = _maxima(first_third), _maxima(last_third)
    grew = {key: (early[key], late[key]) for key in DOES_NOT_GROW if late[key] > early[key]}
    assert grew == {}, f"grew between the first and the last third of the soak: {grew}"
    final = footprint(sim)
    over = {key: final[key] for key, cap in CAPPED.items() if final[key] > cap}
    assert over == {}
    # QuotaController's package Timer saves one timing session per busy span (from the first running
    # job to the last; overlapping runs share one), kept 24 hours: at least one, at most one per run.
    ended = sum(1 for e in events if e.kind in (EventKind.STOPPED, EventKind.FINISHED))
    assert 1 <= final["quota sessions"] <= ended
