"""DeviceStorageMonitorService: ``cmd devicestoragemonitor force-low|force-not-low|reset [-f]``.

Source: ``frameworks/base/services/core/java/com/android/server/storage/
DeviceStorageMonitorService.java`` (Android 8-15; shell ref §5.1): each verb sets the forced
level, increments the sequence (``mSeq``, starting at 1) whether or not ``-f`` is given, and
prints the new sequence only with ``-f`` (leading options only, unknown options ignored).
The forced level is not persisted: a reboot returns to the real level.
"""

from __future__ import annotations

import enum

from jobctl_sim.framework.shell_command import ArgCursor, Verb, VerbTable
from jobctl_sim.framework.system import AndroidSystem, BinderService, Change, Topic
from jobctl_sim.native.shell.command import Invocation

LOW_THRESHOLD_PERCENT = 5
"""``sys_storage_threshold_percentage`` default: storage is low below 5% free [I: the max(500 MB) part is left out]."""


class Forced(enum.Enum):
    NONE = "none"
    LOW = "low"
    NOT_LOW = "not_low"


class StorageService:
    """Implements :class:`~jobctl_sim.framework.system.StorageFacts`."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        self._forced = Forced.NONE
        self.sequence = 1
        self._last_low = self.low

    @property
    def real_low(self) -> bool:
        fs = self._system.device.fs
        free = fs.capacity_bytes - fs.used_bytes
        return free * 100 < fs.capacity_bytes * LOW_THRESHOLD_PERCENT

    @property
    def low(self) -> bool:
        if self._forced is Forced.NONE:
            return self.real_low
        return self._forced is Forced.LOW

    def force(self, forced: Forced) -> int:
        self._forced = forced
        self.sequence += 1
        self._last_low = self.low
        self._system.publish(Change(Topic.STORAGE, detail={"low": self._last_low, "sequence": self.sequence}))
        return self.sequence

    def reset_overrides(self) -> None:
        self._forced = Forced.NONE

    def _verb(self, forced: Forced) -> Verb:
        def run(inv: Invocation, cursor: ArgCursor) -> int:
            force = False
            while (opt := cursor.next_option()) is not None:
                force = force or opt == "-f"
            seq = self.force(forced)
            if force:
                inv.out(f"{seq}\n")
            return 0

        return run

    def verb_table(self) -> VerbTable:
        return VerbTable(
            {"force-low": self._verb(Forced.LOW), "force-not-low": self._verb(Forced.NOT_LOW),
             "reset": self._verb(Forced.NONE)},
            _help,
        )

    async def shell_command(self, inv: Invocation) -> int:
        return await self.verb_table().run(inv, inv.args)

    def dump(self, inv: Invocation) -> int:
        fs = self._system.device.fs
        inv.out(
            "Known volumes:\n"
            f"  Default:\n    level={'LOW' if self.low else 'NORMAL'} "
            f"lastUsableBytes={fs.capacity_bytes - fs.used_bytes}"
            f" totalBytes={fs.capacity_bytes}\n"
        )
        if self._forced is not Forced.NONE:
            inv.out(f"  mForceLevel={'LEVEL_LOW' if self._forced is Forced.LOW else 'LEVEL_NORMAL'}\n")
        return 0


def _help() -> str:
    return (
        "Device storage monitor service (devicestoragemonitor) commands:\n"
        "  help\n"
        "    Print this help text.\n"
        "  force-low [-f]\n"
        "    Force storage to be low, freezing storage state.\n"
        "    -f: force a storage change broadcast be sent, prints new sequence.\n"
        "  force-not-low [-f]\n"
        "    Force storage to not be low, freezing storage state.\n"
        "    -f: force a storage change broadcast be sent, prints new sequence.\n"
        "  reset [-f]\n"
        "    Unfreeze storage state, returning to current real values.\n"
        "    -f: force a storage change broadcast be sent, prints new sequence.\n"
    )


def install(system: AndroidSystem) -> StorageService:
    service = StorageService(system)
    system.storage = service
    system.add_binder_service(
        BinderService("devicestoragemonitor", shell_command=service.shell_command, dump=service.dump)
    )
    return service
