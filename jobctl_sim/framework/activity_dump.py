"""``dumpsys activity``: the ActivityManagerService dump sections tools read.

Sources (``frameworks/base/services/core/java/com/android/server/am/``):

* ``ActivityManagerService.doDump``: ``top`` (``ActivityTaskManagerService.dumpActivity`` of the
  top task: ``TASK AFFINITY id=N userId=0`` then ``  ACTIVITY pkg/.Cls HASH pid=P``),
  ``processes``/``p`` (``ProcessList.dumpProcessesLSP``: ``ACTIVITY MANAGER RUNNING PROCESSES
  (dumpsys activity processes)``, ``All known processes:`` with ``*APP* UID U ProcessRecord{HASH
  PID:NAME/UID}``, the ``Process LRU list``, ``PID mappings:``), ``activities``/``a``
  (``ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)``: ``Display #0 (activities from
  top to bottom):``, the tasks, ``ResumedActivity:`` (10+) / ``mResumedActivity:`` (before),
  ``topResumedActivity=`` (11+), ``mFocusedActivity:`` (before 9)). An unknown option prints
  ``Unknown argument: X; use -h for help``; an unknown word ``Bad activity command, or no
  activities match: X`` and ``Use -h for help.``.
* ``ProcessRecord.toString``: ``ProcessRecord{HASH PID:NAME/UID}`` with ``UserHandle.formatUid``.
* ``ProcessList`` oom adjustments: the top app ``fg``/``T/A/TOP``, persistent system apps ``pers``,
  the home app ``home``, cached apps ``cch``.

The pids are the process table's (:mod:`.processes`), the same as ``ps`` and ``pidof`` print.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobctl_sim.framework.processes import ProcessInfo
from jobctl_sim.framework.shell_command import short_component
from jobctl_sim.framework.userhandle import format_uid
from jobctl_sim.framework.window_dump import activity_record, identity
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem

SECTIONS = {"top": "top", "processes": "processes", "p": "processes", "activities": "activities",
            "a": "activities"}


def process_record(process: ProcessInfo) -> str:
    return f"ProcessRecord{{{identity('p' + process.name)} {process.pid}:{process.name}/{format_uid(process.uid)}}}"


class ActivityDump:
    def __init__(self, system: AndroidSystem) -> None:
        self._system = system

    def run(self, inv: Invocation) -> int:
        args = list(inv.args)
        while args and args[0].startswith("-"):
            opt = args.pop(0)
            if opt not in ("-a", "-c", "-p", "--checkin"):
                inv.out(f"Unknown argument: {opt}; use -h for help\n")
                return 0
        if not args:
            inv.out(self.activities() + "-" * 79 + "\n" + self.processes())
            return 0
        section = SECTIONS.get(args[0])
        if section is None:
            inv.out(f"Bad activity command, or no activities match: {args[0]}\nUse -h for help.\n")
            return 0
        inv.out(getattr(self, section)())
        return 0

    # ------------------------------------------------------------------ the top activity
    def _top(self) -> tuple[str, int, int]:
        """(component, task id, pid) of the resumed activity (the launcher's when none)."""
        wm = self._system.window
        component = wm.focused_app()
        package = component.partition("/")[0]
        process = self._system.process_table.app_process(package)
        return component, 12 if wm.focused_component() else 1, process.pid if process else 0

    def top(self) -> str:
        component, task, pid = self._top()
        package = component.partition("/")[0]
        return (f"TASK {package} id={task} userId=0\n"
                f"  ACTIVITY {short_component(component)} {identity('a' + component)} pid={pid}\n")

    def activities(self) -> str:
        component, task, _ = self._top()
        package = component.partition("/")[0]
        facts = self._system.packages.get(package)
        uid = facts.uid if facts is not None else 0
        record = activity_record(component, task)
        api = self._system.api_level
        lines = ["ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)",
                 "Display #0 (activities from top to bottom):"]
        lines += [
            f"  * Task{{{identity('t' + component)} #{task} type=standard A={uid}:{package} U=0 visible=true "
            f"visibleRequested=true mode=fullscreen translucent=false sz=1}}",
            f"    * Hist  #0: {record}",
            f"      packageName={package} processName={package}",
            "      launchedFromUid=2000 launchedFromPackage=com.android.shell userId=0",
            f"      realActivity={short_component(component)}",
            "",
        ]
        if api >= 29:
            lines.append(f"  ResumedActivity: {record}")
        else:
            lines.append(f"    mResumedActivity: {record}")
        if api >= 30:
            lines.append(f"  topResumedActivity={record}")
        if api < 28:
            lines.append(f"  mFocusedActivity: {record}")
        lines.append(f"  mFocusedApp={record}" if api >= 31 else f"  mFocusedStack=ActivityStack{{{task}}}")
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ processes
    def _oom(self, process: ProcessInfo) -> tuple[str, str, str]:
        """(adj label, proc state, reason) as ``ProcessList.dumpProcessOomList`` prints them."""
        top = self._system.activity.top_package
        if process.package is not None and process.package == top:
            return "fg  ", "T/A/TOP ", "top-activity"
        if process.name in ("com.android.systemui", "com.android.phone"):
            return "pers", "PER ", "fixed"
        if process.name == "com.android.launcher3":
            return "home", "HOM ", "home"
        return "cch ", "CEM ", "cch-empty"

    def processes(self) -> str:
        apps = [p for p in self._system.process_table.records() if p.package is not None]
        lines = ["ACTIVITY MANAGER RUNNING PROCESSES (dumpsys activity processes)", "  All known processes:"]
        for process in apps:
            lines += [
                f"  *APP* UID {process.uid} {process_record(process)}",
                f"    user #0 uid={process.uid} gids={{{50000 + process.uid % 100000}, 9997}}",
                f"    pid={process.pid} starting=false",
                f"    lastActivityTime=-{max(self._system.clock.elapsed_realtime_ms() - process.started_ms, 0)}ms",
            ]
        lines.append("")
        lines.append(f"  Process LRU list (sorted by oom_adj, {len(apps)} total, non-act at 0, non-svc at 0):")
        rank = {"fg  ": 0, "pers": 1, "home": 2, "cch ": 3}
        ordered = sorted(apps, key=lambda p: (rank[self._oom(p)[0]], -p.started_ms))
        for index, process in enumerate(ordered):
            adj, state, reason = self._oom(process)
            lines.append(f"    Proc #{index:2d}: {adj} {state} LCMN  t: 0 {process.pid}:{process.name}/"
                         f"{format_uid(process.uid)} ({reason})")
        lines.append("")
        lines.append("  PID mappings:")
        lines += [f"    PID #{p.pid}: {process_record(p)}" for p in apps]
        return "\n".join(lines) + "\n"


__all__ = ["ActivityDump", "process_record"]
