"""The helper app as the virtual device runs it (``system.apps["dev.jobctl.helper"]``).

Plays the Java helper's Android layer (``CommandReceiver``, ``HelperJobService``,
``HelperRuntime``) over the protocol core of this package:

* **process** -- a :class:`HelperProcess` is the runtime of one app process: the journal reopened
  from ``device.fs``, the command handler, the running jobs. It is created on the first
  broadcast or JobService callback after a process start (cold start: ``process_started``,
  PROTOCOL.md §5.2) and dropped by :meth:`HelperApp.on_process_died` (``am kill``,
  ``am stop-app``, ``am force-stop``, an update); the journal on disk survives (§5.3).
* **commands** -- :meth:`HelperApp.on_broadcast` is the ordered broadcast to
  ``.CommandReceiver`` (§2.2-§2.4): sender-uid and action checks, then the handler; the result
  code and data are what ``am broadcast`` prints.
* **jobs** -- ``on_start_job`` writes ``started`` and runs the JOB-SCRIPT as an asyncio task on
  the device clock (§7); ``on_stop_job`` writes ``stopped`` with ``getStopReason()``.
* **live delivery** -- every journal line goes to logcat as ``I/jobctl`` from the app's pid (§5.4).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from jobctl_sim.apps.helper.commands import CommandHandler
from jobctl_sim.apps.helper.inbox import Inbox
from jobctl_sim.apps.helper.journal import DEFAULT_SEGMENT_MAX_EVENTS, Journal
from jobctl_sim.apps.helper.manifest import LOG_TAG, PACKAGE
from jobctl_sim.apps.helper.pacing import ClockPacer
from jobctl_sim.apps.helper.platform_port import PlatformJob, PlatformJobSession, PlatformScheduler, read_work_item
from jobctl_sim.apps.helper.protocol import UNKNOWN_UID, Response, failure, internal
from jobctl_sim.apps.helper.scripts import JobRun, JobStartFacts
from jobctl_sim.apps.helper.spec import SCRIPT_EXTRA
from jobctl_sim.framework.jobscheduler.model import JobParameters, JobWorkItem
from jobctl_sim.framework.system import AndroidSystem, BroadcastResult, Intent

FILES_DIR_MODE = 0o40771
"""``getFilesDir()`` is created ``rwxrwx--x``."""

JobKey = tuple[str | None, int]


class DeviceClock:
    """The journal's clock: ``SystemClock.elapsedRealtime()`` and ``System.currentTimeMillis()``."""

    def __init__(self, system: AndroidSystem) -> None:
        self._clock = system.clock

    def elapsed_ms(self) -> int:
        return self._clock.elapsed_realtime_ms()

    def wall_ms(self) -> int:
        return int(self._clock.wall_time() * 1000)


@dataclass
class RunningJob:
    run: JobRun
    task: asyncio.Task[None] | None = None


@dataclass
class HelperProcess:
    """The runtime of one helper process (``HelperRuntime``)."""

    pid: int
    uid: int
    journal: Journal
    handler: CommandHandler[PlatformJob]
    running: dict[JobKey, RunningJob] = field(default_factory=dict)


