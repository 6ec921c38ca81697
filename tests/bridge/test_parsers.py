"""bridge.parsers on text reconstructed from aosp-shell-interface.md (§1.5, §2, §3.2, §8) and the virtual device."""

from __future__ import annotations

import asyncio

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.model import JobState
from bridge.parsers import parse_battery_dump, parse_job_state, parse_jobscheduler_dump, parse_uid

A11_DUMP = """Settings:
  min_ready_non_active_jobs_count=5\x20
  max_non_active_job_batch_delay_ms=1860000\x20
  max_job_total_on_normal=8
\x20\x20
  TimeController:
    skip_not_ready_jobs=true\x20
\x20\x20

    In thermal throttling?: false
Started users: [0]
Registered 3 jobs:
  JOB #u0a119/0: fa425e3 com.google.android.dialer/androidx.work.impl.background.systemjob.SystemJobService
    u0a119 tag=*job*/com.google.android.dialer/androidx.work.impl.background.systemjob.SystemJobService
    Source: uid=u0a119 user=0 pkg=com.google.android.dialer
    JobInfo:
      Service: com.google.android.dialer/androidx.work.impl.background.systemjob.SystemJobService
      PERIODIC: interval=+1d0h0m0s0ms flex=+1d0h0m0s0ms
      PERSISTED
      Requires: charging=false batteryNotLow=false deviceIdle=true
      Trigger content URIs:
        1 content://media/external/images/media
      Network type: NetworkRequest [ NONE id=0, [ Capabilities: INTERNET&NOT_RESTRICTED&TRUSTED&VALIDATED Uid: 1000\
 AdministratorUids: [] RequestorUid: -1 RequestorPackageName: null] ]
      Minimum latency: +14m59s979ms
      Backoff: policy=1 initial=+30s0ms
      Has early constraint
    Required constraints: CHARGING IDLE CONNECTIVITY [0x10000005]
    Dynamic constraints:
    Satisfied constraints: BATTERY_NOT_LOW DEVICE_NOT_DOZING BACKGROUND_NOT_RESTRICTED [0x2400002]
    Unsatisfied constraints: CHARGING IDLE CONNECTIVITY WITHIN_QUOTA [0x11000005]
    Tracking: BATTERY CONNECTIVITY IDLE QUOTA
    Implicit constraints:
      readyNotDozing: true
      readyNotRestrictedInBg: true
      readyDynamicSatisfied: false
    Pending work:
      #0: #3 1x Intent { act=x (has extras) }
      #1: #4 2x Intent { act=x (has extras) }
    Standby bucket: NEVER
      Deferred since: -22h23m4s657ms
    Enqueue time: -22h26m23s693ms
    Run time: earliest=-10h55m38s721ms, latest=+13h4m21s279ms, original latest=+13h4m21s279ms
    Num failures: 1
    Last successful run: 2026-09-20 22:06:01
    Restricted due to: none.
    Ready: false (job=false user=true !restricted=true !pending=true !active=true !backingup=true comp=true)
  JOB #1000/546378950: 26ce50 android/com.android.server.usage.UsageStatsIdleService
    1000 tag=*job*/android/com.android.server.usage.UsageStatsIdleService
    Source: uid=1000 user=0 pkg=android
    JobInfo:
      Service: android/com.android.server.usage.UsageStatsIdleService
    Required constraints:
    Satisfied constraints: DEVICE_NOT_DOZING [0x2000000]
    Unsatisfied constraints:
    Standby bucket: EXEMPTED
    Ready: true (job=true user=true !restricted=true !pending=true !active=true !backingup=true comp=true)

ConnectivityController:
  #1000/1111 from 1000: NetworkRequest [ ]
Historical stats at 2026-08-26-08-02-50 (-4h42m45s362ms) over +1h40m49s201ms:
  1000 / android:
    1x pending 1x active
  Job history:
     -1d02h58m34s465ms   START: #u0a140/-300 com.android.providers.media.module/com.android.providers.media.MediaService
     -1d02h58m34s428ms  STOP-P: #u0a140/-300\
 com.android.providers.media.module/com.android.providers.media.MediaService last work dequeued
       -22h01m34s417ms START-P: #1000/546378950 android/com.android.server.usage.UsageStatsIdleService
       -21h01m34s417ms    STOP: #1000/546378950 android/com.android.server.usage.UsageStatsIdleService

Pending queue:

Active jobs:
  Slot #0: inactive since -16m50s815ms, stopped because: last work dequeued
  Slot #1: 26ce50 #1000/546378950 android/com.android.server.usage.UsageStatsIdleService
    1000 tag=*job*/android/com.android.server.usage.UsageStatsIdleService
    Source: uid=1000 user=0 pkg=android
    Required constraints:
    Active at -5s0ms, pending for +1s0ms
  Slot #2: inactive

mReadyToRock=true
mReportedActive=false
Concurrency:
  Screen state: current ON  effective ON
  Config={tot=\u0661\u0660 bg min/max=\u0662/\u0666} Running[FG/BG (total)]: 0 / 0 (0)
PersistStats: FirstLoad: 6/3/0 LastSave: 7/4/0

"""

