"""JobScheduler model: scheduling, constraints, stop reasons, work items, shell and dump text."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from jobctl_sim.framework.jobscheduler import install
from jobctl_sim.framework.shell_command import IllegalArgumentException, IllegalStateException, JavaException
from jobctl_sim.framework.jobscheduler.model import (
    Intent,
    JobInfo,
    JobParameters,
    JobWorkItem,
    NetworkRequirement,
    NetworkType,
    PendingJobReason,
    StopReason,
)
from jobctl_sim.framework.jobscheduler.shell import format_job_state, help_text
from jobctl_sim.framework.jobscheduler.timefmt import format_duration
from jobctl_sim.framework.userhandle import format_uid
from jobctl_sim.framework.jobscheduler.validation import periodic
from jobctl_sim.framework.system import (
    AndroidSystem,
    Change,
    ComponentInfo,
    NetworkFacts,
    PackageFacts,
    Topic,
)
from jobctl_sim.native.clock import VirtualClock
from jobctl_sim.native.logcat.buffer import LogBuffer
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.streams import BufferOutput, InputStream

PKG = "com.example.jobhelper"
UID = 10123
SVC = f"{PKG}/.HelperJobService"
WIFI = NetworkFacts(network_id=100, transport="wifi", metered=False, roaming=False)


# ------------------------------------------------------------------ fakes
@dataclass
class FakeBattery:
    level: int = 50
    scale: int = 100
    plugged_ac: bool = False
    plugged_usb: bool = False
    plugged_wireless: bool = False
    plugged_dock: bool = False
    sequence: int = 1
    charging: bool = False
    battery_low: bool = False

    @property
    def power_connected(self) -> bool:
        return self.plugged_ac


@dataclass
class FakeConnectivity:
    network: NetworkFacts | None = WIFI
    wifi_enabled: bool = True
    mobile_data_enabled: bool = True
    airplane_mode: bool = False

    def default_network(self) -> NetworkFacts | None:
        return self.network


@dataclass
class FakeStorage:
    low: bool = False
    sequence: int = 0


@dataclass
class FakePower:
    screen_on: bool = True
    battery_saver: bool = False
    deep_idle: bool = False
    light_idle: bool = False
    doze_allowlist: set[str] = field(default_factory=set)

    def is_doze_allowlisted(self, package: str) -> bool:
        return package in self.doze_allowlist


@dataclass
class FakeActivity:
    top: str | None = None

    def is_top(self, package: str) -> bool:
        return package == self.top


@dataclass
class FakePackages:
    stopped: set[str] = field(default_factory=set)
    perms: tuple[str, ...] = (
        "android.permission.RECEIVE_BOOT_COMPLETED",
        "android.permission.ACCESS_NETWORK_STATE",
    )

    def get(self, package: str) -> PackageFacts | None:
        if package != PKG:
            return None
        return PackageFacts(PKG, UID, 1, "1", True, 34, self.perms, (
            ComponentInfo(f"{PKG}.HelperJobService", "service", False, "android.permission.BIND_JOB_SERVICE"),))

    def by_uid(self, uid: int) -> PackageFacts | None:
        return self.get(PKG) if uid == UID else None

    def is_stopped(self, package: str) -> bool:
        return package in self.stopped

    def is_granted(self, package: str, permission: str) -> bool:
        return permission in self.perms


@dataclass
class FakeStandby:
    buckets: dict[str, int] = field(default_factory=dict)

    def bucket(self, package: str) -> int:
        return self.buckets.get(package, 10)


@dataclass
class FakeAppOps:
    modes: dict[str, str] = field(default_factory=dict)

    def mode(self, op: str, uid: int, package: str) -> str:
        return self.modes.get(op, "allow")


class FakeApp:
    """A JobService that keeps running until told, recording every callback."""

    def __init__(self, system: AndroidSystem, keep_running: bool = True, reschedule_on_stop: bool = True) -> None:
        self.package = PKG
        self.system = system
        self.keep_running = keep_running
        self.reschedule_on_stop = reschedule_on_stop
        self.started: list[JobParameters] = []
        self.stopped: list[JobParameters] = []
        self.transferred = 0

    def on_broadcast(self, intent: Any) -> Any:
        return None

    def on_process_died(self) -> None:
        return None

    def on_start_job(self, params: JobParameters) -> bool:
        self.started.append(params)
        return self.keep_running

    def on_stop_job(self, params: JobParameters) -> bool:
        self.stopped.append(params)
        return self.reschedule_on_stop

    def get_transferred_download_bytes(self, params: JobParameters, item: JobWorkItem | None) -> int:
        return self.transferred

    def get_transferred_upload_bytes(self, params: JobParameters, item: JobWorkItem | None) -> int:
        return 7


def make_system(api: int = 34, speed: float = 1.0, clock: VirtualClock | None = None) -> AndroidSystem:
    """A model with fake facts; ``clock`` (else one of ``speed``) may be shared with another model."""
    clock = clock or VirtualClock(speed)
    device = SimpleNamespace(clock=clock, log=LogBuffer(clock), api_level=api)
    system = AndroidSystem(device)  # type: ignore[arg-type]
    system.battery = FakeBattery()
    system.connectivity = FakeConnectivity()
    system.storage = FakeStorage()
    system.power = FakePower()
    system.packages = FakePackages()
    system.standby = FakeStandby()
    system.appops = FakeAppOps()
    system.activity = FakeActivity()  # type: ignore[assignment]
    install(system)
    return system


def job(job_id: int = 1, **kw: Any) -> JobInfo:
    return JobInfo(job_id=job_id, service=SVC, **kw)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def shell(system: AndroidSystem, *args: str) -> tuple[str, str, int]:
    out, err = BufferOutput(), BufferOutput()
    inv = Invocation(["jobscheduler", *args], system.device, InputStream.of(b""), out, err)  # type: ignore[arg-type]
    code = system.binder_services["jobscheduler"].shell_command(inv)
    await settle()
    return out.getvalue().decode(), err.getvalue().decode(), code  # type: ignore[return-value]


async def dumpsys(system: AndroidSystem, *args: str) -> str:
    out, err = BufferOutput(), BufferOutput()
    inv = Invocation(["jobscheduler", *args], system.device, InputStream.of(b""), out, err)
    system.binder_services["jobscheduler"].dump(inv)
    return out.getvalue().decode()


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def running_job(api: int = 34, **kw: Any) -> tuple[AndroidSystem, FakeApp]:
    system = make_system(api)
    app = FakeApp(system)
    system.apps[PKG] = app  # type: ignore[assignment]
    system.jobs.schedule(UID, PKG, job(1, **kw))
    await settle()
    assert len(app.started) == 1
    return system, app


# ------------------------------------------------------------------ constraint loss
@pytest.mark.parametrize(
    ("kw", "mutate", "topic", "reason"),
    [
        ({"requires_charging": True}, lambda s: setattr(s.battery, "charging", False), Topic.BATTERY, 6),
        ({"requires_battery_not_low": True}, lambda s: setattr(s.battery, "battery_low", True), Topic.BATTERY, 5),
        ({"network": NetworkRequirement(NetworkType.ANY)}, lambda s: setattr(s.connectivity, "network", None),
         Topic.CONNECTIVITY, 7),
        ({"requires_storage_not_low": True}, lambda s: setattr(s.storage, "low", True), Topic.STORAGE, 9),
    ],
)
def test_losing_a_constraint_stops_with_its_reason(kw: dict, mutate: Any, topic: Topic, reason: int) -> None:
    async def body() -> None:
        system = make_system()
        system.battery.charging = True  # type: ignore[attr-defined]
        app = FakeApp(system)
        system.apps[PKG] = app  # type: ignore[assignment]
        system.jobs.schedule(UID, PKG, job(1, **kw))
        await settle()
        assert len(app.started) == 1
        mutate(system)
        system.publish(Change(topic))
        await settle()
        assert [p.stop_reason for p in app.stopped] == [reason]
        assert app.stopped[0].internal_stop_reason == 1
        assert app.stopped[0].debug_stop_reason == "cancelled due to unsatisfied constraints"

    run(body())


def test_idle_constraint_needs_screen_off_and_trigger_and_stops_with_8() -> None:
    async def body() -> None:
        system = make_system()
        app = FakeApp(system)
        system.apps[PKG] = app  # type: ignore[assignment]
        system.jobs.schedule(UID, PKG, job(1, requires_device_idle=True))
        system.publish(Change(Topic.IDLE_MAINTENANCE))  # screen on: ignored
        await settle()
        assert app.started == []
        system.power.screen_on = False  # type: ignore[misc]
        system.publish(Change(Topic.SCREEN))
        system.publish(Change(Topic.IDLE_MAINTENANCE))
        await settle()
        assert len(app.started) == 1
        system.power.screen_on = True  # type: ignore[misc]
        system.publish(Change(Topic.SCREEN))
        await settle()
        assert [p.stop_reason for p in app.stopped] == [StopReason.STOP_REASON_CONSTRAINT_DEVICE_IDLE]

    run(body())


def test_background_restriction_and_doze_and_quota_reasons() -> None:
    async def body() -> None:
        system, app = await running_job()
        system.appops.modes["RUN_ANY_IN_BACKGROUND"] = "ignore"  # type: ignore[attr-defined]
        system.publish(Change(Topic.APP_OPS, PKG, UID))
        await settle()
        assert app.stopped[-1].stop_reason == StopReason.STOP_REASON_BACKGROUND_RESTRICTION
        system.appops.modes.clear()  # type: ignore[attr-defined]
        system.publish(Change(Topic.APP_OPS, PKG, UID))
        await settle()
        assert len(app.started) == 2
        system.power.deep_idle = True  # type: ignore[misc]
        system.publish(Change(Topic.DOZE))
        await settle()
        assert app.stopped[-1].stop_reason == StopReason.STOP_REASON_DEVICE_STATE
        system.power.deep_idle = False  # type: ignore[misc]
        system.publish(Change(Topic.DOZE))
        await settle()
        system.standby.buckets[PKG] = 50  # type: ignore[attr-defined]
        system.publish(Change(Topic.STANDBY_BUCKET, PKG, UID))
        await settle()
        assert app.stopped[-1].stop_reason == StopReason.STOP_REASON_QUOTA

    run(body())


def test_battery_saver_stops_with_device_state() -> None:
    async def body() -> None:
        system, app = await running_job()
        system.power.battery_saver = True  # type: ignore[misc]
        system.publish(Change(Topic.BATTERY_SAVER))
        await settle()
        assert app.stopped[-1].stop_reason == StopReason.STOP_REASON_DEVICE_STATE

    run(body())


# ------------------------------------------------------------------ cancel / replace / force-stop
def test_force_stop_cancels_every_job_with_user_reason() -> None:
    async def body() -> None:
        system, app = await running_job()
        system.jobs.schedule(UID, PKG, job(2, requires_charging=True))
        system.publish(Change(Topic.PACKAGE_FORCE_STOPPED, PKG, UID))
        await settle()
        assert app.stopped[-1].stop_reason == StopReason.STOP_REASON_USER
        assert app.stopped[-1].debug_stop_reason == "app force stopped"
        assert system.jobs.jobs == {}
        out, err, code = await shell(system, "get-job-state", PKG, "2")
        assert (out, err, code) == ("unknown(u0a123/jid2)\n", f"Could not find job 2 in package {PKG} / user 0\n", 23)

    run(body())


def test_rescheduling_same_id_stops_with_cancelled_by_app() -> None:
    async def body() -> None:
        system, app = await running_job()
        system.jobs.schedule(UID, PKG, job(1, requires_charging=True))
        await settle()
        assert app.stopped[-1].stop_reason == StopReason.STOP_REASON_CANCELLED_BY_APP
        assert len(system.jobs.jobs) == 1 and len(app.started) == 1

    run(body())


def test_app_cancel_reason_and_namespaces_are_separate() -> None:
    async def body() -> None:
        system, app = await running_job()
        system.jobs.schedule(UID, PKG, job(1, requires_charging=True), namespace="ns")
        assert len(system.jobs.jobs) == 2
        system.jobs.cancel(UID, PKG, 1)
        await settle()
        assert app.stopped[-1].stop_reason == StopReason.STOP_REASON_CANCELLED_BY_APP
        assert system.jobs.get_pending_job(UID, 1, "ns") is not None
        assert system.jobs.get_pending_job(UID, 1) is None

    run(body())


# ------------------------------------------------------------------ timeout
def test_shell_timeout_stops_with_timeout() -> None:
    async def body() -> None:
        system, app = await running_job()
        out, err, code = await shell(system, "timeout", PKG, "1")
        assert (out, err, code) == (f"Stopping job: #u0a123/1 {PKG}/.HelperJobService\n", "", 0)
        assert app.stopped[-1].stop_reason == StopReason.STOP_REASON_TIMEOUT
        assert app.stopped[-1].internal_stop_reason == 3
        out, _, code = await shell(system, "timeout")
        assert (out, code) == ("No matching executing jobs found.\n", 0)

    run(body())


def test_timeout_on_13_prints_timing_out_and_the_unique_id_without_a_hash() -> None:
    async def body() -> None:
        system, _app = await running_job(api=33)
        out, _, _ = await shell(system, "timeout")
        assert out == f"Timing out: u0a123/1 {PKG}/.HelperJobService\n"

    run(body())


def test_running_past_the_limit_times_out() -> None:
    async def body() -> None:
        system = make_system(speed=6000)  # 10 virtual minutes in 0.1 s
        app = FakeApp(system)
        system.apps[PKG] = app  # type: ignore[assignment]
        system.jobs.schedule(UID, PKG, job(1))
        await asyncio.sleep(0.2)
        assert app.stopped and app.stopped[0].stop_reason == StopReason.STOP_REASON_TIMEOUT
        assert any("Client timed out while executing (no jobFinished received). Sending onStop:" in e.message
                   for e in system.device.log.entries())

    run(body())


def test_shell_stop_with_reasons() -> None:
    async def body() -> None:
        system, app = await running_job()
        out, _, code = await shell(system, "stop", "-s", "10", "-i", "6", PKG, "1")
        assert code == 0 and out.startswith("Stopping job: #u0a123/1")
        assert (app.stopped[-1].stop_reason, app.stopped[-1].internal_stop_reason) == (10, 6)

    run(body())


# ------------------------------------------------------------------ stopped app / NEVER bucket
def test_never_launched_app_waits_until_unstopped() -> None:
    async def body() -> None:
        system = make_system()
        system.packages.stopped.add(PKG)  # type: ignore[attr-defined]
        app = FakeApp(system)
        system.apps[PKG] = app  # type: ignore[assignment]
        system.jobs.schedule(UID, PKG, job(1))
        await settle()
        assert app.started == []
        assert system.jobs.get_pending_job_reason(UID, 1) == PendingJobReason.PENDING_JOB_REASON_USER
        system.packages.stopped.clear()  # type: ignore[attr-defined]
        system.publish(Change(Topic.PACKAGE_UNSTOPPED, PKG, UID))
        await settle()
        assert len(app.started) == 1

    run(body())


def test_never_bucket_job_is_forced_but_does_not_run_until_bucket_set() -> None:
    async def body() -> None:
        system = make_system()
        system.standby.buckets[PKG] = 50  # type: ignore[attr-defined]
        app = FakeApp(system)
        system.apps[PKG] = app  # type: ignore[assignment]
        system.jobs.schedule(UID, PKG, job(1))
        out, _, code = await shell(system, "run", "-f", PKG, "1")
        assert (out, code) == ("Running job [FORCED]\n", 0)
        assert app.started == []
        out, _, _ = await shell(system, "get-job-state", PKG, "1")
        assert out == "waiting\n"
        assert "WITHIN_QUOTA" in (await dumpsys(system, PKG)).split("Unsatisfied constraints:")[1].split("\n")[0]
        system.standby.buckets[PKG] = 10  # type: ignore[attr-defined]
        system.publish(Change(Topic.STANDBY_BUCKET, PKG, UID))
        await settle()
        assert len(app.started) == 1

    run(body())


# ------------------------------------------------------------------ work items
def test_work_items_redelivered_with_count_2_after_stop() -> None:
    async def body() -> None:
        system = make_system()
        app = FakeApp(system)
        system.apps[PKG] = app  # type: ignore[assignment]
        info = job(1, requires_charging=True)
        system.battery.charging = True  # type: ignore[attr-defined]
        system.jobs.enqueue(UID, PKG, info, JobWorkItem(intent=Intent(action="a")))
        system.jobs.enqueue(UID, PKG, info, JobWorkItem(intent=Intent(action="b")))
        await settle()
        params = app.started[0]
        first = system.jobs.dequeue_work(params)
        assert first is not None and first.delivery_count == 1 and first.intent.action == "a"
        system.battery.charging = False  # type: ignore[attr-defined]
        system.publish(Change(Topic.BATTERY))
        await settle()
        assert app.stopped[-1].stop_reason == 6
        system.battery.charging = True  # type: ignore[attr-defined]
        system.publish(Change(Topic.BATTERY))
        await settle()
        js = next(iter(system.jobs.jobs.values()))
        assert js.num_failures == 0 and js.num_system_stops == 1
        await settle()
        params = app.started[-1]
        again = system.jobs.dequeue_work(params)
        assert again is not None and again.intent.action == "a" and again.delivery_count == 2
        system.jobs.complete_work(params, again)
        with pytest.raises(IllegalArgumentException, match="Given work is not active"):
            system.jobs.complete_work(params, again)
        second = system.jobs.dequeue_work(params)
        assert second is not None and second.delivery_count == 1
        system.jobs.complete_work(params, second)
        assert system.jobs.dequeue_work(params) is None
        await settle()
        assert system.jobs.jobs == {} and system.jobs.completed[-1].reason == "last work dequeued"

    run(body())


def test_job_finished_with_reschedule_applies_exponential_backoff() -> None:
    async def body() -> None:
        system, app = await running_job()
        system.jobs.job_finished(app.started[0], True)
        js = next(iter(system.jobs.jobs.values()))
        assert js.earliest_ms - system.jobs.now() > 29_000
        system.jobs.job_finished(app.started[0], False)  # stale handle: ignored
        assert js.num_failures == 1

    run(body())


# ------------------------------------------------------------------ persistence, limits, validation
def test_persisted_jobs_survive_reboot_others_do_not() -> None:
    async def body() -> None:
        system = make_system()
        system.jobs.schedule(UID, PKG, job(1, persisted=True, requires_charging=True))
        system.jobs.schedule(UID, PKG, job(2, requires_charging=True))
        system.publish(Change(Topic.SHUTDOWN))
        assert system.jobs.jobs == {}
        system.publish(Change(Topic.BOOT_COMPLETED))
        assert [k[2] for k in system.jobs.jobs] == [1]

    run(body())


def test_persisted_without_permission_is_rejected() -> None:
    system = make_system(api=35)
    system.packages.perms = ()  # type: ignore[attr-defined]
    with pytest.raises(IllegalArgumentException) as e:
        system.jobs.schedule(UID, PKG, job(1, persisted=True))
    assert "RECEIVE_BOOT_COMPLETED" in str(e.value)
    assert system.jobs.jobs == {}


def test_150_job_limit_counts_before_adding_with_a_strict_greater_than() -> None:
    """``countJobsForUid(uid) > MAX_JOBS_PER_APP`` before tracking: 151 jobs fit, the 152nd throws."""
    system = make_system()
    for n in range(150):
        system.jobs.schedule(UID, PKG, job(n, requires_charging=True))
    system.jobs.schedule(UID, PKG, job(3, requires_charging=True))  # replacing at 150 is fine
    system.jobs.schedule(UID, PKG, job(150, requires_charging=True))  # the 151st distinct job
    assert len(system.jobs.jobs) == 151
    with pytest.raises(IllegalStateException) as e:
        system.jobs.schedule(UID, PKG, job(999, requires_charging=True))
    assert str(e.value) == "java.lang.IllegalStateException: Apps may not schedule more than 150 distinct jobs"
    with pytest.raises(IllegalStateException):  # the count includes the job a reschedule replaces
        system.jobs.schedule(UID, PKG, job(3, requires_charging=True, requires_device_idle=True))
    system.jobs.enqueue(UID, PKG, job(3, requires_charging=True), JobWorkItem())  # the fast path skips it
    assert len(system.jobs.jobs) == 151
    assert system.jobs.jobs[(UID, None, 3)].job == job(3, requires_charging=True)


def test_validation_messages() -> None:
    system = make_system()
    with pytest.raises(IllegalArgumentException, match="An expedited job cannot have a time delay"):
        system.jobs.schedule(UID, PKG, job(1, expedited=True, has_early_constraint=True, min_latency_ms=5))
    with pytest.raises(IllegalArgumentException, match="Can't call setOverrideDeadline"):
        # setPeriodic sets the late-constraint flag itself; build() refuses a stored deadline value.
        system.jobs.schedule(UID, PKG, job(1, periodic=True, interval_ms=1, has_late_constraint=True,
                                           override_deadline_ms=5))
    with pytest.raises(JavaException, match="namespace cannot be empty"):
        system.jobs.schedule(UID, PKG, job(1), namespace="  ")
    assert periodic(60_000) == (900_000, 300_000)
    assert periodic(3_600_000, 1000) == (3_600_000, 300_000)


# ------------------------------------------------------------------ shell output
def test_shell_errors_and_exit_codes() -> None:
    async def body() -> None:
        system = make_system()
        assert await shell(system, "frob") == ("Unknown command: frob\n", "", 255)
        assert await shell(system, "run") == (
            'Exception: java.lang.IllegalArgumentException: Argument expected after "run"\n', "", 255)
        assert await shell(system, "run", PKG, "abc") == (
            'Exception: java.lang.NumberFormatException: For input string: "abc"\n', "", 255)
        assert await shell(system, "run", "-x", PKG, "1") == ("Error: unknown option '-x'\n", "", 255)
        assert await shell(system, "run", "-f", "-s", PKG, "1") == (
            "Cannot specify both --force and --satisfied\n", "", 255)
        assert await shell(system, "run", "nope", "1") == ("", "Package not found: nope / user 0\n", 24)
        assert await shell(system, "run", PKG, "5") == ("", f"Could not find job 5 in package {PKG} / user 0\n", 23)
        assert await shell(system, "monitor-battery", "x") == ("", "Error: unknown option x\n", 1)
        assert await shell(system, "trigger-dock-state", "x") == ("", "Error: unknown option x\n", 1)
        assert await shell(system, "heartbeat") == ("Heartbeat command is no longer supported\n", "", 255)
        assert await shell(system, "cancel", "-u", "all", PKG) == ("Error: must specify a concrete user ID\n", "", 255)
        assert await shell(system, "cancel", "nope") == ("Package nope not found.\n", "", 24)
        assert await shell(system, "cancel", PKG) == (
            f"Canceling all jobs for {PKG} in user 0\nNo matching jobs found.\n", "", 0)
        assert await shell(system, "reset-execution-quota", PKG) == ("", "", 0)

    run(body())


def test_a_forced_run_keeps_running_when_the_constraint_it_skipped_is_re_evaluated() -> None:
    """``run -f`` sets ``overrideState`` FULL and nothing clears it while the job runs, so the
    next evaluation does not stop it as not ready (it has lost nothing)."""
    async def body() -> None:
        system = make_system()
        app = FakeApp(system)
        system.apps[PKG] = app  # type: ignore[assignment]
        system.jobs.schedule(UID, PKG, job(1, requires_charging=True, min_latency_ms=3_600_000))
        assert (await shell(system, "run", "-f", PKG, "1"))[0] == "Running job [FORCED]\n"
        assert len(app.started) == 1
        system.battery.level = 40  # type: ignore[attr-defined]
        system.publish(Change(Topic.BATTERY))  # any change re-evaluates every job
        await settle()
        assert app.stopped == []
        assert "active" in (await shell(system, "get-job-state", PKG, "1"))[0].split()

    run(body())


def test_a_periodic_job_that_finished_waits_for_its_next_window() -> None:
    """``setPeriodic`` gives the JobInfo early and late constraints, so the JobStatus that
    ``getRescheduleJobForPeriodic`` makes for the next period requires TIMING_DELAY too."""
    async def body() -> None:
        system = make_system()
        app = FakeApp(system, keep_running=False)  # onStartJob returns false: the run ends at once
        system.apps[PKG] = app  # type: ignore[assignment]
        system.jobs.schedule(UID, PKG, job(1, periodic=True, interval_ms=900_000, flex_ms=300_000))
        await shell(system, "run", "-f", PKG, "1")
        for _ in range(20):
            await settle()
        assert len(app.started) == 1
        [next_period] = system.jobs.jobs.values()
        assert next_period.earliest_ms >= system.jobs.now() + 900_000 - 300_000 - 1_000
        assert (await shell(system, "get-job-state", PKG, "1"))[0].split() == ["waiting"]

    run(body())


def test_quota_timing_sessions_end_24_hours_later() -> None:
    """QuotaController ``deleteObsoleteSessionsLocked``: sessions that ended ``MAX_PERIOD_MS``
    (24 h) ago are dropped, so the record of finished runs stays bounded."""
    async def body() -> None:
        system = make_system(speed=1_000_000)  # a virtual day in about 0.09 real seconds
        system.apps[PKG] = FakeApp(system, keep_running=False)  # type: ignore[assignment]
        system.jobs.schedule(UID, PKG, job(1))
        await settle()
        [(_, first_end)] = system.jobs.quota_used[PKG]
        deadline = time.monotonic() + 10
        while system.jobs.now() <= first_end + 24 * 3_600_000:
            assert time.monotonic() < deadline, "the virtual clock did not pass a day"
            await asyncio.sleep(0.005)
        system.jobs.schedule(UID, PKG, job(2))
        await settle()
        [(start, _)] = system.jobs.quota_used[PKG]
        assert start > first_end + 24 * 3_600_000

    run(body())


def test_run_with_unmet_network_is_exit_22_and_nothing_changes() -> None:
    async def body() -> None:
        system = make_system()
        system.connectivity.network = None  # type: ignore[attr-defined]
        system.jobs.schedule(UID, PKG, job(1, network=NetworkRequirement(NetworkType.ANY)), namespace="ns")
        out, err, code = await shell(system, "run", "-n", "ns", PKG, "1")
        assert (out, code) == ("", 22)
        assert err == (f"Job 1 in package {PKG} / namespace ns / user 0 has functional constraints "
                       "but --force not specified\n")
        assert next(iter(system.jobs.jobs.values())).override == 0

    run(body())


def test_battery_and_storage_getters() -> None:
    async def body() -> None:
        system = make_system(api=33)
        assert (await shell(system, "get-battery-seq"))[0] == "-1\n"
        assert await shell(system, "monitor-battery", "on") == ("Battery monitoring enabled\n", "", 0)
        system.battery.sequence = 42  # type: ignore[attr-defined]
        system.battery.charging = True  # type: ignore[attr-defined]
        system.publish(Change(Topic.BATTERY))
        assert (await shell(system, "get-battery-seq"))[0] == "42\n"
        assert (await shell(system, "get-battery-charging"))[0] == "true\n"
        system.battery.battery_low = True  # type: ignore[attr-defined]
        assert (await shell(system, "get-battery-charging"))[0] == "false\n"  # ≤13: stable power
        assert (await shell(system, "get-battery-not-low"))[0] == "false\n"
        assert (await shell(system, "get-storage-seq"))[0] == "-1\n"
        system.storage.sequence = 7  # type: ignore[attr-defined]
        system.storage.low = True  # type: ignore[attr-defined]
        system.publish(Change(Topic.STORAGE))
        assert (await shell(system, "get-storage-seq"))[0] == "7\n"
        assert (await shell(system, "get-storage-not-low"))[0] == "false\n"

    run(body())


def test_job_state_tokens_and_byte_getters() -> None:
    async def body() -> None:
        assert format_job_state([]) == "waiting\n"
        assert format_job_state(["ready"]) == "ready\n\n"
        assert format_job_state(["pending"]) == "pending\n"
        assert format_job_state(["pending", "ready"]) == "pending ready\n\n"
        assert format_job_state(["active", "ready"]) == "active\n ready\n\n"
        system, app = await running_job(network=NetworkRequirement(NetworkType.ANY),
                                        estimated_network_download_bytes=1000)
        assert (await shell(system, "get-job-state", PKG, "1"))[0] == "active\n ready\n\n"
        assert await shell(system, "get-estimated-download-bytes", PKG, "1") == ("1000\n\n", "", 0)
        app.transferred = 555
        assert await shell(system, "get-transferred-download-bytes", PKG, "1") == ("555\n\n", "", 0)
        assert await shell(system, "get-transferred-upload-bytes", PKG, "1") == ("7\n\n", "", 0)
        assert await shell(system, "get-estimated-upload-bytes", PKG, "9") == (
            "", f"Could not find job 9 in package {PKG} / user 0\n", 23)
        system33 = make_system(api=33)
        assert (await shell(system33, "get-estimated-upload-bytes", PKG, "1"))[2] == 255
        assert (await shell(system33, "stop"))[0] == "Unknown command: stop\n"

    run(body())


def test_help_text_per_level() -> None:
    h15, h14, h13 = help_text(35), help_text(34), help_text(33)
    assert h15.startswith("Job scheduler (jobscheduler) commands:\n  help\n")
    assert h15.endswith("Trigger wireless charging dock state.  Active by default.\n\n")
    assert "incompatible with -f \n" in h15
    assert "get-aconfig-flag-state" in h15 and "get-aconfig-flag-state" not in h14
    assert "get-transferred-upload-bytes" in h14 and "stop [" in h14
    assert "--namespace" not in h13 and "  stop [" not in h13 and "get-estimated" not in h13
    assert "    Trigger immediate timeout of currently executing jobs, as if their.\n" in h13
    assert "  run [-f | --force] [-s | --satisfied] [-u | --user USER_ID] PACKAGE JOB_ID\n" in h13

    async def body() -> None:
        system = make_system(api=35)
        out, _, code = await shell(system, "help")
        assert (out, code) == (h15, 255)

    run(body())


# ------------------------------------------------------------------ dump
def test_dump_layout() -> None:
    async def body() -> None:
        system = make_system(api=34)
        system.jobs.schedule(UID, PKG, job(42, requires_charging=True), namespace="androidx.work.systemjobscheduler")
        system.jobs.schedule(UID, PKG, job(7, requires_charging=True))
        await settle()
        text = await dumpsys(system)
        lines = text.split("\n")
        assert lines[0] == "Settings:" and lines[1].endswith(" ")
        assert "Registered 2 jobs:" in lines
        assert any(line.startswith("  JOB #u0a123/7: ") and line.endswith(f" {PKG}/.HelperJobService")
                   for line in lines)
        assert any(line.startswith("  JOB androidx.work.systemjobscheduler:u0a123/42: ")
                   and line.endswith(f"@androidx.work.systemjobscheduler@{PKG}/.HelperJobService") for line in lines)
        assert f"    u0a123 tag=*job*/{PKG}/.HelperJobService#7" in lines
        assert "    Required constraints: CHARGING [0x1]" in lines
        assert "    Unsatisfied constraints: CHARGING [0x1]" in lines
        assert ("    Satisfied constraints: BATTERY_NOT_LOW DEVICE_NOT_DOZING BACKGROUND_NOT_RESTRICTED TARE_WEALTH "
                "WITHIN_QUOTA [0xb400002]") in lines
        assert "Pending queue:" in lines and lines[lines.index("Pending queue:") + 1] == "  None"
        assert lines[lines.index("Active jobs:") + 1] == "  N/A"
        assert "Idle contexts (16):" in lines
        assert await dumpsys(system, "nope") == "Invalid package: nope\n"
        assert (await dumpsys(system, "-h")).startswith("Job Scheduler (jobscheduler) dump options:\n")
        filtered = await dumpsys(system, PKG)
        assert "Registered 2 jobs:" in filtered and "mReadyToRock=true" not in filtered

    run(body())


def test_dump_history_label_inversion_and_old_layout() -> None:
    async def body() -> None:
        system, app = await running_job(api=33)
        system.jobs.job_finished(app.started[0], False)
        await settle()
        text = await dumpsys(system)
        assert "   START: #u0a123/1 " in text and " STOP-P: #u0a123/1 " in text  # non-periodic → STOP-P
        assert "app called jobFinished" in text
        assert "  Slot #0: inactive" in text
        assert "JOB #" not in text.split("Registered 0 jobs:")[1].split("\n")[1]

    run(body())


def test_time_and_uid_formatting() -> None:
    assert format_duration(86_400_000) == "+1d0h0m0s0ms"
    assert format_duration(-501) == "-501ms"
    assert format_duration(30_000) == "+30s0ms"
    assert format_duration(-(93_514_465), 19) == "  -1d01h58m34s465ms"
    assert format_uid(10183) == "u0a183" and format_uid(1000) == "1000"


def test_content_trigger_passes_uris() -> None:
    async def body() -> None:
        from jobctl_sim.framework.jobscheduler.model import TriggerContentUri

        system = make_system(speed=1000)
        app = FakeApp(system)
        system.apps[PKG] = app  # type: ignore[assignment]
        system.jobs.schedule(UID, PKG, job(1, trigger_content_uris=(TriggerContentUri("content://media/x", 1),),
                                           trigger_content_update_delay_ms=100))
        system.jobs.notify_content_change("content://media/x/5")
        await asyncio.sleep(0.05)
        assert app.started and app.started[0].triggered_content_uris == ("content://media/x/5",)
        assert app.started[0].triggered_content_authorities == ("media",)

    run(body())


def test_deadline_runs_job_with_unsatisfied_constraints() -> None:
    async def body() -> None:
        system = make_system(speed=1000)
        app = FakeApp(system)
        system.apps[PKG] = app  # type: ignore[assignment]
        system.jobs.schedule(UID, PKG, job(1, requires_charging=True, has_late_constraint=True,
                                           override_deadline_ms=60_000))
        await settle()
        assert app.started == []
        await asyncio.sleep(0.15)
        assert app.started and app.started[0].is_override_deadline_expired

    run(body())


def test_no_app_model_runs_trivially_and_process_death_reschedules() -> None:
    async def body() -> None:
        system = make_system()
        system.jobs.schedule(UID, PKG, job(1))
        await settle()
        assert system.jobs.jobs == {} and system.jobs.completed[-1].reason == "onStartJob returned false"
        system2, app = await running_job()
        system2.publish(Change(Topic.PROCESS_DIED, PKG, UID))
        await settle()
        assert app.stopped == [] and next(iter(system2.jobs.jobs.values())).num_failures == 1

    run(body())
