"""The helper model's journal epoch (PROTOCOL.md §5.6) on a virtual device, through the shell.

The epoch is chosen at the first start after the app's data is created and kept in
``files/journal/epoch``: a process restart keeps it, ``pm clear`` and uninstall + install
(which wipe the data directory, as the package manager does) give a new one while ``seq``
restarts at 1 -- the identity a host needs to tell "numbering restarted" from "already seen".
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from jobctl_sim.apps.helper import PACKAGE
from tests.jobctl_sim.apps.test_helper_app import device, journal, ok

EPOCH = re.compile(r"[0-9a-f]{16}")
SHIPPED_APK = Path(__file__).resolve().parents[3] / "bridge" / "helper_apk" / "jobctl-helper.apk"


def live_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("{")]


def test_epoch_is_in_every_event_line_logcat_line_and_info_and_survives_a_process_restart() -> None:
    async def body() -> None:
        dev = device()
        info = await ok(dev, {"v": 1, "cmd": "info"})
        epoch = info["journal"]["epoch"]
        assert EPOCH.fullmatch(epoch)
        stored = (await dev.shell("run-as dev.jobctl.helper cat files/journal/epoch")).text
        assert stored == epoch + "\n"
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 1, "min_latency_ms": 3_600_000,
                                                          "extras": {"secret": "x"}}})
        assert (await dev.shell(f"am kill {PACKAGE}")).exit_code == 0
        again = await ok(dev, {"v": 1, "cmd": "info"})
        assert again["journal"]["epoch"] == epoch
        events = await journal(dev)
        assert [e["seq"] for e in events] == [1, 2, 3]
        assert all(list(e)[-1] == "epoch" and e["epoch"] == epoch for e in events)
        live = live_lines((await dev.shell("logcat -d -v raw -s jobctl:I")).text)
        assert len(live) == 3 and all(line.endswith(f',"epoch":"{epoch}"}}') for line in live)
        assert '"log_truncated":true' in live[1]  # the stand-in for an event with extras carries it too
        assert (await ok(dev, {"v": 1, "cmd": "journal", "from_seq": 1}))["epoch"] == epoch

    asyncio.run(body())


def test_pm_clear_gives_a_new_epoch_and_seq_restarts_at_one() -> None:
    async def body() -> None:
        dev = device()
        before = (await ok(dev, {"v": 1, "cmd": "info"}))["journal"]
        for job_id in range(1, 4):
            await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": job_id, "min_latency_ms": 3_600_000}})
        assert (await dev.shell(f"pm clear {PACKAGE}")).text.strip() == "Success"
        after = (await ok(dev, {"v": 1, "cmd": "info"}))["journal"]
        assert after["next_seq"] == 2  # numbering restarted: process_started is seq 1 again
        assert EPOCH.fullmatch(after["epoch"]) and after["epoch"] != before["epoch"]
        assert [(e["seq"], e["epoch"]) for e in await journal(dev)] == [(1, after["epoch"])]

    asyncio.run(body())


def test_uninstall_and_install_give_a_new_epoch_but_an_update_keeps_it() -> None:
    async def body() -> None:
        dev = device()
        first = (await ok(dev, {"v": 1, "cmd": "info"}))["journal"]["epoch"]
        dev.fs.write_bytes("/data/local/tmp/h.apk", SHIPPED_APK.read_bytes())
        assert (await dev.shell("pm install -r /data/local/tmp/h.apk")).text.strip() == "Success"
        assert (await ok(dev, {"v": 1, "cmd": "info"}))["journal"]["epoch"] == first  # data kept
        assert (await dev.shell(f"pm uninstall {PACKAGE}")).text.strip() == "Success"
        assert (await dev.shell("pm install /data/local/tmp/h.apk")).text.strip() == "Success"
        info = (await ok(dev, {"v": 1, "cmd": "info"}))["journal"]
        assert info["next_seq"] == 2 and info["epoch"] != first

    asyncio.run(body())
