"""The shipped helper APK, verified every way short of a phone.

* its manifest JSON matches its bytes and the sources (a stale APK fails here without any tool);
* ``build.py`` rebuilds it byte for byte from source (reference toolchain: Debian aapt2/zipalign/
  apksigner + Maven's android-all 35 and dx);
* ``apksigner verify`` (v2 + v3, no v1), ``zipalign -c -p 4``, ``dexdump`` with its verifier;
* ``aapt2 dump badging`` / ``xmltree``: identity, SDK levels, permissions, components (PROTOCOL.md §8);
* no ``invoke-custom`` / ``invoke-polymorphic`` (lambdas, method references) in the dex.

Each tool test skips (with the package to install) only when its tool is absent; CI installs them
all (.ci/system-packages).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
HELPER = REPO / "android-helper"
SHIPPED_DIR = REPO / "bridge" / "helper_apk"
APK = SHIPPED_DIR / "jobctl-helper.apk"
MANIFEST_JSON = SHIPPED_DIR / "jobctl-helper.json"

PERMISSIONS = [
    "android.permission.RECEIVE_BOOT_COMPLETED",
    "android.permission.ACCESS_NETWORK_STATE",
    "android.permission.INTERNET",
    "android.permission.RUN_USER_INITIATED_JOBS",
    "android.permission.POST_NOTIFICATIONS",
]
COMPONENTS = {  # PROTOCOL.md §8: (element, exported, permission)
    ".HelperJobService": ("service", False, "android.permission.BIND_JOB_SERVICE"),
    ".CommandReceiver": ("receiver", True, "android.permission.DUMP"),
    ".ScheduleActivity": ("activity", True, "android.permission.DUMP"),
}


def load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("jobctl_helper_build_for_tests", HELPER / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # build.py's dataclasses need their module registered
    spec.loader.exec_module(module)
    return module


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package {package}; .ci/system-packages installs it)")
    return path


def run(cmd: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def shipped() -> dict[str, object]:
    document: dict[str, object] = json.loads(MANIFEST_JSON.read_text())
    return document


@pytest.fixture(scope="module")
def dex(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dex") / "classes.dex"
    with zipfile.ZipFile(APK) as zf:
        out.write_bytes(zf.read("classes.dex"))
    return out


# ------------------------------------------------------------------ no tools needed
def test_manifest_json_matches_the_apk_bytes(shipped: dict[str, object]) -> None:
    data = APK.read_bytes()
    assert shipped["sha256"] == hashlib.sha256(data).hexdigest()
    assert shipped["size"] == len(data)
    assert shipped["package"] == "dev.jobctl.helper"


def test_shipped_apk_is_not_stale(shipped: dict[str, object]) -> None:
    build = load_build()
    assert shipped["source_tree_hash"] == build.source_tree_hash(), (
        "android-helper/ changed since the shipped APK was built: run `jobctl helper build --ship`")
    version_code, version_name = build.protocol_versions()
    assert (shipped["version_code"], shipped["version_name"]) == (version_code, version_name)


def test_bridge_expects_the_shipped_version(shipped: dict[str, object]) -> None:
    from bridge.helper import EXPECTED_VERSION_CODE
    from bridge.helper_apk import read_apk_facts

    facts = read_apk_facts(APK)
    assert facts.version_code == shipped["version_code"] == EXPECTED_VERSION_CODE
    assert facts.signing_cert_sha256 == (shipped["signing_cert_sha256"],)


def test_zip_is_deterministic_and_stored() -> None:
    with zipfile.ZipFile(APK) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == ["AndroidManifest.xml", "classes.dex", "resources.arsc"]
    assert {i.date_time for i in infos} == {(1981, 1, 1, 1, 1, 2)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED}


def test_debug_key_is_labelled_public() -> None:
    readme = (HELPER / "signing" / "README.md").read_text()
    assert "DEBUG" in readme and "public" in readme
    assert "NOT FOR RELEASE" in (HELPER / "signing" / "debug.x509.pem").read_text() or "NOT FOR RELEASE" in readme


def test_stubs_are_gone() -> None:
    assert not (HELPER / "stubs").exists()


# ------------------------------------------------------------------ reference toolchain
@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build = load_build()
    missing = build.missing_reference_tools()
    if missing:
        pytest.skip("; ".join(missing))
    out = tmp_path_factory.mktemp("rebuild") / "jobctl-helper.apk"
    proc = run([sys.executable, str(HELPER / "build.py"), "--toolchain", "reference", "-o", str(out)], timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out


def test_rebuild_from_source_is_byte_for_byte_the_shipped_apk(rebuilt: Path) -> None:
    assert hashlib.sha256(rebuilt.read_bytes()).hexdigest() == hashlib.sha256(APK.read_bytes()).hexdigest(), (
        "the committed APK differs from a rebuild: run `jobctl helper build --ship` and commit both files")


def test_apksigner_verifies_v2_and_v3_only() -> None:
    apksigner = tool("apksigner", "apksigner")
    proc = run([apksigner, "verify", "-v", "--print-certs", "--min-sdk-version", "26", str(APK)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "Verified using v1 scheme (JAR signing): false" in out
    assert "Verified using v2 scheme (APK Signature Scheme v2): true" in out
    assert "Verified using v3 scheme (APK Signature Scheme v3): true" in out
    assert "DEBUG KEY - PUBLIC - NOT FOR RELEASE" in out


def test_zipalign_check() -> None:
    zipalign = tool("zipalign", "zipalign")
    proc = run([zipalign, "-c", "-p", "4", str(APK)])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dexdump_verifies_the_dex(dex: Path) -> None:
    dexdump = tool("dexdump", "dexdump")
    proc = run([dexdump, "-c", str(dex)])
    assert proc.returncode == 0 and "Checksum verified" in proc.stdout, proc.stdout + proc.stderr
    proc = run([dexdump, "-d", str(dex)])  # the verifier runs by default (-j would turn it off)
    assert proc.returncode == 0, proc.stderr
    assert "Failure" not in proc.stderr and "Error" not in proc.stderr, proc.stderr
    assert "DEX version '038'" in proc.stdout  # dx --min-sdk-version=26


def test_dex_has_no_invoke_custom_or_polymorphic(dex: Path) -> None:
    dexdump = tool("dexdump", "dexdump")
    out = run([dexdump, "-d", str(dex)]).stdout
    assert re.search(r"invoke-(custom|polymorphic)", out) is None, "a lambda or method reference reached the dex"
    assert "LambdaMetafactory" not in out and "StringConcatFactory" not in out


def test_aapt2_badging(shipped: dict[str, object]) -> None:
    aapt2 = tool("aapt2", "aapt")
    out = run([aapt2, "dump", "badging", str(APK)]).stdout
    assert re.search(r"package: name='dev\.jobctl\.helper' versionCode='(\d+)' versionName='([^']+)'", out)
    assert f"versionCode='{shipped['version_code']}' versionName='{shipped['version_name']}'" in out
    assert "sdkVersion:'26'" in out and "targetSdkVersion:'34'" in out
    assert re.findall(r"uses-permission: name='([^']+)'", out) == PERMISSIONS
    assert "application-debuggable" in out


def test_aapt2_xmltree_components() -> None:
    aapt2 = tool("aapt2", "aapt")
    out = run([aapt2, "dump", "xmltree", "--file", "AndroidManifest.xml", str(APK)]).stdout
    elements = re.split(r"\n\s+E: ", out)
    found: dict[str, tuple[str, bool, str]] = {}
    for element in elements:
        tag = element.split(" ", 1)[0]
        name = re.search(r":name\(0x01010003\)=\"([^\"]+)\"", element)
        if tag not in ("service", "receiver", "activity", "provider") or name is None:
            continue
        exported = re.search(r":exported\(0x01010010\)=(true|false)", element)
        permission = re.search(r":permission\(0x01010006\)=\"([^\"]+)\"", element)
        assert exported is not None, f"{name.group(1)} must state android:exported"
        found[name.group(1)] = (tag, exported.group(1) == "true", permission.group(1) if permission else "")
    assert found == COMPONENTS
    assert "instrumentation" not in out
    assert ":allowBackup(0x01010280)=false" in out


def test_sdk_toolchain_detection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK path can only be tested for its tool detection here (no SDK on these machines)."""
    build = load_build()
    monkeypatch.delenv("ANDROID_SDK_ROOT", raising=False)
    monkeypatch.setenv("ANDROID_HOME", str(tmp_path))
    bt = tmp_path / "build-tools" / "35.0.0"
    bt.mkdir(parents=True)
    for name in ("d8", "aapt2", "zipalign"):
        (bt / name).write_text("")
    sdk, missing = build.find_sdk_toolchain()
    assert sdk is None
    assert any(line.startswith("missing: apksigner (looked in ") for line in missing)
    assert any(line.startswith("missing: android.jar ") for line in missing)
    (bt / "apksigner").write_text("")
    jar = tmp_path / "platforms" / "android-35" / "android.jar"
    jar.parent.mkdir(parents=True)
    jar.write_text("")
    sdk, missing = build.find_sdk_toolchain()
    assert missing == [] and sdk is not None
    assert sdk.kind == "sdk" and sdk.compile_jar == jar and sdk.dexer == (str(bt / "d8"),)
    assert sdk.dex_command(tmp_path, ["A.class"], tmp_path)[1:5] == ["--release", "--min-api", "26", "--lib"]
    assert build.find_toolchain("sdk").kind == "sdk"


