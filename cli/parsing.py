"""Text the CLI accepts, turned into bridge values: durations, byte counts, extras, work items,
spec files. Shared by the job commands (and any other command that needs them).

Everything here is pure (no device, no rich) and cheap to import: ``bridge.model`` is imported
inside the functions that build model values. Bad input raises :class:`click.BadParameter`
(from the ``click.ParamType`` classes) or :class:`ParseError` (a ``ValueError``), which the
commands turn into a one-line usage error (exit 2), see :class:`OneLineCommand`.

Syntax (documented for users in docs/cli-json.md, "Input syntax"):

* DURATION: one or more ``<number><unit>`` parts, units ``ms``, ``s``, ``m``, ``h``, ``d``
  (``500ms``, ``30s``, ``15m``, ``2h``, ``1h30m``, ``1.5s``); ``0`` alone is zero. A bare number
  other than 0 is refused (is ``30`` seconds or milliseconds?). The result is whole milliseconds.
* BYTES: a whole number of bytes (``1024``) or a number with a unit, case-insensitive:
  ``B``; decimal (SI) ``KB`` = 1000, ``MB`` = 1000², ``GB`` = 1000³, ``TB`` = 1000⁴; binary
  (IEC) ``KiB`` = 1024, ``MiB`` = 1024², ``GiB`` = 1024³, ``TiB`` = 1024⁴. ``1.5MB`` is allowed
  when it comes to whole bytes. A byte *estimate* also accepts ``unknown`` (= -1,
  ``JobInfo.NETWORK_BYTES_UNKNOWN``).
* WORK SPEC: comma-separated ``key=value`` parts and bare flags, see :func:`parse_work_spec`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from bridge.model import ByteEstimate, ExtraValue, JobSpec, WorkItem


class ParseError(ValueError):
    """Input text that is not what the syntax allows (the message is one line for the user)."""


# ----------------------------------------------------------------- durations

_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)")
_DURATION_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
DURATION_HELP = "e.g. 500ms, 30s, 15m, 2h, 1h30m"
MAX_VALUE = 2**63 - 1
"""The largest duration (ms) or byte count: a Java ``long``."""


def _exact(number: str, text: str) -> Fraction:
    """A decimal number as an exact fraction (no float rounding); refuses absurdly long ones."""
    if len(number) > 40:
        raise ParseError(f"{text[:60]!r}… has too many digits")
    return Fraction(number)


def parse_duration(text: str) -> int:
    """``"500ms"`` -> 500, ``"1h30m"`` -> 5400000, ``"0"`` -> 0; milliseconds (exact arithmetic)."""
    body = text.strip().lower()
    if body == "0":
        return 0
    position, total = 0, Fraction(0)
    for match in _DURATION_PART.finditer(body):
        if match.start() != position:
            break
        total += _exact(match.group(1), text) * _DURATION_UNITS_MS[match.group(2)]
        position = match.end()
    if position == 0 or position != len(body):
        raise ParseError(f"{text!r} is not a duration ({DURATION_HELP})")
    if total.denominator != 1:
        raise ParseError(f"{text!r} is not a whole number of milliseconds")
    if total > MAX_VALUE:
        raise ParseError(f"{text!r} is too long (at most {MAX_VALUE} ms)")
    return int(total)


# ----------------------------------------------------------------- bytes

_BYTES = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)", re.ASCII)
_BYTE_UNITS = {
    "": 1, "b": 1,
    "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
    "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4,
}
BYTES_HELP = "e.g. 1024, 10KB (=10000), 5MiB (=5242880)"


def parse_bytes(text: str) -> int:
    """``"1024"`` -> 1024, ``"10KB"`` -> 10000, ``"5MiB"`` -> 5242880 (exact arithmetic)."""
    match = _BYTES.fullmatch(text.strip().lower())
    if match is None or match.group(2) not in _BYTE_UNITS:
        raise ParseError(f"{text!r} is not a byte count ({BYTES_HELP}; KB/MB/GB are powers of 1000, "
                         "KiB/MiB/GiB powers of 1024)")
    if match.group(2) == "" and "." in match.group(1):
        raise ParseError(f"{text!r} is not a whole number of bytes")
    value = _exact(match.group(1), text) * _BYTE_UNITS[match.group(2)]
    if value.denominator != 1:
        raise ParseError(f"{text!r} is not a whole number of bytes")
    if value > MAX_VALUE:
        raise ParseError(f"{text!r} is too large (at most {MAX_VALUE} bytes)")
    return int(value)


def parse_byte_estimate_value(text: str) -> int:
    """BYTES, or ``unknown`` for ``NETWORK_BYTES_UNKNOWN`` (-1)."""
    return -1 if text.strip().lower() in ("unknown", "-1") else parse_bytes(text)


def parse_byte_estimate(text: str, separator: str = ",") -> ByteEstimate:
    """``"DOWN,UP"`` -> ``ByteEstimate``; either side may be ``unknown``."""
    from bridge.model import ByteEstimate

    parts = text.split(separator)
    if len(parts) != 2:
        raise ParseError(f"{text!r} is not DOWN{separator}UP (e.g. 10MB{separator}1MB, unknown{separator}0)")
    return ByteEstimate(parse_byte_estimate_value(parts[0]), parse_byte_estimate_value(parts[1]))


# ----------------------------------------------------------------- extras

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def parse_extra(text: str) -> tuple[str, ExtraValue]:
    """``KEY=VALUE``: ``true``/``false`` -> bool, ``42`` -> int, ``1.5`` -> float, else a string;
    ``KEY="42"`` (double-quoted) is always the string inside the quotes. An integer must fit a
    Java ``long`` and a number a finite ``double`` (quote it to send it as a string)."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise ParseError(f"{text!r} is not KEY=VALUE")
    value: ExtraValue
    if len(raw) >= 2 and raw.startswith('"') and raw.endswith('"'):
        value = raw[1:-1]
    elif raw in ("true", "false"):
        value = raw == "true"
    elif _INT.fullmatch(raw):
        if len(raw.lstrip("+-").lstrip("0")) > 19 or not -(2**63) <= int(raw) <= MAX_VALUE:
            raise ParseError(f"{text!r}: {raw} is out of range for a 64-bit integer "
                             f"(write {key}=\"{raw}\" for a string)")
        value = int(raw)
    elif _FLOAT.fullmatch(raw):
        value = float(raw)
        if not math.isfinite(value):
            raise ParseError(f"{text!r}: {raw} is out of range for a double (write {key}=\"{raw}\" for a string)")
    else:
        value = raw
    return key, value


