"""``sync:``: file transfer over a byte stream, against the device's in-memory filesystem.

Requests are an 8-byte header (4-char id, uint32 LE length) and, for paths, the path bytes
(at most 1024). Replies and record layouts follow adb-protocol.md §4.2 and AOSP
packages/modules/adb/file_sync_protocol.h: STAT (v1 lstat, all zero when missing), STA2/LST2
(72-byte stat_v2 with an errno), LIST/DENT and LIS2/DNT2 ended by a DONE record of the same
size, SEND "path,mode" then DATA… DONE(mtime) answered by OKAY or FAIL, RECV answered by
DATA… DONE or FAIL, QUIT. ``sendrecv_v2`` is not advertised, so SND2/RCV2 never arrive.
"""

from __future__ import annotations

import asyncio
import errno
import os
import struct

from jobctl_sim.device import VirtualDevice
from jobctl_sim.native.fs import FileStat, FsError
from jobctl_sim.adbd.transport import AdbStream

SYNC_HEADER = struct.Struct("<4sI")
STAT_V1 = struct.Struct("<4sIII")
STAT_V2 = struct.Struct("<4sIQQIIIIQqqq")
DENT_V1 = struct.Struct("<4sIIII")
DENT_V2 = struct.Struct("<4sIQQIIIIQqqqI")
MAX_PATH = 1024
MAX_DATA = 64 * 1024
"""SYNC_DATA_MAX: the largest DATA chunk either side may send."""


class SyncProtocolError(Exception):
    """The client broke the sync protocol; the stream is closed."""


def _stat_v2_fields(stat: FileStat | None, error: int) -> tuple[int, ...]:
    if stat is None:
        return (error, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    return (
        0, stat.dev, stat.ino, stat.mode, stat.nlink, stat.uid, stat.gid,
        stat.size, stat.atime, stat.mtime, stat.ctime,
    )


class SyncSession:
    """One ``sync:`` stream: requests until QUIT or the host closes."""

    def __init__(self, stream: AdbStream, device: VirtualDevice) -> None:
        self.stream = stream
        self.device = device
        self.fs = device.fs

    async def _read_request(self) -> tuple[bytes, int] | None:
        try:
            raw = await self.stream.input.readexactly(SYNC_HEADER.size)
        except asyncio.IncompleteReadError:
            return None
        request_id, length = SYNC_HEADER.unpack(raw)
        return request_id, length

    async def _read_path(self, length: int) -> str:
        if length > MAX_PATH:
            raise SyncProtocolError(f"path too long: {length} bytes")
        return (await self.stream.input.readexactly(length)).decode("utf-8", "surrogateescape")

    async def _fail(self, message: str) -> None:
        data = message.encode()
        await self.stream.write(SYNC_HEADER.pack(b"FAIL", len(data)) + data)

    async def run(self) -> None:
        handlers = {
            b"STAT": self._stat_v1,
            b"STA2": self._stat_v2,
            b"LST2": self._stat_v2,
            b"LIST": self._list_v1,
            b"LIS2": self._list_v2,
            b"SEND": self._send,
            b"RECV": self._recv,
        }
        while True:
            request = await self._read_request()
            if request is None:
                return
            request_id, length = request
            if request_id == b"QUIT":
                return
            handler = handlers.get(request_id)
            if handler is None:
                raise SyncProtocolError(f"unknown sync request {request_id!r}")
            path = await self._read_path(length)
            await handler(path, request_id)

    async def _stat_v1(self, path: str, _request_id: bytes) -> None:
        stat = self.fs.stat(path)
        if stat is None:
            await self.stream.write(STAT_V1.pack(b"STAT", 0, 0, 0))
        else:
            await self.stream.write(STAT_V1.pack(b"STAT", stat.mode, stat.size & 0xFFFFFFFF, stat.mtime))

    async def _stat_v2(self, path: str, request_id: bytes) -> None:
        stat = self.fs.stat(path)
        await self.stream.write(STAT_V2.pack(request_id, *_stat_v2_fields(stat, errno.ENOENT)))

    async def _entries(self, path: str) -> list[tuple[str, FileStat]]:
        try:
            return self.fs.listdir(path)
        except FsError:
            return []

    async def _list_v1(self, path: str, _request_id: bytes) -> None:
        out = bytearray()
        for name, stat in await self._entries(path):
            encoded = name.encode("utf-8", "surrogateescape")
            out += DENT_V1.pack(b"DENT", stat.mode, stat.size & 0xFFFFFFFF, stat.mtime, len(encoded)) + encoded
        out += DENT_V1.pack(b"DONE", 0, 0, 0, 0)
        await self.stream.write(bytes(out))

    async def _list_v2(self, path: str, _request_id: bytes) -> None:
        out = bytearray()
        for name, stat in await self._entries(path):
            encoded = name.encode("utf-8", "surrogateescape")
            out += DENT_V2.pack(b"DNT2", *_stat_v2_fields(stat, 0), len(encoded)) + encoded
        out += DENT_V2.pack(b"DONE", *([0] * 11), 0)
        await self.stream.write(bytes(out))

    async def _send(self, spec: str, _request_id: bytes) -> None:
        path, comma, mode_text = spec.rpartition(",")
        if not comma:
            path, mode_text = spec, "33188"
        try:
            mode = int(mode_text)
        except ValueError:
            raise SyncProtocolError(f"bad SEND mode {mode_text!r}") from None
        chunks: list[bytes] = []
        while True:
            request = await self._read_request()
            if request is None:
                return
            request_id, length = request
            if request_id == b"DATA":
                if length > MAX_DATA:
                    raise SyncProtocolError(f"DATA chunk of {length} bytes exceeds {MAX_DATA}")
                chunks.append(await self.stream.input.readexactly(length))
            elif request_id == b"DONE":
                mtime = length
                break
            else:
                raise SyncProtocolError(f"unexpected {request_id!r} during SEND")
        try:
            # Files arrive owned by whom adbd runs as (shell, or root after ``adb root``).
            self.fs.write_bytes(path, b"".join(chunks), mode=mode, mtime=mtime, make_parents=True,
                                uid=self.stream.connection.process.uid)
        except FsError as error:
            await self._fail(f"failed to write {path}: {os.strerror(error.errno)}")
            return
        await self.stream.write(SYNC_HEADER.pack(b"OKAY", 0))

    async def _recv(self, path: str, _request_id: bytes) -> None:
        try:
            data = self.fs.read_bytes(path)
        except FsError as error:
            await self._fail(f"open failed: {os.strerror(error.errno)}")
            return
        for start in range(0, len(data), MAX_DATA):
            chunk = data[start:start + MAX_DATA]
            self.stream.queue(SYNC_HEADER.pack(b"DATA", len(chunk)) + chunk)
        self.stream.queue(SYNC_HEADER.pack(b"DONE", 0))
        await self.stream.flush()


async def serve_sync(stream: AdbStream, device: VirtualDevice) -> None:
    device.counters.count_service("sync")
    try:
        await SyncSession(stream, device).run()
    except (SyncProtocolError, asyncio.IncompleteReadError, UnicodeDecodeError) as error:
        device.counters.protocol_errors += 1
        stream.connection.log.warning("%s: sync stream closed: %s", device.serial, error)
