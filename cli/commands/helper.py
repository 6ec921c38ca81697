"""``jobctl helper …``: the helper APK."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from bridge.errors import JobctlError

SOURCE_DIR = Path(__file__).resolve().parents[2] / "android-helper"


def _build_script():  # type: ignore[no-untyped-def]
    script = SOURCE_DIR / "build.py"
    if not script.exists():
        raise JobctlError(f"the helper's source is not here ({SOURCE_DIR}); build from a jobctl checkout")
    spec = importlib.util.spec_from_file_location("jobctl_helper_build", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@click.group()
def helper() -> None:
    """Build the helper APK."""


@helper.command()
@click.option("--check", is_flag=True, help="Only compile every source against the android.* stubs (no SDK needed).")
def build(check: bool) -> None:
    """Build android-helper/build/jobctl-helper.apk with the Android SDK ($ANDROID_HOME)."""
    status = _build_script().main(["--check"] if check else [])
    if status:
        raise SystemExit(status)
