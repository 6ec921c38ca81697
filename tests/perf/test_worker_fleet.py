"""Virtual devices spread over worker processes (issue 16): one ``sim start --count N`` uses
every core, its devices answer ``sim status`` / ``sim fault`` across processes, ``sim stop``
leaves no worker behind, and a device's memory does not grow with the work it serves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.helper import Helper
from bridge.model import JobSpec
from jobctl_sim.fleet import FleetSpec, SimError, wait_online
from jobctl_sim.workers import WorkerFleet, default_worker_count, shares
from tests.cli.test_sim_and_devices import jobctl
from tests.support.waiting import wait_until


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def test_shares_spread_devices_as_evenly_as_possible() -> None:
    assert shares(8, 2) == [4, 4]
    assert shares(3, 2) == [2, 1]
    assert shares(1, 4) == [1]
    assert default_worker_count(1) == 1


def test_a_fleet_in_two_workers_answers_stats_and_faults_for_each_device(adb: PrivateAdbServer) -> None:
    quiet = open(os.devnull, "wb")  # noqa: SIM115 -- closed below, after the workers
    try:
        with WorkerFleet(FleetSpec(count=3), workers=2, log=quiet) as fleet:
            assert len(set(fleet.pids)) == 2
            assert sorted(len([d for d in fleet.devices if d.worker_pid == pid]) for pid in fleet.pids) == [1, 2]
            assert len(set(fleet.addresses)) == 3
            stats = fleet.stats_blocking()
            assert sorted(s["address"] for s in stats) == sorted(fleet.addresses)
            last = fleet.devices[-1].device
            armed = fleet.fault_blocking({"kind": "arm", "device": last.serial, "action": "delay",
                                          "pattern": "echo slow", "delay": 0.3})
            assert armed["ok"] and [d["address"] for d in armed["devices"]] == [last.address]
            assert fleet.fault_blocking({"kind": "list", "device": "nowhere"}) == {
                "ok": False, "error": "no device 'nowhere' in this daemon"}
            for address in fleet.addresses:
                adb.server.connect_device(address)
            wait_online(adb.server, fleet.addresses, time.monotonic() + 30)
            started = time.monotonic()
            assert connect(last.address, adb.server).shell(["echo", "slow"]).text == "slow\n"
            assert time.monotonic() - started >= 0.3  # the fault armed through the worker fired on its device
            listed = fleet.fault_blocking({"kind": "list"})
            assert [len(d["fired"]) for d in listed["devices"]] == [0, 0, 1]
            pids = fleet.pids
            for address in fleet.addresses:
                adb.server.disconnect_device(address)
    finally:
        quiet.close()
    assert not any(_alive(pid) for pid in pids)


def test_shell_lines_run_inside_the_workers_on_the_device_named_or_on_every_device() -> None:
    with open(os.devnull, "wb") as quiet, WorkerFleet(FleetSpec(count=3), workers=2, log=quiet) as fleet:
        first, last = fleet.devices[0].device, fleet.devices[-1].device
        done = fleet.shell_blocking(["setprop debug.jobctl.mark here", "getprop debug.jobctl.mark"], last.serial)
        assert done == [{"serial": last.serial, "exit_codes": [0, 0]}]
        marks = fleet.shell_blocking(["[ \"$(getprop debug.jobctl.mark)\" = here ]"])
        assert {entry["serial"]: entry["exit_codes"] for entry in marks} == {
            d.device.serial: [0 if d.device.serial == last.serial else 1] for d in fleet.devices}
        assert fleet.shell_blocking(["exit 3"], first.address) == [{"serial": first.serial, "exit_codes": [3]}]
        with pytest.raises(SimError, match="no device 'nowhere'"):
            fleet.shell_blocking(["true"], "nowhere")
        assert fleet.request_all({"op": "shell", "lines": "true"})[0] == {
            "ok": False, "error": "lines must be a list of command lines"}


def test_a_worker_whose_parent_is_gone_stops_its_devices_and_exits() -> None:
    worker = subprocess.Popen([sys.executable, "-m", "jobctl_sim.workers", "--count", "1"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert worker.stdout is not None and worker.stdin is not None
    announced = json.loads(worker.stdout.readline())
    assert announced["ready"] and len(announced["devices"]) == 1
    worker.stdin.close()  # what the parent's death looks like from here
    assert worker.wait(15) == 0
    worker.stdout.close()


def test_memory_per_device_is_bounded_and_does_not_grow_with_work(adb: PrivateAdbServer) -> None:
    with open(os.devnull, "wb") as quiet, WorkerFleet(FleetSpec(count=2), workers=2, log=quiet) as fleet:
        for address in fleet.addresses:
            adb.server.connect_device(address)
        wait_online(adb.server, fleet.addresses, time.monotonic() + 30)
        helpers = [Helper(connect(address, adb.server)) for address in fleet.addresses]

        def work() -> None:
            for helper in helpers:
                for n in range(40):
                    helper.schedule(JobSpec(100 + n, requires_charging=True))
                helper.cancel_all()

        work()  # warm: first-use allocations are not growth
        before = fleet.rss_bytes()
        for _ in range(5):
            work()
        after = fleet.rss_bytes()
        for address in fleet.addresses:
            adb.server.disconnect_device(address)
    if not before:
        pytest.skip("no /proc: RSS cannot be read here")
    assert all(size < 150 * 2**20 for size in after.values()), after  # one device per worker
    assert all(after[pid] <= before[pid] * 1.10 + 4 * 2**20 for pid in before), (before, after)


def test_sim_start_spreads_its_devices_over_workers_and_sim_stop_ends_them(adb: PrivateAdbServer,
                                                                          tmp_path: Path) -> None:
    started = jobctl(adb, "--json", "sim", "start", "--count", "3", state_dir=tmp_path)
    assert started.returncode == 0, started.stderr
    record = json.loads(started.stdout)
    workers = _children(record["pid"])
    try:
        assert len(workers) == default_worker_count(3)
        status = json.loads(jobctl(adb, "--json", "sim", "status", state_dir=tmp_path).stdout)
        assert {row["serial"] for row in status} == set(record["serials"])
        last = record["serials"][-1]
        faults = jobctl(adb, "--json", "sim", "fault", "list", "-s", last, state_dir=tmp_path)
        assert faults.returncode == 0, faults.stderr
        assert [d["address"] for d in json.loads(faults.stdout)] == [last]
        assert connect(last, adb.server).shell(["echo", "hi"]).text == "hi\n"
    finally:
        stopped = jobctl(adb, "sim", "stop", state_dir=tmp_path)
    assert stopped.returncode == 0, stopped.stderr
    assert wait_until(lambda: not any(_alive(pid) for pid in workers), 10)
