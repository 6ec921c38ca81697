"""One execution of a job following its JOB-SCRIPT (PROTOCOL.md §7, §5.2); port of ``core/JobRun.java``.

:meth:`JobRun.start`, :meth:`JobRun.stop` and :meth:`JobRun.network_changed` are called from the
JobService callbacks and return at once; :meth:`JobRun.execute` is the worker: a coroutine whose
waits go through a :class:`Pacer` (the device clock on the virtual device, a fake clock in the
contract vectors). A stop wakes every wait and ends the script without further platform calls.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Protocol

from jobctl_sim.apps.helper.journal import Journal
from jobctl_sim.apps.helper.protocol import CommandError, java_class, java_message
from jobctl_sim.apps.helper.steps import Op, Script, Step


@dataclass(frozen=True)
class JobStartFacts:
    """What ``onStartJob``'s JobParameters say; None = the getter is absent on this level (§5.2)."""

    job_id: int
    namespace: str | None
    expedited: bool | None
    user_initiated: bool | None
    network: str | None
    triggered_uris: tuple[str, ...] | None
    triggered_authorities: tuple[str, ...] | None
    override_deadline_expired: bool
    script_json: str | None
    """The JOB-SCRIPT from the extras key ``jobctl.script``, or None."""


@dataclass(frozen=True)
class DequeuedWork:
    """A work item from ``dequeueWork()`` with the data the helper stored in its extras."""

    tag: str | None
    delivery_count: int
    script_json: str | None
    platform_item: Any


class JobSession(Protocol):
    """The platform calls a running job makes (``JobParameters`` / ``JobService``)."""

    def dequeue_work(self) -> DequeuedWork | None: ...

    def complete_work(self, work: DequeuedWork) -> None: ...

    def report_transferred(self, work: DequeuedWork | None, down: int, up: int) -> bool:
        """``updateTransferredNetworkBytes`` (34+); True if the platform method was called."""

    def report_estimated(self, work: DequeuedWork | None, down: int, up: int) -> bool: ...

    def job_finished(self, reschedule: bool) -> None: ...

    def post_notification(self) -> None: ...

    def abandon(self) -> None:
        """Drop the JobParameters without ``jobFinished`` (the platform's cleaner reports it, 36+)."""


class Pacer(Protocol):
    """Waiting inside a script; :meth:`wake` (from ``onStopJob``) ends every wait."""

    async def wait(self, ms: int) -> bool:
        """Wait ``ms``; False if the job was stopped before or during the wait."""

    async def wait_for_stop(self) -> None: ...

    async def checkpoint(self) -> None:
        """Let other work run between items (no time passes)."""

    def wake(self) -> None: ...


class _ScriptAbort(Exception):
    """Ends the script after an ``error`` event was written (§7.4)."""


def _share(total: int, round_no: int, rounds: int) -> int:
    """floor(total * round / rounds), computed as the Java core does."""
    return total // rounds * round_no + (total % rounds) * round_no // rounds


