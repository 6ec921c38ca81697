"""The virtual device's in-memory filesystem.

What is modelled is what adb clients observe through ``sync:`` (STAT/STA2/LIST/SEND/RECV) and
through the shell's ``ls``/``cat``/``rm``/``mkdir`` and redirections:

* an Android-like tree (:meth:`MemoryFileSystem.android_layout`): ``/data/local/tmp`` owned by
  shell (uid/gid 2000) with mode ``0771`` as ``system/core/rootdir/init.rc`` creates it
  (``mkdir /data/local/tmp 0771 shell shell``); ``/sdcard`` is a symlink to
  ``/storage/self/primary`` which in turn points to ``/storage/emulated/0`` as in
  ``system/core/rootdir/init.rc`` (``symlink /storage/self/primary /sdcard``);
* ``stat`` results with the fields of the sync protocol's ``stat_v2`` reply
  (``packages/modules/adb/file_sync_protocol.h``: dev, ino, mode, nlink, uid, gid, size,
  atime, mtime, ctime);
* errors as :class:`FsError` carrying a stdlib :mod:`errno` number, so callers can print the
  same ``strerror`` texts bionic does (``No such file or directory``, ``Is a directory``, ...).

Permission checks are :meth:`MemoryFileSystem.check_access` (owner, group and other bits, search
permission on every directory on the way, root exempt), which the shell applies to what it
opens as its uid; SELinux is not modelled, nor are checks in ``sync:`` (adb push/pull). Not modelled: hard links,
sockets and fifos, xattrs/SELinux labels, and concurrent access (one asyncio loop owns it).
"""

from __future__ import annotations

import errno as errno_codes
import os
import stat as stat_bits
from dataclasses import dataclass, field

from jobctl_sim.native.clock import VirtualClock

MAX_PATH_BYTES = 1024
"""Longest path adbd's sync service accepts (``packages/modules/adb/daemon/file_sync_service.cpp``
rejects requests whose path length exceeds 1024)."""

DEFAULT_CAPACITY_BYTES = 2 * 1024**3
"""Total file bytes the filesystem holds before writes fail with ENOSPC."""

ROOT_UID = 0
SHELL_UID = 2000
SDCARD_RW_GID = 1015
SDCARD_R_GID = 1028
R_OK, W_OK, X_OK = os.R_OK, os.W_OK, os.X_OK
SHELL_GROUPS = frozenset({SHELL_UID, SDCARD_RW_GID, SDCARD_R_GID})
"""The shell's own group and, of the supplementary groups adbd gives it (packages/modules/adb
daemon/main.cpp ``drop_privileges``: adb, log, input, inet, net_bt*, sdcard_r, sdcard_rw, …),
the ones that decide access to files this model holds."""


def groups_of(uid: int) -> frozenset[int]:
    """The groups a process of ``uid`` runs with (an app: its own gid only)."""
    return SHELL_GROUPS if uid == SHELL_UID else frozenset({uid})
MAX_SYMLINK_HOPS = 40
"""Linux's MAXSYMLINKS: more hops than this give ELOOP."""

_DEV_ID = 0xFD00
"""The st_dev reported for every file (one filesystem)."""


class FsError(Exception):
    """A filesystem operation failed with ``errno`` on ``path``."""

    def __init__(self, errno: int, path: str) -> None:
        super().__init__(errno, path)
        self.errno = errno
        self.path = path

    @property
    def strerror(self) -> str:
        """The C library's text for :attr:`errno` (bionic and glibc agree on the common ones)."""
        return os.strerror(self.errno)

    def __str__(self) -> str:
        return f"{self.path}: {self.strerror}"


@dataclass(frozen=True)
class FileStat:
    """What ``stat(2)`` says about one file; the fields of adb's ``stat_v2``."""

    mode: int
    """File type bits and permission bits, e.g. ``0o100644``."""
    size: int
    mtime: int
    atime: int
    ctime: int
    uid: int
    gid: int
    nlink: int
    ino: int
    dev: int = _DEV_ID

    @property
    def is_dir(self) -> bool:
        return stat_bits.S_ISDIR(self.mode)

    @property
    def is_file(self) -> bool:
        return stat_bits.S_ISREG(self.mode)

    @property
    def is_symlink(self) -> bool:
        return stat_bits.S_ISLNK(self.mode)


