"""The virtual device listens on loopback unless told otherwise, and the daemon's control socket
is private to its user. Checked against the kernel's socket table and the filesystem, not
against the code's defaults alone."""

from __future__ import annotations

import asyncio
import inspect
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.adb.private import PrivateAdbServer
from jobctl_sim import daemon
from jobctl_sim.device import DeviceConfig, VirtualDevice
from jobctl_sim.harness import SimHarness
from jobctl_sim.adbd.server import DeviceServer
from jobctl_sim.fleet import FleetSpec
from cli.main import cli
from tests.security._support import free_port, listening_addresses, needs_proc_net, wait_until


@needs_proc_net
def test_a_fleet_with_default_settings_listens_on_loopback_only() -> None:
    assert FleetSpec().host == "127.0.0.1"
    assert inspect.signature(DeviceServer).parameters["host"].default == "127.0.0.1"
    with SimHarness(FleetSpec(count=2, helper=False), extensions=()) as harness:
        ports = [server.port for server in harness.servers]
        assert [listening_addresses(port) for port in ports] == [{"127.0.0.1"}, {"127.0.0.1"}]
        assert all(address.startswith("127.0.0.1:") for address in harness.addresses)


@needs_proc_net
def test_another_address_is_bound_only_when_asked_for() -> None:
    async def listen_everywhere() -> set[str]:
        server = DeviceServer("0.0.0.0", 0)
        port = await server.bind()
        await server.serve(VirtualDevice(DeviceConfig(serial=f"jobctl-sim-{port}")))  # bare: no Android
        try:
            return listening_addresses(port)
        finally:
            await server.stop()  # listening for milliseconds only

    assert asyncio.run(listen_everywhere()) == {"0.0.0.0"}


def test_jobctl_sim_start_asks_for_loopback_unless_host_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[FleetSpec] = []

    def fake_start(spec: FleetSpec, server: object, state_dir: object) -> daemon.SimRecord:
        asked.append(spec)
        device = daemon.SimDevice(f"{spec.host}:5555", "jobctl-sim-5555", spec.api_level, spec.helper)
        return daemon.SimRecord(pid=1, adb_server="tcp:127.0.0.1:1", devices=(device,), speed=1.0,
                                log_file="", started_at=0.0)

    monkeypatch.setattr(daemon, "start", fake_start)
    runner = CliRunner()
    port = str(free_port())
    default = runner.invoke(cli, ["-P", port, "sim", "start"])
    explicit = runner.invoke(cli, ["-P", port, "sim", "start", "--host", "0.0.0.0"])
    assert default.exit_code == 0 and explicit.exit_code == 0, default.output + explicit.output
    assert [spec.host for spec in asked] == ["127.0.0.1", "0.0.0.0"]
    assert "[default: 127.0.0.1]" in runner.invoke(cli, ["sim", "start", "--help"]).output


@needs_proc_net
def test_the_daemon_listens_on_loopback_by_default_and_its_control_socket_is_private(
        adb: PrivateAdbServer, tmp_path: Path) -> None:
    """``python -m jobctl_sim.daemon`` without ``--host``, as the module's own default."""
    state = tmp_path / "state"
    process = subprocess.Popen(
        [sys.executable, "-m", daemon.DAEMON_MODULE, "--state-dir", str(state), "--no-helper",
         "--adb-server", str(adb.server.address)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    record_path = state / daemon.RECORD_DIR / f"{process.pid}.json"
    try:
        wait_until(lambda: record_path.exists() or process.poll() is not None, 30, "the daemon's record")
        assert process.poll() is None, "the daemon exited"
        record = daemon.SimRecord.load(record_path)
        port = int(record.devices[0].address.rpartition(":")[2])
        assert listening_addresses(port) == {"127.0.0.1"}

        control = Path(record.control_socket)
        info = control.stat()
        assert stat.S_ISSOCK(info.st_mode)
        assert stat.S_IMODE(info.st_mode) == 0o600
        assert info.st_uid == os.getuid()
        folder = control.parent.stat()
        assert stat.S_IMODE(folder.st_mode) == 0o700 and folder.st_uid == os.getuid()
        assert daemon.control(record, {"op": "stats"})["ok"] is True  # and it does answer its owner
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    assert not record_path.exists(), "the daemon did not remove its record"
