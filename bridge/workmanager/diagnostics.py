"""WorkManager's diagnostics broadcast, for any app (debuggable or not).

``am broadcast -a androidx.work.diagnostics.REQUEST_DIAGNOSTICS -p PKG`` reaches WorkManager's
``DiagnosticsReceiver``, which enqueues ``DiagnosticsWorker``
(``work/work-runtime/src/main/java/androidx/work/impl/workers/DiagnosticsWorker.kt``). It logs,
tag ``WM-DiagnosticsWrkr`` (``Logger.tagWithPrefix``), sections ``Recently completed work:``,
``Running work:``, ``Enqueued work:``, each a header `` Id \\t Class Name\\t Job Id\\t State\\t
Unique Name\\t Tags\\t`` (``Alarm Id`` below API 23) then one row per WorkSpec:
``<id>\\t <worker class>\\t <job id|null>\\t <STATE>\\t <names,>\\t <tags,>\\t``. The run attempt is
not printed. The worker runs in the app's process when WorkManager gets to it, so the output is
awaited with a deadline, never a fixed sleep.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from bridge.workmanager.model import WorkSpecInfo

if TYPE_CHECKING:
    from bridge.device import Device

ACTION = "androidx.work.diagnostics.REQUEST_DIAGNOSTICS"
TAG = "WM-DiagnosticsWrkr"
_ROW = re.compile(r"^(?P<id>[0-9a-fA-F-]{36})\t (?P<cls>[^\t]*)\t (?P<job>[^\t]*)\t (?P<state>[A-Z_]+)\t "
                  r"(?P<names>[^\t]*)\t (?P<tags>[^\t]*)\t?$")


def parse_diagnostics(text: str) -> dict[int, WorkSpecInfo]:
    """Job id -> WorkSpec from the worker's log messages (logcat lines or bare messages). A row
    without a job id (``null``) has no JobScheduler job and is left out."""
    specs: dict[int, WorkSpecInfo] = {}
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.split(f"{TAG}: ", 1)[1] if f"{TAG}: " in raw else raw
        match = _ROW.match(line.rstrip("\n"))
        if match is None or not match.group("job").strip().lstrip("-").isdigit():
            continue
        job = int(match.group("job").strip())
        specs[job] = WorkSpecInfo(match.group("id"), match.group("cls").strip(), match.group("state"),
                                  _split(match.group("tags")), _split(match.group("names")), None, None, job,
                                  None, None, (), "diagnostics")
    return specs


def _split(value: str) -> tuple[str, ...]:
    return tuple(sorted(v for v in value.strip().split(",") if v and v != "null"))


def _log(device: Device) -> list[str]:
    return device.shell(["logcat", "-d", "-v", "raw", "-s", f"{TAG}:I"], idempotent=True).text.splitlines()


def request_diagnostics(device: Device, package: str, timeout: float = 10.0) -> dict[int, WorkSpecInfo]:
    """Send the broadcast, then read the worker's new log lines until its tables are there (or
    ``timeout`` passed). The log is only read, never cleared."""
    seen = len(_log(device))
    device.shell(["am", "broadcast", "-a", ACTION, "-p", package], idempotent=True)
    deadline = time.monotonic() + timeout
    found: dict[int, WorkSpecInfo] = {}
    while time.monotonic() < deadline:
        fresh = "\n".join(_log(device)[seen:])
        found = parse_diagnostics(fresh)
        if found:
            return found
        time.sleep(0.2)
    return found
