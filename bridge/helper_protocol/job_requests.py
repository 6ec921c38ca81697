"""The requests about jobs already scheduled (PROTOCOL.md §3.5 ``cancel``, ``cancel_all``,
``list``, ``pending_reasons``). No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from bridge.helper_protocol.requests import Command, HelperRequest

if TYPE_CHECKING:
    from bridge.helper_protocol.codec import JsonObject


@dataclass(frozen=True)
class _OneJobRequest(HelperRequest):
    """A command about one job: ``job_id`` in ``namespace`` (None: the default namespace)."""

    job_id: int
    namespace: str | None = None

    def fields(self) -> JsonObject:
        out: JsonObject = {"job_id": self.job_id}
        if self.namespace is not None:
            out["namespace"] = self.namespace
        return out


@dataclass(frozen=True)
class CancelRequest(_OneJobRequest):
    command: ClassVar[Command] = Command.CANCEL


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
class PendingReasonsRequest(_OneJobRequest):
    """``pending_reasons`` (§3.5): why job ``job_id`` waits, by every getter the level has."""

    command: ClassVar[Command] = Command.PENDING_REASONS


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
