"""Unit tests of the adb message framing."""

from __future__ import annotations

import pytest

from jobctl_sim.adbd.wire import (
    HEADER_SIZE,
    VERSION_MIN,
    Command,
    Message,
    MessageReader,
    WireError,
    checksum,
    encode,
)


def test_message_round_trips_through_any_split_of_the_byte_stream() -> None:
    messages = [Message(Command.OPEN, 1, 0, b"shell:echo hi\0"), Message(Command.WRTE, 1, 2, b"x" * 5000),
                Message(Command.OKAY, 7, 8), Message(Command.CLSE, 7, 8)]
    stream = b"".join(encode(m) for m in messages)
    for step in (1, 3, 24, 25, 1000, len(stream)):
        reader = MessageReader()
        received = [m for i in range(0, len(stream), step) for m in reader.feed(stream[i:i + step])]
        assert received == messages


def test_header_has_magic_and_skips_checksum_at_the_new_version() -> None:
    raw = encode(Message(Command.WRTE, 1, 2, b"abc"))
    assert len(raw) == HEADER_SIZE + 3
    assert int.from_bytes(raw[16:20], "little") == 0
    assert int.from_bytes(raw[20:24], "little") == Command.WRTE ^ 0xFFFFFFFF


def test_old_protocol_version_carries_a_byte_sum_checksum() -> None:
    raw = encode(Message(Command.WRTE, 1, 2, b"\x01\x02\xff"), version=VERSION_MIN)
    assert int.from_bytes(raw[16:20], "little") == checksum(b"\x01\x02\xff") == 258


def test_bad_magic_is_a_wire_error() -> None:
    raw = bytearray(encode(Message(Command.OKAY, 1, 2)))
    raw[20] ^= 0xFF
    with pytest.raises(WireError, match="bad magic"):
        list(MessageReader().feed(bytes(raw)))


def test_unknown_command_is_a_wire_error() -> None:
    raw = bytearray(encode(Message(Command.OKAY, 1, 2)))
    raw[0:4] = b"XXXX"
    raw[20:24] = (int.from_bytes(b"XXXX", "little") ^ 0xFFFFFFFF).to_bytes(4, "little")
    with pytest.raises(WireError, match="unknown command"):
        list(MessageReader().feed(bytes(raw)))


def test_payload_over_the_limit_is_refused_before_it_is_buffered() -> None:
    header = encode(Message(Command.WRTE, 1, 2, b"y" * 10))[:HEADER_SIZE]
    reader = MessageReader(max_payload=4)
    with pytest.raises(WireError, match="exceeds the limit"):
        list(reader.feed(header))