def test_missing_reference_tools_name_their_debian_package_and_exit_2(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "JOBCTL_FRAMEWORK_RES": str(tmp_path / "none.apk")}
    proc = subprocess.run([sys.executable, str(HELPER / "build.py"), "--toolchain", "reference", "-o",
                           str(tmp_path / "x.apk")], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert all(line.startswith("missing: ") for line in lines), proc.stderr
    for expected in ("missing: aapt2 (Debian package aapt)", "missing: zipalign (Debian package zipalign)",
                     "missing: apksigner (Debian package apksigner)", "missing: mvn (Debian package maven)",
                     "missing: framework-res.apk (Debian package android-framework-res"):
        assert any(line.startswith(expected) for line in lines), proc.stderr


def test_wheel_contains_the_apk(tmp_path: Path) -> None:
    """``pip wheel .`` ships the APK and its manifest as package data (built from a copy of the tree)."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for package in ("bridge", "cli", "jobctl_sim"):
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    proc = run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(source)],
               timeout=300)
    if proc.returncode != 0 and "No matching distribution" in proc.stderr:
        pytest.skip("pip could not fetch the build backend (hatchling) for the isolated build")
    assert proc.returncode == 0, proc.stderr
    (wheel,) = (tmp_path / "dist").glob("jobctl-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("bridge/helper_apk/jobctl-helper.apk") == APK.read_bytes()
        assert json.loads(zf.read("bridge/helper_apk/jobctl-helper.json"))["sha256"] == hashlib.sha256(
            APK.read_bytes()).hexdigest()
