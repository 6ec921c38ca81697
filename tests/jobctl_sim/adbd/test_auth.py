"""adb key authentication on a device with ``ro.adb.secure=1`` (jobctl_sim/adbd/auth.py; AOSP
packages/modules/adb daemon/auth.cpp, adb.cpp handle_packet(A_AUTH)): the real adb CLIs see
``unauthorized`` until the user allows the key, then ``device``; a trusted key connects at once;
a wrong signature gets a fresh token. Each adb server here has its own port, HOME and
ADB_VENDOR_KEYS."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bridge.adb.private import free_port
from bridge.adb.server import bundled_adb_path
from jobctl_sim.adbd.auth import (
    SHA1_DIGEST_INFO,
    TOKEN_SIZE,
    USER_KEYS_PATH,
    AuthType,
    PublicKey,
    decode_public_key,
)
from jobctl_sim.adbd.wire import HEADER, HEADER_SIZE, Command, Message, encode
from jobctl_sim.device import VirtualDevice
from jobctl_sim.harness import SimHarness
from tests.jobctl_sim.adbd.clis import DEBIAN_ADB
from tests.support.waiting import wait_until


# --------------------------------------------------------------------------- a test RSA key
def _probable_prime(bits: int) -> int:
    while True:
        candidate = secrets.randbits(bits) | (1 << (bits - 1)) | 1
        if all(candidate % p for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)) and _miller_rabin(candidate):
            return candidate


def _miller_rabin(n: int, rounds: int = 24) -> bool:
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


@dataclass(frozen=True)
class PrivateKey:
    modulus: int
    private_exponent: int

    @classmethod
    def generate(cls) -> PrivateKey:
        while True:
            p, q = _probable_prime(1024), _probable_prime(1024)
            n, phi = p * q, (p - 1) * (q - 1)
            if n.bit_length() == 2048 and phi % 65537:
                return cls(n, pow(65537, -1, phi))

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.modulus, 65537)

    def sign(self, token: bytes) -> bytes:
        """``RSA_sign(NID_sha1, token)``, as the host does."""
        body = SHA1_DIGEST_INFO + token
        padded = b"\x00\x01" + b"\xff" * (256 - 3 - len(body)) + b"\x00" + body
        return pow(int.from_bytes(padded, "big"), self.private_exponent, self.modulus).to_bytes(256, "big")


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return PrivateKey.generate()


# --------------------------------------------------------------------------- the key format
def test_a_public_key_line_round_trips_and_checks_pkcs1_sha1_signatures(key: PrivateKey) -> None:
    line = key.public.line("dev@host")
    assert line.endswith(" dev@host") and decode_public_key(line) == key.public
    token = secrets.token_bytes(TOKEN_SIZE)
    signature = key.sign(token)
    assert key.public.verify(token, signature)
    assert not key.public.verify(secrets.token_bytes(TOKEN_SIZE), signature)
    assert not key.public.verify(token, signature[:-1])
    assert not key.public.verify(token, bytes(256))


def test_malformed_key_lines_are_skipped_as_adbd_does() -> None:
    assert decode_public_key("not-base64!! x@y") is None
    assert decode_public_key("QUJD x@y") is None  # valid base64, not 524 bytes


# --------------------------------------------------------------------------- on the wire
def _secure(device: VirtualDevice) -> None:
    device.props["ro.adb.secure"] = "1"


@pytest.fixture
def secure_sim() -> Iterator[SimHarness]:
    """A bare virtual device (native commands only) whose adbd requires authentication."""
    with SimHarness(extensions=(_secure,)) as harness:
        yield harness


class RawHost:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)

    def send(self, message: Message) -> None:
        self.sock.sendall(encode(message))

    def receive(self) -> Message:
        header = self._exactly(HEADER_SIZE)
        command, arg0, arg1, length, _check, _magic = HEADER.unpack(header)
        return Message(Command(command), arg0, arg1, self._exactly(length))

    def _exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            assert chunk, "the device hung up"
            data += chunk
        return data


def _trust(sim: SimHarness, line: str) -> None:
    fs = sim.devices[0].fs

    def write() -> None:
        fs.mkdir("/data/misc/adb", parents=True)
        fs.write_bytes(USER_KEYS_PATH, line.encode() + b"\n")

    sim.run(write)


def test_the_device_challenges_then_answers_a_wrong_signature_with_a_new_token_and_a_right_one_with_cnxn(
        secure_sim: SimHarness, key: PrivateKey) -> None:
    _trust(secure_sim, key.public.line("ci@host"))
    host = RawHost(secure_sim.servers[0].port)
    host.send(Message(Command.CNXN, 0x01000001, 1 << 20, b"host::features=shell_v2"))
    first = host.receive()
    assert (first.command, first.arg0, len(first.data)) == (Command.AUTH, AuthType.TOKEN, TOKEN_SIZE)
    host.send(Message(Command.OPEN, 1, 0, b"shell:id\0"))  # ignored until authenticated
    host.send(Message(Command.AUTH, AuthType.SIGNATURE, 0, PrivateKey.generate().sign(first.data)))
    second = host.receive()
    assert (second.command, second.arg0) == (Command.AUTH, AuthType.TOKEN) and second.data != first.data
    host.send(Message(Command.AUTH, AuthType.SIGNATURE, 0, key.sign(second.data)))
    banner = host.receive()
    assert banner.command is Command.CNXN and banner.data.startswith(b"device::")


def test_an_unknown_public_key_waits_for_the_user_and_always_allow_stores_it(
        secure_sim: SimHarness, key: PrivateKey) -> None:
    host = RawHost(secure_sim.servers[0].port)
    host.send(Message(Command.CNXN, 0x01000001, 1 << 20, b"host::"))
    token = host.receive()
    host.send(Message(Command.AUTH, AuthType.SIGNATURE, 0, key.sign(token.data)))
    assert host.receive().arg0 == AuthType.TOKEN
    line = key.public.line("ci@host")
    host.send(Message(Command.AUTH, AuthType.RSAPUBLICKEY, 0, line.encode() + b"\0"))
    prompts = secure_sim.servers[0].prompts
    assert wait_until(lambda: secure_sim.run(prompts.keys) == [line], 5)
    assert secure_sim.run(prompts.accept) == 1
    assert host.receive().command is Command.CNXN
    assert secure_sim.run(lambda: secure_sim.devices[0].fs.read_bytes(USER_KEYS_PATH)) == line.encode() + b"\n"


def _signed_in_with(sim: SimHarness) -> list[str | None]:
    """The key line each online connection of the device authenticated with."""
    server = sim.servers[0]
    return sim.run(lambda: [c.auth_key for c in server.connections if c.online])


def test_allow_once_lets_the_connection_in_without_storing_the_key(secure_sim: SimHarness, key: PrivateKey) -> None:
    host = RawHost(secure_sim.servers[0].port)
    host.send(Message(Command.CNXN, 0x01000001, 1 << 20, b"host::"))
    host.receive()
    line = key.public.line("once@host")
    host.send(Message(Command.AUTH, AuthType.RSAPUBLICKEY, 0, line.encode() + b"\0"))
    prompts = secure_sim.servers[0].prompts
    assert wait_until(lambda: secure_sim.run(prompts.keys) == [line], 5)
    assert secure_sim.run(lambda: prompts.accept(line, always=False)) == 1
    assert host.receive().command is Command.CNXN
    assert not secure_sim.run(lambda: secure_sim.devices[0].fs.exists(USER_KEYS_PATH))


def test_an_auth_message_of_unknown_type_ends_the_connection(secure_sim: SimHarness) -> None:
    host = RawHost(secure_sim.servers[0].port)
    host.send(Message(Command.CNXN, 0x01000001, 1 << 20, b"host::"))
    assert host.receive().arg0 == AuthType.TOKEN
    host.send(Message(Command.AUTH, 9, 0, b""))
    assert host.sock.recv(1) == b""  # the device hung up


# --------------------------------------------------------------------------- with the adb CLIs
@dataclass
class AdbUnderTest:
    """An adb CLI with its own server port, HOME (so its own ~/.android/adbkey) and vendor keys."""

    binary: str
    port: int
    home: Path
    vendor_keys: str = ""

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("ADB_SERVER_SOCKET", "ANDROID_SERIAL")}
        env.update(HOME=str(self.home), TMPDIR=str(self.home), ANDROID_ADB_SERVER_PORT=str(self.port),
                   ADB_VENDOR_KEYS=self.vendor_keys)
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.binary, "-P", str(self.port), *args], capture_output=True, text=True,
                              env=self.env, timeout=30)

    def state(self, serial: str) -> str | None:
        for line in self.run("devices").stdout.splitlines()[1:]:
            name, _, state = line.partition("\t")
            if name == serial:
                return state
        return None

    @property
    def public_key_line(self) -> str:
        return (self.home / ".android" / "adbkey.pub").read_text().strip()


def _binaries() -> list[str]:
    found = [bundled_adb_path()]
    if DEBIAN_ADB.exists():
        found.append(str(DEBIAN_ADB))
    return found


@pytest.fixture(params=_binaries(), ids=lambda path: "debian" if path == str(DEBIAN_ADB) else "bundled")
def adb_cli(request: pytest.FixtureRequest) -> Iterator[AdbUnderTest]:
    home = Path(tempfile.mkdtemp(prefix="jobctl-auth-adb-"))
    cli = AdbUnderTest(request.param, free_port(), home)
    yield cli
    cli.run("kill-server")
    shutil.rmtree(home, ignore_errors=True)


def test_adb_devices_shows_unauthorized_until_the_user_allows_the_key_then_device(
        secure_sim: SimHarness, adb_cli: AdbUnderTest) -> None:
    serial = secure_sim.addresses[0]
    assert adb_cli.run("start-server").returncode == 0
    connected = adb_cli.run("connect", serial)
    assert connected.stdout == f"failed to authenticate to {serial}\n"
    assert wait_until(lambda: adb_cli.state(serial) == "unauthorized", 10)
    denied = adb_cli.run("-s", serial, "shell", "echo hi")
    assert denied.returncode == 1 and "unauthorized" in denied.stderr
    prompts = secure_sim.servers[0].prompts
    assert [k.split(" ")[0] for k in secure_sim.run(prompts.keys)] == [adb_cli.public_key_line.split(" ")[0]]
    assert secure_sim.run(prompts.accept) == 1
    assert wait_until(lambda: adb_cli.state(serial) == "device", 10)
    assert adb_cli.run("-s", serial, "shell", "id -u").stdout == "2000\n"
    # "Always allow" stored the key: the next connection signs its way in without a prompt.
    adb_cli.run("disconnect", serial)
    assert adb_cli.run("connect", serial).stdout == f"connected to {serial}\n"
    assert wait_until(lambda: adb_cli.state(serial) == "device", 10)
    assert secure_sim.run(prompts.keys) == []


def test_a_host_whose_key_the_device_already_trusts_connects_at_once(
        secure_sim: SimHarness, adb_cli: AdbUnderTest) -> None:
    assert adb_cli.run("start-server").returncode == 0  # creates HOME/.android/adbkey(.pub)
    _trust(secure_sim, adb_cli.public_key_line)
    serial = secure_sim.addresses[0]
    assert adb_cli.run("connect", serial).stdout == f"connected to {serial}\n"
    assert wait_until(lambda: adb_cli.state(serial) == "device", 10)
    assert adb_cli.run("-s", serial, "shell", "echo hi").stdout == "hi\n"
    assert _signed_in_with(secure_sim) == [adb_cli.public_key_line]  # through AUTH(SIGNATURE), no prompt


def test_a_denied_key_stays_unauthorized_and_auto_accept_lets_the_next_host_in(
        secure_sim: SimHarness, adb_cli: AdbUnderTest) -> None:
    serial = secure_sim.addresses[0]
    prompts = secure_sim.servers[0].prompts
    assert adb_cli.run("start-server").returncode == 0
    adb_cli.run("connect", serial)
    assert wait_until(lambda: len(secure_sim.run(prompts.keys)) == 1, 10)
    assert secure_sim.run(prompts.deny) == 1
    assert adb_cli.state(serial) == "unauthorized"
    adb_cli.run("disconnect", serial)

    def auto() -> None:
        prompts.auto_accept = True

    secure_sim.run(auto)
    adb_cli.run("connect", serial)
    assert wait_until(lambda: adb_cli.state(serial) == "device", 10)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the vendor key")
def test_a_vendor_key_in_adb_vendor_keys_is_tried_after_the_user_key(secure_sim: SimHarness) -> None:
    home = Path(tempfile.mkdtemp(prefix="jobctl-auth-vendor-"))
    try:
        vendor = home / "vendor.adb_key"
        subprocess.run(["openssl", "genrsa", "-traditional", "-out", str(vendor), "2048"], check=True,
                       capture_output=True)
        modulus = subprocess.run(["openssl", "rsa", "-in", str(vendor), "-noout", "-modulus"], check=True,
                                 capture_output=True, text=True).stdout.strip().split("=", 1)[1]
        _trust(secure_sim, PublicKey(int(modulus, 16), 65537).line("vendor@ci"))
        cli = AdbUnderTest(_binaries()[-1], free_port(), home, vendor_keys=str(vendor))
        try:
            assert cli.run("start-server").returncode == 0
            serial = secure_sim.addresses[0]
            assert cli.run("connect", serial).stdout == f"connected to {serial}\n"
            assert wait_until(lambda: cli.state(serial) == "device", 10)
            assert _signed_in_with(secure_sim) == [PublicKey(int(modulus, 16), 65537).line("vendor@ci")]
        finally:
            cli.run("kill-server")
    finally:
        shutil.rmtree(home, ignore_errors=True)
