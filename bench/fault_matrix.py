"""The reliability matrix: events and conditions under every fault a desk produces, in one table.

Everything is real but the phone: one private adb server (never 5037), one virtual device served
in this process (its fault injector, :mod:`jobctl_sim.faults`, is within reach), ``jobctl`` and
Python programs as subprocesses.

**Events.** Each fault row opens a fresh :class:`~bridge.jobs.Session` at the journal's next
``seq``, makes events on both sides of the fault -- jobs scheduled through adb and by the app
itself (no adb involved, so it journals while the host is cut off) -- then a marker, and waits
for the session to deliver every event the device journaled. The helper's journal is the truth
(read with ``run-as`` after the row; before a ``pm clear`` too, which wipes it): an event counts
by its ``(epoch, seq)`` and must match the journal's kind, job and time.

* expected: events the journal holds for the row; delivered: of those, delivered at least once;
* lost: journaled, never delivered; duplicated: delivered again after the first time;
* forged accepted: delivered but not what the journal holds (a line some other writer forged).

Faults: the adb link dropped (every connection closed: a pulled cable), slowed (each command
delayed), the live ``logcat`` stream cut mid-output, answers lost after the command ran, the adb
server restarted, the device rebooted, the helper's process killed by the low-memory killer, the
helper's data cleared (``pm clear``) while watching, a log storm that prunes the buffer, and
``jobctl``-tagged lines forged from the shell (``log -t jobctl``), from another app's uid
(``run-as com.example.jobctl.sample``, the device's debuggable sample app) and from the helper's
own uid in another process (``run-as`` the helper).

**Conditions** (:mod:`bench.fault_signals`): SIGINT, SIGTERM and SIGHUP to a ``jobctl device …``
command and to a Python program inside ``Conditions.snapshot()``, and two snapshots at once;
counted: conditions that differ between a full readback before and after.

    python bench/fault_matrix.py [--quick] [--json] [--events N] [--trials N]

``--quick`` (about 30 s) makes fewer events per row and one trial per signal; every row is kept.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as ``python bench/fault_matrix.py``
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fault_signals import SignalRow, signal_rows
from bench.script import run_script
from bridge.adb.private import PrivateAdbServer
from bridge.device import Device, connect
from bridge.errors import JobctlError
from bridge.helper import Helper
from bridge.helper_protocol import HELPER_PACKAGE, schedule_request
from bridge.jobs import Session
from bridge.model import JobEvent, JobSpec
from jobctl_sim.apps.sample import PACKAGE as SAMPLE_PACKAGE
from jobctl_sim.faults import CommandFault, FaultAction
from jobctl_sim.harness import SimHarness

HOUR_MS = 3_600_000
"""A delay that keeps every job of the matrix pending."""
CATCH_UP_S = 60.0
"""How long a row waits for the session to deliver what the journal holds."""

EventKey = tuple[str | None, int]


@dataclass(frozen=True)
class Settings:
    events: int
    """Events made on each side of a fault (half through adb, half by the app itself)."""
    forged: int
    """Lines forged per forging row."""
    trials: int
    """Runs of each signal row."""


FULL = Settings(events=20, forged=10, trials=2)
QUICK = Settings(events=2, forged=2, trials=1)


@dataclass(frozen=True)
class EventRow:
    fault: str
    expected: int
    delivered: int
    lost: int
    duplicated: int
    forged_sent: int
    forged_accepted: int
    failed_calls: int
    """Host calls the fault made fail (``OutcomeUnknownError`` and the like): expected, not counted as loss."""
    evidence: str
    """That the fault happened: what the device's injector fired, lines the stream refused, epochs seen."""
    marker_ms: float | None
    """From the app journaling the row's last event (after the fault) to the session delivering it
    (None: not within :data:`CATCH_UP_S`)."""
    seconds: float


@dataclass
class Bench:
    """What every row runs on: the adb server, the virtual device and its serial."""

    adb: PrivateAdbServer
    sim: SimHarness
    serial: str
    settings: Settings
    next_job: int = 1

    @property
    def device(self) -> Device:
        return connect(self.serial, self.adb.server)

    def job_ids(self, count: int) -> list[int]:
        ids = list(range(self.next_job, self.next_job + count))
        self.next_job += count
        return ids

    def inside(self, job_id: int) -> None:
        """The app schedules a job by itself, on the device's loop: no adb involved."""
        def schedule() -> None:
            android = self.sim.devices[0].android
            app = None if android is None else android.apps.get(HELPER_PACKAGE)
            if app is not None:  # not while the device reboots: then nothing is journaled either
                app.handle_request(schedule_request(JobSpec(job_id, min_latency_ms=HOUR_MS)).to_json())

        self.sim.loop.call_soon_threadsafe(schedule)


