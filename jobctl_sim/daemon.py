"""``jobctl sim start|stop|status|run``: virtual devices as a background daemon.

A daemon is a detached Python process (its own session, not the terminal's child) serving a
:class:`Fleet`. It announces itself with a JSON record in the state directory
(``$JOBCTL_STATE_DIR``, else ``$XDG_STATE_HOME/jobctl``, else ``~/.local/state/jobctl``) once its
ports listen, and removes the record when it stops. ``start`` then connects each device to
the adb server (starting one from the adbutils wheel if none runs) and waits until the server
lists it as ``device``. ``stop`` disconnects and ends only daemons recorded in the state
directory, checking that each recorded pid is still one of ours before signalling it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from bridge.adb.server import AdbServer, ServerAddress
from bridge.errors import JobctlError
from jobctl_sim.fleet import FleetSpec, ServingFleet, wait_online
from jobctl_sim.fleet import SimError as SimError  # what this module's functions raise, for their callers

RECORD_DIR = "sims"
DAEMON_MODULE = "jobctl_sim.daemon"


def default_state_dir() -> Path:
    if os.environ.get("JOBCTL_STATE_DIR"):
        return Path(os.environ["JOBCTL_STATE_DIR"])
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "jobctl"


@dataclass(frozen=True)
class SimDevice:
    address: str
    """``HOST:PORT``: the serial the adb server lists."""
    serial_number: str
    """``ro.serialno`` inside the device."""
    api_level: int
    helper: bool


@dataclass(frozen=True)
class SimRecord:
    """One running daemon, as written to ``<state>/sims/<pid>.json``."""

    pid: int
    adb_server: str
    devices: tuple[SimDevice, ...]
    speed: float
    log_file: str
    started_at: float
    control_socket: str = ""
    """A Unix socket answering JSON-line requests (``{"op": "stats"}``); see :func:`control`."""

    @classmethod
    def load(cls, path: Path) -> SimRecord:
        raw = json.loads(path.read_text())
        devices = tuple(SimDevice(**d) for d in raw.pop("devices"))
        return cls(devices=devices, **raw)

    def save(self, state_dir: Path) -> Path:
        folder = state_dir / RECORD_DIR
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.pid}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        os.replace(tmp, path)
        return path

    @property
    def alive(self) -> bool:
        return _is_our_daemon(self.pid)


def _is_our_daemon(pid: int) -> bool:
    """True if ``pid`` runs this module (not a recycled pid of some other program)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): trust the record
    return DAEMON_MODULE.encode() in cmdline


def records(state_dir: Path | None = None) -> list[SimRecord]:
    folder = (state_dir or default_state_dir()) / RECORD_DIR
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            found.append(SimRecord.load(path))
        except (OSError, ValueError, TypeError):
            continue
    return found


# --------------------------------------------------------------------------------------
# The daemon process itself.
# --------------------------------------------------------------------------------------
async def serve(spec: FleetSpec, adb_server: ServerAddress, state_dir: Path | None, log_file: str,
                on_ready: Callable[[SimRecord], Awaitable[None]] | None = None) -> None:
    """Run a fleet until SIGTERM/SIGINT; announce it in ``state_dir`` while it runs."""
    logger = logging.getLogger("jobctl.sim")
    from jobctl_sim.workers import serving_fleet

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):  # first: a stop during start-up still cleans up
        loop.add_signal_handler(signum, stop.set)
    fleet: ServingFleet = serving_fleet(spec, logger)  # several devices: one worker process per core
    control_path: Path | None = None
    control_server: asyncio.AbstractServer | None = None
    path: Path | None = None
    plugged = False
    try:
        await fleet.start()
        control_path = _control_path(state_dir) if state_dir is not None else None
        control_server = await _serve_control(fleet, control_path) if control_path is not None else None
        record = SimRecord(
            control_socket=str(control_path or ""),
            pid=os.getpid(),
            adb_server=str(adb_server),
            devices=tuple(
                SimDevice(d.address, d.serial, d.api_level, spec.helper) for d in fleet.served()
            ),
            speed=spec.speed,
            log_file=log_file,
            started_at=time.time(),
        )
        if not stop.is_set():
            path = record.save(state_dir) if state_dir is not None else None
            for device in fleet.served():
                logger.info("serving %s on %s", device.serial, device.address)
            await fleet.plug(adb_server.host, adb_server.port)
            plugged = True
            if on_ready is not None:
                await on_ready(record)
        await stop.wait()
    finally:
        if plugged:
            await fleet.unplug()
        if path is not None:
            path.unlink(missing_ok=True)
        if control_server is not None:
            control_server.close()
            await control_server.wait_closed()
        if control_path is not None:
            control_path.unlink(missing_ok=True)
        await fleet.stop()


