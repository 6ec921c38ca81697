"""Request envelopes of PROTOCOL.md §3.2 / §3.5: one frozen class per command. No I/O.

Each request class names its command (:attr:`HelperRequest.command`) and knows its fields;
:mod:`bridge.helper_protocol.results` maps each class to the class of its result. Requests are
single-line ASCII JSON without whitespace (§3.1).
"""

from __future__ import annotations

import enum
import hashlib
import os
import socket
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from bridge.helper_protocol.fields import canonical_json

if TYPE_CHECKING:  # the codec and the model classes load only when a spec is encoded (start-up, issue 16)
    from bridge.helper_protocol.codec import JsonObject
    from bridge.model.spec import JobSpec, WorkItem

PROTOCOL_VERSION = 1
SUPPORTED_VERSIONS = (1,)
INLINE_REQUEST_LIMIT = 3000
"""Requests longer than this (bytes) must go through the inbox (§2.3)."""
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The most of a helper's answer (the ``am broadcast`` output) jobctl reads: a ``list`` of the
150 jobs an app may have (android-helper.md §3.2), each at jobctl's spec limit (64 KiB,
bridge.validation.limits) and escaped, is under 20 MB; anything longer is garbage, refused
before it is held in memory (10 MB of extras once made ``jobctl jobs`` use 306 MB)."""
REQUEST_RANDOM_BYTES = 8
"""Random bytes in every request id: 64 bits, so two ids made anywhere collide with odds of
about 1 in 10^19 per pair (a process id does not do: two containers both run as pid 1)."""


class Command(enum.Enum):
    """The commands of PROTOCOL.md §3.5."""

    INFO = "info"
    SCHEDULE = "schedule"
    ENQUEUE = "enqueue"
    CANCEL = "cancel"
    CANCEL_ALL = "cancel_all"
    LIST = "list"
    PENDING_REASONS = "pending_reasons"
    JOURNAL = "journal"
    RESET = "reset"


@dataclass(frozen=True)
class HelperRequest:
    """One request envelope (§3.2): ``{"v":1,"id":…,"cmd":…, …fields}``."""

    command: ClassVar[Command]
    _: KW_ONLY
    request_id: str | None = None

    def fields(self) -> JsonObject:
        """The command's fields, in PROTOCOL.md §3.5 order."""
        return {}

    def to_object(self) -> JsonObject:
        out: JsonObject = {"v": PROTOCOL_VERSION}
        if self.request_id is not None:
            out["id"] = self.request_id
        out["cmd"] = self.command.value
        out.update(self.fields())
        return out

    def to_json(self) -> str:
        return self._json

    @cached_property
    def _json(self) -> str:
        return canonical_json(self.to_object())

    @property
    def needs_inbox(self) -> bool:
        """True when the request is too big for the inline ``req`` extra (§2.3)."""
        return len(self.to_json().encode()) > INLINE_REQUEST_LIMIT


@dataclass(frozen=True)
class InfoRequest(HelperRequest):
    command: ClassVar[Command] = Command.INFO


@dataclass(frozen=True)
class ScheduleRequest(HelperRequest):
    command: ClassVar[Command] = Command.SCHEDULE
    spec: JobSpec

    def fields(self) -> JsonObject:
        from bridge.helper_protocol.codec import encode_spec

        return {"spec": encode_spec(self.spec)}


@dataclass(frozen=True)
class EnqueueRequest(HelperRequest):
    command: ClassVar[Command] = Command.ENQUEUE
    spec: JobSpec
    items: tuple[WorkItem, ...]

    def fields(self) -> JsonObject:
        from bridge.helper_protocol.codec import encode_spec, encode_work_item

        return {"spec": encode_spec(self.spec), "items": [encode_work_item(i) for i in self.items]}


@dataclass(frozen=True)
class CancelRequest(HelperRequest):
    command: ClassVar[Command] = Command.CANCEL
    job_id: int
    namespace: str | None = None

    def fields(self) -> JsonObject:
        out: JsonObject = {"job_id": self.job_id}
        if self.namespace is not None:
            out["namespace"] = self.namespace
        return out


