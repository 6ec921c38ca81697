"""What jobctl's operations cost, measured on virtual devices through the real adb server.

* schedule + acknowledgement: host time, adb round trips (streams the device served) and the
  device-side process starts a phone would pay (the virtual device's cost classes);
* enqueue: 10 items vs 10,000 items in one call -- round trips must not grow with the count;
* event latency: from the helper writing an event (its wall time) to the JobEvent object on the
  host, p50 and p95;
* N devices in parallel vs one: the same operation on each, wall time and the ratio; the
  devices run in worker processes, one per core (target: 1.25 × N / cores), and each worker's
  RSS per device is read before and after a few more rounds (it must not grow). Beside the wall
  ratio, the CPU time the work took (the workers' and this process's) per device, N devices over
  one: about 1 when running devices side by side costs nothing extra, whatever else loads the
  machine (the wall ratio grows with the load of other processes; this one does not).

:func:`measure` returns the figures as data (``bench/run_all.py`` uses it, with smaller counts
for ``--quick``).

    python -m bench.bridge_ops [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

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


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of ``pids`` (``/proc/PID/stat``; 0 without /proc) and of this process."""
    total = time.process_time()
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15)
    return total


def parallel_devices(adb: PrivateAdbServer, count: int = 4, calls: int = 30,
                     soak_rounds: int = 3) -> dict[str, Any]:
    """The same work on one device, then on ``count`` devices at once, the devices spread over
    worker processes (:class:`jobctl_sim.workers.WorkerFleet`, one per core); then
    ``soak_rounds`` more rounds on every device, with each worker's RSS before and after."""
    with open(os.devnull, "wb") as quiet, WorkerFleet(FleetSpec(count=count), log=quiet) as fleet:
        for address in fleet.addresses:
            adb.server.connect_device(address)
        wait_online(adb.server, fleet.addresses, time.monotonic() + 30)
        devices = [connect(a, adb.server) for a in fleet.addresses]

        def work(device: Device) -> None:
            helper = Helper(device)
            for n in range(calls):
                helper.schedule(JobSpec(4000 + n, requires_charging=True))
            helper.cancel_all()

        cpu = _cpu_seconds(fleet.pids)
        start = time.perf_counter()
        work(devices[0])
        one = time.perf_counter() - start
        one_cpu = _cpu_seconds(fleet.pids) - cpu
        cpu = _cpu_seconds(fleet.pids)
        start = time.perf_counter()
        outcomes = for_each_device(work, devices)
        many = time.perf_counter() - start
        many_cpu = _cpu_seconds(fleet.pids) - cpu
        assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
        rss_before = sum(fleet.rss_bytes().values())
        for _ in range(soak_rounds):
            for_each_device(work, devices)
        rss_after = sum(fleet.rss_bytes().values())
        workers = len(fleet.pids)
        for address in fleet.addresses:
            adb.server.disconnect_device(address)
    cores = default_worker_count(64)
    return {"devices": count, "workers": workers, "cores": cores, "one_device_s": one, "n_devices_parallel_s": many,
            "ratio_n_over_one": many / one, "target_ratio": 1.25 * count / min(cores, count),
            "one_device_cpu_s": one_cpu, "n_devices_cpu_s": many_cpu,
            "cpu_per_device_n_over_one": many_cpu / count / one_cpu if one_cpu else None,
            "rss_per_device_mb_before_soak": rss_before / count / 2**20,
            "rss_per_device_mb_after_soak": rss_after / count / 2**20, "soak_rounds": soak_rounds}


def measure(adb: PrivateAdbServer | None = None, *, schedule_calls: int = 50,
            enqueue_counts: tuple[int, int] = (10, 10_000), events: int = 100, parallel_count: int = 8,
            parallel_calls: int = 150, soak_rounds: int = 3) -> dict[str, Any]:
    """Every figure as data; on ``adb`` if given, else on a private adb server of its own."""
    if adb is None:
        with PrivateAdbServer() as own:
            return measure(own, schedule_calls=schedule_calls, enqueue_counts=enqueue_counts, events=events,
                           parallel_count=parallel_count, parallel_calls=parallel_calls, soak_rounds=soak_rounds)
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
    return {**figures, "parallel": parallel_devices(adb, parallel_count, parallel_calls, soak_rounds)}


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
    print(f"{par['devices']} devices in parallel ({par['workers']} worker processes): "
          f"{par['n_devices_parallel_s']:.2f} s vs one device {par['one_device_s']:.2f} s "
          f"(ratio {par['ratio_n_over_one']:.2f}, target {par['target_ratio']:.2f}); "
          f"RSS per device {par['rss_per_device_mb_before_soak']:.1f} MB, "
          f"{par['rss_per_device_mb_after_soak']:.1f} MB after {par['soak_rounds']} more rounds")


if __name__ == "__main__":
    main()