@dataclass
class _Node:
    """One inode. Directories keep children, files data, symlinks a target."""

    mode: int
    ino: int
    uid: int
    gid: int
    mtime: int
    atime: int
    ctime: int
    data: bytearray = field(default_factory=bytearray)
    children: dict[str, _Node] = field(default_factory=dict)
    target: str = ""
    discard_writes: bool = False
    """True for ``/dev/null``: writes vanish, reads are empty."""

    @property
    def is_dir(self) -> bool:
        return stat_bits.S_ISDIR(self.mode)

    @property
    def is_symlink(self) -> bool:
        return stat_bits.S_ISLNK(self.mode)

    def size(self) -> int:
        if self.is_dir:
            return 4096
        if self.is_symlink:
            return len(self.target.encode())
        return len(self.data)

    def to_stat(self) -> FileStat:
        nlink = 2 + sum(1 for c in self.children.values() if c.is_dir) if self.is_dir else 1
        return FileStat(
            mode=self.mode,
            size=self.size(),
            mtime=self.mtime,
            atime=self.atime,
            ctime=self.ctime,
            uid=self.uid,
            gid=self.gid,
            nlink=nlink,
            ino=self.ino,
        )


def normalize_path(path: str) -> str:
    """An absolute path without ``//``, ``.``, ``..`` or a trailing ``/`` (relative paths
    are taken from ``/``, adbd's working directory). Does not resolve symlinks."""
    if not path:
        raise FsError(errno_codes.ENOENT, path)
    if len(path.encode("utf-8", "surrogateescape")) > MAX_PATH_BYTES:
        raise FsError(errno_codes.ENAMETOOLONG, path)
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def _split(path: str) -> list[str]:
    return [p for p in path.split("/") if p]


