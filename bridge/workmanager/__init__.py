"""WorkManager awareness: which WorkSpec a JobScheduler job runs.

WorkManager (androidx.work) schedules each WorkSpec as one JobScheduler job of its
``SystemJobService`` -- in the namespace ``androidx.work.systemjobscheduler`` from 2.10 on API
34+, in the default namespace before -- with a job id it allocates and records in its database's
``SystemIdInfo`` table. :func:`label_job` maps the id to the WorkSpec (worker class, tags, unique
name, state, run attempt): from the database pulled with ``run-as`` (:mod:`.db`, debuggable apps),
else from the diagnostics broadcast (:mod:`.diagnostics`, any app that has WorkManager). What
was not available, and what was shown instead, is one line in :attr:`WorkLabel.notes`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bridge.workmanager.db import (
    NoDatabaseError,
    RunAsRefusedError,
    UnknownSchemaError,
    read_database,
    read_from_device,
)
from bridge.workmanager.diagnostics import parse_diagnostics, request_diagnostics
from bridge.workmanager.model import NAMESPACE, WorkLabel, WorkSpecInfo, WorkState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bridge.device import Device

SERVICE = "androidx.work.impl.background.systemjob.SystemJobService"


def is_workmanager_job(service: str | None, namespace: str | None) -> bool:
    """A job of WorkManager's SystemJobService (or in its namespace)."""
    return namespace == NAMESPACE or (service is not None and service.endswith(SERVICE.rsplit(".", 1)[1]))


def work_specs(device: Device, package: str) -> tuple[dict[int, WorkSpecInfo], tuple[str, ...]]:
    """Job id -> WorkSpec for ``package``, and the notes on what was not available."""
    try:
        return read_from_device(device, package), ()
    except (RunAsRefusedError, UnknownSchemaError, NoDatabaseError) as error:
        specs = request_diagnostics(device, package)
        shown = "WorkManager's diagnostics broadcast" + ("" if specs else " (which printed nothing)")
        return specs, (f"{error}: showing {shown} instead (no run attempt count)",)


def label_jobs(device: Device, package: str, jobs: Sequence[tuple[int, str | None, str | None]]
               ) -> tuple[dict[tuple[str | None, int], WorkLabel], tuple[str, ...]]:
    """One read of WorkManager's records for a job list (``jobctl jobs -p``): ``(job_id, namespace,
    service)`` -> the WorkLabel of each of WorkManager's jobs (its WorkSpec, and whether a forced run
    now would be skipped), and the notes on what was not available. Nothing is read when no job is
    WorkManager's."""
    import time

    ours = [(job_id, namespace) for job_id, namespace, service in jobs if is_workmanager_job(service, namespace)]
    if not ours:
        return {}, ()
    specs, notes = work_specs(device, package)
    wall_ms = _device_wall_ms(device) or int(time.time() * 1000)
    labels: dict[tuple[str | None, int], WorkLabel] = {}
    for job_id, namespace in ours:
        spec = specs.get(job_id)
        labels[(namespace, job_id)] = WorkLabel(spec, (), spec is not None and spec.skips_forced_run(wall_ms))
    return labels, notes


def label_job(device: Device, package: str, job_id: int, namespace: str | None,
              dump_text: str | None = None) -> WorkLabel | None:
    """The WorkSpec behind the job, or None when the job is not WorkManager's. ``dump_text``: the
    ``dumpsys jobscheduler PKG`` the caller already read (else it is read here)."""
    import time

    from bridge.parsers import parse_jobscheduler_dump

    text = dump_text if dump_text is not None else device.shell(["dumpsys", "jobscheduler", package],
                                                                idempotent=True).text
    dump = parse_jobscheduler_dump(text)
    job = dump.job(job_id, namespace)
    if not is_workmanager_job(job.service if job else None, namespace):
        return None
    specs, notes = work_specs(device, package)
    spec = specs.get(job_id)
    extra = _extra_work_spec_id(text, job_id, namespace)
    if extra is not None and (spec is None or spec.id != extra):
        by_id = next((s for s in specs.values() if s.id == extra), None)
        if spec is not None:
            notes = (*notes, f"the job's extras name WorkSpec {extra}, SystemIdInfo names {spec.id}: "
                     "showing the extras' one")
        spec = by_id or spec
    if spec is None:
        return WorkLabel(None, (*notes, f"no WorkSpec of {package} has job id {job_id}"))
    wall_ms = _device_wall_ms(device) or int(time.time() * 1000)
    if spec.periodic:
        notes = (*notes, "WorkManager schedules periodic work as one-off jobs: the job's minimum latency is "
                 "the time to the work's next period, and each run schedules the next job")
    skips = spec.skips_forced_run(wall_ms)
    if skips:
        notes = (*notes, f"WorkManager will skip a forced run now: {spec.worker_class} is "
                 f"{'periodic' if spec.periodic else 'backed off'} and its next run is in "
                 f"{((spec.next_run_time_ms or 0) - wall_ms) / 1000:.0f} s "
                 "(WorkerWrapper: \"executed before schedule\")")
    return WorkLabel(spec, notes, skips)


_EXTRA = re.compile(r"EXTRA_WORK_SPEC_ID=([0-9A-Fa-f-]{36})")


def _extra_work_spec_id(text: str, job_id: int, namespace: str | None) -> str | None:
    """``EXTRA_WORK_SPEC_ID`` from the registered job's ``Extras:`` line (``JobStatus.dump`` prints
    ``PersistableBundle.toShortString``: the map, unless the bundle is still parcelled)."""
    ref = f"{namespace}:" if namespace is not None else "#"
    header = re.compile(rf"^\s*JOB {re.escape(ref)}\S+/{job_id}: ")
    inside = False
    for line in text.splitlines():
        if header.match(line):
            inside = True
        elif inside and line.lstrip().startswith(("JOB ", "Ready:")):
            return None
        elif inside and line.lstrip().startswith("Extras:") and (match := _EXTRA.search(line)) is not None:
            return match.group(1)
    return None


def _device_wall_ms(device: Device) -> int | None:
    text = device.shell(["date", "+%s"], idempotent=True).text.strip()
    return int(text) * 1000 if text.isdigit() else None


__all__ = [
    "NAMESPACE",
    "NoDatabaseError",
    "RunAsRefusedError",
    "UnknownSchemaError",
    "WorkLabel",
    "WorkSpecInfo",
    "WorkState",
    "is_workmanager_job",
    "label_job",
    "label_jobs",
    "parse_diagnostics",
    "read_database",
    "request_diagnostics",
    "work_specs",
]
