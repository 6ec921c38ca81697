"""The command handler (PROTOCOL.md §2.2, §3.3-§3.5, §4); a port of ``core/CommandHandler.java``.

:meth:`CommandHandler.handle_broadcast` never raises: every failure becomes a structured error
response, and a failed command writes no journal event (except the partial ``enqueued``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from jobctl_sim.apps.helper.inbox import Inbox
from jobctl_sim.apps.helper.journal import Journal
from jobctl_sim.apps.helper.manifest import PACKAGE, PROTOCOL_VERSION, VERSION_CODE, VERSION_NAME
from jobctl_sim.apps.helper.protocol import (
    COMMAND_ACTION,
    UNKNOWN_UID,
    CommandError,
    ErrorCode,
    Fields,
    Response,
    bad_request,
    check_version,
    failure,
    from_platform,
    internal,
    may_command,
    parse_request,
    success,
    unsupported_option,
)
from jobctl_sim.apps.helper.spec import JobSpec, WorkItemSpec, parse_item, parse_spec

MAX_ITEMS = 100_000
DEFAULT_JOURNAL_MAX = 200
JOURNAL_MAX_LIMIT = 1000
RESULT_SUCCESS = 1


@dataclass(frozen=True)
class PendingJob:
    """One entry of the ``list`` result (§3.5); None = the getter is absent on this level."""

    job_id: int
    namespace: str | None
    pending_reason: int | None
    periodic: bool
    interval_ms: int
    flex_ms: int
    min_latency_ms: int
    override_deadline_ms: int
    persisted: bool
    expedited: bool | None
    user_initiated: bool | None
    prefetch: bool | None
    priority: int | None
    requires_network: bool
    estimated_download_bytes: int | None
    estimated_upload_bytes: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "namespace": self.namespace,
            "pending_reason": self.pending_reason,
            "periodic": self.periodic,
            "interval_ms": self.interval_ms,
            "flex_ms": self.flex_ms,
            "min_latency_ms": self.min_latency_ms,
            "override_deadline_ms": self.override_deadline_ms,
            "persisted": self.persisted,
            "expedited": self.expedited,
            "user_initiated": self.user_initiated,
            "prefetch": self.prefetch,
            "priority": self.priority,
            "requires_network": self.requires_network,
            "estimated_download_bytes": self.estimated_download_bytes,
            "estimated_upload_bytes": self.estimated_upload_bytes,
        }


class BuiltJob(Protocol):
    """A ``JobInfo`` built from a spec; opaque to the handler."""

    @property
    def spec(self) -> JobSpec: ...


JobT = TypeVar("JobT", bound=BuiltJob)
"""What a scheduler port builds from a spec and later takes back to schedule or enqueue."""


class SchedulerPort(Protocol[JobT]):
    """The helper's view of ``JobScheduler`` (``core/SchedulerPort.java``).

    Implementations let platform exceptions propagate: the handler relays class and message.
    """

    @property
    def api_level(self) -> int: ...

    def build(self, spec: JobSpec) -> JobT: ...

    def schedule(self, job: JobT) -> int: ...

    def enqueue(self, job: JobT, item: WorkItemSpec) -> int: ...

    def cancel(self, namespace: str | None, job_id: int) -> None: ...

    def cancel_all(self, namespace: str | None) -> None: ...

    def cancel_in_all_namespaces(self) -> None: ...

    def pending_jobs(self, namespace: str | None, all_namespaces: bool) -> list[PendingJob]: ...

    def pending_reason(self, namespace: str | None, job_id: int) -> int:
        """``getPendingJobReason`` (34+; the caller checks the level)."""

    def pending_reasons(self, namespace: str | None, job_id: int) -> list[int]:
        """``getPendingJobReasons`` (36)."""

    def pending_reasons_history(self, namespace: str | None, job_id: int) -> list[tuple[int, list[int]]]:
        """``getPendingJobReasonsHistory`` (36): (``getTimestampMillis``, reasons), oldest first; the
        platform's ``IllegalArgumentException`` for an unknown job propagates."""

    def pending_reason_stats(self, namespace: str | None, job_id: int) -> dict[int, int]:
        """``getPendingJobReasonStats`` (37): reason -> cumulative ms; the platform's
        ``IllegalArgumentException`` for an unknown job propagates."""


