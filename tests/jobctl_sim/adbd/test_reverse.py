"""``adb reverse`` against the virtual device: the services' replies as adbd gives them, and the
device-side listeners that lead back to a host port (packages/modules/adb adb.cpp
handle_forward_request, adb_listeners.cpp)."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator

import adbutils
import pytest

from bridge.adb.private import PrivateAdbServer
from jobctl_sim.harness import SimHarness
from jobctl_sim.native.streams import BufferOutput, InputStream
from tests.jobctl_sim.adbd.clis import AdbCli, lines
from tests.support.waiting import wait_until


class EchoServer:
    """A host TCP server that answers each connection with ``echo:`` and what it received."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(10)
                data = b""
                while not data.endswith(b"\n"):
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                conn.sendall(b"echo:" + data)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def echo_server() -> Iterator[EchoServer]:
    server = EchoServer()
    try:
        yield server
    finally:
        server.close()


def _device_side_client(sim: SimHarness, namespace: str, address: str, payload: bytes) -> bytes:
    """Connect to ``namespace:address`` on the device, as an app would, send ``payload`` and read to EOF."""
    device = sim.devices[0]

    async def connect() -> bytes:
        handler = device.sockets.lookup(namespace, address)
        assert handler is not None, f"nothing listens on {namespace}:{address} on the device"
        received = BufferOutput()
        await handler(InputStream.of(payload), received, asyncio.Event())
        return received.getvalue()

    return sim.call(connect(), timeout=30)


def test_reverse_forward_list_and_remove_answer_as_adbd_does(cli: AdbCli, echo_server: EchoServer) -> None:
    host = f"tcp:{echo_server.port}"
    assert cli.text("reverse", "--list").stdout.strip() == ""
    added = cli.text("reverse", "tcp:8081", host)
    assert (added.returncode, added.stdout, added.stderr) == (0, "", "")
    listed = lines(cli.text("reverse", "--list").stdout)
    assert len(listed) == 1 and re.fullmatch(rf"host-\d+ tcp:8081 {host}", listed[0]), listed
    refused = cli.text("reverse", "--no-rebind", "tcp:8081", host)
    assert refused.returncode == 1
    assert refused.stderr.strip().endswith("cannot rebind existing socket")
    assert cli.text("reverse", "tcp:8081", "tcp:1").returncode == 0  # rebinding is allowed
    assert lines(cli.text("reverse", "--list").stdout)[0].endswith("tcp:8081 tcp:1")
    missing = cli.text("reverse", "--remove", "tcp:9")
    assert missing.returncode == 1 and missing.stderr.strip().endswith("listener 'tcp:9' not found")
    assert cli.text("reverse", "--remove", "tcp:8081").returncode == 0
    assert cli.text("reverse", "--list").stdout.strip() == ""
    for port in ("8082", "8083"):
        assert cli.text("reverse", f"tcp:{port}", host).returncode == 0
    assert cli.text("reverse", "--remove-all").returncode == 0
    assert cli.text("reverse", "--list").stdout.strip() == ""
    assert cli.sim.devices[0].sockets.lookup("tcp", "8082") is None


def test_reverse_tcp_0_prints_the_port_the_device_chose(cli: AdbCli, echo_server: EchoServer) -> None:
    result = cli.text("reverse", "tcp:0", f"tcp:{echo_server.port}")
    assert result.returncode == 0
    port = int(result.stdout.strip())
    assert 32768 <= port < 61000
    assert lines(cli.text("reverse", "--list").stdout)[0].split()[1] == f"tcp:{port}"


def test_device_side_client_reaches_the_host_port_through_a_device_opened_stream(
        cli: AdbCli, echo_server: EchoServer) -> None:
    assert cli.text("reverse", "tcp:8081", f"tcp:{echo_server.port}").returncode == 0
    assert _device_side_client(cli.sim, "tcp", "8081", b"hello from the device\n") == b"echo:hello from the device\n"
    assert cli.text("reverse", "localabstract:jobctl-rev", f"tcp:{echo_server.port}").returncode == 0
    assert _device_side_client(cli.sim, "localabstract", "jobctl-rev", b"abstract\n") == b"echo:abstract\n"


