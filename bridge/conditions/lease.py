"""The device-side lease that keeps two snapshots from restoring each other's values.

Two ``Conditions.snapshot()`` blocks at once on one device -- two processes, two CI jobs -- would
each read the other's changes as "originals" and put them back at the end. So a snapshot first
takes a lease recorded on the device itself, where every host sees it and a host crash cannot
lose it:

* ``/data/local/tmp/jobctl/lease/`` (a directory: ``mkdir`` is atomic, the second one fails --
  toybox ``mkdir``, ``toys/posix/mkdir.c``) holding ``holder`` (who: host, pid and process start
  time, so two containers whose pids are both 1 differ) and ``expires`` (the device's ``date +%s``
  plus the lease's time to live). ``/data/local/tmp`` is the shell user's own directory: it
  survives reboots and reinstalls, and any later ``jobctl`` can read and remove the lease.
* The holder renews ``expires`` every third of the time to live (a daemon thread, its only
  timer is the wait between renewals) and removes the lease when the snapshot ends.
* A lease of another holder that has not expired refuses the second snapshot with
  :class:`ConditionsBusyError` (one line: who holds it and until when; exit 9 from the CLI).
  An expired one -- a host that crashed, a process killed with SIGKILL -- is taken over (removed
  only if the holder is still the one read, then taken like a free one), with a log warning.
* A snapshot inside a snapshot of the same process (the test fixtures open one, a scenario run
  inside opens its own) nests: it finds its own process's lease and neither takes nor releases it.

Every step is one shell line on the device, so the check and the change run together there.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bridge.capabilities import ShellDevice
from bridge.errors import ConditionError

if TYPE_CHECKING:
    import logging

LEASE_ROOT = "/data/local/tmp/jobctl"
LEASE_DIR = f"{LEASE_ROOT}/lease"
DEFAULT_LEASE_TTL = 30.0
"""Seconds a lease lives without renewal; a crashed holder's lease is taken over after this."""


def _logger() -> logging.Logger:
    """The ``jobctl.conditions`` logger (logging is imported when something is logged: start-up, issue 16)."""
    import logging

    return logging.getLogger("jobctl.conditions")


class ConditionsBusyError(ConditionError):
    """Another process's snapshot is changing this device's conditions (its lease is live)."""


@functools.lru_cache(maxsize=4)
def _process_token(pid: int) -> str:
    """Random, drawn once per process (keyed by pid, so a forked child draws its own)."""
    return os.urandom(4).hex()  # what secrets.token_hex does, without importing random, hmac and hashlib


def holder_id() -> str:
    """This process as a lease holder: ``host:pid:start:token`` (the start time tells a pid reused
    after a reboot of the host; the random token tells two containers with the same host name,
    pid and start tick apart)."""
    host = re.sub(r"[^A-Za-z0-9._-]", "_", socket.gethostname()) or "host"
    try:
        with open("/proc/self/stat") as stat:
            start = stat.read().rsplit(")", 1)[1].split()[19]  # field 22: starttime
    except (OSError, IndexError):
        start = "0"
    return f"{host}:{os.getpid()}:{start}:{_process_token(os.getpid())}"


@dataclass(frozen=True)
class LeaseState:
    """What the device said when a lease was asked for."""

    acquired: bool
    holder: str
    """The holder now (ours when acquired)."""
    expires: int | None
    now: int | None
    """The device's clock (``date +%s``) when it answered."""

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.now is not None and self.now >= self.expires


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else None


