"""mksh's language on the virtual device: tests, substitutions, compound commands, functions,
arithmetic, parameters, and mksh's error texts and statuses (issue 14, item 2)."""

from __future__ import annotations

import pytest

from tests.jobctl_sim.native.shell_run import run


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[ a = a ] && echo yes", "yes\n"),
        ("[ a != a ] || echo no", "no\n"),
        ('[ -z "" ] && [ -n x ] && echo both', "both\n"),
        ("[ 3 -lt 10 ] && echo lt", "lt\n"),
        ("[ 10 -ge 10 -a 1 -eq 1 ] && echo and", "and\n"),
        ("[ 1 -eq 2 -o 2 -eq 2 ] && echo or", "or\n"),
        ("[ ! -e /nope ] && echo missing", "missing\n"),
        ("[ -d /data/local/tmp ] && [ ! -f /data/local/tmp ] && echo dir", "dir\n"),
        ("test -w /data/local/tmp && echo writable", "writable\n"),
        ("[ -r /data/data ] || echo unreadable", "unreadable\n"),
        ("[ -L /sdcard ] && echo link", "link\n"),
        ("[ x ] && echo one-arg", "one-arg\n"),
        ("[ ] || echo empty", "empty\n"),
        ("[ \\( a = a \\) ] && echo paren", "paren\n"),
    ],
)
def test_test_builtin_answers_like_mksh(line: str, expected: str) -> None:
    result = run(line)
    assert (result.text, result.stderr) == (expected, b"")


@pytest.mark.parametrize(
    ("line", "stderr"),
    [
        ("[ a = a", "/system/bin/sh: [: missing ]\n"),
        ("[ 1 -eq ]", "/system/bin/sh: [: -eq: missing second argument\n"),
        ("[ 1a -eq 1 ]", "/system/bin/sh: 1a: bad number\n"),
        ("[ a b c ]", "/system/bin/sh: [: b: unexpected operator/operand\n"),
    ],
)
def test_test_builtin_usage_errors_exit_2(line: str, stderr: str) -> None:
    result = run(f"{line}; echo status=$?")
    assert (result.text, result.stderr.decode()) == ("status=2\n", stderr)


def test_command_substitution_both_forms_and_nesting() -> None:
    result = run('echo "id=$(id -u) user=`whoami` nested=$(echo $(echo in))"')
    assert result.text == "id=2000 user=shell nested=in\n"


def test_command_substitution_strips_trailing_newlines_and_splits_unquoted() -> None:
    assert run("x=$(printf 'a b\\n\\n'); echo \"[$x]\"; for w in $(echo 1 2); do echo w$w; done").text == (
        "[a b]\nw1\nw2\n")


def test_assignment_of_a_failing_substitution_keeps_its_status() -> None:
    assert run("x=$(false); echo $?").text == "1\n"


def test_if_elif_else() -> None:
    line = "for n in 1 2 3; do if [ $n = 1 ]; then echo one; elif [ $n = 2 ]; then echo two; else echo other; fi; done"
    assert run(line).text == "one\ntwo\nother\n"


def test_while_until_break_continue() -> None:
    line = ("i=0; while true; do i=$((i+1)); [ $i -eq 2 ] && continue; [ $i -gt 4 ] && break; echo $i; done;"
            " until [ $i -eq 0 ]; do i=$((i-1)); done; echo end=$i")
    assert run(line).text == "1\n3\n4\nend=0\n"


def test_nested_break_leaves_two_levels() -> None:
    assert run("for a in 1 2; do for b in x y; do echo $a$b; break 2; done; done; echo after").text == "1x\nafter\n"


def test_case_patterns_alternatives_and_default() -> None:
    line = ('for v in apple b12 zz "*"; do case "$v" in a*|z?) echo "$v:a-or-z";; b[0-9]*) echo "$v:b";;'
            ' "*") echo star;; *) echo none;; esac; done')
    assert run(line).text == "apple:a-or-z\nb12:b\nzz:a-or-z\nstar\n"


def test_functions_with_arguments_local_and_return() -> None:
    line = ("x=global; f() { local x=inside; echo \"$# $1 $2 $x\"; return 4; }; f a 'b c'; echo \"$? $x\";"
            " function g { echo g$1; }; g 1")
    assert run(line).text == "2 a b c inside\n4 global\ng1\n"


def test_recursive_function_and_arithmetic() -> None:
    line = "fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1-1))) )); fi; }; fact 5"
    assert run(line).text == "120\n"


@pytest.mark.parametrize(
    ("expression", "value"),
    [("1+2*3", "7"), ("(1+2)*3", "9"), ("7/2", "3"), ("-7%3", "-1"), ("1<<4", "16"), ("0x10+010", "26"),
     ("16#ff", "255"), ("3>2 && 1", "1"), ("x=5, x", None), ("2147483647+1", "-2147483648"), ("!0", "1"),
     ("1 ? 2 : 3", "2")],
)
def test_arithmetic_expansion(expression: str, value: str | None) -> None:
    if value is None:
        assert run(f"echo $(({expression}))").exit_code == 1  # ',' is not an mksh operator
    else:
        assert run(f"echo $(({expression}))").text == f"{value}\n"


