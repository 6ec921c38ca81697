#!/usr/bin/env python3
"""Build the jobctl helper APK without Gradle, or compile-check it against stubs.

Usage:
    build.py            build android-helper/build/jobctl-helper.apk (needs the Android SDK)
    build.py --check    compile core + Android adapters against stubs/ (JDK only)

The SDK pipeline is the one in ../shared/reference/android-helper.md §5:
aapt2 compile/link -> javac -> d8 -> add classes.dex -> zipalign -> apksigner sign/verify.
Stdlib only; ``main(argv) -> int`` is what ``jobctl helper build`` calls.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple

HELPER_DIR = Path(__file__).resolve().parent
SRC_DIR = HELPER_DIR / "src"
STUBS_DIR = HELPER_DIR / "stubs"
RES_DIR = HELPER_DIR / "res"
MANIFEST = HELPER_DIR / "AndroidManifest.xml"
PROTOCOL_JAVA = SRC_DIR / "dev" / "jobctl" / "helper" / "core" / "Protocol.java"
BUILD_DIR = HELPER_DIR / "build"
APK_PATH = BUILD_DIR / "jobctl-helper.apk"

# android.jar level: the helper calls API-35 builder methods (addDebugTag, setTraceTag).
COMPILE_SDK = 35
MIN_SDK = 26
BUILD_TOOLS = ("d8", "aapt2", "zipalign", "apksigner")
KEY_ALIAS = "androiddebugkey"
KEY_PASS = "android"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_MISSING_TOOLS = 2


class BuildError(Exception):
    """A build step failed; the message says which."""


class Sdk(NamedTuple):
    """Where the SDK tools are (a NamedTuple: build.py may be loaded outside sys.modules)."""

    build_tools: Path
    android_jar: Path

    def tool(self, name: str) -> str:
        return str(self.build_tools / name)


def java_sources(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.java"))


def run(cmd: list[str], cwd: Path | None = None) -> str:
    """Run one tool; raise BuildError with its output on failure."""
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"{Path(cmd[0]).name} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def sdk_root() -> Path | None:
    for var in ("ANDROID_HOME", "ANDROID_SDK_ROOT"):
        value = os.environ.get(var)
        if value:
            return Path(value)
    return None


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in re.split(r"[.-]", path.name))


def find_sdk() -> tuple[Sdk | None, list[str]]:
    """Locate build-tools and android.jar; return (sdk, one message per missing tool)."""
    missing: list[str] = []
    for jdk_tool in ("javac", "keytool"):
        if shutil.which(jdk_tool) is None:
            missing.append(f"missing: {jdk_tool} (JDK 17+ on PATH)")
    root = sdk_root()
    jar_rel = f"platforms/android-{COMPILE_SDK}/android.jar"
    if root is None:
        why = "ANDROID_HOME / ANDROID_SDK_ROOT not set"
        missing.extend(f"missing: {tool} (SDK build-tools/<version>/{tool}; {why})" for tool in BUILD_TOOLS)
        missing.append(f"missing: android.jar (SDK {jar_rel}; {why})")
        return None, missing
    candidates = sorted((root / "build-tools").glob("*"), key=_version_key, reverse=True)
    complete = [d for d in candidates if all((d / tool).exists() for tool in BUILD_TOOLS)]
    build_tools = complete[0] if complete else (candidates[0] if candidates else root / "build-tools" / "<version>")
    for tool in BUILD_TOOLS:
        if not (build_tools / tool).exists():
            missing.append(f"missing: {tool} (looked in {build_tools})")
    android_jar = root / jar_rel
    if not android_jar.is_file():
        missing.append(f"missing: android.jar (looked for {android_jar}; install platforms;android-{COMPILE_SDK})")
    return (Sdk(build_tools, android_jar) if not missing else None), missing


def manifest_problems() -> list[str]:
    """The manifest must agree with Protocol.java (PROTOCOL.md §1)."""
    java = PROTOCOL_JAVA.read_text()
    manifest = MANIFEST.read_text()
    protocol = int(re.search(r"PROTOCOL_VERSION = (\d+);", java).group(1))
    build = int(re.search(r"BUILD = (\d+);", java).group(1))
    expected = {
        "package": "dev.jobctl.helper",
        "android:versionCode": str(protocol * 1000 + build),
        "android:versionName": f"{protocol}.{build}",
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


def check() -> int:
    """Compile stubs, then core + adapters against them, every warning an error."""
    problems = manifest_problems()
    if shutil.which("javac") is None:
        problems.append("missing: javac (JDK 17+ on PATH)")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_FAILED
    with tempfile.TemporaryDirectory(prefix="jobctl-helper-check-") as tmp:
        stub_classes = Path(tmp) / "stubs"
        classes = Path(tmp) / "classes"
        lint = ["javac", "--release", "8", "-Xlint:all", "-Werror", "-encoding", "UTF-8"]
        stubs = java_sources(STUBS_DIR)
        sources = java_sources(SRC_DIR)
        try:
            run(lint + ["-d", str(stub_classes)] + stubs)
            run(lint + ["-cp", str(stub_classes), "-d", str(classes)] + sources)
        except BuildError as e:
            print(e, file=sys.stderr)
            return EXIT_FAILED
    print(f"check ok: {len(sources)} sources compiled against {len(stubs)} stubs (javac --release 8 -Werror)")
    return EXIT_OK


def debug_keystore() -> Path:
    """The debug key, generated once in the user's cache dir."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jobctl"
    keystore = cache / "debug.keystore"
    if not keystore.exists():
        cache.mkdir(parents=True, exist_ok=True)
        run(["keytool", "-genkeypair", "-keystore", str(keystore), "-storepass", KEY_PASS, "-alias", KEY_ALIAS,
             "-keypass", KEY_PASS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "10000",
             "-dname", "CN=Android Debug,O=Android,C=US"])
    return keystore


