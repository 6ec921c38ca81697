"""What a user feels: each ``jobctl`` command, a whole process, beside the raw ``adb`` command(s)
it replaces, run alternately in the same loop (same load, same warm caches).

For every command the table gives the median and p95 wall time of the jobctl process and of
the raw ``adb -P PORT -s SERIAL shell …`` processes that give the same answer (where jobctl
needs several round trips -- a readback after a set, a dump beside a state -- the baseline is
that many raw commands, run one after the other), their ratio (target ≤ 1.5, issue 16), and
how many adb streams the device served for one jobctl call (its round trips). Beside each wall
time is the CPU time the process used (user + system, from ``getrusage(RUSAGE_CHILDREN)``): on a
loaded machine wall times stretch with the load, and a Python process stretches more than the
adb CLI (its CPU time is mostly the adb client's few ms), so CPU time is the steadier figure of
what jobctl itself costs. The ``floor`` row is ``python -c "import click"`` in the same rounds: the
start-up every click program pays before its first line of work, beside one raw command.

The raw command lines are built from the same :mod:`bridge.helper_protocol` functions jobctl
uses, so both sides ask the device the same thing.

    python -m bench.cli_commands [--runs N] [--json] [--against OTHER_JOBCTL]

``--against`` times a second ``jobctl`` program in the same rounds, right after this one (e.g. the
previous commit's, installed in its own venv: ``git worktree add ../before HEAD~3 && python3 -m venv
../before/.venv && ../before/.venv/bin/pip install -e ../before``), so a before/after comparison
sees the same load; its bytecode is compiled first as this tree's is.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Container, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as ``python bench/cli_commands.py``
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bridge import helper_protocol as protocol
from bench.script import run_script
from bridge.adb.private import PrivateAdbServer
from bridge.adb.server import bundled_adb_path
from bridge.conditions.reading import readback_commands
from bridge.device import connect
from bridge.helper import Helper
from bridge.model import JobSpec
from bridge.parsers import sectioned
from jobctl_sim.fleet import FleetSpec
from jobctl_sim.harness import SimHarness

JOB_ID = 7
TARGET_RATIO = 1.5


@dataclass(frozen=True)
class CommandPair:
    """A jobctl command and the raw device command lines (``adb shell``) that give its answer."""

    name: str
    jobctl: tuple[str, ...]
    raw: tuple[str, ...]


def _get_job_state() -> str:
    return f"cmd jobscheduler get-job-state -u 0 {protocol.HELPER_PACKAGE} {JOB_ID}"


def _dumpsys() -> str:
    return f"dumpsys jobscheduler {protocol.HELPER_PACKAGE}"


def pairs() -> tuple[CommandPair, ...]:
    """The commands issue 16 names, in an order that keeps job 7 scheduled where it must be.
    ``device status`` is one sectioned read, the very line jobctl sends; a charging change is
    compared with the change and one readback, two raw commands; ``schedule`` with the helper's
    ``info`` and the ``schedule`` broadcast, two raw commands: the spec is checked against the
    device's API level and the helper's version before anything is sent (a refused spec changes
    nothing on the device), and ``info`` is where both come from."""
    spec = JobSpec(JOB_ID, requires_charging=True)
    info = protocol.broadcast_command(protocol.info_request("bench-info"))
    schedule = protocol.broadcast_command(protocol.schedule_request(spec, "bench-schedule"))
    listing = protocol.broadcast_command(protocol.list_request(None, True, "bench-list"))
    cancel = protocol.broadcast_command(protocol.cancel_request(JOB_ID, None, "bench-cancel"))
    package = protocol.HELPER_PACKAGE
    return (
        CommandPair("schedule", ("schedule", str(JOB_ID), "--requires-charging"), (info, schedule)),
        CommandPair("state", ("state", str(JOB_ID)), (_get_job_state(),)),
        CommandPair("jobs", ("jobs",),
                    (listing, _dumpsys(), protocol.JOURNAL_READ_COMMAND, _get_job_state())),
        CommandPair("why", ("why", str(JOB_ID)),
                    (_get_job_state(), _dumpsys(), "dumpsys battery", f"dumpsys package {package}")),
        CommandPair("stops", ("stops",), (protocol.JOURNAL_READ_COMMAND,)),
        CommandPair("run", ("run", str(JOB_ID)), (f"cmd jobscheduler run -f -u 0 {package} {JOB_ID}",)),
        CommandPair("stop", ("stop", str(JOB_ID)), (f"cmd jobscheduler stop -u 0 {package} {JOB_ID}",)),
        CommandPair("cancel", ("cancel", str(JOB_ID)), (cancel,)),
        CommandPair("device charging on", ("device", "charging", "on"),
                    ("cmd battery set ac 1", "cmd jobscheduler get-battery-charging")),
        CommandPair("device charging off", ("device", "charging", "off"),
                    ("cmd battery unplug -f", "cmd jobscheduler get-battery-charging")),
        CommandPair("device status", ("device", "status"), (sectioned(readback_commands([package])),)),
    )


def jobctl_command() -> list[str]:
    beside = Path(sys.executable).with_name("jobctl")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "cli.main"]


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _children_cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def _timed(argv: Sequence[str], env: dict[str, str], expected: Container[int]) -> tuple[float, float]:
    """Wall time and CPU time (ms) of one process."""
    cpu = _children_cpu_ms()
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, timeout=120, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode not in expected:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return elapsed, _children_cpu_ms() - cpu


JOBCTL_EXITS = (0, 1)
"""A job the previous command ended (it ran and finished) makes ``stop`` say so, exit 1; a crash
or a usage error is not a figure."""
ANY_EXIT = range(256)
"""A raw command's status is its answer (``get-job-state`` of a finished job exits 23)."""


