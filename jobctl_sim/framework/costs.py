"""What each shell command costs on a real phone (issue item 9).

Every simple command the shell runs is classified by how a phone executes it:

* ``native`` -- a small native binary making binder calls: ``cmd``, ``dumpsys``, ``service``,
  and the one-line shell wrappers around ``cmd`` (whose extra cost is one ``sh`` fork):
  ``am`` (``cmds/am/am``: ``cmd activity "$@"`` since android-8.0.0_r1, except ``instrument``),
  ``pm`` (``cmds/pm/pm``: ``cmd package "$@"``, API 28+ [I for the exact level; before it ran
  ``com.android.commands.pm.Pm`` under app_process]), ``settings`` (``cmds/settings/settings``:
  ``cmd settings "$@"`` [I: all modelled levels]), ``device_config`` (API 29+), ``appops``,
  ``input`` (``cmds/input/input``: ``cmd input "$@"`` from Android 12; before, app_process),
  ``svc wifi|data`` (``cmds/svc/svc`` execs ``cmd wifi``/``cmd phone`` from Android 12);
* ``app_process`` -- a Java program started by a script (a VM start, ~100s of ms):
  ``am instrument``, ``content``, ``monkey``, ``uiautomator``, ``bmgr``, ``requestsync``,
  ``svc`` other than wifi/data (and all of it before 12), ``input`` before 12, ``pm`` before 28;
* ``run-as`` -- fork/exec of the setuid ``run-as`` binary plus the command it runs;
* ``builtin`` -- handled inside ``sh`` (``echo``, ``cd``, ``test``, …): no process;
* ``toybox`` -- everything else (``ls``, ``cat``, ``getprop``, …): one fork/exec.

:meth:`CostCounter.snapshot` gives counts per class and per command for ``jobctl sim stats``.
"""

from __future__ import annotations

import enum
from collections import Counter

from jobctl_sim.framework.system import AndroidSystem


class CostClass(enum.Enum):
    NATIVE = "native"
    APP_PROCESS = "app_process"
    RUN_AS = "run-as"
    BUILTIN = "builtin"
    TOYBOX = "toybox"


BUILTINS = frozenset({
    "echo", "cd", "exit", "true", "false", "test", "[", "printf", "export", "set", "unset", "read", "exec",
    "source", ".", ":", "eval", "type", "wait", "shift",
})
APP_PROCESS_TOOLS = frozenset({
    "content", "monkey", "uiautomator", "bmgr", "requestsync", "app_process", "app_process64", "ime", "wm",
})


def classify(argv: tuple[str, ...], api_level: int) -> CostClass:
    """The cost class of one simple command on a phone at ``api_level``."""
    if not argv:
        return CostClass.BUILTIN
    name = argv[0].rsplit("/", 1)[-1]
    sub = argv[1] if len(argv) > 1 else ""
    if name in BUILTINS:
        return CostClass.BUILTIN
    if name == "run-as":
        return CostClass.RUN_AS
    if name in ("cmd", "dumpsys", "service", "appops"):
        return CostClass.NATIVE
    if name == "am":
        return CostClass.APP_PROCESS if sub == "instrument" else CostClass.NATIVE
    if name == "pm":
        return CostClass.NATIVE if api_level >= 28 else CostClass.APP_PROCESS
    if name == "settings":
        return CostClass.NATIVE
    if name == "device_config":
        return CostClass.NATIVE if api_level >= 29 else CostClass.TOYBOX
    if name == "input":
        return CostClass.NATIVE if api_level >= 31 else CostClass.APP_PROCESS
    if name == "svc":
        return CostClass.NATIVE if api_level >= 31 and sub in ("wifi", "data") else CostClass.APP_PROCESS
    if name in APP_PROCESS_TOOLS:
        return CostClass.APP_PROCESS
    return CostClass.TOYBOX


class CostCounter:
    """A ``device.command_observers`` entry counting commands by cost class."""

    def __init__(self, api_level: int) -> None:
        self._api_level = api_level
        self._by_class: Counter[str] = Counter()
        self._by_command: Counter[str] = Counter()

    def __call__(self, argv: tuple[str, ...]) -> None:
        cost = classify(argv, self._api_level)
        self._by_class[cost.value] += 1
        if argv:
            name = argv[0].rsplit("/", 1)[-1]
            with_verb = name in ("cmd", "am", "pm", "dumpsys", "svc", "settings") and len(argv) > 1
            key = f"{name} {argv[1]}" if with_verb else name
            self._by_command[key] += 1

    def snapshot(self) -> dict[str, object]:
        return {
            "total": sum(self._by_class.values()),
            "by_class": {c.value: self._by_class.get(c.value, 0) for c in CostClass},
            "by_command": dict(sorted(self._by_command.items())),
        }

    def reset(self) -> None:
        self._by_class.clear()
        self._by_command.clear()


def install(system: AndroidSystem) -> CostCounter:
    counter = CostCounter(system.api_level)
    system.device.command_observers.append(counter)
    system.costs = counter
    return counter
