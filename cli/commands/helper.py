"""``jobctl helper …``: the helper APK."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import click

from bridge.errors import JobctlError
from cli.context import GlobalOptions
from cli.render import Line, show, status

SOURCE_DIR = Path(__file__).resolve().parents[2] / "android-helper"


def _build_script() -> ModuleType:
    script = SOURCE_DIR / "build.py"
    if not script.exists():
        raise JobctlError(f"the helper's source is not here ({SOURCE_DIR}); build from a jobctl checkout "
                          "(the APK shipped inside jobctl needs no build: jobctl helper install)")
    spec = importlib.util.spec_from_file_location("jobctl_helper_build", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # build.py's dataclasses need their module registered
    spec.loader.exec_module(module)
    return module


@click.group()
def helper() -> None:
    """Build, install and inspect the helper APK.

    \b
    Examples:
      jobctl helper status
      jobctl helper install
    """


@helper.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write the APK "
              "(default android-helper/build/apk/jobctl-helper.apk).")
@click.option("--ship", is_flag=True,
              help="Also write it and its manifest JSON into bridge/helper_apk/ (package data).")
@click.option("--toolchain", type=click.Choice(["auto", "reference", "sdk"]), default="auto", show_default=True,
              help="reference: Debian aapt/zipalign/apksigner + Maven jars, no SDK; sdk: $ANDROID_HOME.")
@click.option("--check", is_flag=True, help="Only compile every source against the real API-35 framework jar.")
def build(output: str | None, ship: bool, toolchain: str, check: bool) -> None:
    """Build the helper APK without an Android SDK (exit 2: a tool is missing, one line each naming
    its Debian or Maven package; 1: a build step failed; 3: --ship refused).

    \b
    Example:
      jobctl helper build
    """
    if check:
        argv = ["--check"]
    else:
        argv = ["--toolchain", toolchain, *(["-o", output] if output else []), *(["--ship"] if ship else [])]
    status = _build_script().main(argv)
    if status:
        raise SystemExit(status)


@helper.command(name="status")
@click.pass_obj
def show_status(options: GlobalOptions, /) -> None:
    """The helper jobctl ships and the one installed: version, protocol, up to date or not.

    \b
    Examples:
      jobctl helper status
      jobctl helper status --json
    """
    from bridge.helper import EXPECTED_VERSION_CODE, Helper
    from bridge.helper_apk import shipped

    apk = shipped()
    found = Helper(options.device()).status()
    info = found.info
    document = {
        "installed": found.installed,
        "up_to_date": found.up_to_date,
        "expected_version_code": EXPECTED_VERSION_CODE,
        "shipped": {"version_code": apk.version_code, "version_name": apk.version_name, "sha256": apk.sha256,
                    "path": str(apk.path)},
        "version_code": info.version_code if info else None,
        "helper_version": info.helper_version if info else None,
        "protocol_version": info.protocol_version if info else None,
        "api_level": info.api_level if info else None,
        "journal_next_seq": info.journal_next_seq if info else None,
        "journal_epoch": info.journal_epoch if info else None,
    }
    shipped_line = Line(f"shipped: {apk.version_name} (versionCode {apk.version_code}, sha256 {apk.sha256})")
    if not found.installed:
        show(options, document, shipped_line, Line("installed: the helper is not installed (jobctl helper install)"))
        return
    state = ("up to date" if found.up_to_date
             else f"expected versionCode {EXPECTED_VERSION_CODE}: jobctl helper install")
    show(options, document, shipped_line,
         Line(f"installed: {document['helper_version']} (versionCode {document['version_code']}, "
              f"protocol {document['protocol_version']}): {state}"),
         Line(f"journal: next seq {document['journal_next_seq']}, "
              f"epoch {document['journal_epoch'] or '(older helper)'}"))


@helper.command()
@click.option("--apk", type=click.Path(dir_okay=False, exists=True),
              help="Another helper APK (default: the one shipped inside jobctl). Refused before the device is "
                   "touched, exit 2, when it is not an APK, not the helper, not signed with its key or of "
                   "another version.")
@click.pass_obj
def install(options: GlobalOptions, /, apk: str | None) -> None:
    """Install the helper (replacing another version) and grant what it needs.

    \b
    Examples:
      jobctl helper install
      jobctl -s emulator-5554 helper install
    """
    from bridge.helper import EXPECTED_VERSION_CODE, Helper
    from bridge.helper_apk import ApkRejectedError, check_apk

    if apk is not None:
        try:
            check_apk(apk, EXPECTED_VERSION_CODE)
        except ApkRejectedError as error:
            click.echo(f"jobctl: error: APK refused: {error}", err=True)
            raise SystemExit(2) from None
    with status("installing the helper…", quiet=options.json):
        info = Helper(options.device()).ensure_ready(apk)
    show(options, {"installed": True, "version_code": info.version_code, "protocol_version": info.protocol_version},
         Line(f"helper {info.helper_version} ready "
              f"(versionCode {info.version_code}, protocol {info.protocol_version})"))


@helper.command()
@click.pass_obj
def uninstall(options: GlobalOptions, /) -> None:
    """Remove the helper app (its jobs and journal go with it).

    \b
    Example:
      jobctl helper uninstall
    """
    from bridge.helper import Helper

    removed = Helper(options.device()).uninstall()
    show(options, {"uninstalled": removed}, Line("uninstalled" if removed else "the helper was not installed"))