class Lease:
    """One snapshot's hold on a device's conditions; :meth:`acquire`, then :meth:`release`."""

    def __init__(self, device: ShellDevice, ttl: float = DEFAULT_LEASE_TTL, holder: str | None = None) -> None:
        if ttl <= 0:
            raise ValueError(f"a lease's time to live must be positive, not {ttl!r}")
        self.device = device
        self.ttl = ttl
        self.holder = holder or holder_id()
        self.owned = False
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def _sh(self, line: str) -> str:
        return self.device.shell(line, check=True, idempotent=True).text

    def _try(self) -> LeaseState:
        me = shlex.quote(self.holder)
        ttl = max(1, round(self.ttl))
        text = self._sh(
            f"mkdir -p {LEASE_ROOT}; if mkdir {LEASE_DIR} 2>/dev/null; then echo {me} > {LEASE_DIR}/holder; "
            f"echo $(( $(date +%s) + {ttl} )) > {LEASE_DIR}/expires; echo acquired; else echo held; fi; "
            f"cat {LEASE_DIR}/holder 2>/dev/null || echo; cat {LEASE_DIR}/expires 2>/dev/null || echo; date +%s")
        lines = [*text.splitlines(), "", "", "", ""]
        return LeaseState(acquired=lines[0].strip() == "acquired", holder=lines[1].strip(),
                          expires=_int_or_none(lines[2]), now=_int_or_none(lines[3]))

    def acquire(self) -> bool:
        """Take the lease; False if this process already holds it (a nested snapshot). Raises
        :class:`ConditionsBusyError` if another holder's lease is live."""
        state = self._try()
        if not state.acquired and state.holder and state.holder != self.holder and state.expired:
            _logger().warning("%s: taking over the conditions lease of %s, expired %s s ago (its holder is gone; "
                              "its changes may still be on the device: `jobctl device reset` puts them back)",
                              self.device.serial, state.holder, (state.now or 0) - (state.expires or 0))
            self._sh(f"[ \"$(cat {LEASE_DIR}/holder 2>/dev/null)\" = {shlex.quote(state.holder)} ] && "
                     f"rm -r {LEASE_DIR}; true")
            state = self._try()
        if state.acquired:
            self.owned = True
            self._start_renewing()
            return True
        if state.holder == self.holder:
            return False
        if not state.holder and state.expires is None:
            # another holder is between its mkdir and its echo (same shell line): a moment
            state = self._try()
            if state.acquired:
                self.owned = True
                self._start_renewing()
                return True
        left = (state.expires or 0) - (state.now or 0)
        raise ConditionsBusyError(
            f"{self.device.serial}: another snapshot is changing this device's conditions (held by "
            f"{state.holder or 'a holder starting up'}, its lease {LEASE_DIR} runs {max(left, 0)} s more unless "
            f"renewed); run again when it ends -- a holder that is gone loses the lease when it runs out")

    def _start_renewing(self) -> None:
        self._stop.clear()
        self._renewer = threading.Thread(target=self._renew_until_stopped, name=f"jobctl-lease-{self.device.serial}",
                                         daemon=True)
        self._renewer.start()

    def _renew_until_stopped(self) -> None:
        interval = self.ttl / 3
        while not self._stop.wait(interval):
            try:
                self.renew()
            except Exception as error:  # a broken link: the next renewal tries again; expiry is the backstop
                _logger().debug("%s: renewing the conditions lease failed: %s", self.device.serial, error)

    def renew(self) -> bool:
        """Push the expiry ``ttl`` ahead, if the lease is still ours."""
        me = shlex.quote(self.holder)
        ttl = max(1, round(self.ttl))
        text = self._sh(f"[ \"$(cat {LEASE_DIR}/holder 2>/dev/null)\" = {me} ] && "
                        f"echo $(( $(date +%s) + {ttl} )) > {LEASE_DIR}/expires && echo renewed; true")
        return "renewed" in text

    def release(self) -> None:
        """Stop renewing and remove the lease if it is still ours (never another holder's)."""
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
            self._renewer = None
        if not self.owned:
            return
        self.owned = False
        me = shlex.quote(self.holder)
        self._sh(f"[ \"$(cat {LEASE_DIR}/holder 2>/dev/null)\" = {me} ] && rm -r {LEASE_DIR}; true")


def remove_expired_lease(device: ShellDevice) -> bool:
    """Remove a lease whose holder stopped renewing it (``device reset``); True if one was removed."""
    text = device.shell(f"cat {LEASE_DIR}/holder 2>/dev/null || echo; cat {LEASE_DIR}/expires 2>/dev/null || echo; "
                        "date +%s", check=True, idempotent=True).text
    lines = [*text.splitlines(), "", "", ""]
    holder, expires, now = lines[0].strip(), _int_or_none(lines[1]), _int_or_none(lines[2])
    if not holder or expires is None or now is None or now < expires:
        return False
    device.shell(f"[ \"$(cat {LEASE_DIR}/holder 2>/dev/null)\" = {shlex.quote(holder)} ] && rm -r {LEASE_DIR}; true",
                 check=True, idempotent=True)
    return True
