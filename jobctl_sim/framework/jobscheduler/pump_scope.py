"""Which jobs a pump of the model's JobSchedulerService must re-evaluate.

This is the virtual device's own bookkeeping, not a part of AOSP: the model recomputes a job's
constraint bits at a pump (``maybeRunPendingJobs``), where AOSP's controllers update them as
their inputs change. Re-evaluating every tracked job at every pump gives the right bits, but a
pump follows every schedule call, so scheduling N jobs cost O(N²) evaluations.

A job's evaluation reads only (:meth:`JobSchedulerService.evaluate
<jobctl_sim.framework.jobscheduler.service.JobSchedulerService.evaluate>`):

* the device facts (:class:`~.constraints.DeviceFacts`): compared with the last pump's;
* its app's facts (bucket, background restriction, Doze allowlist): compared per app;
* the time: its delay's end and its deadline (the alarm asks for every job at the earliest of
  them), and its quota, which a running job of its package uses up (its package is watched
  while it runs) and which refills while it is out (such a job is re-evaluated at each pump);
* the quota sessions, saved when a job finishes (a finish asks for every job);
* the job itself: a schedule or an enqueue names the job (:meth:`PumpScope.request`); anything
  else that changes a job (a shell override, a backoff, a content trigger) asks for every job.

So when nothing but named jobs changed, evaluating those alone gives every job the bits a full
evaluation would, and the pending queue is the last one plus the named jobs that are ready
(every other job's readiness is unchanged, and a pump leaves jobs pending only when no context
is free, that is when a job runs and its package is watched). ``tests/jobctl_sim`` checks the
two against each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jobctl_sim.framework.aosp_constants import StandbyBucket
from jobctl_sim.framework.jobscheduler.constraints import B, DeviceFacts
from jobctl_sim.framework.jobscheduler.status import NO_LATEST_RUNTIME

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.status import JobStatus

AppFacts = tuple[StandbyBucket, bool, bool]
"""What a job's evaluation reads of its app: bucket, background restriction, Doze allowlist."""

AppKey = tuple[int, str]


@dataclass(frozen=True)
class PumpPlan:
    """``named``: the jobs requests named, evaluated in any case. ``narrow``: no other job
    needs evaluating; else ``everything`` says whether every job does, or each one that
    :meth:`PumpScope.stale` names."""

    named: tuple[JobStatus, ...]
    narrow: bool
    everything: bool
    watched: frozenset[str]


class PumpScope:
    """What changed since the last pump, and the time marks of the last full pass."""

    def __init__(self) -> None:
        self._everything = True
        self._named: list[JobStatus] = []
        self._facts: DeviceFacts | None = None
        self._active: frozenset[str] = frozenset()
        self._apps: dict[AppKey, AppFacts] = {}
        self._next_change: int | None = None
        self._refill_wait = False

    def request(self, changed: JobStatus | None) -> None:
        """A pump is asked for ``changed`` alone (scheduled or given work), or for every job (None)."""
        if changed is None:
            self._everything = True
        else:
            self._named.append(changed)

    def plan(self, facts: DeviceFacts, now: int, active: frozenset[str], tracked: Callable[[JobStatus], bool],
             app_facts: Callable[[int, str], AppFacts]) -> PumpPlan:
        """Take the requests since the last pump. ``active``: the packages running a job now;
        ``tracked``: whether a named job is still the tracked one (a cancel may have removed it)."""
        everything = self._everything or facts != self._facts
        watched = self._active | active
        named = tuple(dict.fromkeys(js for js in self._named if tracked(js)))
        self._everything, self._named, self._facts = False, [], facts
        narrow = (
            not everything
            and not watched
            and not self._refill_wait
            and (self._next_change is None or now < self._next_change)
            and all(app_facts(*key) == app for key, app in self._apps.items())
        )
        return PumpPlan(named, narrow, everything, watched)

    @staticmethod
    def stale(js: JobStatus, now: int, watched: frozenset[str], app: AppFacts) -> bool:
        """Whether evaluating ``js`` now could change its bits, the device facts being the last
        pump's and no request having asked for every job (see the module's docstring)."""
        return (
            js.package in watched  # its package runs a job now or did after the last pump
            or (not js.satisfied & B.WITHIN_QUOTA and js.bucket != StandbyBucket.NEVER)  # NEVER never refills
            or js.timing_delay_passed != js.timing_delay_passed_at(now)
            or js.override_deadline_expired != js.deadline_passed_at(now)
            or (js.bucket, js.user_bg_restricted, js.doze_exempt) != app
        )

    def after(self, now: int, active: frozenset[str], jobs: Iterable[JobStatus], full: bool,
              apps: dict[AppKey, AppFacts], refills: Callable[[JobStatus], bool]) -> tuple[int | None, bool]:
        """After a pump that looked at ``jobs`` (every tracked job when ``full``, else the named
        ones): keep the marks, and return (the earliest delay end or deadline after ``now``, whether
        a job waits for quota to refill), which the alarm is set from."""
        self._active = active
        next_change = None if full else self._next_change
        refill_wait = False if full else self._refill_wait
        for js in jobs:
            for mark in (js.earliest_ms, js.latest_ms):
                if mark > now and mark != NO_LATEST_RUNTIME and (next_change is None or mark < next_change):
                    next_change = mark
            refill_wait = refill_wait or (not js.satisfied & B.WITHIN_QUOTA and refills(js))
        if full:
            self._apps = dict(apps)
        else:
            self._apps.update(apps)
        self._next_change, self._refill_wait = next_change, refill_wait
        return next_change, refill_wait
