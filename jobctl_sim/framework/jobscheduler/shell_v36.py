"""The ``cmd jobscheduler`` verbs Android 16 (API 36) added, and its help-text additions.

Source: ``apex/jobscheduler/service/java/com/android/server/job/JobSchedulerShellCommand.java``
and ``JobSchedulerService.java`` of an Android 16 tree, yaap/frameworks_base
@3ddcaa00537ad17c17a59c73990d12441d689aaf (read in full), cross-checked with a decompiled Android 16
``services.jar`` (code index, ``JobSchedulerShellCommand.smali``; shell reference §1.1 "16+" row; CTS
main calls ``cache-config-changes on``, ``get-config-value KEY`` and
``get-job-wakelock-tag --user cur PKG ID``):

* ``cache-config-changes on|off``: ``Config caching enabled|disabled``; any other word prints
  ``Error: unknown option <word>`` on stderr, exit 1 (the ``monitor-battery`` pattern). While on,
  ``ConstantsObserver`` keeps the last ``DeviceConfig.getProperties("jobscheduler")`` it pulled
  and refreshes it on every change, so ``get-config-value KEY`` prints the current value of the
  device_config key (``null`` when caching is off or the key is unset).
* ``enable-flex-policy [-o|--option battery-not-low|charging|connectivity|idle]…``: ORs the
  ``JobStatus.CONSTRAINT_*`` bits of the options, ``setFlexPolicy(true, bits)`` and prints
  ``Set flex policy to <bits>``; an unknown option word prints ``Unsupported option: <word>``
  (stdout, exit 255); ``disable-flex-policy`` prints ``Set flex policy to 0``;
  ``reset-flex-policy`` prints ``Reset flex policy to its default state``.
* ``get-job-wakelock-tag [-u|--user U] [-n|--namespace NS] PACKAGE JOB_ID`` (``getJobWakelockTag``
  in both files): prints ``JobStatus.getWakelockTag()`` (:meth:`.JobStatus.tag`, e.g.
  ``*job*r/pkg/.Svc``), exit 0; the user defaults to 0, ``cur`` is the current user; an unknown
  package prints ``unknown(<pkg>)`` and, on stderr, ``Package not found: <pkg> / user <U>``
  (exit 24 = -1000 & 0xff), an unknown job ``unknown(<uid>/jid<id>)`` and ``Could not find job
  <id> in package <pkg>[ / namespace <ns>] / user <U>`` (exit 23) -- as ``get-job-state``.
  ``onHelp`` does **not** list this verb (so a help-text reader cannot see it).
* ``checkPermission`` operations (:data:`OPERATIONS_36`): ``disable flex policy``, ``enable flex
  policy``, ``reset flex policy``, ``get job wakelock tag`` (CHANGE_APP_IDLE_STATE), ``get device
  config value`` and ``change config caching`` (android.permission.DUMP).

``cache-config-changes on`` while already on drops the pulled properties
(``setCacheConfigChangesLocked``: it pulls only when caching goes from off to on), so
``get-config-value`` answers ``null`` until the next jobscheduler device_config change
(:class:`ShellOverrides`). The yaap tree has no ``get-aconfig-flag-state``; the two
decompiled Android 16 builds have it (DUMP), so the model keeps the 15 verb on 16.

Android 17 (API 37) is modelled with the same surface: no Android 17 ``JobSchedulerShellCommand``
was found (searched: aosp-mirror, yaap, Neoteric-OS, Ankits-lab frameworks_base, the only repos
holding the file; muhomorr/platform_frameworks_base-15, whose JobStatus has the 17
``getPendingJobReasonStats``, holds no shell command).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jobctl_sim.framework.jobscheduler.constraints import C
from jobctl_sim.framework.system import Change, Topic

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.shell import JobSchedulerShell

FLEX_OPTIONS: dict[str, int] = {
    "battery-not-low": int(C.BATTERY_NOT_LOW),
    "idle": int(C.IDLE),
    "charging": int(C.CHARGING),
    "connectivity": int(C.CONNECTIVITY),
}
"""``enableFlexPolicy``: option word → ``JobStatus.CONSTRAINT_*`` bit."""

OPERATIONS_36: dict[str, str] = {
    "cache-config-changes": "change config caching",
    "disable-flex-policy": "disable flex policy",
    "enable-flex-policy": "enable flex policy",
    "get-config-value": "get device config value",
    "get-job-wakelock-tag": "get job wakelock tag",
    "reset-flex-policy": "reset flex policy",
}
"""``checkPermission(operation[, permission])`` of the 16 verbs."""
DUMP_VERBS = frozenset({"cache-config-changes", "get-config-value"})
"""The 16 verbs that check ``android.permission.DUMP`` instead of CHANGE_APP_IDLE_STATE."""


@dataclass
class ShellOverrides:
    """State the Android 16 verbs set on the service (``ConstantsObserver``, FlexibilityController)."""

    cache_config_changes: bool = False
    pulled: bool = False
    """``mLastPropertiesPulled`` is set: pulled when caching was turned on and again at every
    jobscheduler device_config change while it is on (so it always holds the live values)."""
    listening: bool = False
    flex_policy_override: int | None = None
    """None: the default policy (``reset-flex-policy``); else the bits ``enable``/``disable`` set."""

    def on_change(self, change: Change) -> None:
        """``ConstantsObserver.onPropertiesChanged``: re-pull while caching is on."""
        if change.topic is Topic.DEVICE_CONFIG and change.detail.get("namespace") == "jobscheduler":
            self.pulled = self.pulled or self.cache_config_changes


CACHE_HELP = """  cache-config-changes [on|off]
    Control caching the set of most recently processed config flags.
    Off by default.  Turning on makes get-config-value useful.
