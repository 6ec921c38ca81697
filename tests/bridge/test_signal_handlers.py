"""``bridge.signals.terminate_as_interrupt``: SIGTERM and SIGHUP raise ``Terminated`` while the
block runs, and afterwards the process's handlers are what they would have been without it.

Seen (the pytest plugin keeps the block open for a whole run): a handler the program installed
while the block was open was replaced by SIG_DFL when the block ended."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from bridge.signals import Terminated, raise_terminated, terminate_as_interrupt


@pytest.fixture
def default_sigterm() -> Iterator[None]:
    """SIGTERM at its default, as a program starts; the suite's own handler put back after."""
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.mark.usefixtures("default_sigterm")
def test_sigterm_raises_terminated_inside_and_the_default_is_back_after() -> None:
    with terminate_as_interrupt() as installed, pytest.raises(Terminated) as ended:
        assert signal.SIGTERM in installed
        os.kill(os.getpid(), signal.SIGTERM)
    assert ended.value.exit_code == 143
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.usefixtures("default_sigterm")
def test_a_handler_the_program_installed_inside_the_block_is_kept_after_it() -> None:
    def own(signum: int, frame: object) -> None:
        pass

    with terminate_as_interrupt():
        assert signal.getsignal(signal.SIGTERM) is raise_terminated
        signal.signal(signal.SIGTERM, own)
    assert signal.getsignal(signal.SIGTERM) is own


@pytest.mark.usefixtures("default_sigterm")
def test_nested_blocks_install_once_and_the_outer_one_puts_the_default_back() -> None:
    with terminate_as_interrupt() as outer:
        with terminate_as_interrupt() as inner:
            assert inner == () and signal.SIGTERM in outer
        assert signal.getsignal(signal.SIGTERM) is raise_terminated
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
