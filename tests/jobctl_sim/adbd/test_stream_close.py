"""Closing streams as adbd does, seen by a client that talks to the device port directly.

When the host closes a stream, adbd answers with its own CLSE (adb.cpp handle_packet A_CLSE →
sockets.cpp local_socket_close → remote_socket_shutdown); clients without an adb server wait for
it after each sync request. Malformed input on the newer services (reverse, interactive shell,
device-opened streams) closes only that stream.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Iterator

import pytest

from jobctl_sim.harness import SimHarness
from jobctl_sim.adbd.wire import Command, Message
from jobctl_sim.native.streams import BufferOutput, InputStream
from tests.jobctl_sim.adbd.wire_client import WireClient


@pytest.fixture
def client(sim: SimHarness) -> Iterator[WireClient]:
    connection = WireClient(sim.servers[0].port)
    try:
        yield connection
    finally:
        connection.close()


def _sync_request(request_id: bytes, body: bytes) -> bytes:
    return request_id + struct.pack("<I", len(body)) + body


SYNC_CASES = [
    pytest.param(_sync_request(b"STAT", b"/data/local/tmp/f"), b"STAT", id="stat"),
    pytest.param(_sync_request(b"LIST", b"/data/local/tmp"), b"DENT", id="list"),
    pytest.param(_sync_request(b"RECV", b"/data/local/tmp/f"), b"DATA", id="pull"),
    pytest.param(_sync_request(b"SEND", b"/data/local/tmp/g,33188") + _sync_request(b"DATA", b"xyz")
                 + b"DONE" + struct.pack("<I", 1700000000), b"OKAY", id="push"),
]


@pytest.mark.parametrize("request_bytes, reply_id", SYNC_CASES)
def test_device_answers_the_hosts_close_of_a_sync_stream_with_its_own(client: WireClient, sim: SimHarness,
                                                                      request_bytes: bytes, reply_id: bytes) -> None:
    sim.devices[0].fs.write_bytes("/data/local/tmp/f", b"content")
    device_id = client.open(1, "sync:")
    client.write(1, device_id, request_bytes)
    reply = client.next_for(1)
    assert reply is not None and reply.command is Command.WRTE and reply.data[:4] == reply_id
    client.send(Message(Command.OKAY, 1, device_id))
    client.send(Message(Command.CLSE, 1, device_id))
    assert client.next_for(1) == Message(Command.CLSE, device_id, 1)
    assert client.shell(2, "echo next") == b"next\n"


def test_device_answers_the_close_of_an_interactive_shell(client: WireClient) -> None:
    device_id = client.open(1, "shell:")
    assert client.read_until(1, device_id, b" $ ").endswith(b":/ $ ")
    client.send(Message(Command.CLSE, 1, device_id))
    assert client.next_for(1) == Message(Command.CLSE, device_id, 1)


def test_a_close_naming_another_peer_id_is_ignored_as_adbd_does(client: WireClient) -> None:
    device_id = client.open(1, "shell:")
    client.read_until(1, device_id, b" $ ")
    client.send(Message(Command.CLSE, 99, device_id))  # find_local_socket: the peer id does not match
    client.write(1, device_id, b"echo alive\n")
    assert b"alive\r\n" in client.read_until(1, device_id, b"alive\r\n")


def test_unknown_reverse_request_fails_and_closes_only_that_stream(client: WireClient) -> None:
    device_id = client.open(1, "reverse:frobnicate")
    reply = client.next_for(1)
    assert reply is not None and reply.data == b"FAIL0020not a reverse forwarding command"
    client.send(Message(Command.OKAY, 1, device_id))
    assert client.next_for(1) == Message(Command.CLSE, device_id, 1)
    assert client.shell(2, "echo next") == b"next\n"


def test_garbage_frames_on_an_interactive_v2_shell_close_only_that_stream(client: WireClient) -> None:
    other = client.open(5, "shell,v2,pty:")
    device_id = client.open(1, "shell,v2,pty:")
    client.read_until(1, device_id, b" $ ")
    client.write(1, device_id, struct.pack("<BI", 9, 3) + b"???")  # an unknown packet id: ignored
    client.write(1, device_id, struct.pack("<BI", 0, 1 << 20) + b"ec")  # a frame that never completes
    client.send(Message(Command.CLSE, 1, device_id))
    assert client.next_for(1) == Message(Command.CLSE, device_id, 1)
    client.write(5, other, struct.pack("<BI", 0, 10) + b"echo pass\n")
    assert b"pass\r\n" in client.read_until(5, other, b"pass\r\n")


def test_device_opened_stream_ignores_stray_packets_and_accepts_a_refusal(client: WireClient,
                                                                          sim: SimHarness) -> None:
    device_id = client.open(1, "reverse:forward:tcp:8095;tcp:7000")
    assert client.next_for(1) is not None  # OKAY
    client.send(Message(Command.OKAY, 1, device_id))
    device = sim.devices[0]

    async def device_side_client() -> bytes:
        handler = device.sockets.lookup("tcp", "8095")
        assert handler is not None
        received = BufferOutput()
        await handler(InputStream.of(b"ping"), received, asyncio.Event())
        return received.getvalue()

    future = asyncio.run_coroutine_threadsafe(device_side_client(), sim.loop)
    opened = client.receive()
    while opened is not None and opened.command is not Command.OPEN:
        opened = client.receive()
    assert opened is not None and opened.arg1 == 0 and opened.data == b"tcp:7000\0"
    client.send(Message(Command.WRTE, 7, opened.arg0, b"too early"))  # not accepted yet: ignored
    client.send(Message(Command.OKAY, 0, opened.arg0))  # no sender id: ignored
    client.send(Message(Command.CLSE, 0, opened.arg0))  # the host refuses the stream
    assert future.result(10) == b""
    assert client.shell(2, "echo next") == b"next\n"
