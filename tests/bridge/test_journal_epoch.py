"""The journal epoch as the library reads it (PROTOCOL.md §5.6): ``InfoResult.journal_epoch`` and
``JournalResult.epoch``, on the virtual device through the real adb server.

The epoch is what lets a host tell "the helper's numbering restarted" (``pm clear``, reinstall:
``seq`` starts again at 1) from "already seen"; it must be stable while the data lives.
"""

from __future__ import annotations

import re

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.errors import HelperProtocolError
from bridge.helper import Helper
from bridge.helper_protocol import HELPER_PACKAGE, decode_result
from bridge.model import JobSpec

EPOCH = re.compile(r"[0-9a-f]{16}")


def test_info_reports_an_epoch_that_a_process_restart_keeps(adb: PrivateAdbServer, serial: str) -> None:
    device = connect(serial, adb.server)
    helper = Helper(device)
    first = helper.info()
    assert first.journal_epoch is not None and EPOCH.fullmatch(first.journal_epoch)
    helper.schedule(JobSpec(job_id=31, min_latency_ms=3_600_000))
    assert device.shell(["am", "force-stop", HELPER_PACKAGE]).exit_code == 0
    again = helper.info()
    assert again.journal_epoch == first.journal_epoch
    assert again.journal_next_seq > first.journal_next_seq
    read = helper.journal(1)
    assert read.epoch == first.journal_epoch
    assert device.shell(["run-as", HELPER_PACKAGE, "cat", "files/journal/epoch"]).text == f"{first.journal_epoch}\n"


def test_pm_clear_gives_a_new_epoch_while_seq_restarts_at_one(adb: PrivateAdbServer, serial: str) -> None:
    device = connect(serial, adb.server)
    helper = Helper(device)
    for job_id in (41, 42, 43):
        helper.schedule(JobSpec(job_id=job_id, min_latency_ms=3_600_000))
    before = helper.info()
    assert "Success" in device.shell(["pm", "clear", HELPER_PACKAGE]).text
    after = helper.info()
    assert after.journal_next_seq == 2 < before.journal_next_seq  # only process_started so far
    assert after.journal_epoch is not None and after.journal_epoch != before.journal_epoch
    assert helper.journal(1).epoch == after.journal_epoch


def test_reinstalling_the_helper_gives_a_new_epoch(adb: PrivateAdbServer, serial: str) -> None:
    device = connect(serial, adb.server)
    helper = Helper(device)
    before = helper.info()
    assert helper.uninstall()
    after = helper.ensure_ready()
    assert after.journal_epoch is not None and after.journal_epoch != before.journal_epoch


def _info_response(journal: str) -> str:
    return ('{"v":1,"id":null,"ok":true,"result":{"package":"dev.jobctl.helper","helper_version":"1.2",'
            '"version_code":1002,"protocol_version":1,"protocol_versions":[1],"api_level":34,'
            f'"journal":{journal}}}}}')


def test_an_older_helper_without_epoch_reads_as_none() -> None:
    info = decode_result("info", _info_response('{"first_seq":1,"next_seq":9}'))
    assert info.journal_epoch is None and info.journal_next_seq == 9
    read = decode_result("journal", '{"v":1,"id":null,"ok":true,"result":{"events":[],"next_seq":9,'
                                    '"first_seq":1,"dropped_before_seq":null}}')
    assert read.epoch is None


def test_a_malformed_epoch_is_a_protocol_error() -> None:
    with pytest.raises(HelperProtocolError, match="epoch: expected 16 lowercase hex digits"):
        decode_result("info", _info_response('{"first_seq":1,"next_seq":9,"epoch":"ABC"}'))
