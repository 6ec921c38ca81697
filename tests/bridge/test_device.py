"""The bridge's device layer: finding devices, typed command results, streams, files."""

from __future__ import annotations

import os
import threading

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.adb.server import AdbServer, ServerAddress
from bridge.device import Device, connect, list_devices
from bridge.errors import (
    AdbServerError,
    CommandFailedError,
    CommandTimeoutError,
    DeviceNotFoundError,
    MultipleDevicesError,
)
from jobctl_sim.harness import SimHarness
from jobctl_sim.fleet import FleetSpec


@pytest.fixture
def device(adb: PrivateAdbServer, serial: str) -> Device:
    return connect(serial, adb.server)


def test_shell_returns_stdout_stderr_and_exit_code_separately(device: Device) -> None:
    result = device.shell("echo out; echo err 1>&2; exit 4")
    assert (result.stdout, result.stderr, result.exit_code) == (b"out\n", b"err\n", 4)
    with pytest.raises(CommandFailedError, match="exited with 4: err"):
        result.check()


def test_argument_lists_are_quoted_so_every_word_arrives_intact(device: Device) -> None:
    words = ["a b", "it's", '"q"', "$HOME", "x;y", "tab\tz", "ünï", "back\\slash", "new\nline"]
    assert device.shell(["echo", *words]).text == " ".join(words) + "\n"


def test_stdin_reaches_the_command(device: Device) -> None:
    data = os.urandom(200_000)
    device.shell("cat > /data/local/tmp/in.bin", stdin=data, check=True)
    assert device.pull("/data/local/tmp/in.bin") == data


def test_push_and_pull_round_trip(device: Device) -> None:
    payload = os.urandom(5 * 1024 * 1024)
    device.push(payload, "/data/local/tmp/p.bin")
    assert device.pull("/data/local/tmp/p.bin") == payload


def test_properties_are_read_once(device: Device) -> None:
    assert device.api_level == 34
    assert device.is_virtual is True


def test_command_past_its_deadline_raises_a_timeout(device: Device) -> None:
    with pytest.raises(CommandTimeoutError, match="did not finish"):
        device.shell("sleep 5", timeout=0.3)


def test_stream_yields_lines_until_closed(device: Device, sim: SimHarness) -> None:
    with device.stream(["logcat", "-v", "brief", "-s", "Bridge"]) as stream:
        sim.loop.call_soon_threadsafe(sim.devices[0].log.write, "I", "Bridge", "streamed")
        line = next(line for line in stream.lines() if "Bridge" in line)
    assert line == "I/Bridge  ( 1000): streamed" or line.endswith(": streamed")


def test_unknown_serial_names_the_attached_devices(adb: PrivateAdbServer, serial: str) -> None:
    with pytest.raises(DeviceNotFoundError, match=f"device 'nope' not found \\(attached: {serial}\\)"):
        connect("nope", adb.server)


def test_android_serial_chooses_the_device(adb: PrivateAdbServer, serial: str, monkeypatch) -> None:
    monkeypatch.setenv("ANDROID_SERIAL", serial)
    assert connect(server=adb.server).serial == serial


def test_two_devices_without_a_serial_is_an_error_naming_both(adb: PrivateAdbServer, sim: SimHarness) -> None:
    with SimHarness(FleetSpec(api_level=31)) as other:
        other.connect(adb.server)
        with pytest.raises(MultipleDevicesError, match="2 devices attached"):
            connect(server=adb.server)
        a, b = connect(sim.addresses[0], adb.server), connect(other.addresses[0], adb.server)
        assert (a.api_level, b.api_level) == (34, 31)
        assert a.shell("getprop ro.serialno").text != b.shell("getprop ro.serialno").text


def test_adb_server_socket_environment_is_honoured(adb: PrivateAdbServer, serial: str, monkeypatch) -> None:
    monkeypatch.setenv("ADB_SERVER_SOCKET", f"tcp:127.0.0.1:{adb.port}")
    monkeypatch.setenv("ANDROID_ADB_SERVER_PORT", "1")
    assert ServerAddress.from_environment() == ServerAddress("127.0.0.1", adb.port)
    assert serial in [d.serial for d in list_devices()]


def test_no_server_at_the_address_is_a_clear_error() -> None:
    from bridge.adb.private import free_port

    with pytest.raises(AdbServerError, match="no adb server answers"):
        list_devices(AdbServer(ServerAddress("127.0.0.1", free_port())))


def test_200_concurrent_shell_calls_all_succeed(device: Device) -> None:
    results: list[str] = []
    errors: list[BaseException] = []

    def call(n: int) -> None:
        try:
            results.append(device.shell(f"echo {n}", check=True).text.strip())
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sorted(results, key=int) == [str(n) for n in range(200)]
