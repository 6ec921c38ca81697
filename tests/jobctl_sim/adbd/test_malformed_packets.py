"""The virtual device's adbd under malformed and oversized packets, beyond test_robustness.py.

Each case talks to the device port directly (past the adb server, which would never send such
bytes) and then proves two things: the device counted what it had to count (a protocol error,
a refused stream) and it keeps serving -- the same connection where the protocol allows, other
connections always, including one with a stream open at the time.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.adb.protocol import SHELL_CLOSE_STDIN, SHELL_STDIN, SHELL_STDOUT
from bridge.device import connect
from jobctl_sim.harness import SimHarness
from jobctl_sim.adbd.wire import (
    DEVICE_MAX_PAYLOAD,
    HEADER,
    HEADER_SIZE,
    Command,
    Message,
    encode,
)
from tests.support.waiting import wait_until

DEADLINE = 10.0


def _wait_for(predicate: Callable[[], bool], timeout: float = DEADLINE) -> bool:
    return wait_until(predicate, timeout, interval=0.02)


def _connect(sim: SimHarness) -> socket.socket:
    return socket.create_connection(("127.0.0.1", sim.servers[0].port), timeout=DEADLINE)


def _read_exactly(sock: socket.socket, count: int) -> bytes:
    """``count`` bytes, or fewer if the device hung up first (each recv is bounded by the socket timeout)."""
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _receive(sock: socket.socket) -> Message | None:
    """The next message from the device, or None when it hung up."""
    header = _read_exactly(sock, HEADER_SIZE)
    if len(header) < HEADER_SIZE:
        return None
    command, arg0, arg1, length, _check, magic = HEADER.unpack(header)
    assert magic == command ^ 0xFFFFFFFF
    data = _read_exactly(sock, length)
    assert len(data) == length, "the device hung up inside a message"
    return Message(Command(command), arg0, arg1, data)


def _handshake(sock: socket.socket, max_payload: int = 1 << 20) -> Message:
    sock.sendall(encode(Message(Command.CNXN, 0x01000001, max_payload, b"host::features=shell_v2")))
    banner = _receive(sock)
    assert banner is not None and banner.command is Command.CNXN
    return banner


def _hung_up(sock: socket.socket) -> bool:
    """True once the device has closed the connection (anything it sent first is skipped)."""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return True
        if not chunk:
            return True


def _shell(sock: socket.socket, local_id: int, command: str, device_ids: list[int] | None = None) -> bytes:
    """Run ``shell:COMMAND`` (v1) on an open connection and return its output, acknowledging each WRTE;
    the device's id for the stream is appended to ``device_ids``."""
    sock.sendall(encode(Message(Command.OPEN, local_id, 0, f"shell:{command}\0".encode())))
    output = b""
    while True:
        message = _receive(sock)
        assert message is not None, "the device hung up"
        if message.arg1 != local_id:
            continue
        if message.command is Command.OKAY and device_ids is not None and message.arg0 not in device_ids:
            device_ids.append(message.arg0)
        if message.command is Command.WRTE:
            output += message.data
            sock.sendall(encode(Message(Command.OKAY, local_id, message.arg0)))
        elif message.command is Command.CLSE:
            return output


def _still_serving(adb: PrivateAdbServer, serial: str) -> None:
    assert connect(serial, adb.server).shell(["echo", "still serving"]).text == "still serving\n"


def _protocol_errors(sim: SimHarness) -> int:
    return sim.devices[0].counters.protocol_errors


def _connections(sim: SimHarness) -> int:
    return len(sim.servers[0].connections)


# ----------------------------------------------------------------------------- one connection at fault


