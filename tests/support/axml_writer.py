"""A tiny binary-XML (AXML) writer for tests: builds AndroidManifest.xml and APK zips."""

from __future__ import annotations

import io
import struct
import zipfile

ANDROID_NS = "http://schemas.android.com/apk/res/android"
RES_IDS = {"name": 0x01010003, "permission": 0x01010006, "debuggable": 0x0101000F, "exported": 0x01010010,
           "minSdkVersion": 0x0101020C, "versionCode": 0x0101021B, "versionName": 0x0101021C,
           "targetSdkVersion": 0x01010270}

Node = tuple  # (tag, {attr: value}, [children])


def _pool(strings: list[str], utf8: bool) -> bytes:
    offsets, body = [], b""
    for s in strings:
        offsets.append(len(body))
        if utf8:
            raw = s.encode()
            body += bytes([len(s), len(raw)]) + raw + b"\0"
        else:
            body += struct.pack("<H", len(s)) + s.encode("utf-16-le") + b"\0\0"
    while len(body) % 4:
        body += b"\0"
    header = 28
    start = header + 4 * len(strings)
    chunk = struct.pack("<IIIII", len(strings), 0, 0x100 if utf8 else 0, start, 0)
    data = struct.pack("<HHI", 1, header, header + 4 * len(strings) + len(body)) + chunk
    return data + b"".join(struct.pack("<I", o) for o in offsets) + body


def build_manifest(root: Node, utf8: bool = True) -> bytes:
    attr_names: list[str] = []
    others: list[str] = []

    def collect(node: Node) -> None:
        tag, attrs, children = node
        for k, v in attrs.items():
            if k in RES_IDS and k not in attr_names:
                attr_names.append(k)
            elif k not in RES_IDS and k not in others:
                others.append(k)
            if isinstance(v, str) and v not in others:
                others.append(v)
        if tag not in others:
            others.append(tag)
        for c in children:
            collect(c)

    collect(root)
    strings = attr_names + [s for s in others if s not in attr_names] + [ANDROID_NS, "android"]
    idx = {s: i for i, s in enumerate(strings)}
    resmap = struct.pack("<HHI", 0x180, 8, 8 + 4 * len(attr_names))
    resmap += b"".join(struct.pack("<I", RES_IDS[n]) for n in attr_names)
    body = b""

    def emit(node: Node) -> None:
        nonlocal body
        tag, attrs, children = node
        attr_bytes = b""
        for k, v in attrs.items():
            ns = idx[ANDROID_NS] if k in RES_IDS else 0xFFFFFFFF
            if isinstance(v, bool):
                raw, typ, data = 0xFFFFFFFF, 0x12, 0xFFFFFFFF if v else 0
            elif isinstance(v, int):
                raw, typ, data = 0xFFFFFFFF, 0x10, v
            else:
                raw, typ, data = idx[v], 0x03, idx[v]
            attr_bytes += struct.pack("<IIIHBBI", ns, idx[k], raw, 8, 0, typ, data)
        ext = struct.pack("<IIHHHHHH", 0xFFFFFFFF, idx[tag], 20, 20, len(attrs), 0, 0, 0)
        body += struct.pack("<HHIII", 0x102, 16, 16 + len(ext) + len(attr_bytes), 1, 0xFFFFFFFF) + ext + attr_bytes
        for c in children:
            emit(c)
        body += struct.pack("<HHIIIII", 0x103, 16, 24, 1, 0xFFFFFFFF, 0xFFFFFFFF, idx[tag])

    emit(root)
    ns_start = struct.pack("<HHIIIII", 0x100, 16, 24, 1, 0xFFFFFFFF, idx["android"], idx[ANDROID_NS])
    content = _pool(strings, utf8) + resmap + ns_start + body
    return struct.pack("<HHI", 3, 8, 8 + len(content)) + content


def manifest(package: str, version: int = 1, name: str = "1.0", debuggable: bool = False, target: int = 34,
             permissions: tuple[str, ...] = (), components: tuple[Node, ...] = ()) -> Node:
    app_attrs = {"debuggable": True} if debuggable else {}
    return ("manifest", {"package": package, "versionCode": version, "versionName": name},
            [("uses-sdk", {"minSdkVersion": 26, "targetSdkVersion": target}, [])]
            + [("uses-permission", {"name": p}, []) for p in permissions]
            + [("application", app_attrs, list(components))])


def build_apk(root: Node, utf8: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("AndroidManifest.xml", build_manifest(root, utf8))
        z.writestr("classes.dex", b"dex\n035\0")
    return out.getvalue()
