"""Request envelopes of PROTOCOL.md §3.2 / §3.5: the envelope every command shares
(:class:`HelperRequest`), the command names, request ids, and ``info``. No I/O.

Each request class names its command (:attr:`HelperRequest.command`) and knows its fields;
:mod:`bridge.helper_protocol.results` maps each class to the class of its result. Requests are
single-line ASCII JSON without whitespace (§3.1). The other commands' classes are beside this
module, grouped by what they carry, so a command loads only its own (each frozen dataclass costs
about half a millisecond to create at start-up, issue 16): :mod:`.spec_requests` (``schedule``,
``enqueue``), :mod:`.job_requests` (``cancel``, ``cancel_all``, ``list``, ``pending_reasons``),
:mod:`.journal_requests` (``journal``, ``reset``).
"""

from __future__ import annotations

import enum
import os
import socket
import zlib
from dataclasses import KW_ONLY, dataclass
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from bridge.helper_protocol.fields import canonical_json

if TYPE_CHECKING:
    from bridge.helper_protocol.codec import JsonObject

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


def host_tag() -> str:
    """Six hex digits naming this host (the CRC-32 of its name): for reading ids in logs, not for
    uniqueness (containers may share a name; the random part is what keeps ids apart). CRC-32,
    not a cryptographic hash: nothing depends on it being hard to forge, and ``zlib`` loads in a
    fraction of ``hashlib``'s time (issue 16: start-up)."""
    return f"{zlib.crc32(socket.gethostname().encode('utf-8', 'replace')) & 0xFFFFFF:06x}"


def new_request_id(sequence: int) -> str:
    """A request id (§3.2 ``id``) that is also a valid inbox/outbox name (§2.3):
    ``h-HOST-RANDOM-SEQ``. It names the inbox file a large request goes through and the reply
    file of a user-initiated schedule, which live on the device and are shared by every host and
    process driving it: ids made by two hosts, two containers with the same pid, or a process and
    its fork must differ, so RANDOM is fresh for each id (:data:`REQUEST_RANDOM_BYTES`), and
    ``sequence`` (the caller's count) keeps one caller's ids in order for a human reader."""
    return f"h-{host_tag()}-{os.urandom(REQUEST_RANDOM_BYTES).hex()}-{sequence}"


def info_request(request_id: str | None = None) -> InfoRequest:
    return InfoRequest(request_id=request_id)
