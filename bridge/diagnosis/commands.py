"""The commands a diagnosis points at, each runnable as printed.

For the helper the ``jobctl`` commands; for any other app ``adb shell cmd jobscheduler …``
(aosp-shell-interface.md §1: ``run -f [-u U] [-n NS] PKG ID``, ``reset-execution-quota [-u U]
PKG``, both defaulting to user 0) and ``jobctl device -p PKG …`` for the app's conditions. Below
API 30 there is no ``reset-execution-quota`` (:data:`~bridge.job_verbs.RESET_QUOTA_API`): the
advice for an app out of quota is then the ACTIVE bucket, whose quota is the largest.
"""

from __future__ import annotations

import shlex

from bridge import helper_protocol as protocol
from bridge.job_verbs import RESET_QUOTA_API


def format_ms(ms: int) -> str:
    """``1h02m03s``, ``45s``, ``850ms`` (absolute value; the caller says past or future)."""
    ms = abs(int(ms))
    if ms < 1000:
        return f"{ms}ms"
    seconds = ms // 1000
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours or days:
        parts.append(f"{hours}h" if not parts else f"{hours:02d}h")
    if minutes or hours or days:
        parts.append(f"{minutes}m" if not parts else f"{minutes:02d}m")
    parts.append(f"{secs}s" if not parts else f"{secs:02d}s")
    return "".join(parts)


class Commands:
    """The commands a blocker can point at, for one job of one package."""

    def __init__(self, job_id: int, namespace: str | None, package: str, api_level: int = RESET_QUOTA_API) -> None:
        # Quoted: the advice is a command line to paste into a shell (a namespace is any string).
        self.job_id = job_id
        self.namespace = namespace
        self.package = package
        self.api_level = api_level
        self.helper = package == protocol.HELPER_PACKAGE
        self.ns = f" --namespace {shlex.quote(namespace)}" if namespace is not None else ""

    def device(self, *words: str, per_app: bool = False) -> str:
        app = f"-p {shlex.quote(self.package)} " if per_app and not self.helper else ""
        return f"jobctl device {app}" + " ".join(words)

    def run(self, force: bool) -> str:
        if self.helper:
            return f"jobctl run {self.job_id}{self.ns}" + (" --force" if force else "")
        ns = f" -n {shlex.quote(self.namespace)}" if self.namespace is not None else ""
        return (f"adb shell cmd jobscheduler run{' -f' if force else ''} -u 0{ns} "
                f"{shlex.quote(self.package)} {self.job_id}")

    def reset_quota(self) -> str:
        if self.api_level < RESET_QUOTA_API:
            return self.device("bucket", "active", per_app=True)
        return f"adb shell cmd jobscheduler reset-execution-quota -u 0 {shlex.quote(self.package)}"

    def schedule(self) -> str | None:
        """Only the helper's jobs can be scheduled again from here (another app schedules its own)."""
        return f"jobctl schedule {self.job_id}{self.ns}" if self.helper else None
