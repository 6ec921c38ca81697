"""Uids: ``android.os.Process``'s well-known ones and ``android.os.UserHandle``'s arithmetic.

Sources: ``frameworks/base/core/java/android/os/Process.java`` (``ROOT_UID`` 0, ``SYSTEM_UID``
1000, ``SHELL_UID`` 2000, ``FIRST_APPLICATION_UID`` 10000) and ``UserHandle.java``
(``PER_USER_RANGE`` 100000; ``formatUid``: ``1000``, ``u0a183`` for an app, ``u0i3`` for an
isolated process, ``u10s1000`` for a system id of another user).
"""

from __future__ import annotations

from jobctl_sim.native.shell.command import SHELL_UID

ROOT_UID = 0
SYSTEM_UID = 1000
FIRST_APPLICATION_UID = 10000
FIRST_ISOLATED_APP_ID = 99000
PER_USER_RANGE = 100000


def format_uid(uid: int) -> str:
    """``UserHandle.formatUid``."""
    if uid < FIRST_APPLICATION_UID:
        return str(uid)
    user, app = divmod(uid, PER_USER_RANGE)
    if FIRST_ISOLATED_APP_ID <= app < PER_USER_RANGE:
        return f"u{user}i{app - FIRST_ISOLATED_APP_ID}"
    if app >= FIRST_APPLICATION_UID:
        return f"u{user}a{app - FIRST_APPLICATION_UID}"
    return f"u{user}s{app}"


def user_id(uid: int) -> int:
    """``UserHandle.getUserId``."""
    return uid // PER_USER_RANGE


def app_id(uid: int) -> int:
    """``UserHandle.getAppId``."""
    return uid % PER_USER_RANGE


__all__ = [
    "FIRST_APPLICATION_UID",
    "PER_USER_RANGE",
    "ROOT_UID",
    "SHELL_UID",
    "SYSTEM_UID",
    "app_id",
    "format_uid",
    "user_id",
]
