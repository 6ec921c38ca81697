"""The Android helper's Java side, checked on the host JVM (no Android SDK needed).

(a) ``build.py --check`` compiles core + Android adapters against the real API-35 framework classes
    (Robolectric's android-all jar, fetched into android-helper/build/m2), -Werror;
(b) the core's own unit tests (android-helper/test, a tiny harness, no framework);
(c) every contract vector in tests/contract/*.json through the Java core.
Skips only when javac is missing.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HELPER = REPO / "android-helper"
CONTRACT_DIR = REPO / "tests" / "contract"
VECTORS = sorted(CONTRACT_DIR.glob("*.json"))
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$", re.MULTILINE)

pytestmark = pytest.mark.skipif(
    shutil.which("javac") is None or shutil.which("java") is None,
    reason="javac/java (JDK 17) not on PATH: the helper's Java cannot be compiled here",
)


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=110, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def test_classes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Core + test harness compiled once for this module (core only: no android.* needed)."""
    out = tmp_path_factory.mktemp("helper-classes")
    sources = sorted(str(p) for p in (HELPER / "src" / "dev" / "jobctl" / "helper" / "core").rglob("*.java"))
    sources += sorted(str(p) for p in (HELPER / "test").rglob("*.java"))
    proc = run(["javac", "--release", "8", "-Xlint:all", "-Werror", "-encoding", "UTF-8", "-d", str(out), *sources])
    assert proc.returncode == 0, proc.stderr
    return out


def test_build_check_compiles_everything_against_the_real_framework() -> None:
    if shutil.which("mvn") is None:
        pytest.skip("mvn is not installed (Debian package maven): android-all cannot be fetched")
    proc = subprocess.run([sys.executable, str(HELPER / "build.py"), "--check"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("check ok: ")
    assert "android-all-15-" in proc.stdout


def test_build_without_sdk_names_each_missing_tool_and_exits_2() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("ANDROID_HOME", "ANDROID_SDK_ROOT")}
    proc = run([sys.executable, str(HELPER / "build.py"), "--toolchain", "sdk"], env=env)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    for tool in ("d8", "aapt2", "zipalign", "apksigner", "android.jar"):
        assert any(line.startswith(f"missing: {tool} ") for line in lines), proc.stderr
    assert all(line.startswith("missing: ") for line in lines)


def test_build_module_is_importable_with_main() -> None:
    spec = importlib.util.spec_from_file_location("jobctl_helper_build", HELPER / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    assert callable(module.main)
    assert module.APK_PATH == HELPER / "build" / "apk" / "jobctl-helper.apk"
    assert module.manifest_problems() == []


def test_core_unit_tests_pass(test_classes: Path) -> None:
    proc = run(["java", "-cp", str(test_classes), "dev.jobctl.helper.testing.CoreTests"])
    match = SUMMARY.search(proc.stdout)
    assert match is not None, proc.stdout + proc.stderr
    assert proc.returncode == 0 and match.group(2) == "0", proc.stderr
    assert int(match.group(1)) >= 30


def test_contract_vectors_are_present() -> None:
    assert (CONTRACT_DIR / "README.md").is_file()
    assert len(VECTORS) >= 15


@pytest.mark.parametrize("vector", VECTORS, ids=[v.stem for v in VECTORS])
def test_contract_vector(test_classes: Path, vector: Path) -> None:
    proc = run(["java", "-cp", str(test_classes), "dev.jobctl.helper.testing.ContractRunner", str(vector)])
    assert proc.returncode == 0, proc.stderr
    assert "1 passed, 0 failed" in proc.stderr
