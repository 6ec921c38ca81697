"""Any app's jobs, with nothing of jobctl installed: JobScheduler's own shell verbs and dump.

:class:`AppJobs` is one package's view (``jobctl -p PKG``): its registered jobs from
``dumpsys jobscheduler PKG`` (aosp-shell-interface.md §2.3; ``JobSchedulerService.dumpInternal``),
each job's state from ``cmd jobscheduler get-job-state [-u U] [-n NS] PKG ID`` (§1.5), and
``run``/``stop``/``timeout``/``cancel`` and the 34+ byte getters on one job
(``JobSchedulerShellCommand``, §1.1-§1.6). Nothing here asks the app for anything: an app that
is not running stays so, and the helper need not be installed.

Verbs by level (§1.1, ``JobSchedulerShellCommand.onCommand`` of each release): ``stop``,
``-n NAMESPACE`` and ``get-estimated-*``/``get-transferred-*-bytes`` exist from API 34
(Android 14); asking for them below raises :class:`VerbUnavailableError` before the device is
touched. ``run``, ``timeout``, ``cancel`` and ``get-job-state`` are older; a device that answers
``Unknown command: VERB`` (``ShellCommand.handleDefaultCommands``, exit 255) raises the same
error with the device's answer. Exit statuses 24/23/22 are ``CMD_ERR_NO_PACKAGE`` /
``CMD_ERR_NO_JOB`` / ``CMD_ERR_CONSTRAINTS`` (§1.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bridge.device import CommandResult, Device
from bridge.errors import JobNotFoundError, JobNotReadyError, UnknownPackageError
from bridge.job_verbs import (  # re-exported: the verbs' facts, also used by bridge.jobs
    BYTES_API as BYTES_API,
    EXIT_CONSTRAINTS as EXIT_CONSTRAINTS,
    EXIT_NO_JOB as EXIT_NO_JOB,
    EXIT_NO_PACKAGE as EXIT_NO_PACKAGE,
    NOT_EXECUTING as NOT_EXECUTING,
    STOP_API as STOP_API,
    USER_SYSTEM as USER_SYSTEM,
    VerbUnavailableError as VerbUnavailableError,
    check_available,
    stop_options as stop_options,
)
from bridge.model.state import ordered_tokens

if TYPE_CHECKING:
    from bridge.model import JobState, StopReason
    from bridge.parsers.jobscheduler_dump import DumpedJob, JobSchedulerDump

ordered_state = ordered_tokens
"""``get-job-state`` tokens in the platform's print order, unknown ones after, sorted."""


def where(job_id: int, namespace: str | None, package: str) -> str:
    """``job 7 of com.example`` / ``job 7 in namespace 'ns' of com.example`` (for messages)."""
    return f"job {job_id}" + (f" in namespace {namespace!r}" if namespace is not None else "") + f" of {package}"


@dataclass(frozen=True)
class NetworkBytes:
    """The 34+ byte getters of one job (``None``: not known -- ``JobInfo.NETWORK_BYTES_UNKNOWN``
    (-1), or no number printed)."""

    estimated_download: int | None
    estimated_upload: int | None
    transferred_download: int | None
    transferred_upload: int | None

    def to_json_object(self) -> dict[str, Any]:
        return {"estimated_download": self.estimated_download, "estimated_upload": self.estimated_upload,
                "transferred_download": self.transferred_download, "transferred_upload": self.transferred_upload}


@dataclass(frozen=True)
class AppJob:
    """One registered job of an app, as the dump and ``get-job-state`` show it."""

    package: str
    job_id: int
    namespace: str | None
    uid: int
    service: str
    state: tuple[str, ...]
    """``get-job-state`` tokens in print order (``()``: the job went away between the two reads)."""
    required_constraints: tuple[str, ...]
    unsatisfied_constraints: tuple[str, ...]
    standby_bucket: str | None
    periodic: bool
    persisted: bool
    priority: int | None
    num_failures: int | None

    def to_json_object(self) -> dict[str, Any]:
        return {"package": self.package, "job_id": self.job_id, "namespace": self.namespace, "uid": self.uid,
                "service": self.service, "state": list(self.state),
                "required_constraints": list(self.required_constraints),
                "unsatisfied_constraints": list(self.unsatisfied_constraints),
                "standby_bucket": self.standby_bucket, "periodic": self.periodic, "persisted": self.persisted,
                "priority": self.priority, "num_failures": self.num_failures}