# ----------------------------------------------------------------- work items

WORK_KEYS = ("tag", "download", "upload", "duration", "chunks", "estimated", "min-chunk", "incomplete")
WORK_HELP = "e.g. tag=a,download=1MB,duration=2s,incomplete"


def parse_work_spec(text: str, index: int = 0) -> WorkItem:
    """One work item from the compact syntax, comma-separated:

    * ``tag=NAME`` (default ``item-<n>``, n counting from 1 over all items);
    * ``download=BYTES``, ``upload=BYTES``: the item transfers that much (a ``transfer`` step);
    * ``duration=DURATION``: how long the transfer takes, or how long the item sleeps when it
      transfers nothing; ``chunks=N``: progress reports during a transfer (default 1);
    * ``estimated=DOWN/UP``: the ``JobWorkItem`` byte estimate (each side BYTES or ``unknown``);
    * ``min-chunk=BYTES``: the ``JobWorkItem`` minimum network chunk;
    * ``incomplete``: the item script ends without completing the item (it is redelivered).
    """
    fields: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if key not in WORK_KEYS:
            raise ParseError(f"work item {text!r}: unknown key {key!r} (keys: {', '.join(WORK_KEYS)})")
        if key in fields:
            raise ParseError(f"work item {text!r}: {key} given twice")
        if key == "incomplete":
            if sep and value.strip().lower() not in ("true", "false"):
                raise ParseError(f"work item {text!r}: incomplete takes no value (or true/false)")
            fields[key] = (value.strip().lower() != "false") if sep else True
        elif not sep:
            raise ParseError(f"work item {text!r}: {key} needs a value ({key}=…)")
        else:
            fields[key] = value.strip()
    return work_item_from_mapping(fields, index, where=f"work item {text!r}")


