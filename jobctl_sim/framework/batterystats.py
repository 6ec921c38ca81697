"""``dumpsys batterystats``: the layout's skeleton, with the times and uids of this device.

Sources:

* ``services/core/java/com/android/server/am/BatteryStatsService.java`` ``dump``: options
  ``--charged``, ``--reset`` (prints ``Battery stats reset.``), ``-c``/``--checkin``, ``-h``
  (the help), ``--history``; an unknown option prints ``Unknown option: X`` and the help; a word
  that is not an installed package prints ``Unknown package: X`` and the help (a package limits
  the per-uid part to its uid).
* ``core/java/android/os/BatteryStats.java`` ``dump``/``dumpLocked``: ``Battery History (…)``,
  ``Per-PID Stats:``, ``Daily stats:``, ``Statistics since last charge:`` with ``System starts:
  N, currently on battery: B``, ``Time on battery: …``, ``Total run time: …``, the
  ``Estimated power use (mAh):`` block, then one section per uid (``  u0a183:``); times as
  ``formatTimeMs`` (``1h 2m 3s 456ms``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobctl_sim.framework.system import BinderService
from jobctl_sim.framework.userhandle import format_uid
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem

CAPACITY_MAH = 3000


def format_time_ms(ms: int) -> str:
    """``BatteryStats.formatTimeMs``: the non-zero leading units, always the ms, space-separated."""
    parts: list[str] = []
    seconds, millis = divmod(ms, 1000)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    for value, unit in ((days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")):
        if value or parts:
            parts.append(f"{value}{unit}")
    parts.append(f"{millis}ms")
    return " ".join(parts)


def _help() -> str:
    return ("Battery stats (batterystats) dump options:\n"
            "  [--checkin] [--proto] [--history] [--history-start] [--charged] [-c]\n"
            "  [--daily] [--reset] [--reset-all] [--write] [--new-daily] [--read-daily]\n"
            "  [-h] [<package.name>]\n"
            "  --checkin: generate output for a checkin report; will write (and clear) the\n"
            "             last old completed stats when they had been reset.\n"
            "  -c: write the current stats in checkin format.\n"
            "  --history: show only history data.\n"
            "  --charged: only output data since last charged.\n"
            "  --reset: reset the stats, clearing all current data.\n"
            "  <package.name>: optional name of package to filter output by.\n"
            "  -h: print this help text.\n")


class BatteryStats:
    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        self._reset_at_ms = 0

    def dump(self, inv: Invocation) -> int:
        uid_filter: int | None = None
        for arg in inv.args:
            if arg == "--reset":
                self._reset_at_ms = self._system.clock.elapsed_realtime_ms()
                inv.out("Battery stats reset.\n")
                return 0
            if arg == "-h":
                inv.out(_help())
                return 0
            if arg.startswith("-"):
                if arg not in ("--charged", "-c", "--checkin", "--history", "-a", "--daily"):
                    inv.out(f"Unknown option: {arg}\n{_help()}")
                    return 0
                continue
            facts = self._system.packages.get(arg)
            if facts is None:
                inv.out(f"Unknown package: {arg}\n{_help()}")
                return 0
            uid_filter = facts.uid
        inv.out(self._text(uid_filter))
        return 0

    def _text(self, uid_filter: int | None) -> str:
        system = self._system
        now = system.clock.elapsed_realtime_ms()
        since = max(now - self._reset_at_ms, 0)
        battery = system.battery
        on_battery = not battery.power_connected
        total = format_time_ms(since)
        lines = [
            "Battery History (0% used, 1024 used of 4096KB, 12 strings using 1154):",
            f"                    0 (15) RESET:TIME: {_date(system.clock.wall_time() - since / 1000)}",
            f"                    0 (2) {battery.level:03d} status={'charging' if battery.charging else 'discharging'}"
            f" health=good plug={'ac' if battery.plugged_ac else 'none'} temp=250 volt=4200 charge=2800",
            "",
            "Per-PID Stats:",
            "",
            "Daily stats:",
            f"  Current start time: {_date(system.clock.wall_time() - since / 1000)}",
            "",
            "Statistics since last charge:",
            f"  System starts: 1, currently on battery: {'true' if on_battery else 'false'}",
            f"  Estimated battery capacity: {CAPACITY_MAH} mAh",
            f"  Time on battery: {total if on_battery else '0ms'} "
            f"({'100.0' if on_battery else '0.0'}%) realtime, {total if on_battery else '0ms'} "
            f"({'100.0' if on_battery else '0.0'}%) uptime",
            "  Time on battery screen off: 0ms (0.0%) realtime, 0ms (0.0%) uptime",
            "  Time on battery screen doze: 0ms (0.0%)",
            f"  Total run time: {total} realtime, {total} uptime",
            "  Discharge: 0 mAh",
            "  Screen off discharge: 0 mAh",
            "  Screen doze discharge: 0 mAh",
            "  Screen on discharge: 0 mAh",
            "  Device battery use since last full charge",
            f"    Amount discharged (lower bound): {100 - battery.level}",
            f"    Amount discharged (upper bound): {100 - battery.level}",
            "",
            "  Estimated power use (mAh):",
            f"    Capacity: {CAPACITY_MAH}, Computed drain: 0, actual drain: 0",
            "",
        ]
        uids = sorted({f.uid for f in system.packages.packages()})
        for uid in uids:
            if uid_filter is not None and uid != uid_filter:
                continue
            lines += [f"  {format_uid(uid)}:", "    Total cpu time: u=0ms s=0ms "]
            running = [p for p in system.activity.processes.values() if p.uid == uid]
            for process in running:
                lines += [f"    Proc {process.package}:",
                          "      CPU: 0ms usr + 0ms krn ; 0ms fg",
                          "      1 starts"]
        return "\n".join(lines) + "\n"


def _date(epoch: float) -> str:
    import time

    return time.strftime("%Y-%m-%d-%H-%M-%S", time.localtime(epoch))


def install(system: AndroidSystem) -> BatteryStats:
    service = BatteryStats(system)
    system.add_binder_service(BinderService("batterystats", dump=service.dump))
    return service


__all__ = ["BatteryStats", "format_time_ms", "install"]
