"""Issue 14 item 3 through the real adb CLI of the adbutils wheel: install-multiple (install
sessions over abb_exec), screencap over exec-out, wm and dumpsys over the shell."""

from __future__ import annotations

import struct
import subprocess

from tests.support.axml_writer import build_apk, manifest

from bridge.adb.private import PrivateAdbServer
from jobctl_sim.harness import SimHarness


def test_adb_install_multiple_commits_base_and_split(adb: PrivateAdbServer, serial: str, sim: SimHarness,
                                                     tmp_path) -> None:
    base = tmp_path / "base.apk"
    base.write_bytes(build_apk(manifest("org.example.multi", 2, "2.0")))
    split = tmp_path / "split_config.xxhdpi.apk"
    split.write_bytes(build_apk(("manifest", {"package": "org.example.multi", "split": "config.xxhdpi",
                                              "versionCode": 2}, [("application", {}, [])])))
    result = adb.adb("-s", serial, "install-multiple", str(base), str(split))
    assert result.returncode == 0, result.stderr
    assert "Success" in result.stdout
    paths = adb.adb("-s", serial, "shell", "pm path org.example.multi").stdout.splitlines()
    assert [p.rsplit("/", 1)[1] for p in paths] == ["base.apk", "split_config.xxhdpi.apk"]


def test_exec_out_screencap_is_a_png_of_the_wm_size(adb: PrivateAdbServer, serial: str, sim: SimHarness) -> None:
    from bridge.adb.server import bundled_adb_path

    assert adb.adb("-s", serial, "shell", "wm size 720x1280").returncode == 0
    assert adb.adb("-s", serial, "shell", "wm size").stdout == "Physical size: 1080x2400\nOverride size: 720x1280\n"
    png = subprocess.run([bundled_adb_path(), "-P", str(adb.port), "-s", serial, "exec-out", "screencap -p"],
                         capture_output=True, env=adb.env, timeout=60).stdout
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (720, 1280)


def test_shell_wm_bad_size_exits_255_with_the_error_on_stderr(adb: PrivateAdbServer, serial: str,
                                                              sim: SimHarness) -> None:
    result = adb.adb("-s", serial, "shell", "wm size 12")
    assert (result.returncode, result.stdout, result.stderr) == (255, "", "Error: bad size 12\n")