class Row:
    """One event row: a session from the journal's next seq, the events it sees, the journal's truth."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        helper = Helper(bench.device)
        start = helper.read_journal(1)
        self.epoch = start.epoch
        self.start_seq = start.whole[-1].seq + 1 if start.whole else 1
        self.session = Session(bench.device, from_seq=self.start_seq, epoch=self.epoch)
        self.truth: dict[EventKey, JobEvent] = {}
        self.failed_calls = 0
        self.forged_sent = 0
        self.marker_latency: float | None = None
        self.fired_before = bench.sim.run(lambda: len(bench.sim.devices[0].faults.fired))
        self.replugs_before = sum(cable.replugs for cable in bench.sim.cables)
        _ = self.session.log  # the stream starts now, before anything happens

    def make_events(self, count: int) -> None:
        """``count`` events: every other one scheduled through adb, the rest by the app itself."""
        for n, job_id in enumerate(self.bench.job_ids(count)):
            if n % 2:
                self.bench.inside(job_id)
                continue
            try:
                self.session.helper.schedule(JobSpec(job_id, min_latency_ms=HOUR_MS))
            except JobctlError:
                self.failed_calls += 1

    def read_truth(self) -> None:
        """Add what the journal holds for this row (call before a ``pm clear`` too)."""
        readback = self.session.helper.read_journal(1)
        for event in readback.whole:
            if event.epoch == self.epoch and event.seq < self.start_seq:
                continue  # before the row
            self.truth[(event.epoch, event.seq)] = event

    def wait_delivered(self, deadline: float) -> None:
        """Until the session delivered every event of :attr:`truth`, or ``deadline`` (monotonic)."""
        while not self.truth.keys() <= self._delivered_keys() and time.monotonic() < deadline:
            time.sleep(0.01)

    def finish(self, name: str, started: float) -> EventRow:
        """A marker event, then wait until the session delivered everything journaled."""
        self.bench.sim.run(self.bench.sim.devices[0].faults.disarm)
        marker = self.bench.job_ids(1)[0]
        marked = time.monotonic()
        self.bench.inside(marker)
        deadline = marked + CATCH_UP_S
        latency = None
        while latency is None and time.monotonic() < deadline:
            if any(e.job_id == marker for e in self.session.log.snapshot()):
                latency = time.monotonic() - marked
            else:
                time.sleep(0.01)
        while True:
            self.read_truth()
            if any(e.job_id == marker for e in self.truth.values()):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name}: the marker job {marker} never reached the journal")
            time.sleep(0.05)
        self.wait_delivered(deadline)
        self.marker_latency = latency
        delivered = self.session.log.snapshot()
        evidence = self._evidence()
        self.session.close()
        self._cancel_all()
        return self.score(name, delivered, evidence, started)

    def _evidence(self) -> str:
        faults = self.bench.sim.devices[0].faults
        fired = Counter(f.kind for f in self.bench.sim.run(lambda: list(faults.fired))[self.fired_before:])
        notes = [f"{kind} x{count}" for kind, count in sorted(fired.items())]
        replugs = sum(cable.replugs for cable in self.bench.sim.cables) - self.replugs_before
        if replugs:
            notes.append(f"replugged x{replugs}")
        stream = self.session.events
        notes += [f"{count} {reason.value} lines refused" for reason, count in stream.ignored_lines.items() if count]
        if stream.resyncs:
            notes.append(f"{stream.resyncs} journal resyncs")
        epochs = {epoch for epoch, _ in self.truth}
        if len(epochs) > 1:
            notes.append(f"{len(epochs)} journal epochs")
        return ", ".join(notes) or "-"

    def _delivered_keys(self) -> set[EventKey]:
        return {(e.epoch, e.seq) for e in self.session.log.snapshot()}

    def _cancel_all(self) -> None:
        with contextlib.suppress(JobctlError):
            Helper(self.bench.device).cancel_all()

    def score(self, name: str, delivered: list[JobEvent], evidence: str, started: float) -> EventRow:
        seen: set[EventKey] = set()
        duplicated = forged = 0
        for event in delivered:
            key = (event.epoch, event.seq)
            truth = self.truth.get(key)
            if truth is None or (truth.kind, truth.job_id, truth.elapsed_ms) != (event.kind, event.job_id,
                                                                                  event.elapsed_ms):
                forged += 1
                continue
            if key in seen:
                duplicated += 1
            seen.add(key)
        return EventRow(name, len(self.truth), len(seen), len(self.truth.keys() - seen), duplicated,
                        self.forged_sent, forged, self.failed_calls, evidence,
                        None if self.marker_latency is None else round(self.marker_latency * 1000),
                        round(time.monotonic() - started, 1))

    def forge(self, writer: list[str]) -> None:
        """Lines that look exactly like the helper's next events, written by ``writer``."""
        stream = self.session.events
        for n in range(self.bench.settings.forged):
            event: dict[str, Any] = {"seq": stream.next_seq + n, "elapsed_ms": 1, "wall_ms": 2, "kind": "stopped",
                                     "job_id": 1, "namespace": None, "stop_reason": 1, "reschedule": False}
            if stream.epoch is not None:
                event["epoch"] = stream.epoch
            self.bench.device.shell([*writer, "log", "-t", "jobctl", json.dumps(event, separators=(",", ":"))],
                                    check=True)
            self.forged_sent += 1


