"""Fixtures shared by the whole suite: a private adb server and in-process virtual devices.

Every fixture stops what it starts: the adb server runs on a free port of its own (never
5037) with a scratch HOME, and is killed at the end of the session.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.signals import terminate_as_interrupt
from jobctl_sim.harness import SimHarness
from jobctl_sim.fleet import FleetSpec


@pytest.fixture(scope="session")
def adb() -> Iterator[PrivateAdbServer]:
    """The real adb server from the adbutils wheel, on a private port (stopped too when SIGTERM or
    SIGHUP interrupts the run, as Ctrl-C does)."""
    with terminate_as_interrupt(), PrivateAdbServer() as server:
        yield server
    assert not server.server.is_running(), "the private adb server survived kill-server"


@pytest.fixture
def sim(adb: PrivateAdbServer) -> Iterator[SimHarness]:
    """One virtual device (API 34, helper preinstalled), connected to the private adb server."""
    with SimHarness(FleetSpec()) as harness:
        harness.connect(adb.server)
        yield harness


@pytest.fixture
def serial(sim: SimHarness) -> str:
    """The adb serial of the ``sim`` device."""
    return sim.addresses[0]


@pytest.fixture
def tiny_apk(tmp_path):  # type: ignore[no-untyped-def]
    """A small third-party APK on disk (package org.example.tiny, versionCode 3)."""
    from tests.support.apk import build_apk

    path = tmp_path / "tiny.apk"
    path.write_bytes(build_apk("org.example.tiny", version_code=3, version_name="3.0",
                               services=(("org.example.tiny.Jobs", "android.permission.BIND_JOB_SERVICE"),)))
    return path


@pytest.fixture
def session(adb: PrivateAdbServer, serial: str):  # type: ignore[no-untyped-def]
    """A bridge session on the ``sim`` device: helper ready and out of the NEVER bucket, events
    followed, every condition a test changes restored afterwards."""
    from bridge.jobs import open_session

    opened = open_session(serial, adb.server)
    opened.helper.leave_never_bucket()
    try:
        with opened.conditions.snapshot():
            yield opened
    finally:
        opened.close()
