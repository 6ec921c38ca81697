"""The host side of the helper protocol (android-helper/PROTOCOL.md, version 1). No I/O.

* :mod:`.codec` -- :class:`JobSpec` / :class:`WorkItem` to SPEC / ITEM JSON (§6.1, §3.5) and back
  (the ``scheduled`` event echoes the SPEC), over :mod:`.fields`' typed reader;
* :mod:`.script_codec` -- scripts to JOB-/ITEM-SCRIPT JSON (§7) and back;
* :mod:`.requests` -- the request envelope (§3.2), ids and ``info``; one request class per command
  in :mod:`.spec_requests`, :mod:`.job_requests`, :mod:`.journal_requests` (§3.5);
* :mod:`.command_lines` -- the exact device command lines (§2.3, §2.5, §5.4, §5.5);
* :mod:`.responses` -- ``am broadcast`` output (§2.4) and response envelopes (§3.3, §4);
* :mod:`.results` -- each command's typed result (:func:`result_for` maps a request to it), with
  :mod:`.pending_results` (``list``, ``pending_reasons``) and :mod:`.journal_result`;
* :mod:`.journal` -- the journal read back (§5.5) and logcat live lines (§5.4) as :class:`JobEvent`.

Names load on first use (PEP 562): ``from bridge.helper_protocol import X`` imports only the
submodule that defines ``X``, so a command that needs one parser or one model class does not pay for all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bridge.helper_protocol.codec import (
        SPEC_KEYS,
        JsonObject,
        decode_spec,
        decode_work_item,
        encode_spec,
        encode_work_item,
    )
    from bridge.helper_protocol.command_lines import (
        COMMAND_ACTION,
        COMMAND_RECEIVER,
        HELPER_PACKAGE,
        INBOX_NAME,
        JOB_SERVICE,
        JOURNAL_READ_COMMAND,
        LOGCAT_COMMAND,
        LOGCAT_TAG,
        SCHEDULE_ACTIVITY,
        activity_commands,
        broadcast_command,
        inbox_broadcast_command,
        inbox_write_command,
        shell_quote,
    )
    from bridge.helper_protocol.fields import FieldError, canonical_json
    from bridge.helper_protocol.script_codec import (
        decode_item_script,
        decode_job_script,
        decode_step,
        encode_item_script,
        encode_job_script,
        encode_step,
    )
    from bridge.helper_protocol.journal import JournalReadback, parse_journal, parse_logcat_line
    from bridge.helper_protocol.job_requests import (
        CancelAllRequest,
        CancelRequest,
        ListRequest,
        PendingReasonsRequest,
        cancel_all_request,
        cancel_request,
        list_request,
        pending_reasons_request,
    )
    from bridge.helper_protocol.journal_requests import JournalRequest, ResetRequest, journal_request, reset_request
    from bridge.helper_protocol.journal_result import JournalResult
    from bridge.helper_protocol.pending_results import PendingJob, PendingJobs, PendingReasons, PendingReasonsEntry
    from bridge.helper_protocol.requests import (
        INLINE_REQUEST_LIMIT,
        PROTOCOL_VERSION,
        SUPPORTED_VERSIONS,
        Command,
        HelperRequest,
        InfoRequest,
        info_request,
    )
    from bridge.helper_protocol.spec_requests import EnqueueRequest, ScheduleRequest, enqueue_request, schedule_request
    from bridge.helper_protocol.responses import (
        BroadcastResult,
        HelperResponse,
        decode_response,
        parse_broadcast_output,
        response_from_broadcast,
    )
    from bridge.helper_protocol.results import (
        CancelAllResult,
        CommandResult,
        EnqueueResult,
        InfoResult,
        JobRef,
        ResetResult,
        decode_result,
        result_for,
    )

_EXPORTS: dict[str, tuple[str, ...]] = {
    "bridge.helper_protocol.codec": (
        "SPEC_KEYS", "JsonObject", "decode_spec", "decode_work_item", "encode_spec", "encode_work_item",
    ),
    "bridge.helper_protocol.script_codec": (
        "decode_item_script", "decode_job_script", "decode_step", "encode_item_script", "encode_job_script",
        "encode_step",
    ),
    "bridge.helper_protocol.command_lines": (
        "COMMAND_ACTION", "COMMAND_RECEIVER", "HELPER_PACKAGE", "INBOX_NAME", "JOB_SERVICE", "JOURNAL_READ_COMMAND",
        "LOGCAT_COMMAND", "LOGCAT_TAG", "SCHEDULE_ACTIVITY", "activity_commands", "broadcast_command",
        "inbox_broadcast_command", "inbox_write_command", "shell_quote",
    ),
    "bridge.helper_protocol.fields": ("FieldError", "canonical_json"),
    "bridge.helper_protocol.journal": ("JournalReadback", "parse_journal", "parse_logcat_line"),
    "bridge.helper_protocol.requests": (
        "INLINE_REQUEST_LIMIT", "PROTOCOL_VERSION", "SUPPORTED_VERSIONS", "Command", "HelperRequest", "InfoRequest",
        "info_request",
    ),
    "bridge.helper_protocol.spec_requests": (
        "EnqueueRequest", "ScheduleRequest", "enqueue_request", "schedule_request",
    ),
    "bridge.helper_protocol.job_requests": (
        "CancelAllRequest", "CancelRequest", "ListRequest", "PendingReasonsRequest", "cancel_all_request",
        "cancel_request", "list_request", "pending_reasons_request",
    ),
    "bridge.helper_protocol.journal_requests": ("JournalRequest", "ResetRequest", "journal_request", "reset_request"),
    "bridge.helper_protocol.responses": (
        "BroadcastResult", "HelperResponse", "decode_response", "parse_broadcast_output", "response_from_broadcast",
    ),
    "bridge.helper_protocol.results": (
        "CancelAllResult", "CommandResult", "EnqueueResult", "InfoResult", "JobRef", "ResetResult", "decode_result",
        "result_for",
    ),
    "bridge.helper_protocol.pending_results": ("PendingJob", "PendingJobs", "PendingReasons", "PendingReasonsEntry"),
    "bridge.helper_protocol.journal_result": ("JournalResult",),
}
"""Each submodule and the names it gives this package."""

__all__ = [
    "COMMAND_ACTION",
    "COMMAND_RECEIVER",
    "HELPER_PACKAGE",
    "INBOX_NAME",
    "INLINE_REQUEST_LIMIT",
    "JOB_SERVICE",
    "JOURNAL_READ_COMMAND",
    "LOGCAT_COMMAND",
    "LOGCAT_TAG",
    "PROTOCOL_VERSION",
    "SCHEDULE_ACTIVITY",
    "SPEC_KEYS",
    "SUPPORTED_VERSIONS",
    "BroadcastResult",
    "CancelAllRequest",
    "CancelAllResult",
    "CancelRequest",
    "Command",
    "CommandResult",
    "EnqueueRequest",
    "EnqueueResult",
    "FieldError",
    "HelperRequest",
    "HelperResponse",
    "InfoRequest",
    "InfoResult",
    "JobRef",
    "JournalReadback",
    "JournalRequest",
    "JournalResult",
    "JsonObject",
    "ListRequest",
    "PendingJob",
    "PendingJobs",
    "PendingReasons",
    "PendingReasonsEntry",
    "PendingReasonsRequest",
    "ResetRequest",
    "ResetResult",
    "ScheduleRequest",
    "activity_commands",
    "broadcast_command",
    "cancel_all_request",
    "cancel_request",
    "canonical_json",
    "decode_item_script",
    "decode_job_script",
    "decode_response",
    "decode_result",
    "decode_spec",
    "decode_step",
    "decode_work_item",
    "encode_item_script",
    "encode_job_script",
    "encode_spec",
    "encode_step",
    "encode_work_item",
    "enqueue_request",
    "inbox_broadcast_command",
    "inbox_write_command",
    "info_request",
    "journal_request",
    "list_request",
    "parse_broadcast_output",
    "parse_journal",
    "parse_logcat_line",
    "pending_reasons_request",
    "reset_request",
    "response_from_broadcast",
    "result_for",
    "schedule_request",
    "shell_quote",
]


def __getattr__(name: str) -> Any:
    for module, names in _EXPORTS.items():
        if name in names:
            return getattr(importlib.import_module(module), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
