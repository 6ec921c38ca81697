"""Build small but real APKs for tests: a zip whose AndroidManifest.xml is binary XML (AXML).

Chunk layout per AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h:
RES_XML_TYPE file header, a UTF-8 string pool, the resource-id map of attribute names, then
start/end namespace and element nodes whose attributes carry typed values.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, field

ANDROID_NS = "http://schemas.android.com/apk/res/android"
ATTRIBUTE_IDS = {  # android.R.attr values
    "name": 0x01010003, "permission": 0x01010006, "exported": 0x01010010, "debuggable": 0x0101000F,
    "versionCode": 0x0101021B, "versionName": 0x0101021C, "minSdkVersion": 0x0101020C,
    "targetSdkVersion": 0x01010270,
}
TYPE_STRING, TYPE_INT_DEC, TYPE_INT_BOOLEAN = 0x03, 0x10, 0x12


@dataclass
class Element:
    tag: str
    attributes: dict[str, str | int | bool] = field(default_factory=dict)
    """Keys are ``android:NAME`` for the android namespace, bare names otherwise."""
    children: list[Element] = field(default_factory=list)


def _string_pool(strings: list[str]) -> bytes:
    data, offsets = bytearray(), []
    for s in strings:
        encoded = s.encode()
        assert len(s) < 128 and len(encoded) < 128, "test strings stay short"
        offsets.append(len(data))
        data += bytes([len(s), len(encoded)]) + encoded + b"\0"
    while len(data) % 4:
        data += b"\0"
    header_size = 28
    strings_start = header_size + 4 * len(strings)
    size = strings_start + len(data)
    return struct.pack("<HHIIIIII", 0x0001, header_size, size, len(strings), 0, 0x100, strings_start, 0) + \
        b"".join(struct.pack("<I", o) for o in offsets) + bytes(data)


def binary_manifest(root: Element) -> bytes:
    # Attribute names with resource ids must come first in the pool, in resource-map order.
    attr_names: list[str] = []
    other: list[str] = [ANDROID_NS, "android"]

    def collect(element: Element) -> None:
        other.append(element.tag)
        for key, value in element.attributes.items():
            name = key.split(":", 1)[-1]
            if key.startswith("android:") and name not in attr_names:
                attr_names.append(name)
            elif not key.startswith("android:"):
                other.append(name)
            if isinstance(value, str):
                other.append(value)
        for child in element.children:
            collect(child)

    collect(root)
    strings = attr_names + [s for i, s in enumerate(other) if s not in attr_names and s not in other[:i]]
    index = {s: i for i, s in enumerate(strings)}
    ns = index[ANDROID_NS]
    body = bytearray()
    body += struct.pack("<HHIIiII", 0x0100, 16, 24, 1, -1, index["android"], ns)

    def emit(element: Element) -> None:
        attrs = bytearray()
        for key, value in element.attributes.items():
            name = key.split(":", 1)[-1]
            attr_ns = ns if key.startswith("android:") else 0xFFFFFFFF
            if isinstance(value, bool):
                typed, raw = (TYPE_INT_BOOLEAN, 0xFFFFFFFF if value else 0), 0xFFFFFFFF
            elif isinstance(value, int):
                typed, raw = (TYPE_INT_DEC, value), 0xFFFFFFFF
            else:
                typed, raw = (TYPE_STRING, index[value]), index[value]
            attrs += struct.pack("<IIIHBBI", attr_ns, index[name], raw, 8, 0, typed[0], typed[1])
        count = len(element.attributes)
        body.extend(struct.pack("<HHIIiIIHHHHHH", 0x0102, 16, 36 + len(attrs), 1, -1, 0xFFFFFFFF,
                                index[element.tag], 20, 20, count, 0, 0, 0) + attrs)
        for child in element.children:
            emit(child)
        body.extend(struct.pack("<HHIIiII", 0x0103, 16, 24, 1, -1, 0xFFFFFFFF, index[element.tag]))

    emit(root)
    body += struct.pack("<HHIIiII", 0x0101, 16, 24, 1, -1, index["android"], ns)
    resource_map = struct.pack("<HHI", 0x0180, 8, 8 + 4 * len(attr_names)) + \
        b"".join(struct.pack("<I", ATTRIBUTE_IDS[n]) for n in attr_names)
    content = _string_pool(strings) + resource_map + bytes(body)
    return struct.pack("<HHI", 0x0003, 8, 8 + len(content)) + content


def build_apk(package: str, version_code: int = 1, version_name: str = "1.0", *, debuggable: bool = True,
              permissions: tuple[str, ...] = (), services: tuple[tuple[str, str | None], ...] = (),
              receivers: tuple[tuple[str, str | None], ...] = (), target_sdk: int = 34) -> bytes:
    """An APK (zip) with a binary manifest; ``services``/``receivers`` are (class, permission)."""
    def component(tag: str, name: str, permission: str | None) -> Element:
        attributes: dict[str, str | int | bool] = {"android:name": name, "android:exported": tag == "receiver"}
        if permission:
            attributes["android:permission"] = permission
        return Element(tag, attributes)

    application = Element("application", {"android:debuggable": debuggable},
                          [component("service", n, p) for n, p in services]
                          + [component("receiver", n, p) for n, p in receivers])
    manifest = Element(
        "manifest",
        {"android:versionCode": version_code, "android:versionName": version_name, "package": package},
        [Element("uses-sdk", {"android:minSdkVersion": 26, "android:targetSdkVersion": target_sdk})]
        + [Element("uses-permission", {"android:name": p}) for p in permissions]
        + [application],
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("AndroidManifest.xml", binary_manifest(manifest))
        archive.writestr("classes.dex", b"dex\n035\0" + b"\0" * 104)
        archive.writestr("resources.arsc", b"")
    return buffer.getvalue()
