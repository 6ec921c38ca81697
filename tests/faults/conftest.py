"""What the fault tests share: an adb server of their own (some restart it) and readbacks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import list_devices


@pytest.fixture
def own_adb() -> Iterator[PrivateAdbServer]:
    """An adb server for one test alone: it may be restarted."""
    server = PrivateAdbServer().start()
    try:
        yield server
    finally:
        server.stop()
        assert not server.server.is_running()


def adb_state(adb: PrivateAdbServer, serial: str) -> str | None:
    """The device's state as the adb server lists it (None: not listed)."""
    return next((d.state for d in list_devices(adb.server) if d.serial == serial), None)