A14_FILTERED = """Settings:
  enable_tare=false\x20
\x20\x20
Battery charging: false
Battery not low: true
Started users: [0]
Media Cloud Providers: {}
Registered 57 jobs:
  JOB androidx.work.systemjobscheduler:u0a123/42: 3e6e5b\
 @androidx.work.systemjobscheduler@com.example/androidx.work.impl.background.systemjob.SystemJobService
    u0a123\
 tag=*job*/@androidx.work.systemjobscheduler@com.example/androidx.work.impl.background.systemjob.SystemJobService#42
    Source: uid=u0a123 user=0 pkg=com.example
    JobInfo:
      Service: com.example/androidx.work.impl.background.systemjob.SystemJobService
      Priority: 400 [HIGH]
    Required constraints: CONNECTIVITY [0x10000000]
    Preferred constraints:
    Dynamic constraints:
    Satisfied constraints: DEVICE_NOT_DOZING BACKGROUND_NOT_RESTRICTED TARE_WEALTH WITHIN_QUOTA [0xb400000]
    Unsatisfied constraints: CONNECTIVITY [0x10000000]
    Started with foreground flag: false
    Standby bucket: ACTIVE
  JOB #u0a333/45 from namespace sync: 4c28198 com.example/.Svc
    Source: uid=u0a333 user=0 pkg=com.example
    Standby bucket: RARE

Pending queue:
  None

Active jobs:
  N/A

Idle contexts (16):
  ID=5685186: inactive since -2m19s344ms, stopped because: app called jobFinished

Recently completed jobs:
  None
"""


def test_android11_dump() -> None:
    dump = parse_jobscheduler_dump(A11_DUMP)
    assert dump.registered_count == 3  # counts every job (§8 item 8)
    dialer, system = dump.jobs
    assert (dialer.uid, dialer.job_id, dialer.namespace, dialer.package) == (
        10119, 0, None, "com.google.android.dialer")
    assert dialer.service == "com.google.android.dialer/androidx.work.impl.background.systemjob.SystemJobService"
    assert dialer.required_constraints == {"CHARGING", "IDLE", "CONNECTIVITY"} and dialer.required_mask == 0x10000005
    assert dialer.satisfied_constraints == {"BATTERY_NOT_LOW", "DEVICE_NOT_DOZING", "BACKGROUND_NOT_RESTRICTED"}
    assert dialer.unsatisfied_constraints == {"CHARGING", "IDLE", "CONNECTIVITY", "WITHIN_QUOTA"}
    assert dialer.standby_bucket == "NEVER" and dialer.persisted and dialer.ready is False
    assert (dialer.periodic_interval_ms, dialer.min_latency_ms, dialer.backoff_initial_ms) == (
        86_400_000, 899_979, 30_000)
    assert dialer.trigger_content_uris == ((1, "content://media/external/images/media"),)
    assert dialer.tracking == {"BATTERY", "CONNECTIVITY", "IDLE", "QUOTA"}
    assert (dialer.pending_work, dialer.num_failures) == (2, 1)
    assert dialer.tag_without_job_id == dialer.tag  # no #jobId suffix before 14
    assert system.uid == 1000 and system.job_id == 546378950 and system.required_constraints == frozenset()
    assert dump.pending == ()  # Android 11: empty queue is a blank line
    assert [(j.uid, j.job_id) for j in dump.active] == [(1000, 546378950)]


