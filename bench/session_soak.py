"""A long-lived :class:`~bridge.jobs.Session` under a steady load: does it stay flat?

One session on one virtual device (served by a worker process, so this process's RSS is the
host side only) runs schedule / run / wait_started / stop / wait_stopped / cancel cycles for
``--minutes``. Every ``--window`` seconds (default 30) it records how many cycles completed,
this process's RSS, and the CPU time per cycle of this process and of the device's worker (on
a shared machine the cycle count also measures the neighbours; CPU per cycle does not). It
prints the window figures, then the start and the end: the medians of the first and of the
last third of the windows, with the ratio (flat is ~1.0 for throughput and ~0 MB of growth for
memory), plus the session's event-history size at the end (it stays at its cap,
:data:`bridge.event_log.EVENT_HISTORY_LIMIT`).

    python -m bench.session_soak [--minutes 2] [--window 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as ``python bench/session_soak.py``
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.script import run_script
from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.jobs import Session
from bridge.model import Hold, JobScript, JobSpec
from jobctl_sim.fleet import FleetSpec, wait_online
from jobctl_sim.workers import WorkerFleet

JOB_ID = 4711
HOLD = JobScript(steps=(Hold(),), on_stop_reschedule=False)


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU time of a process (this one by default), from /proc/PID/stat."""
    fields = Path(f"/proc/{pid or 'self'}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb() -> float:
    """This process's resident set (``VmRSS`` of /proc/self/status), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class Window:
    index: int
    cycles: int
    rss_mb: float
    history: int
    """Events the session's log holds at the end of the window."""
    host_cpu_ms: float
    """CPU time per cycle of this process (the session): flat when the host's work per cycle is."""
    device_cpu_ms: float
    """CPU time per cycle of the virtual device's worker process."""


@dataclass(frozen=True)
class Summary:
    minutes: float
    window_s: float
    windows: tuple[Window, ...]
    start_cycles: float
    end_cycles: float
    start_rss_mb: float
    end_rss_mb: float
    events_delivered: int
    history_at_end: int
    start_host_cpu_ms: float
    end_host_cpu_ms: float
    start_device_cpu_ms: float
    end_device_cpu_ms: float

    @property
    def throughput_ratio(self) -> float:
        return self.end_cycles / self.start_cycles if self.start_cycles else float("nan")

    @property
    def rss_growth_mb(self) -> float:
        return self.end_rss_mb - self.start_rss_mb


def cycle(session: Session, timeout: float = 30.0) -> None:
    """schedule, run, wait for the start, stop, wait for the end, cancel."""
    job = session.schedule(JobSpec(JOB_ID, script=HOLD))
    job.run()
    job.wait_started(timeout)
    job.stop()
    job.wait_stopped(timeout)
    job.cancel()


def soak(session: Session, minutes: float, window_s: float, device_pid: int) -> Summary:
    windows: list[Window] = []
    end = time.monotonic() + minutes * 60
    while time.monotonic() < end:
        window_end = min(end, time.monotonic() + window_s)
        done = 0
        host0, device0 = cpu_seconds(), cpu_seconds(device_pid)
        while time.monotonic() < window_end:
            cycle(session)
            done += 1
        host = (cpu_seconds() - host0) * 1000 / max(done, 1)
        device = (cpu_seconds(device_pid) - device0) * 1000 / max(done, 1)
        window = Window(len(windows), done, round(rss_mb(), 1), len(session.log.snapshot()), round(host, 2),
                        round(device, 2))
        windows.append(window)
        print(f"window {len(windows):3d}: {done:5d} cycles, RSS {window.rss_mb:7.1f} MB, history {window.history} "
              f"events, CPU per cycle host {window.host_cpu_ms:.2f} ms device {window.device_cpu_ms:.2f} ms "
              f"(load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
    third = max(1, len(windows) // 3)
    first, last = windows[:third], windows[-third:]
    # the first window carries the session's warm-up (helper info, logcat reader start): it is
    # still counted, as a user would feel it
    return Summary(minutes, window_s, tuple(windows),
                   statistics.median(w.cycles for w in first), statistics.median(w.cycles for w in last),
                   statistics.median(w.rss_mb for w in first), statistics.median(w.rss_mb for w in last),
                   len(session.log), len(session.log.snapshot()),
                   statistics.median(w.host_cpu_ms for w in first), statistics.median(w.host_cpu_ms for w in last),
                   statistics.median(w.device_cpu_ms for w in first), statistics.median(w.device_cpu_ms for w in last))


def run(minutes: float, window_s: float) -> Summary:
    with (PrivateAdbServer() as adb, open(os.devnull, "wb") as quiet,
          WorkerFleet(FleetSpec(count=1), workers=1, log=quiet) as fleet):
        address = fleet.addresses[0]
        adb.server.connect_device(address)
        wait_online(adb.server, [address], time.monotonic() + 30)
        session = Session(connect(address, adb.server))
        try:
            session.helper.leave_never_bucket()
            return soak(session, minutes, window_s, fleet.pids[0])
        finally:
            session.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=2.0, help="how long to soak (default 2)")
    parser.add_argument("--window", type=float, default=30.0, help="seconds per measurement window (default 30)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.window <= 0:
        parser.error("--minutes and --window must be positive")
    summary = run(args.minutes, args.window)
    if args.json:
        print(json.dumps(asdict(summary) | {"throughput_ratio": summary.throughput_ratio,
                                            "rss_growth_mb": summary.rss_growth_mb}, indent=2))
        return 0
    print(f"session soak: {summary.minutes:g} min in {len(summary.windows)} windows of {summary.window_s:g} s")
    print(f"cycles per window: start {summary.start_cycles:g}, end {summary.end_cycles:g} "
          f"(end/start {summary.throughput_ratio:.2f})")
    print(f"RSS: start {summary.start_rss_mb:.1f} MB, end {summary.end_rss_mb:.1f} MB "
          f"(growth {summary.rss_growth_mb:+.1f} MB)")
    print(f"CPU per cycle: host start {summary.start_host_cpu_ms:.2f} ms, end {summary.end_host_cpu_ms:.2f} ms; "
          f"device start {summary.start_device_cpu_ms:.2f} ms, end {summary.end_device_cpu_ms:.2f} ms")
    print(f"events delivered: {summary.events_delivered}, held in the session's history at the end: "
          f"{summary.history_at_end}")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main, __file__))
