"""Install sessions: ``pm install-create`` / ``install-write`` / ``install-commit`` /
``install-abandon``, which ``adb install-multiple`` drives (split APKs).

Sources:

* ``services/core/java/com/android/server/pm/PackageManagerShellCommand.java``:
  ``runInstallCreate`` prints ``Success: created install session [ID]`` ("adb depends on parsing
  this string"); ``runInstallWrite`` (``[-S BYTES] SESSION SPLIT_NAME [PATH|-]``) prints
  ``Success: streamed N bytes``, ``Error: must specify a APK size`` (stderr, exit 1) without a
  size for stdin; an option other than ``-S`` throws ``IllegalArgumentException("Unknown option:
  X")``; ``doCommitSession`` prints ``Success`` or ``Failure [CODE: MESSAGE]`` (exit 1);
  ``doAbandonSession`` prints ``Success``. A session id that is not a number throws
  ``NumberFormatException`` (``Integer.parseInt``; Android's libcore says ``s == null`` for a
  missing one).
* ``PackageInstallerService.openSessionInternal``: an unknown id throws
  ``SecurityException("Caller has no access to session ID")``; ``allocateSessionIdLocked``
  hands out random positive ints.
* ``PackageInstallerSession.validateApkInstallLocked``: the APK without a ``split`` attribute on
  ``<manifest>`` is the base; none gives ``INSTALL_FAILED_INVALID_APK: Full install must include
  a base package``; a split of another package ``INSTALL_FAILED_INVALID_APK: Inconsistent package
  P in NAME; expected Q``. The splits are stored as ``split_NAME.apk`` next to ``base.apk``.
* ``adb install-multiple`` (``packages/modules/adb/client/adb_install.cpp``): ``install-create
  -S TOTAL``, one ``install-write -S SIZE ID NAME -`` per APK, ``install-commit ID``.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jobctl_sim.framework.apk import ApkError, parse_axml, read_apk
from jobctl_sim.framework.packages import InstallOptions
from jobctl_sim.framework.shell_command import (
    ArgCursor,
    IllegalArgumentException,
    NumberFormatException,
    SecurityException,
    Verb,
    parse_java_int,
    parse_java_long,
)
from jobctl_sim.native.fs import FsError
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.packages import PackageManagerService


@dataclass
class Session:
    session_id: int
    options: InstallOptions
    files: dict[str, bytes] = field(default_factory=dict)


def _split_of(apk: bytes) -> str | None:
    """The ``split`` attribute of the APK's ``<manifest>`` (None for a base APK)."""
    try:
        with zipfile.ZipFile(io.BytesIO(apk)) as archive:
            root = parse_axml(archive.read("AndroidManifest.xml"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ApkError(str(exc)) from None
    split = root.attributes.get("split")
    return split if isinstance(split, str) and split else None


def _session_arg(cursor: ArgCursor) -> int:
    text = cursor.next_arg()
    if text is None:
        raise NumberFormatException("s == null")
    return parse_java_int(text)


class InstallSessions:
    """The open sessions of one package manager."""

    def __init__(self, packages: PackageManagerService,
                 parse_options: Callable[[ArgCursor], InstallOptions]) -> None:
        self._packages = packages
        self._parse_options = parse_options
        """``makeInstallParams``: the options ``install`` and ``install-create`` share."""
        self._sessions: dict[int, Session] = {}
        self._allocated = 0

    def _allocate(self) -> int:
        self._allocated += 1
        return (self._allocated * 1_103_515_245 + 12_345) % 2_147_483_000 + 1

    def _open(self, session_id: int) -> Session:
        session = self._sessions.get(session_id)
        if session is None:
            raise SecurityException(f"Caller has no access to session {session_id}")
        return session

    def _verb_create(self, inv: Invocation, cursor: ArgCursor) -> int:
        options = self._parse_options(cursor)
        session = Session(self._allocate(), options)
        self._sessions[session.session_id] = session
        inv.out(f"Success: created install session [{session.session_id}]\n")
        return 0

    async def _verb_write(self, inv: Invocation, cursor: ArgCursor) -> int:
        size = -1
        while (opt := cursor.next_option()) is not None:
            if opt != "-S":
                raise IllegalArgumentException(f"Unknown option: {opt}")
            size = parse_java_long(cursor.next_arg_required())
        session_id = _session_arg(cursor)
        name = cursor.next_arg() or "base"
        path = cursor.next_arg()
        if (path is None or path == "-") and size <= 0:
            inv.err("Error: must specify a APK size\n")
            return 1
        session = self._open(session_id)
        if path is not None and path != "-":
            try:
                data = inv.device.fs.read_bytes(inv.path(path))
            except FsError:
                inv.err(f"Error: Can't open file: {path}\n")
                return -1
        else:
            try:
                data = await inv.stdin.readexactly(size)
            except asyncio.IncompleteReadError as short:
                data = short.partial
        session.files[name] = data
        inv.out(f"Success: streamed {len(data)} bytes\n")
        return 0

    def _verb_commit(self, inv: Invocation, cursor: ArgCursor) -> int:
        session = self._open(_session_arg(cursor))
        del self._sessions[session.session_id]
        error = self._commit(session)
        if error is not None:
            inv.out(f"Failure [{error}]\n")
            return 1
        inv.out("Success\n")
        return 0

    def _commit(self, session: Session) -> str | None:
        base: bytes | None = None
        splits: dict[str, bytes] = {}
        for name, data in session.files.items():
            try:
                split = _split_of(data)
            except ApkError:
                return f"INSTALL_PARSE_FAILED_NOT_APK: Failed to parse {name}"
            if split is None:
                base = data
            else:
                splits[split] = data
        if base is None:
            return "INSTALL_FAILED_INVALID_APK: Full install must include a base package"
        package = read_apk(base).package
        for name, data in session.files.items():
            found = read_apk(data).package
            if found != package:
                return f"INSTALL_FAILED_INVALID_APK: Inconsistent package {found} in {name}; expected {package}"
        result = self._packages.install_apk(base, session.options)
        if not result.ok:
            return result.message
        record = self._packages.record(package)
        if record is not None:
            record.split_names = tuple(sorted(splits))
            fs = self._packages.system.device.fs
            for split, data in splits.items():
                with contextlib.suppress(FsError):
                    fs.write_bytes(f"{record.code_path}/split_{split}.apk", data, uid=1000)
        return None

    def _verb_abandon(self, inv: Invocation, cursor: ArgCursor) -> int:
        session = self._open(_session_arg(cursor))
        del self._sessions[session.session_id]
        inv.out("Success\n")
        return 0

    def verbs(self) -> dict[str, Verb]:
        return {"install-create": self._verb_create, "install-write": self._verb_write,
                "install-commit": self._verb_commit, "install-abandon": self._verb_abandon}


__all__ = ["InstallSessions", "Session"]