# ------------------------------------------------------------------ the faults
def _arm(bench: Bench, fault: CommandFault) -> None:
    bench.sim.run(lambda: bench.sim.devices[0].faults.arm(fault))


def _wait_online(bench: Bench, timeout: float = 60) -> None:
    """Until the device answers a shell command again (reboot, restart)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if bench.device.shell(["echo", "up"]).text.strip() == "up":
                return
        except JobctlError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the device did not come back")
        time.sleep(0.2)


def _drop(bench: Bench, row: Row) -> None:
    bench.sim.call(bench.sim.devices[0].faults.drop())


def _delay(bench: Bench, row: Row) -> None:
    _arm(bench, CommandFault(FaultAction.DELAY, "", times=2 * bench.settings.events, delay=0.2))


def _stream_cut(bench: Bench, row: Row) -> None:
    _arm(bench, CommandFault(FaultAction.DROP_MID_OUTPUT, "logcat", after_bytes=300))
    bench.sim.call(bench.sim.devices[0].faults.drop())  # the reader reconnects into the cut


def _answers_lost(bench: Bench, row: Row) -> None:
    _arm(bench, CommandFault(FaultAction.DROP_AFTER, '"cmd":"schedule"', times=2))


def _adb_restart(bench: Bench, row: Row) -> None:
    bench.adb.restart()


def _reboot(bench: Bench, row: Row) -> None:
    bench.sim.run(bench.sim.devices[0].faults.reboot)


def _helper_killed(bench: Bench, row: Row) -> None:
    bench.sim.run(lambda: bench.sim.devices[0].faults.low_memory_kill(HELPER_PACKAGE))


def _pm_clear(bench: Bench, row: Row) -> None:
    # "While watching": the session has seen the events before the clear. An event the clear wipes
    # before any reader saw it exists only as a logcat line nobody can confirm, so it is never
    # believed (bridge.events); on a busy machine the stream's first read can come that late.
    row.read_truth()  # the clear wipes the journal: keep what it held
    row.wait_delivered(time.monotonic() + CATCH_UP_S)
    bench.device.shell(["pm", "clear", HELPER_PACKAGE], check=True)


def _log_storm(bench: Bench, row: Row) -> None:
    def storm() -> None:  # right after an event, in one step of the device: no reader sees it first
        app = bench.sim.devices[0].android.apps[HELPER_PACKAGE]
        app.handle_request(schedule_request(JobSpec(bench.job_ids(1)[0], min_latency_ms=HOUR_MS)).to_json())
        bench.sim.devices[0].faults.overflow_logcat()

    bench.sim.run(storm)


def _forge_shell(bench: Bench, row: Row) -> None:
    row.forge([])


def _forge_other_app(bench: Bench, row: Row) -> None:
    row.forge(["run-as", SAMPLE_PACKAGE])


def _forge_helper_uid(bench: Bench, row: Row) -> None:
    row.forge(["run-as", HELPER_PACKAGE])


Fault = Callable[[Bench, Row], None]
FAULTS: tuple[tuple[str, Fault | None], ...] = (
    ("none (baseline)", None),
    ("adb link dropped (cable pulled)", _drop),
    ("adb link slow (each command +0.2 s)", _delay),
    ("logcat stream cut mid-output", _stream_cut),
    ("answers lost after the command ran", _answers_lost),
    ("adb server restarted", _adb_restart),
    ("device rebooted", _reboot),
    ("helper process killed (lmk)", _helper_killed),
    ("pm clear of the helper while watching", _pm_clear),
    ("log storm prunes the buffer", _log_storm),
    ("forged lines: shell (log -t jobctl)", _forge_shell),
    (f"forged lines: another app (run-as {SAMPLE_PACKAGE})", _forge_other_app),
    ("forged lines: helper uid, other process (run-as)", _forge_helper_uid),
)


def event_row(bench: Bench, name: str, fault: Fault | None) -> EventRow:
    started = time.monotonic()
    row = Row(bench)
    row.make_events(bench.settings.events)
    if fault is not None:
        fault(bench, row)
        row.make_events(bench.settings.events)  # during and after the fault
    if fault in (_adb_restart, _reboot):
        _wait_online(bench)
    return row.finish(name, started)


# ------------------------------------------------------------------ all of it
def measure(settings: Settings) -> tuple[list[EventRow], list[SignalRow], int]:
    """Every row: (event rows, signal rows, the port of the adb server it ran, now stopped)."""
    with PrivateAdbServer() as adb, SimHarness() as sim:
        serial = sim.connect(adb.server)[0]
        bench = Bench(adb, sim, serial, settings)
        Helper(bench.device).ensure_ready()
        Helper(bench.device).leave_never_bucket()
        events = [event_row(bench, name, fault) for name, fault in FAULTS]
        signals = signal_rows(adb, sim, bench.device, settings.trials)
        port = adb.port
    return events, signals, port


def _note(row: EventRow) -> str:
    failed = f"; {row.failed_calls} host call(s) failed" if row.failed_calls else ""
    return row.evidence + failed


def render(events: list[EventRow], signals: list[SignalRow], quick: bool) -> str:
    header = ("fault", "expected", "delivered", "lost", "duplicated", "forged sent", "forged accepted",
              "conditions changed", "last event ms", "note", "s")
    rows = [(r.fault, str(r.expected), str(r.delivered), str(r.lost), str(r.duplicated), str(r.forged_sent),
             str(r.forged_accepted), "-", "-" if r.marker_ms is None else f"{r.marker_ms:.0f}", _note(r),
             f"{r.seconds:.1f}") for r in events]
    rows += [(r.fault, "-", "-", "-", "-", "-", "-", str(r.changed), "-", f"{r.trials}x: {r.note}",
              f"{r.seconds:.1f}") for r in signals]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {1, 2, 3, 4, 5, 6, 7, 8, 10}

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(f"{c:>{widths[i]}}" if i in right else f"{c:<{widths[i]}}" for i, c in enumerate(row)).rstrip()

    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    lines = [line(header), rule, *(line(row) for row in rows[:len(events)]), rule,
             *(line(row) for row in rows[len(events):])]
    totals = (sum(r.lost for r in events), sum(r.duplicated for r in events), sum(r.forged_accepted for r in events),
              sum(r.changed for r in signals))
    lines.append(f"totals: {totals[0]} lost, {totals[1]} duplicated, {totals[2]} forged accepted, "
                 f"{totals[3]} conditions left changed" + ("  (QUICK smoke run)" if quick else ""))
    return "\n".join(lines)


@dataclass(frozen=True)
class Matrix:
    """One run of the matrix (what ``bench/run_all.py --faults`` includes too)."""

    settings: Settings
    events: tuple[EventRow, ...]
    signals: tuple[SignalRow, ...]
    adb_port: int
    """The private adb server's port (stopped by now)."""
    seconds: float

    def to_json(self, quick: bool) -> dict[str, Any]:
        return {"quick": quick, "settings": asdict(self.settings), "adb_port": self.adb_port, "seconds": self.seconds,
                "events": [asdict(r) for r in self.events], "signals": [asdict(r) for r in self.signals]}

    def table(self, quick: bool) -> str:
        return render(list(self.events), list(self.signals), quick) + f"\n({self.seconds:.0f} s)"


def run(settings: Settings) -> Matrix:
    started = time.monotonic()
    events, signals, port = measure(settings)
    return Matrix(settings, tuple(events), tuple(signals), port, round(time.monotonic() - started, 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="few events per row, one trial per signal (~30 s)")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.add_argument("--events", type=int, help="events on each side of a fault (default 20; quick 2)")
    parser.add_argument("--trials", type=int, help="runs of each signal row (default 2; quick 1)")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    if args.events is not None:
        if args.events < 1:
            parser.error("--events must be at least 1")
        settings = Settings(args.events, min(settings.forged, args.events), settings.trials)
    if args.trials is not None:
        if args.trials < 1:
            parser.error("--trials must be at least 1")
        settings = Settings(settings.events, settings.forged, args.trials)
    matrix = run(settings)
    print(json.dumps(matrix.to_json(args.quick), indent=2) if args.json else matrix.table(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main, __file__))
