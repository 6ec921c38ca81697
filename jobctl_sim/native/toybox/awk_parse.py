"""The parser of :mod:`.awk`: tokens (a ``/`` starts a regex where an operand is expected, as POSIX
awk's grammar says) and a tree of :class:`Node` for the program."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BUILTINS = frozenset({"length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "tolower",
                      "toupper", "int", "sqrt", "exp", "log"})
_KEYWORDS = frozenset({"BEGIN", "END", "if", "else", "while", "for", "do", "print", "printf", "next", "exit",
                       "break", "continue", "delete", "in", "getline", "function", "return"})
_PUNCT = ("+=", "-=", "*=", "/=", "%=", "^=", "==", "<=", ">=", "!=", "++", "--", "&&", "||", "!~", ">>",
          "{", "}", "(", ")", "[", "]", ";", ",", "\n", "+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?",
          ":", "~", "$", "=")


class AwkSyntaxError(Exception):
    pass


@dataclass
class Node:
    kind: str
    value: str = ""
    children: list[Node] = field(default_factory=list)
    pattern: Node | None = None
    """A rule's pattern (None: every record)."""


def tokenize(source: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(source):
        c = source[i]
        if c in " \t\r":
            i += 1
        elif c == "\\" and source[i + 1:i + 2] == "\n":
            i += 2
        elif c == "#":
            while i < len(source) and source[i] != "\n":
                i += 1
        elif c == '"':
            j, out = i + 1, []
            escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "/": "/", "a": "\a", "b": "\b"}
            while j < len(source) and source[j] != '"':
                if source[j] == "\\" and j + 1 < len(source):
                    out.append(escapes.get(source[j + 1], "\\" + source[j + 1]))
                    j += 2
                    continue
                out.append(source[j])
                j += 1
            if j >= len(source):
                raise AwkSyntaxError("unterminated string")
            tokens.append(("str", "".join(out)))
            i = j + 1
        elif c == "/" and (not tokens or (tokens[-1][0] not in ("num", "str", "name", "func") and
                           tokens[-1][1] not in (")", "]", "$", "++", "--"))):
            j, out = i + 1, []
            while j < len(source) and source[j] != "/":
                if source[j] == "\\" and j + 1 < len(source):
                    out.append(source[j:j + 2] if source[j + 1] != "/" else "/")
                    j += 2
                    continue
                if source[j] == "\n":
                    raise AwkSyntaxError("newline in regex")
                out.append(source[j])
                j += 1
            tokens.append(("regex", "".join(out)))
            i = j + 1
        elif c.isdigit() or (c == "." and source[i + 1:i + 2].isdigit()):
            match = re.match(r"(0[xX][0-9a-fA-F]+|\d*\.?\d*([eE][-+]?\d+)?)", source[i:])
            assert match is not None
            text = match.group(0)
            tokens.append(("num", str(int(text, 16)) if text.lower().startswith("0x") else text))
            i += len(text)
        elif c.isalpha() or c == "_":
            match = re.match(r"[A-Za-z_]\w*", source[i:])
            assert match is not None
            word = match.group(0)
            kind = "kw" if word in _KEYWORDS else "func" if word in BUILTINS else "name"
            tokens.append((kind, word))
            i += len(word)
        else:
            for punct in _PUNCT:
                if source.startswith(punct, i):
                    tokens.append(("op", punct))
                    i += len(punct)
                    break
            else:
                raise AwkSyntaxError(f"unexpected character '{c}'")
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.toks = tokens
        self.i = 0
        self.no_gt = False

    def peek(self, offset: int = 0) -> tuple[str, str]:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else ("eof", "")

    def at(self, *values: str) -> bool:
        kind, value = self.peek()
        return kind in ("op", "kw") and value in values

    def take(self, value: str) -> None:
        if not self.at(value):
            kind, got = self.peek()
            raise AwkSyntaxError(f"expected '{value}' near '{got or kind}'")
        self.i += 1

    def newlines(self) -> None:
        while self.at("\n", ";"):
            self.i += 1

    def program(self) -> list[Node]:
        rules: list[Node] = []
        self.newlines()
        while self.peek()[0] != "eof":
            if self.at("BEGIN", "END"):
                kind = self.peek()[1]
                self.i += 1
                rules.append(Node(kind, children=[self.block()]))
            elif self.at("function", "getline"):
                raise AwkSyntaxError(f"'{self.peek()[1]}' is not supported")
            else:
                pattern = None if self.at("{") else self.expression()
                body = [self.block()] if self.at("{") else []
                rules.append(Node("rule", children=body, pattern=pattern))
            self.newlines()
        return rules

    def block(self) -> Node:
        self.take("{")
        statements: list[Node] = []
        self.newlines()
        while not self.at("}"):
            if self.peek()[0] == "eof":
                raise AwkSyntaxError("missing '}'")
            statements.append(self.statement())
            self.newlines()
        self.take("}")
        return Node("block", children=statements)

    def simple_end(self) -> None:
        if self.at(";", "\n"):
            self.i += 1
        elif not self.at("}") and self.peek()[0] != "eof":
            raise AwkSyntaxError(f"unexpected '{self.peek()[1]}'")

    def statement(self) -> Node:
        if self.at("{"):
            return self.block()
        kind, value = self.peek()
        if kind == "kw" and value == "if":
            self.i += 1
            self.take("(")
            condition = self.expression()
            self.take(")")
            self.newlines()
            then = self.statement()
            save = self.i
            self.newlines()
            if self.at("else"):
                self.i += 1
                self.newlines()
                return Node("if", children=[condition, then, self.statement()])
            self.i = save
            return Node("if", children=[condition, then])
        if kind == "kw" and value == "while":
            self.i += 1
            self.take("(")
            condition = self.expression()
            self.take(")")
            self.newlines()
            return Node("while", children=[condition, self.statement()])
        if kind == "kw" and value == "for":
            self.i += 1
            self.take("(")
            if self.peek()[0] == "name" and self.peek(1) == ("kw", "in") and self.peek(3) == ("op", ")"):
                variable = Node("var", self.peek()[1])
                array = Node("var", self.peek(2)[1])
                self.i += 4
                self.newlines()
                return Node("forin", children=[variable, array, self.statement()])
            init = Node("empty") if self.at(";") else self.expression()
            self.take(";")
            condition = Node("empty") if self.at(";") else self.expression()
            self.take(";")
            step = Node("empty") if self.at(")") else self.expression()
            self.take(")")
            self.newlines()
            return Node("for", children=[init, condition, step, self.statement()])
        if kind == "kw" and value in ("print", "printf"):
            self.i += 1
            args: list[Node] = []
            self.no_gt = True
            try:
                if not self.at(";", "\n", "}") and self.peek()[0] != "eof":
                    args.append(self.expression())
                    while self.at(","):
                        self.i += 1
                        self.newlines()
                        args.append(self.expression())
            finally:
                self.no_gt = False
            if self.at(">", ">>", "|"):
                raise AwkSyntaxError("output redirection is not supported")
            if len(args) == 1 and args[0].kind == "group" and len(args[0].children) > 1:
                args = args[0].children
            self.simple_end()
            return Node(value, children=args)
        if kind == "kw" and value in ("next", "break", "continue"):
            self.i += 1
            self.simple_end()
            return Node(value)
        if kind == "kw" and value == "exit":
            self.i += 1
            children = [] if self.at(";", "\n", "}") or self.peek()[0] == "eof" else [self.expression()]
            self.simple_end()
            return Node("exit", children=children)
        if kind == "kw" and value == "delete":
            self.i += 1
            target = self.primary()
            self.simple_end()
            return Node("delete", children=[target])
        if self.at(";"):
            self.i += 1
            return Node("empty")
        expression = self.expression()
        self.simple_end()
        return expression

    # ------------------------------------------------------------------ expressions

    def expression(self) -> Node:
        left = self.ternary()
        if self.at("=", "+=", "-=", "*=", "/=", "%=", "^=") and left.kind in ("var", "field", "index"):
            op = self.peek()[1]
            self.i += 1
            self.newlines()
            return Node("assign", op, [left, self.expression()])
        return left

    def ternary(self) -> Node:
        condition = self.or_expr()
        if self.at("?"):
            self.i += 1
            yes = self.expression()
            self.take(":")
            return Node("cond", children=[condition, yes, self.expression()])
        return condition

    def or_expr(self) -> Node:
        left = self.and_expr()
        while self.at("||"):
            self.i += 1
            self.newlines()
            left = Node("or", children=[left, self.and_expr()])
        return left

    def and_expr(self) -> Node:
        left = self.in_expr()
        while self.at("&&"):
            self.i += 1
            self.newlines()
            left = Node("and", children=[left, self.in_expr()])
        return left

    def in_expr(self) -> Node:
        left = self.match_expr()
        while self.at("in"):
            self.i += 1
            name = self.peek()[1]
            self.i += 1
            left = Node("in", name, [left])
        return left

    def match_expr(self) -> Node:
        left = self.comparison()
        while self.at("~", "!~"):
            op = self.peek()[1]
            self.i += 1
            left = Node("match" if op == "~" else "nomatch", children=[left, self.comparison()])
        return left

    def comparison(self) -> Node:
        left = self.concat()
        ops = ("<", "<=", ">=", "==", "!=") if self.no_gt else ("<", "<=", ">", ">=", "==", "!=")
        if self.at(*ops):
            op = self.peek()[1]
            self.i += 1
            return Node("binop", op, [left, self.concat()])
        return left

    def concat(self) -> Node:
        parts = [self.additive()]
        while True:
            kind, value = self.peek()
            starts_operand = kind in ("num", "str", "name", "func", "regex")
            if starts_operand or (kind == "op" and value in ("$", "(", "++", "--")):
                if kind == "op" and value == "!":
                    break
                parts.append(self.additive())
                continue
            break
        return parts[0] if len(parts) == 1 else Node("concat", children=parts)

    def additive(self) -> Node:
        left = self.multiplicative()
        while self.at("+", "-"):
            op = self.peek()[1]
            self.i += 1
            left = Node("binop", op, [left, self.multiplicative()])
        return left

    def multiplicative(self) -> Node:
        left = self.unary()
        while self.at("*", "/", "%"):
            op = self.peek()[1]
            self.i += 1
            left = Node("binop", op, [left, self.unary()])
        return left

    def unary(self) -> Node:
        if self.at("!"):
            self.i += 1
            return Node("not", children=[self.unary()])
        if self.at("-", "+"):
            op = self.peek()[1]
            self.i += 1
            return Node("neg" if op == "-" else "pos", children=[self.unary()])
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.at("^"):
            self.i += 1
            return Node("binop", "^", [base, self.unary()])
        return base

    def postfix(self) -> Node:
        if self.at("++", "--"):
            op = self.peek()[1]
            self.i += 1
            return Node("preinc" if op == "++" else "predec", children=[self.postfix()])
        node = self.primary()
        if self.at("++", "--") and node.kind in ("var", "field", "index"):
            op = self.peek()[1]
            self.i += 1
            return Node("postinc" if op == "++" else "postdec", children=[node])
        return node

    def primary(self) -> Node:
        kind, value = self.peek()
        self.i += 1
        if kind == "num":
            return Node("num", value)
        if kind == "str":
            return Node("str", value)
        if kind == "regex":
            return Node("regex", value)
        if kind == "op" and value == "$":
            return Node("field", children=[self.postfix_operand()])
        if kind == "op" and value == "(":
            items = [self.expression()]
            while self.at(","):
                self.i += 1
                items.append(self.expression())
            self.take(")")
            if len(items) > 1 and self.at("in"):
                self.i += 1
                name = self.peek()[1]
                self.i += 1
                return Node("in", name, [Node("index", "", items)])
            return Node("group", children=items)
        if kind == "func":
            args: list[Node] = []
            if self.at("("):
                self.i += 1
                saved, self.no_gt = self.no_gt, False
                if not self.at(")"):
                    args.append(self.expression())
                    while self.at(","):
                        self.i += 1
                        args.append(self.expression())
                self.no_gt = saved
                self.take(")")
            return Node("call", value, args)
        if kind == "name":
            if self.at("["):
                self.i += 1
                keys = [self.expression()]
                while self.at(","):
                    self.i += 1
                    keys.append(self.expression())
                self.take("]")
                return Node("index", value, keys)
            return Node("var", value)
        raise AwkSyntaxError(f"unexpected '{value or kind}'")

    def postfix_operand(self) -> Node:
        if self.at("++", "--", "-"):
            return self.unary()
        return self.primary()


def parse_program(source: str) -> list[Node]:
    return _Parser(tokenize(source)).program()
