"""Issue 14 item 4: the job blocks and sections of ``dumpsys jobscheduler`` in the layout of real
captures, for every modelled API level (26-37).

The reference is the per-job listing of aosp-shell-interface.md §2.3 (real captures of Android
10-14, annotated with the levels each line appears on) and the top-level order of §2.2; the
copy in ``capture_job_block.txt`` is checked against ``/work/shared/reference`` when that file is
present. Lines the
captures do not show are allowed only when ``JobStatus.dump`` prints them (AOSP main, see
:mod:`jobctl_sim.framework.jobscheduler.job_block`).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from jobctl_sim.apps.helper import PACKAGE
from tests.jobctl_sim.apps.test_helper_app import activate, device, has, ok, wait_for

REFERENCE = Path("/work/shared/reference/aosp-shell-interface.md")
CAPTURE_BLOCK = (Path(__file__).parent / "capture_job_block.txt").read_text()
"""aosp-shell-interface.md §2.3 "Lines inside the block, in order" (verbatim)."""

EXTRA_LABELS = {
    # JobStatus.dump prints these where the captures had no such job (AOSP main):
    "Network download bytes": "Network type", "Network upload bytes": "Network type",
    "Minimum network chunk bytes": "Network type", "expeditedQuotaApproved": "readyComponentEnabled",
    "userInitiatedApproved": "readyComponentEnabled", "User BG restricted": "Started with foreground flag",
    "Changed URIs": "Started with foreground flag", "Num system stops": "Num failures",
    # Android 16 JobStatus.dump (yaap/frameworks_base @3ddcaa00, see job_block):
    "Has media backup exemption": "Trigger max delay", "Trace tag": "Has late constraint",
    "Debug tags": "Has late constraint",
}
"""Extra label -> the reference label it follows."""

TOP_LEVEL = ["Settings:", "Started users:", "Registered", "Job history:", "Pending queue:", "Active jobs:",
             "Recently completed jobs:", "Concurrency:", "PersistStats:"]
"""§2.2 items 1, 5, 7, 12-15, 17, 18 in order."""


def _label(line: str) -> str:
    text = line.strip()
    if re.match(r"^(u0a\d+|\d+) tag=", text):
        return "tag"
    if re.match(r"^[+-]\S*ms = ", text) or re.match(r"^[+-]\S*ms =$", text):
        return "history entry"
    if re.match(r"^[0-9a-f]+ \S+://", text):
        return "trigger uri"
    if text.startswith("#") and " x " not in text and re.match(r"^#\d+: #", text):
        return "work item"
    for fixed in ("PERSISTED", "Has early constraint", "Has late constraint", "Implicit constraints:",
                  "Has media backup exemption"):
        if text.startswith(fixed):
            return fixed.rstrip(":")
    head = text.split(":", 1)[0]
    return head.split(" (")[0].strip()


def reference_order() -> list[str]:
    labels: list[str] = []
    for line in CAPTURE_BLOCK.splitlines():
        if not line.strip() or line.startswith("                                         "):
            continue
        label = _label(line.split("  (")[0] if "  (" in line else line)
        if label == "Pending work":
            labels += ["Pending work", "Executing work"]
            continue
        if label not in labels:
            labels.append(label)
    return labels


def test_the_embedded_capture_listing_is_the_references() -> None:
    if not REFERENCE.exists():
        pytest.skip("the shared reference is not on this machine")
    text = REFERENCE.read_text()
    start = text.index("```text", text.index("Lines inside the block, in order")) + len("```text\n")
    assert text[start:text.index("```", start)] == CAPTURE_BLOCK


def _job_blocks(dump: str) -> list[list[str]]:
    lines = dump.splitlines()
    blocks: list[list[str]] = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("  JOB "):
            body = []
            i += 1
            while i < len(lines) and lines[i].startswith("    "):
                body.append(lines[i])
                i += 1
            blocks.append(body)
            continue
        i += 1
    return blocks


def _labels(block: list[str]) -> list[str]:
    out = []
    for line in block:
        label = _label(line)
        if label in ("history entry", "trigger uri", "work item", "Restricted due to", "Ready"):
            continue
        out.append(label)
    return out


def _in_order(labels: list[str], order: list[str]) -> None:
    positions = []
    for label in labels:
        anchor = EXTRA_LABELS.get(label, label)
        assert anchor in order, f"{label!r} is neither in the captures nor printed by JobStatus.dump"
        positions.append(order.index(anchor) + (0.5 if label in EXTRA_LABELS else 0))
    assert positions == sorted(positions), list(zip(labels, positions, strict=True))


async def _dump_of_every_kind(api: int) -> str:
    dev = device(api=api)
    base: dict[str, Any] = {"override_deadline_ms": 1_000, "script": {"steps": [{"op": "hold"}]}}
    await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 1, **base}})
    await activate(dev)
    await wait_for(dev, has("started"))
    specs: list[dict[str, Any]] = [
        {"job_id": 2, "network_type": "any", "requires_charging": True, "persisted": True,
         "periodic": {"interval_ms": 900_000, "flex_ms": 300_000}, "extras": {"k": "v"}},
        {"job_id": 3, "min_latency_ms": 60_000, "override_deadline_ms": 3_600_000,
         "backoff": {"policy": "linear", "initial_ms": 20_000}},
        {"job_id": 4, "trigger_content_uris": [{"uri": "content://media/external", "descendants": True}]},
    ]
    for spec in specs:
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": spec})
    return str((await dev.shell(f"dumpsys jobscheduler {PACKAGE}")).text)


@pytest.mark.parametrize("api", range(26, 38))
def test_job_blocks_follow_the_captures_layout_on_every_level(api: int) -> None:
    dump = asyncio.run(_dump_of_every_kind(api))
    order = reference_order()
    blocks = _job_blocks(dump)
    assert len(blocks) == 4, dump
    for block in blocks:
        labels = _labels(block)
        _in_order(labels, order)
        assert "Backoff" in labels  # printed for every job, default values included
        assert ("Constraint history" in labels) == (api >= 31)
        assert ("Dynamic constraints" in labels) == (api >= 30)
        assert ("Preferred constraints" in labels) == (api == 34)
        assert ("Priority" in labels) == (api >= 33)
        assert ("Started with foreground flag" in labels) == (api >= 34)
        assert ("Last run heartbeat" in labels) == (api in (28, 29))
        assert ("Requires" in labels) or api < 34
        assert ("Has media backup exemption" in labels) == (api >= 36)
        assert block[-2].strip().startswith("Restricted due to:") and block[-1].strip().startswith("Ready:")


@pytest.mark.parametrize("api", [35, 36, 37])
def test_android_16_job_blocks_carry_the_typed_wakelock_tag_and_the_media_backup_line(api: int) -> None:
    """JobStatus.dump of Android 16 (yaap/frameworks_base @3ddcaa00): ``tag=`` is getWakelockTag()
    (``*job*r/``, no ``#<jobId>``) and every job prints ``Has media backup exemption=false `` (with
    IndentingPrintWriter's trailing space) between the trigger-URI lines and ``Extras:``."""
    dump = asyncio.run(_dump_of_every_kind(api))
    blocks = _job_blocks(dump)
    for block in blocks:
        tag = block[0].strip()
        if api >= 36:
            assert re.fullmatch(r"u0a\d+ tag=\*job\*r/dev\.jobctl\.helper/\.HelperJobService", tag), tag
            media = block.index("      Has media backup exemption=false ")
            assert _label(block[media - 1]) in ("Requires", "trigger uri", "Trigger max delay"), block[media - 1]
        else:
            assert re.fullmatch(r"u0a\d+ tag=\*job\*/dev\.jobctl\.helper/\.HelperJobService#\d", tag), tag
            assert not any("media backup" in line for line in block)
    periodic = next(block for block in blocks if any("PERIODIC" in line for line in block))
    if api >= 36:
        extras = next(n for n, line in enumerate(periodic) if line.strip().startswith("Extras:"))
        assert periodic[extras - 1] == "      Has media backup exemption=false "


@pytest.mark.parametrize("api", [34, 36, 37])
def test_settings_print_the_16_backoff_keys_where_constants_dump_does(api: int) -> None:
    """Constants.dump (Android 16, yaap/frameworks_base JobSchedulerService.java @3ddcaa00):
    min_exp_backoff_time_ms, system_stop_to_failure_ratio, abandoned_job_timeouts_before_aggressive_
    backoff, then the conn_* keys."""
    lines = asyncio.run(_dump_of_every_kind(api)).splitlines()
    at = lines.index("  min_exp_backoff_time_ms=10000 ")
    if api >= 36:
        assert lines[at + 1:at + 4] == ["  system_stop_to_failure_ratio=3 ",
                                        "  abandoned_job_timeouts_before_aggressive_backoff=3 ",
                                        "  conn_congestion_delay_frac=0.1 "]
    else:
        assert not any("abandoned_job" in line or "system_stop_to_failure" in line for line in lines)


@pytest.mark.parametrize("api", range(26, 38))
def test_top_level_sections_are_in_the_reference_order(api: int) -> None:
    dump = asyncio.run(_dump_of_every_kind(api))
    lines = dump.splitlines()
    found = [next(n for n, line in enumerate(lines) if line.strip().startswith(head)) for head in TOP_LEVEL]
    assert found == sorted(found)
    active = lines.index("Active jobs:")
    if api >= 34:
        assert "Idle contexts (15):" in lines[active:]  # 16 contexts, one runs job 1
        assert lines[active + 1].startswith("  ID=")
    else:
        assert lines[active + 1].startswith("  Slot #0: ")
    pending = lines.index("Pending queue:")
    assert (lines[pending + 1] == "  None") == (api >= 33)
    history = next(n for n, line in enumerate(lines) if line == "  Job history:")
    assert re.match(r"^ {0,19}[+-]\S+ +START: #u0a\d+/1 ", lines[history + 1].rjust(19)), lines[history + 1]


@pytest.mark.parametrize("api", [30, 34, 36])
def test_controllers_print_their_state_and_completed_jobs_their_dump(api: int) -> None:
    async def body() -> str:
        dev = device(api=api)
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 5, "override_deadline_ms": 1_000,
                                                           "requires_storage_not_low": True}})
        await activate(dev)
        await wait_for(dev, has("finished"))
        return str((await dev.shell(f"dumpsys jobscheduler {PACKAGE}")).text)

    lines = asyncio.run(body()).splitlines()
    battery = lines.index("BatteryController:")
    heads = [line.split(":")[0] for line in lines[battery + 1:battery + 4]]
    assert heads == (["  Power connected", "  Stable power", "  Not low"] if api >= 34
                     else ["  Stable power", "  Not low", ""])
    storage = lines.index("StorageController:")
    assert lines[storage + 1] == "  Not low: true" and lines[storage + 2].startswith("  Sequence: ")
    idle = lines.index("IdleController:")
    assert lines[idle + 1:idle + 4] == ["  Currently idle: false", "  Idleness tracker:", "    mIdle: false"]
    done = lines.index("Recently completed jobs:")
    assert re.fullmatch(r"  -\S+ms", lines[done + 1]), lines[done + 1]
    assert re.fullmatch(r"      [0-9a-f]+ #u0a123/5 dev\.jobctl\.helper/\.HelperJobService", lines[done + 2])
    assert lines[done + 3].startswith("      u0a123 tag=*job*r/" if api >= 36 else "      u0a123 tag=*job*/")
    free = "Idle contexts (16):" if api >= 34 else "  Slot #0: inactive since "
    text = "\n".join(lines)
    assert free in text and "stopped because: last work dequeued" in text  # the default script drains work
