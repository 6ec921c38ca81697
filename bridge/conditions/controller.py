"""The :class:`Conditions` of one device: every condition family, one snapshot, one read."""

from __future__ import annotations

from collections.abc import Sequence

from bridge.conditions.apps import AppStandbyConditions
from bridge.conditions.idle import IdleConditions
from bridge.conditions.network import NetworkConditions
from bridge.conditions.power import PowerConditions
from bridge.conditions.reading import read_conditions
from bridge.conditions.storage import StorageConditions
from bridge.conditions.values import ConditionsState


class Conditions(PowerConditions, NetworkConditions, IdleConditions, StorageConditions, AppStandbyConditions):
    """Drive one device's conditions; see :mod:`bridge.conditions`."""

    def read(self, packages: Sequence[str] = ()) -> ConditionsState:
        """Every condition in one round trip (one sectioned shell line); per-app conditions for
        ``packages`` (not validated: an unknown package reads as bucket/op defaults or fails)."""
        return read_conditions(self.device, packages)
