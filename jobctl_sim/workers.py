"""Virtual devices spread over worker processes, so that N devices use every core.

One event loop in one process runs one device's shell, framework and adbd at a time: N devices
in one process take N times as long as one (the GIL). :class:`WorkerFleet` starts
``min(count, cores)`` worker processes (``python -m jobctl_sim.workers``), each serving a
contiguous share of the devices as a :class:`~jobctl_sim.fleet.Fleet` on its own event loop, and
drives them over the worker's stdin/stdout, one JSON object per line:

* the worker announces ``{"ready": true, "pid": …, "devices": [{address, serial, api_level}…]}``
  once its ports listen (or ``{"ready": false, "error": …}``);
* then answers each request ``{"op": "stats" | "fault" | "shell" | "plug" | "unplug" | "stop", …}``
  with one line (``stats``: ``{"ok": true, "devices": [...]}``; ``fault`` and ``shell``: as
  :meth:`Fleet.fault <jobctl_sim.fleet.Fleet.fault>` and :meth:`Fleet.shell <jobctl_sim.fleet.Fleet.shell>`).

A worker whose stdin closes (its parent died) stops its devices and exits: no orphans. The
parent side has blocking methods (for benchmarks and scripts) and the async ones of
:class:`~jobctl_sim.fleet.ServingFleet` (for the daemon, :mod:`jobctl_sim.daemon`), which run
the blocking ones in a thread.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from jobctl_sim.fleet import Fleet, FleetSpec, ServedDevice, SimError

WORKER_MODULE = "jobctl_sim.workers"
START_TIMEOUT = 60.0


def default_worker_count(devices: int) -> int:
    """One worker per core (``os.sched_getaffinity``: the cores this process may use), at most one per device."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(devices, cores))


def shares(count: int, workers: int) -> list[int]:
    """How many devices each worker serves: as even as possible, the larger shares first."""
    base, extra = divmod(count, workers)
    return [base + (1 if index < extra else 0) for index in range(workers) if base or index < extra]


@dataclass(frozen=True)
class WorkerDevice:
    """A device and the worker process serving it."""

    device: ServedDevice
    worker_pid: int


