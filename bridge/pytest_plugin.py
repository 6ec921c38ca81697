"""jobctl's pytest plugin (registered as the ``pytest11`` entry point ``jobctl``).

Fixtures:

* ``jobctl_device`` -- a :class:`bridge.device.Device`: a fresh virtual device by default (with
  a private adb server on a free port, both stopped at the end of the run, and when SIGTERM or
  SIGHUP interrupts it as Ctrl-C does), or the real device
  named by ``--jobctl-serial SERIAL`` or ``$ANDROID_SERIAL``;
* ``jobctl_session`` -- a :class:`bridge.jobs.Session` on it with the helper ready; every
  condition the test changes through ``session.conditions`` is restored after the test;
* ``jobctl_helper`` -- the session's :class:`bridge.helper.Helper`.

Markers:

* ``@pytest.mark.jobctl_min_api(34)`` -- skipped on devices below that API level;
* ``@pytest.mark.real_device`` -- skipped on the virtual device (never faked there).

With pytest-xdist every worker is its own process, so every worker gets its own virtual device.
See ``examples/test_jobscheduler_example.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from bridge.device import Device
    from bridge.helper import Helper
    from bridge.jobs import Session


@dataclass
class _Target:
    device: Device
    virtual: bool
    closers: tuple[Any, ...] = ()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("jobctl")
    group.addoption("--jobctl-serial", default=None, metavar="SERIAL",
                    help="run jobctl fixtures on this real device (default: $ANDROID_SERIAL, else a virtual device)")
    group.addoption("--jobctl-api", type=int, default=34, metavar="LEVEL",
                    help="API level of the virtual device (default 34)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "jobctl_min_api(level): skip unless the device's API level is at least LEVEL")
    config.addinivalue_line("markers", "real_device: needs a real phone or emulator (skipped on the virtual device)")


@pytest.fixture(scope="session")
def _jobctl_target(request: pytest.FixtureRequest) -> Iterator[_Target]:
    from bridge.device import connect

    serial = request.config.getoption("--jobctl-serial") or os.environ.get("ANDROID_SERIAL")
    if serial:
        yield _Target(connect(serial), virtual=False)
        return
    from bridge.adb.private import PrivateAdbServer
    from bridge.signals import terminate_as_interrupt
    from jobctl_sim.harness import SimHarness
    from jobctl_sim.fleet import FleetSpec

    # SIGTERM or SIGHUP (a CI job cancelled, a terminal closed) would end pytest before any teardown:
    # as Ctrl-C does, they interrupt the run, and the device and adb server below are stopped.
    with (terminate_as_interrupt(), PrivateAdbServer() as adb,
          SimHarness(FleetSpec(api_level=request.config.getoption("--jobctl-api"))) as sim):
        address = sim.connect(adb.server)[0]
        yield _Target(connect(address, adb.server), virtual=True)


@pytest.fixture(autouse=True)
def _jobctl_markers(request: pytest.FixtureRequest) -> None:
    min_api = request.node.get_closest_marker("jobctl_min_api")
    real = request.node.get_closest_marker("real_device")
    if min_api is None and real is None:
        return
    target: _Target = request.getfixturevalue("_jobctl_target")
    if real is not None and target.virtual:
        pytest.skip("needs a real device (run with --jobctl-serial SERIAL)")
    if min_api is not None and target.device.api_level < int(min_api.args[0]):
        pytest.skip(f"needs API {min_api.args[0]}; the device is API {target.device.api_level}")


@pytest.fixture
def jobctl_device(_jobctl_target: _Target) -> Device:
    return _jobctl_target.device


@pytest.fixture
def jobctl_session(jobctl_device: Device) -> Iterator[Session]:
    from bridge.jobs import Session

    session = Session(jobctl_device)
    try:
        with session.conditions.snapshot():
            yield session
    finally:
        session.helper.cancel_all(all_namespaces=jobctl_device.api_level >= 34)
        session.close()


@pytest.fixture
def jobctl_helper(jobctl_session: Session) -> Helper:
    return jobctl_session.helper
