"""``bench/run_all.py --quick --json``: one document with every figure and ratio, and nothing
left running afterwards. A smoke run of the script as a user runs it, not a performance test."""

from __future__ import annotations

import json
import math
import socket
import subprocess
import sys
from pathlib import Path

from bench import cli_commands
from tests.support.leftovers import run_in

REPO = Path(__file__).resolve().parents[2]

EXPECTED_FIGURES = {
    "shell round trip: raw socket to the adb server (a)": "ms",
    "shell round trip: bridge Device.shell (b)": "ms",
    "shell round trip: adbutils device.shell (c)": "ms",
    "shell round trip: bridge, stderr then exit (d)": "ms",
    "schedule + acknowledgement": "ms",
    "schedule: adb round trips per call": "count",
    "schedule: app_process starts per call": "count",
    "enqueue 10 items (one call)": "ms",
    "enqueue 10 items: adb round trips": "count",
    "enqueue 1,000 items (one call)": "ms",
    "enqueue 1,000 items: adb round trips": "count",
    "event latency, helper event to JobEvent (5 events)": "ms",
    "1 device: 3 schedules + cancel_all": "s",
    "2 devices in parallel: the same on each": "s",
    "2 devices alone: the device side of the same, inside the workers": "s",
    "virtual device RSS per device": "MB",
    "cold start: jobctl --help": "ms",
    'cold start: python -c "import click"': "ms",
}
COMMANDS = [pair.name for pair in cli_commands.pairs()]
"""Each jobctl command timed beside the raw adb command(s) it replaces (issue 16)."""
EXPECTED_RATIOS = [
    "bridge / raw socket (b/a)",
    "adbutils / bridge (c/b)",
    "enqueue round trips, 1,000 / 10 items",
    "2 devices in parallel / 1 device",
    "2 devices alone / 1 device alone (no client, no adb server)",
    "CPU per device, 2 devices / 1 device",
    "workers' CPU per device, 2 devices / 1 device",
    "cores one device used (its CPU / its wall time)",
    "jobctl --help / import click",
    'python -c "import click" / one raw adb shell (every command\'s floor, same rounds)',
    *(f"jobctl {name} / raw adb CLI" for name in COMMANDS),
]


def port_is_listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_quick_json_run_reports_every_figure_and_ratio_and_stops_its_adb_server(tmp_path: Path) -> None:
    proc = run_in(tmp_path, [sys.executable, str(REPO / "bench" / "run_all.py"), "--quick", "--json"],
                  timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    document = json.loads(proc.stdout)

    assert document["quick"] is True
    assert document["settings"]["shell_calls"] == 20 and document["settings"]["cold_starts"] == 3
    figures = {f["name"]: f for f in document["figures"]}
    expected = EXPECTED_FIGURES | {f"jobctl {name}": "ms" for name in COMMANDS}
    assert {name: f["unit"] for name, f in figures.items()} == expected
    for figure in figures.values():
        assert isinstance(figure["median"], (int, float)) and math.isfinite(figure["median"])
        assert figure["median"] >= 0
        if figure["p95"] is not None:
            assert figure["p95"] >= figure["median"]
    for name in ("shell round trip: bridge Device.shell (b)", "cold start: jobctl --help",
                 "schedule + acknowledgement"):
        assert figures[name]["median"] > 0 and figures[name]["p95"] is not None
    assert figures["schedule: app_process starts per call"]["median"] == 0  # one am broadcast, a binder call

    ratios = {r["name"]: r["value"] for r in document["ratios"]}
    assert list(ratios) == EXPECTED_RATIOS
    assert all(value > 0 and math.isfinite(value) for value in ratios.values())
    for name in COMMANDS:  # each command beside its baseline, measured in the same run
        command = figures[f"jobctl {name}"]
        assert command["baseline"].startswith("raw adb CLI x") and command["baseline_median"] > 0
        assert math.isclose(ratios[f"jobctl {name} / raw adb CLI"], command["ratio"])
        assert math.isclose(command["ratio"], command["median"] / command["baseline_median"])
    shell = figures
    assert math.isclose(ratios["bridge / raw socket (b/a)"],
                        shell["shell round trip: bridge Device.shell (b)"]["median"]
                        / shell["shell round trip: raw socket to the adb server (a)"]["median"])

    assert not port_is_listening(document["raw"]["adb_port"]), "the private adb server was left running"


def test_the_benchmarks_still_run_on_their_own_and_expose_their_figures_as_data() -> None:
    from bench import bridge_ops, shell_roundtrip

    assert callable(shell_roundtrip.run) and callable(bridge_ops.measure)
    for script in ("shell_roundtrip.py", "bridge_ops.py", "run_all.py", "device_soak.py"):
        proc = subprocess.run([sys.executable, str(REPO / "bench" / script), "--help"], capture_output=True,
                              text=True, timeout=60, cwd=REPO)
        assert proc.returncode == 0 and "usage:" in proc.stdout, (script, proc.stderr)
