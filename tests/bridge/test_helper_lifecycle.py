"""The helper's lifecycle and the library's errors when the device or the helper is not as expected."""

from __future__ import annotations

import threading
import time

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import CommandResult, connect
from bridge.errors import DeviceConnectionError, HelperIncompatibleError, HelperMissingError, JobSpecError
from bridge.fleet import for_each_device
from bridge.helper import Helper
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.model import JobSpec
from jobctl_sim.harness import SimHarness
from jobctl_sim.fleet import FleetSpec


def test_an_uninstalled_helper_is_reported_as_missing_with_how_to_build_it(adb: PrivateAdbServer, serial: str,
                                                                           monkeypatch, tmp_path) -> None:
    device = connect(serial, adb.server)
    assert "Success" in device.shell(["pm", "uninstall", HELPER_PACKAGE]).text
    helper = Helper(device)
    with pytest.raises(HelperMissingError, match="not installed or not reachable"):
        helper.info()
    assert helper.status().installed is False
    monkeypatch.setenv("JOBCTL_HELPER_APK", str(tmp_path / "nowhere.apk"))
    with pytest.raises(HelperMissingError, match="jobctl helper build"):
        helper.ensure_ready()


def test_the_virtual_devices_built_in_helper_is_ready_and_up_to_date(adb: PrivateAdbServer, serial: str) -> None:
    status = Helper(connect(serial, adb.server)).status()
    assert status.installed and status.up_to_date
    assert status.info is not None and status.info.protocol_version == 1


class _FakeDevice:
    """Answers every broadcast with one canned helper response."""

    api_level = 34

    def __init__(self, response: str) -> None:
        self.response = response
        self.commands: list[str] = []

    def shell(self, command, **_: object) -> CommandResult:  # type: ignore[no-untyped-def]
        self.commands.append(command)
        out = f'Broadcasting: Intent {{ }}\nBroadcast completed: result=1, data="{self.response}"\n'
        return CommandResult(str(command), out.encode(), b"", 0)


def test_a_helper_speaking_another_protocol_is_refused_as_incompatible() -> None:
    info = ('{"v":1,"id":null,"ok":true,"result":{"package":"dev.jobctl.helper","helper_version":"2.1",'
            '"version_code":2001,"protocol_version":2,"protocol_versions":[2],"api_level":34,'
            '"journal":{"first_seq":1,"next_seq":1}}}')
    with pytest.raises(HelperIncompatibleError, match="speaks protocol \\(2,\\), jobctl speaks 1"):
        Helper(_FakeDevice(info)).info()  # type: ignore[arg-type]


def test_an_invalid_spec_is_refused_before_the_device_is_touched() -> None:
    device = _FakeDevice("unused")
    with pytest.raises(JobSpecError, match="An expedited job cannot have a time delay"):
        Helper(device).schedule(JobSpec(1, expedited=True, min_latency_ms=1000))  # type: ignore[arg-type]
    assert device.commands == []


def test_a_device_vanishing_mid_call_raises_a_connection_error(adb: PrivateAdbServer, serial: str,
                                                               sim: SimHarness) -> None:
    device = connect(serial, adb.server)
    errors: list[BaseException] = []

    def long_call() -> None:
        try:
            device.shell("sleep 10", timeout=20)
        except BaseException as error:  # asserted below
            errors.append(error)

    caller = threading.Thread(target=long_call)
    caller.start()
    time.sleep(0.3)  # let the call reach the device; what is tested is the drop, not timing
    sim.call(sim.servers[0].go_offline())
    caller.join(15)
    sim.call(sim.servers[0].come_back())
    assert len(errors) == 1 and isinstance(errors[0], DeviceConnectionError)
    assert "connection lost" in str(errors[0])


def test_for_each_device_runs_in_parallel_and_reports_each_failure_separately(adb: PrivateAdbServer) -> None:
    with SimHarness(FleetSpec(count=3, api_level=31)) as fleet:
        devices = [connect(address, adb.server) for address in fleet.connect(adb.server)]

        def probe(device):  # type: ignore[no-untyped-def]
            if device.serial == devices[1].serial:
                raise RuntimeError("this one fails")
            return device.api_level

        outcomes = for_each_device(probe, devices)
    assert [o.serial for o in outcomes] == [d.serial for d in devices]
    assert [o.value for o in outcomes] == [31, None, 31]
    assert not outcomes[1].ok and "this one fails" in str(outcomes[1].error)
