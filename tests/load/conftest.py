"""Helpers for the load tests: fleets with their own clock speed, ready sessions, and readbacks
of everything inside a virtual device that must stay bounded or return to where it was.

The footprint is read on the devices' own event loop (``SimHarness.call``), so it sees the model
between two of its steps, never in the middle of one.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.device import connect
from bridge.jobs import Session
from bridge.model import EventKind, JobEvent
from jobctl_sim.harness import SimHarness
from jobctl_sim.fleet import FleetSpec

T = TypeVar("T")

HELPER_FILES = f"/data/data/{HELPER_PACKAGE}/files"


@contextmanager
def running_fleet(adb: PrivateAdbServer, spec: FleetSpec) -> Iterator[SimHarness]:
    """Virtual devices of ``spec`` connected to the private adb server; stopped on exit."""
    harness = SimHarness(spec).start()
    try:
        harness.connect(adb.server)
        yield harness
    finally:
        harness.stop()


LOAD_HISTORY_LIMIT = 100_000
"""Enough for 10,000 work items (two events each) and a soak's events, all checked one by one."""


@pytest.fixture
def session(adb: PrivateAdbServer, serial: str) -> Iterator[Session]:
    """The suite's ``session`` fixture, keeping every event (:data:`LOAD_HISTORY_LIMIT`)."""
    opened = ready_session(serial, adb)
    try:
        with opened.conditions.snapshot():
            yield opened
    finally:
        opened.close()


def ready_session(serial: str, adb: PrivateAdbServer) -> Session:
    """A session on ``serial`` with the helper out of the NEVER bucket (as the suite's fixture),
    keeping every event of a load test (more than the default history of the last 10,000)."""
    session = Session(connect(serial, adb.server), history_limit=LOAD_HISTORY_LIMIT)
    session.helper.leave_never_bucket()
    return session


def wait_for(read: Callable[[], T], done: Callable[[T], bool], timeout: float, what: str,
             interval: float = 0.02) -> T:
    """Read until ``done(value)``; fail with the last value after ``timeout`` real seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {value!r} after {timeout:g} s")
        time.sleep(interval)


def wait_delivered(session: Session, seq: int, timeout: float = 30.0) -> list[JobEvent]:
    """Every event up to ``seq`` (inclusive) has reached the session's log; the log then."""
    session.log.wait_for(lambda e: e.seq >= seq, timeout, what=f"event {seq}")
    return session.log.snapshot()


def journal_next_seq(session: Session) -> int:
    """The next seq the helper will write (the ``info`` command; it writes no event)."""
    return session.helper.info().journal_next_seq


def assert_consecutive(events: list[JobEvent]) -> None:
    seqs = [e.seq for e in events]
    gaps = [(a, b) for a, b in itertools.pairwise(seqs) if b != a + 1]
    assert not gaps, f"the event stream skipped or repeated seqs: {gaps[:5]}"


def drain_stream_errors(session: Session) -> list[BaseException]:
    """Errors the session's EventStream queued (e.g. EventsDroppedError); its events are in the log."""
    errors: list[BaseException] = []
    while True:
        try:
            item = session.events.get(timeout=0)
        except Exception as error:
            errors.append(error)
            continue
        if item is None:
            return errors


def kinds(events: list[JobEvent], *wanted: EventKind) -> list[JobEvent]:
    return [e for e in events if e.kind in wanted]


def footprint(sim: SimHarness, index: int = 0) -> dict[str, int]:
    """Sizes of the virtual device's collections, its server's connections and the loop's tasks."""

    async def read() -> dict[str, int]:
        server = sim.servers[index]
        device = server.device
        system = device.android
        jobs = system.jobs
        helper = system.apps[HELPER_PACKAGE]
        process = getattr(helper, "_process", None)
        helper_uid = system.packages.get(HELPER_PACKAGE).uid
        fs = device.fs

        def files(path: str) -> int:
            return len(fs.listdir(path)) if fs.is_dir(path) else 0

        def lines(path: str) -> int:
            return fs.read_bytes(path).count(b"\n") if fs.exists(path) else 0

        loop = asyncio.get_running_loop()
        scheduled = getattr(loop, "_scheduled", [])
        return {
            "logcat entries": len(device.log.entries()),
            "logcat waiters": device.log.waiters,
            "executed argv": len(device.executed),
            # the helper's jobs: the boot population's own come and go (a post-boot dexopt runs once)
            "jobs": sum(1 for key in jobs.jobs if key[0] == helper_uid),
            "pending": len(jobs.pending),
            "active": len(jobs.active),
            "jobscheduler history": len(jobs.history),
            "recently completed": len(jobs.completed),
            "quota sessions": sum(len(s) for s in jobs.quota_used.values()),
            "content watches": len(jobs.content.watches),
            "helper running jobs": len(process.running) if process is not None else 0,
            "journal events": lines(f"{HELPER_FILES}/journal/previous.jsonl")
            + lines(f"{HELPER_FILES}/journal/current.jsonl"),
            "inbox files": files(f"{HELPER_FILES}/inbox"),
            "outbox files": files(f"{HELPER_FILES}/outbox"),
            "fs bytes": fs.used_bytes,
            "processes": len(system.activity.processes),
            "system listeners": len(system._listeners),
            "command observers": len(device.command_observers),
            "connections": len(server.connections),
            "server tasks": len(server._tasks),
            "open streams": sum(len(c.streams) for c in server.connections),
            "connection tasks": sum(len(c.tasks) for c in server.connections),
            "loop tasks": len(asyncio.all_tasks()),
            "loop timers": sum(1 for handle in scheduled if not handle.cancelled()),
        }

    return sim.call(read())


def event_threads() -> set[threading.Thread]:
    """The live reader threads of jobctl's event streams in this process (compare sets taken
    before and after: threads other tests left behind may end in between)."""
    return {t for t in threading.enumerate() if t.name.startswith("jobctl-events")}

