"""Helpers shared by the security tests: what the kernel says is listening, and waits."""

from __future__ import annotations

import ipaddress
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

LISTEN = "0A"
"""``st`` of a listening TCP socket in /proc/net/tcp (include/net/tcp_states.h: TCP_LISTEN = 10)."""

needs_proc_net = pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="reads the kernel's socket table in /proc/net/tcp (Linux)")


def _decode(hex_address: str) -> str:
    """``0100007F`` -> ``127.0.0.1``: /proc/net/tcp prints the address in host byte order."""
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw[::-1] if sys.byteorder == "little" else raw))
    words = [raw[i:i + 4] for i in range(0, 16, 4)]
    ordered = b"".join(w[::-1] if sys.byteorder == "little" else w for w in words)
    return str(ipaddress.IPv6Address(ordered))


def listening_addresses(port: int) -> set[str]:
    """Every local address a TCP socket is listening on at ``port`` (IPv4 and IPv6)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, _, port_hex = fields[1].partition(":")
            if fields[3] == LISTEN and int(port_hex, 16) == port:
                found.add(_decode(address))
    return found


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
