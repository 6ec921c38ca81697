"""``adb shell`` without a command: the interactive login shell adbd starts
(packages/modules/adb daemon/shell_service.cpp, daemon/services.cpp ShellService; the prompt of
external/mksh/mkshrc), from a pipe (raw), with ``-t -t`` (a PTY), and in a terminal (pexpect)."""

from __future__ import annotations

import pexpect

from tests.jobctl_sim.adbd.clis import AdbCli

SCRIPT = b"echo hi\ncd /data/local/tmp\necho err >&2\nfalse\necho a &&\necho b\nexit 3\necho never\n"


def test_piped_stdin_runs_a_raw_shell_without_prompt_or_echo(cli: AdbCli) -> None:
    result = cli.run("shell", input=SCRIPT)
    assert result.returncode == 3
    assert result.stdout == b"hi\na\nb\n"
    assert result.stderr == b"err\n"


def test_end_of_input_ends_a_raw_shell_with_the_last_status(cli: AdbCli) -> None:
    assert cli.run("shell", "-T", input=b"echo one\nfalse\n").returncode == 1
    assert cli.run("shell", input=b"echo one\n").stdout == b"one\n"


def test_a_forced_pty_prompts_echoes_and_ends_lines_with_crlf(cli: AdbCli) -> None:
    result = cli.run("shell", "-t", "-t", input=SCRIPT)
    assert result.returncode == 3
    assert result.stderr == b""
    assert result.stdout == (
        b"emu64xa:/ $ echo hi\r\nhi\r\n"
        b"emu64xa:/ $ cd /data/local/tmp\r\n"
        b"emu64xa:/data/local/tmp $ echo err >&2\r\nerr\r\n"
        b"emu64xa:/data/local/tmp $ false\r\n"
        b"1|emu64xa:/data/local/tmp $ echo a &&\r\n> echo b\r\na\r\nb\r\n"
        b"emu64xa:/data/local/tmp $ exit 3\r\n"
    )


def test_without_the_shell_protocol_the_pty_session_loses_the_status(cli: AdbCli) -> None:
    result = cli.run("shell", "-x", "-t", "-t", input=b"exit 3\n")
    assert (result.returncode, result.stdout) == (0, b"emu64xa:/ $ exit 3\r\n")


def test_a_terminal_session_driven_by_pexpect(cli: AdbCli) -> None:
    argv = cli.argv("shell")
    child = pexpect.spawn(argv[0], argv[1:], env=cli.env, timeout=15)
    try:
        child.expect_exact("emu64xa:/ $ ")
        child.sendline("id -u")
        child.expect_exact("id -u\r\n2000\r\nemu64xa:/ $ ")
        child.sendline("cd /sdcard && sh -c 'exit 7'")
        child.expect_exact("7|emu64xa:/sdcard $ ")
        child.sendline("exit 5")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 5


def test_ctrl_d_on_an_empty_line_ends_the_session(cli: AdbCli) -> None:
    argv = cli.argv("shell")
    child = pexpect.spawn(argv[0], argv[1:], env=cli.env, timeout=15)
    try:
        child.expect_exact("emu64xa:/ $ ")
        child.sendline("true")
        child.expect_exact("emu64xa:/ $ ")
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_the_root_prompt_ends_with_a_hash(cli: AdbCli) -> None:
    assert cli.text("root", timeout=60).stdout == "restarting adbd as root\n"
    cli.text("wait-for-device", timeout=30)
    result = cli.run("shell", "-t", "-t", input=b"id -u\nexit\n")
    assert result.stdout == b"emu64xa:/ # id -u\r\n0\r\nemu64xa:/ # exit\r\n"
