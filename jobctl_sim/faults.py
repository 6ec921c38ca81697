"""Faults a real phone and cable produce, on demand: for proving that jobctl survives them.

Each virtual device has one :class:`FaultInjector` (``device.faults``). Two kinds of fault:

* **immediate** -- done when asked: drop every adb connection (a pulled cable: mid-command
  and mid-stream for whatever is running), kill an app's process as the low-memory killer
  would, reboot, flood the log buffer so older entries are pruned;
* **armed** -- a :class:`CommandFault` waits for the next shell command line containing its
  ``pattern`` and then: drops the connection *before* running it (nothing happened), *after*
  running it (it took effect, the answer is lost), *mid-output* after ``after_bytes`` bytes of
  stdout (a stream cut in the middle), or delays it by ``delay`` real seconds (a slow device).

Faults are driven from tests (``sim.devices[0].faults``) and from ``jobctl sim fault`` through
the daemon's control socket; both see the same :meth:`FaultInjector.describe` records.

Fidelity: the transport drop is a TCP close of adbd's side, which the adb server reports as
the device going ``offline`` and then reconnects by itself (adb-protocol.md §2.5). The
low-memory kill writes lmkd's ``Kill '…' (pid), uid …, oom_score_adj … to free …kB rss, …kB
swap; reason: …`` line (system/memory/lmkd/lmkd.cpp, tag ``lowmemorykiller``) and, unlike
``am kill``, no ActivityManager ``Killing`` line; JobScheduler sees the binder die
(``onServiceDisconnected``: the job is rescheduled, no onStopJob).
"""

from __future__ import annotations

import asyncio
import enum
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from jobctl_sim.native.clock import VirtualClock
from jobctl_sim.native.logcat.buffer import LogBuffer

LOG_STORM_TAG = "chatty_spammer"
"""Tag of the filler lines :meth:`FaultInjector.overflow_logcat` writes."""
LMK_TAG = "lowmemorykiller"
LMKD_PID = 588
"""The lmkd daemon's pid (any low system pid: pids differ per boot and device)."""
CACHED_APP_ADJ = 900
"""``ProcessList.CACHED_APP_MIN_ADJ``: what a process running only a job is killed at."""


class FaultyDevice(Protocol):
    """What the faults reach of their device (:class:`jobctl_sim.device.VirtualDevice` is one)."""

    @property
    def serial(self) -> str: ...

    @property
    def clock(self) -> VirtualClock: ...

    @property
    def log(self) -> LogBuffer: ...

    @property
    def android(self) -> Any:
        """The Android model once installed (its ActivityManager is what lmkd's kill reaches), else None."""
        ...

    def request_reboot(self) -> asyncio.Task[None]: ...


class FaultAction(enum.StrEnum):
    """What an armed fault does to the command it catches."""

    DROP_BEFORE = "drop-before"
    """Drop the connection instead of running the command: it never happened."""
    DROP_AFTER = "drop-after"
    """Run the command, then drop the connection before any output: it happened, unseen."""
    DROP_MID_OUTPUT = "drop-mid-output"
    """Run the command and drop the connection after ``after_bytes`` bytes of its output."""
    DELAY = "delay"
    """Wait ``delay`` real seconds before running the command (a slow, loaded device)."""


class FaultError(ValueError):
    """A fault request that makes no sense (refused before anything is armed)."""


@dataclass(frozen=True)
class CommandFault:
    """A fault waiting for a command line that contains ``pattern`` ("" matches any)."""

    action: FaultAction
    pattern: str = ""
    times: int = 1
    """How many matching commands it catches; 0: every one until cleared."""
    delay: float = 0.0
    after_bytes: int = 0

    def __post_init__(self) -> None:
        if self.times < 0:
            raise FaultError(f"times must be 0 (always) or more, got {self.times}")
        if self.action is FaultAction.DELAY and not 0 < self.delay <= 600:
            raise FaultError(f"a delay must be between 0 and 600 s, got {self.delay}")
        if self.action is not FaultAction.DELAY and self.delay:
            raise FaultError(f"{self.action} takes no delay")
        if self.action is FaultAction.DROP_MID_OUTPUT and self.after_bytes < 0:
            raise FaultError(f"after_bytes must be 0 or more, got {self.after_bytes}")
        if self.action is not FaultAction.DROP_MID_OUTPUT and self.after_bytes:
            raise FaultError(f"{self.action} takes no after_bytes")

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"action": str(self.action), "pattern": self.pattern, "times": self.times}
        if self.action is FaultAction.DELAY:
            document["delay"] = self.delay
        if self.action is FaultAction.DROP_MID_OUTPUT:
            document["after_bytes"] = self.after_bytes
        return document


@dataclass
class _Armed:
    id: int
    fault: CommandFault
    remaining: int | None
    fired: int = 0


@dataclass(frozen=True)
class FiredFault:
    """A record of one fault that happened (for tests and ``jobctl sim fault list``)."""

    kind: str
    detail: str
    elapsed: float
    """Virtual seconds since boot when it happened."""


