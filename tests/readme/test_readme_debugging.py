"""README "Debugging your own app's jobs", run as typed (issue 13 item 6)."""

from __future__ import annotations

from tests.readme.test_readme import Terminal, _block, terminal

__all__ = ["terminal"]  # the fixture: a user's shell on a private adb server


def test_the_debugging_block_runs_as_typed_and_says_what_it_promises(terminal: Terminal) -> None:
    block = _block("adb shell am start -n com.example.jobctl.sample")
    outputs: dict[str, str] = {}
    for line in block.lines:
        outputs[line.split("#")[0].strip()] = terminal.type(line).stdout
    jobs = outputs["jobctl jobs -p com.example.jobctl.sample"]
    assert "androidx.work.systemjobscheduler" in jobs
    periodic = outputs["jobctl why -p com.example.jobctl.sample -n androidx.work.systemjobscheduler 1"]
    assert "RefreshWorker [ENQUEUED] unique=refresh" in periodic
    assert ("adb shell cmd jobscheduler run -f -u 0 -n androidx.work.systemjobscheduler com.example.jobctl.sample 1"
            in periodic) and "WorkManager will skip a forced run" in periodic
    finished = outputs["jobctl why -p com.example.jobctl.sample -n androidx.work.systemjobscheduler 2"]
    assert "is not scheduled: it finished" in finished and "app called jobFinished" in finished
    history = outputs["jobctl history -p com.example.jobctl.sample"]
    assert "androidx.work.systemjobscheduler:2" in history
