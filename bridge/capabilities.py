"""What the device's JobScheduler shell can do, probed once per device in one round trip.

Sources (``../shared/reference/aosp-shell-interface.md``):

* §0: ``cmd jobscheduler help`` goes through ``handleDefaultCommands`` and **exits 255**; that
  status is not a failure, the help text on stdout is the answer.
* §1.1 / §1.7: the verbs by version. Namespaces (``-n | --namespace``), ``stop`` with
  ``-s | --stop-reason`` and the ``get-*-bytes`` verbs arrive with Android 14 (API 34);
  ``get-aconfig-flag-state`` with 15; ``cache-config-changes``/``get-config-value`` and
  ``enable-``/``disable-``/``reset-flex-policy`` with 16 (API 36). Verbs are read from the help
  text (two-space indented lines), not assumed from the API level, so vendor or future builds are
  described as they are.
* Behaviour that no help text shows follows the API level: the ANR for an app whose
  onStartJob/onStopJob blocks past 8 s (14+, ``JobServiceContext``), the abandoned-job stop reason
  16 (API 36), ``JobScheduler.getPendingJobReasons``/``getPendingJobReasonsHistory`` (36) and
  ``getPendingJobReasonStats`` (37).

:func:`config_value` and :func:`set_flex_policy` use the 16 verbs and raise
:class:`~bridge.errors.InvalidCommandError` on a device without them, naming the level.

Caching: :func:`of` keeps one :class:`Capabilities` per :class:`~bridge.device.Device` object in a
:class:`weakref.WeakKeyDictionary` (gone with the device): callers write ``capabilities.of(device)``.
The device knows nothing of this module (bridge's layers: device < capabilities).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bridge.errors import DeviceConnectionError, InvalidCommandError

SEPARATOR = "---jobctl-capabilities---"
PROBE_COMMAND = (
    "getprop ro.build.version.sdk; getprop ro.build.version.codename; getprop ro.build.version.release; "
    f"echo {SEPARATOR}; cmd jobscheduler help"
)
BYTE_GETTERS = frozenset({
    "get-estimated-download-bytes",
    "get-estimated-upload-bytes",
    "get-transferred-download-bytes",
    "get-transferred-upload-bytes",
})
NAMESPACE_API_LEVEL = 34
FLEX_POLICY_VERBS = frozenset({"enable-flex-policy", "disable-flex-policy", "reset-flex-policy"})
CONFIG_CACHE_VERBS = frozenset({"cache-config-changes", "get-config-value"})
FLEX_OPTIONS = ("battery-not-low", "charging", "connectivity", "idle")
"""``enable-flex-policy --option`` words (JobSchedulerShellCommand, Android 16)."""
_VERB_LINE = re.compile(r"^  ([a-z][a-z0-9-]*)(?:\s|$)")


class ShellResult(Protocol):
    """What :meth:`bridge.device.Device.shell` returns (:class:`~bridge.device.CommandResult`)."""

    @property
    def text(self) -> str: ...

    @property
    def error_text(self) -> str: ...

    @property
    def exit_code(self) -> int: ...


class ShellDevice(Protocol):
    """The part of :class:`~bridge.device.Device` this module and :mod:`bridge.conditions` use."""

    serial: str

    def shell(self, command: str | Sequence[str], *, stdin: bytes | None = ..., timeout: float | None = ...,
              check: bool = ..., idempotent: bool = ...) -> ShellResult: ...


@dataclass(frozen=True)
class Capabilities:
    """The device's Android version and the ``cmd jobscheduler`` features it offers (ref §1.1)."""

    api_level: int
    sdk_codename: str
    release: str
    jobscheduler_verbs: frozenset[str]
    supports_namespaces: bool
    has_byte_getters: bool
    has_stop_with_reason: bool

    def has_verb(self, verb: str) -> bool:
        return verb in self.jobscheduler_verbs

    @property
    def has_flex_policy(self) -> bool:
        """``enable-/disable-/reset-flex-policy`` (16+)."""
        return self.jobscheduler_verbs >= FLEX_POLICY_VERBS

    @property
    def has_config_cache(self) -> bool:
        """``cache-config-changes`` and ``get-config-value`` (16+)."""
        return self.jobscheduler_verbs >= CONFIG_CACHE_VERBS

    @property
    def has_aconfig_flags(self) -> bool:
        return "get-aconfig-flag-state" in self.jobscheduler_verbs

    @property
    def anr_on_slow_callbacks(self) -> bool:
        """A JobService callback blocked past 8 s is an ANR (14+; before, a silent clean-up)."""
        return self.api_level >= 34

    @property
    def reports_abandoned_timeouts(self) -> bool:
        """Timed-out abandoned jobs stop with STOP_REASON_TIMEOUT_ABANDONED (16, API 36)."""
        return self.api_level >= 36

    @property
    def has_pending_reason_history(self) -> bool:
        """``getPendingJobReasons`` (plural) and ``getPendingJobReasonsHistory`` (API 36)."""
        return self.api_level >= 36

    @property
    def has_pending_reason_stats(self) -> bool:
        """``getPendingJobReasonStats`` (API 37)."""
        return self.api_level >= 37


