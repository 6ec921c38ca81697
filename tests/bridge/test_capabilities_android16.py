"""Issue 14 item 5: Android 16/17 devices through the real adb server: the ``cmd jobscheduler``
verbs each level has (read from ``cmd jobscheduler help``), the typed readers of the 16 verbs, and
clean refusals on older levels."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bridge import capabilities
from bridge.adb.private import PrivateAdbServer
from bridge.errors import InvalidCommandError
from jobctl_sim.fleet import FleetSpec
from jobctl_sim.harness import SimHarness


@pytest.fixture
def device_at(adb: PrivateAdbServer) -> Iterator[object]:
    started: list[SimHarness] = []

    def connect(api: int) -> object:
        from bridge.device import connect as open_device

        harness = SimHarness(FleetSpec(api_level=api)).start()
        started.append(harness)
        harness.connect(adb.server)
        return open_device(harness.addresses[0], adb.server)

    try:
        yield connect
    finally:
        for harness in started:
            harness.stop()


@pytest.mark.parametrize("api", [36, 37])
def test_android_16_and_17_report_their_level_and_new_verbs(device_at, api: int) -> None:  # type: ignore[no-untyped-def]
    device = device_at(api)
    caps = capabilities.of(device)
    assert (caps.api_level, caps.release) == (api, {36: "16", 37: "17"}[api])
    assert caps.has_flex_policy and caps.has_config_cache and caps.has_aconfig_flags
    assert caps.reports_abandoned_timeouts and caps.has_pending_reason_history
    assert caps.has_pending_reason_stats == (api >= 37)
    assert capabilities.set_flex_policy(device, ["charging", "idle"]) == 0x1 | 0x4
    assert capabilities.set_flex_policy(device, []) == 0
    assert capabilities.set_flex_policy(device, None) is None
    assert capabilities.config_value(device, "min_exp_backoff_time_ms") is None
    device.shell(["cmd", "device_config", "put", "jobscheduler", "min_exp_backoff_time_ms", "20000"], check=True)
    assert capabilities.config_value(device, "min_exp_backoff_time_ms") == "20000"


def test_android_15_has_none_of_the_16_verbs_and_says_so(device_at) -> None:  # type: ignore[no-untyped-def]
    device = device_at(35)
    caps = capabilities.of(device)
    assert not caps.has_flex_policy and not caps.has_config_cache and not caps.reports_abandoned_timeouts
    with pytest.raises(InvalidCommandError, match="needs Android 16"):
        capabilities.config_value(device, "x")
    result = device.shell(["cmd", "jobscheduler", "enable-flex-policy"])
    assert (result.exit_code, result.text) == (255, "Unknown command: enable-flex-policy\n")


def test_the_16_verbs_answer_bad_input_as_the_platform_does(device_at) -> None:  # type: ignore[no-untyped-def]
    device = device_at(36)
    bad = device.shell(["cmd", "jobscheduler", "cache-config-changes", "maybe"])
    assert (bad.exit_code, bad.text, bad.error_text) == (1, "", "Error: unknown option maybe\n")
    option = device.shell(["cmd", "jobscheduler", "enable-flex-policy", "--option", "wifi"])
    assert (option.exit_code, option.text) == (255, "Unsupported option: wifi\n")
    flag = device.shell(["cmd", "jobscheduler", "enable-flex-policy", "-x"])
    assert (flag.exit_code, flag.text) == (255, "Error: unknown option '-x'\n")
    missing = device.shell(["cmd", "jobscheduler", "get-config-value"])
    assert missing.exit_code == 255 and missing.text.startswith("Exception: java.lang.IllegalArgumentException")
    with pytest.raises(InvalidCommandError, match="unknown flex option"):
        capabilities.set_flex_policy(device, ["wifi"])


@pytest.mark.parametrize(("api", "has_reasons", "has_stats"), [(34, False, False), (36, True, False), (37, True, True)])
def test_helper_pending_reasons_reports_what_the_level_has(device_at, api: int, has_reasons: bool,  # type: ignore[no-untyped-def]
                                                           has_stats: bool) -> None:
    """A job waiting on charging: its pending reason by every getter the level has, typed, and
    None where the level lacks the getter (getPendingJobReasons/History 36, Stats 37)."""
    from bridge.helper import Helper
    from bridge.model import JobSpec, PendingReason

    helper = Helper(device_at(api))
    helper.leave_never_bucket()  # else APP_STANDBY (and QUOTA) come first: a never-launched app's jobs wait
    helper.device.shell(["cmd", "battery", "unplug"], check=True)
    helper.schedule(JobSpec(41, requires_charging=True))
    found = helper.pending_reasons(41)
    assert (found.job_id, found.namespace) == (41, None)
    assert found.reason is PendingReason.CONSTRAINT_CHARGING
    assert (found.reasons is not None, found.history is not None) == (has_reasons, has_reasons)
    assert (found.stats is not None) == has_stats
    if has_reasons:
        assert found.reasons is not None and PendingReason.CONSTRAINT_CHARGING in found.reasons
