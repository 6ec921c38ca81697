"""adbutils (the library jobctl builds on) against the virtual device, unchanged and unpatched."""

from __future__ import annotations

import os
import socket

import adbutils
import pytest

from bridge.adb.private import PrivateAdbServer
from jobctl_sim.harness import SimHarness
from jobctl_sim.native.streams import InputStream, OutputStream


@pytest.fixture
def client(adb: PrivateAdbServer) -> adbutils.AdbClient:
    return adbutils.AdbClient(host="127.0.0.1", port=adb.port)


def test_device_list_extended_shows_banner_fields(client: adbutils.AdbClient, serial: str) -> None:
    info = next(d for d in client.list(extended=True) if d.serial == serial)
    assert info.state == "device"
    assert info.tags["product"] == "sdk_gphone64_x86_64"
    device = client.device(serial)
    assert device.get_state() == "device"
    assert set(device.get_features().split(",")) >= {"shell_v2", "cmd", "stat_v2", "ls_v2", "fixed_push_mkdir",
                                                     "abb_exec"}
    assert device.prop.get("ro.build.version.sdk") == "34"


def test_shell2_v1_and_v2_report_exit_codes_and_split_stderr(client: adbutils.AdbClient, serial: str) -> None:
    device = client.device(serial)
    v1 = device.shell2("echo out; echo err >&2; false")
    assert v1.returncode == 1 and "out" in v1.output and "err" in v1.output
    v2 = device.shell2("echo out; echo err >&2; sh -c 'exit 5'", v2=True)
    assert (v2.returncode, v2.stdout, v2.stderr) == (5, "out\n", "err\n")


def test_sync_push_stat_list_and_read_back(client: adbutils.AdbClient, serial: str, tmp_path) -> None:
    device = client.device(serial)
    payload = os.urandom(300 * 1024)
    source = tmp_path / "f.bin"
    source.write_bytes(payload)
    device.sync.push(str(source), "/sdcard/jobctl/f.bin")
    assert device.sync.stat("/sdcard/jobctl/f.bin").size == len(payload)
    assert device.sync.read_bytes("/sdcard/jobctl/f.bin") == payload
    assert [e.path for e in device.sync.list("/sdcard/jobctl")] == ["f.bin"]
    assert device.sync.exists("/sdcard/jobctl/f.bin") and not device.sync.exists("/sdcard/nope")


def test_adbutils_install_flow_pushes_and_runs_pm_install(client: adbutils.AdbClient, serial: str,
                                                           sim: SimHarness, tiny_apk) -> None:
    device = client.device(serial)
    device.install(str(tiny_apk), nolaunch=True)
    executed = [" ".join(argv) for argv in sim.devices[0].executed]
    assert any(line.startswith("pm install -r -t /data/local/tmp/") for line in executed)
    assert "org.example.tiny" in device.list_packages()


def test_logcat_stream_reads_lines_as_they_are_written(client: adbutils.AdbClient, serial: str,
                                                       sim: SimHarness) -> None:
    connection = client.device(serial).shell("logcat -v brief -s Streamed", stream=True)
    try:
        device = sim.devices[0]
        reader = connection.conn.makefile("rb")
        for n in range(3):
            sim.loop.call_soon_threadsafe(device.log.write, "W", "Streamed", f"line {n}")
        lines = []
        while len(lines) < 3:
            line = reader.readline().decode()
            if "Streamed" in line:
                lines.append(line.strip())
        assert [line.split(": ", 1)[1] for line in lines] == ["line 0", "line 1", "line 2"]
        assert lines[0].startswith("W/Streamed")
    finally:
        connection.close()


def test_localabstract_stream_echoes_bytes_both_ways(client: adbutils.AdbClient, serial: str,
                                                     sim: SimHarness) -> None:
    async def echo(incoming: InputStream, outgoing: OutputStream, hangup) -> None:  # type: ignore[no-untyped-def]
        while chunk := await incoming.read(65536):
            outgoing.write(chunk.upper())
            await outgoing.drain()

    sim.devices[0].sockets.listen("localabstract", "jobctl-echo", echo)
    conn = client.device(serial).create_connection(adbutils.Network.LOCAL_ABSTRACT, "jobctl-echo")
    try:
        conn.sendall(b"hello device")
        received = b""
        while len(received) < 12:
            received += conn.recv(100)
        assert received == b"HELLO DEVICE"
    finally:
        conn.close()


def test_a_socket_nobody_listens_on_is_refused(client: adbutils.AdbClient, serial: str) -> None:
    with pytest.raises(adbutils.AdbError, match="closed"):
        client.device(serial).create_connection(adbutils.Network.LOCAL_ABSTRACT, "nobody-home")


def test_unknown_service_is_refused_with_closed(adb: PrivateAdbServer, serial: str) -> None:
    with socket.create_connection(("127.0.0.1", adb.port)) as sock:
        for request in (f"host:transport:{serial}", "frobnicate:now"):
            sock.sendall(b"%04x%s" % (len(request), request.encode()))
            status = sock.recv(4)
        assert status == b"FAIL"
        assert b"closed" in sock.recv(100)
