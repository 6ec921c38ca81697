"""``jobctl watch`` says once, in its own line, when the helper's journal starts again
(``pm clear`` while watching), and goes on showing the new journal's events from seq 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.helper import Helper
from bridge.helper_protocol import HELPER_PACKAGE
from bridge.model import JobSpec


def test_watch_prints_one_notice_after_pm_clear_and_the_new_events(adb: PrivateAdbServer, serial: str) -> None:
    helper = Helper(connect(serial, adb.server))
    helper.schedule(JobSpec(1, requires_charging=True))
    env = dict(adb.env, ANDROID_SERIAL=serial)
    watch = subprocess.Popen([sys.executable, "-m", "cli.main", "watch", "--json-lines", "--duration", "12s"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert watch.stdout is not None
        first = json.loads(watch.stdout.readline())  # the conditions read: the stream is open from here
        assert first["type"] == "conditions"
        helper.device.shell(["pm", "clear", HELPER_PACKAGE], check=True)
        for job_id in (2, 3):
            helper.schedule(JobSpec(job_id, requires_charging=True))
        deadline = time.monotonic() + 60
        out, err = watch.communicate(timeout=max(deadline - time.monotonic(), 1))
    finally:
        if watch.poll() is None:
            os.kill(watch.pid, 9)
            watch.wait()
    assert watch.returncode == 0, err
    entries = [json.loads(line) for line in out.splitlines()]
    notices = [entry for entry in entries if entry["type"] == "notice"]
    assert len(notices) == 1 and notices[0]["kind"] == "EpochChanged"
    assert notices[0]["message"].startswith("the helper's journal started again")
    scheduled = [entry for entry in entries if entry["type"] == "event" and entry["kind"] == "scheduled"]
    assert [entry["job_id"] for entry in scheduled] == [2, 3]
    assert scheduled[0]["seq"] < 5