@pytest.mark.parametrize("garbage", [
    pytest.param(b"hello\n", id="text-before-the-header"),
    pytest.param(b"\x00" * 7, id="nul-bytes"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", id="http-request"),
])
def test_garbage_before_cnxn_is_a_protocol_error_and_the_device_never_answers(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, garbage: bytes) -> None:
    before = _protocol_errors(sim)
    with _connect(sim) as sock:
        sock.sendall(garbage + encode(Message(Command.CNXN, 0x01000001, 1 << 20, b"host::")))
        assert sock.recv(100) == b""  # no banner: the CNXN after the garbage was never parsed
    assert _wait_for(lambda: _protocol_errors(sim) == before + 1)
    _still_serving(adb, serial)


@pytest.mark.parametrize("version", [0, 0x00FFFFFF])
def test_a_cnxn_older_than_version_one_is_refused(adb: PrivateAdbServer, serial: str, sim: SimHarness,
                                                  version: int) -> None:
    before = _protocol_errors(sim)
    with _connect(sim) as sock:
        sock.sendall(encode(Message(Command.CNXN, version, 1 << 20, b"host::")))
        assert _hung_up(sock)
    assert _wait_for(lambda: _protocol_errors(sim) == before + 1)
    _still_serving(adb, serial)


def test_a_payload_one_byte_over_the_negotiated_maximum_is_refused_and_one_at_it_is_not(
        adb: PrivateAdbServer, serial: str, sim: SimHarness) -> None:
    before = _protocol_errors(sim)
    with _connect(sim) as sock:
        banner = _handshake(sock)
        assert banner.arg1 == DEVICE_MAX_PAYLOAD  # what the device announced it accepts
        sock.sendall(encode(Message(Command.WRTE, 1, 999, b"a" * DEVICE_MAX_PAYLOAD)))  # at the limit: taken
        assert _shell(sock, 2, "echo at the limit") == b"at the limit\n"
        header = encode(Message(Command.WRTE, 1, 999, b""))[:12] + struct.pack(
            "<III", DEVICE_MAX_PAYLOAD + 1, 0, Command.WRTE ^ 0xFFFFFFFF)
        sock.sendall(header)  # the header alone condemns it: nothing is buffered first
        assert _hung_up(sock)
    assert _wait_for(lambda: _protocol_errors(sim) == before + 1)
    _still_serving(adb, serial)


def test_the_device_never_sends_more_per_message_than_the_host_announced(sim: SimHarness) -> None:
    size, host_max = 300_000, 4096

    async def put_file() -> None:
        sim.devices[0].fs.write_bytes("/data/local/tmp/big", bytes(range(256)) * (size // 256), make_parents=True)

    sim.call(put_file())
    with _connect(sim) as sock:
        _handshake(sock, max_payload=host_max)
        sock.sendall(encode(Message(Command.OPEN, 5, 0, b"shell:cat /data/local/tmp/big\0")))
        received, largest = b"", 0
        while True:
            message = _receive(sock)
            assert message is not None
            if message.command is Command.WRTE:
                largest = max(largest, len(message.data))
                received += message.data
                sock.sendall(encode(Message(Command.OKAY, 5, message.arg0)))
            elif message.command is Command.CLSE:
                break
    assert received == bytes(range(256)) * (size // 256)
    assert largest == host_max


@pytest.mark.parametrize("cut", [1, HEADER_SIZE - 1, HEADER_SIZE + 10])
def test_a_message_cut_off_by_a_hangup_frees_the_connection(adb: PrivateAdbServer, serial: str, sim: SimHarness,
                                                             cut: int) -> None:
    """A truncated header, or a header whose payload never comes, then the host hangs up: the
    connection is dropped as lost (not a protocol error) and nothing of it is kept."""
    errors, connections = _protocol_errors(sim), _connections(sim)
    with _connect(sim) as sock:
        _handshake(sock)
        assert _wait_for(lambda: _connections(sim) == connections + 1)
        sock.sendall(encode(Message(Command.WRTE, 1, 1, b"p" * 100))[:cut])
    assert _wait_for(lambda: _connections(sim) == connections)
    assert _protocol_errors(sim) == errors
    _still_serving(adb, serial)


@pytest.mark.parametrize("command", [Command.SYNC, Command.AUTH, Command.STLS])
def test_a_command_the_host_never_sends_to_a_device_is_a_protocol_error(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, command: Command) -> None:
    before = _protocol_errors(sim)
    with _connect(sim) as sock:
        _handshake(sock)
        sock.sendall(encode(Message(command, 1, 0, b"x")))
        assert _hung_up(sock)
    assert _wait_for(lambda: _protocol_errors(sim) == before + 1)
    _still_serving(adb, serial)


# ----------------------------------------------------------------------------- refused, connection kept


def test_an_open_with_a_huge_service_name_is_refused_and_the_connection_goes_on(sim: SimHarness) -> None:
    device = sim.devices[0]
    refused, errors = device.counters.streams_refused, device.counters.protocol_errors
    with _connect(sim) as sock:
        _handshake(sock)
        name = b"x" * (DEVICE_MAX_PAYLOAD - 1) + b"\0"  # fills the largest payload the device takes
        sock.sendall(encode(Message(Command.OPEN, 3, 0, name)))
        answer = _receive(sock)
        assert answer is not None and (answer.command, answer.arg1) == (Command.CLSE, 3)
        assert _shell(sock, 4, "echo after") == b"after\n"
    assert device.counters.streams_refused == refused + 1
    assert device.counters.protocol_errors == errors


def test_a_huge_shell_command_line_runs_whole(sim: SimHarness) -> None:
    word = "w" * 500_000
    with _connect(sim) as sock:
        _handshake(sock)
        assert _shell(sock, 6, f"echo {word}") == f"{word}\n".encode()


def test_an_open_without_a_host_stream_id_is_refused(sim: SimHarness) -> None:
    refused = sim.devices[0].counters.streams_refused
    with _connect(sim) as sock:
        _handshake(sock)
        sock.sendall(encode(Message(Command.OPEN, 0, 0, b"shell:echo nobody\0")))
        answer = _receive(sock)
        assert answer is not None and answer.command is Command.CLSE
        assert _shell(sock, 8, "echo next") == b"next\n"
    assert sim.devices[0].counters.streams_refused == refused + 1


def test_stream_messages_for_a_closed_stream_are_ignored(sim: SimHarness) -> None:
    with _connect(sim) as sock:
        _handshake(sock)
        closed: list[int] = []
        assert _shell(sock, 9, "echo first", closed) == b"first\n"
        stale = b"".join(encode(Message(c, 9, closed[0], d)) for c, d in (
            (Command.WRTE, b"late"), (Command.OKAY, b""), (Command.CLSE, b"")))
        sock.sendall(stale)
        assert _shell(sock, 10, "echo second") == b"second\n"


# ----------------------------------------------------------------------------- other connections


def test_an_open_stream_on_another_connection_survives_a_storm_of_bad_connections(
        adb: PrivateAdbServer, serial: str, sim: SimHarness) -> None:
    before = _protocol_errors(sim)
    with _connect(sim) as good:
        _handshake(good)
        good.sendall(encode(Message(Command.OPEN, 1, 0, b"shell,v2,raw:cat\0")))
        okay = _receive(good)
        assert okay is not None and okay.command is Command.OKAY
        device_id = okay.arg0
        storms = [b"\x00" * 24, b"JUNKJUNKJUNKJUNKJUNKJUNK", encode(Message(Command.SYNC, 0, 0)),
                  encode(Message(Command.WRTE, 1, 1, b""))[:12] + struct.pack("<III", 1 << 30, 0,
                                                                             Command.WRTE ^ 0xFFFFFFFF)]
        for garbage in storms * 5:
            with _connect(sim) as bad:
                bad.sendall(garbage)
                assert _hung_up(bad)
        assert _wait_for(lambda: _protocol_errors(sim) == before + len(storms) * 5)
        payload = b"still here\n"
        stdin = (bytes([SHELL_STDIN]) + struct.pack("<I", len(payload)) + payload
                 + bytes([SHELL_CLOSE_STDIN]) + struct.pack("<I", 0))
        good.sendall(encode(Message(Command.WRTE, 1, device_id, stdin)))  # shell v2: stdin, then close it
        packets = b""
        while True:
            message = _receive(good)
            assert message is not None, "the good connection was dropped"
            if message.command is Command.WRTE:
                packets += message.data
                good.sendall(encode(Message(Command.OKAY, 1, message.arg0)))
            elif message.command is Command.CLSE:
                break
    assert packets.startswith(bytes([SHELL_STDOUT]) + struct.pack("<I", len(payload)) + payload)  # the echo
    _still_serving(adb, serial)
