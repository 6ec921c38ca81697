"""Memory per virtual device over a soak (issue 16): N devices in worker processes (one per
core, :class:`jobctl_sim.workers.WorkerFleet`) serve the same work round after round for a
number of minutes, and each worker's RSS is sampled as it goes. The figure is RSS per device
(the workers' VmRSS summed, over the device count) at each sample; what must hold is that it
levels off. It climbs while the device's bounded stores fill -- the helper's journal (two
segments of 10,000 events, as the APK keeps), the logcat buffer (16,384 entries) and the shell's
command record (10,000) -- and then stays flat: the last third of the soak adds (next to) nothing.

One round on every device, in parallel: ``calls`` schedules of the helper's job (a JSON request
through ``am broadcast``), a ``dumpsys jobscheduler`` and a ``cancel_all`` -- the traffic of a
test suite, including the device-side logs, histories and journals that must stay bounded.

    python -m bench.device_soak [--minutes 10] [--devices 8] [--every 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as ``python bench/device_soak.py``
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.script import run_script
from bridge.adb.private import PrivateAdbServer
from bridge.device import Device, connect
from bridge.fleet import for_each_device
from bridge.helper import Helper
from bridge.model import JobSpec
from jobctl_sim.fleet import FleetSpec, wait_online
from jobctl_sim.workers import WorkerFleet


def _round(device: Device, calls: int) -> None:
    helper = Helper(device)
    for n in range(calls):
        helper.schedule(JobSpec(5000 + n, requires_charging=True))
    device.shell("dumpsys jobscheduler dev.jobctl.helper", check=True, idempotent=True)
    helper.cancel_all()


def soak(adb: PrivateAdbServer, *, minutes: float, devices: int = 8, every: float = 30.0,
         calls: int = 10) -> dict[str, Any]:
    """Soak ``devices`` devices for ``minutes``; RSS per device (MB) sampled every ``every`` s."""
    with open(os.devnull, "wb") as quiet, WorkerFleet(FleetSpec(count=devices), log=quiet) as fleet:
        for address in fleet.addresses:
            adb.server.connect_device(address)
        wait_online(adb.server, fleet.addresses, time.monotonic() + 60)
        connected = [connect(address, adb.server) for address in fleet.addresses]

        def per_device_mb() -> float:
            return sum(fleet.rss_bytes().values()) / devices / 2**20

        samples: list[dict[str, float]] = [{"s": 0.0, "rounds": 0, "mb": per_device_mb()}]
        rounds = 0
        start = time.monotonic()
        next_sample = start + every
        end = start + minutes * 60
        while time.monotonic() < end:
            outcomes = for_each_device(lambda device: _round(device, calls), connected)
            failed = [outcome.error for outcome in outcomes if not outcome.ok]
            if failed:
                raise RuntimeError(f"a soak round failed: {failed[0]}")
            rounds += 1
            if time.monotonic() >= next_sample:
                samples.append({"s": round(time.monotonic() - start, 1), "rounds": rounds, "mb": per_device_mb()})
                next_sample += every
        samples.append({"s": round(time.monotonic() - start, 1), "rounds": rounds, "mb": per_device_mb()})
        workers = len(fleet.pids)
        for address in fleet.addresses:
            adb.server.disconnect_device(address)
    last_third = [sample["mb"] for sample in samples if sample["s"] >= samples[-1]["s"] * 2 / 3]
    return {"minutes": minutes, "devices": devices, "workers": workers, "rounds": rounds,
            "calls_per_round": calls, "samples": samples,
            "mb_at_start": samples[0]["mb"], "mb_after_first_round": samples[1]["mb"] if len(samples) > 1 else None,
            "mb_at_end": samples[-1]["mb"], "mb_at_two_thirds": last_third[0],
            "growth_last_third_mb": samples[-1]["mb"] - last_third[0],
            "median_last_third_mb": statistics.median(last_third)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--devices", type=int, default=8)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between RSS samples")
    parser.add_argument("--calls", type=int, default=10, help="schedules per device per round")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with PrivateAdbServer() as adb:
        result = soak(adb, minutes=args.minutes, devices=args.devices, every=args.every, calls=args.calls)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['devices']} devices in {result['workers']} workers, {result['rounds']} rounds of "
          f"{result['calls_per_round']} schedules + dumpsys + cancel_all each, {result['minutes']:g} min")
    for sample in result["samples"]:
        print(f"  {sample['s']:7.1f} s  round {sample['rounds']:5}  {sample['mb']:6.2f} MB per device")
    print(f"last third: {result['mb_at_two_thirds']:.2f} -> {result['mb_at_end']:.2f} MB per device "
          f"({result['growth_last_third_mb']:+.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(run_script(main, __file__))
