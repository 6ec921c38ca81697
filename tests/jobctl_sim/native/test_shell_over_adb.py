"""The larger shell end to end: the adb CLIs (the adbutils wheel's adb 36 and Debian's adb 29) and
adbutils run mksh constructs and toybox tools on a virtual device and get their text and status."""

from __future__ import annotations


import adbutils
import pytest

from bridge.adb.private import PrivateAdbServer
from tests.jobctl_sim.adbd.clis import AdbCli


SCRIPT = (
    "for p in system_server zygote64; do pid=$(pidof $p); [ -n \"$pid\" ] && echo \"$p ok\"; done;"
    " ps -A -o NAME | grep -c -E '^(init|adbd)$';"
    " case $(id -u) in 2000) echo shell-uid;; *) echo other;; esac;"
    " echo $(( $(echo 'a b c' | wc -w) * 2 ))"
)


def test_adb_cli_runs_compound_shell_lines(cli: AdbCli) -> None:
    result = cli.text("shell", SCRIPT)
    assert (result.returncode, result.stdout) == (0, "system_server ok\nzygote64 ok\n2\nshell-uid\n6\n")


def test_adb_cli_gets_toybox_errors_and_status(cli: AdbCli) -> None:
    result = cli.text("shell", "grep -Q x")
    assert result.returncode == 2
    assert 'grep: Unknown option \'Q\' (see "grep --help")' in result.stdout + result.stderr


def test_adbutils_shell2_reads_status_of_functions_and_tests(adb: PrivateAdbServer, serial: str) -> None:
    device = adbutils.AdbClient(host="127.0.0.1", port=adb.port).device(serial)
    output = device.shell2("f() { [ -d /data/local/tmp ] && return 3; }; f")
    assert output.returncode == 3
    # a fatal shell error ends the shell before adbutils' "; echo X4EXIT:$?" marker, as on a device
    with pytest.raises(adbutils.AdbError, match="shell output invalid"):
        device.shell2("echo $((1/0))")
    assert device.shell("echo $((1/0))") == "/system/bin/sh: 1/0: zero divisor"
    assert device.shell("uname -m; ps -A | grep -c system_server").split() == ["x86_64", "1"]
