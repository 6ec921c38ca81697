"""The helper's Android adapters under Robolectric on the real framework (issue 12).

Runs ``mvn -o test`` in android-helper/robolectric (JobInfoFactoryTest, CommandReceiverTest,
HelperJobServiceTest) on the CI levels of its pom (API 26, 30, 34, 35; the regenerate command
android-helper/robolectric/generate_vectors.py runs all eight) and fails on any test failure.
Offline: ``.ci/java-deps`` fetches the Maven dependencies and framework jars first. Without them
the test is skipped, except under CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POM_DIR = ROOT / "android-helper" / "robolectric"
REPO = ROOT / "android-helper" / "build" / "m2"
JARS = ROOT / "android-helper" / "build" / "robolectric-jars"
SUMMARY = re.compile(r"Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)\s*$", re.MULTILINE)


def _missing() -> str | None:
    if shutil.which("mvn") is None or shutil.which("java") is None:
        return "mvn/java not installed (apt-get install maven openjdk-17-jdk-headless)"
    if not JARS.is_dir() or not any(JARS.glob("android-all-instrumented-*.jar")):
        return "framework jars not fetched (run .ci/java-deps)"
    return None


@pytest.mark.timeout(900)
def test_robolectric_adapter_tests_pass() -> None:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    proc = subprocess.run(
        ["mvn", "-o", "-B", f"-Dmaven.repo.local={REPO}", "test"],
        cwd=POM_DIR, capture_output=True, text=True, timeout=850,
    )
    output = proc.stdout + proc.stderr
    totals = SUMMARY.findall(output)
    assert totals, f"no surefire summary (exit {proc.returncode}):\n{output[-4000:]}"
    run, failures, errors, _skipped = (int(n) for n in totals[-1])
    failed = [line for line in output.splitlines() if "<<< FAIL" in line or line.startswith("[ERROR]   ")]
    assert proc.returncode == 0 and failures == 0 and errors == 0, "\n".join(failed[:40]) or output[-4000:]
    assert run >= 80, f"only {run} Robolectric tests ran"
