"""``jobctl helper install --apk FILE`` refuses a corrupt or foreign APK before the device is touched:
one line naming the reason (not an APK, wrong package, signature or version mismatch), exit 2.

The serial given names no device: had the command touched one, it would exit 3 (no device)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import bridge.helper
from bridge.helper_apk import ApkRejectedError, check_apk, read_apk_facts, shipped
from cli.main import cli

APK = shipped().path


def install(apk: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-s", "no-such-device", "-P", "5999", "helper", "install", "--apk", str(apk)])
    return result.exit_code, result.stderr if hasattr(result, "stderr") else result.output


def rezip(source: Path, target: Path, patch: tuple[bytes, bytes] | None = None) -> Path:
    """Copy the entries into a new (unsigned) zip, optionally patching the manifest bytes."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if patch and info.filename == "AndroidManifest.xml":
                data = data.replace(*patch)
            dst.writestr(info, data)
    return target


def assert_refused(apk: Path, reason: str) -> None:
    code, err = install(apk)
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith(f"jobctl: error: APK refused: {reason}"), err


def test_the_shipped_apk_passes() -> None:
    facts = check_apk(APK, bridge.helper.EXPECTED_VERSION_CODE)
    assert facts.package == "dev.jobctl.helper"


def test_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "notes.apk"
    bad.write_text("hello")
    assert_refused(bad, "not an APK")


def test_truncated_apk(tmp_path: Path) -> None:
    bad = tmp_path / "cut.apk"
    bad.write_bytes(APK.read_bytes()[: APK.stat().st_size // 2])
    assert_refused(bad, "not an APK")


def test_flipped_byte_fails_the_crc(tmp_path: Path) -> None:
    data = bytearray(APK.read_bytes())
    with zipfile.ZipFile(APK) as zf:
        info = zf.getinfo("classes.dex")
    data[info.header_offset + 30 + len(info.filename) + len(info.extra) + 100] ^= 0xFF
    bad = tmp_path / "flipped.apk"
    bad.write_bytes(bytes(data))
    assert_refused(bad, "not an APK")


def test_zip_without_manifest(tmp_path: Path) -> None:
    bad = tmp_path / "plain.apk"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("readme.txt", "x")
    assert_refused(bad, "not an APK")


def test_wrong_package(tmp_path: Path) -> None:
    other = rezip(APK, tmp_path / "other.apk", (b"dev.jobctl.helper", b"dev.jobctl.helpex"))
    other_utf16 = rezip(APK, tmp_path / "other16.apk",
                        ("dev.jobctl.helper".encode("utf-16-le"), "dev.jobctl.helpex".encode("utf-16-le")))
    target = other if read_apk_facts(other).package != "dev.jobctl.helper" else other_utf16
    assert read_apk_facts(target).package == "dev.jobctl.helpex"
    assert_refused(target, "wrong package")


def test_unsigned_apk_is_a_signature_mismatch(tmp_path: Path) -> None:
    assert_refused(rezip(APK, tmp_path / "unsigned.apk"), "signature mismatch")


def test_other_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bridge.helper, "EXPECTED_VERSION_CODE", 9999)
    assert_refused(APK, "version mismatch")
    with pytest.raises(ApkRejectedError, match="versionCode 1004, this jobctl needs 9999"):
        check_apk(APK, 9999)
