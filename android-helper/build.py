#!/usr/bin/env python3
"""Build the jobctl helper APK without an Android SDK, byte for byte reproducibly.

Usage (from anywhere; ``jobctl helper build`` calls ``main``):
    build.py [-o PATH]        build the APK (default android-helper/build/apk/jobctl-helper.apk)
    build.py --ship           build it and write it, with its manifest JSON, into the Python package
                              (bridge/helper_apk/), where pip install and `jobctl helper install` find it
    build.py --check          compile core + Android adapters against the real API-35 framework (-Werror)
    build.py --fetch [--api-levels]
                              fetch the Maven jars into android-helper/build/m2 (android-all of every API
                              level 26..35 too with --api-levels, for the NewApi check)
    build.py --tree-hash      print the hash of the sources the APK is built from

The reference toolchain (Debian packages + Maven Central jars; no SDK):
    javac --release 8 -cp android-all-35.jar       real framework classes (Robolectric's android-all)
    dx --dex --min-sdk-version=26                  com.jakewharton.android.repackaged:dalvik-dx 16.0.1
    aapt2 compile + link -I framework-res.apk      Debian aapt + android-framework-res (API 29)
    zip (every entry STORED, fixed order and time) Python zipfile
    zipalign -p -f 4, zipalign -c -p 4             Debian zipalign
    apksigner sign (v2 + v3, no v1) + verify       Debian apksigner, committed DEBUG key in signing/
With ``--toolchain sdk`` (or when only an SDK is present), $ANDROID_HOME's d8, aapt2, zipalign,
apksigner and platforms/android-35/android.jar are used instead; that APK is valid but is not the
committed one (d8 writes another dex than dx).

Exit codes: 0 built/ok; 1 a build step or check failed (the tool's output follows); 2 a tool or jar
is missing (one ``missing: …`` line each, naming the Debian or Maven package); 3 --ship refused (not
the reference toolchain). Stdlib only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HELPER_DIR = Path(__file__).resolve().parent
REPO_DIR = HELPER_DIR.parent
SRC_DIR = HELPER_DIR / "src"
RES_DIR = HELPER_DIR / "res"
MANIFEST = HELPER_DIR / "AndroidManifest.xml"
SIGNING_DIR = HELPER_DIR / "signing"
DEBUG_KEY = SIGNING_DIR / "debug.pk8"
DEBUG_CERT = SIGNING_DIR / "debug.x509.pem"
POM = HELPER_DIR / "build-deps" / "pom.xml"
PROTOCOL_JAVA = SRC_DIR / "dev" / "jobctl" / "helper" / "core" / "Protocol.java"
BUILD_DIR = HELPER_DIR / "build"
M2_DIR = BUILD_DIR / "m2"
APK_PATH = BUILD_DIR / "apk" / "jobctl-helper.apk"
SHIPPED_DIR = REPO_DIR / "bridge" / "helper_apk"
SHIPPED_APK = SHIPPED_DIR / "jobctl-helper.apk"
SHIPPED_MANIFEST = SHIPPED_DIR / "jobctl-helper.json"
FRAMEWORK_RES = Path(os.environ.get("JOBCTL_FRAMEWORK_RES", "/usr/share/android-framework-res/framework-res.apk"))

PACKAGE = "dev.jobctl.helper"
COMPILE_SDK = 35
MIN_SDK = 26
API_LEVELS = tuple(range(MIN_SDK, COMPILE_SDK + 1))
ZIP_TIME = (1981, 1, 1, 1, 1, 2)
"""Every zip entry's timestamp (any fixed value; 1981 is clear of the 1980 DOS epoch edge)."""
ENTRY_ORDER = ("AndroidManifest.xml", "classes.dex", "resources.arsc")
SDK_BUILD_TOOLS = ("d8", "aapt2", "zipalign", "apksigner")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_MISSING_TOOLS = 2
EXIT_SHIP_REFUSED = 3

TREE_INPUTS = ("AndroidManifest.xml", "res", "src", "signing/debug.pk8", "signing/debug.x509.pem",
               "build-deps/pom.xml")
"""What the APK is built from (relative to android-helper/). build.py itself is not hashed: a change
to the recipe shows up in the byte-for-byte rebuild test instead."""