def _control_path(state_dir: Path) -> Path:
    """``<state>/sims/<pid>.sock``, in a directory only this user may enter (0700): a Unix
    socket's own mode guards ``connect`` on Linux, but not on every system (unix(7): "portable
    programs should not rely on this feature for security"); its directory's mode does."""
    folder = state_dir / RECORD_DIR
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder / f"{os.getpid()}.sock"


async def _serve_control(fleet: ServingFleet, path: Path) -> asyncio.AbstractServer:
    """Answer one JSON request per line on a Unix socket only this user can open."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                writer.write(json.dumps(await _control_request(fleet, line)).encode() + b"\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    path.unlink(missing_ok=True)
    old_umask = os.umask(0o077)
    try:
        server = await asyncio.start_unix_server(handle, path=str(path))
    finally:
        os.umask(old_umask)
    path.chmod(0o600)  # bind() under umask 077 gives 0700; a socket needs no execute bit
    return server


async def _control_request(fleet: ServingFleet, line: bytes) -> dict[str, object]:
    try:
        request = json.loads(line)
        op = request["op"]
    except (ValueError, KeyError, TypeError):
        return {"ok": False, "error": "bad request: expected a JSON object with an \"op\""}
    if op == "stats":
        return {"ok": True, "devices": await fleet.stats()}
    if op == "fault":
        # {"op": "fault", "device": ADDRESS-OR-SERIAL (optional: every device), "kind": …}
        return await fleet.fault(request)
    return {"ok": False, "error": f"unknown op {op!r}"}


def control(record: SimRecord, request: dict[str, object], timeout: float = 10.0) -> dict[str, object]:
    """Send one request to a running daemon's control socket and return its answer."""
    import socket

    if not record.control_socket:
        raise SimError(f"the daemon {record.pid} has no control socket")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(record.control_socket)
            sock.sendall(json.dumps(request).encode() + b"\n")
            answer = sock.makefile("rb").readline()
    except OSError as error:
        raise SimError(f"the daemon {record.pid} did not answer: {error}") from None
    document: dict[str, object] = json.loads(answer)
    if not document.get("ok"):
        raise SimError(f"the daemon {record.pid} refused {request}: {document.get('error')}")
    return document


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {DAEMON_MODULE}")
    parser.add_argument("--state-dir", type=Path)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--api", type=int, default=34)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--no-helper", action="store_true")
    parser.add_argument("--adb-server", default=str(ServerAddress.from_environment()))
    parser.add_argument("--log-file", default="")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    spec = FleetSpec(count=args.count, api_level=args.api, first_port=args.port, host=args.host,
                     speed=args.speed, helper=not args.no_helper)
    asyncio.run(serve(spec, ServerAddress.parse(args.adb_server), args.state_dir, args.log_file))
    return 0


# --------------------------------------------------------------------------------------
# The controlling side (what `jobctl sim start/stop/status` call).
# --------------------------------------------------------------------------------------
def start(spec: FleetSpec, server: AdbServer | None = None, state_dir: Path | None = None,
          timeout: float = 30.0) -> SimRecord:
    """Start a detached daemon, connect its devices to the adb server, wait until online."""
    server = server or AdbServer()
    state_dir = state_dir or default_state_dir()
    logs = state_dir / "logs"
    logs.mkdir(mode=0o700, parents=True, exist_ok=True)  # the log is this user's business only
    log_path = logs / f"sim-{int(time.time() * 1000)}.log"
    command = [
        sys.executable, "-m", DAEMON_MODULE, "--state-dir", str(state_dir), "--count", str(spec.count),
        "--api", str(spec.api_level), "--port", str(spec.first_port), "--host", spec.host,
        "--speed", repr(spec.speed), "--adb-server", str(server.address), "--log-file", str(log_path),
    ] + (["--no-helper"] if not spec.helper else [])
    process: subprocess.Popen[bytes] | None = None
    try:
        # A signal while Popen spawns would leave a daemon nobody holds: it waits until Popen returned.
        with _signals_deferred(), open(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
                                       "ab") as log:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True, env=_daemon_env())
        record_path = state_dir / RECORD_DIR / f"{process.pid}.json"
        deadline = time.monotonic() + timeout
        while not record_path.exists():
            if process.poll() is not None:
                raise SimError(f"the virtual device daemon exited with {process.returncode}: {_tail(log_path)}")
            if time.monotonic() > deadline:
                raise SimError(f"the virtual device daemon did not come up within {timeout:.0f} s ({log_path})")
            time.sleep(0.02)
        record = SimRecord.load(record_path)
        server.ensure_running()
        for device in record.devices:
            server.connect_device(device.address)
        wait_online(server, [d.address for d in record.devices], deadline)
    except BaseException:  # an error, Ctrl-C, SIGTERM: no daemon is left running, no record behind
        if process is not None:
            with _signals_held():
                _abandon(process, server, state_dir)
        raise
    return record


