"""A minimal host side of the adb wire protocol, for tests that talk to the device port directly
(as pure-Python clients without an adb server do)."""

from __future__ import annotations

import socket

from jobctl_sim.adbd.wire import HEADER, HEADER_SIZE, Command, Message, encode

DEADLINE = 10.0


class WireClient:
    """One TCP connection to a virtual device's adbd, after the CNXN handshake."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        self.pending: list[Message] = []
        """Messages read while waiting for something else, handed out by :meth:`next_for`."""
        self.send(Message(Command.CNXN, 0x01000001, 1 << 20, b"host::features=shell_v2"))
        banner = self.receive()
        assert banner is not None and banner.command is Command.CNXN

    def close(self) -> None:
        self.sock.close()

    def send(self, message: Message) -> None:
        self.sock.sendall(encode(message))

    def _exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                break
            data += chunk
        return data

    def receive(self) -> Message | None:
        """The next message, or None when the device hung up."""
        header = self._exactly(HEADER_SIZE)
        if len(header) < HEADER_SIZE:
            return None
        command, arg0, arg1, length, _check, magic = HEADER.unpack(header)
        assert magic == command ^ 0xFFFFFFFF
        return Message(Command(command), arg0, arg1, self._exactly(length))

    def open(self, local_id: int, service: str) -> int:
        """OPEN ``service``; the device's id for the stream (asserts it was accepted)."""
        self.send(Message(Command.OPEN, local_id, 0, service.encode() + b"\0"))
        reply = self.receive()
        while reply is not None and reply.arg1 != local_id:
            self.pending.append(reply)
            reply = self.receive()
        assert reply is not None and reply.command is Command.OKAY and reply.arg1 == local_id, reply
        return reply.arg0

    def write(self, local_id: int, device_id: int, data: bytes) -> None:
        """WRTE ``data`` and wait for its OKAY (device WRTEs that arrive first are kept in :attr:`pending`)."""
        self.send(Message(Command.WRTE, local_id, device_id, data))
        while True:
            message = self.receive()
            assert message is not None, "the device hung up"
            if message.command is Command.OKAY and message.arg1 == local_id:
                return
            self.pending.append(message)

    def read_until(self, local_id: int, device_id: int, marker: bytes) -> bytes:
        """Acknowledge and collect the stream's WRTEs until ``marker`` shows up in the data."""
        data = b""
        while marker not in data:
            message = self.next_for(local_id)
            assert message is not None and message.command is Command.WRTE, message
            data += message.data
            self.send(Message(Command.OKAY, local_id, device_id))
        return data

    def next_for(self, local_id: int) -> Message | None:
        """The next message for the host's stream ``local_id`` (others wait in :attr:`pending`)."""
        for index, message in enumerate(self.pending):
            if message.arg1 == local_id:
                return self.pending.pop(index)
        while True:
            received = self.receive()
            if received is None or received.arg1 == local_id:
                return received
            self.pending.append(received)

    def shell(self, local_id: int, command: str) -> bytes:
        """``shell:COMMAND`` to its end: the output (the device's CLSE answered)."""
        device_id = self.open(local_id, f"shell:{command}")
        output = b""
        while True:
            message = self.next_for(local_id)
            assert message is not None, "the device hung up"
            if message.command is Command.WRTE:
                output += message.data
                self.send(Message(Command.OKAY, local_id, device_id))
            elif message.command is Command.CLSE:
                self.send(Message(Command.CLSE, local_id, device_id))
                return output

