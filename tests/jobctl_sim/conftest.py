"""Fixtures for the virtual device tests that go through an adb CLI: each one (the bundled adb 36,
Debian's adb 29) with its own server and a fresh device."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bridge.adb.private import PrivateAdbServer
from tests.jobctl_sim.adbd.clis import DEBIAN_ADB, AdbCli, DebianAdbServer, bundled_cli, debian_cli, started_sim


@pytest.fixture(scope="session")
def debian_adb_server() -> Iterator[DebianAdbServer]:
    """Debian's adb server on a private port (skipped, saying why, when Debian's adb is missing)."""
    if not DEBIAN_ADB.exists():
        pytest.skip(f"Debian's adb is not installed at {DEBIAN_ADB} (.ci/system-packages installs package 'adb')")
    server = DebianAdbServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["bundled", "debian"])
def cli(request: pytest.FixtureRequest, adb: PrivateAdbServer) -> Iterator[AdbCli]:
    """An adb CLI with its own server and a fresh virtual device connected to that server."""
    if request.param == "bundled":
        for harness in started_sim(adb.server):
            yield bundled_cli(adb, harness)
        return
    server: DebianAdbServer = request.getfixturevalue("debian_adb_server")
    for harness in started_sim(server.server):
        yield debian_cli(server, harness)