class HelperApp:
    """The ``dev.jobctl.helper`` app model (:class:`~jobctl_sim.framework.system.AppModel` and
    the JobService contract of :mod:`jobctl_sim.framework.jobscheduler.app_api`)."""

    package = PACKAGE

    def __init__(self, system: AndroidSystem, segment_max_events: int = DEFAULT_SEGMENT_MAX_EVENTS) -> None:
        self._system = system
        self._segment_max = segment_max_events
        self._process: HelperProcess | None = None

    # ------------------------------------------------------------------ process
    @property
    def alive(self) -> bool:
        """Whether the model holds a runtime (the app's process has run helper code)."""
        return self._process is not None

    @property
    def uid(self) -> int:
        facts = self._system.packages.get(PACKAGE)
        if facts is None:
            raise RuntimeError(f"{PACKAGE} is not installed")
        return int(facts.uid)

    def files_dir(self) -> str:
        return f"{self._system.packages.data_dir(PACKAGE)}/files"

    def _pid(self) -> int:
        activity = getattr(self._system, "activity", None)
        record = activity.ensure_process(PACKAGE) if activity is not None else None
        return int(record.pid) if record is not None else 0

    def process(self) -> HelperProcess:
        """``HelperRuntime.get``: the running process's runtime, cold-starting it if needed."""
        if self._process is not None:
            return self._process
        pid, uid = self._pid(), self.uid
        fs = self._system.device.fs
        files = self.files_dir()
        if not fs.is_dir(files):
            fs.mkdir(files, parents=True, mode=FILES_DIR_MODE, uid=uid)

        def publish(line: str) -> None:
            self._system.log("I", LOG_TAG, line, pid=pid, uid=uid)

        journal = Journal(fs, f"{files}/journal", uid, DeviceClock(self._system), publish, self._segment_max)
        inbox = Inbox(fs, f"{files}/inbox", f"{files}/outbox", uid)
        inbox.sweep_stale()  # orphans of interrupted hosts (PROTOCOL.md §2.3)
        scheduler = PlatformScheduler(self._system, PACKAGE, uid, self._target_sdk())
        process = HelperProcess(pid, uid, journal, CommandHandler(scheduler, journal, inbox))
        self._process = process
        journal.append("process_started", {"pid": pid})
        return process

    def _target_sdk(self) -> int:
        facts = self._system.packages.get(PACKAGE)
        return int(facts.target_sdk) if facts is not None else self._system.api_level

    def on_process_died(self) -> None:
        """The process is gone: running scripts end mid-step, in-memory state is lost; the
        journal on disk is kept (§5.3) and the next process continues its seq."""
        process, self._process = self._process, None
        if process is None:
            return
        for running in process.running.values():
            if running.task is not None:
                running.task.cancel()
        process.running.clear()

    # ------------------------------------------------------------------ commands
    def on_broadcast(self, intent: Intent) -> BroadcastResult:
        """``CommandReceiver.onReceive`` (§2.2): answer = (result code, response JSON)."""
        api = self._system.api_level
        sender = int(getattr(intent, "sender_uid", UNKNOWN_UID)) if api >= 34 else UNKNOWN_UID
        try:
            process = self.process()
            response = process.handler.handle_broadcast(
                intent.action, sender, process.uid, _string_extra(intent, "req"), _string_extra(intent, "req_file")
            )
        except Exception as exc:  # CommandHandler.internalFailure
            response = failure(None, internal(exc))
        return _result(response)

    def on_activity_start(self, intent: Intent) -> bool:
        """``am start`` of one of the app's activities; only ``ScheduleActivity`` (§2.5) does
        anything. It runs while the app is TOP (so user-initiated jobs may be scheduled),
        writes its reply and finishes itself: returns True when it finished."""
        if not (intent.component or "").endswith(SCHEDULE_ACTIVITY_CLASS):
            return False
        process = self.process()
        launcher = int(getattr(intent, "sender_uid", UNKNOWN_UID)) if self._system.api_level >= 34 else UNKNOWN_UID
        try:
            process.handler.handle_activity(_string_extra(intent, "req"), _string_extra(intent, "req_file"),
                                            _string_extra(intent, "reply"), launcher, process.uid)
        except Exception as exc:  # the activity never crashes the app
            self._system.log("E", LOG_TAG, f"ScheduleActivity failed: {exc}")
        return True

    def handle_request(self, request: str) -> Response:
        """Run one inline request as the helper itself would (uid = own uid), for tools."""
        process = self.process()
        return process.handler.handle(request, None)

    # ------------------------------------------------------------------ JobService
    def _key(self, params: JobParameters) -> JobKey:
        namespace = params.namespace if self._system.api_level >= 34 else None
        return namespace, params.job_id

    def _facts(self, params: JobParameters) -> JobStartFacts:
        api = self._system.api_level
        script = dict(params.extras).get(SCRIPT_EXTRA)
        return JobStartFacts(
            job_id=params.job_id,
            namespace=params.namespace if api >= 34 else None,
            expedited=params.is_expedited if api >= 31 else None,
            user_initiated=params.is_user_initiated if api >= 34 else None,
            network=str(params.network.net_id) if api >= 28 and params.network is not None else None,
            triggered_uris=params.triggered_content_uris,
            triggered_authorities=params.triggered_content_authorities,
            override_deadline_expired=params.is_override_deadline_expired,
            script_json=script if isinstance(script, str) else None,
        )

    def on_start_job(self, params: JobParameters) -> bool:
        """``onStartJob``: write ``started``, run the script on a worker task, return True."""
        process = self.process()
        key = self._key(params)
        run = JobRun(process.journal, self._facts(params), PlatformJobSession(self._system, params),
                     ClockPacer(self._system.clock))
        running = RunningJob(run)
        process.running[key] = running
        run.start()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return True  # no event loop (unit use): the script does not run
        block_ms = run.block_ms("onStartJob")
        if block_ms:
            # The main thread sleeps in onStartJob; the worker starts once it returns.
            self._system.clock.call_later(block_ms / 1000, lambda: self._start_worker(process, key, running))
        else:
            self._start_worker(process, key, running)
        return True

    def callback_block_ms(self, params: JobParameters, callback: str) -> int:
        """How long the running job's ``callback`` blocks the main thread (JOB-SCRIPT §7.1)."""
        running = self.process().running.get(self._key(params))
        return running.run.block_ms(callback) if running is not None else 0

    def _start_worker(self, process: HelperProcess, key: JobKey, running: RunningJob) -> None:
        if process.running.get(key) is not running or running.run.stopped:
            return
        loop = asyncio.get_running_loop()
        task = loop.create_task(running.run.execute(), name=f"jobctl-job-{key[0] or ''}/{key[1]}")
        running.task = task
        task.add_done_callback(lambda t: self._worker_done(process, key, running, t))

    def _worker_done(self, process: HelperProcess, key: JobKey, running: RunningJob, task: asyncio.Task[None]) -> None:
        if process.running.get(key) is running:
            del process.running[key]
        if not task.cancelled() and task.exception() is not None:
            self._system.log("W", LOG_TAG, f"journal write failed: {task.exception()!r}", pid=process.pid,
                             uid=process.uid)

    def on_stop_job(self, params: JobParameters) -> bool:
        """``onStopJob``: ``stopped`` with ``getStopReason()`` (31+); returns ``on_stop_reschedule``."""
        process = self.process()
        reason = int(params.stop_reason) if self._system.api_level >= 31 else None
        running = process.running.get(self._key(params))
        if running is not None:
            return running.run.stop(reason)
        namespace, job_id = self._key(params)
        process.journal.append(
            "stopped", {"job_id": job_id, "namespace": namespace, "stop_reason": reason, "reschedule": False}
        )
        return False

    def on_network_changed(self, params: JobParameters) -> None:
        """``onNetworkChanged`` (34)."""
        running = self.process().running.get(self._key(params))
        if running is not None:
            running.run.network_changed(str(params.network.net_id) if params.network is not None else None)

    def get_transferred_download_bytes(self, params: JobParameters, item: JobWorkItem | None) -> int:
        return self._transferred(params, item, download=True)

    def get_transferred_upload_bytes(self, params: JobParameters, item: JobWorkItem | None) -> int:
        return self._transferred(params, item, download=False)

    def _transferred(self, params: JobParameters, item: JobWorkItem | None, download: bool) -> int:
        running = self.process().running.get(self._key(params))
        if running is None:
            return 0
        tag = None if item is None else read_work_item(item, self._system.api_level).tag
        return running.run.transferred_bytes(tag, download)


SCHEDULE_ACTIVITY_CLASS = ".ScheduleActivity"


def _string_extra(intent: Intent, key: str) -> str | None:
    """``Intent.getStringExtra``: None when absent or not a String."""
    value = intent.extras.get(key)
    return value if isinstance(value, str) else None


def _result(response: Response) -> BroadcastResult:
    return BroadcastResult(code=response.result_code, data=response.json)
