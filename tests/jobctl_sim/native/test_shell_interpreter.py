"""Behaviour of the virtual device's /system/bin/sh subset."""

from __future__ import annotations

import asyncio

import pytest

from jobctl_sim.device import DeviceConfig, ShellResult, VirtualDevice
from jobctl_sim.native.streams import BufferOutput, InputStream


def run(command: str, stdin: bytes = b"", device: VirtualDevice | None = None) -> ShellResult:
    async def go() -> ShellResult:
        dev = device or VirtualDevice(DeviceConfig(serial="emulator-test"))
        return await dev.shell(command, stdin)

    return asyncio.run(go())


def run_many(*commands: str) -> list[ShellResult]:
    async def go() -> list[ShellResult]:
        dev = VirtualDevice(DeviceConfig(serial="emulator-test"))
        return [await dev.shell(c) for c in commands]

    return asyncio.run(go())


# --------------------------------------------------------------------------- quoting

@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("echo hello world", "hello world\n"),
        ("echo 'a   b'", "a   b\n"),
        ('echo "a   b"', "a   b\n"),
        ("echo a'b'\"c\"d", "abcd\n"),
        ("echo '$HOME'", "$HOME\n"),
        ('echo "$HOME"', "/\n"),
        ('echo "\\"quoted\\" \\\\ \\$x"', '"quoted" \\ $x\n'),
        ('echo "keep \\q"', "keep \\q\n"),
        ("echo a\\ b", "a b\n"),
        ("echo \\'", "'\n"),
        ("echo 'héllo wörld ☃'", "héllo wörld ☃\n"),
        ("echo 'line1\nline2'", "line1\nline2\n"),
        ("echo \"two\nlines\"", "two\nlines\n"),
        ("echo ''", "\n"),
        ("echo '' x", " x\n"),
        ("echo $", "$\n"),
        ("echo a$", "a$\n"),
        ("echo ${HOME}x", "/x\n"),
        ("echo $UNSET_VAR end", "end\n"),
        ('echo "[$UNSET_VAR]"', "[]\n"),
        ("echo 'it'\\''s'", "it's\n"),
        ("echo a # a comment", "a\n"),
        ("echo a\\\nb", "ab\n"),
    ],
)
def test_quoting_and_expansion_produce_mksh_words(line: str, expected: str) -> None:
    result = run(line)
    assert (result.text, result.exit_code, result.stderr) == (expected, 0, b"")


def test_unquoted_expansion_is_split_and_quoted_is_not() -> None:
    result = run("X='a  b'; echo $X; echo \"$X\"")
    assert result.text == "a b\na  b\n"


def test_assignment_prefix_is_visible_to_the_command_only() -> None:
    first, second = run_many("FOO=bar sh -c 'echo $FOO'", "echo x${FOO}x")
    assert first.text == "bar\n"
    assert second.text == "xx\n"


def test_echo_interprets_escapes_like_mksh() -> None:
    assert run("echo 'a\\tb\\nc'").text == "a\tb\nc\n"
    assert run("echo -E 'a\\tb'").text == "a\\tb\n"
    assert run("echo -n hi").text == "hi"
    assert run("echo -e 'x\\cy'").text == "x"
    assert run("echo -x").text == "-x\n"


# --------------------------------------------------------------------------- lists and status

def test_adbutils_exit_marker_idiom() -> None:
    result = run("echo hi; echo X4EXIT:$?")
    assert result.text == "hi\nX4EXIT:0\n"


def test_status_of_last_command_is_in_dollar_question() -> None:
    assert run("false; echo $?").text == "1\n"
    assert run("nosuch 2>/dev/null; echo \"$?\"").text == "127\n"


def test_and_or_short_circuit() -> None:
    assert run("true && echo a || echo b").text == "a\n"
    assert run("false && echo a || echo b").text == "b\n"
    assert run("false || false || echo c").text == "c\n"
    assert run("true || echo never").text == ""


def test_newlines_separate_commands() -> None:
    assert run("echo a\necho b\n\necho c").text == "a\nb\nc\n"


def test_exit_stops_the_whole_line_with_its_status() -> None:
    result = run("echo before; exit 3; echo after")
    assert (result.text, result.exit_code) == ("before\n", 3)


def test_exit_without_argument_keeps_last_status() -> None:
    assert run("false; exit").exit_code == 1


def test_exit_kills_the_adbutils_marker() -> None:
    result = run("exit 3; echo X4EXIT:$?")
    assert (result.text, result.exit_code) == ("", 3)


def test_sh_dash_c_exit_only_ends_the_subshell() -> None:
    assert run("sh -c 'exit 3'").exit_code == 3
    result = run("sh -c 'exit 3'; echo X4EXIT:$?")
    assert (result.text, result.exit_code) == ("X4EXIT:3\n", 0)
    assert run("/system/bin/sh -c 'echo nested; exit 5'").exit_code == 5


