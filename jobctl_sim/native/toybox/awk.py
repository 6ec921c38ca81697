"""toybox ``awk`` (``toys/pending/awk.c``, option string ``F:v*f*bc``), the forms scripts use: rules
``PATTERN { ACTION }`` with ``BEGIN``/``END``, ``/REGEX/`` and expression patterns; ``print``
(``,`` joins with ``OFS``), ``printf``, assignments (``= += -= *= /= %=``, ``++``/``--``), ``if``/
``else``, ``while``, ``for (;;)``, ``for (K in ARRAY)``, ``next``, ``exit``, ``delete``; fields
``$N``/``$0``, ``NR``, ``NF``, ``FS``, ``OFS``, ``ORS``, ``FILENAME``; operators incl. ``~``/``!~``,
``in``, concatenation; functions ``length``, ``substr``, ``index``, ``split``, ``sub``, ``gsub``,
``match``, ``sprintf``, ``tolower``, ``toupper``, ``int``. ``-F SEP`` (one character or a regex),
``-v NAME=VALUE``.

Deliberately not modelled: user functions, ``getline``, output redirection, ``system()``; a
program using them, or one this parser cannot read, fails with ``awk: syntax error: …`` (status 2).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from jobctl_sim.native.fs import FsError
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import OptionSpec, UsageError, error_exit, perror, read_input
from jobctl_sim.native.toybox.awk_parse import AwkSyntaxError, Node, parse_program
from jobctl_sim.native.toybox.regex import compile_posix

AWK = OptionSpec("F:v*f*bc")


class _Next(Exception):
    pass


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _num(value: Any) -> float:
    if isinstance(value, float | int):
        return float(value)
    match = re.match(r"\s*[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)", str(value))
    return float(match.group(0)) if match else 0.0


def _str(value: Any, fmt: str = "%.6g") -> str:
    if isinstance(value, float):
        return str(int(value)) if value == int(value) and abs(value) < 1e16 else fmt % value
    return str(value)


def _looks_numeric(value: Any) -> bool:
    return isinstance(value, float) or bool(re.fullmatch(r"\s*[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+)\s*", str(value)))


def awk_sprintf(fmt: str, args: list[Any]) -> str:
    out: list[str] = []
    index = 0
    for match in re.finditer(r"%([-+ #0]*\d*(?:\.\d+)?)([a-zA-Z%])|[^%]+|%", fmt):
        if match.group(2) is None:
            out.append(match.group(0))
            continue
        spec, conv = match.group(1), match.group(2)
        if conv == "%":
            out.append("%")
            continue
        value = args[index] if index < len(args) else ""
        index += 1
        if conv in "di":
            out.append(("%" + spec + "d") % int(_num(value)))
        elif conv in "oxXu":
            out.append(("%" + spec + ("d" if conv == "u" else conv)) % int(_num(value)))
        elif conv in "eEfgG":
            out.append(("%" + spec + conv) % _num(value))
        elif conv == "c":
            out.append(("%" + spec + "s") % (chr(int(_num(value))) if _looks_numeric(value) else _str(value)[:1]))
        else:
            out.append(("%" + spec + "s") % _str(value))
    return "".join(out)


class AwkMachine:
    def __init__(self, inv: Invocation, program: list[Node], separator: str) -> None:
        self.inv = inv
        self.program = program
        self.vars: dict[str, Any] = {"FS": separator, "OFS": " ", "ORS": "\n", "NR": 0.0, "NF": 0.0,
                                     "FNR": 0.0, "FILENAME": "", "SUBSEP": "\x1c", "RSTART": 0.0, "RLENGTH": -1.0}
        self.arrays: dict[str, dict[str, Any]] = {}
        self.fields: list[str] = [""]

    # ------------------------------------------------------------------ records

    def set_record(self, line: str) -> None:
        fs = _str(self.vars["FS"])
        if fs == " ":
            parts = line.split()
        elif len(fs) == 1 and fs != "\\":
            parts = line.split(fs) if line else []
        else:
            parts = re.split(compile_posix(fs, True).pattern, line) if line else []
        self.fields = [line, *parts]
        self.vars["NF"] = float(len(parts))

    def get_field(self, index: int) -> str:
        return self.fields[index] if 0 <= index < len(self.fields) else ""

    def set_field(self, index: int, value: str) -> None:
        if index == 0:
            self.set_record(value)
            return
        while len(self.fields) <= index:
            self.fields.append("")
        self.fields[index] = value
        self.vars["NF"] = float(len(self.fields) - 1)
        self.fields[0] = _str(self.vars["OFS"]).join(self.fields[1:])

    # ------------------------------------------------------------------ running

    def run(self, inputs: list[tuple[str, str]]) -> int:
        try:
            for rule in self.program:
                if rule.kind == "BEGIN":
                    self.block(rule.children[0])
            if any(rule.kind not in ("BEGIN",) for rule in self.program):
                for name, text in inputs:
                    self.vars["FILENAME"] = "" if name == "-" else name
                    self.vars["FNR"] = 0.0
                    lines = text.split("\n")
                    if lines and lines[-1] == "":
                        lines.pop()
                    for line in lines:
                        self.vars["NR"] = _num(self.vars["NR"]) + 1
                        self.vars["FNR"] = _num(self.vars["FNR"]) + 1
                        self.set_record(line)
                        try:
                            for rule in self.program:
                                pattern = rule.pattern
                                if rule.kind == "rule" and (pattern is None or self.truth(self.eval(pattern))):
                                    if rule.children:
                                        self.block(rule.children[0])
                                    else:
                                        self.inv.out(self.fields[0] + _str(self.vars["ORS"]))
                        except _Next:
                            continue
            status = 0
        except _Exit as exc:
            status = exc.status
        try:
            for rule in self.program:
                if rule.kind == "END":
                    self.block(rule.children[0])
        except _Exit as exc:
            status = exc.status
        return status

    def truth(self, value: Any) -> bool:
        if isinstance(value, float):
            return value != 0
        return _num(value) != 0 if _looks_numeric(value) else value != ""

    def block(self, node: Node) -> None:
        for statement in node.children:
            self.statement(statement)

    def statement(self, node: Node) -> None:
        kind = node.kind
        if kind == "block":
            self.block(node)
        elif kind == "print":
            values = [self.eval(c) for c in node.children] or [self.fields[0]]
            self.inv.out(_str(self.vars["OFS"]).join(_str(v, _str(self.vars.get("OFMT", "%.6g"))) for v in values)
                         + _str(self.vars["ORS"]))
        elif kind == "printf":
            values = [self.eval(c) for c in node.children]
            self.inv.out(awk_sprintf(_str(values[0]), values[1:]) if values else "")
        elif kind == "if":
            if self.truth(self.eval(node.children[0])):
                self.statement(node.children[1])
            elif len(node.children) > 2:
                self.statement(node.children[2])
        elif kind == "while":
            while self.truth(self.eval(node.children[0])):
                if self.loop_body(node.children[1]):
                    break
        elif kind == "for":
            init, cond, step, body = node.children
            if init.kind != "empty":
                self.eval(init)
            while cond.kind == "empty" or self.truth(self.eval(cond)):
                if self.loop_body(body):
                    break
                if step.kind != "empty":
                    self.eval(step)
        elif kind == "forin":
            for key in list(self.arrays.get(node.children[1].value, {})):
                self.assign(node.children[0], key)
                if self.loop_body(node.children[2]):
                    break
        elif kind == "next":
            raise _Next
        elif kind == "exit":
            raise _Exit(int(_num(self.eval(node.children[0]))) if node.children else 0)
        elif kind == "break":
            raise _LoopBreak
        elif kind == "continue":
            raise _LoopContinue
        elif kind == "delete":
            target = node.children[0]
            if target.kind == "index":
                self.arrays.setdefault(target.value, {}).pop(self.key(target), None)
            else:
                self.arrays[target.value] = {}
        elif kind != "empty":
            self.eval(node)

    def loop_body(self, body: Node) -> bool:
        try:
            self.statement(body)
        except _LoopBreak:
            return True
        except _LoopContinue:
            return False
        return False

    def key(self, node: Node) -> str:
        return _str(self.vars["SUBSEP"]).join(_str(self.eval(c)) for c in node.children)

    def lookup(self, node: Node) -> Any:
        if node.kind == "field":
            return self.get_field(int(_num(self.eval(node.children[0]))))
        if node.kind == "index":
            return self.arrays.setdefault(node.value, {}).setdefault(self.key(node), "")
        return self.vars.get(node.value, "")

    def assign(self, node: Node, value: Any) -> Any:
        if node.kind == "field":
            self.set_field(int(_num(self.eval(node.children[0]))), _str(value))
        elif node.kind == "index":
            self.arrays.setdefault(node.value, {})[self.key(node)] = value
        elif node.kind == "var":
            self.vars[node.value] = value
            if node.value == "NF":
                count = int(_num(value))
                self.fields = (self.fields + [""] * count)[:count + 1]
                self.fields[0] = _str(self.vars["OFS"]).join(self.fields[1:])
        else:
            raise AwkSyntaxError("assignment to a non-variable")
        return value

    def eval(self, node: Node) -> Any:
        kind = node.kind
        if kind == "num":
            return float(node.value)
        if kind == "str":
            return node.value
        if kind == "regex":
            return float(bool(compile_posix(node.value, True).search(self.fields[0])))
        if kind in ("var", "field", "index"):
            return self.lookup(node)
        if kind == "assign":
            target, expr = node.children
            value = self.eval(expr)
            if node.value != "=":
                value = _arith(node.value[0], _num(self.lookup(target)), _num(value))
            return self.assign(target, value)
        if kind in ("preinc", "predec", "postinc", "postdec"):
            old = _num(self.lookup(node.children[0]))
            new = old + (1 if kind.endswith("inc") else -1)
            self.assign(node.children[0], new)
            return new if kind.startswith("pre") else old
        if kind == "not":
            return float(not self.truth(self.eval(node.children[0])))
        if kind == "neg":
            return -_num(self.eval(node.children[0]))
        if kind == "pos":
            return _num(self.eval(node.children[0]))
        if kind == "and":
            return float(self.truth(self.eval(node.children[0])) and self.truth(self.eval(node.children[1])))
        if kind == "or":
            return float(self.truth(self.eval(node.children[0])) or self.truth(self.eval(node.children[1])))
        if kind == "cond":
            return self.eval(node.children[1] if self.truth(self.eval(node.children[0])) else node.children[2])
        if kind == "concat":
            return "".join(_str(self.eval(c)) for c in node.children)
        if kind == "in":
            return float(self.key(node.children[0]) in self.arrays.get(node.value, {}))
        if kind in ("match", "nomatch"):
            subject = _str(self.eval(node.children[0]))
            pattern = node.children[1]
            regex = pattern.value if pattern.kind == "regex" else _str(self.eval(pattern))
            found = compile_posix(regex, True).search(subject) is not None
            return float(found if kind == "match" else not found)
        if kind == "binop":
            left, right = self.eval(node.children[0]), self.eval(node.children[1])
            if node.value in "+-*/%^":
                return _arith(node.value, _num(left), _num(right))
            if _looks_numeric(left) and _looks_numeric(right):
                a: Any = _num(left)
                b: Any = _num(right)
            else:
                a, b = _str(left), _str(right)
            return float({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[node.value])
        if kind == "call":
            return self.call(node)
        if kind == "group":
            return self.eval(node.children[0])
        raise AwkSyntaxError(f"cannot evaluate {kind}")

    def call(self, node: Node) -> Any:
        name, args = node.value, node.children
        if name == "length":
            if args and args[0].kind == "var" and args[0].value in self.arrays:
                return float(len(self.arrays[args[0].value]))
            return float(len(_str(self.eval(args[0])) if args else self.fields[0]))
        values = [self.eval(a) for a in args] if name not in ("split", "sub", "gsub") else []
        simple: dict[str, Callable[[], Any]] = {
            "substr": lambda: _substr(_str(values[0]), _num(values[1]), _num(values[2]) if len(values) > 2 else None),
            "index": lambda: float(_str(values[0]).find(_str(values[1])) + 1),
            "tolower": lambda: _str(values[0]).lower(), "toupper": lambda: _str(values[0]).upper(),
            "int": lambda: float(math.trunc(_num(values[0]))),
            "sprintf": lambda: awk_sprintf(_str(values[0]), values[1:]),
            "sqrt": lambda: math.sqrt(_num(values[0])), "exp": lambda: math.exp(_num(values[0])),
            "log": lambda: math.log(_num(values[0])),
        }
        if name in simple:
            return simple[name]()
        if name == "match":
            found = compile_posix(_regex_text(args[1], values[1]), True).search(_str(values[0]))
            self.vars["RSTART"] = float(found.start() + 1) if found else 0.0
            self.vars["RLENGTH"] = float(len(found.group(0))) if found else -1.0
            return self.vars["RSTART"]
        if name == "split":
            text = _str(self.eval(args[0]))
            separator = _str(self.eval(args[2])) if len(args) > 2 else _str(self.vars["FS"])
            if separator == " ":
                pieces = text.split()
            else:
                pieces = re.split(compile_posix(separator, True).pattern, text) if text else []
            self.arrays[args[1].value] = {str(i + 1): p for i, p in enumerate(pieces)}
            return float(len(pieces))
        if name in ("sub", "gsub"):
            regex = compile_posix(_regex_text(args[0], None if args[0].kind == "regex" else self.eval(args[0])), True)
            replacement = _str(self.eval(args[1]))
            target = args[2] if len(args) > 2 else Node("field", children=[Node("num", "0")])
            count = 0

            def replace(match: re.Match[str]) -> str:
                nonlocal count
                count += 1
                return re.sub(r"\\&|&", lambda m: "&" if m.group(0) == "\\&" else match.group(0), replacement)

            result = regex.sub(replace, _str(self.lookup(target)), count=0 if name == "gsub" else 1)
            self.assign(target, result)
            return float(count)
        raise AwkSyntaxError(f"function {name} is not supported")


class _LoopBreak(Exception):
    pass


class _LoopContinue(Exception):
    pass


def _regex_text(node: Node, value: Any) -> str:
    return node.value if node.kind == "regex" else _str(value)


def _substr(text: str, start: float, length: float | None) -> str:
    begin = round(start)
    end = len(text) + 1 if length is None else begin + round(length)
    begin = max(begin, 1)
    return text[begin - 1:max(end - 1, begin - 1)]


def _arith(op: str, a: float, b: float) -> float:
    if op in "/%" and b == 0:
        raise AwkSyntaxError("division by zero")
    results: dict[str, float] = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0.0,
                                 "%": math.fmod(a, b) if b else 0.0, "^": float(a ** b)}
    return results[op]


async def cmd_awk(inv: Invocation) -> int:
    try:
        opts = AWK.parse(inv)
        operands = list(opts.args)
        if opts.lists.get("f"):
            source = "\n".join(read_input(inv, name).decode("utf-8", "replace") for name in opts.lists["f"])
        elif operands:
            source = operands.pop(0)
        else:
            raise error_exit(inv, "no program")
    except UsageError as exc:
        return exc.status
    except FsError as exc:
        perror(inv, exc.path, exc)
        return 2
    try:
        program = parse_program(source)
    except AwkSyntaxError as exc:
        inv.err(f"awk: syntax error: {exc.args[0]}\n")
        return 2
    separator = opts.values.get("F", " ")
    if separator == "t":
        separator = "\t"
    machine = AwkMachine(inv, program, separator.replace("\\t", "\t"))
    for assignment in opts.lists.get("v", []):
        name, sep, value = assignment.partition("=")
        if not sep:
            return error_exit(inv, "bad -v assignment format").status
        machine.vars[name] = value
    inputs: list[tuple[str, str]] = []
    status = 0
    for name in operands or ["-"]:
        if "=" in name and re.match(r"[A-Za-z_]\w*=", name):
            key, _, value = name.partition("=")
            machine.vars[key] = value
            continue
        if name == "-":
            inputs.append((name, (await inv.stdin.read()).decode("utf-8", "replace")))
            continue
        try:
            inputs.append((name, read_input(inv, name).decode("utf-8", "replace")))
        except FsError as exc:
            inv.err(f"awk: can't open file {name}\n" if exc.errno == 2 else f"awk: {name}: {exc.strerror}\n")
            status = 2
    try:
        result = machine.run(inputs)
    except AwkSyntaxError as exc:
        inv.err(f"awk: {exc.args[0]}\n")
        return 2
    return status or result
