"""The helper model on a virtual device, driven only through the device shell (PROTOCOL.md).

Every command goes through ``am broadcast`` exactly as the host sends it (§2.3), answers are
parsed from ``Broadcast completed: result=N, data="…"`` (§2.4), the journal is read back with
``run-as`` (§5.5) and live events with ``logcat -v raw -s jobctl:I`` (§5.4). Time passes only on
the device clock.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any

import jobctl_sim.assembly
from jobctl_sim.apps.helper import PACKAGE, HelperApp
from jobctl_sim.framework.system import Intent
from jobctl_sim.device import DeviceConfig, VirtualDevice

SPEED = 1000.0
COMPLETED = re.compile(r'^Broadcast completed: result=(-?\d+), data="(.*)"$', re.M)
BROADCAST = f"am broadcast -a dev.jobctl.helper.COMMAND -n {PACKAGE}/.CommandReceiver --include-stopped-packages"
READ_BACK = "run-as dev.jobctl.helper sh -c 'cat files/journal/previous.jsonl files/journal/current.jsonl 2>/dev/null'"
HOLD = {"steps": [{"op": "hold"}], "on_stop_reschedule": False}


def device(api: int = 34, helper: bool = True, speed: float = SPEED) -> VirtualDevice:
    return VirtualDevice(DeviceConfig(serial="t", api_level=api, speed=speed, helper=helper),
                         extensions=[jobctl_sim.assembly.install_android])


def sh_quote(text: str) -> str:
    """§2.3: replace every ``'`` with ``'\\''`` and wrap in ``'…'``."""
    return "'" + text.replace("'", "'\\''") + "'"


def canonical(request: dict[str, Any]) -> str:
    return json.dumps(request, separators=(",", ":"))


async def answer(dev: VirtualDevice, line: str) -> tuple[int, dict[str, Any]]:
    result = await dev.shell(line)
    assert result.exit_code == 0, result
    matches = COMPLETED.findall(result.text)
    assert matches, result.text
    code, data = matches[-1]
    return int(code), json.loads(data)


async def command(dev: VirtualDevice, request: dict[str, Any] | str) -> tuple[int, dict[str, Any]]:
    text = request if isinstance(request, str) else canonical(request)
    return await answer(dev, f"{BROADCAST} --es req {sh_quote(text)}")


async def ok(dev: VirtualDevice, request: dict[str, Any]) -> dict[str, Any]:
    code, response = await command(dev, request)
    assert code == 1 and response["ok"], response
    return response["result"]


async def journal(dev: VirtualDevice) -> list[dict[str, Any]]:
    result = await dev.shell(READ_BACK)
    return [json.loads(line) for line in result.text.splitlines()]


async def wait_for(dev: VirtualDevice, done: Callable[[list[dict[str, Any]]], bool],
                   virtual_seconds: float = 600) -> list[dict[str, Any]]:
    """Poll the durable journal every virtual second until ``done(events)``."""
    waited = 0.0
    while True:
        events = await journal(dev)
        if done(events):
            return events
        assert waited < virtual_seconds, [e["kind"] for e in events]
        await dev.clock.sleep(1)
        waited += 1


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [e["kind"] for e in events]


def has(kind: str, count: int = 1) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda events: kinds(events).count(kind) >= count


def assert_consistent(events: list[dict[str, Any]]) -> None:
    """seq consecutive, times never go backwards."""
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs
    elapsed = [e["elapsed_ms"] for e in events]
    assert elapsed == sorted(elapsed)


async def activate(dev: VirtualDevice) -> None:
    """A fresh install is in the NEVER bucket (jobs do not run); the host makes it ACTIVE."""
    result = await dev.shell(f"am set-standby-bucket {PACKAGE} active")
    assert result.exit_code == 0


def run(body: Callable[[], Any]) -> None:
    asyncio.run(body())


# ------------------------------------------------------------------------------ identity
def test_preinstalled_helper_is_stopped_never_bucket_and_run_as_works() -> None:
    async def body() -> None:
        dev = device()
        system = dev.android
        assert isinstance(system.apps[PACKAGE], HelperApp)
        assert system.packages.is_stopped(PACKAGE)
        assert (await dev.shell(f"am get-standby-bucket {PACKAGE}")).text.strip() == "50"
        listing = (await dev.shell("pm list packages --show-versioncode dev.jobctl")).text
        assert "package:dev.jobctl.helper versionCode:1004" in listing
        assert (await dev.shell("run-as dev.jobctl.helper id")).exit_code == 0
        # Nothing ran yet: no process, no journal.
        assert not system.apps[PACKAGE].alive
        assert await journal(dev) == []

    run(body)


def test_no_helper_when_config_says_so() -> None:
    assert PACKAGE not in device(helper=False).android.apps


def test_info_cold_starts_the_process_and_streams_to_logcat() -> None:
    async def body() -> None:
        dev = device()
        result = await ok(dev, {"v": 1, "id": "h-1", "cmd": "info"})
        epoch = result["journal"]["epoch"]
        assert re.fullmatch(r"[0-9a-f]{16}", epoch)
        assert result == {"package": PACKAGE, "helper_version": "1.4", "version_code": 1004,
                          "protocol_version": 1, "protocol_versions": [1], "api_level": 34,
                          "journal": {"first_seq": 1, "next_seq": 2, "epoch": epoch}}
        raw = (await dev.shell(f"{BROADCAST} --es req '{{\"v\":1,\"id\":\"h-2\",\"cmd\":\"info\"}}'")).text
        assert raw.splitlines()[0].startswith("Broadcasting: Intent { act=dev.jobctl.helper.COMMAND flg=0x400020")
        assert raw.splitlines()[1].startswith('Broadcast completed: result=1, data="{"v":1,"id":"h-2","ok":true,')
        events = await journal(dev)
        assert kinds(events) == ["process_started"]
        pid = dev.android.activity.processes[PACKAGE].pid
        assert events[0]["pid"] == pid
        live = (await dev.shell("logcat -d -v raw -s jobctl:I")).text.splitlines()
        assert [line for line in live if line.startswith("{")] == [json.dumps(e, separators=(",", ":")) for e in events]
        brief = (await dev.shell("logcat -d -v brief -s jobctl:I")).text
        assert f"I/jobctl  ( {pid}): " in brief or f"I/jobctl( {pid}): " in brief or f"I/jobctl({pid}): " in brief
        listing = (await dev.shell("run-as dev.jobctl.helper ls -l files/journal")).text
        assert "-rw------- 1" in listing and "current.jsonl" in listing

    run(body)


# ------------------------------------------------------------------------------ jobs
def test_scheduled_job_runs_end_to_end() -> None:
    async def body() -> None:
        dev = device()
        script = {"steps": [{"op": "estimate", "down": 5000, "up": 50},
                            {"op": "transfer", "down": 1000, "up": 10, "ms": 3000, "chunks": 3},
                            {"op": "sleep", "ms": 500},
                            {"op": "finish", "reschedule": False}]}
        spec = {"job_id": 7, "network_type": "any", "extras": {"k": "v", "n": 3}, "script": script}
        assert await ok(dev, {"v": 1, "id": "s", "cmd": "schedule", "spec": spec}) == {"job_id": 7, "namespace": None}
        assert not dev.android.packages.is_stopped(PACKAGE)  # a delivered broadcast un-stops the package
        jobs = (await ok(dev, {"v": 1, "cmd": "list"}))["jobs"]
        assert [(j["job_id"], j["requires_network"], j["priority"]) for j in jobs] == [(7, True, 300)]
        await activate(dev)
        events = await wait_for(dev, has("finished"))
        assert kinds(events) == ["process_started", "scheduled", "started", "bytes_reported", "bytes_reported",
                                 "bytes_reported", "bytes_reported", "finished"]
        assert events[1]["spec"] == spec
        started = events[2]
        assert started["epoch"] == events[0]["epoch"]
        assert {k: started[k] for k in list(started)[4:-1]} == {
            "job_id": 7, "namespace": None, "expedited": False, "user_initiated": False, "network": "100",
            "triggered_uris": None, "triggered_authorities": None, "override_deadline_expired": False}
        reports = [(e["direction"], e["down"], e["up"], e["platform"], e["tag"]) for e in events[3:7]]
        assert reports == [("estimated", 5000, 50, True, None), ("transferred", 333, 3, True, None),
                           ("transferred", 666, 6, True, None), ("transferred", 1000, 10, True, None)]
        assert events[7] == {**events[7], "job_id": 7, "reschedule": False, "via": "job_finished"}
        assert events[7]["elapsed_ms"] - started["elapsed_ms"] >= 3500  # waited on the device clock
        assert_consistent(events)
        logged = (await dev.shell("logcat -d -v raw -s jobctl:I")).text
        live = [line for line in logged.splitlines() if line.startswith("{")]
        # PROTOCOL.md §5.4/§9: the scheduled event carries extras, so logcat gets the stand-in
        stand_in = ({k: events[1][k] for k in ("seq", "elapsed_ms", "wall_ms", "kind")}
                    | {"log_truncated": True, "epoch": events[1]["epoch"]})
        assert live == [json.dumps(e, separators=(",", ":")) for e in [events[0], stand_in, *events[2:]]]
        assert (await ok(dev, {"v": 1, "cmd": "list"}))["jobs"] == []

    run(body)


def test_work_items_are_dequeued_and_completed_with_delivery_counts() -> None:
    async def body() -> None:
        dev = device()
        items = [{"tag": "a", "script": {"steps": [{"op": "sleep", "ms": 100}]}},
                 {"tag": "b", "estimated_bytes": {"down": 10, "up": 1},
                  "script": {"steps": [{"op": "transfer", "down": 10, "up": 1}]}},
                 {"tag": "c"}]
        result = await ok(dev, {"v": 1, "cmd": "enqueue", "spec": {"job_id": 3, "network_type": "unmetered"},
                                "items": items})
        assert result == {"job_id": 3, "namespace": None, "enqueued": 3}
        await activate(dev)
        events = await wait_for(dev, has("finished"))
        work = [(e["kind"], e.get("tag"), e.get("delivery_count")) for e in events
                if e["kind"].startswith("work_") or e["kind"] == "bytes_reported"]
        assert work == [("work_dequeued", "a", 1), ("work_completed", "a", None),
                        ("work_dequeued", "b", 1), ("bytes_reported", "b", None), ("work_completed", "b", None),
                        ("work_dequeued", "c", 1), ("work_completed", "c", None)]
        assert events[1] == {**events[1], "kind": "enqueued", "count": 3}
        assert events[-1] == {**events[-1], "kind": "finished", "reschedule": False, "via": "work_exhausted"}
        assert_consistent(events)

    run(body)


def test_shell_stop_is_recorded_with_its_stop_reason() -> None:
    async def body() -> None:
        dev = device()
        await ok(dev, {"v": 1, "cmd": "schedule",
                       "spec": {"job_id": 1, "script": {**HOLD, "on_stop_reschedule": True}}})
        await activate(dev)
        await wait_for(dev, has("started"))
        result = await dev.shell(f"cmd jobscheduler stop -s 13 {PACKAGE} 1")
        assert result.exit_code == 0, result
        events = await wait_for(dev, has("stopped"))
        stopped = events[-1]
        assert (stopped["kind"], stopped["job_id"], stopped["stop_reason"], stopped["reschedule"]) == (
            "stopped", 1, 13, True)
        # on_stop_reschedule: the platform keeps the job and runs it again after backoff.
        assert [j["job_id"] for j in (await ok(dev, {"v": 1, "cmd": "list"}))["jobs"]] == [1]

    run(body)


def test_constraint_loss_stops_with_connectivity_reason() -> None:
    async def body() -> None:
        dev = device()
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 2, "network_type": "any", "script": HOLD}})
        await activate(dev)
        await wait_for(dev, has("started"))
        assert (await dev.shell("cmd connectivity airplane-mode enable")).exit_code == 0
        events = await wait_for(dev, has("stopped"))
        assert {k: events[-1][k] for k in ("kind", "job_id", "stop_reason", "reschedule")} == {
            "kind": "stopped", "job_id": 2, "stop_reason": 7, "reschedule": False}
        assert_consistent(events)

    run(body)


def test_incomplete_item_is_redelivered_with_delivery_count_two() -> None:
    async def body() -> None:
        dev = device()
        spec = {"job_id": 4, "backoff": {"initial_ms": 10000, "policy": "linear"},
                "script": {"steps": [{"op": "work"}, {"op": "finish", "reschedule": True}]}}
        items = [{"tag": "flaky", "script": {"steps": [], "complete": False}}, {"tag": "fine"}]
        await ok(dev, {"v": 1, "cmd": "enqueue", "spec": spec, "items": items})
        await activate(dev)
        events = await wait_for(dev, has("started", 2))
        events = await wait_for(dev, lambda ev: any(e.get("delivery_count") == 2 for e in ev))
        work = [(e["kind"], e["tag"], e.get("delivery_count")) for e in events if e["kind"].startswith("work_")]
        assert work[:5] == [("work_dequeued", "flaky", 1), ("work_incomplete", "flaky", None),
                            ("work_dequeued", "fine", 1), ("work_completed", "fine", None),
                            ("work_dequeued", "flaky", 2)]
        first_finish = next(e for e in events if e["kind"] == "finished")
        assert (first_finish["reschedule"], first_finish["via"]) == (True, "job_finished")
        await ok(dev, {"v": 1, "cmd": "cancel", "job_id": 4})

    run(body)


def test_process_death_keeps_the_journal_and_seq_continues() -> None:
    async def body() -> None:
        dev = device()
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 5, "script": HOLD}})
        await activate(dev)
        before = await wait_for(dev, has("started"))
        first_pid = before[0]["pid"]
        assert (await dev.shell(f"am kill {PACKAGE}")).exit_code == 0
        assert not dev.android.apps[PACKAGE].alive
        assert await journal(dev) == before  # durable; no "stopped": onStopJob is not called on death
        # JobScheduler reschedules the disconnected job; starting it cold-starts the process.
        events = await wait_for(dev, has("started", 2))
        assert kinds(events)[len(before):] == ["process_started", "started"]
        assert events[len(before)]["pid"] != first_pid
        assert_consistent(events)
        assert (await dev.shell(f"am stop-app {PACKAGE}")).exit_code == 0
        info = await ok(dev, {"v": 1, "cmd": "info"})
        after = await journal(dev)
        assert kinds(after)[-1] == "process_started" and after[-1]["seq"] == events[-1]["seq"] + 1
        assert info["journal"] == {"first_seq": 1, "next_seq": after[-1]["seq"] + 1, "epoch": events[0]["epoch"]}
        assert {e["epoch"] for e in after} == {events[0]["epoch"]}  # a process restart keeps the epoch
        assert_consistent(after)

    run(body)


def test_force_stop_cancels_jobs_and_journal_survives() -> None:
    async def body() -> None:
        dev = device()
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 6, "min_latency_ms": 3_600_000}})
        before = await journal(dev)
        assert (await dev.shell(f"am force-stop {PACKAGE}")).exit_code == 0
        assert dev.android.packages.is_stopped(PACKAGE)
        assert (await ok(dev, {"v": 1, "cmd": "list"}))["jobs"] == []
        after = await journal(dev)
        assert after[: len(before)] == before and kinds(after)[len(before):] == ["process_started"]

    run(body)


# ------------------------------------------------------------------------------ journal
def test_journal_read_from_seq_and_past_the_end() -> None:
    async def body() -> None:
        dev = device()
        for job_id in (1, 2):
            await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": job_id, "min_latency_ms": 3_600_000}})
        await ok(dev, {"v": 1, "cmd": "cancel", "job_id": 1})
        stored = await journal(dev)
        assert kinds(stored) == ["process_started", "scheduled", "scheduled", "cancelled"]
        result = await ok(dev, {"v": 1, "cmd": "journal", "from_seq": 2, "max": 2})
        epoch = stored[0]["epoch"]
        assert result == {"events": stored[1:3], "next_seq": 5, "first_seq": 1, "dropped_before_seq": None,
                          "epoch": epoch}
        assert await ok(dev, {"v": 1, "cmd": "journal", "from_seq": 5}) == {
            "events": [], "next_seq": 5, "first_seq": 1, "dropped_before_seq": None, "epoch": epoch}
        code, response = await command(dev, {"v": 1, "id": "j", "cmd": "journal", "from_seq": 9})
        assert code == 2
        assert response == {"v": 1, "id": "j", "ok": False, "error": {
            "code": "journal_range", "message": "from_seq 9 outside 1..5", "type": None,
            "details": {"from_seq": 9, "first_seq": 1, "next_seq": 5}}}
        code, response = await command(dev, {"v": 1, "cmd": "journal", "from_seq": 1, "max": 1001})
        assert (code, response["error"]["message"]) == (2, "field max: expected 1..1000")
        assert await journal(dev) == stored  # reads write nothing

    run(body)


def test_rotation_writes_the_dropped_marker() -> None:
    async def body() -> None:
        dev = device()
        dev.android.apps[PACKAGE] = HelperApp(dev.android, segment_max_events=3)
        for _ in range(7):
            await ok(dev, {"v": 1, "cmd": "info"})
            await ok(dev, {"v": 1, "cmd": "cancel", "job_id": 99})
        previous = (await dev.shell("run-as dev.jobctl.helper cat files/journal/previous.jsonl")).text.splitlines()
        current = (await dev.shell("run-as dev.jobctl.helper cat files/journal/current.jsonl")).text.splitlines()
        prev_events = [json.loads(x) for x in previous]
        cur_events = [json.loads(x) for x in current]
        assert len(prev_events) == 3
        assert cur_events[0]["kind"] == "dropped" and cur_events[0]["before_seq"] == prev_events[0]["seq"]
        stored = prev_events + cur_events
        assert_consistent(stored)
        result = await ok(dev, {"v": 1, "cmd": "journal", "from_seq": 1})
        assert result["first_seq"] == prev_events[0]["seq"] > 1
        assert result["dropped_before_seq"] == result["first_seq"]
        assert result["events"] == stored

    run(body)


def test_reset_clears_journal_with_marker_and_seq_continues() -> None:
    async def body() -> None:
        dev = device()
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 1, "min_latency_ms": 3_600_000}})
        assert await ok(dev, {"v": 1, "cmd": "reset", "clear_journal": True}) == {"cleared_journal": True}
        events = await journal(dev)
        assert [(e["seq"], e["kind"]) for e in events] == [(3, "dropped"), (4, "reset")]
        assert events[0]["before_seq"] == 3
        assert (await ok(dev, {"v": 1, "cmd": "list"}))["jobs"] == []

    run(body)


# ------------------------------------------------------------------------------ bad input
def test_bad_input_gives_structured_errors_and_no_events() -> None:
    async def body() -> None:
        dev = device()
        await ok(dev, {"v": 1, "cmd": "info"})
        before = await journal(dev)

        async def error(request: dict[str, Any] | str) -> dict[str, Any]:
            code, response = await command(dev, request)
            assert code == 2 and response["ok"] is False, response
            return response["error"]

        assert await error('{"v":1,"cmd":') == {"code": "malformed_json", "type": None, "details": None,
                                                "message": "malformed JSON at offset 13: unexpected end of input"}
        assert (await error({"v": 1, "cmd": "frobnicate"}))["message"] == "unknown command: frobnicate"
        unsupported = await error({"v": 2, "cmd": "info"})
        assert unsupported == {"code": "unsupported_version", "message": "unsupported protocol version: 2",
                               "type": None,
                               "details": {"supported": [1], "helper_version": "1.4", "version_code": 1004}}
        rejected = await error({"v": 1, "cmd": "schedule",
                                "spec": {"job_id": 1, "expedited": True, "min_latency_ms": 1000}})
        assert rejected == {"code": "platform_exception", "message": "An expedited job cannot have a time delay",
                            "type": "java.lang.IllegalArgumentException", "details": None}
        periodic = await error({"v": 1, "cmd": "schedule",
                                "spec": {"job_id": 1, "periodic": {"interval_ms": 900000}, "override_deadline_ms": 5}})
        assert periodic["message"] == "Can't call setOverrideDeadline() on a periodic job."
        assert (await error({"v": 1, "cmd": "schedule", "spec": {"job_id": 1, "colour": 1}}))["message"] == \
            "unknown field: spec.colour"
        code, response = await answer(dev, f"{BROADCAST} --es req_file ../x")
        assert (code, response["error"]["message"]) == (2, "bad inbox name: ../x")
        code, response = await answer(dev, BROADCAST)
        assert (code, response["error"]["message"]) == (2, "exactly one of req and req_file is required")
        code, response = await answer(dev, f"{BROADCAST} --es req_file nothing-here")
        assert response["error"]["code"] == "inbox_missing"
        assert await journal(dev) == before

    run(body)


def test_job_limit_is_the_platform_exception() -> None:
    async def body() -> None:
        dev = device()
        for job_id in range(151):  # countJobsForUid > 150 before adding: 151 jobs fit
            await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": job_id, "min_latency_ms": 3_600_000}})
        before = await journal(dev)
        code, response = await command(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 151}})
        assert code == 2
        assert response["error"] == {"code": "platform_exception", "type": "java.lang.IllegalStateException",
                                     "message": "Apps may not schedule more than 150 distinct jobs", "details": None}
        code, response = await command(dev, {"v": 1, "cmd": "enqueue", "spec": {"job_id": 152},
                                             "items": [{"tag": "x"}]})
        assert response["error"]["details"] == {"enqueued": 0}
        assert await journal(dev) == before
        assert kinds(before).count("scheduled") == 151
        assert len((await ok(dev, {"v": 1, "cmd": "list"}))["jobs"]) == 151

    run(body)


def test_other_sender_uid_is_forbidden_and_not_executed() -> None:
    async def body() -> None:
        dev = device()
        system = dev.android
        request = canonical({"v": 1, "id": "evil", "cmd": "schedule", "spec": {"job_id": 1}})

        def deliver(uid: int) -> Any:
            intent = Intent(action="dev.jobctl.helper.COMMAND", component=f"{PACKAGE}/{PACKAGE}.CommandReceiver",
                            flags=0x400020, extras={"req": request}, sender_uid=uid)
            return system.activity.deliver_broadcast(intent)

        refused = deliver(10099)
        assert refused.code == 2
        assert json.loads(refused.data) == {"v": 1, "id": None, "ok": False, "error": {
            "code": "forbidden", "message": "uid 10099 may not command the helper", "type": None, "details": None}}
        assert "scheduled" not in kinds(await journal(dev))
        assert (await ok(dev, {"v": 1, "cmd": "list"}))["jobs"] == []
        own = system.packages.get(PACKAGE).uid
        for uid in (2000, 0, own):
            assert deliver(uid).code == 1
        code, response = await answer(dev, f"{BROADCAST.replace('dev.jobctl.helper.COMMAND', 'x.Y')} --es req '{{}}'")
        assert (code, response["error"]["message"]) == (2, "unexpected action: x.Y")

    run(body)


# ------------------------------------------------------------------------------ bulk
def test_ten_thousand_items_through_the_inbox() -> None:
    async def body() -> None:
        dev = device(speed=20)  # the platform's 10-minute execution limit is 30 real seconds
        items = [{"tag": f"t{i}"} for i in range(10_000)]
        request = canonical({"v": 1, "id": "bulk", "cmd": "enqueue", "spec": {"job_id": 9}, "items": items})
        assert len(request) > 3000
        put = await dev.shell("run-as dev.jobctl.helper sh -c 'mkdir -p files/inbox && cat > files/inbox/bulk-1'",
                              stdin=request.encode())
        assert put.exit_code == 0, put
        code, response = await answer(dev, f"{BROADCAST} --es req_file bulk-1")
        assert (code, response["result"]) == (1, {"job_id": 9, "namespace": None, "enqueued": 10_000})
        assert (await dev.shell("run-as dev.jobctl.helper ls files/inbox")).text.strip() == ""
        events = await journal(dev)
        assert [(e["kind"], e.get("count")) for e in events] == [("process_started", None), ("enqueued", 10_000)]
        await activate(dev)
        waited = 0
        while (await ok(dev, {"v": 1, "cmd": "list"}))["jobs"]:
            assert waited < 600, "the job did not finish within the platform's execution limit"
            await dev.clock.sleep(5)
            waited += 5
        events = await journal(dev)
        # 20 000+ events: the journal rotated twice (10 000 per segment); the second rotation
        # deleted events and the new current.jsonl starts with the dropped marker (§5.3).
        marker = next(e for e in events if e["kind"] == "dropped")
        assert events.index(marker) == 10_000 and marker["before_seq"] == events[0]["seq"] > 1
        assert_consistent(events)
        assert events[-1]["via"] == "work_exhausted"
        dequeued = [e for e in events if e["kind"] == "work_dequeued"]
        assert dequeued[-1]["tag"] == "t9999" and {e["delivery_count"] for e in dequeued} == {1}
        result = await ok(dev, {"v": 1, "cmd": "journal", "from_seq": 1, "max": 5})
        assert result["first_seq"] == events[0]["seq"] > 1
        assert result["dropped_before_seq"] == result["first_seq"]
        assert result["events"] == events[:5]

    run(body)


# ------------------------------------------------------------------------------ lifecycle
def test_pm_install_and_uninstall_register_the_model() -> None:
    async def body() -> None:
        from tests.support.axml_writer import build_apk

        from jobctl_sim.apps.helper import manifest as m

        dev = device(helper=False)
        assert PACKAGE not in dev.android.apps
        components = [(c.kind, {"name": c.name[len(PACKAGE):], "exported": c.exported, "permission": c.permission}, [])
                      for c in m.COMPONENTS]
        root = ("manifest", {"package": PACKAGE, "versionCode": m.VERSION_CODE, "versionName": m.VERSION_NAME},
                [("uses-sdk", {"minSdkVersion": m.MIN_SDK, "targetSdkVersion": m.TARGET_SDK}, [])]
                + [("uses-permission", {"name": p}, []) for p in m.PERMISSIONS]
                + [("application", {"debuggable": True}, components)])
        dev.fs.write_bytes("/data/local/tmp/helper.apk", build_apk(root))
        result = await dev.shell("pm install /data/local/tmp/helper.apk")
        assert result.text.strip() == "Success", result
        assert isinstance(dev.android.apps[PACKAGE], HelperApp)
        assert (await ok(dev, {"v": 1, "cmd": "info"}))["version_code"] == 1004
        assert (await dev.shell(f"pm uninstall {PACKAGE}")).text.strip() == "Success"
        assert PACKAGE not in dev.android.apps
        gone = (await dev.shell(f"{BROADCAST} --es req '{{}}'")).text.splitlines()
        assert gone[-1] == "Broadcast completed: result=0"  # §2.4: not delivered

    run(body)


def test_old_api_level_reports_null_facts() -> None:
    async def body() -> None:
        dev = device(api=26)
        spec = {"job_id": 1, "network_type": "any",
                "script": {"steps": [{"op": "transfer", "down": 8, "up": 2, "chunks": 2}]}}
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": spec})
        _code, response = await command(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 2, "expedited": True}})
        assert response["error"]["details"] == {"option": "spec.expedited", "min_api": 31, "api_level": 26}
        await activate(dev)
        events = await wait_for(dev, has("finished"))
        started = next(e for e in events if e["kind"] == "started")
        assert (started["namespace"], started["expedited"], started["user_initiated"], started["network"]) == \
            (None, None, None, None)
        reports = [(e["down"], e["up"], e["platform"]) for e in events if e["kind"] == "bytes_reported"]
        assert reports == [(4, 1, False), (8, 2, False)]

    run(body)
