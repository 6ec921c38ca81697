"""Android Lint's NewApi check, done from the helper's dex and Robolectric's android-all jars.

* ``read_dex_methods`` parses ``dexdump -d`` (ART's own disassembler) into methods, instructions,
  branch targets (switch payloads read from the dex bytes) and try/catch handlers.
* ``guard_levels`` is a forward data-flow over each method: a register loaded from
  ``Build.VERSION.SDK_INT`` compared (``if-lt/ge/gt/le/eq``) with a constant raises the lowest API
  level on the edge where the comparison proves ``SDK_INT >= N``; joins take the minimum. So a
  framework reference reached only below ``if (SDK_INT >= 34)`` is checked against levels 34..35,
  any other against 26..35 (minSdk).
* ``FrameworkJar`` reads class files lazily (a minimal class-file parser: constant pool, super
  class, interfaces, field and method names+descriptors) and resolves a member the way the JVM/ART
  linker does: the class, its superclasses, its interfaces.

Only tests use this module; it has no dependency beyond the stdlib and ``dexdump``.
"""

from __future__ import annotations

import re
import struct
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SDK_INT_FIELD = "Landroid/os/Build$VERSION;.SDK_INT:I"
INSN = re.compile(r"^([0-9a-f]{6}): ([0-9a-f ]+?)\s*\|([0-9a-f]{4}): (\S+)(?: (.*))?$")
METHOD_HEADER = re.compile(r"^[0-9a-f]{6}:\s+\|\[[0-9a-f]+\] (\S+)\.([^.:]+):(\S+)$")
MEMBER_REF = re.compile(r"(L[^;\s]+;|\[\S+?)\.([^:\s]+):(\S+?)(?: //|$)")
TYPE_REF = re.compile(r", (L[^;\s]+;|\[[^\s]+) // type@")
CATCH_RANGE = re.compile(r"^\s+0x([0-9a-f]{4}) - 0x([0-9a-f]{4})$")
CATCH_HANDLER = re.compile(r"^\s+(?:\S+|<any>) -> 0x([0-9a-f]{4})$")
CONST = re.compile(r"^v(\d+), #(?:int|long) (-?\d+)")
TERMINATORS = ("return", "throw", "goto")
TOP = 10_000
"""The level of an instruction no path reaches yet."""


@dataclass
class Instruction:
    address: int
    file_offset: int
    opcode: str
    operands: str


@dataclass
class Method:
    owner: str  # descriptor, e.g. Ldev/jobctl/helper/HelperJobService;
    name: str
    descriptor: str
    instructions: list[Instruction] = field(default_factory=list)
    handlers: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, handler)

    @property
    def label(self) -> str:
        return f"{self.owner}.{self.name}:{self.descriptor}"


@dataclass(frozen=True)
class Reference:
    """A framework member (or class, when ``member`` is empty) used by one instruction."""

    owner: str
    member: str
    descriptor: str
    kind: str  # "method", "field" or "class"
    method: str  # the helper method that uses it
    level: int  # the lowest API level at which that instruction can run


def dotted(descriptor: str) -> str:
    return descriptor[1:-1].replace("/", ".")


def read_dex_methods(dex: Path) -> list[Method]:
    text = subprocess.run(["dexdump", "-d", str(dex)], capture_output=True, text=True, check=True).stdout
    methods: list[Method] = []
    current: Method | None = None
    in_catches = False
    pending_range: tuple[int, int] | None = None
    for line in text.splitlines():
        header = METHOD_HEADER.match(line)
        if header:
            owner = "L" + header.group(1).replace(".", "/") + ";"
            current = Method(owner, header.group(2), header.group(3))
            methods.append(current)
            in_catches = False
            continue
        if current is None:
            continue
        insn = INSN.match(line)
        if insn:
            current.instructions.append(Instruction(int(insn.group(3), 16), int(insn.group(1), 16), insn.group(4),
                                                    insn.group(5) or ""))
            continue
        stripped = line.strip()
        if stripped.startswith("catches"):
            in_catches = not stripped.endswith("(none)")
            continue
        if stripped.startswith(("positions", "locals")):
            in_catches = False
            continue
        if in_catches:
            rng = CATCH_RANGE.match(line)
            if rng:
                pending_range = (int(rng.group(1), 16), int(rng.group(2), 16))
                continue
            handler = CATCH_HANDLER.match(line)
            if handler and pending_range:
                current.handlers.append((*pending_range, int(handler.group(1), 16)))
    return methods


