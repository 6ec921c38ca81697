"""The helper app on a device: send it commands, check its version, install it.

Every operation is one or two device shell commands (android-helper/PROTOCOL.md §2):

* a small request: one ``am broadcast`` (a native binder call, no app_process);
* a request over 3000 bytes (e.g. 10,000 work items): the JSON piped into the app's private
  inbox with ``run-as … cat``, then one ``am broadcast`` naming the file;
* scheduling a user-initiated job: ``am start -W`` of the helper's activity (the platform
  demands a foreground app), then the reply read back with ``run-as``.

Requests and answers are encoded by :mod:`bridge.helper_protocol`; this module only moves them.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from bridge import helper_protocol as protocol
from bridge.device import Device
from bridge.errors import (
    TRANSPORT_ERRORS,
    HelperError,
    HelperIncompatibleError,
    HelperMissingError,
    HelperProtocolError,
    OutcomeUnknownError,
)
from bridge.helper_protocol.command_lines import inbox_remove_command
from bridge.helper_protocol.requests import MAX_RESPONSE_BYTES, new_request_id

if TYPE_CHECKING:
    from bridge.model import JobSpec, WorkItem

HELPER_APK_ENV = "JOBCTL_HELPER_APK"
"""Another helper APK to install instead of the one shipped inside jobctl (bridge/helper_apk/)."""
EXPECTED_VERSION_CODE = protocol.PROTOCOL_VERSION * 1000 + 4
"""The helper build this jobctl ships (PROTOCOL.md §1: ``PROTOCOL_VERSION * 1000 + BUILD``)."""
POST_NOTIFICATIONS = "android.permission.POST_NOTIFICATIONS"
IDEMPOTENT_COMMANDS = frozenset({protocol.Command.INFO, protocol.Command.LIST, protocol.Command.JOURNAL,
                                 protocol.Command.CANCEL, protocol.Command.CANCEL_ALL, protocol.Command.RESET})
"""Commands sent again when the connection breaks mid-call: repeating them changes nothing
(a repeated cancel finds the job already gone; its answer describes the state at the repeat).
``schedule`` is not among them (scheduling again stops the job if it started meanwhile, stop
reason 1), nor ``enqueue`` (the work would be queued twice): a break during those raises
:class:`~bridge.errors.OutcomeUnknownError`."""


@dataclass(frozen=True)
class HelperStatus:
    installed: bool
    info: protocol.InfoResult | None
    up_to_date: bool


class Helper:
    """The jobctl helper app on one device."""

    def __init__(self, device: Device) -> None:
        self.device = device
        self._ids = itertools.count(1)
        self._unclaimed: set[str] = set()
        """Inbox files this object wrote whose broadcast did not come back: removed by the next call."""

    # -- transport -----------------------------------------------------------------------
    def _next_id(self) -> str:
        return new_request_id(next(self._ids))  # unique across hosts and pid namespaces

    @overload
    def call(self, request: protocol.InfoRequest) -> protocol.InfoResult: ...
    @overload
    def call(self, request: protocol.ScheduleRequest | protocol.CancelRequest) -> protocol.JobRef: ...
    @overload
    def call(self, request: protocol.EnqueueRequest) -> protocol.EnqueueResult: ...
    @overload
    def call(self, request: protocol.CancelAllRequest) -> protocol.CancelAllResult: ...
    @overload
    def call(self, request: protocol.ListRequest) -> protocol.PendingJobs: ...
    @overload
    def call(self, request: protocol.PendingReasonsRequest) -> protocol.PendingReasons: ...
    @overload
    def call(self, request: protocol.JournalRequest) -> protocol.JournalResult: ...
    @overload
    def call(self, request: protocol.ResetRequest) -> protocol.ResetResult: ...
    @overload
    def call(self, request: protocol.HelperRequest) -> protocol.CommandResult: ...
    def call(self, request: protocol.HelperRequest) -> protocol.CommandResult:
        """Send one request; return its typed result or raise :class:`HelperError`."""
        idempotent = request.command in IDEMPOTENT_COMMANDS
        if self._unclaimed:
            self._remove_unclaimed()
        if request.needs_inbox:
            name = f"req-{request.request_id or self._next_id()}".replace(" ", "-")[:64]
            self._unclaimed.add(name)  # until the broadcast comes back (the helper then deleted it)
            self.device.shell(protocol.inbox_write_command(name), stdin=request.to_json().encode(), check=True,
                              idempotent=True)  # writing the same file again
            output = self.device.shell(protocol.inbox_broadcast_command(name), timeout=300, idempotent=idempotent,
                                       max_output=MAX_RESPONSE_BYTES)
            self._unclaimed.discard(name)
        else:
            output = self.device.shell(protocol.broadcast_command(request), timeout=120, idempotent=idempotent,
                                       max_output=MAX_RESPONSE_BYTES)
        return protocol.result_for(request, self._response(output.text + output.error_text))

    def _remove_unclaimed(self) -> None:
        """Delete the inbox files of interrupted inbox requests (PROTOCOL.md §2.3): the write
        happened but the broadcast naming the file was lost, so the helper never took it. A
        request that did reach the helper was taken already, so this changes no outcome. If the
        device is still away, the next call tries again (and the helper removes what is left
        after 15 minutes on its own)."""
        names = sorted(self._unclaimed)
        with contextlib.suppress(*TRANSPORT_ERRORS):
            self.device.shell(inbox_remove_command(names), idempotent=True)
            self._unclaimed.difference_update(names)

    def _schedule_through_activity(self, request: protocol.ScheduleRequest) -> protocol.JobRef:
        reply = f"reply-{request.request_id or self._next_id()}"
        start, read, remove = protocol.activity_commands(request, reply)
        self.device.shell(start, timeout=60, check=True)
        try:
            answer = self._poll_reply(read)
        except TRANSPORT_ERRORS as lost:  # the activity started: the job may be scheduled, its answer is lost
            raise OutcomeUnknownError(self.device.serial, start, str(lost)) from None
        finally:
            with contextlib.suppress(*TRANSPORT_ERRORS):  # a leftover reply file must not hide the outcome
                self.device.shell(remove, idempotent=True)
        return protocol.result_for(request, protocol.decode_response(answer))

    def _poll_reply(self, read_command: str, interval: float = 0.2, timeout: float = 10.0) -> str:
        """The activity writes its reply on a background thread: read until a complete line (§2.5)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.device.shell(read_command, idempotent=True).text
            if text.endswith("\n"):
                return text.strip()
            if time.monotonic() > deadline:
                raise HelperProtocolError(f"the helper's activity wrote no reply within {timeout:g} s")
            time.sleep(interval)

    @staticmethod
    def _response(text: str) -> protocol.HelperResponse:
        try:
            return protocol.response_from_broadcast(text)
        except HelperError as error:
            if error.code == "not_delivered":
                raise HelperMissingError(
                    f"the helper ({protocol.HELPER_PACKAGE}) did not answer: it is not installed or not reachable"
                ) from None
            raise

    # -- lifecycle -----------------------------------------------------------------------
    def status(self) -> HelperStatus:
        try:
            info = self.info()
        except HelperMissingError:
            return HelperStatus(False, None, False)
        return HelperStatus(True, info, info.version_code == EXPECTED_VERSION_CODE)

    def info(self) -> protocol.InfoResult:
        """``info``; refuses a helper whose protocol this jobctl does not speak."""
        try:
            info = self.call(protocol.info_request(self._next_id()))
        except HelperError as error:
            if error.code == "unsupported_version":
                raise HelperIncompatibleError(
                    f"the installed helper does not speak protocol {protocol.PROTOCOL_VERSION}: {error}") from None
            raise
        if protocol.PROTOCOL_VERSION not in info.protocol_versions:
            raise HelperIncompatibleError(
                f"the installed helper speaks protocol {info.protocol_versions}, jobctl speaks "
                f"{protocol.PROTOCOL_VERSION}; reinstall it with `jobctl helper install`")
        # The answer carries the device's level (Build.VERSION.SDK_INT = ro.build.version.sdk): seed
        # Device.api_level (a cached_property) so that validating a spec costs no getprop round trip.
        vars(self.device).setdefault("api_level", info.api_level)
        return info

    def ensure_ready(self, apk_path: str | None = None) -> protocol.InfoResult:
        """Answering and of the expected version; installs or reinstalls ``apk_path`` (or
        $JOBCTL_HELPER_APK, else the APK shipped inside jobctl: :mod:`bridge.helper_apk`) when it is
        missing or of another version. A given APK is checked on the host first (not an APK, wrong
        package, signature or version mismatch: :class:`~bridge.helper_apk.ApkRejectedError`)."""
        apk = apk_path or os.environ.get(HELPER_APK_ENV)
        if apk is not None and os.path.exists(apk):
            from bridge import helper_apk

            helper_apk.check_apk(apk, EXPECTED_VERSION_CODE)
        status = self.status()
        if status.installed and status.up_to_date:
            assert status.info is not None
            return status.info
        if apk is not None and not os.path.exists(apk):
            found = "is not installed" if not status.installed else (
                f"is version {status.info.version_code if status.info else '?'}, expected {EXPECTED_VERSION_CODE}")
            raise HelperMissingError(
                f"the helper {found} and no APK is at {apk}: build it with `jobctl helper build` "
                f"or unset {HELPER_APK_ENV} to install the APK shipped with jobctl")
        from bridge import helper_apk  # zipfile and importlib.resources: only to install

        self.install(apk or str(helper_apk.shipped().path))
        return self.info()

    def install(self, apk_path: str) -> None:
        """Install (replacing any other version, whatever its signature) and grant what the
        helper needs. ``pm uninstall`` of an absent package only prints a Failure line."""
        self.device.shell(["pm", "uninstall", protocol.HELPER_PACKAGE], idempotent=True)
        self.device.install(apk_path, replace=True, grant_permissions=True)
        self.grant_permissions()

    def uninstall(self) -> bool:
        return "Success" in self.device.shell(["pm", "uninstall", protocol.HELPER_PACKAGE], idempotent=True).text

    def grant_permissions(self) -> None:
        """POST_NOTIFICATIONS is a runtime permission from API 33 (user-initiated jobs' notice)."""
        if self.device.api_level >= 33:
            self.device.shell(["pm", "grant", protocol.HELPER_PACKAGE, POST_NOTIFICATIONS], idempotent=True)

    def leave_never_bucket(self) -> None:
        """Move the helper from the NEVER standby bucket (where a never-launched app sits, and
        where its jobs do not run) to ACTIVE. This changes what you measure: an ACTIVE app gets
        the most generous quotas. jobctl never does it unless asked."""
        self.device.shell(["am", "set-standby-bucket", protocol.HELPER_PACKAGE, "active"], check=True,
                          idempotent=True)

    # -- commands ------------------------------------------------------------------------
    def schedule(self, spec: JobSpec) -> protocol.JobRef:
        """Validate against the device's API level, then schedule (through the activity for
        user-initiated jobs, which the platform only accepts from a foreground app)."""
        from bridge.validation import validate

        validate(spec, self.device.api_level)
        request = protocol.schedule_request(spec, self._next_id())
        if spec.user_initiated:
            return self._schedule_through_activity(request)
        return self.call(request)

    def enqueue(self, spec: JobSpec, items: Sequence[WorkItem]) -> protocol.EnqueueResult:
        from bridge.validation import validate_enqueue

        validate_enqueue(spec, list(items), self.device.api_level)
        return self.call(protocol.enqueue_request(spec, list(items), self._next_id()))

    def cancel(self, job_id: int, namespace: str | None = None) -> protocol.JobRef:
        return self.call(protocol.cancel_request(job_id, namespace, self._next_id()))

    def pending_reasons(self, job_id: int, namespace: str | None = None) -> protocol.PendingReasons:
        """Why job ``job_id`` waits, by every getter the device has: ``getPendingJobReason`` (34),
        ``getPendingJobReasons`` and ``getPendingJobReasonsHistory`` (36),
        ``getPendingJobReasonStats`` (37); a field is None where the level lacks its getter."""
        return self.call(protocol.pending_reasons_request(job_id, namespace, self._next_id()))

    def cancel_all(self, namespace: str | None = None, all_namespaces: bool = False) -> protocol.CancelAllResult:
        return self.call(protocol.cancel_all_request(namespace, all_namespaces, self._next_id()))

    def pending(self, namespace: str | None = None, all_namespaces: bool = False) -> protocol.PendingJobs:
        return self.call(protocol.list_request(namespace, all_namespaces, self._next_id()))

    def journal(self, from_seq: int, max_events: int | None = None) -> protocol.JournalResult:
        """Events from ``from_seq`` through the helper (wakes the app)."""
        return self.call(protocol.journal_request(from_seq, max_events, self._next_id()))

    def read_journal(self, from_seq: int = 1) -> protocol.JournalReadback:
        """Events from ``from_seq`` read with ``run-as`` (does not wake the app, §5.5); reads
        again when a rotation raced the read (:func:`bridge.journal_reader.read_journal`)."""
        from bridge.journal_reader import read_journal

        return read_journal(self.device, from_seq)

    def reset(self, clear_journal: bool = False) -> protocol.ResetResult:
        return self.call(protocol.reset_request(clear_journal, self._next_id()))
