"""No shell command waits on a delayed ACK (issue 16).

The adb server writes each shell-protocol packet it gets from the device to the client as it
comes, without TCP_NODELAY on the client's socket. When a command writes stderr, drains, and then
exits (a failing ``cat``, the helper's journal read), the exit packet is a second small write
held by Nagle until the client ACKs the first, and a client in the kernel's delayed-ACK
("pingpong") mode -- where every request-then-answer exchange puts it -- ACKs only after
40 ms. The bridge's client therefore leaves delayed-ACK mode while it reads shell packets
(``TCP_QUICKACK``). The adb CLI does not stall there; this checks the socket state, not a time.
"""

from __future__ import annotations

import socket

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.adb.protocol import SHELL_CLOSE_STDIN, SHELL_EXIT, SHELL_STDERR
from bridge.device import connect

pytestmark = pytest.mark.skipif(not hasattr(socket, "TCP_QUICKACK"), reason="TCP_QUICKACK is Linux-only")


def _in_quick_ack_mode(sock: socket.socket) -> bool:
    """Linux reports TCP_QUICKACK as "not in delayed-ACK (pingpong) mode" (tcp_getsockopt)."""
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK))


def test_the_bridge_acknowledges_each_shell_packet_at_once_so_stderr_then_exit_never_waits_for_a_delayed_ack(
        adb: PrivateAdbServer, serial: str) -> None:
    device = connect(serial, adb.server)
    with adb.server.connect() as conn:
        conn.select_transport(device.info.transport_id)
        conn.open_service("shell,v2,raw:cat /no/such/file")
        conn.send_shell_packet(SHELL_CLOSE_STDIN)  # a request right after an answer: delayed-ACK mode
        seen = [(packet_id, _in_quick_ack_mode(conn.sock)) for packet_id, _ in conn.shell_packets()]
    assert [packet_id for packet_id, _ in seen] == [SHELL_STDERR, SHELL_EXIT]
    assert all(quick for _, quick in seen), seen


def test_a_failing_cat_still_reports_its_stderr_and_exit_status(adb: PrivateAdbServer, serial: str) -> None:
    result = connect(serial, adb.server).shell("cat /no/such/file")
    assert result.exit_code == 1
    assert result.stderr.decode().strip() == "cat: /no/such/file: No such file or directory"