def test_sh_dash_c_positional_arguments() -> None:
    assert run("sh -c 'echo $0 $1 $#' zero one").text == "zero one 1\n"


def test_sh_reads_script_from_stdin() -> None:
    assert run("sh", stdin=b"echo from-stdin; exit 7").exit_code == 7


def test_status_is_masked_to_a_byte() -> None:
    assert run("exit 300").exit_code == 44
    assert run("sh -c 'exit 256'").exit_code == 0


def test_bad_exit_number() -> None:
    result = run("exit abc")
    assert result.exit_code == 1
    assert result.stderr == b"/system/bin/sh: exit: abc: bad number\n"


# --------------------------------------------------------------------------- errors

def test_unknown_command_exits_127_with_mksh_message() -> None:
    result = run("frobnicate --now")
    assert result.exit_code == 127
    assert result.stderr == b"/system/bin/sh: frobnicate: inaccessible or not found\n"


def test_unknown_command_inside_sh_dash_c_uses_sh_name() -> None:
    assert run("sh -c nosuch").stderr == b"sh: nosuch: inaccessible or not found\n"


@pytest.mark.parametrize(
    ("line", "construct"),
    [
        ("sleep 10 &", "&"),
        ("cat <<EOF", "<<"),
        ("echo ${X/a/b}", "${X/a/b}"),
        ("[[ -n x ]]", "[["),
        ("echo a |& cat", "|&"),
    ],
)
def test_unsupported_constructs_exit_2_with_a_clear_message(line: str, construct: str) -> None:
    result = run(line)
    assert result.exit_code == 2
    assert result.stderr == (
        f"/system/bin/sh: {construct}: not supported by the jobctl virtual device\n".encode()
    )
    assert result.stdout == b""


@pytest.mark.parametrize("line", ["echo 'abc", 'echo "abc', "echo 'a' \"b"])
def test_unterminated_quote_is_mksh_no_closing_quote(line: str) -> None:
    result = run(line)
    assert (result.exit_code, result.stderr) == (1, b"/system/bin/sh: no closing quote\n")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("&& echo a", "syntax error: '&&' unexpected"),
        ("echo a ;;", "syntax error: ';;' unexpected"),
        ("echo a |", "syntax error: unexpected EOF"),
        ("echo >", "syntax error: unexpected EOF"),
        ("; echo", "syntax error: ';' unexpected"),
    ],
)
def test_grammar_errors_are_mksh_syntax_errors(line: str, message: str) -> None:
    result = run(line)
    assert (result.exit_code, result.stderr) == (1, f"/system/bin/sh: {message}\n".encode())


def test_empty_line_succeeds() -> None:
    assert run("").exit_code == 0
    assert run("   \n ").exit_code == 0


# --------------------------------------------------------------------------- redirections

def test_redirect_to_file_then_cat() -> None:
    first, second, third = run_many(
        "echo one > /data/local/tmp/out.txt",
        "echo two >> /data/local/tmp/out.txt",
        "cat /data/local/tmp/out.txt",
    )
    assert (first.text, second.text) == ("", "")
    assert third.text == "one\ntwo\n"


def test_truncating_redirect_replaces_content() -> None:
    *_, last = run_many("echo long-content > /sdcard/f", "echo x > /sdcard/f", "cat /sdcard/f")
    assert last.text == "x\n"


def test_stderr_to_stdout() -> None:
    result = run("cat /missing 2>&1")
    assert result.stdout == b"cat: /missing: No such file or directory\n"
    assert result.stderr == b""


def test_stdout_to_stderr() -> None:
    for line in ("echo oops >&2", "echo oops 1>&2"):
        result = run(line)
        assert (result.stdout, result.stderr) == (b"", b"oops\n")


def test_order_of_redirections_matters() -> None:
    result = run("cat /missing 2>&1 >/dev/null")
    assert (result.stdout, result.stderr) == (b"cat: /missing: No such file or directory\n", b"")
    result = run("cat /missing >/dev/null 2>&1")
    assert (result.stdout, result.stderr) == (b"", b"")


def test_dev_null_discards_and_reads_empty() -> None:
    assert run("echo hidden >/dev/null").stdout == b""
    assert run("echo hidden 2>/dev/null >&2").stderr == b""
    assert run("cat </dev/null").stdout == b""


def test_adb_legacy_install_cleanup_line() -> None:
    _, result, gone = run_many(
        "echo apk > /data/local/tmp/x.apk",
        "rm '/data/local/tmp/x.apk' </dev/null",
        "ls /data/local/tmp/x.apk",
    )
    assert result.exit_code == 0
    assert gone.exit_code == 1


def test_stderr_to_file() -> None:
    _, result = run_many("cat /nope 2> /data/local/tmp/err", "cat /data/local/tmp/err")
    assert result.text == "cat: /nope: No such file or directory\n"


