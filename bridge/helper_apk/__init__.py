"""The helper APK that jobctl ships (package data), and the checks an APK must pass before install.

``jobctl-helper.apk`` beside this file is built from ``android-helper/`` by ``jobctl helper build
--ship`` (byte for byte reproducible); ``jobctl-helper.json`` records its sha256, versionCode,
versionName, the hash of the sources it was built from and its signing certificate's sha256.

:func:`check_apk` reads an APK on the host, with no Android tool, and refuses it with one line
when it is not an APK, not the helper, not signed with the helper's key or not the version this
jobctl speaks. The formats it reads:

* the binary ``AndroidManifest.xml`` (AXML: ``ResChunk_header``, ``ResStringPool_header``,
  ``ResXMLTree_attribute``/``Res_value``, ``frameworks/base/libs/androidfw/include/androidfw/
  ResourceTypes.h``);
* the APK Signing Block before the ZIP central directory, its v2 (``0x7109871a``) and v3
  (``0xf05368c0``) blocks and their first signer's first certificate
  (``tools/apksig/src/main/java/com/android/apksig/internal/apk/ApkSigningBlockUtils.java``).
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bridge.errors import JobctlError

HELPER_PACKAGE = "dev.jobctl.helper"
APK_NAME = "jobctl-helper.apk"
MANIFEST_NAME = "jobctl-helper.json"
VERSION_CODE_ATTR = 0x0101021B
VERSION_NAME_ATTR = 0x0101021C
SIGNING_BLOCK_MAGIC = b"APK Sig Block 42"
V2_BLOCK_ID = 0x7109871A
V3_BLOCK_ID = 0xF05368C0
EOCD_MAGIC = b"PK\x05\x06"


class ApkRejectedError(JobctlError, ValueError):
    """The file given as the helper APK was refused before the device was touched."""


@dataclass(frozen=True)
class ShippedApk:
    """The APK inside this package and what its manifest JSON says about it."""

    path: Path
    sha256: str
    size: int
    version_code: int
    version_name: str
    source_tree_hash: str
    signing_cert_sha256: str


@dataclass(frozen=True)
class ApkFacts:
    """What the host reads from an APK file."""

    package: str
    version_code: int
    version_name: str | None
    signing_cert_sha256: tuple[str, ...]


def shipped() -> ShippedApk:
    """The shipped APK; raises :class:`ApkRejectedError` when the package data is missing."""
    folder = resources.files(__name__)
    try:
        document = json.loads(folder.joinpath(MANIFEST_NAME).read_text())
    except (OSError, ValueError) as error:
        raise ApkRejectedError(f"this jobctl installation has no helper APK manifest ({error})") from None
    path = Path(str(folder.joinpath(APK_NAME)))
    return ShippedApk(path, str(document["sha256"]), int(document["size"]), int(document["version_code"]),
                      str(document["version_name"]), str(document["source_tree_hash"]),
                      str(document["signing_cert_sha256"]))


def shipped_apk_bytes() -> bytes:
    """The shipped APK's bytes, checked against the manifest's sha256."""
    apk = shipped()
    data = apk.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != apk.sha256:
        raise ApkRejectedError(f"the shipped helper APK {apk.path} does not match its manifest's sha256")
    return data


# ------------------------------------------------------------------------------------- AXML
def _u16(data: bytes, offset: int) -> int:
    return int(struct.unpack_from("<H", data, offset)[0])


def _u32(data: bytes, offset: int) -> int:
    return int(struct.unpack_from("<I", data, offset)[0])


def _string_pool(data: bytes, start: int) -> list[str]:
    count, _style_count, flags, strings_start = struct.unpack_from("<IIII", data, start + 8)
    utf8 = bool(flags & 0x100)
    offsets = struct.unpack_from(f"<{count}I", data, start + 28)
    base = start + strings_start
    strings = []
    for offset in offsets:
        pos = base + offset
        if utf8:
            pos += 2 if data[pos] & 0x80 else 1  # utf-16 length
            length = data[pos]
            if length & 0x80:
                length = ((length & 0x7F) << 8) | data[pos + 1]
                pos += 1
            strings.append(data[pos + 1:pos + 1 + length].decode("utf-8", "replace"))
        else:
            length = _u16(data, pos)
            if length & 0x8000:
                length = ((length & 0x7FFF) << 16) | _u16(data, pos + 2)
                pos += 2
            strings.append(data[pos + 2:pos + 2 + 2 * length].decode("utf-16-le", "replace"))
    return strings


def manifest_identity(axml: bytes) -> tuple[str, int, str | None]:
    """(package, versionCode, versionName) from a binary AndroidManifest.xml's root element."""
    if len(axml) < 8 or _u16(axml, 0) != 0x0003:
        raise ApkRejectedError("not an APK: AndroidManifest.xml is not binary XML")
    strings: list[str] = []
    resource_ids: list[int] = []
    pos = _u16(axml, 2)
    while pos + 8 <= len(axml):
        chunk_type, header_size, size = _u16(axml, pos), _u16(axml, pos + 2), _u32(axml, pos + 4)
        if size < 8:
            break
        if chunk_type == 0x0001:
            strings = _string_pool(axml, pos)
        elif chunk_type == 0x0180:
            resource_ids = list(struct.unpack_from(f"<{(size - 8) // 4}I", axml, pos + 8))
        elif chunk_type == 0x0102:
            ext = pos + header_size
            name = strings[_u32(axml, ext + 4)]
            if name != "manifest":
                break
            attr_start, attr_size, attr_count = _u16(axml, ext + 8), _u16(axml, ext + 10), _u16(axml, ext + 12)
            values: dict[str, object] = {}
            for i in range(attr_count):
                a = ext + attr_start + i * attr_size
                name_index, raw_index = _u32(axml, a + 4), _u32(axml, a + 8)
                data_type, data = axml[a + 15], _u32(axml, a + 16)
                res_id = resource_ids[name_index] if name_index < len(resource_ids) else 0
                key = {VERSION_CODE_ATTR: "versionCode", VERSION_NAME_ATTR: "versionName"}.get(
                    res_id, strings[name_index] if name_index < len(strings) else "")
                if data_type == 0x03:
                    values[key] = strings[data]
                elif raw_index != 0xFFFFFFFF:
                    values[key] = strings[raw_index]
                else:
                    values[key] = data
            package, version_code = values.get("package"), values.get("versionCode")
            if not isinstance(package, str) or not isinstance(version_code, int):
                raise ApkRejectedError("not an APK: its manifest has no package or versionCode")
            version_name = values.get("versionName")
            return package, version_code, version_name if isinstance(version_name, str) else None
        pos += size
    raise ApkRejectedError("not an APK: its manifest has no <manifest> element")


