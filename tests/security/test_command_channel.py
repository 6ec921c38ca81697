"""Who may command the helper (PROTOCOL.md §2.2, §9.1).

The virtual device runs a shell command as any uid (``VirtualDevice.run_shell(uid=…)``); a
command run as a third-party app's uid stands for that app sending the same intent itself:
the platform checks the receiver's and the activity's permission against the caller's uid
either way. The helper's own uid is 10123 in the model, so "another app" is an app installed
for the purpose (and 10124, a uid nobody has).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

import jobctl_sim.assembly
from jobctl_sim.apps.helper import PACKAGE
from jobctl_sim.device import DeviceConfig, VirtualDevice
from jobctl_sim.native.streams import BufferOutput, InputStream
from tests.support.apk import build_apk

INTRUDER = "org.example.intruder"
DUMP = "android.permission.DUMP"
RECEIVER = f"{PACKAGE}/{PACKAGE}.CommandReceiver"
BROADCAST = f"am broadcast -a dev.jobctl.helper.COMMAND -n {PACKAGE}/.CommandReceiver --include-stopped-packages"
COMPLETED = re.compile(r"^Broadcast completed: result=(-?\d+)(?:, data=\"(.*)\")?$", re.M)
SCHEDULE = '{"v":1,"id":"x","cmd":"schedule","spec":{"job_id":41}}'
INFO = '{"v":1,"cmd":"info"}'
READ_BACK = "run-as dev.jobctl.helper sh -c 'cat files/journal/previous.jsonl files/journal/current.jsonl 2>/dev/null'"


def run(body: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(body())


def device(api: int = 34) -> VirtualDevice:
    return VirtualDevice(DeviceConfig(serial="sec", api_level=api, speed=1000.0),
                         extensions=[jobctl_sim.assembly.install_android])


async def sh(dev: VirtualDevice, line: str, uid: int = 2000) -> tuple[int, str, str]:
    out, err = BufferOutput(), BufferOutput()
    code = await dev.run_shell(line, InputStream.of(b""), out, err, uid=uid)
    return code, out.getvalue().decode(), err.getvalue().decode()


async def install_intruder(dev: VirtualDevice, *, requests_dump: bool = True) -> int:
    """A third-party app (requesting DUMP, as a tool that asks users to grant it would)."""
    apk = build_apk(INTRUDER, permissions=(DUMP,) if requests_dump else ())
    dev.fs.write_bytes("/data/local/tmp/intruder.apk", apk, make_parents=True)
    code, out, _ = await sh(dev, "pm install /data/local/tmp/intruder.apk")
    assert (code, out.strip()) == (0, "Success")
    facts = dev.android.packages.get(INTRUDER)
    assert facts is not None and facts.uid != dev.android.packages.get(PACKAGE).uid
    return int(facts.uid)


def completed(stdout: str) -> tuple[int, dict[str, Any] | None]:
    matches = COMPLETED.findall(stdout)
    assert matches, stdout
    code, data = matches[-1]
    return int(code), json.loads(data) if data else None


async def scheduled_job_ids(dev: VirtualDevice) -> list[int]:
    """From the durable journal (no journal yet -- the helper never ran -- is none)."""
    _, out, _ = await sh(dev, READ_BACK)
    return [e["job_id"] for e in map(json.loads, out.splitlines()) if e["kind"] == "scheduled"]


# ------------------------------------------------------------------ the receiver
def test_an_app_without_dump_cannot_reach_the_receiver_and_nothing_runs() -> None:
    async def body() -> None:
        dev = device()
        uid = await install_intruder(dev)
        code, out, _ = await sh(dev, f"{BROADCAST} --es req '{SCHEDULE}'", uid=uid)
        assert code == 0
        assert completed(out) == (0, None)  # the ordered broadcast never reached a receiver
        _, log, _ = await sh(dev, "logcat -d -v raw -s BroadcastQueue:W")
        assert (f"Permission Denial: broadcasting Intent {{ act=dev.jobctl.helper.COMMAND flg=0x400020 "
                f"cmp={PACKAGE}/.CommandReceiver (has extras) }} from {INTRUDER} (uid={uid}) requires {DUMP} "
                f"due to receiver {RECEIVER}") in log
        assert not dev.android.apps[PACKAGE].alive, "the helper's process was started for a refused sender"
        assert await scheduled_job_ids(dev) == []
        # a uid no package has is refused the same way
        assert completed((await sh(dev, f"{BROADCAST} --es req '{SCHEDULE}'", uid=10124))[1]) == (0, None)
        # while the shell, root and the helper itself are served
        for sender in (2000, 0, dev.android.packages.get(PACKAGE).uid):
            result, response = completed((await sh(dev, f"{BROADCAST} --es req '{INFO}'", uid=sender))[1])
            assert result == 1 and response is not None and response["ok"], sender

    run(body)


def test_an_app_holding_dump_that_shares_its_identity_is_answered_forbidden() -> None:
    """API 34+: ``getSentFromUid()`` names the sender; only shell, root and the helper may command."""
    async def body() -> None:
        dev = device(34)
        uid = await install_intruder(dev)
        assert (await sh(dev, f"pm grant {INTRUDER} {DUMP}"))[0] == 0  # passes the manifest guard
        intent = jobctl_sim.framework.system.Intent(
            action="dev.jobctl.helper.COMMAND", component=RECEIVER, flags=0x400020, extras={"req": SCHEDULE},
            sender_uid=uid)  # BroadcastOptions.setShareIdentityEnabled(true)
        answer = dev.android.activity.deliver_broadcast(intent, caller_uid=uid)
        assert answer.code == 2
        assert json.loads(answer.data) == {"v": 1, "id": None, "ok": False, "error": {
            "code": "forbidden", "message": f"uid {uid} may not command the helper", "type": None, "details": None}}
        assert await scheduled_job_ids(dev) == []

    run(body)


def test_not_protected_an_app_granted_dump_that_hides_its_identity_can_command() -> None:
    """The documented gap (PROTOCOL.md §9.1): ``am broadcast`` shares no identity, so
    ``getSentFromUid()`` is -1 and the DUMP guard is all there is. Only someone with adb can
    grant DUMP (``pm grant``), but the app keeps it."""
    async def body() -> None:
        dev = device(34)
        uid = await install_intruder(dev)
        refused = completed((await sh(dev, f"{BROADCAST} --es req '{SCHEDULE}'", uid=uid))[1])
        assert refused == (0, None)
        assert (await sh(dev, f"pm grant {INTRUDER} {DUMP}"))[0] == 0
        result, response = completed((await sh(dev, f"{BROADCAST} --es req '{SCHEDULE}'", uid=uid))[1])
        assert result == 1 and response is not None and response["ok"]
        assert await scheduled_job_ids(dev) == [41]

    run(body)


def test_below_api_34_the_sender_uid_is_unknown_so_only_the_dump_guard_protects() -> None:
    """``getSentFromUid()`` does not exist before 34: a sender's shared identity cannot be seen."""
    async def body() -> None:
        dev = device(33)
        uid = await install_intruder(dev)
        assert (await sh(dev, f"pm grant {INTRUDER} {DUMP}"))[0] == 0
        intent = jobctl_sim.framework.system.Intent(
            action="dev.jobctl.helper.COMMAND", component=RECEIVER, flags=0x400020, extras={"req": SCHEDULE},
            sender_uid=uid)
        answer = dev.android.activity.deliver_broadcast(intent, caller_uid=uid)
        assert answer.code == 1 and json.loads(answer.data)["ok"]
        assert await scheduled_job_ids(dev) == [41]
        # without DUMP it is still refused before the helper runs
        await sh(dev, f"pm revoke {INTRUDER} {DUMP}")
        again = dev.android.activity.deliver_broadcast(intent, caller_uid=uid)
        assert (again.code, again.data) == (0, None)

    run(body)


