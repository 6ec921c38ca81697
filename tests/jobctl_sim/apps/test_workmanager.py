"""The WorkManager sample app on the virtual device: namespace and job ids, the androidx.work
database read through ``run-as``, chains, retries, stops, forced runs before schedule, and the
diagnostics broadcast -- driven through the device shell (the typed API only to choose outcomes)."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

from jobctl_sim.apps import sample
from jobctl_sim.apps.workmanager.model import Result
from jobctl_sim.device import VirtualDevice
from tests.jobctl_sim.apps.test_population import device, sh, until

PKG = sample.PACKAGE
NS = "androidx.work.systemjobscheduler"
LAUNCH = f"am start -n {PKG}/.MainActivity"


def app(dev: VirtualDevice) -> sample.SampleApp:
    found = sample.sample_app(dev.android)
    assert found is not None
    return found


async def database(dev: VirtualDevice, tmp_path: Path) -> sqlite3.Connection:
    result = await dev.shell(f"run-as {PKG} cat databases/androidx.work.workdb")
    assert result.exit_code == 0, result
    path = tmp_path / "androidx.work.workdb"
    path.write_bytes(result.stdout)
    return sqlite3.connect(path)


async def job_state(dev: VirtualDevice, job_id: int, api: int = 34) -> str:
    ns = f"-n {NS} " if api >= 34 else ""
    return await sh(dev, f"cmd jobscheduler get-job-state {ns}{PKG} {job_id}")


def test_the_sample_app_is_installed_debuggable_with_no_work_until_launched() -> None:
    async def body() -> None:
        dev = device(34)
        assert f"package:{PKG}" in await sh(dev, "pm list packages -3")
        assert await sh(dev, f"run-as {PKG} id -u") == "10190\n"
        assert "u0a190" not in await sh(dev, "dumpsys jobscheduler | grep 'JOB '")

    asyncio.run(body())


def test_launch_schedules_the_demo_work_in_the_workmanager_namespace_with_ids_from_zero(tmp_path: Path) -> None:
    async def body() -> None:
        dev = device(34)
        app(dev).set_behaviour(sample.SYNC, run_ms=600_000)  # keep job 0 running while we look
        await sh(dev, LAUNCH)
        dump = await sh(dev, f"dumpsys jobscheduler {PKG}")
        headers = re.findall(r"^  JOB (\S+): \S+ (\S+)$", dump, re.M)
        service = f"@{NS}@{PKG}/androidx.work.impl.background.systemjob.SystemJobService"
        assert headers == [(f"{NS}:u0a190/{i}", service) for i in range(4)]
        connection = await database(dev, tmp_path)
        ids = dict(connection.execute("SELECT work_spec_id, system_id FROM SystemIdInfo").fetchall())
        names = dict(connection.execute("SELECT worker_class_name, id FROM WorkSpec").fetchall())
        assert ids == {names[sample.SYNC]: 0, names[sample.REFRESH]: 1, names[sample.UPLOAD]: 2,
                       names[sample.COMPRESS]: 3}
        refresh = dump.split(f"JOB {NS}:u0a190/1:")[1].split("  JOB ")[0]
        assert f"EXTRA_WORK_SPEC_ID={names[sample.REFRESH]}" in refresh
        assert "EXTRA_IS_PERIODIC=true" in refresh and "PERIODIC:" not in refresh  # a one-off job with a delay
        assert "Minimum latency: +9m59s" in refresh  # 15 min interval, 5 min flex: first run at 10 min

    asyncio.run(body())


def test_below_api_34_workmanager_jobs_live_in_the_default_namespace() -> None:
    async def body() -> None:
        dev = device(33)
        await sh(dev, LAUNCH)
        dump = await sh(dev, f"dumpsys jobscheduler {PKG}")
        assert re.findall(r"^  JOB (\S+):", dump, re.M)[:4] == [f"#u0a190/{i}" for i in range(4)]

    asyncio.run(body())


def test_the_database_has_androidx_schema_24_and_tracks_states_tags_names_and_dependencies(tmp_path: Path) -> None:
    async def body() -> None:
        dev = device(34)
        await sh(dev, LAUNCH)
        wm = app(dev).wm
        chain_b = next(w for w, s in wm.specs.items() if s.worker_class_name == sample.ARCHIVE)

        async def chain_done() -> bool:
            return wm.specs[chain_b].state.name == "SUCCEEDED"
        await until(chain_done)
        listing = await sh(dev, f"run-as {PKG} ls databases")
        assert listing.split() == ["androidx.work.workdb", "androidx.work.workdb-shm", "androidx.work.workdb-wal"]
        db = await database(dev, tmp_path)
        assert (tmp_path / "androidx.work.workdb").read_bytes()[18:20] == b"\x02\x02"  # WAL mode header
        assert db.execute("PRAGMA user_version").fetchone() == (24,)
        assert db.execute("SELECT identity_hash FROM room_master_table WHERE id = 42").fetchone() == (
            "08b926448d86528e697981ddd30459f7",)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"WorkSpec", "WorkTag", "WorkName", "Dependency", "SystemIdInfo", "WorkProgress", "Preference",
                "room_master_table"} <= tables
        rows = {r[0]: r[1:] for r in db.execute(
            "SELECT worker_class_name, state, run_attempt_count, period_count, interval_duration FROM WorkSpec")}
        assert rows[sample.SYNC][:2] == (2, 1)  # SUCCEEDED after one attempt
        assert rows[sample.REFRESH] == (0, 0, 0, 900000)  # ENQUEUED periodic, waiting for its window
        a, b = (db.execute("SELECT id FROM WorkSpec WHERE worker_class_name = ?", (w,)).fetchone()[0]
                for w in (sample.COMPRESS, sample.ARCHIVE))
        assert db.execute("SELECT work_spec_id, prerequisite_id FROM Dependency").fetchall() == [(b, a)]
        assert db.execute("SELECT system_id FROM SystemIdInfo WHERE work_spec_id = ?", (b,)).fetchone() == (4,)
        assert db.execute("SELECT name FROM WorkName ORDER BY name").fetchall() == [("refresh",), ("upload",)]
        assert (sample.UPLOAD, ) in db.execute("SELECT tag FROM WorkTag").fetchall()
        assert db.execute("SELECT long_value FROM Preference WHERE key = 'next_job_scheduler_id'").fetchone() == (5,)
        history = (await sh(dev, f"dumpsys jobscheduler {PKG}")).split("Job history:")[1]
        assert f"STOP-P: {NS}:u0a190/4 " in history  # the unblocked second step ran as job 4

    asyncio.run(body())


def test_a_forced_run_of_periodic_work_before_its_schedule_is_skipped_by_workmanager() -> None:
    async def body() -> None:
        dev = device(34)
        await sh(dev, LAUNCH)
        assert await sh(dev, f"cmd jobscheduler run -f -n {NS} {PKG} 1") == "Running job [FORCED]\n"

        async def backed_off() -> bool:
            return "Num failures: 1" in (await sh(dev, f"dumpsys jobscheduler {PKG}")).split(
                f"JOB {NS}:u0a190/1:")[1].split("  JOB ")[0]
        await until(backed_off)
        log = await sh(dev, "logcat -d -s WM-WorkerWrapper")
        assert (f"D WM-WorkerWrapper: Delaying execution for {sample.REFRESH} because it is being executed "
                "before schedule.") in log
        refresh = next(s for s in app(dev).wm.specs.values() if s.worker_class_name == sample.REFRESH)
        assert (refresh.state.name, refresh.run_attempt_count) == ("ENQUEUED", 0)  # the worker never ran

    asyncio.run(body())


def test_a_worker_returning_retry_is_rescheduled_with_backoff_and_counts_the_attempt(tmp_path: Path) -> None:
    async def body() -> None:
        dev = device(34)
        app(dev).set_behaviour(sample.SYNC, run_ms=1_000, results=(Result.RETRY, Result.SUCCESS))
        await sh(dev, LAUNCH)

        async def retried() -> bool:
            return "Worker result RETRY" in await sh(dev, "logcat -d -s WM-WorkerWrapper")
        await until(retried)
        assert "Num failures: 1" in (await sh(dev, f"dumpsys jobscheduler {PKG}")).split(
            f"JOB {NS}:u0a190/0:")[1].split("  JOB ")[0]
        db = await database(dev, tmp_path)
        assert db.execute("SELECT state, run_attempt_count FROM WorkSpec WHERE worker_class_name = ?",
                          (sample.SYNC,)).fetchone() == (0, 1)

    asyncio.run(body())


def test_a_user_stop_puts_running_work_back_to_enqueued_with_the_stop_reason(tmp_path: Path) -> None:
    async def body() -> None:
        dev = device(34)
        app(dev).set_behaviour(sample.SYNC, run_ms=600_000)
        await sh(dev, LAUNCH)

        async def running() -> bool:
            return (await job_state(dev, 0)).startswith("active")
        await until(running)
        await sh(dev, f"cmd jobscheduler stop -n {NS} -s 13 {PKG} 0")  # STOP_REASON_USER
        db = await database(dev, tmp_path)
        assert db.execute("SELECT state, run_attempt_count, stop_reason FROM WorkSpec WHERE worker_class_name = ?",
                          (sample.SYNC,)).fetchone() == (0, 1, 13)
        assert "onStopJob for WorkGenerationalId(" in await sh(dev, "logcat -d -s WM-SystemJobService")

    asyncio.run(body())


def test_force_stop_drops_the_jobs_and_the_next_launch_reschedules_them_with_the_same_ids() -> None:
    async def body() -> None:
        dev = device(34)
        app(dev).set_behaviour(sample.SYNC, run_ms=600_000)
        await sh(dev, LAUNCH)
        await sh(dev, f"am force-stop {PKG}")
        assert "u0a190" not in await sh(dev, "dumpsys jobscheduler | grep 'JOB '")
        await sh(dev, LAUNCH)
        dump = await sh(dev, f"dumpsys jobscheduler {PKG}")
        assert f"JOB {NS}:u0a190/1:" in dump and f"JOB {NS}:u0a190/2:" in dump

    asyncio.run(body())


def test_the_diagnostics_broadcast_logs_workmanagers_tables() -> None:
    async def body() -> None:
        dev = device(34)
        app(dev).set_behaviour(sample.SYNC, run_ms=600_000)
        await sh(dev, LAUNCH)
        out = await sh(dev, f"am broadcast -a androidx.work.diagnostics.REQUEST_DIAGNOSTICS -p {PKG}")
        assert "Broadcast completed: result=0" in out
        log = await sh(dev, "logcat -d -v raw -s WM-DiagnosticsWrkr")
        assert re.search(r"Running work:\n+ Id \t Class Name\t Job Id\t State\t Unique Name\t Tags\t\n", log)
        refresh = next(s for s in app(dev).wm.specs.values() if s.worker_class_name == sample.REFRESH)
        assert (f"{refresh.id}\t {sample.REFRESH}\t 1\t ENQUEUED\t refresh\t {sample.REFRESH},refresh\t"
                in log.split("Enqueued work:")[1])
        assert "androidx.work.impl.workers.DiagnosticsWorker\t 4\t RUNNING\t" in log

    asyncio.run(body())


def test_periodic_work_runs_in_its_window_and_its_next_period_reuses_the_job_id(tmp_path: Path) -> None:
    async def body() -> None:
        dev = device(34)
        await sh(dev, LAUNCH)
        wm = app(dev).wm
        refresh = next(w for w, s in wm.specs.items() if s.worker_class_name == sample.REFRESH)

        async def one_period() -> bool:
            return wm.specs[refresh].period_count == 1
        await until(one_period)  # 10 virtual minutes: 0.6 s at speed 1000
        db = await database(dev, tmp_path)
        assert db.execute("SELECT state, period_count, run_attempt_count FROM WorkSpec WHERE id = ?",
                          (refresh,)).fetchone() == (0, 1, 0)
        assert db.execute("SELECT system_id FROM SystemIdInfo WHERE work_spec_id = ?", (refresh,)).fetchone() == (1,)
        job = (await sh(dev, f"dumpsys jobscheduler {PKG}")).split(f"JOB {NS}:u0a190/1:")[1].split("  JOB ")[0]
        assert re.search(r"Minimum latency: \+1[45]m\d\ds", job)  # the next period, 15 min after this run

    asyncio.run(body())


def test_unique_work_keep_returns_the_existing_work_and_replace_cancels_it() -> None:
    async def body() -> None:
        dev = device(34)
        sample_app = app(dev)
        sample_app.set_behaviour(sample.UPLOAD, run_ms=600_000)
        first = sample_app.enqueue_one_time(sample.UPLOAD, unique_name="upload")
        assert sample_app.enqueue_one_time(sample.UPLOAD, unique_name="upload") == first
        second = sample_app.enqueue_one_time(sample.UPLOAD, unique_name="upload", policy=sample.REPLACE)
        assert second != first
        assert sample_app.work(first) is not None and sample_app.work(first).state.name == "CANCELLED"  # type: ignore[union-attr]
        assert sample_app.job_id(first) is None and sample_app.job_id(second) == 1
        dump = await sh(dev, f"dumpsys jobscheduler {PKG}")
        assert re.findall(r"^  JOB (\S+):", dump, re.M) == [f"{NS}:u0a190/1"]

    asyncio.run(body())