def work_item_from_mapping(fields: Mapping[str, Any], index: int = 0, where: str | None = None) -> WorkItem:
    """A work item from a mapping with the :func:`parse_work_spec` keys (``min_chunk`` is
    accepted for ``min-chunk``); values may be strings in the CLI syntax or plain numbers
    (bytes, milliseconds)."""
    from bridge.model import ByteEstimate, ItemScript, Sleep, Transfer, WorkItem

    where = where or f"work item {index + 1}"
    unknown = [k for k in fields if k.replace("_", "-") not in WORK_KEYS]
    if unknown:
        raise ParseError(f"{where}: unknown key {unknown[0]!r} (keys: {', '.join(WORK_KEYS)})")
    values = {k.replace("_", "-"): v for k, v in fields.items()}

    def number(key: str, parse: Any) -> int | None:
        value = values.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            raise ParseError(f"{where}: {key} must be a number or text, not {value}")
        if isinstance(value, int):
            if value < 0:
                raise ParseError(f"{where}: {key} must be >= 0")
            return value
        try:
            return int(parse(str(value)))
        except ParseError as error:
            raise ParseError(f"{where}: {key}: {error}") from None

    tag = values.get("tag", f"item-{index + 1}")
    if not isinstance(tag, str) or not tag:
        raise ParseError(f"{where}: tag must be a non-empty string")
    down = number("download", parse_bytes)
    up = number("upload", parse_bytes)
    duration = number("duration", parse_duration)
    chunks = number("chunks", _parse_count)
    if chunks is not None and chunks < 1:
        raise ParseError(f"{where}: chunks must be >= 1")
    incomplete = values.get("incomplete", False)
    if not isinstance(incomplete, bool):
        raise ParseError(f"{where}: incomplete must be true or false")
    estimated: ByteEstimate | None = None
    if values.get("estimated") is not None:
        raw = values["estimated"]
        try:
            if isinstance(raw, (list, tuple)) and len(raw) == 2:
                estimated = ByteEstimate(*(parse_byte_estimate_value(str(v)) for v in raw))
            else:
                estimated = parse_byte_estimate(str(raw), separator="/")
        except ParseError as error:
            raise ParseError(f"{where}: estimated: {error}") from None
    min_chunk = number("min-chunk", parse_bytes)

    steps: tuple[Any, ...] = ()
    if down is not None or up is not None:
        steps = (Transfer(down or 0, up or 0, duration or 0, chunks or 1),)
    elif duration is not None:
        steps = (Sleep(duration),)
    elif chunks is not None:
        raise ParseError(f"{where}: chunks needs download= or upload=")
    script = ItemScript(steps, complete=not incomplete) if (steps or incomplete) else None
    return WorkItem(tag, estimated, min_chunk, script)


def _parse_count(text: str) -> int:
    if not _INT.fullmatch(text.strip()) or len(text.strip().lstrip("+-").lstrip("0")) > 19:
        raise ParseError(f"{text!r} is not a whole number")
    return int(text)