_STOPPING_SIGNALS: tuple[int, ...] = tuple(
    s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)
"""The signals that end a ``jobctl`` command (Ctrl-C, ``kill``, a closed terminal)."""


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP until the block ends, then deliver the first one that
    came to the handler that was in place (main thread only). For a step that must not be cut in
    two, such as spawning a process whose handle the caller needs to clean up."""
    arrived: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        arrived.append(signum)

    try:
        with _stopping_signals_go_to(remember):
            yield
    finally:
        if arrived:
            signal.raise_signal(arrived[0])  # the handler it would have met (Python runs it here)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ignore SIGINT, SIGTERM and SIGHUP for the block (a bounded clean-up a second Ctrl-C must
    not cut short); in the main thread only, the previous handlers are put back after."""
    with _stopping_signals_go_to(signal.SIG_IGN):
        yield


@contextlib.contextmanager
def _stopping_signals_go_to(handler: Callable[[int, FrameType | None], Any] | int) -> Iterator[None]:
    """For the block, :data:`_STOPPING_SIGNALS` go to ``handler``; the previous handlers come back
    after. Only the main thread may set handlers: elsewhere the block runs with nothing changed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, handler) for s in _STOPPING_SIGNALS}
    try:
        yield
    finally:
        for s, handler_before in previous.items():
            if handler_before is not None:  # None: installed outside Python, nothing to put back from here
                signal.signal(s, handler_before)


def _abandon(process: subprocess.Popen[bytes], server: AdbServer, state_dir: Path, timeout: float = 10.0) -> None:
    """End a daemon ``start`` gave up on, wherever its start-up was: stop it as ``sim stop`` does
    once it announced itself, else SIGTERM (SIGKILL after ``timeout``); then remove what it may
    have left (its record, its control socket)."""
    record_path = state_dir / RECORD_DIR / f"{process.pid}.json"
    try:
        record: SimRecord | None = SimRecord.load(record_path)
    except (OSError, ValueError, TypeError):
        record = None
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if record is not None:
        stop_record(record, server, state_dir)
    record_path.unlink(missing_ok=True)
    record_path.with_suffix(".tmp").unlink(missing_ok=True)
    record_path.with_suffix(".sock").unlink(missing_ok=True)


def stop_record(record: SimRecord, server: AdbServer | None = None, state_dir: Path | None = None,
                timeout: float = 10.0) -> None:
    """Stop a daemon, then disconnect its devices (in that order: its cables would plug them in again)."""
    server = server or AdbServer(ServerAddress.parse(record.adb_server))
    if record.alive:
        with contextlib.suppress(ProcessLookupError):  # another `sim stop` may have ended it just now
            os.kill(record.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while record.alive and time.monotonic() < deadline:
            time.sleep(0.02)
        if record.alive:
            with contextlib.suppress(ProcessLookupError):
                os.kill(record.pid, signal.SIGKILL)
    if server.is_running():
        for device in record.devices:
            with contextlib.suppress(JobctlError):
                server.disconnect_device(device.address)
    path = (state_dir or default_state_dir()) / RECORD_DIR / f"{record.pid}.json"
    path.unlink(missing_ok=True)


def same_server(record: SimRecord, server: ServerAddress) -> bool:
    """Whether ``record``'s devices are plugged into the adb server at ``server`` (``localhost``
    and ``127.0.0.1`` are one host)."""
    def canonical(address: ServerAddress) -> tuple[str, int]:
        host = address.host or "127.0.0.1"
        return ("127.0.0.1" if host in ("localhost", "::1", "127.0.0.1") else host), address.port

    try:
        return canonical(ServerAddress.parse(record.adb_server)) == canonical(server)
    except (ValueError, JobctlError):
        return False


def stop_all(state_dir: Path | None = None, server: ServerAddress | None = None) -> list[SimRecord]:
    """Stop every daemon recorded in ``state_dir`` -- only those plugged into ``server`` when it
    is given (two users, terminals or CI jobs on one adb server each never stop each other's
    devices); returns what was stopped."""
    stopped = [record for record in records(state_dir) if server is None or same_server(record, server)]
    for record in stopped:
        stop_record(record, state_dir=state_dir)
    return stopped


def _daemon_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"


if __name__ == "__main__":
    sys.exit(main())