DEBIAN_TOOLS = {
    "javac": "openjdk-17-jdk-headless",
    "java": "openjdk-17-jdk-headless",
    "mvn": "maven",
    "aapt2": "aapt",
    "zipalign": "zipalign",
    "apksigner": "apksigner",
}
"""Each reference tool and the Debian package that provides it."""


class BuildError(Exception):
    """A build step failed; the message says which and carries its output."""


class MissingTools(Exception):
    """Tools or jars are absent; ``lines`` has one ``missing: …`` line each."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


@dataclass(frozen=True)
class MavenJar:
    group: str
    artifact: str
    version: str

    @property
    def coordinates(self) -> str:
        return f"{self.group}:{self.artifact}:{self.version}"

    def path(self, m2: Path = M2_DIR) -> Path:
        return m2.joinpath(*self.group.split("."), self.artifact, self.version,
                           f"{self.artifact}-{self.version}.jar")


@dataclass(frozen=True)
class Toolchain:
    """The programs and jars one build uses; ``kind`` is "reference" (no SDK) or "sdk"."""

    kind: str
    javac: str
    aapt2: str
    zipalign: str
    apksigner: str
    compile_jar: Path
    link_include: Path
    dexer: tuple[str, ...]

    def dex_command(self, classes: Path, class_files: Sequence[str], out_dir: Path) -> list[str]:
        if self.kind == "sdk":
            return [*self.dexer, "--release", "--min-api", str(MIN_SDK), "--lib", str(self.compile_jar),
                    "--output", str(out_dir), *class_files]
        return [*self.dexer, "--dex", f"--min-sdk-version={MIN_SDK}", f"--output={out_dir / 'classes.dex'}",
                str(classes)]


# --------------------------------------------------------------------------- small utilities
def java_sources(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.java"))


def run(cmd: Sequence[str], cwd: Path | None = None) -> str:
    """Run one tool; raise BuildError with its output on failure."""
    proc = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"{Path(cmd[0]).name} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_tree_hash(helper_dir: Path = HELPER_DIR) -> str:
    """sha256 over ``path NUL sha256(content) LF`` of every input file, sorted by path."""
    files: list[Path] = []
    for name in TREE_INPUTS:
        path = helper_dir / name
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(helper_dir).as_posix()):
        digest.update(f"{path.relative_to(helper_dir).as_posix()}\0{sha256_file(path)}\n".encode())
    return digest.hexdigest()


def protocol_versions() -> tuple[int, str]:
    """(versionCode, versionName) from core/Protocol.java (PROTOCOL.md §1)."""
    java = PROTOCOL_JAVA.read_text()
    protocol = re.search(r"PROTOCOL_VERSION = (\d+);", java)
    build = re.search(r"BUILD = (\d+);", java)
    if protocol is None or build is None:
        raise BuildError(f"{PROTOCOL_JAVA}: PROTOCOL_VERSION / BUILD not found")
    return int(protocol.group(1)) * 1000 + int(build.group(1)), f"{protocol.group(1)}.{build.group(1)}"


def manifest_problems() -> list[str]:
    """The manifest must agree with Protocol.java (PROTOCOL.md §1)."""
    version_code, version_name = protocol_versions()
    manifest = MANIFEST.read_text()
    expected = {
        "package": PACKAGE,
        "android:versionCode": str(version_code),
        "android:versionName": version_name,
        "android:minSdkVersion": str(MIN_SDK),
    }
    problems = []
    for attribute, value in expected.items():
        found = re.search(rf'{attribute}="([^"]*)"', manifest)
        if found is None or found.group(1) != value:
            problems.append(f"AndroidManifest.xml: {attribute} must be {value!r}")
    if "<instrumentation" in manifest:
        problems.append("AndroidManifest.xml: no <instrumentation> (PROTOCOL.md §2.1)")
    return problems


# --------------------------------------------------------------------------- Maven jars
def pom_jars(profile: str, pom: Path = POM) -> list[MavenJar]:
    """The dependencies the pom's profile declares (the pom is the one list of versions)."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    root = ET.parse(pom).getroot()
    for element in root.findall("m:profiles/m:profile", ns):
        if element.findtext("m:id", namespaces=ns) == profile:
            return [MavenJar(d.findtext("m:groupId", "", ns), d.findtext("m:artifactId", "", ns),
                             d.findtext("m:version", "", ns))
                    for d in element.findall("m:dependencies/m:dependency", ns)]
    raise BuildError(f"{pom}: no profile {profile!r}")


