"""The app's execution quota: bucket, how much is used, when it refills.

Source: ``apex/jobscheduler/service/java/com/android/server/job/controllers/QuotaController.java``
``dumpControllerStateLocked`` prints, per tracked job, ``#<uniqueId> from <uid>`` then
``<BUCKET>, within [regular ]quota|not within quota, <N>ms remaining in quota``; ``Current elapsed
time: <N>``; and ``Cached execution stats:`` with ``<userId>package`` and per bucket
``ExecutionStats.toString`` (``…, executionTimeInWindow=…, …, inQuotaTime=<elapsed>, …``): the
time the app is back within quota. Defaults (``QcConstants``, shell reference §2.2): 10 min per
window of 10 min (ACTIVE), 2 h (WORKING_SET), 8 h (FREQUENT), 24 h (RARE, RESTRICTED); from
Android 16 ACTIVE gets 20 min per 30 min and WORKING_SET/FREQUENT windows of 4 h/12 h (17: ACTIVE
20 min per 60 min, EXEMPTED 20 min per 40 min); EXEMPTED never runs out before 17 and NEVER never
gets quota. Where the device does not print ``inQuotaTime``, the
refill is estimated from the package's runs in the dump's ``Job history``: the moment enough of
them have left the rolling window.
"""

from __future__ import annotations

import re

from bridge.diagnosis.commands import Commands, format_ms
from bridge.diagnosis.model import Blocker, BlockerKind, QuotaState
from bridge.parsers import JobSchedulerDump

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
_WINDOWS = {"ACTIVE": 10 * MINUTE_MS, "WORKING_SET": 2 * HOUR_MS, "FREQUENT": 8 * HOUR_MS,
            "RARE": 24 * HOUR_MS, "RESTRICTED": 24 * HOUR_MS}
_WINDOWS_16 = {"ACTIVE": 30 * MINUTE_MS, "WORKING_SET": 4 * HOUR_MS, "FREQUENT": 12 * HOUR_MS,
               "RARE": 24 * HOUR_MS, "RESTRICTED": 24 * HOUR_MS}
_WINDOWS_17 = {**_WINDOWS_16, "ACTIVE": 60 * MINUTE_MS, "EXEMPTED": 40 * MINUTE_MS}
"""17-era QcConstants (``DEFAULT_LATEST_WINDOW_SIZE_*``; jobctl_sim/framework/jobscheduler/quota.py)."""

_TRACKED = re.compile(r"^(?:#|(?P<ns>.+?):)\S+/(?P<job_id>-?\d+)(?: from namespace (?P<ns2>\S+))? from \S+")
_STATE = re.compile(r"^(?P<bucket>[A-Z_]+), (?P<within>within (?:regular |EJ )?quota|not within quota|"
                    r"out of EJ quota)(?:, (?P<remaining>-?\d+)ms remaining in (?:EJ )?quota)?", re.IGNORECASE)
_ELAPSED = re.compile(r"^Current elapsed time: (\d+)$")
_IN_QUOTA = re.compile(r"\binQuotaTime=(-?\d+)")


def bucket_quota(bucket: str, api_level: int) -> tuple[int, int] | None:
    """(allowed ms, window ms) of ``bucket`` on this level; None: it never runs out (or never gets any)."""
    window = (_WINDOWS_17 if api_level >= 37 else _WINDOWS_16 if api_level >= 36 else _WINDOWS).get(bucket)
    if window is None:
        return None
    return (20 * MINUTE_MS if api_level >= 36 and bucket in ("ACTIVE", "EXEMPTED") else 10 * MINUTE_MS), window