def test_adb_forward_into_a_reversed_device_port_comes_back_to_the_host(cli: AdbCli, echo_server: EchoServer) -> None:
    """host → adb forward → device tcp:8081 (adbd's reverse listener) → OPEN to the host → echo server."""
    assert cli.text("reverse", "tcp:8081", f"tcp:{echo_server.port}").returncode == 0
    forwarded = cli.text("forward", "tcp:0", "tcp:8081")
    assert forwarded.returncode == 0, forwarded.stderr
    with socket.create_connection(("127.0.0.1", int(forwarded.stdout.strip())), timeout=10) as conn:
        conn.sendall(b"round trip\n")
        reply = b""
        while chunk := conn.recv(4096):
            reply += chunk
    assert reply == b"echo:round trip\n"
    cli.text("forward", "--remove-all")


def test_a_reverse_ends_with_the_transport_that_made_it(adb: PrivateAdbServer, sim: SimHarness, serial: str,
                                                       echo_server: EchoServer) -> None:
    assert adb.adb("-s", serial, "reverse", "tcp:8090", f"tcp:{echo_server.port}").returncode == 0
    sim.call(sim.servers[0].drop_connections())
    assert wait_until(lambda: sim.devices[0].sockets.lookup("tcp", "8090") is None, 10)
    assert wait_until(lambda: adb.adb("-s", serial, "get-state").stdout.strip() == "device", 15)
    assert adb.adb("-s", serial, "reverse", "--list").stdout.strip() == ""


def test_adbutils_reverse_list_remove_and_remove_all(adb: PrivateAdbServer, serial: str, sim: SimHarness,
                                                     echo_server: EchoServer) -> None:
    device = adbutils.AdbClient(host="127.0.0.1", port=adb.port).device(serial)
    device.reverse("tcp:8085", f"tcp:{echo_server.port}")
    device.reverse("localabstract:jobctl-ui", f"tcp:{echo_server.port}")
    listed = [(item.remote, item.local) for item in device.reverse_list()]
    assert listed == [("tcp:8085", f"tcp:{echo_server.port}"), ("localabstract:jobctl-ui", f"tcp:{echo_server.port}")]
    with pytest.raises(adbutils.AdbError, match="cannot rebind existing socket"):
        device.reverse("tcp:8085", "tcp:1", norebind=True)
    assert _device_side_client(sim, "tcp", "8085", b"adbutils\n") == b"echo:adbutils\n"
    device.reverse_remove("tcp:8085")
    with pytest.raises(adbutils.AdbError, match="listener 'tcp:8085' not found"):
        device.reverse_remove("tcp:8085")
    device.reverse_remove_all()
    assert device.reverse_list() == []


@pytest.mark.parametrize("request_text, message", [
    ("forward:tcp:1", "bad forward: tcp:1"),
    ("forward:norebind:tcp:1;", "bad forward: tcp:1;"),
    ("forward:tcp:1;*smartsocket*", "bad forward: tcp:1;*smartsocket*"),
    ("forward:tcp:99999;tcp:1", "cannot bind listener: bad port number '99999'"),
    ("forward:tcp:example.com:80;tcp:1", "cannot bind listener: listening on specified hostname currently unsupported"),
    ("forward:foo:1;tcp:1", "cannot bind listener: unknown socket specification:foo:1"),
    ("killforward:", "bad killforward: "),
])
def test_bad_reverse_requests_fail_with_adbds_text_and_close_only_that_stream(
        adb: PrivateAdbServer, serial: str, request_text: str, message: str) -> None:
    """(A reverse request the adb server does not know, e.g. ``reverse:frobnicate``, aborts the adb 36
    server itself -- transport.cpp UpdateReverseConfig -- so test_stream_close sends it to adbd directly.)"""
    device = adbutils.AdbClient(host="127.0.0.1", port=adb.port).device(serial)
    with device.open_transport() as connection:
        connection.send_command(f"reverse:{request_text}")
        connection.check_okay()
        assert connection.read_until_close() == f"FAIL{len(message):04x}{message}"
    assert device.shell("echo still serving") == "still serving"
