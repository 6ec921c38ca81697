"""Conditions read on the levels where ``cmd connectivity airplane-mode`` does not exist (API < 30,
``ConnectivityService`` gained its shell verb in Android 11): the readback falls back to the
``airplane_mode_on`` setting, so ``read()`` and everything above it (``why``) work there."""

from __future__ import annotations

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.diagnosis import diagnose
from bridge.helper_protocol import HELPER_PACKAGE
from jobctl_sim.fleet import FleetSpec
from jobctl_sim.harness import SimHarness


@pytest.mark.parametrize("api_level", [26, 29, 30])
def test_conditions_and_why_read_airplane_mode_on_every_level(adb: PrivateAdbServer, api_level: int) -> None:
    from bridge.conditions import Conditions

    with SimHarness(FleetSpec(api_level=api_level)) as harness:
        harness.connect(adb.server)
        device = connect(harness.addresses[0], adb.server)
        state = Conditions(device).read()
        assert state.airplane_mode is False
        device.shell(["settings", "put", "global", "airplane_mode_on", "1"], check=True)
        expected = api_level < 30  # from 30 the radio state comes from ConnectivityService, not the bare setting
        assert Conditions(device).read().airplane_mode is expected
        diagnosis = diagnose(device, 7, package=HELPER_PACKAGE)
        assert not diagnosis.exists and "7" in diagnosis.summary