def test_history_labels_are_not_periodic_flags() -> None:
    history = parse_jobscheduler_dump(A11_DUMP).history
    assert [(h.label, h.is_start, h.job_id) for h in history] == [
        ("START", True, -300), ("STOP-P", False, -300), ("START-P", True, 546378950), ("STOP", False, 546378950)]
    assert history[0].offset_ms == -97_114_465 and history[1].reason == "last work dequeued"
    assert not hasattr(history[0], "periodic")


def test_android14_namespaces_tag_suffix_and_filtered_count() -> None:
    dump = parse_jobscheduler_dump(A14_FILTERED)
    assert dump.registered_count == 57 and len(dump.jobs) == 2
    work, legacy = dump.jobs
    assert (work.uid, work.job_id, work.namespace) == (10123, 42, "androidx.work.systemjobscheduler")
    assert work.battery_name.startswith("@androidx.work.systemjobscheduler@")
    assert work.service == "com.example/androidx.work.impl.background.systemjob.SystemJobService"
    assert work.tag is not None and work.tag.endswith("#42") and not work.tag_without_job_id.endswith("#42")
    assert work.priority == 400 and "TARE_WEALTH" in work.satisfied_constraints
    assert (legacy.namespace, legacy.job_id, legacy.uid, legacy.service) == ("sync", 45, 10333, "com.example/.Svc")
    assert dump.pending == () and dump.active == ()
    assert (dump.battery_charging, dump.battery_not_low) == (False, True)
    assert dump.job(42, "androidx.work.systemjobscheduler") is work


def test_empty_and_bare_registered_headers() -> None:
    assert parse_jobscheduler_dump("Registered 12 jobs:\n  None.\n").jobs == ()
    dump = parse_jobscheduler_dump("Registered jobs:\n  JOB #u0a1/2: ab c/.S\n    Standby bucket: ACTIVE\n")
    assert dump.registered_count is None and dump.jobs[0].uid == 10001


@pytest.mark.parametrize("text,expected", [
    ("waiting\n", JobState(waiting=True)),
    ("ready\n\n", JobState(ready=True)),
    ("pending\n", JobState(pending=True)),
    ("pending ready\n\n", JobState(pending=True, ready=True)),
    ("active\n ready\n\n", JobState(active=True, ready=True)),
    ("pending active\n\n", JobState(pending=True, active=True)),
    ("pending active\n user-stopped\n source-user-stopped\n backing-up\n no-component\n ready\n\n",
     JobState(pending=True, active=True, user_stopped=True, source_user_stopped=True, backing_up=True,
              no_component=True, ready=True)),
    ("unknown(u0a123/jid42)\n", JobState(unknown="u0a123/jid42")),
    ("unknown(com.nope)\n", JobState(unknown="com.nope")),
    ("waiting frozen\n", JobState(waiting=True, other_tokens=frozenset({"frozen"}))),
])
def test_job_state(text: str, expected: JobState) -> None:
    state = parse_job_state(text)
    assert state == expected
    assert state.exists == (expected.unknown is None)


def test_uids() -> None:
    assert [parse_uid(u) for u in ("u0a183", "1000", "u10s1000", "u0i5", "u10a3")] == [
        10183, 1000, 1001000, 99005, 1010003]


BATTERY_13 = """Current Battery Service state:
  (UPDATES STOPPED -- use 'reset' to restart)
  AC powered: false
  USB powered: true
  Wireless powered: false
  Dock powered: false
  Max charging current: 500000
  Charge counter: 3270000
  status: 5
  health: 2
  present: true
  level: 100
  scale: 100
  voltage: 4352
  temperature: 274
  technology: Li-ion
"""

BATTERY_16_VENDOR = """Current Battery Service state:
  AC powered: true
  USB powered: false
  Wireless powered: false
  Dock powered: false
  Max charging current: 500000
 Time when the latest updated value of the Max charging current was sent via battery changed broadcast:\
 +4d14h33m12s309ms
  status: 2
  present: true
  level: 57
  scale: 100
  voltage: 4302
 Time when the latest updated value of the voltage was sent via battery changed broadcast: +5d0h27m12s322ms
 The last voltage value sent via the battery changed broadcast: 4327
  temperature: 301
  Charging state: 0
  AdaptiveCharging: enabled
  Capacity level: 5
Current OPLUS Battery Service state:
  level: 3
  AC powered: false
"""


