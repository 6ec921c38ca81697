"""Read what the package manager needs from an APK's binary ``AndroidManifest.xml``.

A small reader of Android's binary XML (AXML), following the chunk layout of
``frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h`` (``ResChunk_header``,
``ResStringPool_header`` with UTF-8 or UTF-16 strings, ``RES_XML_RESOURCE_MAP_TYPE``,
``ResXMLTree_node`` / ``ResXMLTree_attrExt`` / ``ResXMLTree_attribute`` / ``Res_value``).
Written here rather than taken from PyPI: the one job (a manifest's package, versions, flags,
permissions and components) is ~200 lines, while the maintained libraries (androguard, pyaxmlparser)
pull in large dependency trees for features the virtual device does not need.

Attribute names are resolved through the resource map when present (aapt2 output may strip
names), so ``android:versionCode`` is found by its id ``0x0101021b`` as well as by its name.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, field

RES_STRING_POOL_TYPE = 0x0001
RES_XML_TYPE = 0x0003
RES_XML_START_NAMESPACE_TYPE = 0x0100
RES_XML_END_NAMESPACE_TYPE = 0x0101
RES_XML_START_ELEMENT_TYPE = 0x0102
RES_XML_END_ELEMENT_TYPE = 0x0103
RES_XML_CDATA_TYPE = 0x0104
RES_XML_RESOURCE_MAP_TYPE = 0x0180
UTF8_FLAG = 0x100
NO_INDEX = 0xFFFFFFFF

TYPE_NULL = 0x00
TYPE_REFERENCE = 0x01
TYPE_STRING = 0x03
TYPE_FLOAT = 0x04
TYPE_INT_DEC = 0x10
TYPE_INT_HEX = 0x11
TYPE_INT_BOOLEAN = 0x12

ANDROID_NS = "http://schemas.android.com/apk/res/android"
ATTR_IDS: dict[int, str] = {
    0x01010003: "name",
    0x01010006: "permission",
    0x0101000F: "debuggable",
    0x01010010: "exported",
    0x0101020C: "minSdkVersion",
    0x0101021B: "versionCode",
    0x0101021C: "versionName",
    0x01010270: "targetSdkVersion",
    0x01010576: "versionCodeMajor",
}
"""``android.R.attr`` ids of the attributes read here (``frameworks/base/core/res/res/values/public.xml``)."""


class ApkError(Exception):
    """The bytes are not an APK, or its manifest is not valid binary XML."""


@dataclass(frozen=True)
class Element:
    """One element of the binary XML tree: tag, attributes (local name -> typed value), children."""

    tag: str
    attributes: dict[str, object] = field(default_factory=dict)
    children: list[Element] = field(default_factory=list)

    def find_all(self, tag: str) -> list[Element]:
        return [child for child in self.children if child.tag == tag]


@dataclass(frozen=True)
class ManifestComponent:
    name: str
    kind: str
    exported: bool
    permission: str | None


@dataclass(frozen=True)
class Manifest:
    package: str
    version_code: int
    version_name: str
    min_sdk: int
    target_sdk: int
    debuggable: bool
    permissions: tuple[str, ...]
    components: tuple[ManifestComponent, ...]


def _u16(data: bytes, offset: int) -> int:
    value: int = struct.unpack_from("<H", data, offset)[0]
    return value


def _u32(data: bytes, offset: int) -> int:
    value: int = struct.unpack_from("<I", data, offset)[0]
    return value


def _read_string_pool(data: bytes, start: int) -> list[str]:
    header_size = _u16(data, start + 2)
    count = _u32(data, start + 8)
    flags = _u32(data, start + 16)
    strings_start = _u32(data, start + 20)
    utf8 = bool(flags & UTF8_FLAG)
    result: list[str] = []
    for i in range(count):
        offset = start + strings_start + _u32(data, start + header_size + 4 * i)
        result.append(_decode_utf8(data, offset) if utf8 else _decode_utf16(data, offset))
    return result


def _decode_utf8(data: bytes, offset: int) -> str:
    def length(pos: int) -> tuple[int, int]:
        first = data[pos]
        if first & 0x80:
            return ((first & 0x7F) << 8) | data[pos + 1], pos + 2
        return first, pos + 1

    _, pos = length(offset)  # UTF-16 length, unused
    size, pos = length(pos)
    return data[pos : pos + size].decode("utf-8", "replace")


def _decode_utf16(data: bytes, offset: int) -> str:
    size = _u16(data, offset)
    pos = offset + 2
    if size & 0x8000:
        size = ((size & 0x7FFF) << 16) | _u16(data, pos)
        pos += 2
    return data[pos : pos + 2 * size].decode("utf-16-le", "replace")


def parse_axml(data: bytes) -> Element:
    """The root element of a binary XML document."""
    try:
        return _parse_axml(data)
    except (struct.error, IndexError) as exc:
        raise ApkError(f"truncated binary XML: {exc}") from None


def _parse_axml(data: bytes) -> Element:
    if len(data) < 8 or _u16(data, 0) != RES_XML_TYPE:
        raise ApkError("not a binary XML document")
    strings: list[str] = []
    resource_ids: list[int] = []
    stack: list[Element] = []
    root: Element | None = None
    pos = _u16(data, 2)
    end = min(len(data), _u32(data, 4))
    while pos + 8 <= end:
        chunk_type, header_size, size = _u16(data, pos), _u16(data, pos + 2), _u32(data, pos + 4)
        if size < 8 or pos + size > end:
            raise ApkError(f"bad chunk size {size} at {pos}")
        if chunk_type == RES_STRING_POOL_TYPE:
            strings = _read_string_pool(data, pos)
        elif chunk_type == RES_XML_RESOURCE_MAP_TYPE:
            resource_ids = [_u32(data, pos + header_size + 4 * i) for i in range((size - header_size) // 4)]
        elif chunk_type == RES_XML_START_ELEMENT_TYPE:
            element = _read_start_element(data, pos + header_size, strings, resource_ids)
            if stack:
                stack[-1].children.append(element)
            elif root is None:
                root = element
            stack.append(element)
        elif chunk_type == RES_XML_END_ELEMENT_TYPE:
            if not stack:
                raise ApkError("unbalanced end element")
            stack.pop()
        pos += size
    if root is None:
        raise ApkError("no root element")
    return root


def _string(strings: list[str], index: int) -> str:
    if index == NO_INDEX:
        return ""
    if index >= len(strings):
        raise ApkError(f"string index {index} out of range")
    return strings[index]


def _read_start_element(data: bytes, ext: int, strings: list[str], resource_ids: list[int]) -> Element:
    name = _string(strings, _u32(data, ext + 4))
    attr_start, attr_size, attr_count = _u16(data, ext + 8), _u16(data, ext + 10), _u16(data, ext + 12)
    attributes: dict[str, object] = {}
    for i in range(attr_count):
        at = ext + attr_start + i * attr_size
        name_index = _u32(data, at + 4)
        raw_index = _u32(data, at + 8)
        data_type = data[at + 15]
        value = _u32(data, at + 16)
        attr_name = _string(strings, name_index)
        if name_index < len(resource_ids) and resource_ids[name_index] in ATTR_IDS:
            attr_name = ATTR_IDS[resource_ids[name_index]]
        attributes[attr_name] = _typed_value(strings, data_type, value, raw_index)
    return Element(name, attributes, [])


def _typed_value(strings: list[str], data_type: int, value: int, raw_index: int) -> object:
    if data_type == TYPE_STRING:
        return _string(strings, value)
    if data_type == TYPE_INT_BOOLEAN:
        return value != 0
    if data_type in (TYPE_INT_DEC, TYPE_INT_HEX):
        return value - (1 << 32) if value & 0x80000000 else value
    if data_type == TYPE_REFERENCE:
        return f"@0x{value:08x}"
    if data_type == TYPE_FLOAT:
        return struct.unpack("<f", struct.pack("<I", value))[0]
    if raw_index != NO_INDEX:
        return _string(strings, raw_index)
    return value


def _as_int(value: object, default: int) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value, 0)
        except ValueError:
            return default
    return default


def _as_bool(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        return value.lower() == "true"
    return default


def _class_name(package: str, name: str) -> str:
    if name.startswith("."):
        return package + name
    return name if "." in name else f"{package}.{name}"


_COMPONENT_TAGS = {
    "activity": "activity", "activity-alias": "activity", "service": "service", "receiver": "receiver",
    "provider": "provider",
}


def read_manifest(root: Element) -> Manifest:
    """Interpret a parsed ``<manifest>`` the way ``ParsingPackageUtils`` reads the fields used here.

    ``exported`` defaults to "has an intent-filter" for activities/services/receivers and to
    ``false`` for providers (targetSdk >= 17), as ``ParsedComponent`` parsing does.
    """
    if root.tag != "manifest":
        raise ApkError(f"root element is <{root.tag}>, not <manifest>")
    package = root.attributes.get("package")
    if not isinstance(package, str) or not package:
        raise ApkError("<manifest> has no package attribute")
    code = _as_int(root.attributes.get("versionCode"), 0) & 0xFFFFFFFF
    code |= (_as_int(root.attributes.get("versionCodeMajor"), 0) & 0xFFFFFFFF) << 32
    version_name = root.attributes.get("versionName")
    min_sdk, target_sdk = 1, 0
    for uses_sdk in root.find_all("uses-sdk"):
        min_sdk = _as_int(uses_sdk.attributes.get("minSdkVersion"), 1)
        target_sdk = _as_int(uses_sdk.attributes.get("targetSdkVersion"), 0)
    permissions = tuple(
        str(el.attributes["name"]) for el in root.find_all("uses-permission")
        if isinstance(el.attributes.get("name"), str)
    )
    debuggable = False
    components: list[ManifestComponent] = []
    for app in root.find_all("application"):
        debuggable = _as_bool(app.attributes.get("debuggable"), False)
        for child in app.children:
            kind = _COMPONENT_TAGS.get(child.tag)
            name = child.attributes.get("name")
            if kind is None or not isinstance(name, str):
                continue
            default_exported = kind != "provider" and bool(child.find_all("intent-filter"))
            permission = child.attributes.get("permission")
            components.append(
                ManifestComponent(
                    _class_name(package, name),
                    kind,
                    _as_bool(child.attributes.get("exported"), default_exported),
                    permission if isinstance(permission, str) else None,
                )
            )
    return Manifest(
        package=package,
        version_code=code,
        version_name=version_name if isinstance(version_name, str) else "",
        min_sdk=min_sdk,
        target_sdk=target_sdk or min_sdk,
        debuggable=debuggable,
        permissions=permissions,
        components=tuple(components),
    )


def read_apk(apk: bytes) -> Manifest:
    """The manifest of an APK given as bytes; :class:`ApkError` if it is not one."""
    try:
        with zipfile.ZipFile(io.BytesIO(apk)) as archive:
            manifest = archive.read("AndroidManifest.xml")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ApkError(f"not an APK: {exc}") from None
    return read_manifest(parse_axml(manifest))
