"""What jobctl's operations cost, measured on virtual devices through the real adb server.

* schedule + acknowledgement: host time, adb round trips (streams the device served) and the
  device-side process starts a phone would pay (the virtual device's cost classes);
* enqueue: 10 items vs 10,000 items in one call -- round trips must not grow with the count;
* event latency: from the helper writing an event (its wall time) to the JobEvent object on the
  host, p50 and p95;
* the same N devices alone: that operation's device side (its shell lines) run inside the
  workers, without the client or the adb server: the virtual devices' own scaling;
* N devices in parallel vs one: the same operation on each, wall time and the ratio (medians
  of rounds that alternate one device and N); the devices run in worker processes, one per core
  (target: 1.25 × N / cores), and each worker's RSS per device is read before and after a few
  more rounds (it must not grow). Beside the wall ratio, the CPU time per device, N devices over
  one, of each part of the work: this process (the client), the adb server and the workers. The
  workers' is the virtual devices' own cost: about 1 when running them side by side costs
  nothing extra. So is "the cores one device used": its CPU over its wall time, above 1 when the
  client, the adb server and the worker overlap; N devices cannot overlap more than the cores
  allow, so the wall ratio cannot go below N / cores times it.

:func:`measure` returns the figures as data (``bench/run_all.py`` uses it, with smaller counts
for ``--quick``).

    python -m bench.bridge_ops [--json]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as ``python bench/bridge_ops.py``
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.script import run_script
from bridge.adb.private import PrivateAdbServer
from bridge.device import Device, connect
from bridge.fleet import for_each_device
from bridge.helper import Helper
from bridge.jobs import Session
from bridge.model import JobSpec, WorkItem
from jobctl_sim.device import VirtualDevice
from jobctl_sim.fleet import FleetSpec, wait_online
from jobctl_sim.harness import SimHarness
from jobctl_sim.workers import WorkerFleet, default_worker_count


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _counts(device: VirtualDevice) -> tuple[int, int]:
    stats = device.stats()
    costs = stats["costs"]["by_class"] if stats["costs"] else {}
    return stats["adb"]["streams_opened"], costs.get("app_process", 0)


def schedule_cost(device: Device, virtual: VirtualDevice, calls: int = 50) -> dict[str, float]:
    helper = Helper(device)
    times: list[float] = []
    streams0, starts0 = _counts(virtual)
    for n in range(calls):
        start = time.perf_counter()
        helper.schedule(JobSpec(1000 + n, requires_charging=True))
        times.append((time.perf_counter() - start) * 1000)
    streams1, starts1 = _counts(virtual)
    helper.cancel_all()
    return {"median_ms": statistics.median(times), "p95_ms": percentile(times, 0.95),
            "round_trips_per_call": (streams1 - streams0) / calls,
            "app_process_starts_per_call": (starts1 - starts0) / calls}


def enqueue_cost(device: Device, virtual: VirtualDevice, counts: tuple[int, int] = (10, 10_000)) -> dict[str, Any]:
    """One enqueue call per count (the small one first); keys are the counts as strings."""
    helper = Helper(device)
    figures: dict[str, Any] = {}
    for count in counts:
        spec = JobSpec(2000 + count, requires_charging=True)
        streams0, _ = _counts(virtual)
        start = time.perf_counter()
        result = helper.enqueue(spec, [WorkItem(f"w{n}") for n in range(count)])
        elapsed = (time.perf_counter() - start) * 1000
        streams1, _ = _counts(virtual)
        assert result.enqueued == count
        figures[str(count)] = {"ms": elapsed, "round_trips": streams1 - streams0}
    helper.cancel_all()
    small, large = (str(c) for c in counts)
    figures[f"round_trip_ratio_{large}_vs_{small}"] = figures[large]["round_trips"] / figures[small]["round_trips"]
    return figures


def event_latency(device: Device, events: int = 100) -> dict[str, float]:
    """From the helper's wall-clock stamp on an event to the JobEvent handed to the caller."""
    latencies: list[float] = []
    with Session(device) as session:
        cursor = len(session.log)
        for n in range(events):
            session.helper.schedule(JobSpec(3000 + n, requires_charging=True))
            event = session.log.get(cursor, timeout=10)
            while event is not None and event.job_id != 3000 + n:
                cursor += 1
                event = session.log.get(cursor, timeout=10)
            if event is None:
                raise RuntimeError(f"no event for job {3000 + n}")
            cursor += 1
            latencies.append(time.time() * 1000 - event.wall_ms)
        session.helper.cancel_all()
    return {"events": len(latencies), "p50_ms": percentile(latencies, 0.5), "p95_ms": percentile(latencies, 0.95)}


