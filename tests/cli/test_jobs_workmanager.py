"""``jobctl jobs -p`` labels each of WorkManager's jobs with its WorkSpec (one read of the app's
database for the whole list) and flags the periodic job whose forced run WorkManager would skip."""

from __future__ import annotations

import json

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from tests.cli.test_sim_and_devices import jobctl

SAMPLE = "com.example.jobctl.sample"
NS = "androidx.work.systemjobscheduler"


def test_jobs_p_labels_one_time_periodic_unique_and_chained_work(adb: PrivateAdbServer, sim,  # type: ignore[no-untyped-def]
                                                                  serial: str) -> None:
    from jobctl_sim.apps.sample import sample_app

    def long_workers() -> None:  # the one-time, unique and first chained work run until stopped
        app = sample_app(sim.devices[0].android)
        assert app is not None
        for worker in ("SyncWorker", "UploadWorker", "CompressWorker"):
            app.set_behaviour(f"{SAMPLE}.work.{worker}", run_ms=600_000)

    sim.run(long_workers)
    connect(serial, adb.server).shell(["am", "start", "-n", f"{SAMPLE}/.MainActivity"], check=True)
    result = jobctl(adb, "-s", serial, "--json", "jobs", "-p", SAMPLE)
    assert result.returncode == 0, result.stderr
    work = {job["job_id"]: job["work"] for job in json.loads(result.stdout)}
    classes = {job_id: w["spec"]["worker_class"].rsplit(".", 1)[1] for job_id, w in work.items()}
    assert classes == {0: "SyncWorker", 1: "RefreshWorker", 2: "UploadWorker", 3: "CompressWorker"}
    assert work[1]["spec"]["periodic"] and work[1]["spec"]["unique_names"] == ["refresh"]
    assert work[1]["skips_forced_run"] and not work[0]["skips_forced_run"]
    assert work[2]["spec"]["unique_names"] == ["upload"] and "sync" in work[0]["spec"]["tags"]
    assert "chain" in work[3]["spec"]["tags"] and work[3]["spec"]["state"] in ("ENQUEUED", "RUNNING")

    table = jobctl(adb, "-s", serial, "jobs", "-p", SAMPLE).stdout
    assert "WorkManager work" in table and "RefreshWorker [ENQUEUED] unique=refresh" in table
    assert "a forced run now is skipped" in table


def test_jobs_p_of_an_app_without_workmanager_reads_no_database(adb: PrivateAdbServer, sim,  # type: ignore[no-untyped-def]
                                                                serial: str) -> None:
    before = len(sim.devices[0].executed)
    result = jobctl(adb, "-s", serial, "--json", "jobs", "-p", "android")
    assert result.returncode == 0, result.stderr
    assert all("work" not in job for job in json.loads(result.stdout))
    ran = [" ".join(argv) for argv in list(sim.devices[0].executed)[before:]]
    assert not [line for line in ran if "run-as" in line or "REQUEST_DIAGNOSTICS" in line]