def _quota_section(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        if line.strip() == "QuotaController:" and (i + 1 >= len(lines) or "=" not in lines[i + 1]):
            body: list[str] = []
            for rest in lines[i + 1:]:
                if rest and not rest.startswith(" ") and rest.rstrip().endswith(":") and body:
                    break  # the next controller's header
                body.append(rest.rstrip())
            return body
    return []


def _history_refill(dump: JobSchedulerDump, allowed: int, window: int) -> int | None:
    """Milliseconds until the runs in the job history use less than ``allowed`` of the window."""
    sessions: list[tuple[int, int]] = []
    started: dict[tuple[str | None, int], int] = {}
    for entry in dump.history:
        key = (entry.namespace, entry.job_id)
        if entry.is_start:
            started[key] = entry.offset_ms
        elif key in started:
            sessions.append((started.pop(key), entry.offset_ms))
    sessions += [(start, 0) for start in started.values()]

    def used(at: int) -> int:
        return sum(max(0, min(end, at) - max(start, at - window)) for start, end in sessions)

    if used(0) < allowed:
        return 0
    points = sorted({max(0, p + window) for s in sessions for p in s})
    for point in points:
        if used(point) < allowed:
            low, high = 0, point  # used() falls linearly between breakpoints: bisect to the ms
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (low, middle) if used(middle) < allowed else (middle, high)
            return high
    return None


def read_quota(text: str, dump: JobSchedulerDump, job_id: int, namespace: str | None, package: str,
               api_level: int) -> QuotaState | None:
    """The job's quota state from the QuotaController section (None when it is not tracked there)."""
    section = _quota_section(text)
    state = None
    elapsed = None
    in_quota_at = None
    for i, line in enumerate(section):
        stripped = line.strip()
        match = _TRACKED.match(stripped)
        if match and int(match.group("job_id")) == job_id and (match.group("ns") or match.group("ns2")) == namespace:
            following = section[i + 1].strip() if i + 1 < len(section) else ""
            state = _STATE.match(following)
        if (m := _ELAPSED.match(stripped)) is not None:
            elapsed = int(m.group(1))
    if state is None:
        return None
    bucket = state.group("bucket").upper()
    for i, line in enumerate(section):
        if line.strip() == f"<0>{package}":  # Package.packageToString(userId, name)
            depth = len(line) - len(line.lstrip(" "))
            for stat in section[i + 1:]:
                if not stat.strip() or len(stat) - len(stat.lstrip(" ")) <= depth:
                    break  # the next package, or the end of the cached stats
                if stat.strip().startswith(f"{bucket}:") and (m := _IN_QUOTA.search(stat)) is not None:
                    in_quota_at = int(m.group(1))
    within = state.group("within").lower().startswith("within")
    remaining = int(state.group("remaining")) if state.group("remaining") is not None else None
    quota = bucket_quota(bucket, api_level)
    allowed, window = quota if quota is not None else (None, None)
    refill = None
    if not within and quota is not None:
        if in_quota_at is not None and elapsed is not None and in_quota_at > elapsed:
            refill = in_quota_at - elapsed
        else:
            refill = _history_refill(dump, quota[0], quota[1])
    return QuotaState(bucket, within, remaining, allowed, window, refill)


def quota_blockers(quota: QuotaState | None, unsatisfied: frozenset[str], commands: Commands) -> list[Blocker]:
    """Out of quota in a bucket that has one (NEVER is explained by its own blocker)."""
    if "WITHIN_QUOTA" not in unsatisfied or (quota is not None and quota.bucket == "NEVER"):
        return []
    if quota is None:
        return [Blocker(BlockerKind.QUOTA, f"{commands.package} used up its execution quota",
                        commands.reset_quota(), "WITHIN_QUOTA")]
    used = (f"used {format_ms(quota.used_ms)} of its {format_ms(quota.allowed_ms or 0)} per "
            f"{format_ms(quota.window_ms or 0)}" if quota.used_ms is not None else "used up its quota")
    refill = (f"; it refills in {format_ms(quota.refills_in_ms)}" if quota.refills_in_ms
              else "; it refills as its past runs leave the rolling window")
    return [Blocker(BlockerKind.QUOTA,
                    f"{commands.package} is out of execution quota in the {quota.bucket} bucket: it {used}{refill}",
                    commands.reset_quota(), "WITHIN_QUOTA")]
