"""``dumpsys meminfo``: the summary and one app's breakdown; the RAM figures ``/proc/meminfo`` shares.

Sources:

* ``services/core/java/com/android/server/am/ActivityManagerService.java``
  ``dumpApplicationMemoryUsage``: ``Applications Memory Usage (in Kilobytes):``, ``Uptime: U
  Realtime: R``; with no package ``Total PSS by process:`` (``    123,456K: NAME (pid P)`` lines,
  largest first, with `` / activities`` for the top app), ``Total PSS by OOM adjustment:``,
  ``Total PSS by category:``, ``Total RAM:``, `` Free RAM:``, `` Used RAM:``, `` Lost RAM:``;
  with a package or pid ``** MEMINFO in pid P [NAME] **`` and the table of
  ``core/java/android/app/ActivityThread.java`` ``dumpMemInfoTable`` (``Pss Private Private
  SwapPss Rss Heap Heap Heap`` / ``Total Dirty Clean Dirty Total Size Alloc Free``, rows
  ``Native Heap``, ``Dalvik Heap``, …, ``TOTAL``, then `` App Summary`` and `` Objects``).
  A name that matches no process prints ``No process found for: NAME``; an unknown option
  ``Unknown argument: X; use -h for help``.
* Numbers print with grouping (``stringifyKBSize``: ``%,dK``).

The device has 2 GiB of RAM (the emulator AVD default, ``hw.ramSize=2048``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jobctl_sim.framework.processes import ProcessInfo
from jobctl_sim.framework.system import BinderService
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem

TOTAL_RAM_KB = 2_014_236
"""``MemTotal`` of a 2048 MiB emulator (the kernel keeps the rest)."""


@dataclass(frozen=True)
class AppMemory:
    """One process's ``Debug.MemoryInfo`` in KB (a stable function of its pid and rss)."""

    native_heap: int
    dalvik_heap: int
    code: int
    stack: int
    graphics: int
    other: int

    @property
    def total_pss(self) -> int:
        return self.native_heap + self.dalvik_heap + self.code + self.stack + self.graphics + self.other

    @classmethod
    def of(cls, process: ProcessInfo) -> AppMemory:
        scale = process.rss_kb // 8
        return cls(native_heap=scale // 2 + process.pid % 97, dalvik_heap=scale // 3, code=scale // 2,
                   stack=process.threads * 12, graphics=0, other=scale // 5)


def group(kb: int) -> str:
    return f"{kb:,}K"


class MemInfo:
    def __init__(self, system: AndroidSystem) -> None:
        self._system = system

    def used_kb(self) -> int:
        return sum(AppMemory.of(p).total_pss for p in self._system.process_table.records()) + 420_000

    def free_kb(self) -> int:
        return max(TOTAL_RAM_KB - self.used_kb(), 0)

    def dump(self, inv: Invocation) -> int:
        args = list(inv.args)
        while args and args[0].startswith("-"):
            opt = args.pop(0)
            if opt not in ("-a", "-d", "-c", "-s", "-S", "--oom", "--local", "--package", "--checkin"):
                inv.out(f"Unknown argument: {opt}; use -h for help\n")
                return 0
        clock = self._system.clock
        header = ("Applications Memory Usage (in Kilobytes):\n"
                  f"Uptime: {clock.elapsed_realtime_ms()} Realtime: {clock.elapsed_realtime_ms()}\n")
        table = self._system.process_table.records()
        if args:
            name = args[0]
            matches = [p for p in table if p.name == name or str(p.pid) == name]
            if not matches:
                inv.out(f"No process found for: {name}\n")
                return 0
            inv.out(header + "".join(self._process(p) for p in matches))
            return 0
        inv.out(header + "\n" + self._summary(table))
        return 0

    def _summary(self, table: list[ProcessInfo]) -> str:
        top = self._system.activity.top_package
        rows = sorted(((AppMemory.of(p).total_pss, p) for p in table if p.pid > 2), key=lambda r: -r[0])
        lines = ["Total PSS by process:"]
        for pss, p in rows:
            suffix = " / activities" if p.package is not None and p.package == top else ""
            lines.append(f"{group(pss):>14}: {p.name.rsplit('/', 1)[-1]} (pid {p.pid}{suffix})")
        native = sum(pss for pss, p in rows if p.uid != 1000 and p.package is None)
        system = sum(pss for pss, p in rows if p.name == "system_server")
        apps = sum(pss for pss, p in rows if p.package is not None)
        lines += ["", "Total PSS by OOM adjustment:",
                  f"{group(native):>14}: Native", f"{group(system):>14}: System",
                  f"{group(apps):>14}: Foreground", "",
                  "Total PSS by category:",
                  f"{group(sum(AppMemory.of(p).dalvik_heap for _, p in rows)):>14}: Dalvik",
                  f"{group(sum(AppMemory.of(p).native_heap for _, p in rows)):>14}: Native",
                  f"{group(sum(AppMemory.of(p).code for _, p in rows)):>14}: .so mmap", "",
                  f"Total RAM: {group(TOTAL_RAM_KB)} (status normal)",
                  f" Free RAM: {group(self.free_kb())} ({group(0)} cached pss + {group(self.free_kb())} "
                  "cached kernel + 0K free)",
                  f" Used RAM: {group(self.used_kb())} ({group(sum(r[0] for r in rows))} used pss + "
                  f"{group(420_000)} kernel)",
                  f" Lost RAM: {group(0)}",
                  "   Tuning: 192 (large 512), oom   322,560K, restore limit   107,520K (high-end-gfx)"]
        return "\n".join(lines) + "\n"

    def _process(self, process: ProcessInfo) -> str:
        mem = AppMemory.of(process)
        rows = [("Native Heap", mem.native_heap), ("Dalvik Heap", mem.dalvik_heap), ("Stack", mem.stack),
                (".so mmap", mem.code // 2), (".apk mmap", mem.code // 4), (".dex mmap", mem.code // 4),
                ("Other mmap", mem.other // 2), ("Unknown", mem.other - mem.other // 2)]
        out = [f"** MEMINFO in pid {process.pid} [{process.name}] **",
               "                   Pss  Private  Private  SwapPss      Rss     Heap     Heap     Heap",
               "                 Total    Dirty    Clean    Dirty    Total     Size    Alloc     Free",
               "                ------   ------   ------   ------   ------   ------   ------   ------"]
        for name, pss in rows:
            heap = name in ("Native Heap", "Dalvik Heap")
            size, alloc = (pss * 2, pss) if heap else (0, 0)
            extra = f"{size:>9}{alloc:>9}{size - alloc:>9}" if heap else ""
            out.append(f"{name:>13}{pss:>9}{pss - pss // 8:>9}{pss // 8:>9}{0:>9}{pss + pss // 3:>9}{extra}")
        total = mem.total_pss
        out.append(f"{'TOTAL':>13}{total:>9}{total - total // 8:>9}{total // 8:>9}{0:>9}{process.rss_kb:>9}"
                   f"{(mem.native_heap + mem.dalvik_heap) * 2:>9}{mem.native_heap + mem.dalvik_heap:>9}"
                   f"{mem.native_heap + mem.dalvik_heap:>9}")
        out += ["", " App Summary",
                "                       Pss(KB)                        Rss(KB)",
                "                        ------                         ------",
                f"           Java Heap:{mem.dalvik_heap:>10}{mem.dalvik_heap + 4000:>31}",
                f"         Native Heap:{mem.native_heap:>10}{mem.native_heap:>31}",
                f"                Code:{mem.code:>10}{mem.code * 2:>31}",
                f"               Stack:{mem.stack:>10}{mem.stack:>31}",
                f"            Graphics:{mem.graphics:>10}{mem.graphics:>31}",
                f"       Private Other:{mem.other:>10}",
                f"              System:{0:>10}",
                f"             Unknown:{'':>10}{mem.other:>31}",
                "",
                f"           TOTAL PSS:{total:>10}            TOTAL RSS:{process.rss_kb:>10}       "
                f"TOTAL SWAP PSS:{0:>10}",
                "", " Objects",
                f"               Views:{1 if process.package == self._system.activity.top_package else 0:>9}"
                "         ViewRootImpl:        0",
                "         AppContexts:        3           Activities:        0",
                "              Assets:       22        AssetManagers:        0",
                "       Local Binders:       12        Proxy Binders:       31", ""]
        return "\n".join(out) + "\n"


def install(system: AndroidSystem) -> MemInfo:
    service = MemInfo(system)
    system.add_binder_service(BinderService("meminfo", dump=service.dump))
    return service


__all__ = ["TOTAL_RAM_KB", "AppMemory", "MemInfo", "install"]