def api_level_profile(level: int) -> str:
    return "apk" if level == COMPILE_SDK else f"api-{level}"


def android_all_jar(level: int) -> MavenJar:
    return next(j for j in pom_jars(f"api-{level}") if j.artifact == "android-all")


def fetch(profiles: Sequence[str], m2: Path = M2_DIR) -> None:
    """Resolve each profile's jars into ``m2`` with Maven (online only for what is missing)."""
    if shutil.which("mvn") is None:
        raise MissingTools([f"missing: mvn (Debian package {DEBIAN_TOOLS['mvn']})"])
    for profile in profiles:
        if all(jar.path(m2).is_file() for jar in pom_jars(profile)):
            continue
        try:
            run(["mvn", "-B", "-q", "-f", str(POM), f"-Dmaven.repo.local={m2}", "-P", profile,
                 "dependency:go-offline"])
        except BuildError as error:
            names = ", ".join(j.coordinates for j in pom_jars(profile))
            last = str(error).strip().splitlines()[-1] if str(error).strip() else ""
            raise MissingTools([f"missing: {names} (Maven Central; mvn could not fetch it: {last})"]) from None


def require_jars(profile: str, m2: Path = M2_DIR) -> list[MavenJar]:
    jars = pom_jars(profile)
    if not all(jar.path(m2).is_file() for jar in jars):
        fetch([profile], m2)
    return jars


# --------------------------------------------------------------------------- toolchains
def sdk_root() -> Path | None:
    for var in ("ANDROID_HOME", "ANDROID_SDK_ROOT"):
        value = os.environ.get(var)
        if value:
            return Path(value)
    return None


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in re.split(r"[.-]", path.name))


def find_sdk_toolchain() -> tuple[Toolchain | None, list[str]]:
    """$ANDROID_HOME's newest complete build-tools and platforms/android-35/android.jar."""
    missing = [f"missing: {t} (JDK 17+ on PATH)" for t in ("javac",) if shutil.which(t) is None]
    root = sdk_root()
    jar_rel = f"platforms/android-{COMPILE_SDK}/android.jar"
    if root is None:
        why = "ANDROID_HOME / ANDROID_SDK_ROOT not set"
        missing.extend(f"missing: {tool} (SDK build-tools/<version>/{tool}; {why})" for tool in SDK_BUILD_TOOLS)
        missing.append(f"missing: android.jar (SDK {jar_rel}; {why})")
        return None, missing
    candidates = sorted((root / "build-tools").glob("*"), key=_version_key, reverse=True)
    complete = [d for d in candidates if all((d / tool).exists() for tool in SDK_BUILD_TOOLS)]
    build_tools = complete[0] if complete else (candidates[0] if candidates else root / "build-tools" / "<version>")
    missing.extend(f"missing: {tool} (looked in {build_tools})" for tool in SDK_BUILD_TOOLS
                   if not (build_tools / tool).exists())
    android_jar = root / jar_rel
    if not android_jar.is_file():
        missing.append(f"missing: android.jar (looked for {android_jar}; install platforms;android-{COMPILE_SDK})")
    if missing:
        return None, missing
    return Toolchain("sdk", "javac", str(build_tools / "aapt2"), str(build_tools / "zipalign"),
                     str(build_tools / "apksigner"), android_jar, android_jar, (str(build_tools / "d8"),)), []


def missing_reference_tools() -> list[str]:
    missing = [f"missing: {tool} (Debian package {package})" for tool, package in DEBIAN_TOOLS.items()
               if shutil.which(tool) is None]
    if not FRAMEWORK_RES.is_file():
        missing.append(f"missing: framework-res.apk (Debian package android-framework-res; looked for {FRAMEWORK_RES})")
    return missing


def find_reference_toolchain(m2: Path = M2_DIR) -> tuple[Toolchain | None, list[str]]:
    """Debian's aapt2/zipalign/apksigner + Maven's android-all 35 and dx (fetched when absent)."""
    missing = missing_reference_tools()
    if missing:
        return None, missing
    try:
        jars = {jar.artifact: jar.path(m2) for jar in require_jars("apk", m2)}
    except MissingTools as error:
        return None, error.lines
    return Toolchain("reference", "javac", "aapt2", "zipalign", "apksigner", jars["android-all"], FRAMEWORK_RES,
                     ("java", "-cp", str(jars["dalvik-dx"]), "com.android.dx.command.Main")), []