def test_a_package_only_broadcast_reaches_no_receiver_without_an_intent_filter() -> None:
    async def body() -> None:
        dev = device()
        code, out, _ = await sh(dev, f"am broadcast -a dev.jobctl.helper.COMMAND -p {PACKAGE} "
                                     f"--include-stopped-packages --es req '{SCHEDULE}'")
        assert code == 0 and completed(out) == (0, None)
        assert await scheduled_job_ids(dev) == []

    run(body)


# ------------------------------------------------------------------ the activity and the inbox
def test_an_app_without_dump_cannot_start_the_schedule_activity() -> None:
    async def body() -> None:
        dev = device()
        uid = await install_intruder(dev)
        code, out, err = await sh(dev, f"am start -W -n {PACKAGE}/.ScheduleActivity --es req '{SCHEDULE}' "
                                       "--es reply r1", uid=uid)
        assert code == 255
        assert out == f"Starting: Intent {{ cmp={PACKAGE}/.ScheduleActivity (has extras) }}\n"
        assert err == ("\nException occurred while executing 'start':\njava.lang.SecurityException: Permission "
                       f"Denial: starting Intent {{ cmp={PACKAGE}/.ScheduleActivity (has extras) }} from null "
                       f"(uid={uid}) requires {DUMP}\n")
        assert dev.android.activity.top_package is None
        assert (await sh(dev, "run-as dev.jobctl.helper cat files/outbox/r1"))[0] != 0
        assert await scheduled_job_ids(dev) == []
        # the shell may
        assert (await sh(dev, f"am start -W -n {PACKAGE}/.ScheduleActivity --es req '{INFO}' --es reply r2"))[0] == 0
        reply = json.loads((await sh(dev, "run-as dev.jobctl.helper cat files/outbox/r2"))[1])
        assert reply["ok"] is True

    run(body)


def test_a_launcher_that_shares_its_identity_gets_a_forbidden_reply() -> None:
    """API 34+: ``Activity.getLaunchedFromUid()``, the activity's counterpart of getSentFromUid."""
    async def body() -> None:
        dev = device(34)
        helper = dev.android.apps[PACKAGE]
        intent = jobctl_sim.framework.system.Intent(
            component=f"{PACKAGE}/{PACKAGE}.ScheduleActivity", extras={"req": SCHEDULE, "reply": "r3"},
            sender_uid=10124)
        assert helper.on_activity_start(intent) is True
        reply = json.loads((await sh(dev, "run-as dev.jobctl.helper cat files/outbox/r3"))[1])
        assert reply["error"] == {"code": "forbidden", "message": "uid 10124 may not command the helper",
                                  "type": None, "details": None}
        assert await scheduled_job_ids(dev) == []

    run(body)


def test_only_the_shell_and_root_may_use_run_as_to_reach_the_inbox() -> None:
    async def body() -> None:
        dev = device()
        uid = await install_intruder(dev, requests_dump=False)
        write = "run-as dev.jobctl.helper sh -c 'mkdir -p files/inbox && echo {} > files/inbox/evil'"
        for caller in (uid, 10124):
            assert await sh(dev, write, uid=caller) == (
                1, "", "run-as: only 'shell' or 'root' users can run this program\n")
        assert not dev.fs.exists(f"/data/data/{PACKAGE}/files/inbox/evil")
        for caller in (2000, 0):
            assert (await sh(dev, "run-as dev.jobctl.helper id -u", uid=caller))[:2] == (0, "10123\n")

    run(body)
