"""What every command shares: the global options and how to reach the device (output is
:mod:`cli.render`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bridge.adb.server import AdbServer, ServerAddress
    from bridge.device import Device
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
        """The chosen device (-s, ANDROID_SERIAL, or the only one)."""
        from bridge.device import connect

        return connect(self.serial, self.server())

    def session(self, from_seq: int | None = None) -> Session:
        """A :class:`bridge.jobs.Session` on the chosen device. It opens nothing until used: a
        command pays for the helper's ``info`` only if it uses the helper, and for the event stream
        only if it reads events (then from that moment, or ``from_seq``). Close it (``with``)."""
        from bridge.jobs import Session

        return Session(self.device(), from_seq=from_seq, events_since_open=False)

