"""Fixtures the command-line tests share."""

from __future__ import annotations

import pytest

from cli.context import GlobalOptions


@pytest.fixture
def no_device(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach a device fails the test: bad input must be refused before that."""
    def refuse(self: GlobalOptions) -> None:
        raise AssertionError("the device was touched")

    monkeypatch.setattr(GlobalOptions, "device", refuse)
    monkeypatch.setattr(GlobalOptions, "session", refuse)
