"""The ``dev`` fixture: an API-34 Android model without adbd (see :mod:`tests.jobctl_sim.android_model`)."""

from __future__ import annotations

import pytest

from jobctl_sim.device import VirtualDevice
from jobctl_sim.framework.system import AndroidSystem
from tests.jobctl_sim.android_model import make


@pytest.fixture
def dev() -> tuple[VirtualDevice, AndroidSystem]:
    return make(34)
