"""Every benchmark in one run, and one table of every figure.

* shell round trip (``bench.shell_roundtrip``): raw socket, bridge, adbutils;
* operations (``bench.bridge_ops``): schedule + ack, enqueue small/large, event latency,
  N devices in parallel vs one;
* command-line cold start: ``jobctl --help`` against ``python -c "import click"`` (the floor
  for a click program), each run N times, interleaved side by side;
* what a user feels (``bench.cli_commands``): each ``jobctl`` command as a whole process beside
  the raw ``adb shell`` command(s) giving the same answer, alternating (target ratio ≤ 1.5), with
  the CPU time the jobctl process used (steadier than wall time on a loaded machine);
* N devices (in worker processes, one per core) against one, and RSS per device after a soak;
  the same N devices alone (the device side of that work run inside the workers, without the
  client and the adb server), and the CPU per device of each part;
* with ``--faults``, the reliability matrix (``bench.fault_matrix``): events lost, duplicated and
  forged under each fault, conditions left changed after signals, as a second table.

Prints one table: each figure's median and p95 beside its baseline measured in the same run
(raw socket, raw adb CLI, one device, ``import click``) and their ratio. ``--json`` prints the
same as one JSON document; ``--quick`` runs small counts (a smoke run CI prints on every build so
that a regression shows: figures printed, not asserted). Everything runs on one private adb
server (never 5037) and virtual devices, all stopped at the end.

    python bench/run_all.py [--quick] [--json] [--calls N] [--cold-starts N] [--faults] [--against JOBCTL]

``--against JOBCTL`` also times another jobctl program's commands in the same rounds (the previous
code's, installed in its own venv): a before/after that sees the same load, as extra ratios.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as ``python bench/run_all.py``
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import bridge_ops, cli_commands, fault_matrix, shell_roundtrip
from bench.script import run_script
from bridge.adb.private import PrivateAdbServer


@dataclass(frozen=True)
class Settings:
    shell_calls: int
    shell_warmup: int
    schedule_calls: int
    enqueue_counts: tuple[int, int]
    events: int
    parallel_count: int
    parallel_calls: int
    cold_starts: int
    command_runs: int = 10
    soak_rounds: int = 3
    parallel_rounds: int = 5


FULL = Settings(shell_calls=500, shell_warmup=10, schedule_calls=50, enqueue_counts=(10, 10_000), events=100,
                parallel_count=8, parallel_calls=150, cold_starts=20, command_runs=10, soak_rounds=10,
                parallel_rounds=7)
QUICK = Settings(shell_calls=20, shell_warmup=2, schedule_calls=5, enqueue_counts=(10, 1_000), events=5,
                 parallel_count=2, parallel_calls=3, cold_starts=3, command_runs=2, soak_rounds=1,
                 parallel_rounds=2)


@dataclass(frozen=True)
class Figure:
    name: str
    median: float
    p95: float | None
    unit: str
    baseline: str | None = None
    """What the figure is measured against, in the same run (``None``: a figure of its own)."""
    baseline_median: float | None = None
    baseline_p95: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.median / self.baseline_median if self.baseline_median else None


@dataclass(frozen=True)
class Ratio:
    name: str
    value: float
    note: str = ""


def percentile(samples: list[float], fraction: float) -> float:
    return shell_roundtrip.percentile(samples, fraction)


# ------------------------------------------------------------------ cold start
def jobctl_command() -> list[str]:
    """The installed ``jobctl`` script next to this interpreter, else ``python -m cli.main``."""
    beside = Path(sys.executable).with_name("jobctl")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("jobctl")
    return [found] if found else [sys.executable, "-m", "cli.main"]


def cold_start(runs: int) -> dict[str, Any]:
    """``jobctl --help`` and ``python -c "import click"``, alternating, wall time per process (ms)."""
    commands = {"jobctl_help": [*jobctl_command(), "--help"],
                "import_click": [sys.executable, "-c", "import click"]}
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=60)
            samples[name].append((time.perf_counter() - start) * 1000)
    return {
        "runs": runs,
        "commands": {name: " ".join(command) for name, command in commands.items()},
        "paths": {name: {"median_ms": statistics.median(s), "p95_ms": percentile(s, 0.95)}
                  for name, s in samples.items()},
    }


# ------------------------------------------------------------------ all of it
def measure(settings: Settings, against: str | None = None) -> dict[str, Any]:
    """Run every benchmark; the raw results of each, keyed by benchmark. ``against``: another
    jobctl program whose commands are timed in the same rounds as this one's."""
    cli_commands.compile_sources()  # the cold starts too: bytecode as an installed jobctl has it
    with PrivateAdbServer() as adb:
        shell = shell_roundtrip.run(settings.shell_calls, settings.shell_warmup, adb)
        ops = bridge_ops.measure(adb, schedule_calls=settings.schedule_calls, enqueue_counts=settings.enqueue_counts,
                                 events=settings.events, parallel_count=settings.parallel_count,
                                 parallel_calls=settings.parallel_calls, soak_rounds=settings.soak_rounds,
                                 parallel_rounds=settings.parallel_rounds)
        commands = cli_commands.measure(adb, settings.command_runs, against=against)
        adb_port = adb.port
    return {"adb_port": adb_port, "shell_roundtrip": shell, "bridge_ops": ops,
            "cold_start": cold_start(settings.cold_starts), "cli_commands": commands}