def _process_cpu(pid: int) -> float | None:
    """CPU seconds of ``pid``'s live threads, to the nanosecond (``/proc/PID/task/*/schedstat``,
    whose first field is the time on a CPU), else in clock ticks (``/proc/PID/stat``); None without /proc."""
    try:
        return sum(int((task / "schedstat").read_text().split()[0])
                   for task in Path(f"/proc/{pid}/task").iterdir()) / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15)


def listening_pid(port: int) -> int | None:
    """The process listening on TCP ``port`` of 127.0.0.1 (Linux ``/proc``; None elsewhere or
    when it is not this user's): the adb server, whose CPU is part of every device's work."""
    wanted = f"0100007F:{port:04X}"
    try:
        rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return None
    columns = [row.split() for row in rows]
    sockets = {f"socket:[{c[9]}]" for c in columns if c[1] == wanted and c[3] == "0A"}  # 0A: LISTEN
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in sockets for fd in (proc / "fd").iterdir()):
                return int(proc.name)
        except OSError:
            continue
    return None


@dataclass(frozen=True)
class CpuSample:
    """CPU seconds of the three parts of the work: this process (the client), the adb server, the workers."""

    client: float
    adb_server: float | None
    workers: float

    @staticmethod
    def read(adb_pid: int | None, worker_pids: list[int]) -> CpuSample:
        return CpuSample(time.process_time(), None if adb_pid is None else _process_cpu(adb_pid),
                         sum(_process_cpu(pid) or 0.0 for pid in worker_pids))

    def __sub__(self, other: CpuSample) -> CpuSample:
        adb = None if self.adb_server is None or other.adb_server is None else self.adb_server - other.adb_server
        return CpuSample(self.client - other.client, adb, self.workers - other.workers)

    @property
    def total(self) -> float:
        return self.client + (self.adb_server or 0.0) + self.workers


