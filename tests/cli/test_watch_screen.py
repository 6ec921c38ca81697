"""``jobctl watch`` as a person sees it: run in a real terminal (a tmux pane on a private tmux
server) against a virtual device while the test pulls the charger. The pane is captured as text
(asserted on: the charging change comes before the stop it caused, stop reasons by name, the
live job table above the timeline, no Python reprs), saved under tests/artifacts/ and rendered
to a PNG by headless Chromium (also copied to docs/screenshots/)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer
from bridge.model import JobSpec
from bridge.model.script import Hold, JobScript
from tests.support.screenshots import artifact, png_size_and_colours, publish, screenshot, terminal_page

ROOT = Path(__file__).resolve().parents[2]
COLUMNS, ROWS = 150, 40
EXIT_MARKER = "jobctl-watch-exit="


class Pane:
    """One tmux pane on a tmux server of its own (``-L``), killed at the end."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.tmux = [shutil.which("tmux") or "tmux", "-L", name, "-f", "/dev/null"]
        exports = " ".join(f"{key}={_quote(value)}" for key, value in env.items())
        program = " ".join(_quote(part) for part in command)
        # The shell prints the program's exit status in the pane (tmux's own pane_dead_status is not
        # always filled in when the pane dies); ``trap : INT`` keeps that shell alive through Ctrl-C
        # while the program, in the same foreground process group, gets the SIGINT as usual.
        line = (f"cd {_quote(str(ROOT))} && trap : INT && env -u COLUMNS -u LINES {exports} {program}; "
                f"echo {EXIT_MARKER}$?")
        subprocess.run([*self.tmux, "new-session", "-d", "-x", str(COLUMNS), "-y", str(ROWS), "-s", "w", line],
                       check=True, timeout=10)
        subprocess.run([*self.tmux, "set-option", "-t", "w", "remain-on-exit", "on"], check=True, timeout=10)

    def text(self, colours: bool = False) -> str:
        flags = ["-p", "-e"] if colours else ["-p"]
        return subprocess.run([*self.tmux, "capture-pane", *flags, "-t", "w"], capture_output=True, text=True,
                              check=True, timeout=10).stdout

    def wait_for(self, needle: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if needle in text:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} never appeared; the pane shows:\n{text}")
            time.sleep(0.2)

    def ctrl_c_and_exit_status(self, timeout: float = 20) -> int:
        subprocess.run([*self.tmux, "send-keys", "-t", "w", "C-c"], check=True, timeout=10)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.text().splitlines():
                if line.startswith(EXIT_MARKER):
                    return int(line[len(EXIT_MARKER):].strip())
            time.sleep(0.2)
        alive = subprocess.run(["ps", "-eo", "pid,stat,args"], capture_output=True, text=True).stdout
        raise AssertionError("watch did not end on Ctrl-C:\n" + "\n".join(
            line for line in alive.splitlines() if "cli.main" in line and "watch" in line))

    def kill(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True, timeout=10)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@pytest.mark.skipif(shutil.which("tmux") is None and os.environ.get("CI") != "true", reason="tmux is not installed")
def test_watch_shows_the_charger_pulled_before_the_stop_it_caused(adb: PrivateAdbServer, serial: str,
                                                                  session) -> None:  # type: ignore[no-untyped-def]
    session.conditions.set_charging(True)
    env = {key: value for key, value in adb.env.items() if key not in ("ANDROID_SERIAL", "COLUMNS", "LINES")}
    env.update({"TERM": "xterm-256color", "PYTHONPATH": str(ROOT)})  # in colour, as a person sees it
    pane = Pane(f"jobctl-watch-{os.getpid()}", [sys.executable, "-m", "cli.main", "-s", serial, "watch"], env)
    try:
        pane.wait_for("conditions")
        session.schedule(JobSpec(31, requires_charging=True, script=JobScript(steps=(Hold(),),
                                                                               on_stop_reschedule=False)))
        pane.wait_for("started")
        session.conditions.set_charging(False)
        text = pane.wait_for("CONSTRAINT_CHARGING")
        time.sleep(0.5)  # let the last redraw settle before the capture
        text, coloured = pane.text(), pane.text(colours=True)
        status = pane.ctrl_c_and_exit_status()
        after = pane.text()
    finally:
        pane.kill()
        session.helper.cancel(31)
    capture = artifact("watch.txt")
    capture.write_text(text)
    lines = text.splitlines()
    change = next(i for i, line in enumerate(lines) if "condition  charging: true → false" in line)
    stop = next(i for i, line in enumerate(lines) if "stopped" in line and "CONSTRAINT_CHARGING (6)" in line)
    assert change < stop, text
    assert "(cause of seq" in lines[change], lines[change]
    table = next(i for i, line in enumerate(lines) if line.split()[:2] == ["job", "state"])
    assert table < change, text
    assert any(line.split()[:3] == ["job", "31", "stopped"] for line in lines[table:change]), text
    for python_repr in ("True", "False", "None", "{'", "StopReason."):
        assert python_repr not in text, python_repr
    assert status == 130, f"watch ended with {status} on Ctrl-C; the pane shows:\n{after}"
    page = artifact("watch.html")
    page.write_text(terminal_page(coloured.rstrip("\n") + "\n", "jobctl watch"))
    assert "\x1b[" in coloured, "watch in a terminal without NO_COLOR shows no colour"
    png = screenshot(page, artifact("watch.png"), 1240, 300)
    width, height, colours = png_size_and_colours(png)
    assert (width, height) == (1240, 300) and colours > 4, "blank or colourless screenshot"
    publish(png, "watch.png")
