"""``jobctl scenario run`` as a user runs it (a subprocess): exit codes and reports."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from bridge.adb.private import PrivateAdbServer

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def jobctl(adb: PrivateAdbServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, timeout=120,
                          env=adb.env, cwd=ROOT)


def test_a_wrong_expectation_exits_1_with_reports(adb: PrivateAdbServer, serial: str, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.toml"
    wrong.write_text((SCENARIOS / "charging.toml").read_text().replace(
        'stop_reason = "CONSTRAINT_CHARGING"', 'stop_reason = "USER"\ntimeout = 1'))
    junit, html = tmp_path / "out.xml", tmp_path / "out.html"
    done = jobctl(adb, "-s", serial, "--json", "scenario", "run", str(SCENARIOS / "timeout.toml"), str(wrong),
                  "--junit", str(junit), "--html", str(html))
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert document["passed"] is False
    assert [(f["name"], f["status"]) for f in document["files"]] == [("timeout", "passed"), ("charging", "failed")]
    failed = document["files"][1]["steps"][4]
    assert (failed["status"], failed["message"]) == (
        "failed", "job 101: expected stop reason USER, got CONSTRAINT_CHARGING (after 1 s)")
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    assert html.read_text().count("<svg") == 2


def test_passing_scenarios_exit_0_with_a_summary_table(adb: PrivateAdbServer, serial: str) -> None:
    done = jobctl(adb, "-s", serial, "scenario", "run", str(SCENARIOS / "charging.toml"),
                  str(SCENARIOS / "work_redelivery.toml"))
    assert done.returncode == 0, done.stderr
    assert "all 2 passed" in done.stdout and "work-redelivery" in done.stdout
    assert "Traceback" not in done.stderr


def test_an_invalid_file_exits_2_before_any_device_is_touched(adb: PrivateAdbServer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "b"\n[[step]]\naction = "device"\ncharging = "yes"\n')
    done = jobctl(adb, "-s", "no-such-device", "scenario", "run", str(SCENARIOS / "charging.toml"), str(bad))
    assert done.returncode == 2
    assert done.stderr == f"jobctl: error: {bad}: step 1 (device): field charging: expected true or false\n"
    assert done.stdout == ""