@dataclass
class FaultInjector:
    """The faults of one :class:`~jobctl_sim.device.VirtualDevice`."""

    device: FaultyDevice
    drop_connections: Callable[[], Awaitable[None]] | None = None
    """Set by the device's server: closes every adb connection of the device."""
    fired: list[FiredFault] = field(default_factory=list)
    _armed: list[_Armed] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- armed faults ---------------------------------------------------------------------
    def arm(self, fault: CommandFault) -> int:
        """Arm ``fault``; returns its id (for :meth:`disarm`)."""
        armed = _Armed(next(self._ids), fault, fault.times or None)
        self._armed.append(armed)
        return armed.id

    def disarm(self, fault_id: int | None = None) -> int:
        """Disarm one fault (or all); returns how many were disarmed."""
        before = len(self._armed)
        self._armed = [a for a in self._armed if fault_id is not None and a.id != fault_id]
        return before - len(self._armed)

    def armed(self) -> list[dict[str, Any]]:
        return [{"id": a.id, **a.fault.to_json(), "fired": a.fired,
                 "remaining": a.remaining if a.remaining is not None else "always"} for a in self._armed]

    def take(self, command_line: str) -> CommandFault | None:
        """The first armed fault matching ``command_line``, consumed once (called by the shell
        service before it runs a command)."""
        for armed in self._armed:
            if armed.fault.pattern in command_line:
                armed.fired += 1
                if armed.remaining is not None:
                    armed.remaining -= 1
                    if armed.remaining == 0:
                        self._armed.remove(armed)
                self._record(str(armed.fault.action), command_line[:200])
                return armed.fault
        return None

    # -- immediate faults -----------------------------------------------------------------
    async def drop(self) -> None:
        """Pull the cable: close every adb connection now (running commands and streams die)."""
        if self.drop_connections is None:
            raise FaultError("this device is not served on a port: nothing to drop")
        self._record("drop", "every adb connection")
        await self.drop_connections()

    def low_memory_kill(self, package: str) -> bool:
        """Kill ``package``'s process as lmkd does; False if it was not running."""
        android = self.device.android
        if android is None:
            raise FaultError("this device has no Android model")
        record = android.activity.processes.get(package)
        if record is None:
            return False
        rss_kb, swap_kb = 48_212, 1_024  # sizes differ per process and device; the line's shape is lmkd's
        self.device.log.write(
            "I", LMK_TAG,
            f"Kill '{package}' ({record.pid}), uid {record.uid}, oom_score_adj {CACHED_APP_ADJ} to free "
            f"{rss_kb}kB rss, {swap_kb}kB swap; reason: low watermark is breached and swap is low "
            f"({swap_kb}kB < 314572kB)",
            pid=LMKD_PID,
        )
        android.activity.kill_process(package, "lmk", announce=False)
        self._record("lmk", package)
        return True

    def reboot(self) -> asyncio.Task[None]:
        self._record("reboot", "")
        return self.device.request_reboot()

    def overflow_logcat(self, lines: int | None = None) -> int:
        """Write ``lines`` filler entries (default: the whole buffer's capacity) in one go, so
        every older entry is pruned before a reader that is behind can see it."""
        count = self.device.log.capacity if lines is None else lines
        if count < 1:
            raise FaultError(f"lines must be at least 1, got {count}")
        for index in range(count):
            self.device.log.write("I", LOG_STORM_TAG, f"storm line {index}", pid=4242)
        self._record("overflow-logcat", f"{count} lines")
        return count

    # -- records --------------------------------------------------------------------------
    def _record(self, kind: str, detail: str) -> None:
        self.fired.append(FiredFault(kind, detail, self.device.clock.elapsed()))
        del self.fired[:-1000]

    def describe(self) -> dict[str, Any]:
        return {"serial": self.device.serial, "armed": self.armed(),
                "fired": [{"kind": f.kind, "detail": f.detail, "elapsed": round(f.elapsed, 3)} for f in self.fired]}


def fault_from_json(document: dict[str, Any]) -> CommandFault:
    """A :class:`CommandFault` from the control socket's JSON (refused with :class:`FaultError`)."""
    try:
        action = FaultAction(document["action"])
    except (KeyError, ValueError):
        choices = ", ".join(a.value for a in FaultAction)
        raise FaultError(f"action must be one of {choices}") from None
    pattern = document.get("pattern", "")
    if not isinstance(pattern, str):
        raise FaultError("pattern must be a string")
    try:
        return CommandFault(action, pattern, int(document.get("times", 1)), float(document.get("delay", 0.0)),
                            int(document.get("after_bytes", 0)))
    except (TypeError, ValueError) as error:
        raise FaultError(str(error)) from None


IMMEDIATE_KINDS = ("drop", "lmk", "reboot", "overflow-logcat")
FAULT_KINDS = (*IMMEDIATE_KINDS, "arm", "clear", "list")


async def apply(injector: FaultInjector, request: dict[str, Any]) -> dict[str, Any]:
    """Do one fault request of the control socket (``jobctl sim fault``) on one device.

    ``kind``: ``drop``; ``lmk`` with ``package``; ``reboot``; ``overflow-logcat`` with optional
    ``lines``; ``arm`` with a :class:`CommandFault`'s fields; ``clear`` with optional ``id``;
    ``list``. Returns what happened; raises :class:`FaultError` for a bad request."""
    kind = request.get("kind")
    if kind == "drop":
        await injector.drop()
        return {"dropped": True}
    if kind == "lmk":
        package = request.get("package")
        if not isinstance(package, str) or not package:
            raise FaultError("lmk needs a package")
        return {"killed": injector.low_memory_kill(package), "package": package}
    if kind == "reboot":
        injector.reboot()
        return {"rebooting": True}
    if kind == "overflow-logcat":
        lines = request.get("lines")
        if lines is not None and not isinstance(lines, int):
            raise FaultError("lines must be an integer")
        return {"lines": injector.overflow_logcat(lines)}
    if kind == "arm":
        return {"id": injector.arm(fault_from_json(request))}
    if kind == "clear":
        fault_id = request.get("id")
        if fault_id is not None and not isinstance(fault_id, int):
            raise FaultError("id must be an integer")
        return {"cleared": injector.disarm(fault_id)}
    if kind == "list":
        return injector.describe()
    raise FaultError(f"kind must be one of {', '.join(FAULT_KINDS)}, got {kind!r}")
