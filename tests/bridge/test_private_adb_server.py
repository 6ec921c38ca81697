"""The private adb server a test or a benchmark starts on a free port of its own.

Seen (a benchmark run beside the suite exited 1 before its adb server came up): the port
:func:`~bridge.adb.private.free_port` chose was taken by another socket before adb bound it --
any client connection may get it as its local port -- and adb failed with "could not install
*smartsocket* listener: Address already in use". A port the server chose itself is chosen again;
a port the caller named is never changed behind its back."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from bridge.adb import private
from bridge.adb.private import PrivateAdbServer
from bridge.errors import AdbServerError


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port bound by another socket and not listening, as a client connection's local port is."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def test_a_chosen_port_taken_before_adb_binds_it_is_chosen_again(taken_port: int,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    choices = [taken_port]
    real_free_port = private.free_port
    monkeypatch.setattr(private, "free_port",
                        lambda host="127.0.0.1": choices.pop() if choices else real_free_port(host))
    with PrivateAdbServer() as adb:
        assert adb.port != taken_port
        assert adb.server.address.port == adb.port and adb.env["ANDROID_ADB_SERVER_PORT"] == str(adb.port)
        assert adb.adb("devices").returncode == 0 and adb.server.is_running()
    assert not adb.server.is_running()


def test_a_port_the_caller_named_is_never_changed(taken_port: int) -> None:
    adb = PrivateAdbServer(port=taken_port)
    with pytest.raises(AdbServerError, match=f"(?s)port {taken_port}.*Address already in use"):
        adb.start()
    adb.stop()
    assert adb.port == taken_port
