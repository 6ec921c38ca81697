"""bridge.app_jobs on the virtual device: another app's jobs, driven with no helper installed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.app_jobs import AppJobs, VerbUnavailableError
from bridge.device import Device, connect
from bridge.errors import JobNotFoundError, JobNotReadyError, UnknownPackageError
from bridge.model import StopReason
from jobctl_sim.fleet import FleetSpec
from jobctl_sim.harness import SimHarness
from jobctl_sim.framework.jobscheduler.model import NetworkRequirement, NetworkType
from tests.bridge.app_jobs_support import PACKAGE, KeepRunningApp, install_other_app, running_jobs, schedule
from tests.support.waiting import wait_until


def _device_without_helper(adb: PrivateAdbServer, api_level: int) -> Iterator[tuple[SimHarness, Device]]:
    harness = SimHarness(FleetSpec(api_level=api_level, helper=False)).start()
    try:
        serial = harness.connect(adb.server)[0]
        yield harness, connect(serial, adb.server)
    finally:
        harness.stop()


@pytest.fixture
def bare(adb: PrivateAdbServer) -> Iterator[tuple[SimHarness, Device]]:
    """An API 34 virtual device with no jobctl helper on it."""
    yield from _device_without_helper(adb, 34)


@pytest.fixture
def other(bare: tuple[SimHarness, Device]) -> tuple[SimHarness, Device, KeepRunningApp]:
    sim, device = bare
    app = install_other_app(sim)
    device.shell(["am", "set-standby-bucket", PACKAGE, "active"], check=True)
    return sim, device, app


def test_the_helper_is_not_on_the_device(bare: tuple[SimHarness, Device]) -> None:
    assert "package:" not in bare[1].shell(["pm", "path", "dev.jobctl.helper"]).text


def test_jobs_lists_every_namespace_with_state_constraints_and_bucket(other) -> None:  # type: ignore[no-untyped-def]
    sim, device, _ = other
    schedule(sim, 5, min_latency_ms=3_600_000, has_early_constraint=True)
    schedule(sim, 6, namespace="sync", network=NetworkRequirement(NetworkType.ANY))
    jobs = AppJobs(device, PACKAGE).jobs()
    assert [(j.namespace, j.job_id) for j in jobs] == [(None, 5), ("sync", 6)]
    latent = jobs[0]
    assert latent.state == ("waiting",) and latent.unsatisfied_constraints == ("TIMING_DELAY",)
    assert latent.standby_bucket == "ACTIVE" and latent.service == f"{PACKAGE}/.Jobs"
    assert jobs[1].required_constraints == ("CONNECTIVITY",)
    assert [j.job_id for j in AppJobs(device, PACKAGE).jobs("sync", all_namespaces=False)] == [6]


def test_a_package_with_no_jobs_has_an_empty_list(other) -> None:  # type: ignore[no-untyped-def]
    assert AppJobs(other[1], PACKAGE).jobs() == ()


def test_an_unknown_package_is_refused_before_any_jobscheduler_verb(bare) -> None:  # type: ignore[no-untyped-def]
    app = AppJobs(bare[1], "org.example.absent")
    with pytest.raises(UnknownPackageError, match=r"org\.example\.absent is not installed"):
        app.jobs()
    with pytest.raises(UnknownPackageError):
        app.job(1).run()


def test_run_state_stop_timeout_and_cancel_drive_the_apps_job(other) -> None:  # type: ignore[no-untyped-def]
    sim, device, app = other
    app.reschedule = True
    schedule(sim, 5, min_latency_ms=3_600_000, has_early_constraint=True)
    job = AppJobs(device, PACKAGE).job(5)
    assert job.state().waiting
    job.run(force=True)
    assert wait_until(lambda: (None, 5) in running_jobs(sim, app), 10)
    assert job.state().active
    assert job.stop(StopReason.USER) is True
    assert wait_until(lambda: not job.state().active, 10)
    assert app.stop_reasons == [int(StopReason.USER)]
    assert job.stop() is False  # nothing running: the device's "No matching executing jobs found."
    job.run(force=True)
    assert wait_until(lambda: job.state().active, 10)
    assert job.timeout() is True
    assert wait_until(lambda: app.stop_reasons[-1:] == [int(StopReason.TIMEOUT)], 10)
    job.cancel()
    assert not job.state().exists
    with pytest.raises(JobNotFoundError, match=r"no job 5 of org\.example\.other"):
        job.cancel()


def test_run_satisfied_refuses_a_job_whose_constraints_do_not_hold(other) -> None:  # type: ignore[no-untyped-def]
    sim, device, _ = other
    schedule(sim, 7, requires_device_idle=True)  # the screen is on: the device is not idle
    with pytest.raises(JobNotReadyError, match="constraints not satisfied"):
        AppJobs(device, PACKAGE).job(7).run(force=False)


def test_run_of_a_job_the_app_does_not_have_is_not_found(other) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(JobNotFoundError, match=r"no job 99 in namespace 'x' of org\.example\.other"):
        AppJobs(other[1], PACKAGE).job(99, "x").run()


def test_network_bytes_are_read_on_api_34(other) -> None:  # type: ignore[no-untyped-def]
    sim, device, app = other
    schedule(sim, 8, network=NetworkRequirement(NetworkType.ANY), estimated_network_download_bytes=4096)
    job = AppJobs(device, PACKAGE).job(8)
    assert wait_until(lambda: (None, 8) in running_jobs(sim, app), 10)
    found = job.network_bytes()
    assert found is not None and found.estimated_download == 4096


def test_stop_and_namespaces_below_api_34_are_one_clear_error(adb: PrivateAdbServer) -> None:
    for sim, device in _device_without_helper(adb, 33):
        install_other_app(sim)
        schedule(sim, 5)
        job = AppJobs(device, PACKAGE).job(5)
        with pytest.raises(VerbUnavailableError, match=r"cmd jobscheduler stop needs API 34; .* is API 33"):
            job.stop()
        with pytest.raises(VerbUnavailableError, match="namespaces need API 34"):
            AppJobs(device, PACKAGE).job(5, "ns").state()
        assert AppJobs(device, PACKAGE).job(5).network_bytes() is None
        assert job.timeout() is False  # timeout exists on 33


def test_a_session_opens_any_apps_jobs_without_using_the_helper(session) -> None:  # type: ignore[no-untyped-def]
    from bridge.helper_protocol import HELPER_PACKAGE
    from bridge.model import JobSpec

    session.schedule(JobSpec(21, min_latency_ms=3_600_000))
    app = session.app(HELPER_PACKAGE)
    assert isinstance(app, AppJobs) and app.device is session.device
    found = [(j.job_id, j.state, j.unsatisfied_constraints) for j in app.jobs()]
    assert found == [(21, ("waiting",), ("TIMING_DELAY",))]


def test_a_verb_the_device_does_not_know_is_named_with_the_devices_answer() -> None:
    from types import SimpleNamespace

    from bridge.device import CommandResult

    app = AppJobs(SimpleNamespace(serial="emulator-5554", api_level=29), PACKAGE)  # type: ignore[arg-type]
    unknown = CommandResult("cmd jobscheduler cancel", b"", b"Unknown command: cancel\n", 255)
    with pytest.raises(VerbUnavailableError, match=r"cmd jobscheduler cancel on emulator-5554 \(API 29\): "
                                                   r"Unknown command: cancel"):
        app.check_verb("cancel", unknown)
    option = CommandResult("cmd jobscheduler run", b"Error: unknown option '-n'\n", b"", 255)
    with pytest.raises(VerbUnavailableError, match="unknown option '-n'"):
        app.check_verb("run", option)
    app.check_verb("run", CommandResult("cmd jobscheduler run", b"Running job [FORCED]\n", b"", 0))