def read_work_file(path: Path, first_index: int = 0) -> list[WorkItem]:
    """Work items from a file: TOML (``[[work]]`` tables, ``*.toml``) or JSON lines (one object,
    or one compact work spec string, per line; blank lines and ``#`` comments skipped)."""
    text = _read_text(path)
    items: list[WorkItem] = []
    if path.suffix.lower() == ".toml":
        document = _load_toml(text, path)
        entries = document.get("work")
        if not isinstance(entries, list):
            raise ParseError(f"{path}: expected [[work]] tables")
        for entry in entries:
            items.append(_work_entry(entry, first_index + len(items), f"{path}: work item {len(items) + 1}"))
        return items
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise ParseError(f"{path}:{number}: not JSON ({error.msg})") from None
        except RecursionError:
            raise ParseError(f"{path}:{number}: not JSON (nested too deeply)") from None
        items.append(_work_entry(entry, first_index + len(items), f"{path}:{number}"))
    return items


def _work_entry(entry: Any, index: int, where: str) -> WorkItem:
    if isinstance(entry, str):
        try:
            return parse_work_spec(entry, index)
        except ParseError as error:
            raise ParseError(f"{where}: {error}") from None
    if not isinstance(entry, Mapping):
        raise ParseError(f"{where}: expected an object or a work spec string")
    return work_item_from_mapping(entry, index, where)


# ----------------------------------------------------------------- spec files


def read_spec_file(path: Path) -> tuple[dict[str, Any], list[Any]]:
    """A spec file: JSON (``*.json``) or TOML (anything else), with PROTOCOL.md §6.1 SPEC field
    names (``requires_charging = true``, ``min_latency_ms = 60000``, ``network_type =
    "unmetered"`` …; ``job_id`` optional). A ``work`` list (objects or compact strings, as in a
    work file) is returned apart. The SPEC is checked with the helper protocol's decoder."""
    text = _read_text(path)
    if path.suffix.lower() == ".json":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ParseError(f"{path}: not JSON ({error.msg}, line {error.lineno})") from None
        except RecursionError:
            raise ParseError(f"{path}: not JSON (nested too deeply)") from None
    else:
        document = _load_toml(text, path)
    if not isinstance(document, dict):
        raise ParseError(f"{path}: expected an object of SPEC fields")
    work = document.pop("work", [])
    if not isinstance(work, list):
        raise ParseError(f"{path}: work must be a list")
    return document, work


def spec_from_document(document: Mapping[str, Any], job_id: int, where: str) -> JobSpec:
    """Decode SPEC fields (``job_id`` forced to ``job_id``) into a :class:`JobSpec`."""
    from bridge.errors import JobctlError
    from bridge.helper_protocol import decode_spec

    try:
        return decode_spec({**document, "job_id": job_id})
    except (JobctlError, KeyError, TypeError, ValueError, AttributeError) as error:
        detail = f"missing field {error}" if isinstance(error, KeyError) else str(error)
        raise ParseError(f"{where}: {detail}") from None


def check_spec_values(spec: JobSpec, items: Sequence[WorkItem]) -> None:
    """The helper protocol's value rules (reserved extras keys, 64-bit numbers, script steps …),
    which need no device: a :class:`ParseError` (a usage error) before any device is contacted.
    What depends on the device's API level is checked later, by the session."""
    from bridge.errors import JobSpecError
    from bridge.validation import validate_values

    try:
        validate_values(spec, items)
    except JobSpecError as error:
        raise ParseError(str(error)) from None


def work_from_document(entries: Sequence[Any], where: str, first_index: int = 0) -> list[WorkItem]:
    return [_work_entry(e, first_index + n, f"{where}: work item {n + 1}") for n, e in enumerate(entries)]


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ParseError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None


