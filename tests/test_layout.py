"""The house rules that tools alone do not check: the import contracts cover every module, every
test folder is a package, and no module grows into a god module."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIM_MAY_IMPORT = {"bridge.adb", "bridge.errors", "bridge.helper_apk"}
"""What the virtual device may use of the library: the transport, the error base and the shipped APK."""
MODULE_LINE_LIMIT = 520


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _top_level_modules(package: str) -> set[str]:
    names = set()
    for path in (ROOT / package).iterdir():
        if path.name.startswith("__") or path.name.startswith("."):
            continue
        if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists()):
            names.add(f"{package}.{path.stem}")
    return names


def test_the_virtual_device_contract_forbids_every_bridge_module_but_the_transport_errors_and_apk() -> None:
    contract = next(c for c in _contracts() if c.get("source_modules") == ["jobctl_sim"])
    forbidden = set(contract["forbidden_modules"])  # type: ignore[call-overload]
    expected = _top_level_modules("bridge") - SIM_MAY_IMPORT - {"bridge._version"}
    assert forbidden == expected, f"missing: {sorted(expected - forbidden)}, stale: {sorted(forbidden - expected)}"


def _layered(contract: dict[str, object]) -> set[str]:
    container = contract["containers"][0]  # type: ignore[index]
    return {f"{container}.{name.strip()}" for layer in contract["layers"]  # type: ignore[attr-defined]
            for name in layer.split(":")}


def test_every_module_of_bridge_and_the_virtual_device_has_a_layer() -> None:
    for package in ("bridge", "jobctl_sim"):
        contract = next(c for c in _contracts() if c.get("containers") == [package])
        assert _top_level_modules(package) <= _layered(contract), package


def test_every_test_folder_is_a_package() -> None:
    for folder in (ROOT / "tests").rglob("*"):
        if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py")):
            assert (folder / "__init__.py").exists(), f"{folder.relative_to(ROOT)} has no __init__.py"


def test_no_module_of_the_project_is_a_god_module() -> None:
    too_long = {str(path.relative_to(ROOT)): count
                for package in ("bridge", "cli", "jobctl_sim")
                for path in (ROOT / package).rglob("*.py")
                if (count := len(path.read_text().splitlines())) > MODULE_LINE_LIMIT}
    assert not too_long, f"split these along their seams: {too_long}"
