"""Loads the golden vectors written by android-helper/robolectric/generate_vectors.py.

``specs.json`` holds the SPECs (PROTOCOL.md §6.1); ``api-LEVEL.json`` what the real framework of
that level did with each (Robolectric 4.17's android-all jar): ``"ok"``, ``["unsupported_option",
message]`` from the helper's API guard, or ``[exception class, message]`` from
``JobInfo.Builder.build()`` — for the helper's targetSdk 34 (``build``) and, on API 35, also for
targetSdk 35 (``build_target_35``) — plus the text forms of framework classes.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LEVELS = (26, 28, 29, 30, 31, 33, 34, 35)
HELPER_TARGET_SDK = 34

Outcome = str | list[str]


@cache
def specs() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((HERE / "specs.json").read_text(encoding="utf-8"))["specs"]
    return data


@cache
def level(api: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / f"api-{api}.json").read_text(encoding="utf-8"))
    return data


def build_cases() -> list[tuple[int, int, str]]:
    """(api level, targetSdk, result key) for every recorded set of build outcomes."""
    cases = [(api, HELPER_TARGET_SDK, "build") for api in LEVELS]
    cases.append((35, 35, "build_target_35"))
    return cases


def describe(outcome: Outcome) -> str:
    return "ok" if outcome == "ok" else f"{outcome[0]}: {outcome[1]}"