def test_battery_13() -> None:
    b = parse_battery_dump(BATTERY_13)
    assert (b.ac_powered, b.usb_powered, b.wireless_powered, b.dock_powered) == (False, True, False, False)
    assert (b.level, b.scale, b.status, b.present, b.temperature, b.plugged) == (100, 100, 5, True, 274, True)
    assert b.updates_stopped and b.technology == "Li-ion"


def test_battery_11_has_no_dock_line() -> None:
    b = parse_battery_dump(BATTERY_13.replace("  Dock powered: false\n", "")
                           .replace("USB powered: true", "USB powered: false"))
    assert b.dock_powered is None and b.plugged is False


def test_battery_16_indentation_and_vendor_section() -> None:
    b = parse_battery_dump(BATTERY_16_VENDOR)
    assert (b.ac_powered, b.level, b.status, b.temperature, b.voltage, b.plugged) == (True, 57, 2, 301, 4302, True)
    assert b.other["Capacity level"] == "5" and b.other["AdaptiveCharging"] == "enabled"
    assert not b.updates_stopped


# ------------------------------------------------------------------ virtual device round trip

PKG = "com.example.app"
APP_UID = 10183


@pytest.mark.parametrize("api", [26, 29, 30, 31, 32, 33, 34, 35, 36, 37])
def test_round_trip_against_virtual_device(api: int) -> None:
    from jobctl_sim.assembly import install_android
    from jobctl_sim.framework.jobscheduler.model import JobInfo, NetworkRequirement, NetworkType, TriggerContentUri
    from jobctl_sim.framework.system import ComponentInfo, PackageFacts
    from jobctl_sim.device import DeviceConfig, VirtualDevice

    device = VirtualDevice(DeviceConfig(serial="t", api_level=api), extensions=[install_android])
    system = device.android
    system.packages.install_package(PackageFacts(
        PKG, APP_UID, 1, "1", True, 34,
        ("android.permission.RECEIVE_BOOT_COMPLETED", "android.permission.ACCESS_NETWORK_STATE"),
        (ComponentInfo(f"{PKG}.Svc", "service", False, "android.permission.BIND_JOB_SERVICE"),)), None, stopped=False)
    jobs = system.jobs
    jobs.schedule(APP_UID, PKG, JobInfo(1, f"{PKG}/.Svc", requires_charging=True, persisted=True))
    jobs.schedule(APP_UID, PKG, JobInfo(2, f"{PKG}/.Svc", network=NetworkRequirement(NetworkType.ANY)),
                  namespace="ns")
    jobs.schedule(APP_UID, PKG, JobInfo(3, f"{PKG}/.Svc", requires_device_idle=True,
                                        trigger_content_uris=(TriggerContentUri("content://x", 1),)))
    result = asyncio.run(device.shell("dumpsys jobscheduler"))
    text = result.stdout.decode() if hasattr(result, "stdout") else str(result)
    dump = parse_jobscheduler_dump(text)

    statuses = list(jobs.all_statuses())
    assert dump.registered_count == len(statuses)
    from jobctl_sim.framework.jobscheduler.constraints import format_constraints

    def names(mask: int) -> frozenset[str]:
        return frozenset(format_constraints(mask, api in (33, 34)).split("[")[0].split())

    expected = {
        (js.uid, js.namespace if api >= 34 else None, js.job_id): (
            js.package, js.job.short_service, names(js.required), names(js.satisfied), names(js.unsatisfied(api)),
            js.job.persisted)
        for js in statuses}
    parsed = {
        (j.uid, j.namespace, j.job_id): (
            j.package, j.service, j.required_constraints, j.satisfied_constraints, j.unsatisfied_constraints,
            j.persisted)
        for j in dump.jobs}
    assert parsed == expected
    assert {j.standby_bucket for j in dump.jobs} <= {"ACTIVE", "WORKING_SET", "FREQUENT", "RARE", "RESTRICTED",
                                                     "NEVER", "EXEMPTED"}
    assert dump.job(3).trigger_content_uris == ((1, "content://x"),)


