"""No secrets in logs (PROTOCOL.md §9.3): job extras values never reach logcat, the virtual
device daemon's log or jobctl's output unless the user asked for them, and the private adb
server's key never leaves its scratch HOME.

Each test first shows that the secret did reach the device (the private journal holds it), so
its absence elsewhere is not the absence of the data altogether.
"""

from __future__ import annotations

import json
import os
import stat
import uuid
from pathlib import Path

from bridge.adb.private import PrivateAdbServer
from bridge.jobs import Session
from bridge.model import JobSpec
from bridge.model.events import EventKind
from jobctl_sim import daemon
from tests.cli.test_sim_and_devices import jobctl

PACKAGE = "dev.jobctl.helper"
READ_JOURNAL = f"run-as {PACKAGE} sh -c 'cat files/journal/previous.jsonl files/journal/current.jsonl 2>/dev/null'"


def secret() -> str:
    return f"s3cr3t-{uuid.uuid4().hex}"


def adb_key_body(adb: PrivateAdbServer) -> str:
    """The longest base64 line of the server's private key: what a leak would contain."""
    pem = (adb.scratch_dir / ".android" / "adbkey").read_text()
    return max((line for line in pem.splitlines() if not line.startswith("-----")), key=len)


def files_containing(root: Path, needle: str, skip: set[Path] = frozenset()) -> list[Path]:  # type: ignore[assignment]
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and path not in skip:
            try:
                if needle.encode() in path.read_bytes():
                    found.append(path)
            except OSError:
                continue
    return found


def test_job_extras_reach_the_journal_but_never_logcat(adb: PrivateAdbServer, serial: str, session: Session) -> None:
    token, transient = secret(), secret()
    session.schedule(JobSpec(71, requires_charging=True, extras={"token": token}))
    session.schedule(JobSpec(72, requires_charging=True, transient_extras={"token": transient}))

    # nothing is lost: the live stream fills the stand-ins from the journal
    for job_id, key, value in ((71, "extras", token), (72, "transient_extras", transient)):
        event = session.log.wait_for(lambda e, j=job_id: e.kind is EventKind.SCHEDULED and e.job_id == j, 15)
        assert event.fields["spec"][key] == {"token": value}
        assert not event.log_truncated

    journal = adb.adb("-s", serial, "shell", READ_JOURNAL).stdout
    assert token in journal and transient in journal  # on the device, in private storage
    logcat = adb.adb("-s", serial, "shell", "logcat -d -b all -v threadtime")
    assert logcat.returncode == 0 and "I jobctl" in logcat.stdout  # the helper's lines are there...
    assert token not in logcat.stdout and transient not in logcat.stdout  # ...without the values
    stand_ins = [json.loads(line) for line in adb.adb("-s", serial, "shell", "logcat -d -v raw -s jobctl:I").stdout
                 .splitlines() if '"kind":"scheduled"' in line]
    assert len(stand_ins) == 2 and all(e.get("log_truncated") is True and "spec" not in e for e in stand_ins)


def test_jobctl_output_and_the_daemon_log_do_not_repeat_a_secret_extra(adb: PrivateAdbServer, tmp_path: Path) -> None:
    token = secret()
    state = tmp_path / "state"
    started = jobctl(adb, "--json", "sim", "start", state_dir=state)
    assert started.returncode == 0, started.stderr
    serial = json.loads(started.stdout)["serials"][0]
    outputs = [started]
    try:
        scheduled = jobctl(adb, "-s", serial, "schedule", "5", "--requires-charging", "--extra", f"token={token}",
                           state_dir=state)
        assert scheduled.returncode == 0, scheduled.stderr
        outputs.append(scheduled)
        journal = adb.adb("-s", serial, "shell", READ_JOURNAL).stdout
        assert token in journal  # the secret did reach the device
        for args in (("jobs",), ("--json", "jobs"), ("state", "5"), ("--json", "state", "5"), ("why", "5"),
                     ("stops",), ("devices",)):
            result = jobctl(adb, "-s", serial, *args, state_dir=state)
            assert result.returncode == 0, (args, result.stderr)
            outputs.append(result)
        refused = jobctl(adb, "-s", serial, "schedule", "6", "--requires-charging",
                         "--extra", f"jobctl.reserved={token}", state_dir=state)
        assert refused.returncode != 0 and "reserved" in refused.stderr
        outputs.append(refused)
        record = daemon.records(state)[0]
    finally:
        stopped = jobctl(adb, "sim", "stop", state_dir=state)
    assert stopped.returncode == 0, stopped.stderr
    outputs.append(stopped)

    for result in outputs:
        assert token not in result.stdout and token not in result.stderr, result.args
    daemon_log = Path(record.log_file).read_text()
    assert f"serving {record.devices[0].serial_number}" in daemon_log  # the log is written...
    assert token not in daemon_log  # ...without the secret
    assert files_containing(state, token) == []
    key = adb_key_body(adb)
    assert all(key not in r.stdout and key not in r.stderr for r in outputs)
    assert files_containing(state, key) == []


def test_the_private_adb_servers_key_stays_in_its_private_scratch_home() -> None:
    server = PrivateAdbServer().start()
    try:
        home = server.scratch_dir
        key_file = home / ".android" / "adbkey"
        assert stat.S_IMODE(home.stat().st_mode) == 0o700 and home.stat().st_uid == os.getuid()
        assert key_file.is_file() and stat.S_IMODE(key_file.stat().st_mode) & 0o077 == 0
        body = max((line for line in key_file.read_text().splitlines() if not line.startswith("-----")), key=len)
        assert server.adb("devices").returncode == 0
        assert files_containing(home, body, skip={key_file}) == []  # adb's log, if any, holds no key
    finally:
        server.stop()
    assert not home.exists(), "the scratch HOME (with the key pair) outlived the server"