def parallel_devices(adb: PrivateAdbServer, count: int = 4, calls: int = 30, soak_rounds: int = 3,
                     rounds: int = 5) -> dict[str, Any]:
    """The same work on one device, then on ``count`` devices at once, the devices spread over
    worker processes (:class:`jobctl_sim.workers.WorkerFleet`, one per core), ``rounds`` times
    alternating (after one warm-up round on every device), with the CPU each part used; then
    ``soak_rounds`` more rounds on every device, with each worker's RSS before and after."""
    with open(os.devnull, "wb") as quiet, WorkerFleet(FleetSpec(count=count), log=quiet) as fleet:
        for address in fleet.addresses:
            adb.server.connect_device(address)
        wait_online(adb.server, fleet.addresses, time.monotonic() + 30)
        devices = [connect(a, adb.server) for a in fleet.addresses]
        adb_pid = listening_pid(adb.port)

        def work(device: Device) -> None:
            helper = Helper(device)
            for n in range(calls):
                helper.schedule(JobSpec(4000 + n, requires_charging=True))
            helper.cancel_all()

        def timed(run: Callable[[], object]) -> tuple[float, CpuSample]:
            cpu = CpuSample.read(adb_pid, fleet.pids)
            start = time.perf_counter()
            run()
            return time.perf_counter() - start, CpuSample.read(adb_pid, fleet.pids) - cpu

        def on_all() -> None:
            outcomes = for_each_device(work, devices)
            assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]

        on_all()  # warm-up: every device has its helper's answers and the jobs' ids once
        ones: list[tuple[float, CpuSample]] = []
        manys: list[tuple[float, CpuSample]] = []
        for index in range(rounds):
            ones.append(timed(functools.partial(work, devices[index % count])))
            manys.append(timed(on_all))
        rss_before = sum(fleet.rss_bytes().values())
        for _ in range(soak_rounds):
            for_each_device(work, devices)
        rss_after = sum(fleet.rss_bytes().values())
        workers = len(fleet.pids)
        for address in fleet.addresses:
            adb.server.disconnect_device(address)
    cores = default_worker_count(64)
    one_s, many_s = [t for t, _ in ones], [t for t, _ in manys]

    def per_device(samples: list[tuple[float, CpuSample]], devices_each: int, part: str) -> float | None:
        values = [getattr(cpu, part) for _, cpu in samples]
        return None if None in values else statistics.median(values) / devices_each

    def n_over_one(part: str) -> float | None:
        one, many = per_device(ones, 1, part), per_device(manys, count, part)
        return None if one is None or many is None or not one else many / one

    return {"devices": count, "workers": workers, "cores": cores, "rounds": rounds,
            "one_device_s": statistics.median(one_s), "one_device_p95_s": percentile(one_s, 0.95),
            "n_devices_parallel_s": statistics.median(many_s), "n_devices_parallel_p95_s": percentile(many_s, 0.95),
            "ratio_n_over_one": statistics.median(many_s) / statistics.median(one_s),
            "ratio_n_over_one_by_round": [m / o for o, m in zip(one_s, many_s, strict=True)],
            "target_ratio": 1.25 * count / min(cores, count),
            "one_device_cpu_s": per_device(ones, 1, "total"),
            "cpu_parts_per_device": {part: {"one": per_device(ones, 1, part), "n": per_device(manys, count, part)}
                                     for part in ("client", "adb_server", "workers")},
            "cores_used_by_one_device": (per_device(ones, 1, "total") or 0.0) / statistics.median(one_s),
            "cpu_per_device_n_over_one": n_over_one("total"),
            "worker_cpu_per_device_n_over_one": n_over_one("workers"),
            "rss_per_device_mb_before_soak": rss_before / count / 2**20,
            "rss_per_device_mb_after_soak": rss_after / count / 2**20, "soak_rounds": soak_rounds}


def devices_alone(count: int = 4, calls: int = 30, rounds: int = 5) -> dict[str, Any]:
    """The virtual devices' own scaling: the device side of :func:`parallel_devices`' work (the
    same helper command lines: ``calls`` schedules, then a cancel-all) run inside the worker
    processes (:meth:`WorkerFleet.shell_blocking <jobctl_sim.workers.WorkerFleet.shell_blocking>`),
    without this process's client or the adb server; one device against ``count`` at once,
    ``rounds`` times alternating after a warm-up round."""
    from bridge.helper_protocol import broadcast_command, cancel_all_request, schedule_request
    from bridge.helper_protocol.requests import new_request_id

    def lines(round_index: int) -> list[str]:  # fresh request ids each round, as the helper sees from a host
        ids = (new_request_id(round_index * (calls + 1) + n) for n in range(calls + 1))
        return [*(broadcast_command(schedule_request(JobSpec(4000 + n, requires_charging=True), next(ids)))
                  for n in range(calls)), broadcast_command(cancel_all_request(request_id=next(ids)))]

    with open(os.devnull, "wb") as quiet, WorkerFleet(FleetSpec(count=count), log=quiet) as fleet:
        serials = [d.device.serial for d in fleet.devices]

        def run(round_index: int, device: str | None) -> tuple[float, float]:
            cpu = CpuSample.read(None, fleet.pids)
            start = time.perf_counter()
            done = fleet.shell_blocking(lines(round_index), device)
            elapsed = time.perf_counter() - start
            assert all(code == 0 for entry in done for code in entry["exit_codes"]), done
            return elapsed, (CpuSample.read(None, fleet.pids) - cpu).workers

        run(0, None)
        ones: list[tuple[float, float]] = []
        manys: list[tuple[float, float]] = []
        for index in range(rounds):
            ones.append(run(2 * index + 1, serials[index % count]))
            manys.append(run(2 * index + 2, None))
        workers = len(fleet.pids)
    one_s, many_s = [t for t, _ in ones], [t for t, _ in manys]
    one_cpu = statistics.median(c for _, c in ones)
    many_cpu = statistics.median(c for _, c in manys) / count
    cores = default_worker_count(64)
    return {"devices": count, "workers": workers, "cores": cores, "rounds": rounds,
            "one_device_s": statistics.median(one_s), "one_device_p95_s": percentile(one_s, 0.95),
            "n_devices_s": statistics.median(many_s), "n_devices_p95_s": percentile(many_s, 0.95),
            "ratio_n_over_one": statistics.median(many_s) / statistics.median(one_s),
            "target_ratio": 1.25 * count / min(cores, count),
            "worker_cpu_per_device_n_over_one": many_cpu / one_cpu if one_cpu else None}


