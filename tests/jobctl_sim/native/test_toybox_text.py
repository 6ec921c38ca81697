"""toybox's text tools on the virtual device: grep, head, tail, cut, sed, awk, wc, sort, tr, tee,
xargs, printf -- output, messages and exit codes as toybox gives them (issue 14, item 2)."""

from __future__ import annotations

import pytest

from tests.jobctl_sim.native.shell_run import run

LINES = b"alpha 1\nBeta 2\ngamma 3\nalphabet 4\n"
SETUP = "cd /data/local/tmp && printf 'alpha 1\\nBeta 2\\ngamma 3\\nalphabet 4\\n' > f && printf 'x\\nalpha\\n' > g && "


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("alpha", "alpha 1\nalphabet 4\n"),
        ("-i beta", "Beta 2\n"),
        ("-v alpha", "Beta 2\ngamma 3\n"),
        ("-c alpha", "2\n"),
        ("-o 'a[a-z]'", "al\nam\nal\nab\n"),
        ("-n gamma", "3:gamma 3\n"),
        ("-w alpha", "alpha 1\n"),
        ("-x 'gamma 3'", "gamma 3\n"),
        ("-E 'ph?a( |bet )(1|4)'", "alpha 1\nalphabet 4\n"),
        ("-F 'a.'", ""),
        ("-e Beta -e gamma", "Beta 2\ngamma 3\n"),
        ("'\\(al\\)pha 1'", "alpha 1\n"),
        ("'[[:digit:]]$'", "alpha 1\nBeta 2\ngamma 3\nalphabet 4\n"),
    ],
)
def test_grep_forms_on_stdin(args: str, expected: str) -> None:
    result = run(f"grep {args}", stdin=LINES)
    assert (result.text, result.exit_code) == (expected, 0 if expected else 1)


def test_grep_several_files_prefix_names_and_l() -> None:
    assert run(SETUP + "grep alpha f g").text == "f:alpha 1\nf:alphabet 4\ng:alpha\n"
    assert run(SETUP + "grep -l gamma f g").text == "f\n"
    assert run(SETUP + "grep -c alpha f g").text == "f:2\ng:1\n"


def test_grep_quiet_and_status() -> None:
    result = run("grep -q alpha; echo $?; grep -q zzz </dev/null; echo $?", stdin=LINES)
    assert result.text == "0\n1\n"


def test_grep_missing_file_is_status_2_even_with_matches() -> None:
    result = run(SETUP + "grep alpha f nope; echo $?")
    assert result.text == "f:alpha 1\nf:alphabet 4\n2\n"
    assert result.stderr == b"grep: nope: No such file or directory\n"
    assert run(SETUP + "grep -qs alpha nope f; echo $?").text == "0\n"


@pytest.mark.parametrize(
    ("line", "stderr", "status"),
    [
        ("grep", "grep: no REGEX\n", 2),
        ("grep -Q x", "grep: Unknown option 'Q' (see \"grep --help\")\n", 2),
        ("grep -e", "grep: Missing argument to -e (see \"grep --help\")\n", 2),
        ("grep -m x y", "grep: not integer: x\n", 1),
        ("head -n", "head: Missing argument to -n (see \"head --help\")\n", 1),
        ("head -n -3", "head: -n < 0 (see \"head --help\")\n", 1),
        ("tail -z", "tail: -z: No such file or directory\n", 1),  # '?' in tail's optstring passes it through
        ("cut -f1 -c1", "cut: No 'c' with 'f' (see \"cut --help\")\n", 1),
        ("cut", "cut: Needs one of -CFfcb (see \"cut --help\")\n", 1),
        ("cut -d: -c1", "cut: -d needs -Ff\n", 1),
        ("sort -Q", "sort: Unknown option 'Q' (see \"sort --help\")\n", 2),
        ("tr", "tr: Needs 1 argument (see \"tr --help\")\n", 1),
        ("tr a b c", "tr: Max 2 arguments (see \"tr --help\")\n", 1),
        ("sed", "sed: no pattern\n", 1),
        ("xargs -I {} echo {}", "xargs: Unknown option 'I' (see \"xargs --help\")\n", 1),
        ("wc -x", "wc: Unknown option 'x' (see \"wc --help\")\n", 1),
    ],
)
def test_bad_options_and_arguments_give_toybox_text_and_status(line: str, stderr: str, status: int) -> None:
    result = run(line + " </dev/null")
    assert (result.stderr.decode(), result.exit_code) == (stderr, status)


def test_head_and_tail_forms() -> None:
    assert run("head -n 2", stdin=LINES).text == "alpha 1\nBeta 2\n"
    assert run("head -1", stdin=LINES).text == "alpha 1\n"
    assert run("head -c 3", stdin=LINES).text == "alp"
    assert run("tail -n 1", stdin=LINES).text == "alphabet 4\n"
    assert run("tail -2", stdin=LINES).text == "gamma 3\nalphabet 4\n"
    assert run("tail -n +3", stdin=LINES).text == "gamma 3\nalphabet 4\n"
    assert run("tail -c 3", stdin=LINES).text == " 4\n"
    assert run(SETUP + "head -n 1 f g").text == "==> f <==\nalpha 1\n\n==> g <==\nx\n"