def test_input_redirect_from_file() -> None:
    _, result = run_many("echo payload > /data/local/tmp/in", "cat < /data/local/tmp/in")
    assert result.text == "payload\n"


def test_redirect_into_missing_directory_fails_like_mksh() -> None:
    result = run("echo x > /data/local/tmp/nodir/file; echo status=$?")
    assert result.stderr == (
        b"/system/bin/sh: can't create /data/local/tmp/nodir/file: No such file or directory\n"
    )
    assert result.text == "status=1\n"


def test_input_redirect_from_missing_file() -> None:
    result = run("cat < /nope")
    assert (result.exit_code, result.stderr) == (
        1, b"/system/bin/sh: can't open /nope: No such file or directory\n"
    )


def test_redirect_to_a_directory() -> None:
    result = run("echo x > /data")
    assert result.stderr == b"/system/bin/sh: can't create /data: Is a directory\n"


def test_pipe_feeds_stdout_into_stdin() -> None:
    assert run("echo piped | cat").text == "piped\n"
    assert run("echo a | cat | cat -").text == "a\n"


def test_pipeline_status_is_the_last_command() -> None:
    assert run("false | true").exit_code == 0
    assert run("true | false").exit_code == 1


def test_stdin_reaches_the_command() -> None:
    assert run("cat", stdin=b"from host").stdout == b"from host"


def test_quoted_pm_style_arguments_arrive_unquoted() -> None:
    async def go() -> list[str]:
        dev = VirtualDevice(DeviceConfig(serial="emulator-test"))
        seen: list[str] = []

        def fake_pm(inv) -> int:  # type: ignore[no-untyped-def]
            seen.extend(inv.argv)
            return 0

        dev.commands.register("pm", fake_pm)
        await dev.shell("pm 'install' '/data/local/tmp/x y.apk'")
        return seen

    assert asyncio.run(go()) == ["pm", "install", "/data/local/tmp/x y.apk"]


def test_hangup_stops_a_sleeping_command() -> None:
    async def go() -> tuple[int, float]:
        dev = VirtualDevice(DeviceConfig(serial="emulator-test"))
        hangup = asyncio.Event()
        loop = asyncio.get_running_loop()
        started = loop.time()
        loop.call_later(0.05, hangup.set)
        code = await dev.run_shell(
            "sleep 30; echo never", InputStream.of(), BufferOutput(), BufferOutput(), hangup
        )
        return code, loop.time() - started

    code, elapsed = asyncio.run(go())
    assert code in (129, 130)
    assert elapsed < 5


def test_sleep_uses_the_virtual_clock() -> None:
    async def go() -> float:
        dev = VirtualDevice(DeviceConfig(serial="emulator-test", speed=1000.0))
        loop = asyncio.get_running_loop()
        started = loop.time()
        result = await dev.shell("sleep 5")
        assert result.exit_code == 0
        return loop.time() - started

    assert asyncio.run(go()) < 1.0


def test_cd_changes_where_relative_paths_resolve() -> None:
    device = VirtualDevice(DeviceConfig(serial="emulator-test"))
    result = asyncio.run(device.shell(
        "cd /data/local/tmp && mkdir -p a/b && echo hi > a/b/f && cat a/b/f && cd a && ls b"
        " && cat /data/local/tmp/a/b/f"))
    assert (result.exit_code, result.text) == (0, "hi\nf\nhi\n")


def test_cd_to_a_missing_directory_fails_with_mksh_text_and_keeps_the_old_directory() -> None:
    device = VirtualDevice(DeviceConfig(serial="emulator-test"))
    result = asyncio.run(device.shell("cd /data/local/tmp; cd nope; echo $?; echo x > y; cat /data/local/tmp/y"))
    assert result.text == "1\nx\n"
    assert result.stderr == b"/system/bin/sh: cd: nope: No such file or directory\n"


def test_run_shell_starts_in_the_given_directory_and_sh_c_inherits_it() -> None:
    device = VirtualDevice(DeviceConfig(serial="emulator-test"))

    async def run() -> bytes:
        from jobctl_sim.native.streams import BufferOutput, InputStream

        out = BufferOutput()
        await device.run_shell("sh -c 'echo nested > n' && cat n", InputStream.of(), out, out, cwd="/data/local/tmp")
        return out.getvalue()

    assert asyncio.run(run()) == b"nested\n"
    assert device.fs.read_bytes("/data/local/tmp/n") == b"nested\n"


def test_mv_renames_replaces_and_moves_into_directories() -> None:
    device = VirtualDevice(DeviceConfig(serial="emulator-test"))
    result = asyncio.run(device.shell(
        "cd /data/local/tmp && echo a > a.tmp && mv a.tmp a && cat a && echo b > b && mv b a && cat a"
        " && mkdir d && mv a d && ls d && mv nope x; echo $?"))
    assert result.text == "a\nb\na\n1\n"
    assert result.stderr == b"mv: nope: No such file or directory\n"
