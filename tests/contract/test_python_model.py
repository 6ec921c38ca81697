"""Every contract vector (tests/contract/*.json) against the Python model of the helper.

Mirrors ``android-helper/test/dev/jobctl/helper/testing/ContractRunner.java`` and its fakes
(``FakeScheduler``, ``FakePacer``, ``FakeJobSession``, ``FakeClock``) as
``tests/contract/README.md`` describes them: a fake clock, an in-memory scheduler with the
README's rules, scripts run to their end on the fake clock, and a check that the logcat lines of
each step are the journal's PROTOCOL.md §5.4 messages (and the step's ``expect_logcat``, if any).
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from jobctl_sim.apps.helper import jsonio
from jobctl_sim.apps.helper.commands import CommandHandler, PendingJob
from jobctl_sim.apps.helper.inbox import Inbox
from jobctl_sim.apps.helper.journal import DEFAULT_SEGMENT_MAX_EVENTS, Journal
from jobctl_sim.apps.helper.protocol import COMMAND_ACTION, UNKNOWN_UID, Fields
from jobctl_sim.apps.helper.scripts import DequeuedWork, JobRun, JobStartFacts
from jobctl_sim.apps.helper.spec import JobSpec, WorkItemSpec, parse_spec
from jobctl_sim.framework.shell_command import IllegalArgumentException, IllegalStateException
from jobctl_sim.native.clock import VirtualClock
from jobctl_sim.native.fs import MemoryFileSystem

VECTORS = sorted(Path(__file__).parent.glob("*.json"))
OWN_UID = 10123
FILES = "/data/data/dev.jobctl.helper/files"
MAX_JOBS = 150
MIN_PERIOD_MS = 15 * 60 * 1000
MIN_FLEX_MS = 5 * 60 * 1000


class Mismatch(AssertionError):
    pass


# --------------------------------------------------------------------------- fakes
@dataclass
class FakeClock:
    elapsed: int
    wall: int

    def elapsed_ms(self) -> int:
        return self.elapsed

    def wall_ms(self) -> int:
        return self.wall

    def advance(self, ms: int) -> None:
        self.elapsed += ms
        self.wall += ms


@dataclass(eq=False)
class Item:
    spec: WorkItemSpec
    delivery_count: int = 0


@dataclass(eq=False)
class Job:
    spec: JobSpec
    queue: deque[Item] = field(default_factory=deque)


@dataclass(frozen=True)
class Built:
    spec: JobSpec


def _positive(value: int | None) -> bool:
    return value is not None and value > 0


class FakeScheduler:
    """README "The fake scheduler" (FakeScheduler.java)."""

    def __init__(self, api_level: int, failing: set[int]) -> None:
        self._api = api_level
        self._failing = failing
        self.jobs: dict[tuple[str | None, int], Job] = {}

    @property
    def api_level(self) -> int:
        return self._api

    def preload(self, first_id: int, count: int) -> None:
        for job_id in range(first_id, first_id + count):
            self.jobs[(None, job_id)] = Job(parse_spec(Fields({"job_id": job_id}, "spec")))

    def build(self, spec: JobSpec) -> Built:
        periodic = spec.periodic_interval_ms is not None
        rules = [
            (spec.requires_device_idle and spec.backoff_initial_ms is not None,
             "An idle mode job will not respect any back-off policy, so calling setBackoffCriteria with "
             "setRequiresDeviceIdle is an error."),
            ((_positive(spec.estimated_download_bytes) or _positive(spec.estimated_upload_bytes)
              or _positive(spec.min_chunk_bytes)) and not spec.has_network,
             "Can't provide estimated network usage without requiring a network"),
            (periodic and _positive(spec.override_deadline_ms), "Can't call setOverrideDeadline() on a periodic job."),
            (periodic and _positive(spec.min_latency_ms), "Can't call setMinimumLatency() on a periodic job"),
            (spec.persisted and bool(spec.trigger_uris), "Can't call addTriggerContentUri() on a persisted job"),
            (spec.expedited and _positive(spec.min_latency_ms), "An expedited job cannot have a time delay"),
            (spec.expedited and periodic, "An expedited job cannot be periodic"),
            (spec.user_initiated and not spec.has_network,
             "A user-initiated data transfer job must specify a valid network type"),
        ]
        for broken, message in rules:
            if broken:
                raise IllegalArgumentException(message)
        return Built(spec)

    def _check_limit(self) -> None:
        if len(self.jobs) > MAX_JOBS:
            raise IllegalStateException(f"Apps may not schedule more than {MAX_JOBS} distinct jobs")

    def schedule(self, built: Built) -> int:
        self._check_limit()
        if built.spec.job_id in self._failing:
            return 0
        self.jobs[(built.spec.namespace, built.spec.job_id)] = Job(built.spec)
        return 1

    def enqueue(self, built: Built, item: WorkItemSpec) -> int:
        spec = built.spec
        implies_network = _positive(item.estimated_download_bytes) or _positive(item.estimated_upload_bytes)
        if implies_network and not spec.has_network:
            raise IllegalArgumentException(
                "JobWorkItem implies network usage but job doesn't specify a network constraint")
        self._check_limit()
        if spec.job_id in self._failing:
            return 0
        key = (spec.namespace, spec.job_id)
        job = self.jobs.get(key)
        if job is None or jsonio.write(job.spec.raw) != jsonio.write(spec.raw):
            job = Job(spec)
            self.jobs[key] = job
        job.queue.append(Item(item))
        return 1

    def cancel(self, namespace: str | None, job_id: int) -> None:
        self.jobs.pop((namespace, job_id), None)

    def cancel_all(self, namespace: str | None) -> None:
        for key in [k for k in self.jobs if k[0] == namespace]:
            del self.jobs[key]

    def cancel_in_all_namespaces(self) -> None:
        self.jobs.clear()

    def pending_jobs(self, namespace: str | None, all_namespaces: bool) -> list[PendingJob]:
        return [self._describe(j.spec) for k, j in self.jobs.items() if all_namespaces or k[0] == namespace]

    def pending_reason(self, namespace: str | None, job_id: int) -> int:
        """FakeScheduler.java: a known job is UNDEFINED (0), an unknown one INVALID_JOB_ID (-2)."""
        return 0 if any(k[0] == namespace and j.spec.job_id == job_id for k, j in self.jobs.items()) else -2

    def pending_reasons(self, namespace: str | None, job_id: int) -> list[int]:
        return [self.pending_reason(namespace, job_id)]

    def pending_reasons_history(self, namespace: str | None, job_id: int) -> list[tuple[int, list[int]]]:
        self._known(namespace, job_id)
        return []

    def pending_reason_stats(self, namespace: str | None, job_id: int) -> dict[int, int]:
        self._known(namespace, job_id)
        return {}

    def _known(self, namespace: str | None, job_id: int) -> None:
        """FakeScheduler.java: the history and stats of an unknown job throw as the platform does."""
        if self.pending_reason(namespace, job_id) == -2:
            raise IllegalArgumentException("Invalid job id" if self._api < 37 else
                                           f"Job not found for uid={OWN_UID}, namespace="
                                           f"{'null' if namespace is None else namespace}, jobId={job_id}")

    def _describe(self, spec: JobSpec) -> PendingJob:
        api = self._api
        periodic = spec.periodic_interval_ms is not None
        interval = flex = 0
        if spec.periodic_interval_ms is not None:
            interval = max(spec.periodic_interval_ms, MIN_PERIOD_MS)
            raw_flex = interval if spec.periodic_flex_ms is None else spec.periodic_flex_ms
            flex = min(max(raw_flex, max(MIN_FLEX_MS, interval * 5 // 100)), interval)
        return PendingJob(
            job_id=spec.job_id,
            namespace=spec.namespace,
            pending_reason=0 if api >= 34 else None,
            periodic=periodic,
            interval_ms=interval,
            flex_ms=flex,
            min_latency_ms=spec.min_latency_ms or 0,
            override_deadline_ms=spec.override_deadline_ms or 0,
            persisted=spec.persisted,
            expedited=spec.expedited if api >= 31 else None,
            user_initiated=spec.user_initiated if api >= 34 else None,
            prefetch=spec.prefetch if api >= 28 else None,
            priority=(spec.priority if spec.priority is not None else
                      (500 if spec.expedited or spec.user_initiated else 300)) if api >= 33 else None,
            requires_network=spec.has_network,
            estimated_download_bytes=(-1 if spec.estimated_download_bytes is None else spec.estimated_download_bytes)
            if api >= 28 else None,
            estimated_upload_bytes=(-1 if spec.estimated_upload_bytes is None else spec.estimated_upload_bytes)
            if api >= 28 else None,
        )


class FakeSession:
    """FakeJobSession.java: a running job's view of the fake queue."""

    def __init__(self, job: Job, api_level: int) -> None:
        self._job = job
        self._api = api_level
        self.active: list[Item] = []
        self.finished_with_reschedule: bool | None = None

    def dequeue_work(self) -> DequeuedWork | None:
        if not self._job.queue:
            return None
        item = self._job.queue.popleft()
        item.delivery_count += 1
        self.active.append(item)
        return DequeuedWork(item.spec.tag, item.delivery_count, item.spec.script.to_item_json(), item)

    def complete_work(self, work: DequeuedWork) -> None:
        if work.platform_item not in self.active:
            raise IllegalArgumentException(f"Given work is not active: {work.tag}")
        self.active.remove(work.platform_item)

    def report_transferred(self, work: DequeuedWork | None, down: int, up: int) -> bool:
        return self._api >= 34

    def report_estimated(self, work: DequeuedWork | None, down: int, up: int) -> bool:
        return self._api >= 34

    def job_finished(self, reschedule: bool) -> None:
        self.finished_with_reschedule = reschedule

    def post_notification(self) -> None:
        return None

    def abandon(self) -> None:
        """FakeJobSession.abandon: the fake platform only records it."""
        self.abandoned = True

    def end_run(self) -> None:
        for item in reversed(self.active):
            self._job.queue.appendleft(item)
        self.active.clear()