class _Worker:
    """One worker process and its request pipe (one request at a time)."""

    def __init__(self, spec: FleetSpec, log: IO[bytes] | None) -> None:
        command = [sys.executable, "-m", WORKER_MODULE, "--count", str(spec.count), "--api", str(spec.api_level),
                   "--port", str(spec.first_port), "--host", spec.host, "--speed", repr(spec.speed)]
        if not spec.helper:
            command.append("--no-helper")
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=log if log is not None else None, env=_worker_env())
        self._lock = threading.Lock()
        self.devices: tuple[ServedDevice, ...] = ()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            code = self.process.poll()
            raise SimError(f"virtual device worker {self.pid} ended" + (f" (exit {code})" if code is not None else ""))
        answer: dict[str, Any] = json.loads(line)
        return answer

    def wait_ready(self) -> None:
        announced = self._read()
        if not announced.get("ready"):
            raise SimError(f"virtual device worker {self.pid} did not start: {announced.get('error')}")
        self.devices = tuple(ServedDevice(**d) for d in announced["devices"])

    def request(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        with self._lock:
            try:
                self.process.stdin.write(json.dumps(request).encode() + b"\n")
                self.process.stdin.flush()
            except OSError as error:
                raise SimError(f"virtual device worker {self.pid} is gone: {error}") from None
            return self._read()

    def end(self, timeout: float) -> None:
        """Ask it to stop (stdin closed is the signal), then make sure it is gone."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()


class WorkerFleet:
    """``spec.count`` devices over ``workers`` processes (default: one per core, at most one per device)."""

    def __init__(self, spec: FleetSpec, workers: int | None = None, log: IO[bytes] | None = None) -> None:
        self.spec = spec
        self.worker_count = workers or default_worker_count(spec.count)
        self._log = log
        self._workers: list[_Worker] = []

    # -- blocking side -------------------------------------------------------------------------
    def start_blocking(self) -> WorkerFleet:
        """Start every worker (in parallel) and wait until all their devices listen."""
        offset = 0
        try:
            for share in shares(self.spec.count, self.worker_count):
                first = self.spec.first_port + offset if self.spec.first_port else 0
                self._workers.append(_Worker(replace(self.spec, count=share, first_port=first), self._log))
                offset += share
            for worker in self._workers:
                worker.wait_ready()
        except BaseException:
            self.stop_blocking()
            raise
        return self

    def stop_blocking(self, timeout: float = 15.0) -> None:
        workers, self._workers = self._workers, []
        for worker in workers:
            with contextlib.suppress(SimError):
                if worker.process.poll() is None:
                    worker.request({"op": "stop"})
        for worker in workers:
            worker.end(timeout)

    @property
    def devices(self) -> tuple[WorkerDevice, ...]:
        return tuple(WorkerDevice(device, worker.pid) for worker in self._workers for device in worker.devices)

    @property
    def addresses(self) -> list[str]:
        return [d.device.address for d in self.devices]

    @property
    def pids(self) -> list[int]:
        return [worker.pid for worker in self._workers]

    def request_all(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        """Send ``request`` to every worker at once; their answers in worker order."""
        answers: list[dict[str, Any] | BaseException] = [SimError("no answer")] * len(self._workers)

        def ask(index: int, worker: _Worker) -> None:
            try:
                answers[index] = worker.request(request)
            except BaseException as error:  # handed to the caller below
                answers[index] = error

        threads = [threading.Thread(target=ask, args=(i, w)) for i, w in enumerate(self._workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done: list[dict[str, Any]] = []
        for answer in answers:
            if isinstance(answer, BaseException):
                raise answer
            done.append(answer)
        return done

    def stats_blocking(self) -> list[dict[str, Any]]:
        return [device for answer in self.request_all({"op": "stats"}) for device in answer["devices"]]

    def fault_blocking(self, request: dict[str, Any]) -> dict[str, Any]:
        """A fault request on the device it names (or every device), answered as :meth:`Fleet.fault`."""
        wanted = request.get("device")
        targets = [w for w in self._workers if wanted is None or any(wanted in (d.address, d.serial)
                                                                     for d in w.devices)]
        if not targets:
            return {"ok": False, "error": f"no device {wanted!r} in this daemon"}
        devices: list[Any] = []
        for worker in targets:
            answer = worker.request({"op": "fault", "request": request})
            if not answer.get("ok"):
                return answer
            devices += answer["devices"]
        return {"ok": True, "devices": devices}

    def shell_blocking(self, lines: Sequence[str], device: str | None = None) -> list[dict[str, Any]]:
        """Run ``lines`` on the device named (address or serial), or on every device, inside the
        workers (:meth:`Fleet.shell <jobctl_sim.fleet.Fleet.shell>`); each device's exit codes."""
        request = {"op": "shell", "lines": list(lines), "device": device}
        if device is None:
            answers = self.request_all(request)
        else:
            workers = [w for w in self._workers if any(device in (d.address, d.serial) for d in w.devices)]
            answers = [w.request(request) for w in workers] or [{"ok": False, "error": f"no device {device!r}"}]
        self._expect_ok(answers)
        return [entry for answer in answers for entry in answer["devices"]]

    def plug_blocking(self, adb_host: str, adb_port: int) -> None:
        self._expect_ok(self.request_all({"op": "plug", "host": adb_host, "port": adb_port}))

    def unplug_blocking(self) -> None:
        self._expect_ok(self.request_all({"op": "unplug"}))

    def rss_bytes(self) -> dict[int, int]:
        """Each worker's resident set size (``VmRSS`` of ``/proc/PID/status``; empty without /proc)."""
        sizes: dict[int, int] = {}
        for pid in self.pids:
            with contextlib.suppress(OSError, ValueError):
                status = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
                for line in status.splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1]) * 1024
        return sizes

    @staticmethod
    def _expect_ok(answers: list[dict[str, Any]]) -> None:
        for answer in answers:
            if not answer.get("ok"):
                raise SimError(f"a virtual device worker refused: {answer.get('error')}")

    def __enter__(self) -> WorkerFleet:
        return self.start_blocking()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop_blocking()

    # -- async side (ServingFleet, for the daemon's event loop) ---------------------------------
    async def start(self) -> None:
        await asyncio.to_thread(self.start_blocking)

    async def stop(self) -> None:
        await asyncio.to_thread(self.stop_blocking)

    def served(self) -> tuple[ServedDevice, ...]:
        return tuple(d.device for d in self.devices)

    async def plug(self, adb_host: str, adb_port: int) -> None:
        await asyncio.to_thread(self.plug_blocking, adb_host, adb_port)

    async def unplug(self) -> None:
        await asyncio.to_thread(self.unplug_blocking)

    async def stats(self) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self.stats_blocking)

    async def fault(self, request: dict[str, Any]) -> dict[str, Any]:
        return await asyncio.to_thread(self.fault_blocking, request)


