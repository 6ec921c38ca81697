"""What a stream OPEN can ask the virtual device for, mapped to the coroutine that serves it.

Service strings are those adb clients really send (adb-protocol.md §3). Anything else is
refused with CLSE, which clients report as ``closed``.
"""

from __future__ import annotations

from functools import partial

from jobctl_sim.adbd.services.abb import serve_abb_exec
from jobctl_sim.adbd.services.reboot import serve_reboot
from jobctl_sim.adbd.services.reverse import serve_reverse
from jobctl_sim.adbd.services.root import serve_root, serve_unroot
from jobctl_sim.adbd.services.shell import ShellOptions, serve_shell
from jobctl_sim.adbd.services.sockets import SOCKET_NAMESPACES, serve_socket
from jobctl_sim.adbd.services.sync import serve_sync
from jobctl_sim.device import VirtualDevice
from jobctl_sim.adbd.transport import Service


def resolve_service(name: str, device: VirtualDevice) -> Service | None:
    """The service for an OPEN's (NUL-stripped) name on ``device``, or None to refuse it."""
    kind, sep, rest = name.partition(":")
    if not sep:
        return None
    if kind == "sync" and not rest:
        return serve_sync
    if kind == "exec":
        return partial(serve_shell, ShellOptions(protocol_v2=False, raw=True), rest)
    if kind.split(",")[0] == "shell":
        options = ShellOptions.parse(kind)
        return None if options is None else partial(serve_shell, options, rest)
    if kind == "abb_exec":
        return partial(serve_abb_exec, rest.split("\0"))
    if kind == "reboot" and not rest:
        return serve_reboot
    # daemon/services.cpp daemon_service_to_fd: "root:"/"unroot:" match as prefixes, whatever follows.
    if kind == "root":
        return serve_root
    if kind == "unroot":
        return serve_unroot
    if kind == "reverse":
        return partial(serve_reverse, rest)
    if kind in SOCKET_NAMESPACES and device.sockets.lookup(kind, rest) is not None:
        return partial(serve_socket, kind, rest)
    return None


__all__ = ["resolve_service"]
