"""An interrupted ``enqueue`` leaves no orphan inbox file (issue 17 item 3).

A bulk request goes through the helper's inbox (PROTOCOL.md §2.3): ``run-as … cat >
files/inbox/NAME``, then ``am broadcast … --es req_file NAME``; the helper deletes the file when
it takes the request. If the connection is lost between the two, the file stays. Two cleanups:
the same ``Helper`` removes it on its next call; and the helper itself removes inbox files older
than 15 minutes at its start and whenever it takes an inbox request (for a host that never
comes back).
"""

from __future__ import annotations

import pytest

from bridge.errors import JobctlError
from bridge.helper import Helper
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.jobs import Session
from bridge.model import JobSpec, WorkItem
from jobctl_sim.faults import CommandFault, FaultAction
from jobctl_sim.harness import SimHarness

HOUR_MS = 3_600_000
ITEMS = [WorkItem(f"item-{n:04d}") for n in range(300)]  # far above the 3000-byte inline limit
LIST_INBOX = f"run-as {HELPER_PACKAGE} ls -a files/inbox"


def _inbox(helper: Helper) -> list[str]:
    listing = helper.device.shell(LIST_INBOX).text.split()
    return [name for name in listing if name not in (".", "..")]


def _arm(sim: SimHarness, fault: CommandFault) -> None:
    sim.run(lambda: sim.devices[0].faults.arm(fault))


def test_an_enqueue_cut_after_the_inbox_write_leaves_no_file_after_the_next_call(
        session: Session, sim: SimHarness) -> None:
    _arm(sim, CommandFault(FaultAction.DROP_BEFORE, "--es req_file"))
    with pytest.raises(JobctlError):
        session.enqueue(JobSpec(61, min_latency_ms=HOUR_MS), ITEMS)
    assert [f.kind for f in sim.devices[0].faults.fired] == ["drop-before"]
    assert len(_inbox(session.helper)) == 1  # the request was written, never named in a broadcast
    assert session.pending() == ()  # the next call (any) ...
    assert _inbox(session.helper) == []  # ... removed it
    assert session.helper.enqueue(JobSpec(61, min_latency_ms=HOUR_MS), ITEMS).enqueued == len(ITEMS)
    assert _inbox(session.helper) == []


def test_an_enqueue_whose_answer_is_lost_leaves_no_file(session: Session, sim: SimHarness) -> None:
    _arm(sim, CommandFault(FaultAction.DROP_AFTER, "--es req_file"))
    with pytest.raises(JobctlError, match="may or may not have taken effect"):
        session.enqueue(JobSpec(62, min_latency_ms=HOUR_MS), ITEMS)
    assert _inbox(session.helper) == []  # the helper took it
    assert [job.job_id for job in session.pending()] == [62]
    assert _inbox(session.helper) == []


def test_the_helper_removes_orphans_older_than_15_minutes_left_by_a_host_that_never_came_back(
        session: Session, sim: SimHarness) -> None:
    _arm(sim, CommandFault(FaultAction.DROP_BEFORE, "--es req_file"))
    with pytest.raises(JobctlError):
        Helper(session.device).enqueue(JobSpec(63, min_latency_ms=HOUR_MS), ITEMS)  # that host is gone
    [orphan] = _inbox(session.helper)
    device = sim.devices[0]
    helper_app = device.android.apps[HELPER_PACKAGE]
    inbox_dir = f"{helper_app.files_dir()}/inbox"

    def leave_files() -> None:
        old = int(device.clock.wall_time()) - 16 * 60
        device.fs.set_times(f"{inbox_dir}/{orphan}", mtime=old)
        device.fs.write_bytes(f"{inbox_dir}/req-cut.tmp", b'{"v":1,"cmd":"enq', mtime=old, uid=helper_app.uid)
        device.fs.write_bytes(f"{inbox_dir}/req-in-flight", b"{}", uid=helper_app.uid)  # another host's, fresh

    sim.run(leave_files)
    assert Helper(session.device).enqueue(JobSpec(65, min_latency_ms=HOUR_MS), ITEMS).enqueued == len(ITEMS)
    assert _inbox(session.helper) == ["req-in-flight"]
