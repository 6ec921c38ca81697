"""The ``cmd jobscheduler`` verbs Android 16 (API 36) added, and its help-text additions.

Source: ``apex/jobscheduler/service/java/com/android/server/job/JobSchedulerShellCommand.java``
of the Android 16 module (read as a decompiled Android 16 ``services.jar``, code index; shell
reference §1.1 "16+" row; CTS main calls ``cache-config-changes on`` and ``get-config-value KEY``):

* ``cache-config-changes on|off``: ``Config caching enabled|disabled``; any other word prints
  ``Error: unknown option <word>`` on stderr, exit 1 (the ``monitor-battery`` pattern). While on,
  ``ConstantsObserver`` keeps the last ``DeviceConfig.getProperties("jobscheduler")`` it pulled
  and refreshes it on every change, so ``get-config-value KEY`` prints the current value of the
  device_config key (``null`` when caching is off or the key is unset).
* ``enable-flex-policy [-o|--option battery-not-low|charging|connectivity|idle]…``: ORs the
  ``JobStatus.CONSTRAINT_*`` bits of the options, ``setFlexPolicy(bits, true)`` and prints
  ``Set flex policy to <bits>``; an unknown option word prints ``Unsupported option: <word>``
  (stdout, exit 255); ``disable-flex-policy`` prints ``Set flex policy to 0``;
  ``reset-flex-policy`` prints ``Reset flex policy to its default state``.

Android 17 (API 37) is modelled with the same surface [I]: no 17 sources were available to read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jobctl_sim.framework.jobscheduler.constraints import C

if TYPE_CHECKING:
    from jobctl_sim.framework.jobscheduler.shell import JobSchedulerShell

FLEX_OPTIONS: dict[str, int] = {
    "battery-not-low": int(C.BATTERY_NOT_LOW),
    "idle": int(C.IDLE),
    "charging": int(C.CHARGING),
    "connectivity": int(C.CONNECTIVITY),
}
"""``enableFlexPolicy``: option word → ``JobStatus.CONSTRAINT_*`` bit."""


@dataclass
class ShellOverrides:
    """State the Android 16 verbs set on the service (``ConstantsObserver``, FlexibilityController)."""

    cache_config_changes: bool = False
    flex_policy_override: int | None = None
    """None: the default policy (``reset-flex-policy``); else the bits ``enable``/``disable`` set."""


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
        state.cache_config_changes = word == "on"
        shell.out(f"Config caching {'enabled' if state.cache_config_changes else 'disabled'}")
        return 0

    def get_config_value() -> int:
        key = shell.args.next_arg_required()
        value = shell.service.system.settings.device_config("jobscheduler", key) \
            if state.cache_config_changes else None
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

    return {
        "cache-config-changes": cache_config_changes,
        "get-config-value": get_config_value,
        "enable-flex-policy": enable_flex_policy,
        "disable-flex-policy": disable_flex_policy,
        "reset-flex-policy": reset_flex_policy,
    }
