"""Storage low / not low as JobScheduler sees it (ref §5.1, CTS StorageConstraintTest)."""

from __future__ import annotations

from bridge.conditions.base import ConditionsBase, RestoreStep, on_off
from bridge.errors import ConditionError
from bridge.parsers import bool_word, int_or, int_word

STORAGE_READBACK = "cmd jobscheduler get-storage-seq; cmd jobscheduler get-storage-not-low"


class StorageConditions(ConditionsBase):
    """``cmd devicestoragemonitor force-low|force-not-low|reset -f``."""

    def _storage_readback(self) -> tuple[int, bool]:
        words = self._run(STORAGE_READBACK).split()
        if len(words) != 2:
            raise ConditionError(f"unreadable storage readback: {' '.join(words)!r}")
        return int_word(words[0], "storage seq"), bool_word(words[1], "storage not low")

    def _storage_command(self, verb: str, not_low: bool | None) -> None:
        """``cmd devicestoragemonitor VERB -f`` prints a seq; poll ``get-storage-seq`` ≥ seq (and
        ``get-storage-not-low`` when known), as CTS StorageConstraintTest (ref §5.1)."""
        seq = int_or(self._run(["cmd", "devicestoragemonitor", verb, "-f"]), -1)
        self._wait(self._storage_readback, lambda r: r[0] >= seq and (not_low is None or r[1] is not_low),
                   f"storage not low (after {verb})",
                   wanted=f"broadcast {seq}" + ("" if not_low is None else f", {on_off(not_low)}"),
                   seen=lambda r: f"broadcast {r[0]}, {on_off(r[1])}")

    def set_storage_low(self, low: bool) -> None:
        """``cmd devicestoragemonitor force-low -f`` / ``force-not-low -f``; restore is
        ``reset -f`` and a wait for the original ``get-storage-not-low`` (ref §5.1)."""
        def capture() -> RestoreStep:
            _, original = self._storage_readback()
            return lambda: self._storage_command("reset", original)

        self._remember("storage", "cmd devicestoragemonitor reset -f", capture)
        self._storage_command("force-low" if low else "force-not-low", not low)
