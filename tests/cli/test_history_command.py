"""``jobctl history``: the helper's starts and stops with their named reasons, and another app's."""

from __future__ import annotations

import json

from bridge.adb.private import PrivateAdbServer
from bridge.model import JobSpec, StopReason
from bridge.model.script import Hold, JobScript
from tests.bridge.app_jobs_support import PACKAGE, install_other_app, running_jobs, schedule
from tests.cli.test_sim_and_devices import jobctl
from tests.support.waiting import wait_until


def test_history_of_the_helper_names_public_and_internal_reasons(adb: PrivateAdbServer, serial: str,  # type: ignore[no-untyped-def]
                                                                 session) -> None:
    session.conditions.set_charging(True)
    job = session.schedule(JobSpec(3, requires_charging=True, script=JobScript(steps=(Hold(),))))
    job.run(force=False)
    session.conditions.set_charging(False)
    assert job.wait_stopped(30).stop_reason is StopReason.CONSTRAINT_CHARGING
    result = jobctl(adb, "-s", serial, "--json", "history", "--job", "3")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["package"] == "dev.jobctl.helper" and document["notes"] == []
    rows = [(r["kind"], r["stop_reason"], r["stop_reason_code"], r["internal_reason"], r["reason_text"])
            for r in document["records"]]
    assert rows == [("start", None, None, None, None),
                    ("stop", "CONSTRAINT_CHARGING", 6, "CONSTRAINTS_NOT_SATISFIED",
                     "cancelled due to unsatisfied constraints")]
    assert sorted(document["records"][1]["sources"]) == ["job_history", "journal", "recently_completed"]
    text = jobctl(adb, "-s", serial, "history", "--job", "3", env={"COLUMNS": "250", "NO_COLOR": "1"})
    assert text.returncode == 0
    assert ('CONSTRAINT_CHARGING; internal CONSTRAINTS_NOT_SATISFIED; "cancelled due to unsatisfied constraints"'
            in text.stdout)
    stops = jobctl(adb, "-s", serial, "--json", "stops", "--job", "3")  # the helper's stops: as before
    assert [r["stop_reason"] for r in json.loads(stops.stdout)] == ["CONSTRAINT_CHARGING"]


def test_history_of_another_app_by_job(adb: PrivateAdbServer, sim, serial: str) -> None:  # type: ignore[no-untyped-def]
    app = install_other_app(sim)
    jobctl(adb, "-s", serial, "device", "--package", PACKAGE, "bucket", "active")
    schedule(sim, 4, min_latency_ms=3_600_000, has_early_constraint=True)
    schedule(sim, 6, min_latency_ms=3_600_000, has_early_constraint=True)
    for job_id in (4, 6):
        assert jobctl(adb, "-s", serial, "run", str(job_id), "-p", PACKAGE).returncode == 0
        assert wait_until(lambda: (None, job_id) in running_jobs(sim, app), 10)  # noqa: B023
    assert jobctl(adb, "-s", serial, "timeout", "4", "-p", PACKAGE).returncode == 0
    assert wait_until(lambda: (None, 4) not in running_jobs(sim, app), 10)
    result = jobctl(adb, "-s", serial, "--json", "history", "-p", PACKAGE, "--job", "4")
    assert result.returncode == 0, result.stderr
    rows = [(r["kind"], r["job_id"], r["ending"], r["reason_text"]) for r in json.loads(result.stdout)["records"]]
    assert rows == [("start", 4, None, None), ("stop", 4, "stopped", "stop from shell")]
