"""What the ``jobctl`` program does to its own process (issue 16: start-up and exit cost): it leaves
without the interpreter's teardown (about 13 ms of a command), yet everything a normal exit does
that anyone can see still happens -- its output, its status, the ``atexit`` handlers -- and a
thread Python would wait for is still waited for; and it runs the cyclic garbage collector less
often than Python's default (4-8 ms of a command), while a program that imports ``cli.main`` as a
library keeps its own collector settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import atexit, sys, threading, time
marks = sys.argv[1]

def mark(name):
    with open(marks, "a") as out:
        out.write(name + "\\n")

class Torn:
    def __del__(self):
        mark("teardown")

torn = Torn()  # freed only by the interpreter's teardown
atexit.register(mark, "atexit")
if sys.argv[2] == "thread":
    def work():
        time.sleep(0.2)
        mark("thread done")
    threading.Thread(target=work).start()  # not a daemon: a normal exit waits for it
sys.argv = ["jobctl", *sys.argv[3:]]
from cli.main import main
main()
"""


def run(tmp_path: Path, thread: str, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    marks = tmp_path / "marks.txt"
    marks.touch()
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(marks), thread, *args], capture_output=True, text=True,
                          timeout=60, check=False)
    return done, marks.read_text().splitlines()


def test_a_command_prints_everything_runs_atexit_handlers_and_skips_the_teardown(tmp_path: Path) -> None:
    done, marks = run(tmp_path, "none", "--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, "jobctl, version 0.1.0\n", "")
    assert marks == ["atexit"]  # the handler ran; the module's objects were never freed one by one


def test_a_usage_error_keeps_its_line_and_exit_status_2(tmp_path: Path) -> None:
    done, marks = run(tmp_path, "none", "state", "x")
    assert done.returncode == 2
    assert done.stderr.startswith("jobctl: error: Invalid value for 'JOB_ID': 'x'")
    assert marks == ["atexit"]


def test_a_thread_still_running_gets_the_normal_exit_that_waits_for_it(tmp_path: Path) -> None:
    done, marks = run(tmp_path, "thread", "--version")
    assert done.returncode == 0
    assert marks[:2] == ["thread done", "atexit"]  # waited for (leaving at once would have cut it short)


def test_the_program_runs_the_cyclic_collector_less_often_and_a_library_import_changes_nothing() -> None:
    from cli.main import GC_FIRST_THRESHOLD

    probe = ("import atexit, gc, sys, runpy; sys.argv = ['jobctl', '--version']\n"
             "atexit.register(lambda: print('THRESHOLD', gc.get_threshold()[0]))\n"
             "runpy.run_module('cli.main', run_name='__main__')\n")
    program = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert program.returncode == 0, program.stderr
    assert program.stdout.splitlines()[-1] == f"THRESHOLD {GC_FIRST_THRESHOLD}"
    library = subprocess.run([sys.executable, "-c", "import gc, cli.main; print(gc.get_threshold()[0])"],
                             capture_output=True, text=True, timeout=60, check=False)
    assert library.stdout.strip() == "700"