def tabulate(raw: dict[str, Any], settings: Settings) -> tuple[list[Figure], list[Ratio]]:
    shell, ops, cold = raw["shell_roundtrip"]["paths"], raw["bridge_ops"], raw["cold_start"]["paths"]
    small, large = settings.enqueue_counts
    enqueue = ops["enqueue"]
    schedule, latency, parallel, alone = ops["schedule"], ops["event_latency"], ops["parallel"], ops["devices_alone"]
    raw_socket = shell["a_raw_socket"]
    figures = [
        Figure("shell round trip: raw socket to the adb server (a)", raw_socket["median_ms"], raw_socket["p95_ms"],
               "ms"),
        Figure("shell round trip: bridge Device.shell (b)", shell["b_bridge"]["median_ms"],
               shell["b_bridge"]["p95_ms"], "ms", "raw socket (a)", raw_socket["median_ms"], raw_socket["p95_ms"]),
        Figure("shell round trip: adbutils device.shell (c)", shell["c_adbutils"]["median_ms"],
               shell["c_adbutils"]["p95_ms"], "ms", "raw socket (a)", raw_socket["median_ms"], raw_socket["p95_ms"]),
        Figure("shell round trip: bridge, stderr then exit (d)", shell["d_bridge_stderr_exit"]["median_ms"],
               shell["d_bridge_stderr_exit"]["p95_ms"], "ms", "bridge, true (b)", shell["b_bridge"]["median_ms"],
               shell["b_bridge"]["p95_ms"]),
        Figure("schedule + acknowledgement", schedule["median_ms"], schedule["p95_ms"], "ms"),
        Figure("schedule: adb round trips per call", schedule["round_trips_per_call"], None, "count"),
        Figure("schedule: app_process starts per call", schedule["app_process_starts_per_call"], None, "count"),
        Figure(f"enqueue {small:,} items (one call)", enqueue[str(small)]["ms"], None, "ms"),
        Figure(f"enqueue {small:,} items: adb round trips", enqueue[str(small)]["round_trips"], None, "count"),
        Figure(f"enqueue {large:,} items (one call)", enqueue[str(large)]["ms"], None, "ms"),
        Figure(f"enqueue {large:,} items: adb round trips", enqueue[str(large)]["round_trips"], None, "count"),
        Figure(f"event latency, helper event to JobEvent ({latency['events']} events)", latency["p50_ms"],
               latency["p95_ms"], "ms"),
        Figure(f"1 device: {settings.parallel_calls} schedules + cancel_all", parallel["one_device_s"],
               parallel["one_device_p95_s"], "s"),
        Figure(f"{parallel['devices']} devices in parallel: the same on each", parallel["n_devices_parallel_s"],
               parallel["n_devices_parallel_p95_s"], "s", "1 device", parallel["one_device_s"],
               parallel["one_device_p95_s"]),
        Figure(f"{alone['devices']} devices alone: the device side of the same, inside the workers",
               alone["n_devices_s"], alone["n_devices_p95_s"], "s", "1 device alone", alone["one_device_s"],
               alone["one_device_p95_s"]),
        Figure("virtual device RSS per device", parallel["rss_per_device_mb_after_soak"], None, "MB",
               f"before {parallel['soak_rounds']} soak rounds", parallel["rss_per_device_mb_before_soak"]),
        Figure("cold start: jobctl --help", cold["jobctl_help"]["median_ms"], cold["jobctl_help"]["p95_ms"], "ms",
               'python -c "import click"', cold["import_click"]["median_ms"], cold["import_click"]["p95_ms"]),
        Figure('cold start: python -c "import click"', cold["import_click"]["median_ms"],
               cold["import_click"]["p95_ms"], "ms"),
    ]
    for name, row in raw["cli_commands"]["commands"].items():
        trips = row["round_trips"]
        figures.append(Figure(f"jobctl {name}", row["jobctl_median_ms"], row["jobctl_p95_ms"], "ms",
                              f"raw adb CLI x{len(row['raw'])} (jobctl: {trips} round trip{'s' * (trips != 1)}, "
                              f"CPU {row['jobctl_cpu_median_ms']:.0f} ms)",
                              row["raw_median_ms"], row["raw_p95_ms"]))
    ratios = [
        Ratio("bridge / raw socket (b/a)", raw["shell_roundtrip"]["ratios"]["b_over_a"], "target <= 2"),
        Ratio("adbutils / bridge (c/b)", raw["shell_roundtrip"]["ratios"]["c_over_b"]),
        Ratio(f"enqueue round trips, {large:,} / {small:,} items", enqueue[f"round_trip_ratio_{large}_vs_{small}"],
              "the inbox path's one extra trip; independent of the count"),
        Ratio(f"{parallel['devices']} devices in parallel / 1 device", parallel["ratio_n_over_one"],
              f"{parallel['workers']} worker processes on {parallel['cores']} cores; target <= "
              f"{parallel['target_ratio']:.2f}"),
        Ratio(f"{alone['devices']} devices alone / 1 device alone (no client, no adb server)",
              alone["ratio_n_over_one"], f"the virtual devices' own scaling; {alone['workers']} worker processes on "
                                         f"{alone['cores']} cores; target <= {alone['target_ratio']:.2f}"),
        Ratio(f"CPU per device, {parallel['devices']} devices / 1 device",
              parallel["cpu_per_device_n_over_one"] or 0.0,
              "client + adb server + workers" + ("" if parallel["cpu_parts_per_device"]["adb_server"]["one"]
                                                 is not None else " (adb server not found: without it)")),
        Ratio(f"workers' CPU per device, {parallel['devices']} devices / 1 device",
              parallel["worker_cpu_per_device_n_over_one"] or 0.0,
              "the virtual devices' own cost; about 1: side by side costs nothing extra"),
        Ratio("cores one device used (its CPU / its wall time)", parallel["cores_used_by_one_device"],
              f"the wall ratio's floor is {parallel['devices']} / cores x this"),
        Ratio("jobctl --help / import click", cold["jobctl_help"]["median_ms"] / cold["import_click"]["median_ms"]),
        Ratio('python -c "import click" / one raw adb shell (every command\'s floor, same rounds)',
              raw["cli_commands"]["floor"]["ratio_to_one_raw_command"]),
    ]
    ratios += [Ratio(f"jobctl {name} / raw adb CLI", row["ratio"], f"target <= {cli_commands.TARGET_RATIO}")
               for name, row in raw["cli_commands"]["commands"].items()]
    against = raw["cli_commands"].get("against")
    if against:
        ratios += [Ratio(f"against: jobctl {name} / raw adb CLI", row["against_ratio"],
                         f"{against}, same rounds (CPU {row['against_cpu_median_ms']:.0f} ms)")
                   for name, row in raw["cli_commands"]["commands"].items()]
    return figures, ratios


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value == int(value) and abs(value) >= 1 else f"{value:,.3f}"