@dataclass(frozen=True)
class _ScopedRequest(HelperRequest):
    """A command over one namespace (``namespace``), the default one, or all (``all_namespaces``)."""

    namespace: str | None = None
    all_namespaces: bool = False

    def __post_init__(self) -> None:
        if self.namespace is not None and self.all_namespaces:
            raise ValueError("namespace and all_namespaces are exclusive")

    def fields(self) -> JsonObject:
        out: JsonObject = {}
        if self.namespace is not None:
            out["namespace"] = self.namespace
        if self.all_namespaces:
            out["all_namespaces"] = True
        return out


@dataclass(frozen=True)
class CancelAllRequest(_ScopedRequest):
    command: ClassVar[Command] = Command.CANCEL_ALL


@dataclass(frozen=True)
class ListRequest(_ScopedRequest):
    command: ClassVar[Command] = Command.LIST


@dataclass(frozen=True)
class PendingReasonsRequest(HelperRequest):
    """``pending_reasons`` (§3.5): why job ``job_id`` waits, by every getter the level has."""

    command: ClassVar[Command] = Command.PENDING_REASONS
    job_id: int
    namespace: str | None = None

    def fields(self) -> JsonObject:
        out: JsonObject = {"job_id": self.job_id}
        if self.namespace is not None:
            out["namespace"] = self.namespace
        return out


@dataclass(frozen=True)
class JournalRequest(HelperRequest):
    command: ClassVar[Command] = Command.JOURNAL
    from_seq: int
    max_events: int | None = None

    def fields(self) -> JsonObject:
        out: JsonObject = {"from_seq": self.from_seq}
        if self.max_events is not None:
            out["max"] = self.max_events
        return out


@dataclass(frozen=True)
class ResetRequest(HelperRequest):
    command: ClassVar[Command] = Command.RESET
    clear_journal: bool = False

    def fields(self) -> JsonObject:
        return {"clear_journal": self.clear_journal}


def host_tag() -> str:
    """Six hex digits naming this host (a hash of its name): for reading ids in logs, not for
    uniqueness (containers may share a name; the random part is what keeps ids apart)."""
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def new_request_id(sequence: int) -> str:
    """A request id (§3.2 ``id``) that is also a valid inbox/outbox name (§2.3):
    ``h-HOST-RANDOM-SEQ``. It names the inbox file a large request goes through and the reply
    file of a user-initiated schedule, which live on the device and are shared by every host and
    process driving it: ids made by two hosts, two containers with the same pid, or a process and
    its fork must differ, so RANDOM is fresh for each id (:data:`REQUEST_RANDOM_BYTES`), and
    ``sequence`` (the caller's count) keeps one caller's ids in order for a human reader."""
    return f"h-{host_tag()}-{os.urandom(REQUEST_RANDOM_BYTES).hex()}-{sequence}"


# --------------------------------------------------------------- builders (the names callers use)


def info_request(request_id: str | None = None) -> InfoRequest:
    return InfoRequest(request_id=request_id)


def schedule_request(spec: JobSpec, request_id: str | None = None) -> ScheduleRequest:
    return ScheduleRequest(spec, request_id=request_id)


def enqueue_request(spec: JobSpec, items: Sequence[WorkItem], request_id: str | None = None) -> EnqueueRequest:
    return EnqueueRequest(spec, tuple(items), request_id=request_id)


def cancel_request(job_id: int, namespace: str | None = None, request_id: str | None = None) -> CancelRequest:
    return CancelRequest(job_id, namespace, request_id=request_id)


def cancel_all_request(namespace: str | None = None, all_namespaces: bool = False,
                       request_id: str | None = None) -> CancelAllRequest:
    return CancelAllRequest(namespace, all_namespaces, request_id=request_id)


def list_request(namespace: str | None = None, all_namespaces: bool = False,
                 request_id: str | None = None) -> ListRequest:
    return ListRequest(namespace, all_namespaces, request_id=request_id)


def pending_reasons_request(job_id: int, namespace: str | None = None,
                            request_id: str | None = None) -> PendingReasonsRequest:
    return PendingReasonsRequest(job_id, namespace, request_id=request_id)


def journal_request(from_seq: int, max_events: int | None = None, request_id: str | None = None) -> JournalRequest:
    return JournalRequest(from_seq, max_events, request_id=request_id)


def reset_request(clear_journal: bool = False, request_id: str | None = None) -> ResetRequest:
    return ResetRequest(clear_journal, request_id=request_id)
