"""toybox's system tools: ``sleep`` (on the virtual clock), ``getprop``, ``setprop`` and ``id``.

* ``setprop`` failures read ``failed to set property 'NAME' to 'VALUE'``
  (``toys/android/setprop.c``);
* ``id`` prints the shell user's groups as adbd sets them (``packages/modules/adb/daemon/main.cpp``
  ``drop_privileges``) with the ``u:r:shell:s0`` SELinux context.
"""

from __future__ import annotations

import asyncio
import math

from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import UsageError, owner_name, toybox_flags

SHELL_GROUPS = (
    (2000, "shell"), (1004, "input"), (1007, "log"), (1011, "adb"), (1015, "sdcard_rw"),
    (1028, "sdcard_r"), (1078, "ext_data_rw"), (1079, "ext_obb_rw"), (3001, "net_bt_admin"),
    (3002, "net_bt"), (3003, "inet"), (3006, "net_bw_stats"), (3009, "readproc"), (3011, "uhid"),
    (3012, "readtracefs"),
)
"""Supplementary groups of ``adb shell`` (adbd ``drop_privileges``, Android 13+ set)."""

WRITABLE_PROPERTY_PREFIXES = ("debug.", "log.tag.", "persist.log.tag.", "persist.debug.", "jobctl.")
"""Properties the shell domain may set (``system/sepolicy`` ``shell`` ``set_prop`` rules, reduced)."""


async def cmd_sleep(inv: Invocation) -> int:
    """toybox ``sleep``: seconds (fractions and ``s``/``m``/``h``/``d`` suffixes summed)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    total = 0.0
    if not inv.args:
        inv.err('sleep: Needs 1 argument (see "sleep --help")\n')  # lib/args.c "<1"
        return 1
    for arg in inv.args:
        number, unit = (arg[:-1], arg[-1]) if arg[-1:] in units else (arg, "s")
        try:
            value = float(number)
        except ValueError:
            inv.err(f"sleep: Not a number '{arg}'\n")
            return 1
        if not math.isfinite(value) or value < 0:
            inv.err(f"sleep: Not a number '{arg}'\n")
            return 1
        total += value * units[unit]
    sleeper = asyncio.ensure_future(inv.device.clock.sleep(total))
    stopper = asyncio.ensure_future(inv.hangup.wait())
    try:
        await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        sleeper.cancel()
        stopper.cancel()
    return 130 if inv.hangup.is_set() else 0


def cmd_getprop(inv: Invocation) -> int:
    props = inv.device.props
    if not inv.args:
        for key in sorted(props):
            inv.out(f"[{key}]: [{props[key]}]\n")
        return 0
    default = inv.args[1] if len(inv.args) > 1 else ""
    inv.out(props.get(inv.args[0], default) + "\n")
    return 0


def cmd_setprop(inv: Invocation) -> int:
    if len(inv.args) != 2:
        need = "Need 2 arguments" if len(inv.args) < 2 else "Max 2 arguments"
        inv.err(f'setprop: {need} (see "setprop --help")\n')
        return 1
    name, value = inv.args
    if len(value.encode()) >= 92:  # PROP_VALUE_MAX
        inv.err(f"setprop: value '{value}' too long; try '{value.encode()[:91].decode(errors='ignore')}'\n")
        return 1
    if name.startswith(".") or name.endswith("."):
        inv.err("setprop: property names must not start or end with '.'\n")
        return 1
    if ".." in name:
        inv.err("setprop: '..' is not allowed in a property name\n")
        return 1
    for char in name:
        if not (char.isascii() and char.isalnum()) and char not in "@_.-":
            inv.err(f"setprop: invalid character '{char}' in name '{name}'\n")
            return 1
    writable = name.startswith(WRITABLE_PROPERTY_PREFIXES) or (inv.uid == 0 and not name.startswith("ro."))
    if not writable:
        inv.err(f"setprop: failed to set property '{name}' to '{value}'\n")
        return 1
    inv.device.props[name] = value
    return 0


def cmd_id(inv: Invocation) -> int:
    try:
        flags, _, _ = toybox_flags(inv, "ugGnrZ")
    except UsageError:
        return 1
    uid = inv.uid
    name = owner_name(uid)
    groups = SHELL_GROUPS if uid != 0 else ((0, "root"), *SHELL_GROUPS[1:])
    context = "u:r:shell:s0" if uid != 0 else "u:r:su:s0"
    if "Z" in flags:
        inv.out(context + "\n")
    elif "G" in flags:
        inv.out(" ".join(g[1] if "n" in flags else str(g[0]) for g in groups) + "\n")
    elif flags & {"u", "g"}:
        inv.out((name if "n" in flags else str(uid)) + "\n")
    else:
        group_list = ",".join(f"{gid}({gname})" for gid, gname in groups)
        inv.out(f"uid={uid}({name}) gid={uid}({name}) groups={group_list} context={context}\n")
    return 0
