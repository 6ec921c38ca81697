"""``adb root`` / ``adb unroot`` on the virtual device (packages/modules/adb daemon/restart_service.cpp,
daemon/main.cpp should_drop_privileges): a userdebug build restarts adbd as root -- offline, back,
``id`` says uid 0 -- and a user build refuses with adbd's text."""

from __future__ import annotations

import time
from collections.abc import Iterator

import adbutils
import pytest

from bridge.adb.private import PrivateAdbServer
from jobctl_sim.adbd.server import DeviceServer
from jobctl_sim.device import DeviceConfig, VirtualDevice
from jobctl_sim.fleet import wait_online
from jobctl_sim.harness import SimHarness
from tests.jobctl_sim.adbd.clis import AdbCli
from tests.support.waiting import wait_until


def _shell_text(cli: AdbCli, command: str) -> str:
    result = cli.text("shell", command)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_adb_root_restarts_adbd_as_root_and_unroot_drops_it_again(cli: AdbCli) -> None:
    assert _shell_text(cli, "id -u") == "2000\n"
    rooted = cli.text("root", timeout=60)
    assert (rooted.returncode, rooted.stdout) == (0, "restarting adbd as root\n")
    assert cli.text("wait-for-device", timeout=30).returncode == 0
    assert _shell_text(cli, "id").startswith("uid=0(root) gid=0(root)")
    assert _shell_text(cli, "id -u") == "0\n"
    again = cli.text("root")
    assert (again.returncode, again.stdout) == (0, "adbd is already running as root\n")
    unrooted = cli.text("unroot", timeout=60)
    assert (unrooted.returncode, unrooted.stdout) == (0, "restarting adbd as non root\n")
    assert cli.text("wait-for-device", timeout=30).returncode == 0
    assert _shell_text(cli, "id -u") == "2000\n"
    assert cli.text("unroot").stdout == "adbd not running as root\n"


def test_root_takes_the_device_offline_and_back(adb: PrivateAdbServer, sim: SimHarness, serial: str) -> None:
    device = adbutils.AdbClient(host="127.0.0.1", port=adb.port).device(serial)
    before = sim.devices[0].counters.connections
    assert device.root() == "restarting adbd as root\n"
    assert wait_until(lambda: sim.devices[0].counters.connections > before, 15)  # the server reconnected
    wait_online(adb.server, [serial], time.monotonic() + 15)
    assert device.shell("id -u") == "0"
    assert sim.devices[0].props["service.adb.root"] == "1"


def test_root_shell_owns_what_it_creates_and_pushes(adb: PrivateAdbServer, sim: SimHarness, serial: str,
                                                    tmp_path) -> None:
    denied = adb.adb("-s", serial, "shell", "echo x > /data/created")
    assert denied.returncode == 1 and "Permission denied" in denied.stderr  # /data is 0771 system:system
    assert adb.adb("-s", serial, "root", timeout=60).returncode == 0
    adb.adb("-s", serial, "wait-for-device")
    source = tmp_path / "f.txt"
    source.write_text("x")
    assert adb.adb("-s", serial, "push", str(source), "/data/local/tmp/pushed.txt").returncode == 0
    assert sim.devices[0].fs.stat("/data/local/tmp/pushed.txt").uid == 0
    assert adb.adb("-s", serial, "shell", "echo x > /data/created && echo ok").stdout == "ok\n"
    assert sim.devices[0].fs.stat("/data/created").uid == 0


def test_a_reboot_ends_root(adb: PrivateAdbServer, sim: SimHarness, serial: str) -> None:
    assert adb.adb("-s", serial, "root", timeout=60).returncode == 0
    adb.adb("-s", serial, "wait-for-device")
    assert adb.adb("-s", serial, "shell", "id -u").stdout == "0\n"
    assert adb.adb("-s", serial, "reboot", timeout=60).returncode == 0
    assert wait_until(lambda: adb.adb("-s", serial, "shell", "id -u").stdout == "2000\n", 30, interval=0.2)


@pytest.fixture
def user_build(adb: PrivateAdbServer, sim: SimHarness) -> Iterator[str]:
    """A second virtual device, a ``user`` build (as the emulator's Google Play images), on the sim's loop."""
    server = DeviceServer()

    async def start() -> None:
        port = await server.bind()
        await server.serve(VirtualDevice(DeviceConfig(serial=f"jobctl-sim-{port}", build_type="user"), ()))

    sim.call(start())
    try:
        assert "connected" in adb.server.connect_device(server.address)
        wait_online(adb.server, [server.address], time.monotonic() + 15)
        yield server.address
    finally:
        adb.server.disconnect_device(server.address)
        sim.call(server.stop())


def test_a_user_build_refuses_root_with_adbds_text(adb: PrivateAdbServer, user_build: str) -> None:
    props = adb.adb("-s", user_build, "shell", "getprop ro.build.type; getprop ro.debuggable").stdout
    assert props == "user\n0\n"
    refused = adb.adb("-s", user_build, "root")
    assert (refused.returncode, refused.stdout) == (0, "adbd cannot run as root in production builds\n")
    assert adb.adb("-s", user_build, "shell", "id -u").stdout == "2000\n"
    assert adb.adb("-s", user_build, "unroot").stdout == "adbd not running as root\n"


def test_an_unknown_build_type_is_refused_with_one_clear_line() -> None:
    with pytest.raises(ValueError, match="unknown build type 'debug'; choose one of user, userdebug, eng"):
        DeviceConfig(serial="x", build_type="debug")


def test_the_build_type_sets_the_properties_adbd_and_tools_read() -> None:
    user = VirtualDevice(DeviceConfig(serial="x", build_type="user"), ()).props
    assert (user["ro.build.type"], user["ro.debuggable"], user["ro.build.tags"]) == ("user", "0", "release-keys")
    assert user["ro.build.fingerprint"].endswith(":user/release-keys")
    default = VirtualDevice(DeviceConfig(serial="x"), ()).props
    assert (default["ro.build.type"], default["ro.debuggable"]) == ("userdebug", "1")
    assert default["ro.build.fingerprint"].endswith(":userdebug/dev-keys")