def parse_verbs(help_text: str) -> frozenset[str]:
    """The verbs of a ``cmd jobscheduler help`` text: its two-space indented usage lines (ref §1.7)."""
    return frozenset(match.group(1) for line in help_text.splitlines() if (match := _VERB_LINE.match(line)))


def parse_probe(serial: str, text: str) -> Capabilities:
    """Build :class:`Capabilities` from the output of :data:`PROBE_COMMAND`."""
    head, found, help_text = text.partition(SEPARATOR)
    props = [line.strip() for line in head.strip().splitlines()]
    if not found or not props or not props[0].isdigit():
        raise DeviceConnectionError(f"{serial}: unreadable capability probe (API level {props[:1]!r})")
    api_level = int(props[0])
    codename = props[1] if len(props) > 1 else ""
    release = props[2] if len(props) > 2 else ""
    verbs = parse_verbs(help_text)
    if not verbs:  # no help text at all: fall back on what the API level promises (ref §1.1)
        return Capabilities(api_level, codename, release, verbs, api_level >= NAMESPACE_API_LEVEL,
                            api_level >= NAMESPACE_API_LEVEL, api_level >= NAMESPACE_API_LEVEL)
    return Capabilities(
        api_level=api_level,
        sdk_codename=codename,
        release=release,
        jobscheduler_verbs=verbs,
        supports_namespaces="--namespace" in help_text,
        has_byte_getters=verbs >= BYTE_GETTERS,
        has_stop_with_reason="stop" in verbs and "--stop-reason" in help_text,
    )


def probe(device: ShellDevice) -> Capabilities:
    """Probe ``device`` in one round trip (three ``getprop`` + ``cmd jobscheduler help``, exit 255 is fine, ref §0)."""
    return parse_probe(device.serial, device.shell(PROBE_COMMAND, idempotent=True).text)


_CACHE: weakref.WeakKeyDictionary[ShellDevice, Capabilities] = weakref.WeakKeyDictionary()
"""Probed capabilities per live device object (a cache: losing it only costs a probe)."""


def of(device: ShellDevice) -> Capabilities:
    """The device's :class:`Capabilities`, probed on first use and cached per device object."""
    cached = _CACHE.get(device)
    if cached is None:
        cached = _CACHE[device] = probe(device)
    return cached


def _require(device: ShellDevice, verbs: frozenset[str], what: str) -> None:
    caps = of(device)
    if not verbs <= caps.jobscheduler_verbs:
        raise InvalidCommandError(
            f"{device.serial}: {what} needs Android 16 (API 36); the device is API {caps.api_level}")


def config_value(device: ShellDevice, key: str) -> str | None:
    """The jobscheduler DeviceConfig value JobScheduler last processed for ``key`` (None: unset).

    Turns ``cache-config-changes`` off and on first: ``get-config-value`` answers ``null`` without
    caching, and the platform pulls the properties only when caching goes from off to on (a second
    ``on`` drops them; ``JobSchedulerService.ConstantsObserver.setCacheConfigChangesLocked``)."""
    _require(device, CONFIG_CACHE_VERBS, "get-config-value")
    device.shell(["cmd", "jobscheduler", "cache-config-changes", "off"], check=True)
    device.shell(["cmd", "jobscheduler", "cache-config-changes", "on"], check=True)
    text = device.shell(["cmd", "jobscheduler", "get-config-value", key], idempotent=True).text.strip()
    return None if text == "null" else text


def set_flex_policy(device: ShellDevice, options: Sequence[str] | None) -> int | None:
    """``enable-flex-policy`` with ``options`` (``()``: none, i.e. disabled), or ``reset-flex-policy``
    for None. Returns the policy bits the device reports (None after a reset)."""
    if options is None:
        _require(device, FLEX_POLICY_VERBS, "reset-flex-policy")
        device.shell(["cmd", "jobscheduler", "reset-flex-policy"], check=True)
        return None
    unknown = [o for o in options if o not in FLEX_OPTIONS]
    if unknown:
        raise InvalidCommandError(f"unknown flex option {unknown[0]!r}; choose from {', '.join(FLEX_OPTIONS)}")
    _require(device, FLEX_POLICY_VERBS, "enable-flex-policy")
    argv = ["cmd", "jobscheduler", "enable-flex-policy"]
    for option in options:
        argv += ["--option", option]
    text = device.shell(argv, check=True).text.strip()
    match = re.fullmatch(r"Set flex policy to (-?\d+)", text)
    if match is None:
        raise DeviceConnectionError(f"{device.serial}: unexpected enable-flex-policy answer {text!r}")
    return int(match.group(1))
