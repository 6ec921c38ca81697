"""adb's key authentication, device side: tokens, signature checks, public keys and the prompt.

When adbd starts on a device that requires authentication, every new connection goes through
this exchange before the device's CNXN (AOSP ``packages/modules/adb``: ``adb.cpp``
``handle_new_connection`` and ``handle_packet(A_AUTH)``, ``daemon/auth.cpp``, ``adb_auth.h``,
``protocol.txt``; ``frameworks/native/libs/adbd_auth/adbd_auth.cpp`` for the key files and the
prompt):

1. host CNXN -> device ``AUTH(TOKEN=1, 0, 20 random bytes)`` instead of its banner
   (``send_auth_request``);
2. host ``AUTH(SIGNATURE=2, 0, sig)``: the token signed with one of the host's private keys
   (``RSA_sign(NID_sha1, token)``: PKCS#1 v1.5, the token taken as a SHA-1 digest). adbd tries
   every public key in ``/adb_keys`` and ``/data/misc/adb/adb_keys`` (one per line, ``BASE64
   user@host``; the base64 of adb's 524-byte ``RSAPublicKey``, ``libcrypto_utils/android_pubkey.cpp``);
   a match sends the CNXN banner, a miss sends a fresh TOKEN (``failed_auth_attempts``);
3. a host out of keys sends ``AUTH(RSAPUBLICKEY=3, 0, "BASE64 user@host\\0")``; adbd asks the
   framework (``adbd_auth_prompt_user``; the "Allow USB debugging?" dialog) and the host lists
   the device as ``unauthorized`` until the user answers. Allowed: CNXN at once; "Always allow"
   also appends the key to ``/data/misc/adb/adb_keys`` (``AdbDebuggingManager``), so the next
   connection signs its way in. Denied: nothing is sent; the device stays unauthorized.

An AUTH of any other type makes adbd put the transport offline (``handle_offline``); here the
connection ends. Whether authentication is required is decided once, when adbd starts
(``daemon/main.cpp``): ``ro.adb.secure=1`` (emulators' Google images set it). [Deviation: on a
``user`` build adbd requires it whatever the property says; the virtual device follows the
property alone, so its ``user`` builds stay reachable without keys.]

The user's side is :class:`AuthPrompts`, one per device port (it outlives adbd restarts, as the
framework does): tests and tools list the pending keys and :meth:`~AuthPrompts.accept` or
:meth:`~AuthPrompts.deny` them, or set :attr:`~AuthPrompts.auto_accept` (answer "Always allow"
at once).

RSA is checked with plain integers (``pow``): no cryptography package is needed.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from jobctl_sim.native.fs import FsError, MemoryFileSystem

TOKEN_SIZE = 20
"""``TOKEN_SIZE`` (adb_auth.h): the random challenge, also the SHA-1 digest length."""

SYSTEM_KEYS_PATH = "/adb_keys"
USER_KEYS_PATH = "/data/misc/adb/adb_keys"
"""Where adbd looks for trusted public keys (``adbd_auth.cpp``); the framework writes the second."""

SYSTEM_UID = 1000
SHELL_GID = 2000

MODULUS_WORDS = 64
"""``ANDROID_PUBKEY_MODULUS_SIZE`` / 4: adb keys are RSA-2048."""
MODULUS_BYTES = MODULUS_WORDS * 4
ENCODED_SIZE = 3 * 4 + 2 * MODULUS_BYTES
"""``ANDROID_PUBKEY_ENCODED_SIZE``: 524 bytes."""

SHA1_DIGEST_INFO = bytes.fromhex("3021300906052b0e03021a05000414")
"""DER ``DigestInfo`` prefix for SHA-1 (PKCS#1 v1.5, RFC 8017 §9.2 note 1)."""


class AuthType(enum.IntEnum):
    """``arg0`` of an AUTH message (adb_auth.h)."""

    TOKEN = 1
    SIGNATURE = 2
    RSAPUBLICKEY = 3


@dataclass(frozen=True)
class PublicKey:
    """An RSA public key as adb stores it."""

    modulus: int
    exponent: int

    def verify(self, digest: bytes, signature: bytes) -> bool:
        """``RSA_verify(NID_sha1, digest, signature)``: PKCS#1 v1.5 with a SHA-1 DigestInfo; the
        signature must be exactly the modulus' length (BoringSSL ``rsa_verify_raw``)."""
        if len(digest) != TOKEN_SIZE or len(signature) != MODULUS_BYTES:
            return False
        value = int.from_bytes(signature, "big")
        if value >= self.modulus:
            return False
        encoded = pow(value, self.exponent, self.modulus).to_bytes(MODULUS_BYTES, "big")
        padding = MODULUS_BYTES - 3 - len(SHA1_DIGEST_INFO) - len(digest)
        expected = b"\x00\x01" + b"\xff" * padding + b"\x00" + SHA1_DIGEST_INFO + digest
        return encoded == expected

    def encode(self) -> bytes:
        """adb's 524-byte ``RSAPublicKey`` (``android_pubkey_encode``): little-endian words --
        modulus size in words, n0inv = -1/n[0] mod 2^32, the modulus, R^2 mod n with R =
        2^2048, the exponent."""
        n0inv = (-pow(self.modulus & 0xFFFFFFFF, -1, 1 << 32)) & 0xFFFFFFFF
        rr = pow(2, 2 * 8 * MODULUS_BYTES, self.modulus)
        return (struct.pack("<II", MODULUS_WORDS, n0inv) + self.modulus.to_bytes(MODULUS_BYTES, "little")
                + rr.to_bytes(MODULUS_BYTES, "little") + struct.pack("<I", self.exponent))

    def line(self, comment: str = "unknown@unknown") -> str:
        """What ``adbkey.pub`` holds and a host sends: ``BASE64 user@host``."""
        return base64.b64encode(self.encode()).decode("ascii") + " " + comment


def decode_public_key(text: str) -> PublicKey | None:
    """A key line's key (the first space- or tab-separated word, base64 of the 524-byte struct),
    or None where adbd would log "Invalid base64 key" / "Failed to parse key" and skip it
    (``android_pubkey_decode`` wants 64 modulus words)."""
    words = text.replace("\t", " ").split(" ")
    try:
        raw = base64.b64decode(words[0], validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != ENCODED_SIZE:
        return None
    words_count, _n0inv = struct.unpack_from("<II", raw)
    if words_count != MODULUS_WORDS:
        return None
    modulus = int.from_bytes(raw[8:8 + MODULUS_BYTES], "little")
    (exponent,) = struct.unpack_from("<I", raw, 8 + 2 * MODULUS_BYTES)
    if modulus == 0 or exponent == 0:
        return None
    return PublicKey(modulus, exponent)


def trusted_key_lines(fs: MemoryFileSystem) -> Iterator[str]:
    """Every non-empty line of the key files, system keys first (``adbd_auth.cpp``)."""
    for path in (SYSTEM_KEYS_PATH, USER_KEYS_PATH):
        try:
            text = fs.read_bytes(path).decode("utf-8", "replace")
        except FsError:
            continue
        yield from (line.strip() for line in text.splitlines() if line.strip())


def verify_signature(fs: MemoryFileSystem, token: bytes, signature: bytes) -> str | None:
    """``adbd_auth_verify``: the trusted key line whose key signed ``token``, or None."""
    for line in trusted_key_lines(fs):
        key = decode_public_key(line)
        if key is not None and key.verify(token, signature):
            return line
    return None


def fingerprint(key_line: str) -> str:
    """The MD5 fingerprint the "Allow USB debugging?" dialog shows (``AdbDebuggingManager
    .getFingerprints``): colon-separated upper-case hex of the decoded key."""
    try:
        raw = base64.b64decode(key_line.split(" ")[0])
    except (binascii.Error, ValueError):
        return ""
    return ":".join(f"{b:02X}" for b in hashlib.md5(raw).digest())


@dataclass
class Prompt:
    """One pending "Allow USB debugging?" question: the host's key and the connection waiting."""

    key: str
    connection_id: int
    allow: Callable[[], None]


@dataclass
class AuthPrompts:
    """The framework's side (``AdbDebuggingManager``): questions waiting for the user, and the
    key file it maintains."""

    fs: MemoryFileSystem
    auto_accept: bool = False
    """Answer every prompt with "Always allow" as soon as it appears."""
    pending: list[Prompt] = field(default_factory=list)

    def ask(self, prompt: Prompt) -> None:
        self.pending = [p for p in self.pending if p.connection_id != prompt.connection_id]
        self.pending.append(prompt)
        if self.auto_accept:
            self.accept(prompt.key)

    def forget(self, connection_id: int) -> None:
        """The connection went away (``adbd_auth_notify_disconnect``): its prompt closes."""
        self.pending = [p for p in self.pending if p.connection_id != connection_id]

    def keys(self) -> list[str]:
        """The public keys waiting for an answer, oldest first."""
        return list(dict.fromkeys(p.key for p in self.pending))

    def accept(self, key: str | None = None, always: bool = True) -> int:
        """Allow ``key`` (every pending key when None): its connections come online; with
        ``always`` the key is appended to :data:`USER_KEYS_PATH`. The number of connections let in."""
        chosen = [p for p in self.pending if key is None or p.key == key]
        if always:
            for line in dict.fromkeys(p.key for p in chosen):
                self.trust(line)
        self.pending = [p for p in self.pending if p not in chosen]
        for prompt in chosen:
            prompt.allow()
        return len(chosen)

    def deny(self, key: str | None = None) -> int:
        """Answer "Cancel": the connections stay unauthorized. The number of prompts closed."""
        chosen = [p for p in self.pending if key is None or p.key == key]
        self.pending = [p for p in self.pending if p not in chosen]
        return len(chosen)

    def trust(self, key_line: str) -> None:
        """Append ``key_line`` to the user key file (``/data/misc/adb`` is ``system:shell``
        02750, the file 0640, as ``AdbDebuggingManager`` leaves them)."""
        if key_line in set(trusted_key_lines(self.fs)):
            return
        directory = USER_KEYS_PATH.rsplit("/", 1)[0]
        if not self.fs.exists(directory):
            self.fs.mkdir(directory.rsplit("/", 1)[0], parents=True, mode=0o771, uid=SYSTEM_UID)
            self.fs.mkdir(directory, mode=0o2750, uid=SYSTEM_UID)
            self.fs.chown(directory, SYSTEM_UID, SHELL_GID)
        fresh = not self.fs.exists(USER_KEYS_PATH)
        self.fs.write_bytes(USER_KEYS_PATH, key_line.encode() + b"\n", mode=0o100640, append=True, uid=SYSTEM_UID)
        if fresh:
            self.fs.chown(USER_KEYS_PATH, SYSTEM_UID, SHELL_GID)
