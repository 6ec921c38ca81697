"""How a benchmark script runs as a program: ended by SIGTERM or SIGHUP (a CI runner's cancel or
timeout, ``kill``, a closed terminal) or by Ctrl-C, it stops what it started -- the private adb
server, the virtual devices and their worker processes, through the ``with`` blocks that started
them -- then says so in one line and exits with the shell's code (128 + the signal; 130 for Ctrl-C).

Python's default action for SIGTERM and SIGHUP ends the process before any ``finally`` runs, which
left an ``adb fork-server`` running after each such end (``tests/bench/test_bench_signals.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from bridge.signals import Terminated, terminate_as_interrupt

INTERRUPTED_EXIT = 130
"""The shell's code for a process ended by SIGINT (128 + 2)."""


def run_script(main: Callable[[], int | None], path: str) -> int:
    """Run ``main`` with SIGTERM and SIGHUP raising :class:`~bridge.signals.Terminated`; its exit code."""
    name = Path(path).name
    with terminate_as_interrupt():
        try:
            return main() or 0
        except Terminated as stop:
            print(f"{name}: {stop}", file=sys.stderr)
            return stop.exit_code
        except KeyboardInterrupt:
            print(f"{name}: interrupted", file=sys.stderr)
            return INTERRUPTED_EXIT
