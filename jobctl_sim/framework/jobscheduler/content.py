"""ContentObserverController: content-URI triggers (``JobInfo.TriggerContentUri``).

Source: ``apex/jobscheduler/service/java/com/android/server/job/controllers/
ContentObserverController.java``: a ``notifyChange(uri)`` matching a trigger URI (exactly, or a
descendant with ``FLAG_NOTIFY_FOR_DESCENDANTS``) records the URI and its authority on the job
and arms a timer: the job's ``triggerContentUpdateDelay`` after the latest change (default
10 s), but no later than ``triggerContentMaxDelay`` after the first (default 2 min); when it
fires, CONTENT_TRIGGER is satisfied and the job gets the URIs in its JobParameters.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from jobctl_sim.framework.jobscheduler.model import TriggerContentUri
from jobctl_sim.framework.jobscheduler.status import JobStatus
from jobctl_sim.native.clock import VirtualClock

DEFAULT_TRIGGER_UPDATE_DELAY = 10_000
DEFAULT_TRIGGER_MAX_DELAY = 120_000

JobKey = tuple[int, str | None, int]


@dataclass
class ContentWatch:
    first_change_ms: int
    timer: asyncio.TimerHandle | None = None
    uris: list[str] = field(default_factory=list)


def uri_matches(trigger: TriggerContentUri, uri: str) -> bool:
    if uri == trigger.uri:
        return True
    return trigger.notify_for_descendants and uri.startswith(trigger.uri.rstrip("/") + "/")


class ContentTriggers:
    """The armed content watches of the tracked jobs."""

    def __init__(self, clock: VirtualClock, jobs: Mapping[JobKey, JobStatus], on_trigger: Callable[[], None]) -> None:
        self._clock = clock
        self._jobs = jobs
        self._on_trigger = on_trigger
        self.watches: dict[JobKey, ContentWatch] = {}

    def notify_change(self, uri: str, now: int) -> None:
        """A content provider's ``notifyChange(uri)``."""
        for js in list(self._jobs.values()):
            if not any(uri_matches(t, uri) for t in js.job.trigger_content_uris):
                continue
            if uri not in js.changed_uris:
                js.changed_uris.append(uri)
            authority = uri.split("://", 1)[-1].split("/", 1)[0]
            if authority not in js.changed_authorities:
                js.changed_authorities.append(authority)
            self._arm(js, now)

    def forget(self, key: JobKey) -> None:
        watch = self.watches.pop(key, None)
        if watch is not None and watch.timer is not None:
            watch.timer.cancel()

    def _arm(self, js: JobStatus, now: int) -> None:
        watch = self.watches.get(js.key)
        if watch is None:
            watch = ContentWatch(now)
            self.watches[js.key] = watch
        if watch.timer is not None:
            watch.timer.cancel()
        update = js.job.trigger_content_update_delay_ms
        update = DEFAULT_TRIGGER_UPDATE_DELAY if update < 0 else update
        max_delay = js.job.trigger_content_max_delay_ms
        max_delay = DEFAULT_TRIGGER_MAX_DELAY if max_delay < 0 else max_delay
        fire = min(now + update, watch.first_change_ms + max_delay)
        key = js.key

        def trigger() -> None:
            self.watches.pop(key, None)
            target = self._jobs.get(key)
            if target is not None:
                target.content_triggered = True
                self._on_trigger()

        watch.timer = self._clock.call_later(max(0, fire - now) / 1000, trigger)
