"""WorkManager's own database, pulled with ``run-as`` and read with :mod:`sqlite3` on the host.

``run-as PKG cat databases/androidx.work.workdb`` (and ``-wal``/``-shm`` when there, so that
committed pages still in the write-ahead log are seen) copies the files to a temporary directory;
the tables are androidx.work's (``WorkDatabase`` schemas 12-24, e.g. the 23 of androidx.work 2.10
-- identity hash 86254750241babac4b8d52996a675549 -- and the 24 of androidx main's
``work/work-runtime/src/schemas/androidx.work.impl.WorkDatabase/24.json``:
``WorkSpec``, ``WorkTag``, ``WorkName``, ``SystemIdInfo(work_spec_id, generation, system_id)`` --
``generation`` from schema 16 --, ``Dependency``). A schema newer than those, or one missing a
table or column read here, is :class:`UnknownSchemaError`: the caller says so in one line and
falls back to the diagnostics broadcast. ``run-as`` refusing a non-debuggable app
(``run-as: package not debuggable: PKG``) is :class:`RunAsRefusedError`.
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from bridge.errors import JobctlError
from bridge.workmanager.model import WorkSpecInfo, WorkState, next_run_time

if TYPE_CHECKING:
    from bridge.device import Device

DATABASE = "databases/androidx.work.workdb"
KNOWN_VERSIONS = range(12, 25)
"""Room schema versions of ``androidx.work.impl.WorkDatabase`` read here (12 … 24)."""
_REQUIRED = {"WorkSpec": {"id", "state", "worker_class_name", "run_attempt_count", "interval_duration"},
             "SystemIdInfo": {"work_spec_id", "system_id"}, "WorkTag": {"tag", "work_spec_id"},
             "WorkName": {"name", "work_spec_id"}}


class RunAsRefusedError(JobctlError):
    """``run-as`` refused the package (not debuggable, or not installed)."""


class UnknownSchemaError(JobctlError):
    """The WorkManager database's schema is not one jobctl reads."""


class NoDatabaseError(JobctlError):
    """The app has no WorkManager database (it never initialised WorkManager)."""


def pull(device: Device, package: str, into: Path) -> Path:
    """Copy the database (and its -wal/-shm) into ``into``; the path of the main file."""
    main = into / "androidx.work.workdb"
    for suffix in ("", "-wal", "-shm"):
        result = device.shell(["run-as", package, "cat", DATABASE + suffix], idempotent=True)
        error = result.error_text.strip()
        if "not debuggable" in error or "unknown package" in error.lower() or "Package '" in error:
            raise RunAsRefusedError(error.splitlines()[0])
        if result.exit_code != 0 or not result.stdout:
            if suffix == "":
                raise NoDatabaseError(f"{package} has no WorkManager database ({DATABASE}: "
                                      f"{error.splitlines()[0] if error else 'not found'})")
            continue
        (into / f"androidx.work.workdb{suffix}").write_bytes(result.stdout)
    return main


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info(`{table}`)")}


def read_database(path: Path) -> dict[int, WorkSpecInfo]:
    """JobScheduler job id -> WorkSpec, from a WorkManager database file."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in KNOWN_VERSIONS:
            raise UnknownSchemaError(f"WorkManager database schema {version} (jobctl reads "
                                     f"{KNOWN_VERSIONS.start}-{KNOWN_VERSIONS.stop - 1})")
        for table, wanted in _REQUIRED.items():
            missing = wanted - _columns(db, table)
            if missing:
                raise UnknownSchemaError(f"WorkManager database schema {version}: {table} lacks "
                                         + ", ".join(sorted(missing)))
        spec_columns = _columns(db, "WorkSpec")
        generational = "generation" in _columns(db, "SystemIdInfo")

        def column(name: str, default: str = "0") -> str:
            return f"`{name}`" if name in spec_columns else default

        rows = db.execute(
            "SELECT id, state, worker_class_name, run_attempt_count, interval_duration, "
            f"{column('flex_duration')}, {column('initial_delay')}, {column('backoff_policy')}, "
            f"{column('backoff_delay_duration')}, {column('last_enqueue_time')}, {column('period_count')}, "
            f"{column('generation')}, {column('next_schedule_time_override', '9223372036854775807')} "
            "FROM WorkSpec").fetchall()
        tags = _many(db, "SELECT work_spec_id, tag FROM WorkTag")
        names = _many(db, "SELECT work_spec_id, name FROM WorkName")
        needs = _many(db, "SELECT work_spec_id, prerequisite_id FROM Dependency") if _columns(db, "Dependency") else {}
        ids = db.execute("SELECT work_spec_id, " + ("generation" if generational else "0")
                         + ", system_id FROM SystemIdInfo").fetchall()
    specs: dict[int, WorkSpecInfo] = {}
    by_id = {row[0]: row for row in rows}
    for spec_id, generation, system_id in ids:
        row = by_id.get(spec_id)
        if row is None:
            continue
        (_, state, worker, attempts, interval, flex, initial, policy, delay, enqueued, periods,
         spec_generation, override) = row
        if generational and generation != spec_generation:
            continue  # an older generation's id: WorkManager dropped that job
        periodic = interval != 0
        try:
            state_name = WorkState(state).name
        except ValueError:
            state_name = f"STATE_{state}"
        nxt = next_run_time(periodic=periodic, backed_off=state == WorkState.ENQUEUED and attempts > 0,
                            run_attempt_count=attempts, linear=policy == 1, backoff_delay=delay,
                            last_enqueue_time=enqueued, period_count=periods, initial_delay=initial, flex=flex,
                            interval=interval, override=None if override >= 2**63 - 1 else override)
        specs[int(system_id)] = WorkSpecInfo(spec_id, worker, state_name, tuple(sorted(tags.get(spec_id, ()))),
                                             tuple(sorted(names.get(spec_id, ()))), attempts,
                                             spec_generation, int(system_id), periodic, nxt,
                                             tuple(sorted(needs.get(spec_id, ()))))
    return specs


def _many(db: sqlite3.Connection, query: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in db.execute(query):
        found.setdefault(key, []).append(value)
    return found


def read_from_device(device: Device, package: str) -> dict[int, WorkSpecInfo]:
    """Pull and read the app's WorkManager database (the temporary copy is removed)."""
    with tempfile.TemporaryDirectory(prefix="jobctl-workdb-") as scratch:
        return read_database(pull(device, package, Path(scratch)))