def find_toolchain(choice: str, m2: Path = M2_DIR) -> Toolchain:
    """``reference``, ``sdk``, or ``auto`` (reference when its Debian tools are here, else a complete SDK)."""
    if choice == "sdk":
        sdk, missing = find_sdk_toolchain()
        if sdk is None:
            raise MissingTools(missing)
        return sdk
    if choice == "auto" and missing_reference_tools():
        sdk, _ = find_sdk_toolchain()
        if sdk is not None:
            return sdk
    reference, missing = find_reference_toolchain(m2)
    if reference is None:
        raise MissingTools(missing)
    return reference


# --------------------------------------------------------------------------- steps
def compile_classes(toolchain: Toolchain, out: Path, lint: bool) -> list[str]:
    """javac --release 8 against the framework jar; -Werror with every lint but ``classfile``
    (which only reports the framework jar's own annotations)."""
    sources = java_sources(SRC_DIR)
    flags = ["-Xlint:all,-classfile", "-Werror"] if lint else []
    run([toolchain.javac, "--release", "8", *flags, "-encoding", "UTF-8", "-cp", str(toolchain.compile_jar),
         "-d", str(out), *sources])
    return sources


def deterministic_apk(parts: dict[str, bytes], out: Path) -> None:
    """Write the entries in ENTRY_ORDER, all STORED (no zlib: identical bytes everywhere), fixed time."""
    with zipfile.ZipFile(out, "w") as zf:
        for name in ENTRY_ORDER:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, parts[name])


def build_apk(toolchain: Toolchain, output: Path) -> Path:
    """The whole pipeline into a fresh scratch directory; the signed APK is written to ``output``."""
    problems = manifest_problems()
    if problems:
        raise BuildError("\n".join(problems))
    with tempfile.TemporaryDirectory(prefix="jobctl-helper-build-") as tmp:
        work = Path(tmp)
        classes, dex_dir = work / "classes", work / "dex"
        classes.mkdir()
        dex_dir.mkdir()
        res_zip, linked, unaligned, aligned = (work / n for n in ("res.zip", "linked.apk", "unaligned.apk",
                                                                   "aligned.apk"))
        run([toolchain.aapt2, "compile", "--dir", str(RES_DIR), "-o", str(res_zip)])
        run([toolchain.aapt2, "link", "-o", str(linked), "-I", str(toolchain.link_include),
             "--manifest", str(MANIFEST), str(res_zip)])
        compile_classes(toolchain, classes, lint=False)
        class_files = sorted(str(p) for p in classes.rglob("*.class"))
        run(toolchain.dex_command(classes, class_files, dex_dir))
        with zipfile.ZipFile(linked) as zf:
            parts = {name: zf.read(name) for name in ("AndroidManifest.xml", "resources.arsc")}
            extra = sorted(set(zf.namelist()) - set(parts))
        if extra:
            raise BuildError(f"aapt2 link wrote unexpected entries: {extra}")
        parts["classes.dex"] = (dex_dir / "classes.dex").read_bytes()
        deterministic_apk(parts, unaligned)
        run([toolchain.zipalign, "-p", "-f", "4", str(unaligned), str(aligned)])
        run([toolchain.zipalign, "-c", "-p", "4", str(aligned)])
        signed = work / "signed.apk"
        run([toolchain.apksigner, "sign", "--key", str(DEBUG_KEY), "--cert", str(DEBUG_CERT),
             "--v1-signing-enabled", "false", "--v2-signing-enabled", "true", "--v3-signing-enabled", "true",
             "--v4-signing-enabled", "false", "--out", str(signed), str(aligned)])
        run([toolchain.apksigner, "verify", "--min-sdk-version", str(MIN_SDK), str(signed)])
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(signed, output)
    return output


def tool_versions(toolchain: Toolchain) -> dict[str, str]:
    """What built it, for the manifest JSON (bytes depend on javac's and the tools' versions)."""
    def first_line(cmd: list[str]) -> str:
        proc = subprocess.run(cmd, capture_output=True, text=True)
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        return lines[0].strip() if lines else "?"
    versions = {"javac": first_line([toolchain.javac, "-version"]),
                "aapt2": first_line([toolchain.aapt2, "version"]),
                "apksigner": first_line([toolchain.apksigner, "--version"]),
                "dexer": first_line([*toolchain.dexer, "--version"])}
    if toolchain.kind == "reference":
        versions.update({jar.artifact: jar.coordinates for jar in pom_jars("apk")})
        versions["framework-res"] = f"{FRAMEWORK_RES} (API 29)"
    return versions


