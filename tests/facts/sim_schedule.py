"""The virtual device's verdict on a SPEC: the helper's parser, ``JobInfo.Builder.build()`` and
``JobScheduler.schedule()``'s request checks, as the sim models them.

What the phone does with a ``schedule`` request (PROTOCOL.md §3.3), minus the parts that need
device state: the helper parses the SPEC (§6.1) and applies the API guard (§6.2) -- here
``jobctl_sim.apps.helper.spec`` --, builds the ``JobInfo`` (``JobInfoFactory`` + ``build()``:
``platform_port.build_job_info``), then ``schedule()`` validates the namespace
(``JobSchedulerService.validateNamespace``, 34+) and re-runs ``JobInfo.enforceValidity`` on the
server (``validation.validate_namespace`` / ``normalize`` / ``enforce_validity``). Component,
permission, job-count and foreground checks depend on the device and are left out, as the host's
``bridge.validation`` leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass

from jobctl_sim.apps.helper.platform_port import build_job_info
from jobctl_sim.apps.helper.protocol import CommandError, Fields, from_platform
from jobctl_sim.apps.helper.spec import parse_spec
from jobctl_sim.framework.jobscheduler.validation import enforce_validity, normalize, validate_namespace

HELPER_TARGET_SDK = 34
"""The helper's targetSdk (PROTOCOL.md §1)."""


@dataclass(frozen=True)
class Verdict:
    """``ok``, or the helper's error: its code, message and (for platform exceptions) Java class."""

    code: str | None
    message: str | None = None
    java_type: str | None = None

    @property
    def ok(self) -> bool:
        return self.code is None


ACCEPTED = Verdict(None)


def schedule_verdict(spec_json: object, api_level: int, target_sdk: int = HELPER_TARGET_SDK) -> Verdict:
    """What the virtual device answers to ``{"cmd":"schedule","spec":spec_json}`` at ``api_level``."""
    try:
        spec = parse_spec(Fields.of(spec_json, "spec"))
        spec.check_api_level(api_level)
        try:
            info = build_job_info(spec, api_level, target_sdk)
            if api_level >= 34:
                validate_namespace(spec.namespace)
            enforce_validity(normalize(info), api_level, target_sdk)
        except CommandError:
            raise
        except Exception as exc:
            raise from_platform(exc) from None
    except CommandError as error:
        payload = error.to_json()
        return Verdict(str(payload["code"]), payload.get("message"), payload.get("type"))
    return ACCEPTED