def add_dex(apk: Path, dex: Path) -> None:
    """Append classes.dex; existing entries (resources.arsc stays STORED) are not rewritten."""
    with zipfile.ZipFile(apk, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(dex, "classes.dex")


def build(sdk: Sdk) -> None:
    problems = manifest_problems()
    if problems:
        raise BuildError("\n".join(problems))
    if BUILD_DIR.exists():
        shutil.rmtree(BUILD_DIR)
    classes = BUILD_DIR / "classes"
    dex_dir = BUILD_DIR / "dex"
    for directory in (classes, dex_dir):
        directory.mkdir(parents=True)
    res_zip = BUILD_DIR / "res.zip"
    unsigned = BUILD_DIR / "unsigned.apk"
    unaligned = BUILD_DIR / "app-unaligned.apk"
    aligned = BUILD_DIR / "app-aligned.apk"
    jar = str(sdk.android_jar)

    run([sdk.tool("aapt2"), "compile", "--dir", str(RES_DIR), "-o", str(res_zip)])
    run([sdk.tool("aapt2"), "link", "-o", str(unsigned), "-I", jar, "--manifest", str(MANIFEST), str(res_zip)])
    run(["javac", "--release", "8", "-encoding", "UTF-8", "-classpath", jar, "-d", str(classes)]
        + java_sources(SRC_DIR))
    class_files = sorted(str(p) for p in classes.rglob("*.class"))
    run([sdk.tool("d8"), "--release", "--min-api", str(MIN_SDK), "--lib", jar, "--output", str(dex_dir)]
        + class_files)
    shutil.copyfile(unsigned, unaligned)
    add_dex(unaligned, dex_dir / "classes.dex")
    run([sdk.tool("zipalign"), "-p", "-f", "4", str(unaligned), str(aligned)])
    run([sdk.tool("zipalign"), "-c", "-p", "4", str(aligned)])
    run([sdk.tool("apksigner"), "sign", "--ks", str(debug_keystore()), "--ks-pass", f"pass:{KEY_PASS}",
         "--ks-key-alias", KEY_ALIAS, "--key-pass", f"pass:{KEY_PASS}", "--out", str(APK_PATH), str(aligned)])
    run([sdk.tool("apksigner"), "verify", "-v", "--print-certs", str(APK_PATH)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compile every source against stubs/ with javac -Werror (no SDK needed)")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    sdk, missing = find_sdk()
    if sdk is None:
        print("\n".join(missing), file=sys.stderr)
        return EXIT_MISSING_TOOLS
    try:
        build(sdk)
    except BuildError as e:
        print(e, file=sys.stderr)
        return EXIT_FAILED
    print(f"built {APK_PATH}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
