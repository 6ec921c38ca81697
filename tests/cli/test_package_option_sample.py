"""``-p`` on the virtual device's WorkManager sample app (``com.example.jobctl.sample``), driven
the way a developer drives their own app: launch it, then read and drive its jobs with jobctl,
and check ``history`` lists every start and stop that was provoked, in order, with its reason."""

from __future__ import annotations

import json

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from tests.cli.test_sim_and_devices import jobctl
from tests.support.waiting import wait_until

SAMPLE = "com.example.jobctl.sample"
NS = "androidx.work.systemjobscheduler"
"""WorkManager 2.10+ schedules its jobs in this namespace on API 34+."""


def _state(adb: PrivateAdbServer, serial: str, job_id: int) -> list[str]:
    result = jobctl(adb, "-s", serial, "--json", "state", str(job_id), "-p", SAMPLE, "-n", NS)
    return list(json.loads(result.stdout)["state"]) if result.returncode == 0 else []


def test_the_sample_apps_jobs_are_driven_and_their_history_is_complete(adb: PrivateAdbServer, sim,  # type: ignore[no-untyped-def]
                                                                         serial: str) -> None:
    from jobctl_sim.apps.sample import sample_app

    def long_workers() -> None:  # jobs 0, 2 and 3 run until stopped
        app = sample_app(sim.devices[0].android)
        assert app is not None
        for worker in ("SyncWorker", "UploadWorker", "CompressWorker"):
            app.set_behaviour(f"{SAMPLE}.work.{worker}", run_ms=600_000)

    sim.run(long_workers)
    assert jobctl(adb, "-s", serial, "jobs", "-p", SAMPLE).stdout.strip() == f"{SAMPLE} has no jobs"  # not launched
    assert jobctl(adb, "-s", serial, "device", "charging", "on").returncode == 0
    connect(serial, adb.server).shell(["am", "start", "-n", f"{SAMPLE}/.MainActivity"], check=True)
    jobs = json.loads(jobctl(adb, "-s", serial, "--json", "jobs", "-p", SAMPLE).stdout)
    assert [(j["namespace"], j["job_id"]) for j in jobs] == [(NS, 0), (NS, 1), (NS, 2), (NS, 3)]
    assert all(j["service"] == f"{SAMPLE}/androidx.work.impl.background.systemjob.SystemJobService" for j in jobs)

    assert wait_until(lambda: "active" in _state(adb, serial, 2), 15)  # UploadWorker: requires charging
    assert jobctl(adb, "-s", serial, "device", "charging", "off").returncode == 0  # -> stopped, constraint lost
    assert wait_until(lambda: "active" not in _state(adb, serial, 2), 15)

    assert wait_until(lambda: "active" in _state(adb, serial, 0), 15)  # SyncWorker
    stopped = jobctl(adb, "-s", serial, "stop", "0", "-p", SAMPLE, "-n", NS, "--reason", "user")
    assert stopped.returncode == 0, stopped.stderr
    assert wait_until(lambda: "active" not in _state(adb, serial, 0), 15)
    assert wait_until(lambda: "active" in _state(adb, serial, 3), 15)  # CompressWorker
    assert jobctl(adb, "-s", serial, "timeout", "3", "-p", SAMPLE, "-n", NS).returncode == 0
    assert wait_until(lambda: "active" not in _state(adb, serial, 3), 15)
    # A forced run of work in backoff: WorkManager's worker is not run "before its schedule" and the
    # job finishes at once (jobFinished(true)): one more start and stop of job 0.
    assert jobctl(adb, "-s", serial, "run", "0", "-p", SAMPLE, "-n", NS).returncode == 0

    def stops_of_0() -> int:
        found = json.loads(jobctl(adb, "-s", serial, "--json", "history", "-p", SAMPLE, "--job", "0").stdout)
        return sum(1 for r in found["records"] if r["kind"] == "stop")

    assert wait_until(lambda: stops_of_0() == 2, 15)

    history = json.loads(jobctl(adb, "-s", serial, "--json", "history", "-p", SAMPLE).stdout)
    assert history["package"] == SAMPLE and history["notes"] == []
    rows = [(r["kind"], r["job_id"], r["ending"], r["internal_reason"], r["reason_text"])
            for r in history["records"] if r["job_id"] in (0, 2, 3)]
    assert [row for row in rows if row[1] == 2] == [
        ("start", 2, None, None, None),
        ("stop", 2, "stopped", "CONSTRAINTS_NOT_SATISFIED", "cancelled due to unsatisfied constraints")]
    assert [row for row in rows if row[1] == 0] == [
        ("start", 0, None, None, None), ("stop", 0, "stopped", None, "stop from shell"),
        ("start", 0, None, None, None), ("stop", 0, "finished", None, "app called jobFinished")]
    assert [row for row in rows if row[1] == 3] == [
        ("start", 3, None, None, None), ("stop", 3, "stopped", None, "stop from shell")]
    order = [(row[0], row[1]) for row in rows]
    assert order.index(("stop", 2)) < order.index(("stop", 3))  # in the order they were provoked
    times = [r["at"] for r in history["records"]]
    assert times == sorted(times)
    assert all(r["namespace"] == NS for r in history["records"])
    only = json.loads(jobctl(adb, "-s", serial, "--json", "history", "-p", SAMPLE, "--job", "2", "-n", NS).stdout)
    assert [r["kind"] for r in only["records"]] == ["start", "stop"]

    stops = json.loads(jobctl(adb, "-s", serial, "--json", "stops", "-p", SAMPLE).stdout)
    assert [(s["job_id"], s["reason_text"]) for s in stops if s["job_id"] in (0, 2, 3)] == [
        (2, "cancelled due to unsatisfied constraints"), (0, "stop from shell"), (3, "stop from shell"),
        (0, "app called jobFinished")]

    cancelled = jobctl(adb, "-s", serial, "cancel", "1", "-p", SAMPLE, "-n", NS)
    assert cancelled.returncode == 0, cancelled.stderr
    gone = jobctl(adb, "-s", serial, "state", "1", "-p", SAMPLE, "-n", NS)
    assert gone.returncode == 1 and f"no job 1 in namespace '{NS}' of {SAMPLE}" in gone.stderr
