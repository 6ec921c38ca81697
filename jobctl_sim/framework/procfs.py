"""``/proc`` and ``/sys/devices/system/cpu``: the kernel files test tools read, from the
process table, the clock and the RAM figures.

Sources (Linux, the layouts every Android kernel prints):

* ``fs/proc/stat.c`` ``show_stat``: ``cpu  user nice system idle iowait irq softirq steal guest
  guest_nice`` (two spaces after the aggregate's ``cpu``), one ``cpuN`` line per CPU, then
  ``intr``, ``ctxt``, ``btime`` (boot time, epoch seconds), ``processes``, ``procs_running``,
  ``procs_blocked``, ``softirq``; times in ``USER_HZ`` (100) ticks.
* ``fs/proc/uptime.c``: ``UPTIME.CC IDLE.CC`` (idle summed over the CPUs).
* ``fs/proc/meminfo.c`` ``meminfo_proc_show``: ``Name:`` padded to 16 columns, the value right
  aligned in 8, then `` kB``, fields in the kernel's order.
* ``fs/proc/array.c`` ``do_task_stat``: the 52 fields of ``/proc/<pid>/stat`` (``pid (comm) S
  ppid pgrp session tty_nr tpgid flags … utime stime … num_threads 0 starttime vsize rss …``,
  vsize in bytes, rss in pages, starttime in ticks since boot); ``proc_pid_status`` for
  ``status``; ``cmdline`` is the argv joined by NULs.
* ``drivers/base/cpu.c``: ``/sys/devices/system/cpu/{online,possible,present}`` as CPU lists
  (``0-3``), ``offline`` empty, ``kernel_max``, one ``cpuN`` directory per CPU with ``online``
  for the hot-pluggable ones (not cpu0 on x86).

The emulator has 4 vCPUs (the AVD default ``hw.cpu.ncore=4``). The files are rewritten before a
command that names a path under ``/proc`` or ``/sys`` runs (:attr:`VirtualDevice.command_observers`),
so what ``cat`` prints is current; ``ls /proc`` lists the live pids.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from jobctl_sim.framework.meminfo import TOTAL_RAM_KB, MemInfo
from jobctl_sim.framework.processes import PAGE_KB, ProcessInfo
from jobctl_sim.framework.system import Change, Topic
from jobctl_sim.native.fs import FsError

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem

CPUS = 4
USER_HZ = 100
READ_ONLY = 0o100444
CPU_LIST = f"0-{CPUS - 1}\n"


def meminfo_line(name: str, kb: int) -> str:
    return f"{name + ':':<16}{kb:>8} kB\n"


class ProcFs:
    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        self._pids: set[int] = set()
        self._memory = MemInfo(system)

    # ------------------------------------------------------------------ contents
    def _ticks(self) -> int:
        return int(self._system.clock.elapsed() * USER_HZ)

    def stat_text(self) -> str:
        ticks = self._ticks()
        per_cpu = [(ticks * 6 // 100, ticks // 100, ticks * 3 // 100, ticks * 89 // 100, ticks // 200, 0,
                    ticks // 400, 0, 0, 0) for _ in range(CPUS)]
        total = [sum(column) for column in zip(*per_cpu, strict=True)]
        lines = ["cpu  " + " ".join(map(str, total))]
        lines += [f"cpu{n} " + " ".join(map(str, row)) for n, row in enumerate(per_cpu)]
        boot = int(self._system.clock.wall_time() - self._system.clock.elapsed())
        procs = len(self._system.process_table.records())
        lines += [f"intr {ticks * 7} 0 0 0", f"ctxt {ticks * 41}", f"btime {boot}",
                  f"processes {procs + 1800}", "procs_running 1", "procs_blocked 0",
                  f"softirq {ticks * 3} 0 {ticks} 0 {ticks // 3} 0 0 {ticks // 5} 0 0 {ticks // 2}"]
        return "\n".join(lines) + "\n"

    def uptime_text(self) -> str:
        seconds = self._system.clock.elapsed()
        idle = seconds * CPUS * 0.89
        return f"{seconds:.2f} {idle:.2f}\n"

    def meminfo_text(self) -> str:
        free = self._memory.free_kb()
        cached = min(free // 2, 600_000)
        fields = [("MemTotal", TOTAL_RAM_KB), ("MemFree", free - cached), ("MemAvailable", free),
                  ("Buffers", 6_120), ("Cached", cached), ("SwapCached", 0),
                  ("Active", cached // 2 + 180_000), ("Inactive", cached // 2 + 90_000),
                  ("Active(anon)", 180_000), ("Inactive(anon)", 90_000), ("Active(file)", cached // 2),
                  ("Inactive(file)", cached // 2), ("Unevictable", 12_288), ("Mlocked", 12_288),
                  ("SwapTotal", 1_510_672), ("SwapFree", 1_510_672), ("Dirty", 64), ("Writeback", 0),
                  ("AnonPages", 270_000), ("Mapped", 310_000), ("Shmem", 4_200), ("KReclaimable", 48_000),
                  ("Slab", 96_000), ("SReclaimable", 48_000), ("SUnreclaim", 48_000), ("KernelStack", 14_000),
                  ("PageTables", 22_000), ("NFS_Unstable", 0), ("Bounce", 0), ("WritebackTmp", 0),
                  ("CommitLimit", 2_517_788), ("Committed_AS", 4_700_000), ("VmallocTotal", 34_359_738_367),
                  ("VmallocUsed", 24_000), ("VmallocChunk", 0)]
        return "".join(meminfo_line(name, kb) for name, kb in fields)

    def pid_stat_text(self, p: ProcessInfo) -> str:
        start = p.started_ms * USER_HZ // 1000
        run = max(self._ticks() - start, 0)
        utime, stime = run // 50, run // 100
        fields = [p.pid, f"({p.comm})", p.state, p.ppid, p.pid if p.ppid <= 1 else p.ppid, 0, 0, -1,
                  4194624, run * 3, 0, run // 10, 0, utime, stime, 0, 0, 20, 0, p.threads, 0, start,
                  p.vsz_kb * 1024, p.rss_kb // PAGE_KB, 18446744073709551615, 1, 1, 0, 0, 0, 0, 4612,
                  1, 1073775864, 0, 0, 0, 17, p.pid % CPUS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        return " ".join(map(str, fields)) + "\n"

    def pid_status_text(self, p: ProcessInfo) -> str:
        return (f"Name:\t{p.comm}\nUmask:\t0077\nState:\t{p.state} (sleeping)\nTgid:\t{p.pid}\nNgid:\t0\n"
                f"Pid:\t{p.pid}\nPPid:\t{p.ppid}\nTracerPid:\t0\nUid:\t{p.uid}\t{p.uid}\t{p.uid}\t{p.uid}\n"
                f"Gid:\t{p.uid}\t{p.uid}\t{p.uid}\t{p.uid}\nFDSize:\t128\nVmSize:\t{p.vsz_kb:>8} kB\n"
                f"VmRSS:\t{p.rss_kb:>8} kB\nThreads:\t{p.threads}\n")

    # ------------------------------------------------------------------ writing them
    def _write(self, path: str, text: str, uid: int = 0) -> None:
        fs = self._system.device.fs
        with contextlib.suppress(FsError):
            fs.write_bytes(path, text.encode(), mode=READ_ONLY, uid=uid)

    def _mkdir(self, path: str, uid: int = 0) -> None:
        fs = self._system.device.fs
        with contextlib.suppress(FsError):
            if not fs.exists(path):
                fs.mkdir(path, parents=True, mode=0o40555, uid=uid)

    def refresh(self) -> None:
        """Rewrite every file from the current state."""
        self._mkdir("/proc")
        self._write("/proc/stat", self.stat_text())
        self._write("/proc/uptime", self.uptime_text())
        self._write("/proc/meminfo", self.meminfo_text())
        live = {p.pid: p for p in self._system.process_table.records()}
        fs = self._system.device.fs
        for gone in self._pids - live.keys():
            with contextlib.suppress(FsError):
                fs.remove(f"/proc/{gone}", recursive=True)
        for pid, process in live.items():
            base = f"/proc/{pid}"
            self._mkdir(base, process.uid)
            self._write(f"{base}/stat", self.pid_stat_text(process), process.uid)
            self._write(f"{base}/status", self.pid_status_text(process), process.uid)
            self._write(f"{base}/cmdline", process.name + "\0", process.uid)
        self._pids = set(live)

    def write_cpu_topology(self) -> None:
        base = "/sys/devices/system/cpu"
        self._mkdir(base)
        for name, text in (("online", CPU_LIST), ("possible", CPU_LIST), ("present", CPU_LIST),
                           ("offline", "\n"), ("kernel_max", "8191\n")):
            self._write(f"{base}/{name}", text)
        for n in range(CPUS):
            self._mkdir(f"{base}/cpu{n}")
            if n > 0:
                self._write(f"{base}/cpu{n}/online", "1\n")

    def observe(self, argv: tuple[str, ...]) -> None:
        if any("/proc" in arg or "/sys" in arg for arg in argv[1:]):
            self.refresh()

    def on_change(self, change: Change) -> None:
        if change.topic in (Topic.PROCESS_DIED, Topic.BOOT_COMPLETED):
            self.refresh()


def install(system: AndroidSystem) -> ProcFs:
    procfs = ProcFs(system)
    procfs.write_cpu_topology()
    procfs.refresh()
    system.device.command_observers.append(procfs.observe)
    system.subscribe(procfs.on_change)
    return procfs


__all__ = ["CPUS", "ProcFs", "install", "meminfo_line"]
