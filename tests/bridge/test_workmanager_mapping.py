"""WorkManager awareness (issue 13 item 4): job id -> WorkSpec from WorkManager's own database
(read with sqlite3 on the host) or, for any app, its diagnostics broadcast; on the virtual
device's sample app and on databases built here from androidx.work's real schema."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import Device
from bridge.workmanager import (
    NAMESPACE,
    UnknownSchemaError,
    label_job,
    parse_diagnostics,
    read_database,
    work_specs,
)
from jobctl_sim.fleet import FleetSpec
from jobctl_sim.harness import SimHarness
from tests.support.waiting import wait_until

SAMPLE = "com.example.jobctl.sample"
WORK = f"{SAMPLE}.work"

SCHEMA_23 = (
    # androidx.work 2.10's WorkDatabase, schema 23 (identity hash 86254750241babac4b8d52996a675549)
    "CREATE TABLE `Dependency` (`work_spec_id` TEXT NOT NULL, `prerequisite_id` TEXT NOT NULL, "
    "PRIMARY KEY(`work_spec_id`, `prerequisite_id`))",
    "CREATE TABLE `WorkSpec` (`id` TEXT NOT NULL, `state` INTEGER NOT NULL, `worker_class_name` TEXT NOT NULL, "
    "`input_merger_class_name` TEXT NOT NULL, `input` BLOB NOT NULL, `output` BLOB NOT NULL, `initial_delay` "
    "INTEGER NOT NULL, `interval_duration` INTEGER NOT NULL, `flex_duration` INTEGER NOT NULL, "
    "`run_attempt_count` INTEGER NOT NULL, `backoff_policy` INTEGER NOT NULL, `backoff_delay_duration` INTEGER "
    "NOT NULL, `last_enqueue_time` INTEGER NOT NULL DEFAULT -1, `minimum_retention_duration` INTEGER NOT NULL, "
    "`schedule_requested_at` INTEGER NOT NULL, `run_in_foreground` INTEGER NOT NULL, `out_of_quota_policy` "
    "INTEGER NOT NULL, `period_count` INTEGER NOT NULL DEFAULT 0, `generation` INTEGER NOT NULL DEFAULT 0, "
    "`next_schedule_time_override` INTEGER NOT NULL DEFAULT 9223372036854775807, "
    "`next_schedule_time_override_generation` INTEGER NOT NULL DEFAULT 0, `stop_reason` INTEGER NOT NULL DEFAULT "
    "-256, `trace_tag` TEXT, `required_network_type` INTEGER NOT NULL, `required_network_request` BLOB NOT NULL "
    "DEFAULT x'', `requires_charging` INTEGER NOT NULL, `requires_device_idle` INTEGER NOT NULL, "
    "`requires_battery_not_low` INTEGER NOT NULL, `requires_storage_not_low` INTEGER NOT NULL, "
    "`trigger_content_update_delay` INTEGER NOT NULL, `trigger_max_content_delay` INTEGER NOT NULL, "
    "`content_uri_triggers` BLOB NOT NULL, PRIMARY KEY(`id`))",
    "CREATE TABLE `WorkTag` (`tag` TEXT NOT NULL, `work_spec_id` TEXT NOT NULL, PRIMARY KEY(`tag`, `work_spec_id`))",
    "CREATE TABLE `SystemIdInfo` (`work_spec_id` TEXT NOT NULL, `generation` INTEGER NOT NULL DEFAULT 0, "
    "`system_id` INTEGER NOT NULL, PRIMARY KEY(`work_spec_id`, `generation`))",
    "CREATE TABLE `WorkName` (`name` TEXT NOT NULL, `work_spec_id` TEXT NOT NULL, PRIMARY KEY(`name`, `work_spec_id`))",
    "CREATE TABLE `WorkProgress` (`work_spec_id` TEXT NOT NULL, `progress` BLOB NOT NULL, PRIMARY KEY(`work_spec_id`))",
    "CREATE TABLE `Preference` (`key` TEXT NOT NULL, `long_value` INTEGER, PRIMARY KEY(`key`))",
    "CREATE TABLE room_master_table (id INTEGER PRIMARY KEY,identity_hash TEXT)",
    "INSERT INTO room_master_table (id,identity_hash) VALUES(42, '86254750241babac4b8d52996a675549')",
)
HOUR = 3_600_000


def _work(db: sqlite3.Connection, spec_id: str, worker: str, *, state: int = 0, interval: int = 0, flex: int = 0,
          attempts: int = 0, enqueued: int = 1_000_000, periods: int = 0, generation: int = 0) -> None:
    db.execute("INSERT INTO WorkSpec (id, state, worker_class_name, input_merger_class_name, input, output, "
               "initial_delay, interval_duration, flex_duration, run_attempt_count, backoff_policy, "
               "backoff_delay_duration, last_enqueue_time, minimum_retention_duration, schedule_requested_at, "
               "run_in_foreground, out_of_quota_policy, period_count, generation, required_network_type, "
               "requires_charging, requires_device_idle, requires_battery_not_low, requires_storage_not_low, "
               "trigger_content_update_delay, trigger_max_content_delay, content_uri_triggers) VALUES "
               "(?, ?, ?, 'androidx.work.OverwritingInputMerger', x'', x'', 0, ?, ?, ?, 0, 30000, ?, 0, ?, 0, 0, ?, ?,"
               " 0, 0, 0, 0, 0, -1, -1, x'')",
               (spec_id, state, worker, interval, flex, attempts, enqueued, enqueued, periods, generation))
    db.execute("INSERT INTO WorkTag VALUES (?, ?)", (worker, spec_id))


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """One-time, periodic, unique and chained work, as WorkManager 2.10 stores it."""
    path = tmp_path / "androidx.work.workdb"
    with sqlite3.connect(path) as db:
        for statement in SCHEMA_23:
            db.execute(statement)
        db.execute("PRAGMA user_version = 23")
        _work(db, "a-one-time", "app.SyncWorker", state=2, attempts=1)
        db.execute("INSERT INTO WorkTag VALUES ('sync', 'a-one-time')")
        _work(db, "b-periodic", "app.RefreshWorker", interval=HOUR, flex=15 * 60_000, periods=1)
        _work(db, "c-unique", "app.UploadWorker", attempts=2)
        db.execute("INSERT INTO WorkName VALUES ('upload', 'c-unique')")
        _work(db, "d-first", "app.CompressWorker", state=1, attempts=1)
        _work(db, "e-second", "app.ArchiveWorker", state=4)
        db.execute("INSERT INTO Dependency VALUES ('e-second', 'd-first')")
        _work(db, "f-updated", "app.ReworkWorker", generation=2)
        for spec, generation, system_id in (("a-one-time", 0, 0), ("b-periodic", 0, 1), ("c-unique", 0, 2),
                                            ("d-first", 0, 3), ("f-updated", 1, 5), ("f-updated", 2, 6)):
            db.execute("INSERT INTO SystemIdInfo VALUES (?, ?, ?)", (spec, generation, system_id))
    return path


def test_one_time_periodic_unique_and_chained_work_map_to_their_job_ids(database: Path) -> None:
    specs = read_database(database)
    assert sorted(specs) == [0, 1, 2, 3, 6]  # job 5 was generation 1 of updated work: dropped
    assert (specs[0].worker_class, specs[0].state, specs[0].tags) == ("app.SyncWorker", "SUCCEEDED",
                                                                      ("app.SyncWorker", "sync"))
    assert specs[1].periodic and specs[1].next_run_time_ms == 1_000_000 + HOUR  # second period: one interval on
    assert specs[1].skips_forced_run(1_000_000 + HOUR - 1) and not specs[1].skips_forced_run(1_000_000 + HOUR)
    assert specs[2].unique_names == ("upload",) and specs[2].run_attempt_count == 2
    assert specs[2].skips_forced_run(1_000_000 + 30_000)  # backed off: 30 s x 2^(2-1) from the last enqueue
    assert specs[3].state == "RUNNING" and 4 not in specs  # the chain's BLOCKED step has no job yet
    assert specs[6].generation == 2 and specs[6].worker_class == "app.ReworkWorker"
    assert specs[0].label == "app.SyncWorker [SUCCEEDED] tags=sync run attempt 1"


def test_a_database_of_an_unknown_schema_version_is_refused_by_name(database: Path) -> None:
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(UnknownSchemaError, match=r"schema 99 \(jobctl reads 12-24\)"):
        read_database(database)


def test_a_schema_without_a_column_read_here_is_refused_by_name(database: Path) -> None:
    with sqlite3.connect(database) as db:
        db.execute("ALTER TABLE WorkName RENAME COLUMN name TO label")
    with pytest.raises(UnknownSchemaError, match="WorkName lacks name"):
        read_database(database)


def test_diagnostics_rows_are_parsed_from_logcat_lines() -> None:
    log = ("12-06 10:00:00.000  1234  1250 I WM-DiagnosticsWrkr: Enqueued work:\n"
           "12-06 10:00:00.001  1234  1250 I WM-DiagnosticsWrkr: \n"
           "12-06 10:00:00.001  1234  1250 I WM-DiagnosticsWrkr:  Id \t Class Name\t Job Id\t State\t "
           "Unique Name\t Tags\t\n"
           "12-06 10:00:00.001  1234  1250 I WM-DiagnosticsWrkr: 5a3c0000-0000-4000-8000-000000000002\t "
           "app.RefreshWorker\t 1\t ENQUEUED\t refresh\t app.RefreshWorker,refresh\t\n"
           "5a3c0000-0000-4000-8000-000000000009\t app.NoJobYet\t null\t BLOCKED\t \t app.NoJobYet\t\n")
    specs = parse_diagnostics(log)
    assert list(specs) == [1]
    assert specs[1].unique_names == ("refresh",) and specs[1].source == "diagnostics"
    assert specs[1].run_attempt_count is None
    assert specs[1].label == "app.RefreshWorker [ENQUEUED] unique=refresh tags=refresh"


# ---------------------------------------------------------------------------- on the virtual device


@pytest.fixture
def sample(adb: PrivateAdbServer) -> Iterator[tuple[SimHarness, object]]:
    """A device with the sample app launched once: its demo work enqueued (jobs 0-4)."""
    from bridge.device import connect

    harness = SimHarness(FleetSpec(speed=60)).start()
    try:
        harness.connect(adb.server)
        device = connect(harness.addresses[0], adb.server)
        device.shell(["am", "start", "-n", f"{SAMPLE}/.MainActivity"], check=True)
        yield harness, device
    finally:
        harness.stop()


def test_the_sample_apps_jobs_are_labelled_from_its_database(sample) -> None:  # type: ignore[no-untyped-def]
    _, device = sample
    # Job 4 (ArchiveWorker) is scheduled only once its prerequisite (CompressWorker, 2 virtual s)
    # succeeded: wait for it rather than race it.
    assert wait_until(lambda: label_job(device, SAMPLE, 4, NAMESPACE) is not None, 60), "no ArchiveWorker job"
    labels = {job: label_job(device, SAMPLE, job, NAMESPACE) for job in range(5)}
    specs = {job: label.spec for job, label in labels.items() if label is not None}
    assert {job: spec.worker_class.rsplit(".", 1)[1] for job, spec in specs.items() if spec} == {
        0: "SyncWorker", 1: "RefreshWorker", 2: "UploadWorker", 3: "CompressWorker", 4: "ArchiveWorker"}
    assert all(spec is not None and spec.source == "database" for spec in specs.values())
    refresh, upload, archive = specs[1], specs[2], specs[4]
    assert refresh is not None and refresh.periodic and refresh.unique_names == ("refresh",)
    assert upload is not None and upload.unique_names == ("upload",) and "upload" in upload.tags
    assert archive is not None and archive.prerequisites == (specs[3].id,)  # type: ignore[union-attr]
    assert any("WorkManager will skip a forced run now" in note for note in labels[1].notes)  # type: ignore[union-attr]
    assert label_job(device, "dev.jobctl.helper", 0, None) is None  # not WorkManager's
    # the registered job's extras (EXTRA_WORK_SPEC_ID) agree with SystemIdInfo
    from bridge.workmanager import _extra_work_spec_id

    text = device.shell(["dumpsys", "jobscheduler", SAMPLE]).text
    assert _extra_work_spec_id(text, 1, NAMESPACE) == refresh.id
    assert not any("extras" in note for label in labels.values() if label for note in label.notes)


def test_a_non_debuggable_app_falls_back_to_diagnostics_in_one_line(sample) -> None:  # type: ignore[no-untyped-def]
    harness, device = sample
    record = harness.devices[0].android.packages.record(SAMPLE)
    record.facts = dataclasses.replace(record.facts, debuggable=False)
    specs, notes = work_specs(device, SAMPLE)
    assert notes == (f"run-as: package not debuggable: {SAMPLE}: showing WorkManager's diagnostics broadcast "
                     "instead (no run attempt count)",)
    assert specs[1].worker_class == f"{WORK}.RefreshWorker" and specs[1].source == "diagnostics"
    assert specs[1].unique_names == ("refresh",)


def test_an_unknown_schema_on_the_device_falls_back_to_diagnostics_in_one_line(
        sample: tuple[SimHarness, Device], monkeypatch: pytest.MonkeyPatch) -> None:
    import bridge.workmanager as workmanager

    _, device = sample

    def newer_schema(device: object, package: str) -> dict[int, object]:
        raise UnknownSchemaError("WorkManager database schema 31 (jobctl reads 12-24)")

    monkeypatch.setattr(workmanager, "read_from_device", newer_schema)
    specs, notes = work_specs(device, SAMPLE)
    assert notes == ("WorkManager database schema 31 (jobctl reads 12-24): showing WorkManager's diagnostics "
                     "broadcast instead (no run attempt count)",)
    assert specs[0].worker_class == f"{WORK}.SyncWorker" and specs[0].source == "diagnostics"