class MemoryFileSystem:
    """A bounded in-memory POSIX-like tree with symlinks and ``/dev/null``."""

    def __init__(self, clock: VirtualClock, capacity_bytes: int = DEFAULT_CAPACITY_BYTES) -> None:
        self.clock = clock
        self.capacity_bytes = capacity_bytes
        self._next_ino = 1
        self._used = 0
        self.root = self._new_node(stat_bits.S_IFDIR | 0o755)

    # ----------------------------------------------------------------- construction

    @classmethod
    def android_layout(
        cls, clock: VirtualClock, capacity_bytes: int = DEFAULT_CAPACITY_BYTES
    ) -> MemoryFileSystem:
        """The directories adb clients touch on a freshly booted device.

        Owners and modes follow ``system/core/rootdir/init.rc`` where it sets them
        (``/data`` system:system 0771, ``/data/local`` 0751 root, ``/data/local/tmp`` 0771
        shell:shell, ``/data/data`` 0771 system:system); ``/storage/emulated/0`` is shown as
        root:sdcard_rw 0771 the way the FUSE mount reports it to shell.
        """
        fs = cls(clock, capacity_bytes)
        system, shell = 1000, SHELL_UID
        layout: list[tuple[str, int, int, int]] = [
            ("/data", 0o771, system, system),
            ("/data/local", 0o751, ROOT_UID, ROOT_UID),
            ("/data/local/tmp", 0o771, shell, shell),
            ("/data/data", 0o771, system, system),
            ("/dev", 0o755, ROOT_UID, ROOT_UID),
            ("/proc", 0o555, ROOT_UID, ROOT_UID),
            ("/storage", 0o755, ROOT_UID, ROOT_UID),
            ("/storage/emulated", 0o711, ROOT_UID, SDCARD_RW_GID),
            ("/storage/emulated/0", 0o771, ROOT_UID, SDCARD_RW_GID),
            ("/storage/self", 0o755, ROOT_UID, ROOT_UID),
            ("/system", 0o755, ROOT_UID, ROOT_UID),
            ("/system/bin", 0o755, ROOT_UID, 2000),
            ("/vendor", 0o755, ROOT_UID, ROOT_UID),
        ]
        for path, perm, uid, gid in layout:
            fs.mkdir(path, parents=True, mode=perm)
            fs.chown(path, uid, gid)
        fs.symlink("/storage/emulated/0", "/storage/self/primary")
        fs.symlink("/storage/self/primary", "/sdcard")
        null = fs._new_node(stat_bits.S_IFCHR | 0o666)
        null.discard_writes = True
        fs._lookup("/dev").children["null"] = null
        return fs

    def _new_node(self, mode: int, uid: int = ROOT_UID, gid: int = ROOT_UID) -> _Node:
        now = int(self.clock.wall_time())
        node = _Node(mode=mode, ino=self._next_ino, uid=uid, gid=gid, mtime=now, atime=now, ctime=now)
        self._next_ino += 1
        return node

    # ----------------------------------------------------------------- resolution

    def _lookup(self, path: str, follow_last: bool = True) -> _Node:
        """The node at ``path`` following symlinks (the last one only if ``follow_last``)."""
        node, _ = self._walk(normalize_path(path), follow_last)
        return node

    def _walk(self, path: str, follow_last: bool, hops: int = 0) -> tuple[_Node, str]:
        """Resolve a normalised path; returns the node and its real (symlink-free) path."""
        parts = _split(path)
        node, real = self.root, "/"
        for index, name in enumerate(parts):
            if not node.is_dir:
                raise FsError(errno_codes.ENOTDIR, path)
            child = node.children.get(name)
            if child is None:
                raise FsError(errno_codes.ENOENT, path)
            here = real.rstrip("/") + "/" + name
            last = index == len(parts) - 1
            if child.is_symlink and (follow_last or not last):
                if hops >= MAX_SYMLINK_HOPS:
                    raise FsError(errno_codes.ELOOP, path)
                target = child.target if child.target.startswith("/") else real + "/" + child.target
                child, here = self._walk(normalize_path(target), True, hops + 1)
            node, real = child, here
        return node, real

    def _parent(self, path: str) -> tuple[_Node, str]:
        """The directory that holds ``path`` (resolved) and the final name."""
        norm = normalize_path(path)
        if norm == "/":
            raise FsError(errno_codes.EBUSY, path)
        head, name = norm.rsplit("/", 1)
        parent = self._lookup(head or "/")
        if not parent.is_dir:
            raise FsError(errno_codes.ENOTDIR, path)
        return parent, name

    def realpath(self, path: str) -> str:
        """``path`` with every symlink resolved (``/sdcard/x`` → ``/storage/emulated/0/x``)."""
        norm = normalize_path(path)
        try:
            return self._walk(norm, True)[1]
        except FsError as exc:
            if exc.errno != errno_codes.ENOENT:
                raise
            head, name = norm.rsplit("/", 1)
            return self.realpath(head or "/").rstrip("/") + "/" + name

    # ----------------------------------------------------------------- queries

    def stat(self, path: str) -> FileStat | None:
        """``stat(2)`` (follows symlinks); ``None`` if the path does not resolve."""
        try:
            return self._lookup(path).to_stat()
        except FsError:
            return None

    def lstat(self, path: str) -> FileStat | None:
        """``lstat(2)``: like :meth:`stat` but a final symlink is described, not followed."""
        try:
            return self._lookup(path, follow_last=False).to_stat()
        except FsError:
            return None

    def exists(self, path: str) -> bool:
        return self.stat(path) is not None

    def is_dir(self, path: str) -> bool:
        st = self.stat(path)
        return st is not None and st.is_dir

    def readlink(self, path: str) -> str:
        node = self._lookup(path, follow_last=False)
        if not node.is_symlink:
            raise FsError(errno_codes.EINVAL, path)
        return node.target

    def check_access(self, path: str, uid: int, want: int) -> None:
        """``access(2)`` for a process of ``uid``: raise ``FsError(EACCES)`` unless every
        directory on the way grants search (x) and the file grants ``want`` (R_OK/W_OK/X_OK
        bits). A path that does not exist yet needs write and search on its directory (to be
        created). Root may do anything. Raises ``FsError(ENOENT)`` as lookups do."""
        if uid == ROOT_UID:
            return
        real = self.realpath(path)
        groups = groups_of(uid)
        parts = _split(real)
        node = self.root
        for name in parts[:-1]:
            if not self._permits(node, uid, groups, X_OK):
                raise FsError(errno_codes.EACCES, path)
            child = node.children.get(name)
            if child is None:
                raise FsError(errno_codes.ENOENT, path)
            node = child
        target = node.children.get(parts[-1]) if parts else node
        if target is None:  # to be created (when writing): the directory must let us write and search it
            if not want & W_OK:
                raise FsError(errno_codes.ENOENT, path)
            if not self._permits(node, uid, groups, W_OK | X_OK):
                raise FsError(errno_codes.EACCES, path)
            return
        if parts and not self._permits(node, uid, groups, X_OK):
            raise FsError(errno_codes.EACCES, path)
        if not self._permits(target, uid, groups, want):
            raise FsError(errno_codes.EACCES, path)

    @staticmethod
    def _permits(node: _Node, uid: int, groups: frozenset[int], want: int) -> bool:
        shift = 6 if uid == node.uid else 3 if node.gid in groups else 0
        return (stat_bits.S_IMODE(node.mode) >> shift) & want == want

    def read_bytes(self, path: str) -> bytes:
        node = self._lookup(path)
        if node.is_dir:
            raise FsError(errno_codes.EISDIR, path)
        if node.discard_writes:
            return b""
        node.atime = int(self.clock.wall_time())
        return bytes(node.data)

    def listdir(self, path: str) -> list[tuple[str, FileStat]]:
        """Entries of a directory (no ``.``/``..``), sorted by name, with their lstat."""
        node = self._lookup(path)
        if not node.is_dir:
            raise FsError(errno_codes.ENOTDIR, path)
        return [(name, child.to_stat()) for name, child in sorted(node.children.items())]

    @property
    def used_bytes(self) -> int:
        """Bytes of file data stored (what counts against ``capacity_bytes``)."""
        return self._used

    # ----------------------------------------------------------------- mutations

    def write_bytes(
        self,
        path: str,
        data: bytes,
        mode: int = 0o100644,
        mtime: int | None = None,
        make_parents: bool = False,
        append: bool = False,
        uid: int = SHELL_UID,
    ) -> FileStat:
        """Create or replace (or ``append`` to) a regular file; returns its new stat.

        ``mode`` may carry the file-type bits (adb's SEND does); it is applied when the file is
        created and kept when an existing file is overwritten. Writes to ``/dev/null`` vanish.
        """
        if make_parents:
            head = normalize_path(path).rsplit("/", 1)[0] or "/"
            self.mkdir(head, parents=True)
        link = self.lstat(path)
        if link is not None and link.is_symlink:
            real = self.realpath(path)
            if real == normalize_path(path):  # a dangling link: not followed here
                raise FsError(errno_codes.ENOENT, path)
            return self.write_bytes(real, data, mode, mtime, False, append, uid)
        parent, name = self._parent(path)
        node = parent.children.get(name)
        if node is not None and node.discard_writes:
            return node.to_stat()
        if node is not None and node.is_dir:
            raise FsError(errno_codes.EISDIR, path)
        old_size = len(node.data) if node is not None else 0
        new_size = old_size + len(data) if append else len(data)
        if self._used - old_size + new_size > self.capacity_bytes:
            raise FsError(errno_codes.ENOSPC, path)
        if node is None:
            node = self._new_node(stat_bits.S_IFREG | stat_bits.S_IMODE(mode), uid=uid, gid=uid)
            parent.children[name] = node
            parent.mtime = parent.ctime = node.mtime
        if append:
            node.data.extend(data)
        else:
            node.data = bytearray(data)
        self._used += new_size - old_size
        now = int(self.clock.wall_time())
        node.mtime = now if mtime is None else int(mtime)
        node.ctime = now
        return node.to_stat()

    def mkdir(self, path: str, parents: bool = False, mode: int = 0o40755, uid: int = ROOT_UID) -> None:
        """``mkdir(2)``, or ``mkdir -p`` with ``parents`` (existing directories are fine)."""
        norm = normalize_path(path)
        perm = stat_bits.S_IMODE(mode)
        if parents:
            current = "/"
            for name in _split(norm):
                current = current.rstrip("/") + "/" + name
                st = self.stat(current)
                if st is None:
                    self.mkdir(current, mode=perm, uid=uid)
                elif not st.is_dir:
                    raise FsError(errno_codes.ENOTDIR if current != norm else errno_codes.EEXIST, path)
            return
        if norm == "/":
            raise FsError(errno_codes.EEXIST, path)
        parent, name = self._parent(norm)
        if name in parent.children:
            raise FsError(errno_codes.EEXIST, path)
        parent.children[name] = self._new_node(stat_bits.S_IFDIR | perm, uid=uid, gid=uid)
        parent.mtime = parent.ctime = int(self.clock.wall_time())

    def symlink(self, target: str, path: str) -> None:
        """``symlink(2)``: create ``path`` pointing at ``target``."""
        parent, name = self._parent(path)
        if name in parent.children:
            raise FsError(errno_codes.EEXIST, path)
        node = self._new_node(stat_bits.S_IFLNK | 0o777)
        node.target = target
        parent.children[name] = node

    def chown(self, path: str, uid: int, gid: int) -> None:
        node = self._lookup(path)
        node.uid, node.gid = uid, gid

    def set_times(self, path: str, atime: int | None = None, mtime: int | None = None) -> None:
        """``utimensat(2)``: set the access and/or modification time (ctime becomes now)."""
        node = self._lookup(path)
        if atime is not None:
            node.atime = atime
        if mtime is not None:
            node.mtime = mtime
        node.ctime = int(self.clock.wall_time())

    def chmod(self, path: str, mode: int) -> None:
        node = self._lookup(path)
        node.mode = stat_bits.S_IFMT(node.mode) | stat_bits.S_IMODE(mode)

    def remove(self, path: str, recursive: bool = False) -> None:
        """``unlink(2)`` a file or symlink; a directory needs ``recursive`` (EISDIR otherwise)."""
        parent, name = self._parent(path)
        node = parent.children.get(name)
        if node is None:
            raise FsError(errno_codes.ENOENT, path)
        if node.is_dir and not recursive:
            raise FsError(errno_codes.EISDIR, path)
        self._used -= self._data_bytes(node)
        del parent.children[name]
        parent.mtime = parent.ctime = int(self.clock.wall_time())

    def rename(self, source: str, target: str) -> None:
        """``rename(2)``: move ``source`` to ``target`` atomically; an existing target file is
        replaced, a directory target receives nothing (EISDIR/ENOTEMPTY as the kernel says)."""
        source_parent, source_name = self._parent(source)
        node = source_parent.children.get(source_name)
        if node is None:
            raise FsError(errno_codes.ENOENT, source)
        target_parent, target_name = self._parent(target)
        existing = target_parent.children.get(target_name)
        if existing is node:
            return
        if existing is not None:
            if existing.is_dir and not node.is_dir:
                raise FsError(errno_codes.EISDIR, target)
            if node.is_dir and not existing.is_dir:
                raise FsError(errno_codes.ENOTDIR, target)
            if existing.is_dir and existing.children:
                raise FsError(errno_codes.ENOTEMPTY, target)
            self._used -= self._data_bytes(existing)
        del source_parent.children[source_name]
        target_parent.children[target_name] = node
        now = int(self.clock.wall_time())
        source_parent.mtime = source_parent.ctime = target_parent.mtime = target_parent.ctime = now

    def _data_bytes(self, node: _Node) -> int:
        if node.is_dir:
            return sum(self._data_bytes(child) for child in node.children.values())
        return len(node.data)
