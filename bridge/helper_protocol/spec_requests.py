"""The requests that carry a spec (PROTOCOL.md §3.5 ``schedule``, ``enqueue``). No I/O.

The spec is encoded (:mod:`.codec`) only when the request's JSON is first asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from bridge.helper_protocol.requests import Command, HelperRequest

if TYPE_CHECKING:
    from bridge.helper_protocol.codec import JsonObject
    from bridge.model.spec import JobSpec, WorkItem


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


def schedule_request(spec: JobSpec, request_id: str | None = None) -> ScheduleRequest:
    return ScheduleRequest(spec, request_id=request_id)


def enqueue_request(spec: JobSpec, items: Sequence[WorkItem], request_id: str | None = None) -> EnqueueRequest:
    return EnqueueRequest(spec, tuple(items), request_id=request_id)