def switch_targets(dex_bytes: bytes, method: Method, insn: Instruction) -> list[int]:
    """Read the packed/sparse switch payload the instruction points at (dexdump does not print it)."""
    relative = int(re.search(r"// ([+-][0-9a-f]+)", insn.operands).group(1), 16)  # type: ignore[union-attr]
    start = method.instructions[0]
    payload = start.file_offset + 2 * (insn.address + relative - start.address)
    ident, size = struct.unpack_from("<HH", dex_bytes, payload)
    if ident == 0x0100:
        offsets = struct.unpack_from(f"<{size}i", dex_bytes, payload + 8)
    elif ident == 0x0200:
        offsets = struct.unpack_from(f"<{size}i", dex_bytes, payload + 4 + 4 * size)
    else:
        raise AssertionError(f"{method.label}@{insn.address:04x}: bad switch payload ident {ident:#x}")
    return [insn.address + offset for offset in offsets]


Facts = dict[int, object]  # register -> "sdk" or an int constant


def _transfer(insn: Instruction, facts: Facts) -> Facts:
    """Register facts after ``insn`` (only what the SDK_INT guard analysis needs)."""
    op, args = insn.opcode, insn.operands
    target = re.match(r"v(\d+)", args)
    if op.startswith("sget") and SDK_INT_FIELD in args and target:
        return {**facts, int(target.group(1)): "sdk"}
    if op in ("const/4", "const/16", "const", "const/high16"):
        m = CONST.match(args)
        if m:
            return {**facts, int(m.group(1)): int(m.group(2))}
    if op in ("move", "move/from16", "move/16"):
        regs = re.findall(r"v(\d+)", args)
        out = dict(facts)
        if int(regs[1]) in facts:
            out[int(regs[0])] = facts[int(regs[1])]
        else:
            out.pop(int(regs[0]), None)
        return out
    if target and not op.startswith(("if-", "invoke", "return", "throw", "goto", "packed-switch", "sparse-switch",
                                      "iput", "sput", "aput", "monitor", "check-cast", "fill-array", "filled-new")):
        # Anything else that writes vA (and, for wide values, vA+1) forgets what vA held.
        out = dict(facts)
        out.pop(int(target.group(1)), None)
        if "wide" in op or op.endswith("-long") or op.endswith("-double") or ("/2addr" in op and "long" in op):
            out.pop(int(target.group(1)) + 1, None)
        return out
    return facts


def _branch_levels(insn: Instruction, facts: Facts, level: int) -> tuple[int, int]:
    """(level on the taken edge, level on the fall-through edge) of a two-register if."""
    regs = [int(r) for r in re.findall(r"v(\d+)", insn.operands)[:2]]
    a, b = facts.get(regs[0]), facts.get(regs[1])
    op = insn.opcode
    if a == "sdk" and isinstance(b, int):
        n = b
        table = {"if-lt": (None, n), "if-ge": (n, None), "if-gt": (n + 1, None), "if-le": (None, n + 1),
                 "if-eq": (n, None), "if-ne": (None, n)}
    elif b == "sdk" and isinstance(a, int):
        n = a  # const OP sdk
        table = {"if-lt": (n + 1, None), "if-ge": (None, n + 1), "if-gt": (None, n), "if-le": (n, None),
                 "if-eq": (n, None), "if-ne": (None, n)}
    else:
        return level, level
    taken, fall = table.get(op, (None, None))
    return (max(level, taken) if taken else level), (max(level, fall) if fall else level)