# ------------------------------------------------------------------ fragments users paste (issue 14 item 6)


def _full_jobs() -> dict[tuple[int, str | None, int], object]:
    return {(j.uid, j.namespace, j.job_id): j for j in parse_jobscheduler_dump(A11_DUMP).jobs}


def test_a_fragment_from_the_middle_of_the_job_list_yields_its_complete_blocks() -> None:
    start = A11_DUMP.index("  JOB #1000/")
    fragment = A11_DUMP[start:]
    dump = parse_jobscheduler_dump(fragment)
    full = _full_jobs()
    assert dump.jobs and all(full[(j.uid, j.namespace, j.job_id)] == j for j in dump.jobs)
    assert dump.registered_count is None  # the header was not pasted: unknown, not guessed


def test_a_fragment_starting_inside_a_block_skips_the_headless_lines() -> None:
    start = A11_DUMP.index("      Service: com.google.android.dialer")
    dump = parse_jobscheduler_dump(A11_DUMP[start:])
    assert all(j.job_id != 0 or j.uid != 10119 for j in dump.jobs)  # the dialer job's header was cut off
    full = _full_jobs()
    assert all(full[(j.uid, j.namespace, j.job_id)] == j for j in dump.jobs)


def test_a_block_cut_off_at_the_end_is_not_reported_with_guessed_fields() -> None:
    end = A11_DUMP.index("    Standby bucket:", A11_DUMP.index("  JOB #1000/"))
    dump = parse_jobscheduler_dump(A11_DUMP[:end])
    assert [(j.uid, j.job_id) for j in dump.jobs] == [(10119, 0)]  # the cut system job is dropped


def test_the_tail_of_a_dump_still_gives_history_and_queues() -> None:
    tail = A11_DUMP[A11_DUMP.index("  Job history:"):]
    dump = parse_jobscheduler_dump(tail)
    assert dump.history and dump.jobs == ()


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(A11_DUMP)), st.integers(min_value=0, max_value=len(A11_DUMP)))
def test_any_slice_of_a_dump_parses_to_a_subset_of_the_whole(start: int, end: int) -> None:
    """Never raises; every job found in a slice is exactly the job the whole dump describes."""
    piece = A11_DUMP[min(start, end):max(start, end)]
    dump = parse_jobscheduler_dump(piece)
    full = _full_jobs()
    for job in dump.jobs:
        assert full.get((job.uid, job.namespace, job.job_id)) == job, (piece, job)


def test_new_block_lines_are_read_and_unreadable_values_stay_none() -> None:
    text = """Registered 1 jobs:
  JOB #u0a5/9: ab com.x/.S
    u0a5 tag=*job*/com.x/.S#9
    JobInfo:
      Service: com.x/.S
      Flags: 10
      Internal flags: 1 HAS_FOREGROUND_EXEMPTION
      Backoff: policy=1 initial=+30s0ms
    Required constraints:
    Constraint history:
      -2s5ms = DEVICE_NOT_DOZING WITHIN_QUOTA [0x3000000]
      -1s0ms =
    Uid: active
    Num failures: x
    Num system stops: 2
    Ready: false (job=false)
"""
    (job,) = parse_jobscheduler_dump(text).jobs
    assert (job.flags, job.internal_flags, job.uid_active, job.num_system_stops) == (0x10, 1, True, 2)
    assert job.constraint_history == ((-2005, frozenset({"DEVICE_NOT_DOZING", "WITHIN_QUOTA"})), (-1000, frozenset()))
    assert job.num_failures is None  # the line is there but unreadable: not a guessed 0
    assert (job.backoff_policy, job.backoff_initial_ms) == (1, 30_000)


def test_a_fragment_pasted_without_its_indentation_still_parses_and_ends() -> None:
    start = A11_DUMP.index("  JOB #1000/")
    end = A11_DUMP.index("\n", A11_DUMP.index("    Ready:", start)) + 1
    block = "\n".join(line[2:] for line in A11_DUMP[start:end].splitlines()) + "\nPending queue:\n"
    dump = parse_jobscheduler_dump(block)
    (job,) = dump.jobs
    assert (job.uid, job.standby_bucket) == (1000, "EXEMPTED")
