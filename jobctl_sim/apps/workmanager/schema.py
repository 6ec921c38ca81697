"""WorkManager's database file: ``databases/androidx.work.workdb``, schema version 24.

The tables, columns, keys and indices are those of androidx ``work/work-runtime/src/schemas/
androidx.work.impl.WorkDatabase/24.json`` (androidx main, commit 31adf48a): ``Dependency``,
``WorkSpec``, ``WorkTag``, ``SystemIdInfo``, ``WorkName``, ``WorkProgress``, ``Preference`` and
Room's ``room_master_table`` (id 42, the schema's identity hash); ``PRAGMA user_version`` is the
schema version, as Room's ``SupportSQLiteOpenHelper`` sets it. Room also creates
``android_metadata`` (``locale``) on every Android SQLite database.

The file is built from the model's rows with Python's ``sqlite3`` and written whole after every
transaction. WorkManager opens it in WAL mode (Room's default ``JournalMode.AUTOMATIC`` resolves
to WRITE_AHEAD_LOGGING on a device that is not low-RAM): the header carries the WAL file-format
bytes (offsets 18/19 = 2) and the directory holds ``androidx.work.workdb-wal`` and ``-shm``. The
model's WAL is always fully checkpointed (an empty ``-wal``), so the main file alone is complete
-- on a real phone it may not be: pull ``-wal`` with it, or the last transactions are missing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

VERSION = 24
IDENTITY_HASH = "08b926448d86528e697981ddd30459f7"
DATABASE_NAME = "androidx.work.workdb"

_CASCADE = "ON UPDATE CASCADE ON DELETE CASCADE "
_TABLES = (
    "CREATE TABLE IF NOT EXISTS `Dependency` (`work_spec_id` TEXT NOT NULL, `prerequisite_id` TEXT NOT NULL, "
    "PRIMARY KEY(`work_spec_id`, `prerequisite_id`), FOREIGN KEY(`work_spec_id`) REFERENCES `WorkSpec`(`id`) "
    f"{_CASCADE}, FOREIGN KEY(`prerequisite_id`) REFERENCES `WorkSpec`(`id`) {_CASCADE})",
    "CREATE INDEX IF NOT EXISTS `index_Dependency_work_spec_id` ON `Dependency` (`work_spec_id`)",
    "CREATE INDEX IF NOT EXISTS `index_Dependency_prerequisite_id` ON `Dependency` (`prerequisite_id`)",
    "CREATE TABLE IF NOT EXISTS `WorkSpec` (`id` TEXT NOT NULL, `state` INTEGER NOT NULL, `worker_class_name` "
    "TEXT NOT NULL, `input_merger_class_name` TEXT NOT NULL, `input` BLOB NOT NULL, `output` BLOB NOT NULL, "
    "`initial_delay` INTEGER NOT NULL, `interval_duration` INTEGER NOT NULL, `flex_duration` INTEGER NOT NULL, "
    "`run_attempt_count` INTEGER NOT NULL, `backoff_policy` INTEGER NOT NULL, `backoff_delay_duration` INTEGER "
    "NOT NULL, `last_enqueue_time` INTEGER NOT NULL DEFAULT -1, `minimum_retention_duration` INTEGER NOT NULL, "
    "`schedule_requested_at` INTEGER NOT NULL, `run_in_foreground` INTEGER NOT NULL, `out_of_quota_policy` "
    "INTEGER NOT NULL, `period_count` INTEGER NOT NULL DEFAULT 0, `generation` INTEGER NOT NULL DEFAULT 0, "
    "`next_schedule_time_override` INTEGER NOT NULL DEFAULT 9223372036854775807, "
    "`next_schedule_time_override_generation` INTEGER NOT NULL DEFAULT 0, `stop_reason` INTEGER NOT NULL "
    "DEFAULT -256, `trace_tag` TEXT, `backoff_on_system_interruptions` INTEGER, `required_network_type` INTEGER "
    "NOT NULL, `required_network_request` BLOB NOT NULL DEFAULT x'', `requires_charging` INTEGER NOT NULL, "
    "`requires_device_idle` INTEGER NOT NULL, `requires_battery_not_low` INTEGER NOT NULL, "
    "`requires_storage_not_low` INTEGER NOT NULL, `trigger_content_update_delay` INTEGER NOT NULL, "
    "`trigger_max_content_delay` INTEGER NOT NULL, `content_uri_triggers` BLOB NOT NULL, PRIMARY KEY(`id`))",
    "CREATE INDEX IF NOT EXISTS `index_WorkSpec_schedule_requested_at` ON `WorkSpec` (`schedule_requested_at`)",
    "CREATE INDEX IF NOT EXISTS `index_WorkSpec_last_enqueue_time` ON `WorkSpec` (`last_enqueue_time`)",
    "CREATE TABLE IF NOT EXISTS `WorkTag` (`tag` TEXT NOT NULL, `work_spec_id` TEXT NOT NULL, PRIMARY KEY(`tag`, "
    f"`work_spec_id`), FOREIGN KEY(`work_spec_id`) REFERENCES `WorkSpec`(`id`) {_CASCADE})",
    "CREATE INDEX IF NOT EXISTS `index_WorkTag_work_spec_id` ON `WorkTag` (`work_spec_id`)",
    "CREATE TABLE IF NOT EXISTS `SystemIdInfo` (`work_spec_id` TEXT NOT NULL, `generation` INTEGER NOT NULL "
    "DEFAULT 0, `system_id` INTEGER NOT NULL, PRIMARY KEY(`work_spec_id`, `generation`), FOREIGN "
    f"KEY(`work_spec_id`) REFERENCES `WorkSpec`(`id`) {_CASCADE})",
    "CREATE TABLE IF NOT EXISTS `WorkName` (`name` TEXT NOT NULL, `work_spec_id` TEXT NOT NULL, PRIMARY "
    f"KEY(`name`, `work_spec_id`), FOREIGN KEY(`work_spec_id`) REFERENCES `WorkSpec`(`id`) {_CASCADE})",
    "CREATE INDEX IF NOT EXISTS `index_WorkName_work_spec_id` ON `WorkName` (`work_spec_id`)",
    "CREATE TABLE IF NOT EXISTS `WorkProgress` (`work_spec_id` TEXT NOT NULL, `progress` BLOB NOT NULL, PRIMARY "
    f"KEY(`work_spec_id`), FOREIGN KEY(`work_spec_id`) REFERENCES `WorkSpec`(`id`) {_CASCADE})",
    "CREATE TABLE IF NOT EXISTS `Preference` (`key` TEXT NOT NULL, `long_value` INTEGER, PRIMARY KEY(`key`))",
    "CREATE TABLE IF NOT EXISTS room_master_table (id INTEGER PRIMARY KEY,identity_hash TEXT)",
    f"INSERT OR REPLACE INTO room_master_table (id,identity_hash) VALUES(42, '{IDENTITY_HASH}')",
    "CREATE TABLE android_metadata (locale TEXT)",
    "INSERT INTO android_metadata VALUES ('en_US')",
)

WORK_SPEC_COLUMNS = (
    "id", "state", "worker_class_name", "input_merger_class_name", "input", "output", "initial_delay",
    "interval_duration", "flex_duration", "run_attempt_count", "backoff_policy", "backoff_delay_duration",
    "last_enqueue_time", "minimum_retention_duration", "schedule_requested_at", "run_in_foreground",
    "out_of_quota_policy", "period_count", "generation", "next_schedule_time_override",
    "next_schedule_time_override_generation", "stop_reason", "trace_tag", "backoff_on_system_interruptions",
    "required_network_type", "required_network_request", "requires_charging", "requires_device_idle",
    "requires_battery_not_low", "requires_storage_not_low", "trigger_content_update_delay",
    "trigger_max_content_delay", "content_uri_triggers",
)

Row = Sequence[Any]


def build(work_specs: Iterable[Row], tags: Iterable[Row], names: Iterable[Row], dependencies: Iterable[Row],
          system_ids: Iterable[Row], preferences: Iterable[Row]) -> bytes:
    """The database file holding these rows (WorkSpec rows in :data:`WORK_SPEC_COLUMNS` order;
    tags ``(tag, work_spec_id)``, names ``(name, work_spec_id)``, dependencies ``(work_spec_id,
    prerequisite_id)``, system ids ``(work_spec_id, generation, system_id)``, preferences
    ``(key, long_value)``)."""
    conn = sqlite3.connect(":memory:")
    try:
        for statement in _TABLES:
            conn.execute(statement)
        marks = ",".join("?" * len(WORK_SPEC_COLUMNS))
        conn.executemany(f"INSERT INTO WorkSpec ({','.join(WORK_SPEC_COLUMNS)}) VALUES ({marks})", work_specs)
        conn.executemany("INSERT INTO WorkTag (tag, work_spec_id) VALUES (?, ?)", tags)
        conn.executemany("INSERT INTO WorkName (name, work_spec_id) VALUES (?, ?)", names)
        conn.executemany("INSERT INTO Dependency (work_spec_id, prerequisite_id) VALUES (?, ?)", dependencies)
        conn.executemany("INSERT INTO SystemIdInfo (work_spec_id, generation, system_id) VALUES (?, ?, ?)",
                         system_ids)
        conn.executemany("INSERT INTO Preference (key, long_value) VALUES (?, ?)", preferences)
        conn.execute(f"PRAGMA user_version = {VERSION}")
        conn.commit()
        data = bytearray(conn.serialize())
    finally:
        conn.close()
    data[18] = data[19] = 2  # file format write/read version 2: WAL
    return bytes(data)


__all__ = ["DATABASE_NAME", "IDENTITY_HASH", "VERSION", "WORK_SPEC_COLUMNS", "build"]