def test_arithmetic_uses_and_assigns_variables() -> None:
    assert run("a=3 b=a; echo $((b + 1)) $((c += 2)) $c; n=1; : $((n++)); echo $n").text == "4 2 2\n2\n"


def test_arithmetic_errors_end_the_shell_with_mksh_text() -> None:
    result = run("echo $((1/0)); echo never")
    assert (result.text, result.exit_code, result.stderr) == ("", 1, b"/system/bin/sh: 1/0: zero divisor\n")
    result = run("echo $((1 +)); echo never")
    assert (result.exit_code, result.stderr) == (1, b"/system/bin/sh: 1 +: unexpected 'end of expression'\n")


def test_positional_parameters_shift_and_set() -> None:
    line = 'set -- a "b c" d; echo $#; for p in "$@"; do echo "<$p>"; done; shift; echo "$1|$*"; shift 2; echo $#'
    assert run(line).text == "3\n<a>\n<b c>\n<d>\nb c|b c d\n0\n"


def test_shift_past_the_end_is_mksh_error_and_ends_the_shell() -> None:
    result = run("set -- a; shift 2; echo never")
    assert (result.text, result.exit_code, result.stderr) == ("", 1, b"/system/bin/sh: shift: nothing to shift\n")


def test_export_reaches_child_shells_and_plain_variables_do_not() -> None:
    assert run("A=1; export B=2; sh -c 'echo \"[$A][$B]\"'").text == "[][2]\n"


def test_read_splits_fields_and_returns_1_at_eof() -> None:
    result = run("read a b; echo \"$a|$b\"; read c; echo $?", stdin=b"one two three\n")
    assert result.text == "one|two three\n1\n"


def test_pipeline_into_while_read_loop() -> None:
    assert run("printf 'x 1\\ny 2\\n' | while read k v; do echo $v$k; done").text == "1x\n2y\n"


def test_parameter_operators() -> None:
    line = ('f=/data/local/tmp/x.tar.gz; echo ${f##*/} ${f%.*} ${f%%.*} ${f#/data} ${#f};'
            ' echo ${U:-def} ${U-alt} ${E:=set} $E ${f:+yes}')
    assert run(line).text == (
        "x.tar.gz /data/local/tmp/x.tar /data/local/tmp/x /local/tmp/x.tar.gz 24\ndef alt set set yes\n")


def test_unset_parameter_with_question_mark_is_fatal() -> None:
    result = run("echo ${NOPE:?must be set}; echo never")
    assert (result.exit_code, result.stderr) == (1, b"/system/bin/sh: NOPE: must be set\n")


def test_globbing_matches_files_and_leaves_unmatched_patterns() -> None:
    line = "cd /data/local/tmp && touch b.txt a.txt c.log && echo *.txt && echo /data/local/tmp/?.log && echo *.none"
    assert run(line).text == "a.txt b.txt\n/data/local/tmp/c.log\n*.none\n"


def test_subshell_and_brace_group() -> None:
    assert run("x=1; (x=2; echo $x); echo $x; { x=3; echo $x; }; echo $x").text == "2\n1\n3\n3\n"


def test_negated_pipeline_and_set_e() -> None:
    assert run("! false && echo negated").text == "negated\n"
    result = run("set -e; true; false; echo never")
    assert (result.text, result.exit_code) == ("", 1)
    assert run("set -e; if false; then :; fi; false || echo tolerated").text == "tolerated\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("if true; then echo x", "syntax error: unexpected EOF"),
        ("if true; echo x; fi", "syntax error: 'fi' unexpected"),
        ("while true; do; done", "syntax error: ';' unexpected"),
        ("echo $(echo a", "no closing quote"),
        ("echo `echo a", "no closing quote"),
        ("fi", "syntax error: 'fi' unexpected"),
        ("case x in a) echo a;;", "syntax error: unexpected EOF"),
    ],
)
def test_compound_syntax_errors_are_mksh_syntax_errors(line: str, message: str) -> None:
    result = run(line)
    assert (result.exit_code, result.stderr) == (1, f"/system/bin/sh: {message}\n".encode())


def test_break_outside_a_loop_warns_and_goes_on() -> None:
    result = run("break; echo after")
    assert (result.text, result.stderr) == ("after\n", b"/system/bin/sh: break: can't break\n")


def test_return_status_and_builtin_lookup_order() -> None:
    assert run("true() { return 7; }; true; echo $?; shift() { echo mine; }; set -- a; shift; echo $#").text == (
        "7\n0\n")  # functions shadow commands, not special builtins (mksh's lookup order)


def test_eval_and_colon() -> None:
    assert run("cmd='echo evaluated'; eval \"$cmd\"; : ignored; echo $?").text == "evaluated\n0\n"