def test_cut_fields_and_characters() -> None:
    assert run("cut -d ' ' -f 2", stdin=LINES).text == "1\n2\n3\n4\n"
    assert run("cut -c 1-3,5", stdin=b"abcdef\n").text == "abce\n"
    assert run("cut -d: -f1,3-", stdin=b"a:b:c:d\nnodelim\n").text == "a:c:d\nnodelim\n"
    assert run("cut -s -d: -f1", stdin=b"a:b\nnodelim\n").text == "a\n"


def test_sed_common_forms() -> None:
    assert run("sed 's/a/A/'", stdin=b"banana\n").text == "bAnana\n"
    assert run("sed 's/a/A/g'", stdin=b"banana\n").text == "bAnAnA\n"
    assert run("sed 's/a/A/2'", stdin=b"banana\n").text == "banAna\n"
    assert run("sed 's/B/x/I'", stdin=b"abc\n").text == "axc\n"
    assert run("sed -n 's/an/AN/p'", stdin=b"banana\nkiwi\n").text == "bANana\n"
    assert run("sed -n '2p'", stdin=LINES).text == "Beta 2\n"
    assert run("sed '2,3d'", stdin=LINES).text == "alpha 1\nalphabet 4\n"
    assert run("sed '/^alpha/d'", stdin=LINES).text == "Beta 2\ngamma 3\n"
    assert run("sed -n '/Beta/,/gamma/p'", stdin=LINES).text == "Beta 2\ngamma 3\n"
    assert run("sed -e 's/1/one/' -e '$d'", stdin=LINES).text == "alpha one\nBeta 2\ngamma 3\n"
    assert run("sed -E 's/([a-z]+) ([0-9])/\\2-\\1/'", stdin=b"alpha 1\n").text == "1-alpha\n"
    assert run("sed 's|/|:|g'", stdin=b"/a/b\n").text == ":a:b\n"
    assert run("sed 's/x/[&]/'", stdin=b"axb\n").text == "a[x]b\n"


def test_sed_in_place() -> None:
    result = run(SETUP + "sed -i 's/alpha/ALPHA/' f && cat f")
    assert result.text == "ALPHA 1\nBeta 2\ngamma 3\nALPHAbet 4\n"


def test_sed_bad_script_names_the_position() -> None:
    result = run("sed 'k'", stdin=b"x\n")
    assert (result.stderr, result.exit_code) == (b"sed: bad pattern 'k'@1 (k)\n", 1)


def test_awk_common_forms() -> None:
    assert run("awk '{print $2}'", stdin=LINES).text == "1\n2\n3\n4\n"
    assert run("awk -F: '{print $1, NF}'", stdin=b"a:b:c\n").text == "a 3\n"
    assert run("awk '/alpha/ {n++} END {print n, NR}'", stdin=LINES).text == "2 4\n"
    assert run("awk '$2 > 2'", stdin=LINES).text == "gamma 3\nalphabet 4\n"
    assert run("awk 'BEGIN {printf \"%05.1f|%-3s|%x\\n\", 3.14159, \"a\", 255}'").text == "003.1|a  |ff\n"
    assert run("awk '{s += $2} END {print s / NR}'", stdin=LINES).text == "2.5\n"
    assert run("awk -v k=3 'NR == k {print toupper($1), length($1), substr($1, 2, 3)}'", stdin=LINES).text == (
        "GAMMA 5 amm\n")
    assert run("awk '{c[$1 ~ /^a/]++} END {for (k in c) print k, c[k]}'", stdin=LINES).text == "1 2\n0 2\n"
    assert run("awk '{gsub(/a/, \"A\"); print}'", stdin=b"banana\n").text == "bAnAnA\n"
    assert run("awk 'NR==1 {split($0, p, \"-\"); print p[2]; exit 3}'", stdin=b"a-b-c\n").exit_code == 3


def test_wc_sort_tr_tee_xargs_printf() -> None:
    assert run("wc -l", stdin=LINES).text == "4\n"
    assert run("wc", stdin=LINES).text == "      4       8      34\n"
    assert run(SETUP + "wc f").text == "4 8 34 f\n"
    assert run(SETUP + "wc -l f g").text == "      4 f\n      2 g\n      6 total\n"
    assert run("sort", stdin=b"b\na\nc\n").text == "a\nb\nc\n"
    assert run("sort -n -r", stdin=b"10\n9\n100\n").text == "100\n10\n9\n"
    assert run("sort -u", stdin=b"b\na\nb\n").text == "a\nb\n"
    assert run("sort -t, -k2 -n", stdin=b"x,3\ny,1\nz,2\n").text == "y,1\nz,2\nx,3\n"
    assert run("tr a-z A-Z", stdin=b"hello\n").text == "HELLO\n"
    assert run("tr -d l", stdin=b"hello\n").text == "heo\n"
    assert run("tr -s ' '", stdin=b"a   b\n").text == "a b\n"
    assert run("tr '[:lower:]' '[:upper:]'", stdin=b"ab\n").text == "AB\n"
    assert run("cd /data/local/tmp && echo one | tee t && echo two | tee -a t >/dev/null && cat t").text == (
        "one\none\ntwo\n")
    assert run("echo a b c d | xargs -n 2 echo x").text == "x a b\nx c d\n"
    assert run("echo 'a b' | xargs").text == "a b\n"
    assert run("echo x | xargs false; echo $?").text == "123\n"
    assert run("printf '%s=%d\\n' a 1 b 2").text == "a=1\nb=2\n"
