"""``am instrument``: the one ``am`` verb that is not ``cmd activity``.

Sources:

* ``frameworks/base/cmds/am/am`` (Android 8.0+): ``am`` runs ``cmd activity "$@"`` except
  ``am instrument``, which runs ``com.android.commands.am.Am`` under ``app_process``;
  ``cmd activity instrument`` answers ``Error: must be invoked through 'am instrument'.``
  (``ActivityManagerShellCommand.java``).
* ``Instrument.java`` + AMS ``startInstrumentation`` (shell ref §7.1): a missing instrumentation
  reports ``Error=Unable to find instrumentation info for: ComponentInfo{…}`` with status -1
  (with ``-w``) and ``android.util.AndroidException: INSTRUMENTATION_FAILED: …`` on stderr,
  exit 1, and kills nothing; a found one is run after killing the target (no
  PACKAGE_RESTARTED, jobs kept) unless ``--no-restart``, and the target is killed again at the end.
* ``BaseCommand.run``: a bad command line prints the usage, an empty line and ``Error: MESSAGE``
  on stderr, exit 0.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jobctl_sim.framework.shell_command import ArgCursor, IllegalArgumentException, JavaException, full_component
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.activity import ActivityManagerService


@dataclass(frozen=True)
class InstrumentationRequest:
    component: str
    arguments: Mapping[str, str]
    raw: bool
    wait: bool


@dataclass(frozen=True)
class InstrumentationResult:
    statuses: tuple[tuple[int, Mapping[str, str]], ...] = ()
    code: int = -1
    results: Mapping[str, str] = field(default_factory=dict)


InstrumentationHandler = Callable[[InstrumentationRequest], Awaitable[InstrumentationResult]]

_FLAGS_WITHOUT_VALUE = frozenset({
    "--no-window-animation", "--no-hidden-api-checks", "--no-test-api-access", "--no-isolated-storage",
    "--no-logcat", "-m", "--no_window_animation",
})


@dataclass(frozen=True)
class _CommandLine:
    component: str
    arguments: dict[str, str]
    raw: bool
    wait: bool
    no_restart: bool


def _parse(args: list[str]) -> _CommandLine:
    cursor = ArgCursor(args, 1)
    raw = wait = no_restart = False
    arguments: dict[str, str] = {}
    while (opt := cursor.next_option()) is not None:
        if opt == "-r":
            raw = True
        elif opt == "-w":
            wait = True
        elif opt == "--no-restart":
            no_restart = True
        elif opt == "-e":
            key = cursor.next_arg_required()
            arguments[key] = cursor.next_arg_required()
        elif opt in ("-p", "--user", "--abi"):
            cursor.next_arg_required()
        elif opt not in _FLAGS_WITHOUT_VALUE:
            raise IllegalArgumentException(f"Unknown option: {opt}")
    target = cursor.next_arg_required()
    component = full_component(target if "/" in target else f"{target}/")
    return _CommandLine(component, arguments, raw, wait, no_restart)


class Instrumentations:
    """The registered instrumentations and ``am instrument`` over them."""

    def __init__(self, activity: ActivityManagerService) -> None:
        self._activity = activity
        self.handlers: dict[str, InstrumentationHandler] = {}
        """``pkg/full.Class`` -> handler: register an app model's instrumentation here."""

    async def command(self, inv: Invocation) -> int:
        """``am instrument ARGS`` (``inv.args[0]`` is ``instrument``)."""
        try:
            line = _parse(inv.args)
        except JavaException as exc:
            inv.err(f"usage: am instrument [flags] <COMPONENT>\n\nError: {exc.message}\n")
            return 0
        handler = self.handlers.get(line.component)
        if handler is None:
            return self._not_found(inv, line)
        package = line.component.partition("/")[0]
        activity = self._activity
        if not line.no_restart:
            activity.kill_process(package, "start instr")
        activity.ensure_process(package)
        request = InstrumentationRequest(line.component, line.arguments, line.raw, line.wait)

        async def run() -> InstrumentationResult:
            try:
                return await handler(request)
            finally:
                if not line.no_restart:
                    activity.kill_process(package, "finished inst")

        if not line.wait:
            activity.keep_task(asyncio.ensure_future(run()))
            return 0
        self._print(inv, line.raw, await run())
        return 0

    def _not_found(self, inv: Invocation, line: _CommandLine) -> int:
        if line.wait:
            lines = []
            if self._activity.api_level >= 28:
                lines.append("INSTRUMENTATION_STATUS: id=ActivityManagerService")
            lines += [
                f"INSTRUMENTATION_STATUS: Error=Unable to find instrumentation info for: "
                f"ComponentInfo{{{line.component}}}",
                "INSTRUMENTATION_STATUS_CODE: -1",
            ]
            inv.out("\n".join(lines) + "\n")
        inv.err(
            f"android.util.AndroidException: INSTRUMENTATION_FAILED: {line.component}\n"
            "\tat com.android.commands.am.Instrument.run(Instrument.java)\n"
            "\tat com.android.commands.am.Am.runInstrument(Am.java)\n"
        )
        return 1

    @staticmethod
    def _print(inv: Invocation, raw: bool, result: InstrumentationResult) -> None:
        for code, bundle in result.statuses:
            if raw:
                for key in sorted(bundle):
                    inv.out(f"INSTRUMENTATION_STATUS: {key}={bundle[key]}\n")
                inv.out(f"INSTRUMENTATION_STATUS_CODE: {code}\n")
            elif "stream" in bundle:
                inv.out(bundle["stream"])
        if raw:
            for key in sorted(result.results):
                inv.out(f"INSTRUMENTATION_RESULT: {key}={result.results[key]}\n")
            inv.out(f"INSTRUMENTATION_CODE: {result.code}\n")
        elif "stream" in result.results:
            inv.out(result.results["stream"])