"""
FLEX_HELP = """  enable-flex-policy --option <option>
    Enable flex policy with the specified options. Supported options are
    battery-not-low, charging, connectivity, idle.
    Multiple enable options can be specified (e.g.
    enable-flex-policy --option battery-not-low --option charging
  disable-flex-policy
    Turn off flex policy so that it does not affect job execution.
  reset-flex-policy
    Resets the flex policy to its default state.
"""
CONFIG_VALUE_HELP = """  get-config-value KEY
    Return the most recently processed and cached config value for the KEY.
    Only useful if caching is turned on with cache-config-changes.
"""


def add_help_36(text: str) -> str:
    """Insert the Android 16 entries where ``onHelp`` prints them."""
    text = text.replace("    No longer used.\n", "    No longer used.\n" + CACHE_HELP, 1)
    battery_seq = "    on makes get-battery-seq useful.\n"
    text = text.replace(battery_seq, battery_seq + FLEX_HELP, 1)
    anchor = "    Return whether the battery is currently considered to not be low.\n"
    return text.replace(anchor, anchor + CONFIG_VALUE_HELP, 1)


def verbs_36(shell: JobSchedulerShell) -> dict[str, Callable[[], int]]:
    """The verbs API 36 adds to ``onCommand``."""
    state = shell.service.shell_overrides

    def cache_config_changes() -> int:
        word = shell.args.next_arg_required()
        if word not in ("on", "off"):
            shell.err(f"Error: unknown option {word}")
            return 1
        enabled = word == "on"
        # setCacheConfigChangesLocked: pull when turned on from off, else drop what was pulled
        state.pulled = enabled and not state.cache_config_changes
        state.cache_config_changes = enabled
        if not state.listening:
            shell.service.system.subscribe(state.on_change)
            state.listening = True
        shell.out(f"Config caching {'enabled' if enabled else 'disabled'}")
        return 0

    def get_config_value() -> int:
        key = shell.args.next_arg_required()
        value = shell.service.system.settings.device_config("jobscheduler", key) if state.pulled else None
        shell.out("null" if value is None else value)
        return 0

    def enable_flex_policy() -> int:
        bits = 0
        while (opt := shell.args.next_option()) is not None:
            if opt not in ("-o", "--option"):
                shell.out(f"Error: unknown option '{opt}'")
                return -1
            word = shell.args.next_arg_required()
            if word not in FLEX_OPTIONS:
                shell.out(f"Unsupported option: {word}")
                return -1
            bits |= FLEX_OPTIONS[word]
        state.flex_policy_override = bits
        shell.out(f"Set flex policy to {bits}")
        return 0

    def disable_flex_policy() -> int:
        state.flex_policy_override = 0
        shell.out("Set flex policy to 0")
        return 0

    def reset_flex_policy() -> int:
        state.flex_policy_override = None
        shell.out("Reset flex policy to its default state")
        return 0

    def get_job_wakelock_tag() -> int:
        found = shell.lookup_job()
        if isinstance(found, int):
            return found
        shell.out(found.tag(shell.api))
        return 0

    return {
        "get-job-wakelock-tag": get_job_wakelock_tag,
        "cache-config-changes": cache_config_changes,
        "get-config-value": get_config_value,
        "enable-flex-policy": enable_flex_policy,
        "disable-flex-policy": disable_flex_policy,
        "reset-flex-policy": reset_flex_policy,
    }