def render(figures: list[Figure], ratios: list[Ratio], settings: Settings, quick: bool) -> str:
    """One table: each figure, its baseline measured in the same run, their ratio; then the ratios."""
    header = ("figure", "median", "p95", "unit", "baseline", "median", "p95", "ratio")
    rows = [(f.name, _number(f.median), _number(f.p95), f.unit, f.baseline or "-", _number(f.baseline_median),
             _number(f.baseline_p95), "-" if f.ratio is None else f"{f.ratio:.2f}") for f in figures]
    rows += [(r.name, f"{r.value:,.2f}", "-", "ratio", r.note or "-", "-", "-", "-") for r in ratios]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {1, 2, 5, 6, 7}

    def line(row: tuple[str, ...]) -> str:
        cells = [f"{cell:>{widths[i]}}" if i in right else f"{cell:<{widths[i]}}" for i, cell in enumerate(row)]
        return "  ".join(cells).rstrip()

    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    lines = [line(header), rule]
    for index, row in enumerate(rows):
        if index == len(figures):
            lines.append(rule)
        lines.append(line(row))
    mode = "QUICK smoke run: not figures to publish" if quick else "full run"
    lines.append(f"({mode}; {settings.shell_calls} interleaved shell calls per path, event latency median = p50, "
                 f"{settings.cold_starts} cold starts each, {settings.command_runs} runs of each jobctl command "
                 "and its raw adb baseline, alternating)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run of a few seconds")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.add_argument("--calls", type=int, help="shell round-trip calls per path (default 500; quick 20)")
    parser.add_argument("--cold-starts", type=int, help="runs of each cold-start command (default 20; quick 3)")
    parser.add_argument("--faults", action="store_true", help="also run the reliability matrix (bench/fault_matrix.py)")
    parser.add_argument("--against", metavar="OTHER_JOBCTL",
                        help="another jobctl program (e.g. the previous code's) whose commands are timed in the "
                             "same rounds, as extra ratios")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    if args.calls is not None:
        settings = Settings(**{**asdict(settings), "shell_calls": args.calls})
    if args.cold_starts is not None:
        settings = Settings(**{**asdict(settings), "cold_starts": args.cold_starts})
    started = time.perf_counter()
    raw = measure(settings, args.against)
    figures, ratios = tabulate(raw, settings)
    matrix = fault_matrix.run(fault_matrix.QUICK if args.quick else fault_matrix.FULL) if args.faults else None
    if args.json:
        print(json.dumps({
            "quick": args.quick,
            "settings": asdict(settings),
            "seconds": round(time.perf_counter() - started, 3),
            "figures": [asdict(f) | {"ratio": f.ratio} for f in figures],
            "ratios": [asdict(r) for r in ratios],
            "raw": raw,
            **({"fault_matrix": matrix.to_json(args.quick)} if matrix is not None else {}),
        }, indent=2))
    else:
        print(render(figures, ratios, settings, args.quick))
        if matrix is not None:
            print(f"\n{matrix.table(args.quick)}")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main, __file__))
