"""Termination signals as interrupts: while a snapshot has the device's conditions changed, and
for the whole run of a ``jobctl`` command (:func:`cli.main.main` installs :func:`raise_terminated`).

By default SIGTERM and SIGHUP end a Python process at once: no ``finally`` block runs, so a
``with conditions.snapshot():`` block killed by ``kill``, a CI runner's cancel or a closed terminal
would leave the device charging off, Doze forced, Wi-Fi down. Ctrl-C (SIGINT) already raises
:class:`KeyboardInterrupt` and the snapshot restores everything. :func:`terminate_as_interrupt`
gives SIGTERM and SIGHUP the same path for as long as the snapshot is active:

* only in the main thread (Python delivers signals there and only there may handlers be set);
* only for a signal whose handler is still the default (``SIG_DFL``): a handler the program
  installed itself, or ``SIG_IGN``, is the program's choice and is left alone;
* the handler raises :class:`Terminated`, a :class:`KeyboardInterrupt` (so every ``except
  KeyboardInterrupt`` that cleans up, the snapshot's included, runs), carrying the signal;
* on exit the previous handlers are put back (unless the program installed its own in the
  meantime, which stays): nothing stays installed behind the caller's back.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

TERMINATION_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
"""The signals that end a process by default and are turned into :class:`Terminated`."""


class Terminated(KeyboardInterrupt):
    """The process was asked to end by a signal (SIGTERM, SIGHUP) while conditions were changed.

    A :class:`KeyboardInterrupt`, so code that already cleans up after Ctrl-C does so here too.
    ``exit_code`` is the shell's convention for a process ended by the signal: 128 + its number
    (143 for SIGTERM, 129 for SIGHUP)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"terminated by {signal_name(signum)}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def raise_terminated(signum: int, frame: FrameType | None) -> None:
    """A signal handler: raise :class:`Terminated` in the main thread."""
    raise Terminated(signum)


@contextmanager
def terminate_as_interrupt() -> Iterator[tuple[signal.Signals, ...]]:
    """While the block runs, SIGTERM and SIGHUP raise :class:`Terminated` (see the module's
    notes for when a handler is not installed); yields the signals it installed a handler for."""
    if threading.current_thread() is not threading.main_thread():
        yield ()
        return
    previous: dict[signal.Signals, object] = {}
    for signum in TERMINATION_SIGNALS:
        if signal.getsignal(signum) is signal.SIG_DFL:
            previous[signum] = signal.signal(signum, raise_terminated)
    try:
        yield tuple(previous)
    finally:
        for signum, handler in previous.items():
            if signal.getsignal(signum) is raise_terminated:  # not a handler the program set meanwhile
                signal.signal(signum, handler)  # type: ignore[arg-type]
