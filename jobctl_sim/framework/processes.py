"""The device's process table: the native daemons, system_server and the app processes.

One table that ``ps``, ``pidof``, ``/proc/<pid>/`` and ``dumpsys activity processes`` all read,
so a pid means the same process everywhere. The app processes are ActivityManagerService's
(:attr:`ActivityManagerService.processes`); the rest is the fixed set a booted emulator runs.

Sources:

* ``system/core/rootdir/init.rc`` and the ``*.rc`` files of each daemon: init (pid 1) and the
  daemons it starts are the native layer's boot table (:mod:`jobctl_sim.native.processes`).
* ``frameworks/base/core/java/com/android/internal/os/ZygoteInit.java``: system_server is forked
  from zygote64 with uid 1000 and the nice name ``system_server``; every app process is a zygote
  child (ppid = zygote64's pid) named after its package (``Process.setArgV0``).
* ``art/libartbase/base/utils.cc`` ``SetThreadName``: a dotted name (no ``@``) of 15 characters
  or more is cut to its *last* 15 for the kernel's ``comm`` (what ``/proc/<pid>/stat`` shows in
  parentheses), e.g. ``ndroid.systemui``; other names keep their first 15.

App pids come from :class:`ActivityManagerService`; the persistent apps' are fixed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jobctl_sim.framework.userhandle import FIRST_APPLICATION_UID, SYSTEM_UID
from jobctl_sim.native import processes as native

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem


def _native_pid(name: str) -> int:
    return next(p.pid for p in native.BOOT_PROCESSES if p.name == name)


ZYGOTE_PID = _native_pid("zygote64")
SYSTEM_SERVER_PID = _native_pid("system_server")
ADBD_PID = native.ADBD_PID
TASK_COMM_LEN = 16
PAGE_KB = 4
USER_HZ = 100


@dataclass(frozen=True)
class ProcessInfo:
    """One process as ``ps -A``, ``/proc/<pid>/`` and ``dumpsys`` show it."""

    pid: int
    ppid: int
    uid: int
    name: str
    """The command line's first word (``ps`` NAME / ``/proc/<pid>/cmdline``)."""
    rss_kb: int
    vsz_kb: int
    started_ms: int
    """Elapsed realtime at start (``/proc/<pid>/stat`` starttime, in ms)."""
    state: str = "S"
    threads: int = 1
    package: str | None = None
    """The app package for an app process (None for natives and system_server)."""
    wchan: str = "0"
    label: str = "u:r:untrusted_app:s0"

    @property
    def comm(self) -> str:
        """The kernel's ``comm`` (:attr:`jobctl_sim.native.processes.ProcessInfo.comm`: ART's rule)."""
        return self.to_native().comm

    def to_native(self) -> native.ProcessInfo:
        """The native layer's record of this process (what ``ps``/``pidof`` read)."""
        return native.ProcessInfo(self.pid, self.ppid, self.uid, self.name, state=self.state,
                                  vsize_kb=self.vsz_kb, rss_kb=self.rss_kb, wchan=self.wchan, label=self.label,
                                  start_ticks=self.started_ms * USER_HZ // 1000)


_APP_RSS_KB = 98_000
_THREADS = {"system_server": 196, "zygote64": 4, "/system/bin/logd": 9, "/apex/com.android.adbd/bin/adbd": 9}


def _from_native(p: native.ProcessInfo) -> ProcessInfo:
    return ProcessInfo(p.pid, p.ppid, p.uid, p.name, p.rss_kb, p.vsize_kb, p.start_ticks * 1000 // USER_HZ,
                       state=p.state, threads=_THREADS.get(p.name, 1), wchan=p.wchan, label=p.label)


_NATIVES: tuple[ProcessInfo, ...] = tuple(_from_native(p) for p in native.BOOT_PROCESSES)
"""init, the daemons, zygote64 and system_server: the native layer's boot table
(:data:`jobctl_sim.native.processes.BOOT_PROCESSES`), so both layers agree on their pids."""

_SYSTEM_APPS: tuple[tuple[int, str, int], ...] = (
    (1402, "com.android.systemui", 10050),
    (1466, "com.android.phone", 1001),
    (1789, "com.android.launcher3", 10051),
)
"""Persistent/home apps ActivityManager starts at boot (``persistent="true"`` and the home
activity): pid, process name, uid."""


def _app_label(uid: int) -> str:
    return "u:r:untrusted_app:s0" if uid >= FIRST_APPLICATION_UID else "u:r:system_app:s0"


class ProcessTable:
    """Every process on the device, in pid order. :meth:`processes` is the native layer's
    :class:`jobctl_sim.native.processes.ProcessTable` contract (what ``ps`` and ``pidof`` read);
    :meth:`records` the framework's richer view of the same processes."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system

    def _system_apps(self) -> Iterator[ProcessInfo]:
        for pid, name, uid in _SYSTEM_APPS:
            yield ProcessInfo(pid, ZYGOTE_PID, uid, name, 182_000 if pid == 1402 else 124_000, 16_900_000, 4_800,
                              threads=41 if pid == 1402 else 28, package=name, wchan="do_epoll_wait",
                              label="u:r:platform_app:s0" if uid != SYSTEM_UID else "u:r:system_app:s0")

    def processes(self) -> list[native.ProcessInfo]:
        """Every live process as the native layer describes it (``ps``, ``pidof``)."""
        return [p.to_native() for p in self.records()]

    def records(self) -> list[ProcessInfo]:
        """Every live process, by pid."""
        table: list[ProcessInfo] = [*_NATIVES, *self._system_apps()]
        for record in self._system.activity.processes.values():
            table.append(ProcessInfo(record.pid, ZYGOTE_PID, record.uid, record.package,
                                     _APP_RSS_KB + (record.pid % 17) * 512, 15_400_000,
                                     record.started_ms, threads=17, package=record.package,
                                     wchan="do_epoll_wait", label=_app_label(record.uid)))
        return sorted(table, key=lambda p: p.pid)

    def by_pid(self, pid: int) -> ProcessInfo | None:
        return next((p for p in self.records() if p.pid == pid), None)

    def pids_of(self, name: str) -> list[int]:
        """What ``pidof NAME`` matches: the full name or its basename, newest first."""
        return sorted((p.pid for p in self.records()
                       if name in (p.name, p.name.rsplit("/", 1)[-1])), reverse=True)

    def app_process(self, package: str) -> ProcessInfo | None:
        """The process of an app (started or persistent), or None."""
        return next((p for p in self.records() if p.package == package), None)


def install(system: AndroidSystem) -> ProcessTable:
    table = ProcessTable(system)
    system.process_table = table
    system.device.processes = table
    return table


__all__ = ["ADBD_PID", "SYSTEM_SERVER_PID", "ZYGOTE_PID", "ProcessInfo", "ProcessTable", "install"]