class JobRun:
    """Runs one job execution and journals what happens."""

    def __init__(self, journal: Journal, facts: JobStartFacts, session: JobSession, pacer: Pacer) -> None:
        self._journal = journal
        self.facts = facts
        self._session = session
        self._pacer = pacer
        self._transferred: dict[str | None, tuple[int, int]] = {}
        self.stopped = False
        self._incomplete = 0
        try:
            self._script = Script.from_stored(facts.script_json, item=False)
            self._script_error: str | None = None
        except CommandError as exc:
            self._script = Script.default_job()
            self._script_error = exc.message

    # ------------------------------------------------------------------ callbacks
    def _ids(self) -> dict[str, Any]:
        return {"job_id": self.facts.job_id, "namespace": self.facts.namespace}

    def start(self) -> None:
        """``onStartJob``: the ``started`` event (before it returns, so it precedes any ``stopped``)."""
        f = self.facts
        self._journal.append(
            "started",
            {
                **self._ids(),
                "expedited": f.expedited,
                "user_initiated": f.user_initiated,
                "network": f.network,
                "triggered_uris": None if f.triggered_uris is None else list(f.triggered_uris),
                "triggered_authorities": None if f.triggered_authorities is None else list(f.triggered_authorities),
                "override_deadline_expired": f.override_deadline_expired,
            },
        )

    def stop(self, stop_reason: int | None) -> bool:
        """``onStopJob``: wake the worker, write ``stopped``, return ``on_stop_reschedule``."""
        self.stopped = True
        self._pacer.wake()
        reschedule = self._script.on_stop_reschedule
        self._journal.append("stopped", {**self._ids(), "stop_reason": stop_reason, "reschedule": reschedule})
        return reschedule

    def block_ms(self, callback: str) -> int:
        """How long ``callback`` (``onStartJob`` | ``onStopJob``) blocks the main thread (§7.1)."""
        return self._script.block_start_ms if callback == "onStartJob" else self._script.block_stop_ms

    def network_changed(self, network: str | None) -> None:
        """``onNetworkChanged`` (34)."""
        self._journal.append("network_changed", {**self._ids(), "network": network})

    def transferred_bytes(self, tag: str | None, download: bool) -> int:
        """The hidden ``getTransferred*Bytes``: the last cumulative ``transfer`` report (§7.4)."""
        counters = self._transferred.get(tag)
        return 0 if counters is None else counters[0 if download else 1]

    # ------------------------------------------------------------------ worker
    async def execute(self) -> None:
        """The worker body; platform failures become ``error`` events (§7.4)."""
        if self._script_error is not None:
            self._error("script", None, self._script_error)
            with contextlib.suppress(_ScriptAbort):
                self._finish(False, "job_finished")
            return
        try:
            if self.facts.user_initiated:
                self._post_notification()
            for step in self._script.steps:
                if self.stopped or not await self._run_job_step(step):
                    return
            self._finish(False, "job_finished")
        except _ScriptAbort:
            return

    async def _run_job_step(self, step: Step) -> bool:
        """False when the script has ended (stopped, finished, held until stopped)."""
        if step.op is Op.SLEEP:
            return await self._pacer.wait(step.ms)
        if step.op is Op.TRANSFER:
            return await self._transfer(None, step)
        if step.op is Op.ESTIMATE:
            self._estimate(None, step)
            return True
        if step.op is Op.WORK:
            return await self._drain_work() and not self.stopped
        if step.op is Op.FINISH:
            self._finish(step.reschedule, "job_finished")
            return False
        if step.op is Op.ABANDON:
            self._session.abandon()
        await self._pacer.wait_for_stop()
        return False

    async def _drain_work(self) -> bool:
        """§7.1 ``work``: True to continue with the next step, False when the script ended."""
        while not self.stopped:
            try:
                work = self._session.dequeue_work()
            except Exception as exc:  # §7.4
                raise self._abort("dequeue_work", exc) from None
            if work is None:
                if self._incomplete == 0:
                    self._write_finished(False, "work_exhausted")
                    return False
                return True
            self._journal.append(
                "work_dequeued", {**self._ids(), "tag": work.tag, "delivery_count": work.delivery_count}
            )
            await self._run_item(work)
            await self._pacer.checkpoint()
        return False

    async def _run_item(self, work: DequeuedWork) -> None:
        try:
            script = Script.from_stored(work.script_json, item=True)
        except CommandError as exc:
            self._error("script", None, exc.message)
            self._incomplete += 1
            return
        for step in script.steps:
            if step.op is Op.ESTIMATE:
                go_on = self._estimate(work, step)
            elif step.op is Op.TRANSFER:
                go_on = await self._transfer(work, step)
            else:
                go_on = await self._pacer.wait(step.ms)
            if not go_on or self.stopped:
                return
        if not script.complete:
            self._incomplete += 1
            self._journal.append("work_incomplete", {**self._ids(), "tag": work.tag})
            return
        try:
            self._session.complete_work(work)
        except Exception as exc:  # §7.4
            raise self._abort("complete_work", exc) from None
        self._journal.append("work_completed", {**self._ids(), "tag": work.tag})

    async def _transfer(self, work: DequeuedWork | None, step: Step) -> bool:
        for round_no in range(1, step.chunks + 1):
            if not await self._pacer.wait(step.ms // step.chunks) or self.stopped:
                return False
            down = _share(step.down, round_no, step.chunks)
            up = _share(step.up, round_no, step.chunks)
            self._transferred[None if work is None else work.tag] = (down, up)
            try:
                platform = self._session.report_transferred(work, down, up)
            except Exception as exc:  # §7.4: report_bytes errors continue
                self._error("report_bytes", java_class(exc), java_message(exc))
                continue
            self._bytes_reported(work, "transferred", down, up, platform)
        return True

    def _estimate(self, work: DequeuedWork | None, step: Step) -> bool:
        try:
            platform = self._session.report_estimated(work, step.down, step.up)
        except Exception as exc:
            self._error("report_bytes", java_class(exc), java_message(exc))
            return True
        self._bytes_reported(work, "estimated", step.down, step.up, platform)
        return True

    def _bytes_reported(self, work: DequeuedWork | None, direction: str, down: int, up: int, platform: bool) -> None:
        self._journal.append(
            "bytes_reported",
            {
                **self._ids(),
                "tag": None if work is None else work.tag,
                "direction": direction,
                "down": down,
                "up": up,
                "platform": platform,
            },
        )

    def _post_notification(self) -> None:
        try:
            self._session.post_notification()
        except Exception as exc:  # §7.1: the script continues
            self._error("notification", java_class(exc), java_message(exc))

    def _finish(self, reschedule: bool, via: str) -> None:
        try:
            self._session.job_finished(reschedule)
        except Exception as exc:
            raise self._abort("job_finished", exc) from None
        self._write_finished(reschedule, via)

    def _write_finished(self, reschedule: bool, via: str) -> None:
        self._journal.append("finished", {**self._ids(), "reschedule": reschedule, "via": via})

    def _abort(self, where: str, exc: Exception) -> _ScriptAbort:
        self._error(where, java_class(exc), java_message(exc))
        return _ScriptAbort()

    def _error(self, where: str, java_type: str | None, message: str | None) -> None:
        self._journal.append(
            "error", {**self._ids(), "where": where, "type": java_type, "message": message}
        )