def compile_sources() -> None:
    """Bytecode for every module a jobctl process imports, as an installed jobctl has it. With
    ``PYTHONDONTWRITEBYTECODE=1`` (set on these machines) an import never writes ``.pyc`` files,
    so every module edited since the last compile was compiled from source in each measured
    process (about 20-30 ms of CPU); ``compileall`` writes them regardless of that setting."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("bridge", "cli"):
        compileall.compile_dir(str(root / package), quiet=1)


def compile_other(jobctl: str) -> None:
    """:func:`compile_sources` for the ``bridge`` and ``cli`` packages another jobctl program imports
    (its venv's ``python``, beside it)."""
    python = Path(jobctl).with_name("python")
    subprocess.run([str(python), "-c", "import compileall, os, bridge, cli\n"
                    "for m in (bridge, cli): compileall.compile_dir(os.path.dirname(m.__file__), quiet=1)"],
                   check=True, timeout=300, stdout=subprocess.DEVNULL)


def measure(adb: PrivateAdbServer, runs: int = 10, warmup: int = 1, against: str | None = None) -> dict[str, Any]:
    """Each pair ``runs`` times (after ``warmup`` unmeasured rounds), jobctl and raw alternating
    (and the ``against`` jobctl program right after this one, when given)."""
    compile_sources()
    if against is not None:
        compile_other(against)
    with SimHarness(FleetSpec()) as sim:
        serial = sim.connect(adb.server)[0]
        device = connect(serial, adb.server)
        Helper(device).ensure_ready()
        Helper(device).leave_never_bucket()  # a forced run starts, so `stop` has a job to stop
        virtual = sim.devices[0]
        env = adb.env
        adb_path = bundled_adb_path()
        base = [*jobctl_command(), "-P", str(adb.port), "-s", serial]
        table = pairs()
        jobctl_ms: dict[str, list[float]] = {p.name: [] for p in table}
        raw_ms: dict[str, list[float]] = {p.name: [] for p in table}
        jobctl_cpu: dict[str, list[float]] = {p.name: [] for p in table}
        raw_cpu: dict[str, list[float]] = {p.name: [] for p in table}
        other_ms: dict[str, list[float]] = {p.name: [] for p in table}
        other_cpu: dict[str, list[float]] = {p.name: [] for p in table}
        trips: dict[str, int] = {}
        floor_ms: list[float] = []
        floor_cpu: list[float] = []
        for round_number in range(warmup + runs):
            floor_wall, floor_used = _timed([sys.executable, "-c", "import click"], env, (0,))
            if round_number >= warmup:
                floor_ms.append(floor_wall)
                floor_cpu.append(floor_used)
            for pair in table:
                before = sim.run(lambda: virtual.counters.streams_opened)
                took, took_cpu = _timed([*base, *pair.jobctl], env, JOBCTL_EXITS)
                trips[pair.name] = sim.run(lambda: virtual.counters.streams_opened) - before
                if against is not None:
                    other = _timed([against, *base[len(jobctl_command()):], *pair.jobctl], env, JOBCTL_EXITS)
                    if round_number >= warmup:
                        other_ms[pair.name].append(other[0])
                        other_cpu[pair.name].append(other[1])
                raw_runs = [_timed([adb_path, "-P", str(adb.port), "-s", serial, "shell", line], env, ANY_EXIT)
                            for line in pair.raw]
                if round_number >= warmup:
                    jobctl_ms[pair.name].append(took)
                    jobctl_cpu[pair.name].append(took_cpu)
                    raw_ms[pair.name].append(sum(wall for wall, _ in raw_runs))
                    raw_cpu[pair.name].append(sum(cpu for _, cpu in raw_runs))
        Helper(device).cancel_all(all_namespaces=True)
    commands = {}
    for pair in table:
        mine, theirs = jobctl_ms[pair.name], raw_ms[pair.name]
        commands[pair.name] = {
            "jobctl": " ".join(["jobctl", *pair.jobctl]),
            "raw": [f"adb shell {line}" for line in pair.raw],
            "jobctl_median_ms": statistics.median(mine), "jobctl_p95_ms": percentile(mine, 0.95),
            "raw_median_ms": statistics.median(theirs), "raw_p95_ms": percentile(theirs, 0.95),
            "ratio": statistics.median(mine) / statistics.median(theirs),
            "jobctl_cpu_median_ms": statistics.median(jobctl_cpu[pair.name]),
            "raw_cpu_median_ms": statistics.median(raw_cpu[pair.name]),
            "round_trips": trips[pair.name],
        }
        if against is not None:
            commands[pair.name] |= {
                "against_median_ms": statistics.median(other_ms[pair.name]),
                "against_cpu_median_ms": statistics.median(other_cpu[pair.name]),
                "against_ratio": statistics.median(other_ms[pair.name]) / statistics.median(theirs)}
    floor = {"command": f"{Path(sys.executable).name} -c 'import click'", "median_ms": statistics.median(floor_ms),
             "p95_ms": percentile(floor_ms, 0.95), "cpu_median_ms": statistics.median(floor_cpu),
             "ratio_to_one_raw_command": statistics.median(floor_ms) / statistics.median(raw_ms["state"])}
    return {"runs": runs, "target_ratio": TARGET_RATIO, "commands": commands, "floor": floor, "against": against}


def render(figures: dict[str, Any]) -> str:
    against = figures.get("against")
    other = f"  {'against ms':>10} {'cpu':>6} {'ratio':>6}" if against else ""
    lines = [f"{'command':<22} {'jobctl ms':>10} {'p95':>7} {'cpu':>6} {'raw adb ms':>11} {'p95':>7} {'cpu':>6} "
             f"{'ratio':>6} {'trips':>5}  raw commands{other}"]
    for name, row in figures["commands"].items():
        other = (f"  {row['against_median_ms']:>10.1f} {row['against_cpu_median_ms']:>6.1f} "
                 f"{row['against_ratio']:>6.2f}" if against else "")
        lines.append(f"{name:<22} {row['jobctl_median_ms']:>10.1f} {row['jobctl_p95_ms']:>7.1f} "
                     f"{row['jobctl_cpu_median_ms']:>6.1f} {row['raw_median_ms']:>11.1f} {row['raw_p95_ms']:>7.1f} "
                     f"{row['raw_cpu_median_ms']:>6.1f} {row['ratio']:>6.2f} {row['round_trips']:>5}  "
                     f"{len(row['raw']):>12}{other}")
    floor = figures["floor"]
    lines.append(f"{'floor: ' + floor['command']:<22} {floor['median_ms']:>10.1f} {floor['p95_ms']:>7.1f} "
                 f"{floor['cpu_median_ms']:>6.1f} {'':>11} {'':>7} {'':>6} {floor['ratio_to_one_raw_command']:>6.2f}"
                 "        what any click program pays before its first line; ratio to one raw command")
    lines.append(f"(medians of {figures['runs']} whole processes each, alternating; target ratio "
                 f"<= {figures['target_ratio']}" + (f"; against: {against}, in the same rounds)" if against else ")"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--against", metavar="OTHER_JOBCTL",
                        help="another jobctl program to time in the same rounds (e.g. the previous code's)")
    args = parser.parse_args(argv)
    with PrivateAdbServer() as adb:
        figures = measure(adb, args.runs, against=args.against)
    print(json.dumps(figures, indent=2) if args.json else render(figures))
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main, __file__))
