"""``cmd jobscheduler`` verbs and options the device's level lacks (``run -s`` below API 30, ``stop``
below 34, ``reset-execution-quota`` below 30; sources in jobctl_sim/framework/jobscheduler/
shell_legacy.py): the library raises :class:`VerbUnavailableError` with the device's own answer
(one line on the command line, exit 1) instead of a bare command failure, and a diagnosis does not
advise a verb the device does not have."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.diagnosis.commands import Commands
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.job_verbs import VerbUnavailableError
from bridge.jobs import Session
from bridge.device import connect
from bridge.model import JobSpec
from jobctl_sim.fleet import FleetSpec
from jobctl_sim.harness import SimHarness

HOUR_MS = 3_600_000


@pytest.mark.parametrize("api_level", [29, 33])
def test_a_verb_or_option_the_level_lacks_is_a_verb_unavailable_error_with_the_devices_answer(
        adb: PrivateAdbServer, api_level: int) -> None:
    with SimHarness(FleetSpec(api_level=api_level)) as harness:
        serial = harness.connect(adb.server)[0]
        with Session(connect(serial, adb.server)) as session:
            job = session.schedule(JobSpec(7, min_latency_ms=HOUR_MS))
            if api_level < 30:
                with pytest.raises(VerbUnavailableError, match=r"cmd jobscheduler run -s on .*: "
                                                               r"Error: unknown option '-s'"):
                    job.run(force=False)
            with pytest.raises(VerbUnavailableError, match=r"cmd jobscheduler stop on .*: Unknown command: stop"):
                job.stop()
            assert job.state().waiting  # nothing ran, nothing changed
            session.helper.cancel_all()


def test_run_satisfied_below_api_30_is_one_line_and_exit_1(adb: PrivateAdbServer) -> None:
    with SimHarness(FleetSpec(api_level=29)) as harness:
        serial = harness.connect(adb.server)[0]
        with Session(connect(serial, adb.server)) as session:
            session.schedule(JobSpec(7, min_latency_ms=HOUR_MS))
            done = subprocess.run([sys.executable, "-m", "cli.main", "-P", str(adb.port), "-s", serial, "run", "7",
                                   "--satisfied"], capture_output=True, text=True, timeout=60, env=adb.env,
                                  check=False)
            session.helper.cancel_all()
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [f"jobctl: error: cmd jobscheduler run -s on {serial}: "
                                        "Error: unknown option '-s'"]


@pytest.mark.parametrize(("api_level", "advice"), [
    (29, "jobctl device bucket active"),
    (30, f"adb shell cmd jobscheduler reset-execution-quota -u 0 {HELPER_PACKAGE}"),
])
def test_the_quota_advice_uses_a_command_the_level_has(api_level: int, advice: str) -> None:
    assert Commands(7, None, HELPER_PACKAGE, api_level).reset_quota() == advice
    other = Commands(7, None, "com.example.app", api_level).reset_quota()
    assert other == (advice.replace(HELPER_PACKAGE, "com.example.app") if api_level >= 30
                     else "jobctl device -p com.example.app bucket active")