def guard_levels(method: Method, dex_bytes: bytes, min_sdk: int) -> dict[int, int]:
    """The lowest API level at which each instruction (by address) can run."""
    insns = method.instructions
    if not insns:
        return {}
    index = {insn.address: i for i, insn in enumerate(insns)}
    level: dict[int, int] = {insn.address: TOP for insn in insns}
    facts: dict[int, Facts | None] = {insn.address: None for insn in insns}
    worklist = [insns[0].address]
    level[insns[0].address] = min_sdk
    facts[insns[0].address] = {}

    def flow(address: int, new_level: int, new_facts: Facts) -> None:
        if address not in index:
            return
        old_facts = facts[address]
        merged_facts = new_facts if old_facts is None else {
            r: v for r, v in old_facts.items() if new_facts.get(r) == v}
        merged_level = min(level[address], new_level)
        if merged_level != level[address] or old_facts is None or merged_facts != old_facts:
            level[address], facts[address] = merged_level, merged_facts
            worklist.append(address)

    while worklist:
        address = worklist.pop()
        insn = insns[index[address]]
        here, before = level[address], facts[address] or {}
        after = _transfer(insn, before)
        for start, end, handler in method.handlers:
            if start <= address < end:
                flow(handler, here, {})
        successors: list[tuple[int, int, Facts]] = []
        following = insns[index[address] + 1].address if index[address] + 1 < len(insns) else None
        op = insn.opcode
        jump = re.search(r", ([0-9a-f]{4}) // [+-]", insn.operands) or re.match(r"([0-9a-f]{4}) // [+-]",
                                                                                  insn.operands)
        if op.startswith("goto"):
            successors.append((int(jump.group(1), 16), here, after))  # type: ignore[union-attr]
        elif op.startswith("if-"):
            taken_level, fall_level = (_branch_levels(insn, before, here) if not op.endswith("z")
                                       else (here, here))
            successors.append((int(jump.group(1), 16), taken_level, after))  # type: ignore[union-attr]
            if following is not None:
                successors.append((following, fall_level, after))
        elif op in ("packed-switch", "sparse-switch"):
            successors.extend((t, here, after) for t in switch_targets(dex_bytes, method, insn))
            if following is not None:
                successors.append((following, here, after))
        elif not op.startswith(TERMINATORS) and following is not None:
            successors.append((following, here, after))
        for target, target_level, target_facts in successors:
            flow(target, target_level, target_facts)
    return level


def references(methods: list[Method], dex_bytes: bytes, min_sdk: int) -> Iterator[Reference]:
    """Every non-helper class, method and field an instruction uses, with that instruction's level."""
    for method in methods:
        levels = guard_levels(method, dex_bytes, min_sdk)
        for insn in method.instructions:
            at = levels.get(insn.address, TOP)
            if at == TOP:
                continue  # unreachable (dead code after the analysis)
            if insn.opcode.startswith("invoke") or insn.opcode[1:4] in ("get", "put"):
                m = MEMBER_REF.search(insn.operands)
                if m:
                    kind = "method" if insn.opcode.startswith("invoke") else "field"
                    yield Reference(m.group(1), m.group(2), m.group(3), kind, method.label, at)
                    continue
            t = TYPE_REF.search(insn.operands)
            if t and insn.opcode in ("new-instance", "const-class", "check-cast", "instance-of", "new-array",
                                     "filled-new-array", "filled-new-array/range"):
                yield Reference(t.group(1), "", "", "class", method.label, at)


# ----------------------------------------------------------------------------- class files
@dataclass
class ClassInfo:
    name: str
    super_name: str | None
    interfaces: list[str]
    fields: set[tuple[str, str]]
    methods: set[tuple[str, str]]


def parse_class(data: bytes) -> ClassInfo:
    """Constant pool, this/super, interfaces, fields, methods (JVMS §4)."""
    count = struct.unpack_from(">H", data, 8)[0]
    pool: list[object] = [None] * count
    offset, i = 10, 1
    while i < count:
        tag = data[offset]
        if tag == 1:
            length = struct.unpack_from(">H", data, offset + 1)[0]
            pool[i] = data[offset + 3:offset + 3 + length].decode("utf-8", "replace")
            offset += 3 + length
        elif tag in (7, 8, 16, 19, 20):
            pool[i] = ("ref", struct.unpack_from(">H", data, offset + 1)[0])
            offset += 3
        elif tag == 15:
            offset += 4
        elif tag in (3, 4, 9, 10, 11, 12, 17, 18):
            offset += 5
        elif tag in (5, 6):
            offset += 9
            i += 1
        else:
            raise ValueError(f"constant pool tag {tag}")
        i += 1

    def class_name(index: int) -> str:
        ref = pool[index]
        assert isinstance(ref, tuple)
        name = pool[ref[1]]
        assert isinstance(name, str)
        return name

    offset += 2
    this_index, super_index, interface_count = struct.unpack_from(">HHH", data, offset)
    offset += 6
    interfaces = [class_name(struct.unpack_from(">H", data, offset + 2 * k)[0]) for k in range(interface_count)]
    offset += 2 * interface_count
    members: list[set[tuple[str, str]]] = []
    for _ in range(2):
        found: set[tuple[str, str]] = set()
        (n,) = struct.unpack_from(">H", data, offset)
        offset += 2
        for _ in range(n):
            _, name_index, desc_index, attr_count = struct.unpack_from(">HHHH", data, offset)
            offset += 8
            for _ in range(attr_count):
                length = struct.unpack_from(">I", data, offset + 2)[0]
                offset += 6 + length
            found.add((str(pool[name_index]), str(pool[desc_index])))
        members.append(found)
    return ClassInfo(class_name(this_index), class_name(super_index) if super_index else None, interfaces,
                     members[0], members[1])


