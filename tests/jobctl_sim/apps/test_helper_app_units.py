"""Helper model pieces on their own: manifest facts vs. the real APK sources, canonical JSON (§3.1),
the journal's recovery and rotation on the device filesystem (§5.3)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jobctl_sim.apps.helper import jsonio, manifest
from jobctl_sim.apps.helper.journal import Journal, live_message
from jobctl_sim.native.clock import VirtualClock
from jobctl_sim.native.fs import MemoryFileSystem

ROOT = Path(__file__).resolve().parents[3]
HELPER = ROOT / "android-helper"
ANDROID = "{http://schemas.android.com/apk/res/android}"


# ------------------------------------------------------------------------------ manifest
def test_manifest_facts_match_android_manifest_xml() -> None:
    root = ET.parse(HELPER / "AndroidManifest.xml").getroot()
    assert root.get("package") == manifest.PACKAGE
    assert int(root.get(f"{ANDROID}versionCode") or 0) == manifest.VERSION_CODE
    assert root.get(f"{ANDROID}versionName") == manifest.VERSION_NAME
    sdk = root.find("uses-sdk")
    assert sdk is not None
    assert int(sdk.get(f"{ANDROID}minSdkVersion") or 0) == manifest.MIN_SDK
    assert int(sdk.get(f"{ANDROID}targetSdkVersion") or 0) == manifest.TARGET_SDK
    assert tuple(p.get(f"{ANDROID}name") for p in root.findall("uses-permission")) == manifest.PERMISSIONS
    app = root.find("application")
    assert app is not None and (app.get(f"{ANDROID}debuggable") == "true") == manifest.DEBUGGABLE
    components = []
    for node in app:
        name = node.get(f"{ANDROID}name") or ""
        components.append((manifest.PACKAGE + name if name.startswith(".") else name, node.tag,
                           node.get(f"{ANDROID}exported") == "true", node.get(f"{ANDROID}permission")))
    assert components == [(c.name, c.kind, c.exported, c.permission) for c in manifest.COMPONENTS]
    assert root.find("instrumentation") is None


def test_identity_matches_protocol_java() -> None:
    java = (HELPER / "src/dev/jobctl/helper/core/Protocol.java").read_text()
    assert f'PACKAGE = "{manifest.PACKAGE}"' in java
    assert re.search(rf"PROTOCOL_VERSION = {manifest.PROTOCOL_VERSION};", java)
    assert re.search(rf"BUILD = {manifest.BUILD};", java)
    runtime = (HELPER / "src/dev/jobctl/helper/HelperRuntime.java").read_text()
    assert f'LOG_TAG = "{manifest.LOG_TAG}"' in runtime


def test_package_facts() -> None:
    facts = manifest.package_facts()
    assert (facts.package, facts.version_code, facts.version_name, facts.debuggable, facts.target_sdk) == (
        "dev.jobctl.helper", 1004, "1.4", True, 34)


# ------------------------------------------------------------------------------ JSON
def test_writer_is_single_line_ascii_with_lower_case_escapes() -> None:
    text = jsonio.write({"b": "é\n\"\\/\x7f", "a": [1, -2, None, True, False], "c": "\U0001F600"})
    assert text == '{"b":"\\u00e9\\u000a\\"\\\\/\\u007f","a":[1,-2,null,true,false],"c":"\\ud83d\\ude00"}'
    assert text.isascii()


@pytest.mark.parametrize(("value", "java"), [
    (1e10, "1.0E10"), (1.0, "1.0"), (0.001, "0.001"), (1e-4, "1.0E-4"), (1234567.0, "1234567.0"),
    (1e7, "1.0E7"), (-2.5, "-2.5"), (0.0, "0.0"), (-0.0, "-0.0"), (12345678.9, "1.23456789E7"),
])
def test_doubles_are_written_like_java(value: float, java: str) -> None:
    assert jsonio.write(value) == java


@pytest.mark.parametrize(("text", "message"), [
    ('{"v":1,"cmd":', "malformed JSON at offset 13: unexpected end of input"),
    ('{"a":01}', "malformed JSON at offset 7: leading zero"),
    ('{"a":1}x', "malformed JSON at offset 7: trailing characters"),
    ('{"a":99999999999999999999}', "malformed JSON at offset 5: integer out of range"),
    ('{"a":NaN}', "malformed JSON at offset 5: unexpected character 'N'"),
    ('{"a":"\\q"}', "malformed JSON at offset 7: bad escape"),
    ('{"\U0001F600":x}', "malformed JSON at offset 6: unexpected character 'x'"),
    ("[" * 66 + "]" * 66, "malformed JSON at offset 65: nesting too deep"),
])
def test_reader_reports_java_errors(text: str, message: str) -> None:
    with pytest.raises(jsonio.MalformedJson) as caught:
        jsonio.parse(text)
    assert str(caught.value) == message


def test_reader_keeps_first_position_and_last_value_of_duplicates() -> None:
    assert list(jsonio.parse('{"a":1,"b":2,"a":3}').items()) == [("a", 3), ("b", 2)]
    assert jsonio.parse('{"u":"\\u00e9x"}') == {"u": "éx"}
    assert jsonio.java_trim(" \x01{}\n ") == "{}"


# ------------------------------------------------------------------------------ journal
class StepClock:
    def __init__(self) -> None:
        self.now = 1000

    def elapsed_ms(self) -> int:
        return self.now

    def wall_ms(self) -> int:
        return 1_700_000_000_000 + self.now


def journal(fs: MemoryFileSystem, lines: list[str], segment: int = 3) -> Journal:
    return Journal(fs, "/data/data/p/files/journal", 10123, StepClock(), lines.append, segment)


def test_recovery_truncates_a_partial_line_and_continues_seq() -> None:
    fs = MemoryFileSystem(VirtualClock())
    lines: list[str] = []
    j = journal(fs, lines, segment=100)
    j.append("reset", {})
    j.append("reset", {})
    fs.write_bytes(j.current_path, b'{"seq":3,"elap', append=True)
    again = journal(fs, lines, segment=100)
    assert again.next_seq == 3 and again.first_seq == 1
    assert fs.read_bytes(j.current_path).endswith(b"}\n")
    assert fs.stat(j.current_path).uid == 10123 and oct(fs.stat(j.current_path).mode) == oct(0o100600)


def test_rotation_marker_and_bound() -> None:
    fs = MemoryFileSystem(VirtualClock())
    lines: list[str] = []
    j = journal(fs, lines)
    for _ in range(7):
        j.append("reset", {})
    previous = [jsonio.parse(x) for x in fs.read_bytes(j.previous_path).decode().splitlines()]
    current = [jsonio.parse(x) for x in fs.read_bytes(j.current_path).decode().splitlines()]
    # 1-3 rotated to previous (no marker: nothing was dropped), 4-6 then rotated, 1-3 dropped.
    assert [e["seq"] for e in previous] == [4, 5, 6]
    assert [(e["seq"], e["kind"]) for e in current] == [(7, "dropped"), (8, "reset")]
    assert current[0]["before_seq"] == 4
    assert (j.first_seq, j.next_seq) == (4, 9)
    assert len(lines) == 8 and lines[3:] == [jsonio.write(e) for e in [*previous, *current]]
    part = j.read(1, 10)
    assert [e["seq"] for e in part.events] == [4, 5, 6, 7, 8] and part.first_seq == 4


def test_long_lines_are_logged_as_a_stub() -> None:
    event = {"seq": 5, "elapsed_ms": 1, "wall_ms": 2, "kind": "scheduled", "spec": {"x": "y" * 5000},
             "epoch": "0123456789abcdef"}
    assert live_message(event, jsonio.write(event)) == \
        '{"seq":5,"elapsed_ms":1,"wall_ms":2,"kind":"scheduled","log_truncated":true,"epoch":"0123456789abcdef"}'
