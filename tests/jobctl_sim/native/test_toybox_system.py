"""toybox's process, identity, clock and file tools on the virtual device: ps, pidof, id, whoami,
date, uname, sleep, log, which, stat, touch, chmod, find, md5sum/sha256sum (issue 14, item 2)."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.jobctl_sim.native.shell_run import run, run_as_root


def test_ps_default_lists_the_shell_and_itself_with_androids_columns() -> None:
    lines = run("ps").text.splitlines()
    assert lines[0] == "USER           PID  PPID        VSZ    RSS WCHAN            ADDR S NAME                       "
    assert [line.split()[-1] for line in lines[1:]] == ["sh", "ps"]
    shell_pid = lines[1].split()[1]
    assert lines[2].split()[2] == shell_pid


def test_ps_dash_a_lists_system_processes_that_pidof_agrees_with() -> None:
    result = run("ps -A; echo pid=$(pidof system_server)")
    rows = {line.split()[-1]: line.split() for line in result.text.splitlines()[1:] if line[:4] != "pid="}
    assert {"init", "zygote64", "system_server", "adbd", "logd"} <= set(rows)
    assert rows["system_server"][0] == "system"
    assert f"pid={rows['system_server'][1]}" in result.text


def test_ps_dash_o_and_dash_p() -> None:
    expected = "  PID USER         NAME                       \n    1 root         init\n"
    assert run("ps -o PID,USER,NAME -p 1").text == expected
    assert run("ps -A -o NAME=PROCESS | head -2").text == "PROCESS                    \ninit\n"


def test_ps_help_is_toyboxs_help_text() -> None:
    result = run("ps --help")
    assert result.text.startswith("Toybox 0.8.9 multicall binary (see toybox --help)\n\nusage: ps [-AadefLlnwZ]")
    assert "-o  Output FIELDs instead of defaults, each with optional :size and =title\n" in result.text


def test_ps_bad_field_and_bad_pid() -> None:
    result = run("ps -o PID,BOGUS")
    assert (result.exit_code, result.stderr.decode().splitlines()[0]) == (1, "ps: bad -o 'PID,BOGUS'")
    assert run("ps -p x").stderr == b"ps: bad -p 'x'\n"
    assert run("ps -Q").stderr == b"ps: Unknown option 'Q' (see \"ps --help\")\n"


def test_pidof_missing_process_is_status_1() -> None:
    result = run("pidof nosuchd; echo $?")
    assert result.text == "1\n"


def test_id_and_whoami_follow_the_shells_uid() -> None:
    assert run("id -u; id -g; id -un; whoami").text == "2000\n2000\nshell\nshell\n"
    assert run_as_root("id -u; whoami; id -Z").text == "0\nroot\nu:r:su:s0\n"
    assert run("whoami extra").stderr == b"whoami: Max 0 arguments (see \"whoami --help\")\n"


def test_date_formats_on_the_device_clock() -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\n", run("date +%Y-%m-%d").text)
    assert run("date -u -d @0 '+%Y-%m-%d %H:%M:%S %Z'").text == "1970-01-01 00:00:00 UTC\n"
    assert re.fullmatch(r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}\n", run("date").text)
    result = run("date 010100002020")
    assert (result.exit_code, result.stderr) == (1, b"date: cannot set date: Operation not permitted\n")


@pytest.mark.parametrize(("api", "release"), [(30, "5.4.47-01061-g22e35a1de440"), (34, "6.1.23-android14-4")])
def test_uname_reads_the_kernel_of_the_api_level(api: int, release: str) -> None:
    assert run("uname -r", api_level=api).text.startswith(release)
    assert run("uname").text == "Linux\n"
    assert run("uname -m -s").text == "Linux x86_64\n"
    assert run("uname -a").text.endswith(" x86_64 Toybox\n")


def test_sleep_errors() -> None:
    assert run("sleep").stderr == b'sleep: Needs 1 argument (see "sleep --help")\n'
    assert run("sleep x").stderr == b"sleep: Not a number 'x'\n"


def test_log_writes_to_logcat_with_tag_and_priority() -> None:
    result = run("log -t MyTag -p w hello world; echo line | log -t Piped; logcat -d -s MyTag:W Piped:I")
    assert "W MyTag   : hello world" in result.text
    assert "I Piped   : line" in result.text
    assert run("log -p x hi").stderr == b"log: bad -p 'x'\n"
    assert run("log -b nope hi").stderr == b"log: unknown log buffer: nope\n"


def test_which_finds_commands() -> None:
    result = run("which ls grep nosuch; echo $?")
    assert result.text == "/system/bin/ls\n/system/bin/grep\n1\n"


def test_stat_touch_chmod_on_the_device_filesystem() -> None:
    line = ("cd /data/local/tmp && touch -d '2020-01-02 03:04:05' f && stat -c '%n %s %a %U %Y %F' f"
            " && chmod 640 f && stat -c %a f && chmod u+x,o+r f && stat -c '%a %A' f")
    assert run(line).text == "f 0 644 shell 1577934245 regular empty file\n640\n744 -rwxr--r--\n"
    assert run("stat /nope").stderr == b"stat: '/nope': No such file or directory\n"
    assert run("cd /data/local/tmp && touch f && chmod zz f").stderr == b"chmod: bad mode 'zz'\n"
    assert run("chmod 644").stderr == b'chmod: Need 2 arguments (see "chmod --help")\n'
    assert run("touch /system/x").stderr == b"touch: '/system/x': Permission denied\n"


def test_stat_default_layout() -> None:
    text = run("cd /data/local/tmp && echo hi > f && stat f").text
    assert text.startswith("  File: f\n  Size: 3\t Blocks: 1\t IO Blocks: 512\t regular file\n")
    assert "Access: (0644/-rw-r--r--)\tUid: ( 2000/   shell)\tGid: ( 2000/   shell)\n" in text


def test_find_name_type_maxdepth_newer() -> None:
    setup = ("cd /data/local/tmp && mkdir -p d/e && touch -d '2020-01-01 00:00' old && touch d/a.txt d/e/b.txt"
             " && echo x > c.log && ")
    assert run(setup + "find . -name '*.txt'").text == "./d/a.txt\n./d/e/b.txt\n"
    assert run(setup + "find d -type d").text == "d\nd/e\n"
    assert run(setup + "find . -maxdepth 1 -type f -newer old").text == "./c.log\n"
    assert run(setup + "find . -name '*.log' -o -name old").text == "./c.log\n./old\n"
    assert run("find /data/local/tmp -type q").stderr == b"find: bad -type 'q'\n"
    assert run("find . -name").stderr == b"find: '-name' needs 1 arg\n"
    result = run("find /data -maxdepth 1")
    assert result.exit_code == 1 and b"find: '/data': Permission denied\n" in result.stderr


def test_md5sum_and_sha256sum() -> None:
    digest = hashlib.md5(b"payload\n").hexdigest()
    sha = hashlib.sha256(b"payload\n").hexdigest()
    result = run("cd /data/local/tmp && echo payload > p && md5sum p && sha256sum p && md5sum p > s && md5sum -c s")
    assert result.text.splitlines() == [f"{digest}  p", f"{sha}  p", "p: OK"]
    assert run("md5sum /nope; echo $?").text == "1\n"
    assert run("echo -n x | md5sum").text == f"{hashlib.md5(b'x').hexdigest()}  -\n"
