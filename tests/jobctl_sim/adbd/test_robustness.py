"""The virtual device under bad input and lost connections: it logs, closes the one stream or
connection at fault, keeps serving everything else, and leaks no task or socket."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Callable

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect, list_devices
from bridge.errors import DeviceOfflineError
from jobctl_sim.harness import SimHarness
from jobctl_sim.adbd.wire import Command, Message, encode
from tests.support.waiting import wait_until


def _state(adb: PrivateAdbServer, serial: str) -> str | None:
    return next((d.state for d in list_devices(adb.server) if d.serial == serial), None)


def _wait_for(predicate: Callable[[], bool], timeout: float = 15.0) -> bool:
    return wait_until(predicate, timeout)


def _task_count(sim: SimHarness) -> int:
    async def count() -> int:
        """Tasks besides this one and the devices' cables (which watch for adb server restarts)."""
        return sum(1 for task in asyncio.all_tasks()
                   if task is not asyncio.current_task() and not task.get_name().startswith("cable:"))

    return sim.call(count())


def _only_connection_readers_remain(sim: SimHarness) -> bool:
    """No service task and no stream is left: one reader task per live connection."""
    connections = sim.servers[0].connections
    return _task_count(sim) == len(connections) and all(not c.streams and not c.tasks for c in connections)


def _direct_connection(sim: SimHarness) -> socket.socket:
    """A TCP connection straight to the device port, past the adb server, after a valid CNXN."""
    sock = socket.create_connection(("127.0.0.1", sim.servers[0].port), timeout=5)
    sock.sendall(encode(Message(Command.CNXN, 0x01000001, 1 << 20, b"host::features=shell_v2")))
    header = sock.recv(24, socket.MSG_WAITALL)
    assert header[:4] == b"CNXN"
    length = struct.unpack("<I", header[12:16])[0]
    banner = sock.recv(length, socket.MSG_WAITALL)
    assert banner.startswith(b"device::ro.product.name=")
    return sock


def test_device_going_away_shows_offline_and_comes_back_by_itself(adb: PrivateAdbServer, serial: str,
                                                                   sim: SimHarness) -> None:
    device = connect(serial, adb.server, reconnect_timeout=0)  # fail at once instead of waiting
    server = sim.servers[0]
    sim.call(server.go_offline())
    assert _wait_for(lambda: _state(adb, serial) == "offline")
    with pytest.raises(DeviceOfflineError, match="offline"):
        device.shell("true")
    sim.call(server.come_back())
    assert _wait_for(lambda: _state(adb, serial) == "device")
    assert device.shell("echo back").text == "back\n"


@pytest.mark.parametrize("garbage", [
    b"\x00" * 24,  # bad magic
    b"JUNKJUNKJUNKJUNKJUNKJUNKJUNK",  # not a command
    encode(Message(Command.WRTE, 1, 1, b""))[:12] + struct.pack("<III", 64 << 20, 0, Command.WRTE ^ 0xFFFFFFFF),
])
def test_malformed_packets_close_only_that_connection(adb: PrivateAdbServer, serial: str, sim: SimHarness,
                                                      garbage: bytes) -> None:
    errors_before = sim.devices[0].counters.protocol_errors
    with _direct_connection(sim) as sock:
        sock.sendall(garbage)
        assert sock.recv(100) == b""  # the device hung up on us
    assert sim.devices[0].counters.protocol_errors == errors_before + 1
    assert connect(serial, adb.server).shell("echo still serving").text == "still serving\n"


def test_messages_before_the_handshake_are_refused(sim: SimHarness) -> None:
    with socket.create_connection(("127.0.0.1", sim.servers[0].port), timeout=5) as sock:
        sock.sendall(encode(Message(Command.OPEN, 1, 0, b"shell:id\0")))
        assert sock.recv(100) == b""


def test_stream_messages_for_unknown_ids_are_ignored(sim: SimHarness) -> None:
    with _direct_connection(sim) as sock:
        sock.sendall(encode(Message(Command.WRTE, 5, 999, b"stray")) + encode(Message(Command.OKAY, 5, 999)))
        sock.sendall(encode(Message(Command.OPEN, 7, 0, b"shell:echo ok\0")))
        replies = b""
        while b"ok\n" not in replies:
            chunk = sock.recv(4096)
            assert chunk, "the device closed the connection"
            replies += chunk


def test_a_client_vanishing_mid_stream_leaks_no_tasks(adb: PrivateAdbServer, serial: str,
                                                      sim: SimHarness) -> None:
    device = connect(serial, adb.server)
    for _ in range(5):
        stream = device.stream("logcat")
        sim.loop.call_soon_threadsafe(sim.devices[0].log.write, "I", "Vanish", "x")
        next(stream.chunks())
        stream.close()  # hang up without a word
        bulk = device.open_socket("shell:cat /dev/zero")  # any long-lived raw stream
        bulk.close()
    assert _wait_for(lambda: _only_connection_readers_remain(sim), timeout=10)


def test_a_killed_direct_connection_frees_its_streams(sim: SimHarness) -> None:
    sock = _direct_connection(sim)
    sock.sendall(encode(Message(Command.OPEN, 3, 0, b"shell:sleep 100\0")))
    assert _wait_for(lambda: any(c.tasks for c in sim.servers[0].connections))
    sock.close()
    assert _wait_for(lambda: _only_connection_readers_remain(sim), timeout=10)


def test_adb_reboot_takes_the_device_offline_and_it_comes_back_by_itself(adb: PrivateAdbServer, serial: str,
                                                                         sim: SimHarness) -> None:
    device = connect(serial, adb.server)
    device.shell("echo hi > /data/local/tmp/kept", check=True)
    assert adb.adb("-s", serial, "reboot").returncode == 0
    assert _wait_for(lambda: _state(adb, serial) == "offline", timeout=5)
    assert _wait_for(lambda: _state(adb, serial) == "device", timeout=15)
    assert device.shell("cat /data/local/tmp/kept").text == "hi\n"
    assert sim.devices[0].clock.elapsed() < 10  # elapsed realtime restarted at boot