class CommandHandler(Generic[JobT]):
    """Executes requests against the scheduler port, the journal and the inbox."""

    def __init__(self, scheduler: SchedulerPort[JobT], journal: Journal, inbox: Inbox) -> None:
        self._scheduler = scheduler
        self._journal = journal
        self._inbox = inbox

    # ------------------------------------------------------------------ entry points
    def handle_broadcast(
        self, action: str | None, sender_uid: int, own_uid: int, inline: str | None, inbox_name: str | None
    ) -> Response:
        """The receiver's entry (§2.2): action check, sender uid check, then :meth:`handle`."""
        if action != COMMAND_ACTION:
            return failure(None, bad_request(f"unexpected action: {'null' if action is None else action}"))
        if sender_uid != UNKNOWN_UID and not may_command(sender_uid, own_uid):
            return failure(None, CommandError(ErrorCode.FORBIDDEN, f"uid {sender_uid} may not command the helper"))
        return self.handle(inline, inbox_name)

    def handle_activity(self, inline: str | None, inbox_name: str | None, reply: str | None,
                        launcher_uid: int = UNKNOWN_UID, own_uid: int = UNKNOWN_UID) -> Response:
        """``ScheduleActivity`` (§2.5): the launcher uid check (``getLaunchedFromUid()``, API 34;
        ``CommandHandler.handleActivity``), handle the request, write the reply to the outbox.
        Without a valid ``reply`` name nothing is written (the host times out)."""
        if launcher_uid != UNKNOWN_UID and not may_command(launcher_uid, own_uid):
            forbidden = CommandError(ErrorCode.FORBIDDEN, f"uid {launcher_uid} may not command the helper")
            response = failure(None, forbidden)
        else:
            response = self.handle(inline, inbox_name)
        if reply is not None:
            with contextlib.suppress(CommandError):
                self._inbox.write_reply(reply, response.json)
        return response

    def handle(self, inline: str | None, inbox_name: str | None) -> Response:
        """§3.3: the checks in order; the first failure is the answer."""
        request_id: str | None = None
        try:
            if (inline is None) == (inbox_name is None):
                raise bad_request("exactly one of req and req_file is required")
            text = inline if inline is not None else self._inbox.take(inbox_name or "")
            request = parse_request(text)
            request_id = request.opt_string("id")
            check_version(request)
            return success(request_id, self._dispatch(request))
        except CommandError as exc:
            return failure(request_id, exc)
        except Exception as exc:  # §4: no input can crash the helper
            return failure(request_id, internal(exc))

    # ------------------------------------------------------------------ dispatch
    def _dispatch(self, request: Fields) -> dict[str, Any]:
        command = request.req_string("cmd")
        base = ("v", "id", "cmd")
        if command == "info":
            request.allow_only(*base)
            return self._info()
        if command == "schedule":
            request.allow_only(*base, "spec")
            return self._schedule(self._parse_spec(request))
        if command == "enqueue":
            request.allow_only(*base, "spec", "items")
            return self._enqueue(self._parse_spec(request), self._parse_items(request))
        if command == "cancel":
            request.allow_only(*base, "job_id", "namespace")
            return self._cancel(request.req_int("job_id"), self._namespace_of(request))
        if command == "cancel_all":
            request.allow_only(*base, "namespace", "all_namespaces")
            return self._cancel_all(self._namespace_of(request), self._all_namespaces(request))
        if command == "list":
            request.allow_only(*base, "namespace", "all_namespaces")
            return self._list(self._namespace_of(request), self._all_namespaces(request))
        if command == "pending_reasons":
            request.allow_only(*base, "job_id", "namespace")
            return self._pending_reasons(request.req_int("job_id"), self._namespace_of(request))
        if command == "journal":
            request.allow_only(*base, "from_seq", "max")
            return self._read_journal(request.req_long("from_seq"), request.long_or("max", DEFAULT_JOURNAL_MAX))
        if command == "reset":
            request.allow_only(*base, "clear_journal")
            return self._reset(request.bool_or("clear_journal", False))
        raise CommandError(ErrorCode.UNKNOWN_COMMAND, f"unknown command: {command}")

    def _parse_spec(self, request: Fields) -> JobSpec:
        spec = parse_spec(request.req_object("spec"))
        spec.check_api_level(self._scheduler.api_level)
        return spec

    def _parse_items(self, request: Fields) -> list[WorkItemSpec]:
        raw = request.req_list("items")
        if not raw or len(raw) > MAX_ITEMS:
            raise bad_request(f"field items: expected 1..{MAX_ITEMS} items")
        api = self._scheduler.api_level
        return [parse_item(Fields.of(value, f"items[{index}]"), api) for index, value in enumerate(raw)]

    def _namespace_of(self, request: Fields) -> str | None:
        namespace = request.opt_string("namespace")
        if namespace is not None and self._scheduler.api_level < 34:
            raise unsupported_option("namespace", 34, self._scheduler.api_level)
        return namespace

    def _all_namespaces(self, request: Fields) -> bool:
        everything = request.bool_or("all_namespaces", False)
        if everything and self._scheduler.api_level < 34:
            raise unsupported_option("all_namespaces", 34, self._scheduler.api_level)
        if everything and request.has("namespace"):
            raise bad_request("namespace and all_namespaces are exclusive")
        return everything

    # ------------------------------------------------------------------ commands
    def _info(self) -> dict[str, Any]:
        return {
            "package": PACKAGE,
            "helper_version": VERSION_NAME,
            "version_code": VERSION_CODE,
            "protocol_version": PROTOCOL_VERSION,
            "protocol_versions": [PROTOCOL_VERSION],
            "api_level": self._scheduler.api_level,
            "journal": {"first_seq": self._journal.first_seq, "next_seq": self._journal.next_seq,
                        "epoch": self._journal.epoch},
        }

    def _build(self, spec: JobSpec) -> JobT:
        try:
            return self._scheduler.build(spec)
        except Exception as exc:  # relayed (§4 platform_exception)
            raise from_platform(exc) from None

    def _schedule(self, spec: JobSpec) -> dict[str, Any]:
        job = self._build(spec)
        try:
            result = self._scheduler.schedule(job)
        except Exception as exc:
            raise from_platform(exc) from None
        if result != RESULT_SUCCESS:
            raise _schedule_failed(None)
        self._journal.append("scheduled", {"job_id": spec.job_id, "namespace": spec.namespace, "spec": spec.raw})
        return {"job_id": spec.job_id, "namespace": spec.namespace}

    def _enqueue(self, spec: JobSpec, items: list[WorkItemSpec]) -> dict[str, Any]:
        job = self._build(spec)
        done = 0
        error: CommandError | None = None
        for item in items:
            try:
                result = self._scheduler.enqueue(job, item)
            except Exception as exc:
                error = from_platform(exc, {"enqueued": done})
                break
            if result != RESULT_SUCCESS:
                error = _schedule_failed({"enqueued": done})
                break
            done += 1
        if done > 0:
            self._journal.append("enqueued", {"job_id": spec.job_id, "namespace": spec.namespace, "count": done})
        if error is not None:
            raise error
        return {"job_id": spec.job_id, "namespace": spec.namespace, "enqueued": done}

    def _cancel(self, job_id: int, namespace: str | None) -> dict[str, Any]:
        self._scheduler.cancel(namespace, job_id)
        self._journal.append("cancelled", {"job_id": job_id, "namespace": namespace, "scope": "job"})
        return {"job_id": job_id, "namespace": namespace}

    def _cancel_all(self, namespace: str | None, everything: bool) -> dict[str, Any]:
        scope = "all" if everything else "namespace"
        if everything:
            self._scheduler.cancel_in_all_namespaces()
        else:
            self._scheduler.cancel_all(namespace)
        self._journal.append("cancelled", {"job_id": None, "namespace": namespace, "scope": scope})
        return {"scope": scope, "namespace": namespace}

    def _list(self, namespace: str | None, everything: bool) -> dict[str, Any]:
        jobs = sorted(
            self._scheduler.pending_jobs(namespace, everything),
            key=lambda j: (j.namespace is not None, j.namespace or "", j.job_id),
        )
        return {"jobs": [job.to_json() for job in jobs]}

    def _pending_reasons(self, job_id: int, namespace: str | None) -> dict[str, Any]:
        """§3.5 ``pending_reasons``: each getter on the level that has it, else null. A getter that
        throws -- on 36+ ``getPendingJobReasonsHistory`` and ``getPendingJobReasonStats`` throw
        ``IllegalArgumentException`` for an unknown job -- fails the command with §4
        ``platform_exception`` (CommandHandler.java ``pendingReasons``)."""
        try:
            return self._pending_reasons_answer(job_id, namespace)
        except Exception as exc:
            raise from_platform(exc) from None

    def _pending_reasons_answer(self, job_id: int, namespace: str | None) -> dict[str, Any]:
        api = self._scheduler.api_level
        port = self._scheduler
        result: dict[str, Any] = {"job_id": job_id, "namespace": namespace,
                                  "reason": port.pending_reason(namespace, job_id) if api >= 34 else None,
                                  "reasons": None, "history": None, "stats": None}
        if api >= 36:
            result["reasons"] = list(port.pending_reasons(namespace, job_id))
            result["history"] = [{"timestamp_ms": when, "reasons": list(reasons)}
                                 for when, reasons in port.pending_reasons_history(namespace, job_id)]
        if api >= 37:
            stats = port.pending_reason_stats(namespace, job_id)
            result["stats"] = [{"reason": reason, "ms": stats[reason]} for reason in sorted(stats)]
        return result

    def _read_journal(self, from_seq: int, max_events: int) -> dict[str, Any]:
        if max_events < 1 or max_events > JOURNAL_MAX_LIMIT:
            raise bad_request(f"field max: expected 1..{JOURNAL_MAX_LIMIT}")
        first, nxt = self._journal.first_seq, self._journal.next_seq
        if from_seq < 1 or from_seq > nxt:
            raise CommandError(
                ErrorCode.JOURNAL_RANGE,
                f"from_seq {from_seq} outside 1..{nxt}",
                None,
                {"from_seq": from_seq, "first_seq": first, "next_seq": nxt},
            )
        part = self._journal.read(from_seq, max_events)
        return {
            "events": list(part.events),
            "next_seq": part.next_seq,
            "first_seq": part.first_seq,
            "dropped_before_seq": part.first_seq if from_seq < part.first_seq else None,
            "epoch": self._journal.epoch,
        }

    def _reset(self, clear_journal: bool) -> dict[str, Any]:
        if self._scheduler.api_level >= 34:
            self._scheduler.cancel_in_all_namespaces()
        else:
            self._scheduler.cancel_all(None)
        self._inbox.clear()
        if clear_journal:
            self._journal.clear()
        self._journal.append("reset", {})
        return {"cleared_journal": clear_journal}


def _schedule_failed(details: dict[str, Any] | None) -> CommandError:
    return CommandError(ErrorCode.SCHEDULE_FAILED, "JobScheduler returned RESULT_FAILURE", None, details)
