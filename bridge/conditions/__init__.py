"""Change what JobScheduler's controllers see -- battery, network, idle, doze, storage, app
standby -- the way the platform really tells them, wait for a JobScheduler-side readback, and
put everything back afterwards.

Reference: ``../shared/reference/aosp-shell-interface.md`` (cited below as "ref §N").
The rule of ref §6 applies everywhere: **never trust one shell call**. Every change is followed
by polling a readback until it holds or a deadline passes (:mod:`.polling`, the only place that
sleeps), which raises :class:`~bridge.errors.ConditionTimeoutError`.

Typical use::

    conditions = Conditions(device)
    with conditions.snapshot():
        conditions.set_charging(False)
        conditions.set_wifi(False)
        ...                              # run jobs
    # every condition changed inside the block is back to its original value here

Arguments are checked before the device is touched (bad bucket names, levels outside 0-100,
packages ``pm path`` does not know): :class:`~bridge.errors.InvalidConditionError`, a
``ValueError``, one line, nothing changed.

Modules: :mod:`.values` (what is set and read), :mod:`.polling` (the readback poller),
:mod:`.base` (shell, snapshot and restore steps), one module per family -- :mod:`.power`
(charging, battery level and low, battery saver), :mod:`.network` (Wi-Fi, mobile data, airplane
mode, metered), :mod:`.idle` (screen/idle, doze), :mod:`.storage`, :mod:`.apps` (standby bucket,
background restriction) -- :mod:`.reading` (everything in one round trip) and
:mod:`.controller` (:class:`Conditions`). The device output parsers are :mod:`bridge.parsers`'.
Names load on first use: ``from bridge.conditions import X`` imports only the module of ``X``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bridge.conditions.controller import Conditions
    from bridge.conditions.network import adb_link_is_network
    from bridge.conditions.polling import DEFAULT_TIMEOUT, POLL_INTERVAL, ReadbackPoller, wait_until
    from bridge.conditions.reading import read_conditions
    from bridge.conditions.values import AppConditions, ConditionsState, StandbyBucket
    from bridge.parsers.appops import AppOpMode
    from bridge.parsers.network import MeteredOverride

_EXPORTS: dict[str, tuple[str, ...]] = {
    "bridge.conditions.controller": ("Conditions",),
    "bridge.conditions.network": ("adb_link_is_network",),
    "bridge.conditions.polling": ("DEFAULT_TIMEOUT", "POLL_INTERVAL", "ReadbackPoller", "wait_until"),
    "bridge.conditions.reading": ("read_conditions",),
    "bridge.conditions.values": ("AppConditions", "ConditionsState", "StandbyBucket"),
    "bridge.parsers.appops": ("AppOpMode",),
    "bridge.parsers.network": ("MeteredOverride",),
}
"""Each module and the names it gives this package: loaded on first use (PEP 562), so reading
the conditions (:mod:`.reading`) never loads the modules that change them (issue 16: start-up)."""

__all__ = [
    "DEFAULT_TIMEOUT",
    "POLL_INTERVAL",
    "AppConditions",
    "AppOpMode",
    "Conditions",
    "ConditionsState",
    "MeteredOverride",
    "ReadbackPoller",
    "StandbyBucket",
    "adb_link_is_network",
    "read_conditions",
    "wait_until",
]


def __getattr__(name: str) -> Any:
    for module, names in _EXPORTS.items():
        if name in names:
            return getattr(importlib.import_module(module), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