def serving_fleet(spec: FleetSpec, logger: logging.Logger | None = None,
                  log: IO[bytes] | None = None) -> Fleet | WorkerFleet:
    """What the daemon serves ``spec`` with: worker processes when there are several devices and
    several cores to run them on, else one in-process :class:`Fleet` (no process to spare)."""
    if default_worker_count(spec.count) > 1:
        return WorkerFleet(spec, log=log)
    return Fleet(spec, logger=logger)


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


# ----------------------------------------------------------------------------------------------
# The worker process.
# ----------------------------------------------------------------------------------------------
async def _answer(fleet: Fleet, request: dict[str, Any]) -> dict[str, Any]:
    op = request.get("op")
    if op == "stats":
        return {"ok": True, "devices": await fleet.stats()}
    if op == "fault":
        inner = request.get("request")
        return await fleet.fault(inner) if isinstance(inner, dict) else {"ok": False, "error": "no fault request"}
    if op == "shell":
        return await fleet.shell(request)
    if op == "plug":
        await fleet.plug(str(request["host"]), int(request["port"]))
        return {"ok": True}
    if op == "unplug":
        await fleet.unplug()
        return {"ok": True}
    if op == "stop":
        return {"ok": True}
    return {"ok": False, "error": f"unknown op {op!r}"}


async def _serve_worker(spec: FleetSpec) -> None:
    out = sys.stdout.buffer

    def send(document: dict[str, Any]) -> None:
        out.write(json.dumps(document).encode() + b"\n")
        out.flush()

    fleet = Fleet(spec, logger=logging.getLogger("jobctl.sim"))
    try:
        await fleet.start()
    except (OSError, SimError) as error:
        send({"ready": False, "error": str(error)})
        return
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    send({"ready": True, "pid": os.getpid(),
          "devices": [{"address": d.address, "serial": d.serial, "api_level": d.api_level} for d in fleet.served()]})
    try:
        while line := await reader.readline():
            try:
                request = json.loads(line)
                answer = await _answer(fleet, request) if isinstance(request, dict) else {"ok": False}
            except (ValueError, KeyError, TypeError) as error:
                answer = {"ok": False, "error": f"bad request: {error}"}
            send(answer)
            if isinstance(request, dict) and request.get("op") == "stop":
                break
    finally:
        await fleet.unplug()
        await fleet.stop()
        leftovers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {WORKER_MODULE}")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--api", type=int, default=34)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--no-helper", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s[worker]: %(message)s")
    spec = FleetSpec(count=args.count, api_level=args.api, first_port=args.port, host=args.host,
                     speed=args.speed, helper=not args.no_helper)
    asyncio.run(_serve_worker(spec))
    return 0


if __name__ == "__main__":
    sys.exit(main())