class FakePacer:
    """FakePacer.java: waits advance the fake clock; a scheduled stop is delivered when reached."""

    def __init__(self, clock: FakeClock, stop_at: int | None, reason: int | None) -> None:
        self._clock = clock
        self._stop_at = stop_at
        self._reason = reason
        self.run: JobRun | None = None
        self._delivered = False
        self.stop_returned: bool | None = None

    async def wait(self, ms: int) -> bool:
        if self._delivered:
            return False
        if self._stop_at is not None and self._clock.elapsed + ms >= self._stop_at:
            self._deliver()
            return False
        self._clock.advance(ms)
        return True

    async def wait_for_stop(self) -> None:
        if self._stop_at is None:
            raise Mismatch("script holds but the vector schedules no stop")
        if not self._delivered:
            self._deliver()

    async def checkpoint(self) -> None:
        return None

    def wake(self) -> None:
        self._delivered = True

    def _deliver(self) -> None:
        assert self._stop_at is not None and self.run is not None
        self._clock.advance(max(0, self._stop_at - self._clock.elapsed))
        self.stop_returned = self.run.stop(self._reason)


# --------------------------------------------------------------------------- runner
DEFAULT_VECTOR_EPOCH = "0123456789abcdef"
"""README: the journal epoch a vector's helper finds on disk unless ``journal.epoch`` says otherwise."""


