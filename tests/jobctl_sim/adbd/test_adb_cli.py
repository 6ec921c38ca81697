"""The real adb CLI (from the adbutils wheel) against the virtual device."""

from __future__ import annotations

import os

import pytest

from bridge.adb.private import PrivateAdbServer
from jobctl_sim.harness import SimHarness

QUOTING_CASES = [
    ("echo 'single quoted  spaces'", "single quoted  spaces\n"),
    ('echo "double $? quoted"', "double 0 quoted\n"),
    ("echo a\\ b\\'c", "a b'c\n"),
    ("echo 'ünïcødé ✓ 日本'", "ünïcødé ✓ 日本\n"),
    ("echo 'line one\nline two'", "line one\nline two\n"),
    ("echo '$HOME' \"\\$literal\"", "$HOME $literal\n"),
    ("echo \"it's\" 'say \"hi\"'", "it's say \"hi\"\n"),
    ("false; echo $?", "1\n"),
    ("false || echo rescued && echo chained", "rescued\nchained\n"),
    ("true && false; echo status=$?", "status=1\n"),
]


def test_devices_l_lists_the_virtual_device_with_its_product_model_and_transport(adb: PrivateAdbServer,
                                                                                 serial: str) -> None:
    out = adb.adb("devices", "-l").stdout
    line = next(line for line in out.splitlines() if line.startswith(serial))
    assert line.split()[1] == "device"
    assert "product:sdk_gphone64_x86_64" in line and "model:" in line and "transport_id:" in line


@pytest.mark.parametrize("command, status", [("true", 0), ("false", 1), ("sh -c 'exit 7'", 7), ("exit 42", 42)])
def test_shell_exit_status_propagates_through_shell_v2(adb: PrivateAdbServer, serial: str, command: str,
                                                       status: int) -> None:
    assert adb.adb("-s", serial, "shell", command).returncode == status


def test_unknown_command_prints_the_mksh_message_on_stderr_and_exits_127(adb: PrivateAdbServer,
                                                                         serial: str) -> None:
    result = adb.adb("-s", serial, "shell", "frobnicate --now")
    assert result.returncode == 127
    assert result.stdout == ""
    assert result.stderr == "/system/bin/sh: frobnicate: inaccessible or not found\n"


@pytest.mark.parametrize("command, expected", QUOTING_CASES)
def test_quoting_torture_set_matches_the_device_shell(adb: PrivateAdbServer, serial: str, command: str,
                                                      expected: str) -> None:
    result = adb.adb("-s", serial, "shell", command)
    assert (result.returncode, result.stdout) == (0, expected)


def test_push_and_pull_of_5_mb_are_byte_identical(adb: PrivateAdbServer, serial: str, tmp_path) -> None:
    payload = os.urandom(5 * 1024 * 1024)
    source, back = tmp_path / "big.bin", tmp_path / "back.bin"
    source.write_bytes(payload)
    assert adb.adb("-s", serial, "push", str(source), "/data/local/tmp/sub/dir/big.bin").returncode == 0
    listing = adb.adb("-s", serial, "shell", "ls -l /data/local/tmp/sub/dir/big.bin").stdout
    assert listing.split()[4] == str(len(payload))
    assert adb.adb("-s", serial, "pull", "/data/local/tmp/sub/dir/big.bin", str(back)).returncode == 0
    assert back.read_bytes() == payload


def test_pull_of_a_missing_file_fails_with_the_device_error(adb: PrivateAdbServer, serial: str, tmp_path) -> None:
    result = adb.adb("-s", serial, "pull", "/data/local/tmp/nope", str(tmp_path / "x"))
    assert result.returncode != 0
    assert "No such file or directory" in result.stderr


def test_exec_out_streams_raw_bytes(adb: PrivateAdbServer, serial: str, sim: SimHarness) -> None:
    blob = bytes(range(256)) * 64
    sim.devices[0].fs.write_bytes("/data/local/tmp/blob", blob)
    import subprocess

    from bridge.adb.server import bundled_adb_path

    out = subprocess.run([bundled_adb_path(), "-P", str(adb.port), "-s", serial, "exec-out",
                          "cat /data/local/tmp/blob"],
                         capture_output=True, env=adb.env, timeout=30).stdout
    assert out == blob


def test_adb_install_streams_the_apk_over_abb_exec(adb: PrivateAdbServer, serial: str, sim: SimHarness,
                                                   tiny_apk) -> None:
    result = adb.adb("-s", serial, "install", str(tiny_apk))
    assert result.returncode == 0, result.stderr
    assert "Success" in result.stdout
    assert "abb_exec" in sim.devices[0].counters.by_service
    listed = adb.adb("-s", serial, "shell", "pm list packages -3").stdout
    assert "package:org.example.tiny" in listed


def test_logcat_follow_delivers_lines_written_after_it_started(adb: PrivateAdbServer, serial: str,
                                                               sim: SimHarness) -> None:
    import subprocess
    import time

    from bridge.adb.server import bundled_adb_path

    device = sim.devices[0]
    process = subprocess.Popen([bundled_adb_path(), "-P", str(adb.port), "-s", serial, "logcat", "-s", "JobctlTest"],
                               stdout=subprocess.PIPE, env=adb.env, text=True)
    try:
        deadline = time.monotonic() + 10
        line = ""
        while "follow-me" not in line and time.monotonic() < deadline:
            sim.loop.call_soon_threadsafe(device.log.write, "I", "JobctlTest", "follow-me")
            assert process.stdout is not None
            line = process.stdout.readline()
        assert "I JobctlTest: follow-me" in line
    finally:
        process.terminate()
        process.wait(10)
