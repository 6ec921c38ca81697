"""adb transport messages: the 24-byte header and its payload, as pure functions.

Layout (adb-protocol.md §2.1, from AOSP packages/modules/adb/adb.h): six little-endian
uint32 -- command, arg0, arg1, data_length, data_check (a byte sum, only checked at protocol
version 0x01000000), magic (command XOR 0xFFFFFFFF, which the host does check).
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Iterator
from dataclasses import dataclass

HEADER = struct.Struct("<6I")
HEADER_SIZE = HEADER.size

VERSION_MIN = 0x01000000
VERSION_SKIP_CHECKSUM = 0x01000001
"""The newest version; the data_check field is then 0 and ignored."""

MAX_PAYLOAD_BEFORE_CONNECT = 4096
"""A peer's limit until CNXN is exchanged: the device banner must fit (adb-protocol.md §2.1)."""

DEVICE_MAX_PAYLOAD = 1024 * 1024
"""What the virtual device announces and accepts (adbd's MAX_PAYLOAD, 1 MiB)."""


class Command(enum.IntEnum):
    """The four ASCII letters of each message, read as a little-endian uint32."""

    CNXN = 0x4E584E43
    OPEN = 0x4E45504F
    OKAY = 0x59414B4F
    WRTE = 0x45545257
    CLSE = 0x45534C43
    AUTH = 0x48545541
    STLS = 0x534C5453
    SYNC = 0x434E5953


class WireError(Exception):
    """The peer sent bytes that are not a valid adb message; the connection cannot go on."""


@dataclass(frozen=True)
class Message:
    command: Command
    arg0: int
    arg1: int
    data: bytes = b""

    def __repr__(self) -> str:
        preview = self.data[:32]
        more = "…" if len(self.data) > 32 else ""
        return f"{self.command.name}({self.arg0:#x}, {self.arg1:#x}, {preview!r}{more} [{len(self.data)}])"


def checksum(data: bytes) -> int:
    """The legacy data_check: an unsigned byte sum."""
    return sum(data) & 0xFFFFFFFF


def encode(message: Message, version: int = VERSION_SKIP_CHECKSUM) -> bytes:
    """The bytes of ``message`` on the wire."""
    check = checksum(message.data) if version < VERSION_SKIP_CHECKSUM else 0
    header = HEADER.pack(
        message.command,
        message.arg0,
        message.arg1,
        len(message.data),
        check,
        message.command ^ 0xFFFFFFFF,
    )
    return header + message.data


class MessageReader:
    """Turns a TCP byte stream into messages; bytes may arrive in any split."""

    def __init__(self, max_payload: int = DEVICE_MAX_PAYLOAD) -> None:
        self.max_payload = max_payload
        self._buffer = bytearray()
        self._header: tuple[int, ...] | None = None

    def feed(self, data: bytes) -> Iterator[Message]:
        """Add received bytes; yield every message now complete. Raises :class:`WireError`."""
        self._buffer += data
        while True:
            if self._header is None:
                if len(self._buffer) < HEADER_SIZE:
                    return
                self._header = self._parse_header(bytes(self._buffer[:HEADER_SIZE]))
                del self._buffer[:HEADER_SIZE]
            command, arg0, arg1, length, _check, _magic = self._header
            if len(self._buffer) < length:
                return
            data = bytes(self._buffer[:length])
            del self._buffer[:length]
            self._header = None
            yield Message(Command(command), arg0, arg1, data)

    def _parse_header(self, raw: bytes) -> tuple[int, ...]:
        fields = HEADER.unpack(raw)
        command, _arg0, _arg1, length, _check, magic = fields
        if magic != command ^ 0xFFFFFFFF:
            raise WireError(f"bad magic {magic:#010x} for command {command:#010x}")
        try:
            Command(command)
        except ValueError:
            raise WireError(f"unknown command {raw[:4]!r}") from None
        if length > self.max_payload:
            raise WireError(f"payload of {length} bytes exceeds the limit of {self.max_payload}")
        return fields
