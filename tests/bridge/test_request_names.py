"""Request ids, and the inbox and reply file names made from them, are unique across hosts and
process-id namespaces (issue 17 item 4): two containers both running jobctl as pid 1 drive one
device, and each one's work reaches its own job.

The files live on the device (``files/inbox/NAME``, ``files/outbox/NAME``), shared by everyone
driving it; an id made from the pid alone (``h-1-1`` in both containers) let the second writer
overwrite the first's inbox file, so one run reported success while its items went to the
other's job.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import CommandResult, Device, find_device
from bridge.helper import Helper
from bridge.helper_protocol import INBOX_NAME, EnqueueResult
from bridge.helper_protocol.requests import REQUEST_RANDOM_BYTES, new_request_id
from bridge.model import EventKind, JobSpec, WorkItem

HOUR_MS = 3_600_000


def test_two_helpers_in_processes_with_the_same_pid_make_different_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "getpid", lambda: 1)
    first, second = Helper.__new__(Helper), Helper.__new__(Helper)
    for helper in (first, second):
        Helper.__init__(helper, device=None)  # type: ignore[arg-type]  # ids need no device
    ids = [first._next_id(), second._next_id(), first._next_id(), second._next_id()]
    assert len(set(ids)) == 4
    assert all(INBOX_NAME.match(f"req-{i}") and INBOX_NAME.match(f"reply-{i}") for i in ids)


def test_ids_carry_a_host_tag_fresh_randomness_and_the_callers_sequence() -> None:
    ids = [new_request_id(7) for _ in range(1000)]
    assert len(set(ids)) == 1000  # fresh randomness each time: a forked process does not repeat its parent
    prefix, host, random, sequence = ids[0].split("-")
    assert (prefix, sequence) == ("h", "7")
    assert len(host) == 6 and len(random) == 2 * REQUEST_RANDOM_BYTES
    assert len(f"reply-{ids[0]}") <= 64  # PROTOCOL.md §2.3: inbox/outbox names are 1..64 characters


class InboxRace(Device):
    """A device whose inbox writes wait for each other: both processes' request files are on the
    device before either broadcast names its file (the interleaving that lost work)."""

    def __init__(self, server: object, serial: str, barrier: threading.Barrier) -> None:
        super().__init__(server, find_device(serial, server))  # type: ignore[arg-type]
        self.barrier = barrier

    def shell(self, command: str | Sequence[str], **kwargs: Any) -> CommandResult:
        result = super().shell(command, **kwargs)
        if isinstance(command, str) and "cat > files/inbox/" in command:
            self.barrier.wait(30)
        return result


def test_two_processes_with_pid_1_enqueueing_at_once_each_reach_their_own_job(
        monkeypatch: pytest.MonkeyPatch, adb: PrivateAdbServer, serial: str) -> None:
    monkeypatch.setattr(os, "getpid", lambda: 1)  # both "containers" run jobctl as pid 1
    barrier = threading.Barrier(2)
    work = {31: [WorkItem(f"a-{n:03d}") for n in range(300)], 32: [WorkItem(f"b-{n:03d}") for n in range(200)]}
    results: dict[int, EnqueueResult | BaseException] = {}

    def enqueue(job_id: int) -> None:
        helper = Helper(InboxRace(adb.server, serial, barrier))
        try:
            results[job_id] = helper.enqueue(JobSpec(job_id, min_latency_ms=HOUR_MS), work[job_id])
        except BaseException as error:  # reported below
            results[job_id] = error
            barrier.abort()

    threads = [threading.Thread(target=enqueue, args=(job_id,)) for job_id in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert {job_id: (r.job_id, r.enqueued) if isinstance(r, EnqueueResult) else r
            for job_id, r in results.items()} == {31: (31, 300), 32: (32, 200)}
    journal = Helper(Device(adb.server, find_device(serial, adb.server))).read_journal(1)
    enqueued = {e.job_id: e.fields["count"] for e in journal.events if e.kind is EventKind.ENQUEUED}
    assert enqueued == {31: 300, 32: 200}
