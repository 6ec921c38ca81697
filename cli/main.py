"""``jobctl``: the entry point. Subcommands are imported only when they run, so
``jobctl --help`` costs about as much as importing click.

The root group does what every command shares, once: it gives every command the global options
that may follow the subcommand (``--json``, ``-s/--serial``, :mod:`cli.options`), turns every
usage error into one line (:mod:`cli.usage`) and every jobctl error into one line and its exit
code (:mod:`cli.exit_codes`).

Signals: Ctrl-C (SIGINT) at any point -- start-up and argument parsing included -- prints
``jobctl: interrupted`` and exits 130, never a traceback. SIGTERM and SIGHUP take the same path
(:class:`Terminated`, a KeyboardInterrupt: every snapshot and device change being made puts the
device back first) and exit 143 and 129, the shell's 128 + signal number, after one line
``jobctl: terminated by SIGTERM`` / ``SIGHUP``.

Exit: once the command is done, the process leaves with ``os._exit`` after flushing its output and
running the ``atexit`` handlers (:func:`exit_now`), skipping the interpreter's teardown, unless a
thread Python would wait for is still running.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType
from typing import Any, NoReturn

_STARTUP_EXITS = {signal.SIGINT: (b"jobctl: interrupted\n", 130)} | {
    getattr(signal, name): (f"jobctl: terminated by {name}\n".encode(), 128 + getattr(signal, name))
    for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)}


def _startup_signal(signum: int, frame: FrameType | None) -> NoReturn:
    """Ctrl-C, SIGTERM or SIGHUP while jobctl is still loading: nothing has touched a device, so
    leave at once with the one line and the exit code (no KeyboardInterrupt traceback from
    inside an import). :func:`main` hands the signals to the command machinery."""
    line, code = _STARTUP_EXITS[signal.Signals(signum)]
    os.write(2, line)
    os._exit(code)


GC_FIRST_THRESHOLD = 50_000
"""The program's threshold for the cyclic collector's youngest generation (Python's is 700): loading
a command creates tens of thousands of objects that all live to the end (modules, classes,
dataclass methods), and the default threshold ran the collector 24-30 times over them, 4-8 ms of
each command (issue 16). Garbage without cycles is freed at once either way; cycles are still
collected, after 50,000 new objects instead of 700, also in long-running commands (watch)."""

if __name__ == "__main__" or os.path.basename(sys.argv[0]) == "jobctl":  # the program, not an import
    for _signum in _STARTUP_EXITS:
        if signal.getsignal(_signum) in (signal.default_int_handler, signal.SIG_DFL):
            signal.signal(_signum, _startup_signal)
    import gc

    gc.set_threshold(GC_FIRST_THRESHOLD, *gc.get_threshold()[1:])

import atexit  # noqa: E402 -- the handlers above first: these imports are most of start-up
import importlib  # noqa: E402

import click  # noqa: E402

from bridge._version import __version__  # noqa: E402
from bridge.signals import TERMINATION_SIGNALS, Terminated, raise_terminated  # noqa: E402
from cli.context import GlobalOptions  # noqa: E402
from cli.options import JSON_HELP, SERIAL_HELP, CommandContext, adopt_global_options, command_context  # noqa: E402

# name -> (module, attribute, one-line help shown by --help without importing the module)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "devices": ("cli.commands.devices", "devices", "List attached devices: serial, state, model, API level."),
    "sim": ("cli.commands.sim", "sim", "Start, stop and inspect virtual devices."),
    "demo": ("cli.commands.demo", "demo", "A guided tour on a throw-away virtual device."),
    "helper": ("cli.commands.helper", "helper", "Build, install and inspect the helper APK."),
    "schedule": ("cli.commands.schedule", "schedule", "Schedule a job with any JobInfo option and a script."),
    "enqueue": ("cli.commands.schedule", "enqueue", "Enqueue work items for a job."),
    "run": ("cli.commands.jobs", "run", "Run a job now (forced, or only if its constraints hold)."),
    "stop": ("cli.commands.jobs", "stop", "Stop a running job, with a stop reason on API 34+."),
    "timeout": ("cli.commands.jobs", "timeout", "Stop a running job as if it ran past its limit."),
    "cancel": ("cli.commands.jobs", "cancel", "Cancel a job, or all of the helper's jobs."),
    "jobs": ("cli.commands.jobs", "jobs", "The helper's jobs: state, constraints, bucket, last stop reason."),
    "state": ("cli.commands.jobs", "state", "One job's JobScheduler state."),
    "why": ("cli.commands.why", "why", "Explain why a job is not running, and what would unblock it."),
    "watch": ("cli.commands.observe", "watch", "A live timeline of jobs, work items, bytes and conditions."),
    "stops": ("cli.commands.observe", "stops", "The stop-reason history."),
    "history": ("cli.commands.history", "history", "What ran and how it ended: every start and stop, any app."),
    "device": ("cli.commands.conditions", "device", "Show and flip the conditions JobScheduler reacts to."),
    "scenario": ("cli.commands.scenario", "scenario", "Run declarative TOML scenarios with expectations."),
}


class JobctlGroup(click.Group):
    """The root group: subcommands imported on first use; one line for every error."""

    context_class = CommandContext

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attribute, _ = entry
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return _whole_short_help(adopt_global_options(command))

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            from cli.usage import one_line_usage_error

            raise one_line_usage_error(error) from None
        except KeyboardInterrupt as stop:  # click would print "Aborted!" and exit 1
            click.echo(_interrupt_line(stop), err=True)
            raise click.exceptions.Exit(_interrupt_code(stop)) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand: a usage error anywhere below, or a grammar error, is one line and exit 2;
        a jobctl error one line and its exit code; Ctrl-C, SIGTERM, SIGHUP one line and 130, 143, 129."""
        try:
            return self._invoke(ctx)
        except KeyboardInterrupt as stop:  # also while the error imports below load: not click's "Aborted!"
            click.echo(_interrupt_line(stop), err=True)
            ctx.exit(_interrupt_code(stop))

    def _invoke(self, ctx: click.Context) -> Any:
        from bridge.errors import JobctlError
        from bridge.grammar import GrammarError, one_line
        from cli.usage import OneLineUsageError, one_line_usage_error

        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise one_line_usage_error(error, command_context(ctx)) from None
        except GrammarError as error:
            raise OneLineUsageError(str(error), command_context(ctx)) from None
        except JobctlError as error:
            from cli.exit_codes import for_exception  # only on an error (start-up, issue 16)

            click.echo(f"jobctl: error: {one_line(str(error))}", err=True)
            ctx.exit(for_exception(error))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _whole_short_help(command: click.Command) -> click.Command:
    """Give every group's command list the whole first sentence of each subcommand's help (click
    cuts it to the terminal's width with "...", and a list that hides half of what a command does
    does not teach)."""
    if isinstance(command, click.Group):
        for child in command.commands.values():
            if child.short_help is None and child.help:
                first = child.help.split("\n\n", 1)[0]
                child.short_help = " ".join(first.split()).split(". ", 1)[0].rstrip(".") + "."
            _whole_short_help(child)
    return command


@click.group(cls=JobctlGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="jobctl")
@click.option("-s", "--serial", envvar="ANDROID_SERIAL", metavar="SERIAL",
              help=SERIAL_HELP + " (Also accepted after the command.)")
@click.option("--adb-host", "-H", metavar="HOST",
              help="adb server host (default: from $ADB_SERVER_SOCKET, else 127.0.0.1).")
@click.option("--adb-port", "-P", type=click.IntRange(1, 65535), metavar="PORT",
              help="adb server port (default: $ANDROID_ADB_SERVER_PORT, else 5037).")
@click.option("--json", "json_output", is_flag=True, help=JSON_HELP + " (Also accepted after the command.)")
@click.pass_context
def cli(ctx: click.Context, serial: str | None, adb_host: str | None, adb_port: int | None, json_output: bool) -> None:
    """Drive Android's JobScheduler: schedule jobs, flip device conditions, read back stop reasons.

    \b
    Examples:
      jobctl sim start                                # a virtual device, if you have no phone
      jobctl schedule 1 --requires-charging --hold-until-stopped
      jobctl device charging off && jobctl stops --job 1
      jobctl watch                                    # live timeline (Ctrl-C: exit 130)
    """
    ctx.obj = GlobalOptions(serial=serial or None, adb_host=adb_host, adb_port=adb_port, json=json_output)


def _interrupt_line(stop: KeyboardInterrupt) -> str:
    return f"jobctl: {stop}" if isinstance(stop, Terminated) else "jobctl: interrupted"


def _interrupt_code(stop: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 128 + the signal for SIGTERM (143) and SIGHUP (129): ``cli.exit_codes``."""
    from cli.exit_codes import for_interrupt

    return for_interrupt(stop)


def exit_now(done: SystemExit) -> None:
    """Leave the process at once with ``done``'s status, skipping the interpreter's teardown (freeing
    every module, class and object one by one: about 13 ms of a ~70 ms command here, issue 16) --
    when nothing is left that the teardown would do for us. Returns (the caller then raises
    ``done`` as usual) when the status is not a number, when a thread that Python would wait for is
    still running, or when stdout/stderr cannot be flushed (a closed pipe: Python reports it as it
    always does). Otherwise everything a normal exit does that anyone can see still happens:
    stdout and stderr are flushed, and the ``atexit`` handlers run (coverage, ``weakref.finalize``
    callbacks, temporary directories). Every file jobctl writes is closed by a ``with`` block."""
    code = 0 if done.code is None else done.code
    if not isinstance(code, int):
        return
    threading = sys.modules.get("threading")
    if threading is not None and any(t.is_alive() and not t.daemon and t is not threading.main_thread()
                                     for t in threading.enumerate()):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code & 0xFF)


def main() -> None:
    for signum in TERMINATION_SIGNALS:
        if signal.getsignal(signum) in (signal.SIG_DFL, _startup_signal):  # an ignored SIGHUP (nohup) stays ignored
            signal.signal(signum, raise_terminated)
    if signal.getsignal(signal.SIGINT) is _startup_signal:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C: KeyboardInterrupt from here on
    try:
        try:
            cli(prog_name="jobctl")
        except KeyboardInterrupt as stop:  # between click's own steps: still one line, no traceback
            click.echo(_interrupt_line(stop), err=True)
            raise SystemExit(_interrupt_code(stop)) from None
    except SystemExit as done:  # click always ends with one
        exit_now(done)
        raise


if __name__ == "__main__":
    main()