class JavaSe8:
    """The Java SE 8 API from the JDK's ``lib/ct.sym`` (what ``javac --release 8`` compiles against).

    android-all carries almost no ``java.*`` (Robolectric takes those from the host JVM), so a
    reference into ``java.*`` can only be checked against Java SE 8, not against Android's libcore."""

    def __init__(self, ct_sym: Path) -> None:
        self.zip = zipfile.ZipFile(ct_sym)
        self.index: dict[str, str] = {}
        for entry in self.zip.namelist():
            parts = entry.split("/")
            if "8" in parts[0] and entry.endswith(".sig"):
                rest = parts[2:] if "." in parts[1] else parts[1:]
                self.index["/".join(rest)[:-4]] = entry
        self.cache: dict[str, ClassInfo | None] = {}

    def cls(self, internal: str) -> ClassInfo | None:
        if internal not in self.cache:
            entry = self.index.get(internal)
            self.cache[internal] = parse_class(self.zip.read(entry)) if entry else None
        return self.cache[internal]


class FrameworkJar:
    """One android-all jar: classes parsed on first use; member lookup the way the linker does it
    (the class, its superclasses, its interfaces). ``resolve`` answers "android" (found in the
    framework jar), "java8" (found only in the Java SE 8 API) or "missing"."""

    def __init__(self, path: Path, java: JavaSe8) -> None:
        self.zip = zipfile.ZipFile(path)
        self.names = set(self.zip.namelist())
        self.cache: dict[str, ClassInfo | None] = {}
        self.java = java

    def cls(self, internal: str) -> ClassInfo | None:
        if internal not in self.cache:
            entry = internal + ".class"
            self.cache[internal] = parse_class(self.zip.read(entry)) if entry in self.names else None
        return self.cache[internal]

    def _lookup(self, internal: str, own: dict[str, ClassInfo]) -> tuple[ClassInfo | None, str]:
        if internal in own:
            return own[internal], "own"
        info = self.cls(internal)
        if info is not None:
            return info, "android"
        return self.java.cls(internal), "java8"

    def resolve(self, descriptor: str, name: str, member_descriptor: str, kind: str,
                own: dict[str, ClassInfo]) -> str:
        if descriptor.startswith("["):
            return self.resolve("Ljava/lang/Object;", name, member_descriptor, kind, own)
        seen: set[str] = set()
        pending = [descriptor[1:-1]]
        while pending:
            internal = pending.pop(0)
            if internal in seen:
                continue
            seen.add(internal)
            info, where = self._lookup(internal, own)
            if info is None:
                continue
            members = info.methods if kind == "method" else info.fields
            if (name, member_descriptor) in members:
                return where
            pending.extend([*([info.super_name] if info.super_name else []), *info.interfaces])
        return "missing"

    def resolve_class(self, descriptor: str, own: dict[str, ClassInfo]) -> str:
        element = descriptor.lstrip("[")
        if not element.startswith("L"):
            return "android"
        info, where = self._lookup(element[1:-1], own)
        return where if info is not None else "missing"


def own_classes(dex: Path) -> dict[str, ClassInfo]:
    """The helper's classes as ClassInfo (from ``dexdump -f``-less plain output)."""
    text = subprocess.run(["dexdump", str(dex)], capture_output=True, text=True, check=True).stdout
    classes: dict[str, ClassInfo] = {}
    current: ClassInfo | None = None
    section = ""
    pending_name: str | None = None
    for line in text.splitlines():
        m = re.match(r"\s+Class descriptor\s+: '(L[^']+;)'", line)
        if m:
            current = ClassInfo(m.group(1)[1:-1], None, [], set(), set())
            classes[current.name] = current
            continue
        if current is None:
            continue
        m = re.match(r"\s+Superclass\s+: '(L[^']+;)'", line)
        if m:
            current.super_name = m.group(1)[1:-1]
            continue
        stripped = line.strip()
        for title in ("Interfaces", "Static fields", "Instance fields", "Direct methods", "Virtual methods"):
            if stripped.startswith(title):
                section = title
        m = re.match(r"\s+#\d+\s+: '(L[^']+;)'", line)
        if m and section == "Interfaces":
            current.interfaces.append(m.group(1)[1:-1])
        m = re.match(r"\s+name\s+: '([^']+)'", line)
        if m:
            pending_name = m.group(1)
        m = re.match(r"\s+type\s+: '([^']+)'", line)
        if m and pending_name is not None:
            (current.fields if "fields" in section else current.methods).add((pending_name, m.group(1)))
            pending_name = None
    return classes