def ship(toolchain: Toolchain, apk: Path) -> dict[str, object]:
    """Copy the APK into bridge/helper_apk/ and write its manifest JSON."""
    version_code, version_name = protocol_versions()
    document: dict[str, object] = {
        "file": SHIPPED_APK.name,
        "package": PACKAGE,
        "version_code": version_code,
        "version_name": version_name,
        "min_sdk": MIN_SDK,
        "sha256": sha256_file(apk),
        "size": apk.stat().st_size,
        "source_tree_hash": source_tree_hash(),
        "signing_cert_sha256": hashlib.sha256(pem_to_der(DEBUG_CERT.read_text())).hexdigest(),
        "toolchain": tool_versions(toolchain),
    }
    SHIPPED_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(apk, SHIPPED_APK)
    SHIPPED_MANIFEST.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    return document


def pem_to_der(pem: str) -> bytes:
    import base64

    body = "".join(line for line in pem.splitlines() if line and not line.startswith("-----"))
    return base64.b64decode(body)


def check(m2: Path = M2_DIR) -> int:
    """Compile core + adapters against the real API-35 framework classes, every warning an error."""
    problems = manifest_problems()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_FAILED
    missing = [f"missing: {t} (Debian package {DEBIAN_TOOLS[t]})" for t in ("javac", "mvn") if shutil.which(t) is None]
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return EXIT_MISSING_TOOLS
    try:
        jar = next(j for j in require_jars("apk", m2) if j.artifact == "android-all").path(m2)
    except MissingTools as error:
        print("\n".join(error.lines), file=sys.stderr)
        return EXIT_MISSING_TOOLS
    toolchain = Toolchain("reference", "javac", "", "", "", jar, FRAMEWORK_RES, ())
    with tempfile.TemporaryDirectory(prefix="jobctl-helper-check-") as tmp:
        try:
            sources = compile_classes(toolchain, Path(tmp), lint=True)
        except BuildError as error:
            print(error, file=sys.stderr)
            return EXIT_FAILED
    print(f"check ok: {len(sources)} sources compiled against {jar.name} (javac --release 8 -Werror)")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=APK_PATH, help=f"where to write the APK ({APK_PATH})")
    parser.add_argument("--ship", action="store_true",
                        help="also write the APK and its manifest JSON into bridge/helper_apk/ (reference toolchain)")
    parser.add_argument("--toolchain", choices=("auto", "reference", "sdk"), default="auto",
                        help="reference: Debian tools + Maven jars (the committed APK); sdk: $ANDROID_HOME")
    parser.add_argument("--check", action="store_true", help="only compile every source against android-all 35")
    parser.add_argument("--fetch", action="store_true", help="only fetch the Maven jars into build/m2")
    parser.add_argument("--api-levels", action="store_true", help="with --fetch: android-all of API 26..35 too")
    parser.add_argument("--tree-hash", action="store_true", help="only print the source tree hash")
    parser.add_argument("--m2", type=Path, default=M2_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.tree_hash:
        print(source_tree_hash())
        return EXIT_OK
    if args.check:
        return check(args.m2)
    try:
        if args.fetch:
            fetch(["apk", *(f"api-{n}" for n in API_LEVELS if n != COMPILE_SDK)] if args.api_levels else ["apk"],
                  args.m2)
            print(f"fetched into {args.m2}")
            return EXIT_OK
        toolchain = find_toolchain(args.toolchain, args.m2)
        if args.ship and toolchain.kind != "reference":
            print("refused: --ship needs the reference toolchain (Debian tools + Maven jars), "
                  f"not {toolchain.kind}", file=sys.stderr)
            return EXIT_SHIP_REFUSED
        apk = build_apk(toolchain, args.output.resolve())
        if args.ship:
            document = ship(toolchain, apk)
            print(f"shipped {SHIPPED_APK} ({document['size']} bytes, sha256 {document['sha256']})")
    except MissingTools as error:
        print("\n".join(error.lines), file=sys.stderr)
        return EXIT_MISSING_TOOLS
    except BuildError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILED
    print(f"built {apk} ({toolchain.kind} toolchain)")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