def measure(adb: PrivateAdbServer | None = None, *, schedule_calls: int = 50,
            enqueue_counts: tuple[int, int] = (10, 10_000), events: int = 100, parallel_count: int = 8,
            parallel_calls: int = 150, soak_rounds: int = 3, parallel_rounds: int = 5) -> dict[str, Any]:
    """Every figure as data; on ``adb`` if given, else on a private adb server of its own."""
    if adb is None:
        with PrivateAdbServer() as own:
            return measure(own, schedule_calls=schedule_calls, enqueue_counts=enqueue_counts, events=events,
                           parallel_count=parallel_count, parallel_calls=parallel_calls, soak_rounds=soak_rounds,
                           parallel_rounds=parallel_rounds)
    with SimHarness(FleetSpec()) as sim:
        device = connect(sim.connect(adb.server)[0], adb.server)
        virtual = sim.devices[0]
        Helper(device).leave_never_bucket()
        figures = {
            "schedule": schedule_cost(device, virtual, schedule_calls),
            "enqueue": enqueue_cost(device, virtual, enqueue_counts),
            "event_latency": event_latency(device, events),
        }
    # After the in-process device has stopped: the worker processes get the cores to themselves.
    return {**figures, "parallel": parallel_devices(adb, parallel_count, parallel_calls, soak_rounds, parallel_rounds),
            "devices_alone": devices_alone(parallel_count, parallel_calls, parallel_rounds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = measure()
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    s, e, lat, par = figures["schedule"], figures["enqueue"], figures["event_latency"], figures["parallel"]
    print(f"schedule + ack:  median {s['median_ms']:.2f} ms, p95 {s['p95_ms']:.2f} ms, "
          f"{s['round_trips_per_call']:.1f} round trips, "
          f"{s['app_process_starts_per_call']:.1f} app_process starts per call")
    print(f"enqueue 10:      {e['10']['ms']:.1f} ms, {e['10']['round_trips']} round trips")
    print(f"enqueue 10,000:  {e['10000']['ms']:.1f} ms, {e['10000']['round_trips']} round trips "
          f"(ratio {e['round_trip_ratio_10000_vs_10']:.1f})")
    print(f"event latency:   p50 {lat['p50_ms']:.1f} ms, p95 {lat['p95_ms']:.1f} ms over {lat['events']} events")
    print(f"{par['devices']} devices in parallel ({par['workers']} worker processes, medians of {par['rounds']} "
          f"rounds): {par['n_devices_parallel_s']:.2f} s vs one device {par['one_device_s']:.2f} s "
          f"(ratio {par['ratio_n_over_one']:.2f}, target {par['target_ratio']:.2f}; one device used "
          f"{par['cores_used_by_one_device']:.2f} cores); "
          f"RSS per device {par['rss_per_device_mb_before_soak']:.1f} MB, "
          f"{par['rss_per_device_mb_after_soak']:.1f} MB after {par['soak_rounds']} more rounds")


if __name__ == "__main__":
    sys.exit(run_script(main, __file__))
