"""The boot population of the virtual device: the jobs a stock emulator image schedules, their
lifecycle (run, stop, back off, history), driven only through the device shell."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

import jobctl_sim.assembly
from jobctl_sim.device import DeviceConfig, VirtualDevice

SPEED = 1000.0


def device(api: int = 34, population: bool = True, speed: float = SPEED) -> VirtualDevice:
    extension = (jobctl_sim.assembly.install_android if population
                 else jobctl_sim.assembly.install_android_without_population)
    return VirtualDevice(DeviceConfig(serial="t", api_level=api, speed=speed), extensions=[extension])


async def sh(dev: VirtualDevice, line: str) -> str:
    result = await dev.shell(line)
    return result.text + result.stderr.decode()


async def until(check: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> None:
    """Wait (real time) for ``check`` to hold, with a deadline."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.01)


def job_headers(dump: str) -> list[str]:
    return re.findall(r"^  JOB (\S+):", dump, re.M)


def test_an_api_34_image_boots_with_the_platform_and_provider_jobs() -> None:
    async def body() -> None:
        dev = device(34)
        dump = await sh(dev, "dumpsys jobscheduler")
        assert set(job_headers(dump)) == {
            "#1000/27873780", "#1000/808", "#1000/765123", "#1000/191934935", "usagestats_prune:1000/0",
            "usagestats_mapping:1000/0", "#u0a47/-100", "#u0a140/-200"}
        assert "Registered 8 jobs:" in dump
        assert "android/com.android.server.art.BackgroundDexOptJobService" in dump
        assert "com.android.providers.media.module/com.android.providers.media.IdleService" in dump
        assert await sh(dev, "cmd jobscheduler get-job-state android 808") == "waiting\n"
        art = dump.split("JOB #1000/27873780:")[1].split("  JOB ")[0]
        assert "PERIODIC: interval=+1d0h0m0s0ms flex=+1d0h0m0s0ms" in art
        assert "Requires: charging=true batteryNotLow=true deviceIdle=true" in art
        prune = dump.split("JOB usagestats_prune:1000/0:")[1].split("  JOB ")[0]
        assert "PERSISTED" in prune and "Extras: {user_id=0}" in prune

    asyncio.run(body())


def test_an_api_28_image_has_the_legacy_dexopt_jobs_and_the_non_module_media_provider() -> None:
    async def body() -> None:
        dump = await sh(device(28), "dumpsys jobscheduler")
        assert set(job_headers(dump)) == {"#1000/800", "#1000/801", "#1000/808", "#1000/765123", "#u0a47/-100",
                                          "#u0a140/-200"}
        assert "android/com.android.server.pm.BackgroundDexOptService" in dump
        assert "com.android.providers.media/.IdleService" in dump

    asyncio.run(body())


def test_the_post_boot_dexopt_job_runs_at_its_deadline_and_fills_history_and_completed_jobs() -> None:
    async def body() -> None:
        dev = device(28, speed=2000.0)

        async def gone() -> bool:
            return "#1000/801" not in await sh(dev, "dumpsys jobscheduler android | grep 'JOB '")
        await until(gone)
        dump = await sh(dev, "dumpsys jobscheduler android")
        history = dump.split("Job history:")[1].split("\n\n")[0]
        assert re.search(r"  START: #1000/801 android/com.android.server.pm.BackgroundDexOptService\n", history)
        assert re.search(r" STOP-P: #1000/801 android/com.android.server.pm.BackgroundDexOptService "
                         r"app called jobFinished", history)
        completed = dump.split("Recently completed jobs:")[1]
        assert " #1000/801 android/com.android.server.pm.BackgroundDexOptService" in completed

    asyncio.run(body())


def test_idle_jobs_run_in_idle_maintenance_and_a_stopped_art_job_backs_off() -> None:
    async def body() -> None:
        dev = device(34)
        await sh(dev, "dumpsys battery set ac 1")
        await sh(dev, "input keyevent KEYCODE_SLEEP")
        await sh(dev, "am idle-maintenance")

        async def running() -> bool:
            return (await sh(dev, "cmd jobscheduler get-job-state android 27873780")).startswith("active")
        await until(running)
        await sh(dev, "cmd jobscheduler stop android 27873780")
        dump = await sh(dev, "dumpsys jobscheduler android")
        art = dump.split("JOB #1000/27873780:")[1].split("  JOB ")[0]
        assert "Num failures: 1" in art  # onStopJob returned true: rescheduled with backoff
        assert re.search(r"   STOP: #1000/27873780 android/com.android.server.art.BackgroundDexOptJobService "
                         r"stop from shell\n", dump.split("Job history:")[1])

    asyncio.run(body())


def test_a_reboot_schedules_the_boot_jobs_again_and_keeps_the_persisted_ones() -> None:
    async def body() -> None:
        dev = device(34)
        await dev.android.reboot()
        dump = await sh(dev, "dumpsys jobscheduler")
        assert "Registered 8 jobs:" in dump
        assert "PersistStats: FirstLoad: 2/0/0" in dump  # the two usage-stats jobs came back from disk

    asyncio.run(body())


def test_a_device_without_population_has_no_jobs_and_no_sample_app() -> None:
    async def body() -> None:
        dev = device(34, population=False)
        assert "Registered 0 jobs:" in await sh(dev, "dumpsys jobscheduler")
        assert "com.example.jobctl.sample" not in await sh(dev, "pm list packages")

    asyncio.run(body())
