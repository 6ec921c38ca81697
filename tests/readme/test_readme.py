"""Every command block of README.md, run literally, as a user types it: slowly.

Issue 15, item 1: the walkthrough's job had finished before the charger was pulled (a job whose
work items all complete ends), and the Python example failed on a device at 50 % and charging
(the conditions restore). Here each ``sh`` block runs line by line through a shell with the
venv's ``jobctl`` on PATH and a pause between lines, on a private adb server, with the virtual
device's clock at 60x (a 2 s pause is 2 minutes of device time); the ``python`` block runs as a
script on a fresh device and on devices left in odd states. The blocks not run are named, with
why, so that a new block cannot be skipped by accident.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bridge.adb.private import PrivateAdbServer

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
PAUSE = float(os.environ.get("JOBCTL_README_PAUSE", "2"))
"""Seconds between two commands of a block: a user reading the output before typing on."""
SPEED = "60"
"""The virtual device's clock speed (``$JOBCTL_SIM_SPEED``): each pause is minutes of device time."""

NOT_RUN = {
    "pip install": "installs jobctl and runs the whole test suite: what CI itself does",
    "bench/run_all.py": "minutes of measurements; tests/bench runs the benchmarks",
}


@dataclass(frozen=True)
class Block:
    language: str
    text: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def readme_blocks() -> list[Block]:
    return [Block(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w+)\n(.*?)^```", README.read_text(),
                                                                re.S | re.M)]


def _block(marker: str, language: str = "sh") -> Block:
    [found] = [b for b in readme_blocks() if b.language == language and marker in b.text]
    return found


def test_every_block_is_run_here_or_named_as_not_run() -> None:
    covered = ("jobctl sim start", "jobctl sim fault drop", "open_session", *NOT_RUN)
    for block in readme_blocks():
        if block.language in ("sh", "python"):
            assert any(marker in block.text for marker in covered), f"a README block nobody runs:\n{block.text}"


def test_the_first_two_setup_commands_are_unchanged() -> None:
    setup = _block("pip install")
    assert setup.lines == ["python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/jobctl demo",
                           ".venv/bin/python -m pytest"]


@dataclass
class Terminal:
    """A user's shell: the venv's jobctl on PATH, their own adb server and state directory."""

    adb: PrivateAdbServer
    cwd: Path
    env: dict[str, str]
    transcript: list[tuple[str, subprocess.CompletedProcess[str]]]

    def type(self, line: str, pause: float = PAUSE) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(["bash", "-c", line], cwd=self.cwd, env=self.env, capture_output=True, text=True,
                                timeout=120)
        self.transcript.append((line, result))
        assert result.returncode == 0, f"$ {line}\nexit {result.returncode}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, result.stderr
        time.sleep(pause)
        return result

    def shell(self, command: str) -> str:
        """What a user's own ``adb shell`` does to the device in between (the odd states)."""
        return self.adb.adb("shell", command).stdout


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    with PrivateAdbServer() as adb:
        env = dict(adb.env, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                   JOBCTL_STATE_DIR=str(tmp_path / "state"), JOBCTL_SIM_SPEED=SPEED, NO_COLOR="1",
                   COLUMNS="200", PYTHONPATH=str(ROOT))
        term = Terminal(adb, tmp_path, env, [])
        try:
            yield term
        finally:
            subprocess.run([str(BIN / "jobctl"), "sim", "stop", "--all"], env=env, capture_output=True, timeout=60)


ODD_BATTERY = "cmd battery set level 50; cmd battery unplug; cmd battery set status 3"
"""Someone's earlier session: the battery frozen at 50 %, unplugged, discharging."""


@pytest.mark.parametrize("odd", [False, True], ids=["fresh", "odd-battery"])
def test_the_walkthrough_runs_as_typed_with_pauses(terminal: Terminal, odd: bool) -> None:
    block = _block("jobctl schedule 5")  # the walkthrough (the debugging block also starts a device)
    outputs: dict[str, str] = {}
    for line in block.lines:
        outputs[line.split("#")[0].strip()] = terminal.type(line).stdout
        if odd and line.startswith("jobctl sim start"):
            terminal.shell(ODD_BATTERY)
    stops = outputs["jobctl stops"]
    assert re.search(r"\b5\s+CONSTRAINT_CHARGING\s+6\b", stops), stops
    assert "charging" in outputs["jobctl why 5"] and "jobctl device charging on" in outputs["jobctl why 5"]
    assert (terminal.cwd / "report.xml").exists() and (terminal.cwd / "report.html").exists()


ODD_STATES = {
    "fresh": "",
    "50-percent-and-charging": "cmd battery set level 50",  # then `jobctl device charging on`
    "low-unplugged-dozing": "cmd battery set level 12; cmd battery unplug; cmd deviceidle force-idle deep",
    "frozen-full-on-wireless": "cmd battery set level 95; cmd battery set usb 0; cmd battery set wireless 1",
}


@pytest.mark.parametrize("state", list(ODD_STATES))
def test_the_python_example_passes_in_any_state_and_restores_it(terminal: Terminal, state: str) -> None:
    terminal.type("jobctl sim start --api 34", pause=0)
    if ODD_STATES[state]:
        terminal.shell(ODD_STATES[state])
    if state == "50-percent-and-charging":
        terminal.type("jobctl device charging on", pause=0)
    before = _conditions(terminal)
    script = terminal.cwd / "example.py"
    script.write_text(_block("open_session", "python").text)
    terminal.type(f"{BIN / 'python'} {script}", pause=0)
    assert _conditions(terminal) == before  # the example leaves the NEVER bucket on purpose, outside its snapshot


def _conditions(terminal: Terminal) -> dict[str, object]:
    document = json.loads(terminal.type("jobctl --json device status", pause=0).stdout)
    document.pop("app")
    battery = terminal.shell("dumpsys battery")
    return {**document, "dumpsys battery": [line for line in battery.splitlines() if "Charge counter" not in line]}


def test_the_fault_block_runs_as_typed(terminal: Terminal) -> None:
    terminal.type("jobctl sim start --api 34", pause=0)
    for line in _block("jobctl sim fault drop").lines:
        terminal.type(line, pause=min(PAUSE, 0.5))
    listed = terminal.transcript[-1][1].stdout
    assert "armed" in listed and "fired" in listed