class Runner:
    def __init__(self, vector: dict[str, Any]) -> None:
        self.vector = vector
        clock = vector.get("clock") or {}
        self.clock = FakeClock(clock.get("elapsed_ms", 1000), clock.get("wall_ms", 1_700_000_000_000))
        self.segment_max = (vector.get("journal") or {}).get("segment_max_events", DEFAULT_SEGMENT_MAX_EVENTS)
        scheduler = vector.get("scheduler") or {}
        api = (vector.get("device") or {}).get("api_level", 34)
        self.scheduler = FakeScheduler(api, set(scheduler.get("result_failure_job_ids") or []))
        preload = scheduler.get("preload_jobs")
        if preload:
            self.scheduler.preload(preload["first_id"], preload["count"])
        self.fs = MemoryFileSystem(VirtualClock())
        self.fs.mkdir(FILES, parents=True)
        # README: the journal's epoch file holds journal.epoch before the helper first starts
        epoch = (vector.get("journal") or {}).get("epoch", DEFAULT_VECTOR_EPOCH)
        self.fs.mkdir(f"{FILES}/journal", parents=True)
        self.fs.write_bytes(f"{FILES}/journal/epoch", f"{epoch}\n".encode("ascii"))
        self.lines: list[str] = []
        self.open_process()

    def open_process(self) -> None:
        """A (re)started helper process: the journal is reopened from disk."""
        self.journal = Journal(self.fs, f"{FILES}/journal", OWN_UID, self.clock, self.lines.append, self.segment_max)
        inbox = Inbox(self.fs, f"{FILES}/inbox", f"{FILES}/outbox", OWN_UID)
        self.inbox = inbox
        self.handler = CommandHandler(self.scheduler, self.journal, inbox)

    async def run(self) -> None:
        for index, step in enumerate(self.vector["steps"]):
            await self.step(step, f"step {index}")

    async def step(self, step: dict[str, Any], where: str) -> None:
        from_seq = self.journal.next_seq
        line_from = len(self.lines)
        response = None
        if any(k in step for k in ("request", "request_raw", "request_file")):
            response = self.request(step)
        elif "run_job" in step:
            await self.run_job(step["run_job"])
        elif "advance_ms" in step:
            self.clock.advance(step["advance_ms"])
        elif step.get("restart"):
            self.open_process()
        else:
            raise Mismatch(f"{where}: unknown step kind")
        events = list(self.journal.read(from_seq, 1 << 62).events)
        live = self.lines[line_from:]
        expected = [expected_live_message(e) for e in events]
        if live != expected:
            raise Mismatch(f"{where}: logcat lines {live} differ from the journal's §5.4 messages {expected}")
        if "expect_logcat" in step:
            _expect(f"{where} logcat", step["expect_logcat"], live)
        if response is not None:
            _expect(f"{where} response", step.get("expect_response"), response)
        _expect(f"{where} events", step.get("expect_events", []), events)

    def request(self, step: dict[str, Any]) -> Any:
        for name, content in (step.get("inbox") or {}).items():
            text = content if isinstance(content, str) else jsonio.write(content)
            self.fs.write_bytes(f"{FILES}/inbox/{name}", text.encode("utf-8"), make_parents=True)
        inline = None
        if step.get("request") is not None:
            inline = jsonio.write(step["request"])
        elif step.get("request_raw") is not None:
            inline = step["request_raw"]
        broadcast = step.get("broadcast") or {}
        response = self.handler.handle_broadcast(
            broadcast.get("action", COMMAND_ACTION), broadcast.get("sender_uid", UNKNOWN_UID), OWN_UID,
            inline, step.get("request_file"),
        )
        parsed = jsonio.parse(response.json)
        if response.result_code != (1 if parsed["ok"] else 2):
            raise Mismatch(f"result code {response.result_code} disagrees with {response.json}")
        return parsed

    async def run_job(self, spec: dict[str, Any]) -> None:
        api = self.scheduler.api_level
        namespace = spec.get("namespace")
        job_id = spec["job_id"]
        job = self.scheduler.jobs.get((namespace, job_id))
        if job is None:
            raise Mismatch(f"run_job: no such job {namespace}/{job_id}")
        params = spec.get("params") or {}
        uris = params.get("triggered_uris")
        auths = params.get("triggered_authorities")
        facts = JobStartFacts(
            job_id=job_id,
            namespace=namespace if api >= 34 else None,
            expedited=job.spec.expedited if api >= 31 else None,
            user_initiated=job.spec.user_initiated if api >= 34 else None,
            network=params.get("network") if api >= 28 else None,
            triggered_uris=None if uris is None else tuple(uris),
            triggered_authorities=None if auths is None else tuple(auths),
            override_deadline_expired=bool(params.get("override_deadline_expired", False)),
            script_json=job.spec.script.to_job_json(),
        )
        stop = spec.get("stop")
        stop_at = None if stop is None else self.clock.elapsed + stop["at_ms"]
        reason = None if stop is None or api < 31 else stop["reason"]
        pacer = FakePacer(self.clock, stop_at, reason)
        session = FakeSession(job, api)
        run = JobRun(self.journal, facts, session, pacer)
        pacer.run = run
        run.start()
        await run.execute()
        session.end_run()
        if pacer.stop_returned is not None:
            reschedule = pacer.stop_returned
        else:
            reschedule = session.finished_with_reschedule is True
        if not reschedule and job.spec.periodic_interval_ms is None and not job.queue:
            self.scheduler.jobs.pop((job.spec.namespace, job_id), None)


