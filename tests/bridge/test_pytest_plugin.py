"""The pytest plugin as a user meets it: a project's own test file, run by pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = '''
import os

def _record(device):
    with open(os.environ["PROBE_OUT"], "a") as f:
        f.write(f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')} {device.serial} {device.api_level}\\n")

def test_a(jobctl_device):
    _record(jobctl_device)

def test_b(jobctl_device):
    _record(jobctl_device)

def test_c(jobctl_device):
    _record(jobctl_device)

def test_d(jobctl_device):
    _record(jobctl_device)
'''


def _run(tmp_path: Path, *args: str) -> list[tuple[str, str, str]]:
    (tmp_path / "test_probe.py").write_text(PROBE)
    out = tmp_path / "seen.txt"
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, "test_probe.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=180,
                            env={**__import__("os").environ, "PROBE_OUT": str(out)})
    assert result.returncode == 0, result.stdout + result.stderr
    return [tuple(line.split()) for line in out.read_text().splitlines()]  # type: ignore[misc]


def test_each_xdist_worker_gets_its_own_virtual_device(tmp_path: Path) -> None:
    seen = _run(tmp_path, "-n", "2")
    serial_by_worker = {worker: serial for worker, serial, _ in seen}
    assert sorted(serial_by_worker) == ["gw0", "gw1"]
    assert serial_by_worker["gw0"] != serial_by_worker["gw1"]
    assert all(serial_by_worker[worker] == serial for worker, serial, _ in seen)


def test_jobctl_api_option_chooses_the_virtual_devices_level(tmp_path: Path) -> None:
    seen = _run(tmp_path, "--jobctl-api", "31")
    assert {api for _, _, api in seen} == {"31"}
