"""``bench/fault_matrix.py --quick``: every fault row and every signal row is measured and comes
out clean, the table names them all, and nothing is left running. A smoke run of the script as a
user runs it (tiny counts), not a performance test: no timings are asserted."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import fault_matrix
from bench.fault_signals import SignalRow
from tests.bench.test_run_all import port_is_listening
from tests.support.leftovers import run_in

REPO = Path(__file__).resolve().parents[2]
SIGNAL_ROWS = [*(f"{name} to {target}" for name in ("SIGINT", "SIGTERM", "SIGHUP")
                 for target in ("`jobctl device network none`", "Python inside conditions.snapshot()")),
               "two concurrent snapshots"]


def test_a_quick_run_measures_every_row_clean_and_stops_its_adb_server(tmp_path: Path) -> None:
    proc = run_in(tmp_path, [sys.executable, str(REPO / "bench" / "fault_matrix.py"), "--quick", "--json",
                             "--events", "1"], timeout=600, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    document = json.loads(proc.stdout)
    assert document["quick"] is True and document["settings"]["events"] == 1

    events = {row["fault"]: row for row in document["events"]}
    assert list(events) == [name for name, _ in fault_matrix.FAULTS]
    for row in events.values():
        # every row saw events on both sides of its fault, and the session delivered each once
        assert row["expected"] >= 2 and row["delivered"] == row["expected"], row
        assert (row["lost"], row["duplicated"], row["forged_accepted"]) == (0, 0, 0), row
    for name in ("forged lines: shell (log -t jobctl)", "forged lines: helper uid, other process (run-as)"):
        assert events[name]["forged_sent"] == 1 and "refused" in events[name]["evidence"]
    assert "drop x1" in events["adb link dropped (cable pulled)"]["evidence"]
    assert "replugged" in events["adb server restarted"]["evidence"]
    assert "2 journal epochs" in events["pm clear of the helper while watching"]["evidence"]

    signals = {row["fault"]: row for row in document["signals"]}
    assert list(signals) == SIGNAL_ROWS
    assert all(row["changed"] == 0 and row["trials"] == 1 for row in signals.values()), signals
    assert signals["SIGTERM to `jobctl device network none`"]["note"] == "exit 143"
    assert "busy (exit 9)" in signals["two concurrent snapshots"]["note"]

    assert not port_is_listening(document["adb_port"]), "the private adb server was left running"


def test_the_table_has_a_line_per_row_and_the_totals() -> None:
    events = [fault_matrix.EventRow(name, 5, 5, 0, 0, 0, 0, 0, "-", 12.0, 0.1) for name, _ in fault_matrix.FAULTS]
    events[1] = fault_matrix.EventRow(events[1].fault, 5, 4, 1, 2, 3, 1, 1, "drop x1", None, 0.2)
    signals = [SignalRow(name, 2, 0, "exit 130", 0.5) for name in SIGNAL_ROWS]
    table = fault_matrix.render(events, signals, quick=True).splitlines()
    assert table[0].split()[:4] == ["fault", "expected", "delivered", "lost"]
    for name in [*(row.fault for row in events), *SIGNAL_ROWS]:
        assert sum(line.startswith(name + " ") for line in table) == 1, name
    dropped = next(line for line in table if line.startswith(events[1].fault))
    assert dropped.split()[5:13] == ["5", "4", "1", "2", "3", "1", "-", "-"]
    assert "drop x1; 1 host call(s) failed" in dropped
    assert table[-1] == ("totals: 1 lost, 2 duplicated, 1 forged accepted, 0 conditions left changed"
                         "  (QUICK smoke run)")


SIGNAL_ROWS_IGNORING = """
import json, signal, sys
from dataclasses import asdict
for signum in (signal.SIGINT, signal.SIGHUP):
    signal.signal(signum, signal.SIG_IGN)  # a background job (SIGINT), nohup (SIGHUP)
from bench.fault_signals import signal_rows
from bridge.adb.private import PrivateAdbServer
from bridge.device import connect
from bridge.helper import Helper
from jobctl_sim.harness import SimHarness

with PrivateAdbServer() as adb, SimHarness() as sim:
    device = connect(sim.connect(adb.server)[0], adb.server)
    Helper(device).ensure_ready()
    rows = signal_rows(adb, sim, device, 1)
print(json.dumps([asdict(row) for row in rows]))
"""


def test_the_signal_rows_measure_the_same_when_the_bench_itself_ignores_sigint_and_sighup(tmp_path: Path) -> None:
    # Seen: run in the background (SIGINT ignored) the SIGINT row's jobctl inherited the ignored
    # SIGINT, ran its change to the end (5 conditions "left changed"), and left Wi-Fi off, so the
    # next row signalled its jobctl before it had started (exit -15).
    proc = run_in(tmp_path, [sys.executable, "-c", SIGNAL_ROWS_IGNORING], timeout=600, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    signals = {row["fault"]: row for row in json.loads(proc.stdout)}
    assert list(signals) == SIGNAL_ROWS
    assert all(row["changed"] == 0 for row in signals.values()), signals
    codes = {name: row["note"] for name, row in signals.items() if "jobctl" in name}
    assert codes == {"SIGINT to `jobctl device network none`": "exit 130",
                     "SIGTERM to `jobctl device network none`": "exit 143",
                     "SIGHUP to `jobctl device network none`": "exit 129"}
