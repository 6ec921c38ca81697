"""The JobService contract between JobSchedulerService and app models (``system.apps[pkg]``).

**What the service calls on the app model** (all optional; looked up with ``getattr``):

``on_start_job(params: JobParameters) -> bool``
    ``JobService.onStartJob``. ``True``: work continues until the app calls
    ``system.jobs.job_finished`` (or a ``dequeue_work`` returns ``None``). ``False``: the job is
    done at once (``onStartJob returned false``; not rescheduled, periodic jobs re-armed).
    An app with no model, or without this method, behaves as if it returned ``False``.
``on_stop_job(params: JobParameters) -> bool``
    ``JobService.onStopJob``; ``params.stop_reason`` / ``internal_stop_reason`` /
    ``debug_stop_reason`` say why. ``True`` asks for a reschedule with backoff (ignored for
    cancellations). Not called on process death.
``on_network_changed(params: JobParameters) -> None``
    34+: the running job's network changed (``params.network`` is the new one).
``callback_block_ms(params: JobParameters, callback: str) -> int``
    How long the app's ``onStartJob``/``onStopJob`` (``callback``) blocks its main thread; 8 s or
    more makes JobScheduler give up on it (:mod:`.slow_response`). Absent: 0.
``get_transferred_download_bytes(params, item: JobWorkItem | None) -> int`` and
``get_transferred_upload_bytes(params, item) -> int``
    The hidden JobService hooks ``cmd jobscheduler get-transferred-*-bytes`` query while the
    job runs; without them the last ``update_transferred_network_bytes`` value is printed.

**What the app model calls on ``system.jobs``** (JobSchedulerService):

* ``schedule(uid: int, package: str, job: JobInfo, namespace: str | None = None) -> int``
* ``enqueue(uid, package, job: JobInfo, work: JobWorkItem, namespace=None) -> int``
* ``cancel(uid, package, job_id: int, namespace=None)``; ``cancel_all(uid, package, namespace=None)``;
  ``cancel_in_all_namespaces(uid, package)``
* ``get_all_pending(uid, namespace=None) -> list[JobInfo]``;
  ``get_pending_jobs_in_all_namespaces(uid) -> dict[str | None, list[JobInfo]]``;
  ``get_pending_job(uid, job_id, namespace=None) -> JobInfo | None``;
  ``get_pending_job_reason(uid, job_id, namespace=None) -> int`` (PENDING_JOB_REASON_*);
  the API 36/37 plural, history and stats getters are :mod:`.pending_history`'s functions
* ``contexts.handle_abandoned_job(params)`` (36+: the app's JobParameters were collected
  without ``jobFinished``)
* inside a job (``params`` is the :class:`JobParameters` received, or its ``handle``):
  ``job_finished(params, wants_reschedule: bool)``, ``dequeue_work(params) -> JobWorkItem | None``,
  ``complete_work(params, item: JobWorkItem)``,
  ``update_estimated_network_bytes(params, item: JobWorkItem | None, download: int, upload: int)``,
  ``update_transferred_network_bytes(params, item | None, download, upload)``,
  ``set_notification(params, notification_id: int, notification: Notification, end_policy: int)``.

Errors are raised as :mod:`.errors` Java exceptions (``str(e)`` is Java's ``toString``).
Calls with a stale handle (the job already stopped) are ignored, as in Android.
"""

from __future__ import annotations

from typing import Protocol

from jobctl_sim.framework.jobscheduler.model import JobParameters, JobWorkItem


class JobServiceApp(Protocol):
    """The callbacks an app model implements to run jobs."""

    package: str

    def on_start_job(self, params: JobParameters) -> bool: ...

    def on_stop_job(self, params: JobParameters) -> bool: ...


class DataTransferJobServiceApp(JobServiceApp, Protocol):
    def on_network_changed(self, params: JobParameters) -> None: ...

    def get_transferred_download_bytes(self, params: JobParameters, item: JobWorkItem | None) -> int: ...

    def get_transferred_upload_bytes(self, params: JobParameters, item: JobWorkItem | None) -> int: ...