def _load_toml(text: str, path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ParseError(f"{path}: not TOML ({error})") from None
    except RecursionError:
        raise ParseError(f"{path}: not TOML (nested too deeply)") from None


# ----------------------------------------------------------------- click glue


class _Parsed(click.ParamType):
    """A click type around one of the parsers above."""

    def __init__(self, name: str, parse: Any) -> None:
        self.name = name
        self._parse = parse

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self._parse(value)
        except ParseError as error:
            self.fail(str(error), param, ctx)


DURATION = _Parsed("DURATION", parse_duration)
BYTES = _Parsed("BYTES", parse_bytes)
BYTE_ESTIMATE = _Parsed("DOWN,UP", parse_byte_estimate)
EXTRA = _Parsed("KEY=VALUE", parse_extra)


def _periodic(text: str) -> Any:
    from bridge.model import Periodic

    interval, sep, flex = text.partition(",")
    return Periodic(parse_duration(interval), parse_duration(flex) if sep else None)


def _backoff(text: str) -> Any:
    from bridge.model import Backoff, BackoffPolicy

    policy, sep, initial = text.partition(",")
    try:
        kind = BackoffPolicy[policy.strip().upper()]
    except KeyError:
        raise ParseError(f"{text!r}: policy must be linear or exponential") from None
    return Backoff(parse_duration(initial), kind) if sep else Backoff(policy=kind)


def _trigger_uri(text: str) -> Any:
    from bridge.model import TriggerContentUri

    uri, descendants = (text[: -len(",descendants")], True) if text.endswith(",descendants") else (text, False)
    if not uri:
        raise ParseError(f"{text!r} is not a content URI")
    return TriggerContentUri(uri, descendants)


PERIODIC = _Parsed("INTERVAL[,FLEX]", _periodic)
BACKOFF = _Parsed("POLICY[,INITIAL]", _backoff)
TRIGGER_URI = _Parsed("URI[,descendants]", _trigger_uri)


class FilePath(click.Path):
    """``click.Path(dir_okay=False, path_type=Path)`` that refuses a NUL byte (``os.stat`` would
    raise ``ValueError: embedded null byte``, a traceback) and an empty name (``Path("")`` is the
    current directory) with a usage error."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and "\0" in value:
            self.fail(f"{value!r} contains a NUL character", param, ctx)
        if isinstance(value, str) and not value:
            self.fail("an empty file name", param, ctx)
        return super().convert(value, param, ctx)


FILE_PATH = FilePath()


class WorkSpecType(click.ParamType):
    """``--work SPEC``: kept as text, parsed by :func:`parse_work_spec` once every item's index
    is known; checked here so a bad spec is a usage error before anything runs."""

    name = "SPEC"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            parse_work_spec(value)
        except ParseError as error:
            self.fail(str(error), param, ctx)
        return value


WORK_SPEC = WorkSpecType()


class OneLineUsageError(click.UsageError):
    """A usage error printed as one line (``jobctl: error: …``), exit code 2."""

    def show(self, file: Any = None) -> None:
        hint = f" (see '{self.ctx.command_path} --help')" if self.ctx is not None else ""
        click.echo(f"jobctl: error: {one_line(self.format_message())}{hint}", err=True)


_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
"""What :meth:`str.splitlines` splits on."""


def one_line(text: str) -> str:
    """``text`` with every character that would end a line written as its escape (``\\n``), so an
    error that quotes the user's input (a file name, a key) stays one line."""
    return "".join(repr(c)[1:-1] if c in _LINE_BREAKS else c for c in text)


class _OneLineUsage:
    """Turns every usage error of a command (bad option values, spec files …) into one line."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)  # type: ignore[misc]
        except OneLineUsageError:
            raise
        except click.UsageError as error:
            raise OneLineUsageError(error.format_message(), error.ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except ParseError as error:
            raise OneLineUsageError(str(error), ctx) from None
        except OneLineUsageError:
            raise
        except click.UsageError as error:
            raise OneLineUsageError(error.format_message(), error.ctx or ctx) from None


def check_namespace(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: a namespace travels as one shell word (``cmd jobscheduler … -n NS``):
    any text but NUL, which no shell command line can carry."""
    if value is not None and "\0" in value:
        raise click.BadParameter(f"{value!r} contains a NUL character", ctx, param)
    return value


class OneLineCommand(_OneLineUsage, click.Command):
    """A command whose usage errors (bad option values, spec files …) are one line on stderr."""


class OneLineGroup(_OneLineUsage, click.Group):
    """A group whose usage errors (an unknown subcommand, a bad value) are one line on stderr."""


# ----------------------------------------------------------------- a spec from the job flags

NETWORK_CHOICES = ("any", "unmetered", "not-roaming", "cellular", "metered", "none")
PRIORITY_CHOICES = ("min", "low", "default", "high", "max")


def build_spec(job_id: int, values: Mapping[str, Any]) -> tuple[JobSpec, list[WorkItem]]:
    """The :class:`JobSpec` and work items the job flags describe (see ``cli.commands.jobs``).

    Order: ``--spec FILE`` first, then every flag given overrides (``--extra`` adds to the file's
    extras, ``--trigger-content-uri`` replaces its URIs, script flags replace its script); work
    items are the file's, then ``--work-file``'s, then each ``--work``, tags numbered over all.
    """
    import dataclasses

    from bridge.model import (
        Finish,
        Hold,
        JobScript,
        JobSpec,
        NetworkType,
        Priority,
        Sleep,
        Transfer,
        Work,
    )

    spec = JobSpec(job_id)
    items: list[WorkItem] = []
    spec_file: Path | None = values.get("spec_file")
    if spec_file is not None:
        document, work = read_spec_file(spec_file)
        spec = spec_from_document(document, job_id, str(spec_file))
        items += work_from_document(work, str(spec_file))
    if values.get("work_file") is not None:
        items += read_work_file(values["work_file"], len(items))
    for text in values.get("work") or ():
        items.append(parse_work_spec(text, len(items)))

    changes: dict[str, Any] = {}
    for flag in ("requires_charging", "requires_device_idle", "requires_battery_not_low",
                 "requires_storage_not_low", "persisted", "expedited", "user_initiated", "prefetch"):
        if values.get(flag):
            changes[flag] = True
    simple = {"namespace": "namespace", "estimated_bytes": "estimated_bytes",
              "minimum_network_chunk_bytes": "min_chunk_bytes", "minimum_latency": "min_latency_ms",
              "override_deadline": "override_deadline_ms", "periodic": "periodic", "backoff": "backoff"}
    for flag, field in simple.items():
        if values.get(flag) is not None:
            changes[field] = values[flag]
    if values.get("network") is not None:
        changes["network_type"] = NetworkType(values["network"].replace("-", "_"))
    if values.get("priority") is not None:
        changes["priority"] = Priority[values["priority"].upper()]
    if values.get("trigger_content_uri"):
        changes["trigger_content_uris"] = tuple(values["trigger_content_uri"])
    if values.get("extra"):
        changes["extras"] = {**dict(spec.extras), **dict(values["extra"])}

    duration, down, up = values.get("duration"), values.get("download"), values.get("upload")
    hold, on_stop, finish_reschedule = (bool(values.get("hold_until_stopped")), bool(values.get("reschedule_on_stop")),
                                        bool(values.get("finish_reschedule")))
    if hold and finish_reschedule:
        raise ParseError("--hold-until-stopped and --finish-reschedule exclude each other "
                         "(a held job never calls jobFinished)")
    if any(v is not None for v in (duration, down, up)) or hold or on_stop or finish_reschedule:
        steps: list[Any] = []
        if down is not None or up is not None:
            steps.append(Transfer(down or 0, up or 0, duration or 0))
        elif duration is not None:
            steps.append(Sleep(duration))
        if items or values.get("always_work"):
            steps.append(Work())
        steps.append(Hold() if hold else Finish(reschedule=finish_reschedule))
        changes["script"] = JobScript(tuple(steps), on_stop_reschedule=on_stop)
    if changes:
        spec = dataclasses.replace(spec, **changes)
    check_spec_values(spec, items)
    return spec, items
