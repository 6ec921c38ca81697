"""What every command shares: the global options and how to reach the device (output is
:mod:`cli.render`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bridge.adb.server import AdbServer, ServerAddress
    from bridge.device import Device
    from bridge.errors import JobctlError
    from bridge.jobs import Session


@dataclass(frozen=True)
class GlobalOptions:
    """``-s/--serial``, ``-H/--adb-host``, ``-P/--adb-port`` and ``--json`` (the first and the last
    also after the subcommand, :mod:`cli.options`)."""

    serial: str | None
    adb_host: str | None
    adb_port: int | None
    json: bool

    def server_address(self) -> ServerAddress:
        """-H/-P override ADB_SERVER_SOCKET / ANDROID_ADB_SERVER_PORT, as adb's own flags do."""
        from bridge.adb.server import ServerAddress

        base = ServerAddress.from_environment()
        return ServerAddress(self.adb_host or base.host, self.adb_port or base.port)

    def server(self) -> AdbServer:
        from bridge.adb.server import AdbServer

        return AdbServer(self.server_address())

    def device(self) -> Device:
        """The chosen device (-s, ANDROID_SERIAL, or the only one). The first lookup waits, as
        every later call does, for a device that is rebooting or an adb server that is restarting:
        the device list is read again until the device is online or :func:`device_wait` seconds
        (30 by default) have passed."""
        from bridge.device import connect

        return connect(self.serial, self.server(), wait=device_wait(), on_wait=_tell_waiting)

    def session(self) -> Session:
        """A :class:`bridge.jobs.Session` on the chosen device. It opens nothing until used: a
        command pays for the helper's ``info`` only if it uses the helper, and for the event stream
        only if it reads events (then from that moment). Close it (``with``)."""
        from bridge.jobs import Session

        return Session(self.device(), events_since_open=False)


def _tell_waiting(error: JobctlError, seconds: float) -> None:
    """At a terminal, say once why nothing happens yet (as adb's ``- waiting for device -``);
    scripts see only the result, or the one error line when the wait ends."""
    import sys

    if sys.stderr.isatty():
        print(f"jobctl: {error}; waiting up to {seconds:g} s (set {DEVICE_WAIT_ENV}=0 not to wait)",
              file=sys.stderr, flush=True)


DEVICE_WAIT_ENV = "JOBCTL_DEVICE_WAIT"
"""Seconds the first device lookup waits (``0``: fail at once when no device is online)."""


def device_wait() -> float:
    """$JOBCTL_DEVICE_WAIT, else the reconnect wait every device call has (30 s)."""
    from bridge.device import DEFAULT_RECONNECT_TIMEOUT

    text = os.environ.get(DEVICE_WAIT_ENV)
    if not text:
        return DEFAULT_RECONNECT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        from cli.usage import OneLineUsageError

        raise OneLineUsageError(f"{DEVICE_WAIT_ENV} must be a number of seconds from 0 to 3600, got {text!r}")
    return seconds
