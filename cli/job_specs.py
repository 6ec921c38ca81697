"""The job specs ``jobctl schedule``/``enqueue`` sent, remembered per device, namespace and job id,
so that ``jobctl enqueue JOB_ID --work …`` adds work to a job *as it is*.

Why: ``JobScheduler.enqueue(job, work)`` keeps the existing job only when the new ``JobInfo``
equals it; a different one replaces the job (``JobSchedulerService.scheduleAsPackage``:
``toCancel.getJob().equals(job)`` → ``enqueueWorkLocked``, else the old job is stopped and its
work moves to the new one, ``JobStatus.stopTrackingJobLocked``). So enqueue must send the very
spec the job was scheduled with; the device keeps no copy a host can read back (``dumpsys``
prints only part of a ``JobInfo``), hence this record.

Where: ``$JOBCTL_STATE_DIR``, else ``$XDG_STATE_HOME/jobctl``, else ``~/.local/state/jobctl`` (the
same directory as the virtual devices' records), under ``specs/``; one JSON file per job, mode
0600 in a 0700 directory. Extras may be secrets and never reach the disk: the record keeps the
spec without them (the helper protocol's SPEC, ``android-helper/PROTOCOL.md`` §6) and a salted
SHA-256 of the whole spec, so that flags given again can be checked against it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bridge.model import JobSpec


def state_dir() -> Path:
    explicit = os.environ.get("JOBCTL_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "jobctl"


def _path(serial: str, namespace: str | None, job_id: int) -> Path:
    key = hashlib.sha256(json.dumps([serial, namespace, job_id]).encode()).hexdigest()[:32]
    return state_dir() / "specs" / f"{key}.json"


def _digest(spec: JobSpec, salt: str) -> str:
    from bridge.helper_protocol.codec import canonical_json, encode_spec

    return hashlib.sha256((salt + canonical_json(encode_spec(spec))).encode()).hexdigest()


@dataclass(frozen=True)
class RememberedSpec:
    """What is known of the spec a job was scheduled with."""

    spec: JobSpec
    """The spec, without its extras when it had some (see :attr:`has_extras`)."""
    has_extras: bool
    salt: str
    digest: str

    def matches(self, spec: JobSpec) -> bool:
        """Whether ``spec`` is exactly the spec the job was scheduled with."""
        return _digest(spec, self.salt) == self.digest

    @property
    def whole(self) -> JobSpec | None:
        """The whole spec, or ``None`` when its extras were not kept."""
        return None if self.has_extras else self.spec


def remember(serial: str, spec: JobSpec) -> None:
    """Record ``spec`` as what job ``(spec.namespace, spec.job_id)`` of device ``serial`` was
    scheduled with (best effort: an unwritable state directory only loses the record)."""
    from bridge.helper_protocol.codec import canonical_json, encode_spec

    salt = os.urandom(16).hex()  # what secrets.token_hex does, without importing random and hmac
    kept = dataclasses.replace(spec, extras=(), transient_extras=())
    document = {"serial": serial, "spec": encode_spec(kept), "has_extras": kept != spec, "salt": salt,
                "digest": _digest(spec, salt)}
    path = _path(serial, spec.namespace, spec.job_id)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(canonical_json(document))
        temporary.chmod(0o600)
        temporary.replace(path)
    except OSError:
        pass


def recall(serial: str, namespace: str | None, job_id: int) -> RememberedSpec | None:
    """What was recorded for that job, or ``None`` (never recorded, or unreadable)."""
    from bridge.errors import JobctlError
    from bridge.helper_protocol.codec import decode_spec

    try:
        document = json.loads(_path(serial, namespace, job_id).read_text())
        if document.get("serial") != serial:
            return None
        found = RememberedSpec(decode_spec(document["spec"]), bool(document["has_extras"]), str(document["salt"]),
                               str(document["digest"]))
    except (OSError, ValueError, KeyError, TypeError, JobctlError):
        return None
    return found if (found.spec.job_id, found.spec.namespace) == (job_id, namespace) else None
