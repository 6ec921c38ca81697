"""Originals recorded on the device, for ``jobctl device reset``.

Most conditions have a default ``device reset`` can go back to (Wi-Fi on, Doze unforced,
``cmd battery reset`` …). A few do not: ``settings global battery_stats_constants`` (a device
may ship its own), an app's standby bucket and its ``RUN_ANY_IN_BACKGROUND`` mode (``default``
is not ``allow``: ``cmd appops get`` prints "No operations." only for the former), and the
metered overrides of saved Wi-Fi networks. Each ``jobctl device …`` command is a process of its
own, so the value seen before jobctl first changed one of them is kept where the next process
finds it -- on the device, under ``/data/local/tmp/jobctl/originals/NAME``, as the raw output of
the command that reads it (parsed only when it is put back). It is written once (``[ -e FILE ]
||``), in the same shell line as the read, so the first original wins and survives a host crash;
``device reset`` restores and removes every record.

A snapshot records them too, and removes the records it wrote once it has restored the values
itself: if its process is killed (SIGKILL, a host crash) they stay, for ``device reset``.
"""

from __future__ import annotations

import re

from bridge.capabilities import ShellDevice

ORIGINALS_DIR = "/data/local/tmp/jobctl/originals"
BATTERY_CONSTANTS_RECORD = "battery_stats_constants"
METERED_RECORD = "metered-networks"


def bucket_record(package: str) -> str:
    return f"bucket-{package}"


def appop_record(package: str) -> str:
    return f"appop-{package}"


def _path(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        raise ValueError(f"not a record name: {name!r}")
    return f"{ORIGINALS_DIR}/{name}"


def record_original_line(name: str, read_command: str) -> str:
    """The shell line that keeps ``read_command``'s output as record ``name``, unless one exists;
    it prints ``recorded`` when it wrote one."""
    path = _path(name)
    return (f"mkdir -p {ORIGINALS_DIR}; if [ ! -e {path} ]; then {read_command} > {path} && echo recorded; fi; "
            "true")


def forget_records_line(names: list[str]) -> str:
    """The shell line that removes the records ``names`` (a snapshot's own, once it restored them)."""
    return " ".join(["rm", "-f", *(_path(name) for name in names)]) + (
        f"; [ -n \"$(ls {ORIGINALS_DIR})\" ] || rm -r {ORIGINALS_DIR}; true")


def read_originals(device: ShellDevice) -> dict[str, str]:
    """Every record on the device: ``{name: raw output}``."""
    listing = device.shell(f"ls {ORIGINALS_DIR} 2>/dev/null; true", check=True, idempotent=True).text.split()
    records: dict[str, str] = {}
    for name in listing:
        if re.fullmatch(r"[A-Za-z0-9._-]+", name):
            records[name] = device.shell(["cat", _path(name)], check=True, idempotent=True).text
    return records


def forget_originals(device: ShellDevice) -> None:
    """Remove every record (once put back)."""
    root = ORIGINALS_DIR.rsplit("/", 1)[0]
    # the directory goes too unless a snapshot's lease is in it (a fresh device has none)
    device.shell(f"rm -rf {ORIGINALS_DIR}; [ -e {root}/lease ] || rm -rf {root}", check=True, idempotent=True)