# ------------------------------------------------------------------------ APK Signing Block
def _length_prefixed(data: bytes, pos: int) -> tuple[bytes, int]:
    length = _u32(data, pos)
    if pos + 4 + length > len(data):
        raise ValueError("length-prefixed field runs past its block")
    return data[pos + 4:pos + 4 + length], pos + 4 + length


def signing_certificates(apk: bytes) -> tuple[str, ...]:
    """sha256 of the first certificate of every signer in the v2 and v3 blocks (empty: unsigned)."""
    eocd = apk.rfind(EOCD_MAGIC, max(0, len(apk) - 65_557))
    if eocd < 0:
        return ()
    cd_offset = _u32(apk, eocd + 16)
    if cd_offset < 32 or apk[cd_offset - 16:cd_offset] != SIGNING_BLOCK_MAGIC:
        return ()
    block_size = struct.unpack_from("<Q", apk, cd_offset - 24)[0]
    start = cd_offset - block_size - 8
    if start < 0:
        return ()
    pos, end = start + 8, cd_offset - 24
    found: list[str] = []
    try:
        while pos + 12 <= end:
            pair_length = struct.unpack_from("<Q", apk, pos)[0]
            block_id = _u32(apk, pos + 8)
            value = apk[pos + 12:pos + 8 + pair_length]
            pos += 8 + pair_length
            if block_id not in (V2_BLOCK_ID, V3_BLOCK_ID):
                continue
            signers, _ = _length_prefixed(value, 0)
            spos = 0
            while spos < len(signers):
                signer, spos = _length_prefixed(signers, spos)
                signed_data, _ = _length_prefixed(signer, 0)
                _digests, cpos = _length_prefixed(signed_data, 0)
                certificates, _ = _length_prefixed(signed_data, cpos)
                first, _ = _length_prefixed(certificates, 0)
                found.append(hashlib.sha256(first).hexdigest())
    except (ValueError, struct.error):
        raise ApkRejectedError("not an APK: its signing block is corrupt") from None
    return tuple(dict.fromkeys(found))


def read_apk_facts(path: str | Path) -> ApkFacts:
    """Package, version and signing certificates of an APK file; refuses anything that is not one."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ApkRejectedError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise ApkRejectedError(f"not an APK: {path} is corrupt (entry {bad} fails its CRC)")
            names = set(archive.namelist())
            if "AndroidManifest.xml" not in names or "classes.dex" not in names:
                raise ApkRejectedError(f"not an APK: {path} has no AndroidManifest.xml and classes.dex")
            axml = archive.read("AndroidManifest.xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
        raise ApkRejectedError(f"not an APK: {path} is not a zip archive ({error})") from None
    try:
        package, version_code, version_name = manifest_identity(axml)
    except (IndexError, struct.error):
        raise ApkRejectedError(f"not an APK: {path} has a corrupt AndroidManifest.xml") from None
    return ApkFacts(package, version_code, version_name, signing_certificates(data))


def check_apk(path: str | Path, expected_version_code: int) -> ApkFacts:
    """Refuse (:class:`ApkRejectedError`, one line) an APK that is not the helper this jobctl ships
    for: not an APK, another package, another signing key, another versionCode."""
    facts = read_apk_facts(path)
    if facts.package != HELPER_PACKAGE:
        raise ApkRejectedError(f"wrong package: {path} is {facts.package}, not {HELPER_PACKAGE}")
    expected_cert = shipped().signing_cert_sha256
    if not facts.signing_cert_sha256:
        raise ApkRejectedError(f"signature mismatch: {path} has no APK Signature Scheme v2/v3 signature")
    if expected_cert not in facts.signing_cert_sha256:
        raise ApkRejectedError(f"signature mismatch: {path} is signed by certificate "
                               f"{facts.signing_cert_sha256[0][:16]}…, not the helper's debug key "
                               f"{expected_cert[:16]}…")
    if facts.version_code != expected_version_code:
        raise ApkRejectedError(f"version mismatch: {path} is versionCode {facts.version_code}, "
                               f"this jobctl needs {expected_version_code}")
    return facts
