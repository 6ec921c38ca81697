"""Shell round trip of a trivial command, three ways, against one virtual device:

(a) a raw socket to the adb server (``host:transport-id`` + ``shell,v2,raw:true``, close-stdin, read to
    the exit packet): the floor,
(b) jobctl's bridge device layer (``Device.shell``),
(c) plain adbutils (``AdbClient.device(serial).shell``),
(d) the bridge running a command that writes stderr, drains, then exits (a failing ``cat``): two
    small packets the adb server writes separately, where a client in delayed-ACK mode waited
    40 ms for the second (the stall fixed in ``bridge.adb.protocol``; about (b) when all is well).

Calls are interleaved a, b, c, a, b, c… so that machine noise hits all three alike.
Prints medians, p95 and the ratios b/a (target ≤ 2), c/b and d/b. :func:`run` returns the same
figures as data (``bench/run_all.py`` uses it).

    python -m bench.shell_roundtrip [--calls 500] [--json]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as ``python bench/shell_roundtrip.py``
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.script import run_script
from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from jobctl_sim.harness import SimHarness
from jobctl_sim.fleet import FleetSpec


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def raw_socket_call(port: int, transport_id: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for request in (f"host:transport-id:{transport_id}", "shell,v2,raw:true"):
            sock.sendall(b"%04x%s" % (len(request), request.encode()))
            assert sock.recv(4, socket.MSG_WAITALL) == b"OKAY"
        # close-stdin, as the adb CLI and the bridge send: it also carries the ACK of OKAY, without
        # which the client's delayed ACK stalls the server's next small write by ~40 ms.
        sock.sendall(b"\x04\x00\x00\x00\x00")
        data = b""
        while not (len(data) >= 5 and data[-6:-5] == b"\x03"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk


def measure(calls: int, warmup: int = 10, adb: PrivateAdbServer | None = None) -> dict[str, dict[str, float]]:
    """Median and p95 (ms) per path; on ``adb`` if given, else on a private adb server of its own."""
    if adb is None:
        with PrivateAdbServer() as own:
            return measure(calls, warmup, own)
    import adbutils

    with SimHarness(FleetSpec(), extensions=()) as sim:
        serial = sim.connect(adb.server)[0]
        device = connect(serial, adb.server)
        transport_id = device.info.transport_id
        plain = adbutils.AdbClient(host="127.0.0.1", port=adb.port).device(serial)
        paths: dict[str, Callable[[], object]] = {
            "a_raw_socket": lambda: raw_socket_call(adb.port, transport_id),
            "b_bridge": lambda: device.shell("true"),
            "c_adbutils": lambda: plain.shell("true"),
            "d_bridge_stderr_exit": lambda: device.shell("cat /no/such/file"),
        }
        samples: dict[str, list[float]] = {name: [] for name in paths}
        for call in paths.values():  # warm up
            for _ in range(warmup):
                call()
        for _ in range(calls):
            for name, call in paths.items():
                start = time.perf_counter()
                call()
                samples[name].append((time.perf_counter() - start) * 1000)
    return {name: {"median_ms": statistics.median(s), "p95_ms": percentile(s, 0.95)} for name, s in samples.items()}


def run(calls: int = 500, warmup: int = 10, adb: PrivateAdbServer | None = None) -> dict[str, Any]:
    """Every figure as data: ``{"calls", "paths": {name: {median_ms, p95_ms}}, "ratios"}``."""
    figures = measure(calls, warmup, adb)
    a, b, c, d = (figures[k]["median_ms"] for k in ("a_raw_socket", "b_bridge", "c_adbutils", "d_bridge_stderr_exit"))
    return {"calls": calls, "paths": figures, "ratios": {"b_over_a": b / a, "c_over_b": c / b, "d_over_b": d / b}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.calls)
    figures, ratios = result["paths"], result["ratios"]
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"shell round trip of `true`, {args.calls} interleaved calls per path")
    for name, figure in figures.items():
        print(f"  {name:<14} median {figure['median_ms']:7.3f} ms   p95 {figure['p95_ms']:7.3f} ms")
    print(f"  ratio b/a (bridge / raw socket): {ratios['b_over_a']:.2f}   (target <= 2)")
    print(f"  ratio c/b (adbutils / bridge):   {ratios['c_over_b']:.1f}")
    print(f"  ratio d/b (stderr then exit / true): {ratios['d_over_b']:.2f}   (a delayed-ACK stall shows as ~40 ms)")


if __name__ == "__main__":
    sys.exit(run_script(main, __file__))
