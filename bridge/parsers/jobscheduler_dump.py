"""``dumpsys jobscheduler`` text (aosp-shell-interface.md §2.2, §2.3, §8).

Tolerant by design: lines are right-stripped (Settings lines end in a space on 11+), sections
are found by their headers, job blocks by indentation, and everything not understood is
skipped. Quirks handled (§8): ``#`` vs ``<namespace>:`` job headers and the lenient
``JOB #u0a1/2 from namespace ns:`` form (items 6, §2.3); the ``#<jobId>`` tag suffix (14+);
``Registered N jobs:`` counting every job even in a package-filtered dump (item 8, so
``registered_count`` may exceed ``len(jobs)``); an empty pending queue printed as nothing (11)
or ``  None`` (13+); the 14+ active-jobs layout (``N/A`` + ``Idle contexts``); the job-history
``STOP``/``STOP-P`` label inversion (item 7: the ``-P`` suffix is not exposed as "periodic");
locale digits in the concurrency block (item 10: ignored, never fatal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bridge.durations import parse_duration_ms
from bridge.parsers.errors import DeviceOutputError
from bridge.parsers.uids import UID_PATTERN, parse_uid

_JOB_REF = (rf"(?:#|(?P<ns>.+?):)(?P<uid>{UID_PATTERN})/(?P<job_id>-?[0-9]+)"
            r"(?: from namespace (?P<ns2>\S+))?")
_JOB_HEADER = re.compile(rf"^JOB {_JOB_REF}: (?P<hash>[0-9a-f]+) (?P<battery>\S.*)$", re.ASCII)
_ENTRY_HEADER = re.compile(
    rf"^(?:Pending #\d+|Slot #\d+|ID=\d+): (?:(?P<hash>[0-9a-f]+) )?{_JOB_REF}(?: (?P<battery>\S.*))?$", re.ASCII)
_REGISTERED = re.compile(r"^Registered (?:(\d+) )?jobs:$", re.ASCII)
_CONSTRAINTS = re.compile(r"^(Required|Satisfied|Unsatisfied|Dynamic|Preferred) constraints:(.*)$")
_HISTORY = re.compile(
    rf"^(?P<when>\S+)\s+(?P<label>START-P|STOP-P|START|STOP): {_JOB_REF} (?P<battery>\S+)(?: (?P<reason>.*))?$",
    re.ASCII)
_PERIODIC = re.compile(r"^PERIODIC: interval=(\S+) flex=(\S+)$")
_PRIORITY = re.compile(r"^Priority: (-?\d+)", re.ASCII)
_BACKOFF = re.compile(r"^Backoff: policy=(\d+) initial=(\S+)$", re.ASCII)
_SOURCE = re.compile(rf"^Source: uid=(?P<uid>{UID_PATTERN}) user=(?P<user>\d+) pkg=(?P<pkg>\S+)$", re.ASCII)
_TAG = re.compile(rf"^{UID_PATTERN} tag=(?P<tag>\S.*)$")
_READY = re.compile(r"^Ready: (true|false)\b")
_WORK_ENTRY = re.compile(r"^#\d+: #(\d+) (\d+)x", re.ASCII)
_TRIGGER = re.compile(r"^([0-9a-f]+) (\S+)$")
_HEX_FIELD = re.compile(r"^(Flags|Internal flags): ([0-9a-f]{1,8})(?: [A-Z_ ]+)?$", re.ASCII)
_CONSTRAINT_CHANGE = re.compile(r"^([+-]\S+) =(.*)$", re.ASCII)


@dataclass(frozen=True)
class DumpedJob:
    """One job block (§2.3): identity from the header, the rest from the lines below it.

    Constraint sets hold the names as printed (``CHARGING``, ``WITHIN_QUOTA`` …); the masks
    are the bracketed hex values (``None`` if not printed). ``satisfied`` only has the bits of
    controllers that track the job (§2.3 "Satisfied ≠ all true conditions").
    """

    uid: int
    job_id: int
    namespace: str | None
    service: str
    """``Service:`` from the JobInfo (as printed), else the header's component."""
    package: str
    battery_name: str
    """The header's component, ``@ns@``-prefixed for namespaced jobs (14+)."""
    hash: str | None = None
    tag: str | None = None
    source_uid: int | None = None
    required_constraints: frozenset[str] = frozenset()
    satisfied_constraints: frozenset[str] = frozenset()
    unsatisfied_constraints: frozenset[str] = frozenset()
    dynamic_constraints: frozenset[str] = frozenset()
    required_mask: int | None = None
    satisfied_mask: int | None = None
    unsatisfied_mask: int | None = None
    standby_bucket: str | None = None
    persisted: bool = False
    periodic_interval_ms: int | None = None
    periodic_flex_ms: int | None = None
    priority: int | None = None
    min_latency_ms: int | None = None
    max_execution_delay_ms: int | None = None
    backoff_policy: int | None = None
    backoff_initial_ms: int | None = None
    trigger_content_uris: tuple[tuple[int, str], ...] = ()
    """``(flags, uri)`` pairs."""
    network_request: str | None = None
    tracking: frozenset[str] = frozenset()
    ready: bool | None = None
    """The ``Ready:`` line's first value (only under ``Registered``)."""
    num_failures: int | None = 0
    """``Num failures:`` (printed only when non-zero, so 0 without the line); None when the line
    is there but unreadable."""
    pending_work: int = 0
    executing_work: int = 0
    flags: int | None = None
    """``Flags: <hex>`` (``JobInfo.getFlags``; printed only when non-zero)."""
    internal_flags: int | None = None
    """``Internal flags: <hex> [HAS_FOREGROUND_EXEMPTION]`` (printed only when non-zero)."""
    num_system_stops: int | None = 0
    """``Num system stops:`` (14+, printed only when non-zero)."""
    uid_active: bool = False
    """``Uid: active`` (printed only when the app's uid is active)."""
    constraint_history: tuple[tuple[int, frozenset[str]], ...] = ()
    """``Constraint history:`` (12+): (offset ms from the dump, satisfied names) oldest first."""

    @property
    def tag_without_job_id(self) -> str | None:
        """The tag without the 14+ ``#<jobId>`` suffix (§2.3 "Tag suffix")."""
        if self.tag is None:
            return None
        suffix = f"#{self.job_id}"
        return self.tag[: -len(suffix)] if self.tag.endswith(suffix) else self.tag


