"""``jobctl helper …``: the helper APK."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from bridge.errors import JobctlError
from cli.context import GlobalOptions, emit_json

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
    """Build, install and inspect the helper APK."""


@helper.command()
@click.option("--check", is_flag=True, help="Only compile every source against the android.* stubs (no SDK needed).")
def build(check: bool) -> None:
    """Build android-helper/build/jobctl-helper.apk with the Android SDK ($ANDROID_HOME)."""
    status = _build_script().main(["--check"] if check else [])
    if status:
        raise SystemExit(status)


@helper.command()
@click.pass_obj
def status(options: GlobalOptions) -> None:
    """Installed or not, its version and protocol, and whether it is the one jobctl ships."""
    from bridge.helper import EXPECTED_VERSION_CODE, Helper

    found = Helper(options.device()).status()
    info = found.info
    document = {
        "installed": found.installed,
        "up_to_date": found.up_to_date,
        "expected_version_code": EXPECTED_VERSION_CODE,
        "version_code": info.version_code if info else None,
        "helper_version": info.helper_version if info else None,
        "protocol_version": info.protocol_version if info else None,
        "api_level": info.api_level if info else None,
        "journal_next_seq": info.journal_next_seq if info else None,
    }
    if options.json:
        emit_json(document)
    elif not found.installed:
        click.echo("the helper is not installed: jobctl helper install")
    else:
        state = "up to date" if found.up_to_date else f"expected versionCode {EXPECTED_VERSION_CODE}: jobctl helper install"
        click.echo(f"{info.package if info else ''} {document['helper_version']} (versionCode {document['version_code']}, "
                   f"protocol {document['protocol_version']}): {state}")


@helper.command()
@click.option("--apk", type=click.Path(dir_okay=False, exists=True), help="The APK (default: the built one).")
@click.pass_obj
def install(options: GlobalOptions, apk: str | None) -> None:
    """Install the helper (replacing another version) and grant what it needs."""
    from bridge.helper import Helper
    from cli.context import console

    with console(stderr=True).status("installing the helper…"):
        info = Helper(options.device()).ensure_ready(apk)
    if options.json:
        emit_json({"installed": True, "version_code": info.version_code, "protocol_version": info.protocol_version})
    else:
        click.echo(f"helper {info.helper_version} ready (versionCode {info.version_code}, protocol {info.protocol_version})")


@helper.command()
@click.pass_obj
def uninstall(options: GlobalOptions) -> None:
    """Remove the helper app (its jobs and journal go with it)."""
    from bridge.helper import Helper

    removed = Helper(options.device()).uninstall()
    if options.json:
        emit_json({"uninstalled": removed})
    else:
        click.echo("uninstalled" if removed else "the helper was not installed")