class AppJobRef:
    """A handle onto one ``(namespace, job id)`` of an app: its shell verbs."""

    def __init__(self, app: AppJobs, job_id: int, namespace: str | None = None) -> None:
        self.app = app
        self.job_id = job_id
        self.namespace = namespace

    def __repr__(self) -> str:
        return f"AppJobRef({self.app.package!r}, {self.job_id}, namespace={self.namespace!r})"

    def _verb(self, verb: str, *options: str, idempotent: bool = True) -> CommandResult:
        app = self.app
        if self.namespace is not None and app.device.api_level < STOP_API:
            raise VerbUnavailableError(f"namespaces need API {STOP_API}; {app.device.serial} is API "
                                       f"{app.device.api_level}")
        argv = ["cmd", "jobscheduler", verb, *options, "-u", str(USER_SYSTEM)]
        if self.namespace is not None:
            argv += ["-n", self.namespace]
        result = app.device.shell([*argv, app.package, str(self.job_id)], idempotent=idempotent)
        app.check_verb(verb, result)
        if result.exit_code == EXIT_NO_PACKAGE:
            raise UnknownPackageError(f"package {app.package} is not installed on {app.device.serial}")
        return result

    def state(self) -> JobState:
        """``get-job-state``: a job that does not exist is a state (``exists`` False), not an error."""
        from bridge.parsers.job_state import parse_job_state

        text = self._verb("get-job-state").text
        return parse_job_state(text if text.strip() else f"unknown({self.app.package})")

    def require(self) -> JobState:
        """The state, or :class:`JobNotFoundError` with the device's answer when there is no such job."""
        found = self.state()
        if not found.exists:
            raise JobNotFoundError(f"no {where(self.job_id, self.namespace, self.app.package)}: the device answers "
                                   f"unknown({found.unknown})")
        return found

    def run(self, force: bool = True) -> None:
        """``run -f`` (ignore constraints) or ``run -s`` (only if satisfied: else :class:`JobNotReadyError`).
        "Running job" means queued, not started (§1.2)."""
        result = self._verb("run", "-f" if force else "-s", idempotent=False)
        if result.exit_code == EXIT_NO_JOB:
            raise JobNotFoundError(f"no {where(self.job_id, self.namespace, self.app.package)}")
        if result.exit_code == EXIT_CONSTRAINTS:
            raise JobNotReadyError(f"{where(self.job_id, self.namespace, self.app.package)}: constraints not "
                                   f"satisfied ({result.error_text.strip() or result.text.strip()})")
        result.check()

    def stop(self, reason: StopReason | None = None, internal_reason: int | None = None) -> bool:
        """``stop [-s R [-i I]]`` (API 34+). False when nothing was running (:data:`NOT_EXECUTING`)."""
        self.app.require_api(STOP_API, "cmd jobscheduler stop")
        return NOT_EXECUTING not in self._verb("stop", *stop_options(reason, internal_reason)).check().text

    def timeout(self) -> bool:
        """``timeout``: stopped as if past its time limit. False when nothing was running."""
        return NOT_EXECUTING not in self._verb("timeout").check().text

    def cancel(self) -> None:
        """``cancel``: the job must exist (checked first, so a missing job is an error, not a no-op)."""
        self.require()
        self._verb("cancel", idempotent=True).check()

    def network_bytes(self) -> NetworkBytes | None:
        """The four byte getters (API 34+; ``None`` below)."""
        if self.app.device.api_level < BYTES_API:
            return None

        def number(verb: str) -> int | None:
            text = self._verb(verb).text.strip()
            value = int(text) if text.lstrip("-").isdigit() else None
            return None if value is None or value < 0 else value

        return NetworkBytes(number("get-estimated-download-bytes"), number("get-estimated-upload-bytes"),
                            number("get-transferred-download-bytes"), number("get-transferred-upload-bytes"))