@dataclass(frozen=True)
class HistoryEntry:
    """One ``Job history`` line (§2.2 item 12).

    ``is_start`` comes from the label; the ``-P`` suffix is kept only in ``label`` because
    stop labels are inverted upstream (§8 item 7).
    """

    offset_ms: int
    """Time relative to the dump (negative: in the past)."""
    label: str
    uid: int
    job_id: int
    namespace: str | None
    battery_name: str
    reason: str | None

    @property
    def is_start(self) -> bool:
        return self.label.startswith("START")


@dataclass(frozen=True)
class CompletedEntry:
    """One ``Recently completed jobs:`` entry (§2.2 item 15): when it ended and which job it was."""

    offset_ms: int
    """Time relative to the dump (negative: in the past)."""
    uid: int
    job_id: int
    namespace: str | None
    battery_name: str


@dataclass(frozen=True)
class JobSchedulerDump:
    """The parsed dump. ``registered_count`` is the printed total (all packages, §8 item 8)."""

    registered_count: int | None
    jobs: tuple[DumpedJob, ...]
    pending: tuple[DumpedJob, ...] = ()
    active: tuple[DumpedJob, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    battery_charging: bool | None = None
    """``Battery charging:`` (14+)."""
    battery_not_low: bool | None = None
    """``Battery not low:`` (14+)."""
    completed: tuple[CompletedEntry, ...] = ()
    """``Recently completed jobs:``, oldest first (the dump prints the newest first)."""

    def job(self, job_id: int, namespace: str | None = None, uid: int | None = None) -> DumpedJob | None:
        """The registered job with that id (and namespace, and uid if given)."""
        for job in self.jobs:
            if job.job_id == job_id and job.namespace == namespace and (uid is None or job.uid == uid):
                return job
        return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _constraint_set(text: str) -> tuple[frozenset[str], int | None]:
    names, mask = [], None
    for token in text.split():
        if (m := _MASK.fullmatch(token)) is not None:
            mask = int(m.group(1), 16)
        elif not (token.startswith("[0x") and token.endswith("]")):
            names.append(token)
    return frozenset(names), mask


_MASK = re.compile(r"\[0x([0-9a-fA-F]{1,16})\]")


def _number(text: str) -> int | None:
    """A decimal integer as printed (ASCII digits, at most 19), else None: a line the parser
    does not understand is skipped, never fatal."""
    body = text.strip()
    return int(body) if _NUMBER.fullmatch(body) else None


_NUMBER = re.compile(r"-?[0-9]{1,19}")


def _uid(text: str) -> int | None:
    try:
        return parse_uid(text)
    except DeviceOutputError:
        return None


def _duration(text: str) -> int | None:
    try:
        return parse_duration_ms(text)
    except ValueError:
        return None


def _namespace(match: re.Match[str]) -> str | None:
    return match.group("ns") or match.group("ns2")


def _battery_namespace(battery: str) -> str | None:
    """The namespace of a 14+ battery name (``@ns@com.pkg/.Svc``): AOSP's ``Job history`` prints
    ``#uid/id`` with no namespace (``JobPackageTracker.dumpHistory``), only the tag carries it."""
    if battery.startswith("@") and "@" in battery[1:]:
        return battery[1:battery.index("@", 1)] or None
    return None


def _strip_ns(battery: str, namespace: str | None) -> str:
    if namespace is not None and battery.startswith(f"@{namespace}@"):
        return battery[len(namespace) + 2:]
    return battery


def _parse_block(header: re.Match[str], body: list[str]) -> DumpedJob | None:
    """A job header match plus the (stripped) lines of its block (None: an unreadable uid or id)."""
    uid, job_id = _uid(header.group("uid")), _number(header.group("job_id"))
    if uid is None or job_id is None:
        return None
    namespace = _namespace(header)
    battery = (header.group("battery") or "").strip()
    values: dict[str, object] = {}
    section = None
    triggers: list[tuple[int, str]] = []
    history: list[tuple[int, frozenset[str]]] = []
    for line in body:
        if not line:
            continue
        if section == "triggers":
            match = _TRIGGER.match(line)
            if match:
                triggers.append((int(match.group(1), 16), match.group(2)))
                continue
            section = None
        if section == "history":
            match = _CONSTRAINT_CHANGE.match(line)
            if match:
                offset = _duration(match.group(1))
                if offset is not None:
                    history.append((offset, _constraint_set(match.group(2))[0]))
                continue
            section = None
        if section in ("pending_work", "executing_work") and _WORK_ENTRY.match(line):
            values[section] = int(values.get(section, 0)) + 1  # type: ignore[call-overload]
            continue
        section = None
        if (m := _CONSTRAINTS.match(line)) is not None:
            names, mask = _constraint_set(m.group(2))
            kind = m.group(1).lower()
            if kind in ("required", "satisfied", "unsatisfied", "dynamic"):
                values.setdefault(f"{kind}_constraints", names)
                if kind != "dynamic":
                    values.setdefault(f"{kind}_mask", mask)
        elif line.startswith("Service: "):
            values.setdefault("service", line[len("Service: "):].strip())
        elif line == "PERSISTED":
            values["persisted"] = True
        elif (m := _PERIODIC.match(line)) is not None:
            values["periodic_interval_ms"] = _duration(m.group(1))
            values["periodic_flex_ms"] = _duration(m.group(2))
        elif (m := _PRIORITY.match(line)) is not None and _number(m.group(1)) is not None:
            values["priority"] = _number(m.group(1))
        elif line.startswith("Minimum latency: "):
            values["min_latency_ms"] = _duration(line.split(": ", 1)[1])
        elif line.startswith("Max execution delay: "):
            values["max_execution_delay_ms"] = _duration(line.split(": ", 1)[1])
        elif (m := _BACKOFF.match(line)) is not None:
            values["backoff_policy"] = _number(m.group(1))
            values["backoff_initial_ms"] = _duration(m.group(2))
        elif line == "Trigger content URIs:":
            section = "triggers"
        elif line.startswith("Network type: "):
            values["network_request"] = line[len("Network type: "):]
        elif line.startswith("Standby bucket: "):
            values["standby_bucket"] = line.split(": ", 1)[1].strip()
        elif line.startswith("Tracking:"):
            values["tracking"] = frozenset(line[len("Tracking:"):].split())
        elif (m := _READY.match(line)) is not None:
            values.setdefault("ready", m.group(1) == "true")
        elif line.startswith("Num failures: "):
            values["num_failures"] = _number(line.split(": ", 1)[1])
        elif line.startswith("Num system stops: "):
            values["num_system_stops"] = _number(line.split(": ", 1)[1])
        elif (m := _HEX_FIELD.match(line)) is not None:
            values["internal_flags" if m.group(1) == "Internal flags" else "flags"] = int(m.group(2), 16)
        elif line == "Uid: active":
            values["uid_active"] = True
        elif line == "Constraint history:":
            section = "history"
        elif line in ("Pending work:", "Executing work:"):
            section = "pending_work" if line.startswith("Pending") else "executing_work"
        elif (m := _SOURCE.match(line)) is not None:
            values.setdefault("source_uid", _uid(m.group("uid")))
            values.setdefault("source_package", m.group("pkg"))
        elif (m := _TAG.match(line)) is not None:
            values.setdefault("tag", m.group("tag"))
    source_package = values.pop("source_package", None)
    service = str(values.pop("service", None) or _strip_ns(battery, namespace))
    package = service.split("/", 1)[0] if "/" in service else str(source_package or "")
    return DumpedJob(uid=uid, job_id=job_id,
                     namespace=namespace, service=service, package=package, battery_name=battery,
                     hash=header.groupdict().get("hash"), trigger_content_uris=tuple(triggers),
                     constraint_history=tuple(history),
                     **values)  # type: ignore[arg-type]


def _complete(header: re.Pattern[str], body: list[str]) -> bool:
    """Whether a block that ran into the end of the text is whole: a registered job ends with its
    ``Ready:`` line, a pending/active entry with its ``Enq:``/``Running for``/``Active at`` line."""
    if header is _JOB_HEADER:
        return any(_READY.match(line) for line in body)
    last = next((line for line in reversed(body) if line), "")
    return last.startswith(_ENTRY_ENDS)


_ENTRY_ENDS = ("Enq:", "Running for:", "Active at ", "Evaluated bias:", "Tag:")


def _blocks(lines: list[str], start: int, header: re.Pattern[str],
            stop_indent: int, require_end: bool = True) -> tuple[list[DumpedJob], int]:
    """Job blocks from ``start`` until a line indented ≤ ``stop_indent`` that is no header.

    A block cut off by the end of the text (a pasted fragment, a truncated capture) is kept only
    when it is complete (:func:`_complete`): a partial block would report its missing lines'
    fields as if the device had not printed them. ``require_end`` False: the layout is not known
    (the bare ``Registered jobs:`` header of §2.3's lenient forms), so the last block is kept."""
    jobs: list[DumpedJob] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if line and _indent(line) <= stop_indent:
            break
        match = header.match(line.strip()) if line else None
        if match is None:
            i += 1
            continue
        level = _indent(line)
        body: list[str] = []
        i += 1
        # A block ends at a line no deeper than its header, or at the next header (a fragment may
        # have lost part of the indentation of its first line).
        while i < len(lines) and (not lines[i] or _indent(lines[i]) > level) and not header.match(lines[i].strip()):
            body.append(lines[i].strip())
            i += 1
        if i >= len(lines) and require_end and not _complete(header, body):
            break
        job = _parse_block(match, body)
        if job is not None:
            jobs.append(job)
        if stop_indent < 0 and i < len(lines) and lines[i] and not header.match(lines[i].strip()):
            break  # unindented fragment: its job list ends at the first line that is no job block
    return jobs, i


def _bool_value(line: str) -> bool | None:
    return {"true": True, "false": False}.get(line.rsplit(":", 1)[1].strip())


def parse_jobscheduler_dump(text: str) -> JobSchedulerDump:
    """Parse ``dumpsys jobscheduler [PKG]`` output of Android 8-17, or any fragment of it (the
    middle of the job list, the tail of a dump, a package-filtered dump). Never raises: what it
    does not understand is skipped; only complete job blocks are returned, and a field whose line
    is not there stays ``None``."""
    text = text.replace("\r\n", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    if not text.endswith("\n"):
        lines.pop()  # the last line was cut off (or the text has no line end): none of it is trusted
    registered: int | None = None
    jobs: list[DumpedJob] = []
    pending: list[DumpedJob] = []
    active: list[DumpedJob] = []
    history: list[HistoryEntry] = []
    completed: list[CompletedEntry] = []
    charging = not_low = None
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if _indent(line) == 0 and (m := _REGISTERED.match(stripped)) is not None:
            registered = _number(m.group(1)) if m.group(1) is not None else None
            found, i = _blocks(lines, i + 1, _JOB_HEADER, 0, require_end=m.group(1) is not None)
            jobs += found
            continue
        if _indent(line) == 0 and stripped == "Pending queue:":
            found, i = _blocks(lines, i + 1, _ENTRY_HEADER, 0)
            pending += found
            continue
        if _indent(line) == 0 and stripped == "Active jobs:":
            found, i = _blocks(lines, i + 1, _ENTRY_HEADER, 0)
            active += found
            continue
        if _indent(line) <= 2 and _JOB_HEADER.match(stripped) is not None:
            # A fragment pasted from the middle of the job list: no ``Registered`` header above.
            found, i = _blocks(lines, i, _JOB_HEADER, _indent(line) - 1)
            jobs += found
            continue
        if stripped == "Job history:":
            i += 1
            while i < len(lines) and lines[i] and _indent(lines[i]) > 0:
                m = _HISTORY.match(lines[i].strip())
                uid = _uid(m.group("uid")) if m is not None else None
                job_id = _number(m.group("job_id")) if m is not None else None
                if m is not None and uid is not None and job_id is not None:
                    offset = _duration(m.group("when"))
                    namespace = _namespace(m) or _battery_namespace(m.group("battery"))
                    history.append(HistoryEntry(
                        offset if offset is not None else 0, m.group("label"), uid,
                        job_id, namespace, m.group("battery"), m.group("reason")))
                i += 1
            continue
        if _indent(line) == 0 and stripped == "Recently completed jobs:":
            i, found_completed = _completed(lines, i + 1)
            completed += found_completed
            continue
        if _indent(line) == 0 and stripped.startswith("Battery charging:"):
            charging = _bool_value(stripped)
        elif _indent(line) == 0 and stripped.startswith("Battery not low:"):
            not_low = _bool_value(stripped)
        i += 1
    return JobSchedulerDump(registered, tuple(jobs), tuple(pending), tuple(active), tuple(history),
                            charging, not_low, tuple(reversed(completed)))


_COMPLETED_JOB = re.compile(rf"^(?:[0-9a-f]+ )?(?:\{{[^}}]*\}} )?{_JOB_REF} (?P<battery>\S.*)$", re.ASCII)
"""``JobStatus.toShortString``: ``<hash> [{<namespace>} ]#<uid>/<id> <batteryName>`` (the braced
namespace is tolerated, not relied on: the battery name carries it as ``@ns@``)."""


def _completed(lines: list[str], i: int) -> tuple[int, list[CompletedEntry]]:
    """The ``Recently completed jobs:`` entries from line ``i``: an indented time line, then the
    job's ``toShortString`` (``<hash> #u0a1/2 <batteryName>``) deeper, then its dump."""
    found: list[CompletedEntry] = []
    while i < len(lines) and (not lines[i] or _indent(lines[i]) > 0):
        line = lines[i]
        offset = _duration(line.strip()) if line else None
        following = lines[i + 1].strip() if i + 1 < len(lines) else ""
        m = _COMPLETED_JOB.match(following) if offset is not None else None
        if m is not None and offset is not None:
            uid, job_id = _uid(m.group("uid")), _number(m.group("job_id"))
            if uid is not None and job_id is not None:
                battery = m.group("battery").strip()
                found.append(CompletedEntry(offset, uid, job_id, _namespace(m) or _battery_namespace(battery),
                                            battery))
            i += 2
            continue
        i += 1
    return i, found
