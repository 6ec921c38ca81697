"""The device's process table as ``/proc`` would show it to ``ps``, ``pidof`` and ``kill``.

:class:`ProcessTable` is what the device provides (the Android model adds its app processes);
:class:`BootProcessTable` is the table of a device with no Android model: the native daemons
``init`` starts from ``system/core/rootdir/init.rc`` and the ``*.rc`` files of each daemon
(``ueventd``, ``logd``, ``servicemanager``, ``zygote64`` and ``system_server`` forked from it,
``adbd``). Pids are stable per device; values such as VSZ/RSS/WCHAN are modelled (plausible for
an emulator image), not measured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class ProcessInfo:
    """One ``/proc/PID``: what ``ps -o`` fields read from ``stat``, ``status`` and ``cmdline``."""

    pid: int
    ppid: int
    uid: int
    name: str
    """``NAME`` (argv[0] of ``cmdline``), e.g. ``com.example.app`` or ``/system/bin/logd``."""
    gid: int | None = None
    state: str = "S"
    vsize_kb: int = 10_000_000
    rss_kb: int = 4_000
    wchan: str = "do_sys_poll"
    label: str = "u:r:untrusted_app:s0"
    start_ticks: int = 0
    """Clock ticks (100/s) after boot when it started."""
    cpu_ticks: int = 0
    nice: int = 0
    priority: int = 20

    @property
    def group(self) -> int:
        return self.uid if self.gid is None else self.gid

    @property
    def comm(self) -> str:
        """``/proc/PID/stat`` field 2 (``CMD``), 15 characters at most: a native process's basename
        cut by the kernel (``TASK_COMM_LEN``); an app process's name as ART's ``SetThreadName``
        sets it (art/runtime/utils.cc): a dotted name of 15 or more characters without ``@`` keeps
        its last 15 (``com.android.systemui`` → ``ndroid.systemui``)."""
        base = self.name.rsplit("/", 1)[-1]
        if "/" not in self.name and "." in base and "@" not in base and len(base) >= 15:
            return base[-15:]
        return base[:15]


@runtime_checkable
class ProcessTable(Protocol):
    """Every process running on the device, as ``/proc`` lists them."""

    def processes(self) -> Sequence[ProcessInfo]: ...


BOOT_PROCESSES: tuple[ProcessInfo, ...] = (
    ProcessInfo(1, 0, 0, "/system/bin/init", wchan="do_epoll_wait", label="u:r:init:s0", vsize_kb=10_904_612),
    ProcessInfo(2, 0, 0, "[kthreadd]", wchan="kthreadd", label="u:r:kernel:s0", vsize_kb=0, rss_kb=0),
    ProcessInfo(160, 1, 0, "/system/bin/ueventd", wchan="do_sys_poll", label="u:r:ueventd:s0", vsize_kb=10_763_108),
    ProcessInfo(250, 1, 1036, "/system/bin/logd", wchan="do_sys_poll",
                label="u:r:logd:s0", vsize_kb=10_807_128, start_ticks=120),
    ProcessInfo(280, 1, 1000, "/system/bin/servicemanager", wchan="do_epoll_wait", label="u:r:servicemanager:s0",
                vsize_kb=10_791_168, start_ticks=130),
    ProcessInfo(600, 1, 0, "zygote64", wchan="do_sys_poll", label="u:r:zygote:s0", vsize_kb=16_244_404,
                rss_kb=150_000, start_ticks=300),
    ProcessInfo(900, 600, 1000, "system_server", wchan="do_epoll_wait", label="u:r:system_server:s0",
                vsize_kb=19_212_396, rss_kb=280_000, start_ticks=600, cpu_ticks=4_500),
    ProcessInfo(1100, 1, 2000, "/apex/com.android.adbd/bin/adbd", wchan="do_epoll_wait", label="u:r:adbd:s0",
                vsize_kb=10_941_052, rss_kb=6_000, start_ticks=700),
)
ADBD_PID = 1100


class BootProcessTable:
    """The native processes of a booted device without the Android model's apps."""

    def __init__(self, extra: Sequence[ProcessInfo] = ()) -> None:
        self._extra = tuple(extra)

    def processes(self) -> Sequence[ProcessInfo]:
        return BOOT_PROCESSES + self._extra


def process_table_of(device: object) -> ProcessTable:
    """The table ``device`` provides (its ``processes`` attribute), else the boot table."""
    table = getattr(device, "processes", None)
    return table if isinstance(table, ProcessTable) else BootProcessTable()
