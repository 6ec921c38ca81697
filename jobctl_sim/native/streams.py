"""Byte streams between a shell command and whoever runs it (an adb stream or a test).

A command writes synchronously (``write``) and awaits ``drain`` when it wants its output
delivered before going on (streaming commands such as ``logcat -f``). Readers are async.
"""

from __future__ import annotations

import asyncio
from typing import Protocol


class OutputStream(Protocol):
    """Where a command's stdout or stderr goes."""

    def write(self, data: bytes | str) -> None:
        """Queue bytes (str is UTF-8 encoded) for delivery."""

    async def drain(self) -> None:
        """Wait until everything queued so far has been delivered."""


class BufferOutput:
    """An :class:`OutputStream` that keeps everything in memory."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes | str) -> None:
        self._chunks.append(data.encode() if isinstance(data, str) else bytes(data))

    async def drain(self) -> None:
        return None

    def getvalue(self) -> bytes:
        return b"".join(self._chunks)


class NullOutput:
    """``/dev/null``."""

    def write(self, data: bytes | str) -> None:
        return None

    async def drain(self) -> None:
        return None


class InputStream:
    """A command's stdin: bytes fed by the producer, read asynchronously until EOF."""

    def __init__(self) -> None:
        self._reader = asyncio.StreamReader(limit=2**31)

    @classmethod
    def of(cls, data: bytes = b"") -> InputStream:
        """A finished stream holding ``data``."""
        stream = cls()
        if data:
            stream.feed(data)
        stream.feed_eof()
        return stream

    def feed(self, data: bytes) -> None:
        self._reader.feed_data(data)

    def feed_eof(self) -> None:
        if not self._reader.at_eof():
            self._reader.feed_eof()

    @property
    def at_eof(self) -> bool:
        return self._reader.at_eof()

    async def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (``-1``: everything until EOF); ``b""`` at EOF."""
        return await self._reader.read(n)

    async def readexactly(self, n: int) -> bytes:
        """Exactly ``n`` bytes; raises :class:`asyncio.IncompleteReadError` at an early EOF."""
        return await self._reader.readexactly(n)

    async def readline(self) -> bytes:
        return await self._reader.readline()