def expected_live_message(event: dict[str, Any]) -> str:
    """README: the runner's own statement of PROTOCOL.md §5.4 (not the model's code): the journal
    line, or the ``log_truncated`` stand-in above 4000 bytes or for an event carrying job extras."""
    line = jsonio.write(event)
    spec = event.get("spec")
    extras = isinstance(spec, dict) and any(
        isinstance(spec.get(key), dict) and len(spec[key]) > 0 for key in ("extras", "transient_extras"))
    if len(line) <= 4000 and not extras:
        return line
    return jsonio.write({key: event[key] for key in ("seq", "elapsed_ms", "wall_ms", "kind")}
                        | {"log_truncated": True, "epoch": event["epoch"]})


def _expect(what: str, expected: Any, actual: Any) -> None:
    want, got = jsonio.write(expected), jsonio.write(actual)
    if want != got:
        raise Mismatch(f"{what}\n  expected: {want}\n  actual:   {got}")


def test_vectors_exist() -> None:
    assert len(VECTORS) >= 17, "the contract vectors are missing"


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_vector(path: Path) -> None:
    vector = jsonio.parse(path.read_text(encoding="utf-8"))
    asyncio.run(Runner(vector).run())


def test_vectors_are_canonical_integers_only() -> None:
    """README: numbers in vectors are integers only."""
    for path in VECTORS:
        def walk(value: Any, path: Path = path) -> None:
            assert not isinstance(value, float), f"{path.name}: float {value}"
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(json.loads(path.read_text(encoding="utf-8")))