class AppJobs:
    """The jobs of one installed package, driven through JobScheduler's shell (no helper needed).

    Every method reads or acts right away; nothing is cached but the install check."""

    def __init__(self, device: Device, package: str) -> None:
        from bridge.conditions.values import check_package_name

        self.device = device
        self.package = check_package_name(package)
        self._installed = False

    def __repr__(self) -> str:
        return f"AppJobs({self.device.serial!r}, {self.package!r})"

    def check_installed(self) -> None:
        """``pm path PKG``: :class:`UnknownPackageError` when the package is not installed."""
        if self._installed:
            return
        result = self.device.shell(["pm", "path", self.package], idempotent=True)
        if result.exit_code != 0 or "package:" not in result.text:
            raise UnknownPackageError(f"package {self.package} is not installed on {self.device.serial}")
        self._installed = True

    def require_api(self, level: int, what: str) -> None:
        if self.device.api_level < level:
            raise VerbUnavailableError(f"{what} needs API {level}; {self.device.serial} is API "
                                       f"{self.device.api_level}")

    def check_verb(self, verb: str, result: CommandResult) -> None:
        """:class:`VerbUnavailableError` when the device does not know the verb (or an option)."""
        check_available(verb, result, f"{self.device.serial} (API {self.device.api_level})")

    def job(self, job_id: int, namespace: str | None = None) -> AppJobRef:
        self.check_installed()
        return AppJobRef(self, job_id, namespace)

    def dump(self) -> JobSchedulerDump:
        """``dumpsys jobscheduler PKG``, parsed."""
        from bridge.parsers.jobscheduler_dump import parse_jobscheduler_dump

        self.check_installed()
        return parse_jobscheduler_dump(self.device.shell(["dumpsys", "jobscheduler", self.package],
                                                         idempotent=True).text)

    def mine(self, job: DumpedJob) -> bool:
        """Whether a dumped job is this package's (the dump filters by app id; a shared uid shows more)."""
        return job.package == self.package or job.service.startswith(self.package + "/")

    def jobs(self, namespace: str | None = None, all_namespaces: bool = True,
             dump: JobSchedulerDump | None = None) -> tuple[AppJob, ...]:
        """The registered jobs (of ``namespace`` only, unless ``all_namespaces``), sorted by
        namespace then id, each with its ``get-job-state``; from ``dump`` when given (one the
        caller read with ``dumpsys jobscheduler PKG``), else from a fresh one."""
        self.check_installed()
        dumped = [job for job in (dump or self.dump()).jobs if self.mine(job)
                  and (all_namespaces or job.namespace == namespace)]
        dumped.sort(key=lambda job: (job.namespace or "", job.job_id))
        return tuple(_app_job(self.package, job, self.job(job.job_id, job.namespace).state()) for job in dumped)


def _app_job(package: str, job: DumpedJob, found: JobState) -> AppJob:
    return AppJob(package=package, job_id=job.job_id, namespace=job.namespace, uid=job.uid, service=job.service,
                  state=ordered_state(found.tokens) if found.exists else (),
                  required_constraints=tuple(sorted(job.required_constraints)),
                  unsatisfied_constraints=tuple(sorted(job.unsatisfied_constraints)),
                  standby_bucket=job.standby_bucket, periodic=job.periodic_interval_ms is not None,
                  persisted=job.persisted, priority=job.priority, num_failures=job.num_failures)


__all__ = ["AppJob", "AppJobRef", "AppJobs", "NetworkBytes", "VerbUnavailableError", "ordered_state"]
