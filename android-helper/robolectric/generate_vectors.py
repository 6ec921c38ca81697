#!/usr/bin/env python3
"""Regenerate the golden vectors in tests/golden/ from the real Android framework (issue 12).

One command, from anywhere:  python android-helper/robolectric/generate_vectors.py

1. writes tests/golden/specs.json: a deterministic set of helper SPECs (PROTOCOL.md §6.1);
2. fetches the framework jars of all eight levels (.ci/java-deps all);
3. runs, offline under Robolectric 4.17 on API 26, 28, 29, 30, 31, 33, 34 and 35, the adapter
   tests (*Test) and GoldenVectorsHarness, which feeds every SPEC through the helper's own
   JobSpec.parse → JobInfoFactory.build → the real JobInfo.Builder.build() and records the
   framework text forms the virtual device prints;
4. writes tests/golden/api-LEVEL.json (compact, one entry per line).

CI does not regenerate; tests/golden/test_*.py check the Python side against the files.
Exit codes: 0 done, 1 a step failed, 2 mvn or java missing.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
POM_DIR = ROOT / "android-helper" / "robolectric"
OUT_DIR = ROOT / "android-helper" / "build" / "robolectric" / "golden"
LEVELS = (26, 28, 29, 30, 31, 33, 34, 35)
SEED = 12

Spec = dict[str, Any]


def handmade() -> list[Spec]:
    """Edge cases each rule of JobInfo.Builder.build() / enforceValidity is known for."""
    uri = [{"uri": "content://media/external", "descendants": True}]
    return [
        {"job_id": 1},
        {"job_id": 1, "requires_charging": True},
        {"job_id": 1, "requires_device_idle": True, "backoff": {"initial_ms": 30000, "policy": "linear"}},
        {"job_id": 1, "periodic": {"interval_ms": 900000}, "override_deadline_ms": 5},
        {"job_id": 1, "periodic": {"interval_ms": 900000}, "min_latency_ms": 5},
        {"job_id": 1, "periodic": {"interval_ms": 900000}, "min_latency_ms": 0},
        {"job_id": 1, "periodic": {"interval_ms": 900000}, "trigger_content_uris": uri},
        {"job_id": 1, "persisted": True, "trigger_content_uris": uri},
        {"job_id": 1, "persisted": True, "transient_extras": {"a": "b"}, "requires_charging": True},
        {"job_id": 1, "estimated_bytes": {"down": 10, "up": 1}, "requires_charging": True},
        {"job_id": 1, "network_type": "any", "estimated_bytes": {"down": -5, "up": 1}},
        {"job_id": 1, "network_type": "any", "estimated_bytes": {"down": 1, "up": -5}},
        {"job_id": 1, "network_type": "any", "min_chunk_bytes": 0},
        {"job_id": 1, "network_type": "any", "min_chunk_bytes": 100, "estimated_bytes": {"down": 10, "up": 10}},
        {"job_id": 1, "network_type": "any", "min_chunk_bytes": 20, "estimated_bytes": {"down": 10, "up": 10}},
        {"job_id": 1, "min_latency_ms": -1},
        {"job_id": 1, "override_deadline_ms": -1},
        {"job_id": 1, "prefetch": True, "override_deadline_ms": 1000, "network_type": "any"},
        {"job_id": 1, "expedited": True},
        {"job_id": 1, "expedited": True, "min_latency_ms": 1},
        {"job_id": 1, "expedited": True, "override_deadline_ms": 1},
        {"job_id": 1, "expedited": True, "periodic": {"interval_ms": 900000}},
        {"job_id": 1, "expedited": True, "user_initiated": True, "network_type": "any"},
        {"job_id": 1, "expedited": True, "priority": "default"},
        {"job_id": 1, "expedited": True, "priority": "high", "requires_charging": True},
        {"job_id": 1, "expedited": True, "prefetch": True},
        {"job_id": 1, "expedited": True, "important_while_foreground": True},
        {"job_id": 1, "expedited": True, "trigger_content_uris": uri},
        {"job_id": 1, "expedited": True, "requires_storage_not_low": True, "network_type": "unmetered"},
        {"job_id": 1, "priority": "max"},
        {"job_id": 1, "priority": "high", "prefetch": True},
        {"job_id": 1, "priority": "high", "periodic": {"interval_ms": 900000}},
        {"job_id": 1, "priority": 250},
        {"job_id": 1, "priority": 99},
        {"job_id": 1, "priority": 501},
        {"job_id": 1, "user_initiated": True},
        {"job_id": 1, "user_initiated": True, "network_type": "any"},
        {"job_id": 1, "user_initiated": True, "network_type": "any", "priority": "high"},
        {"job_id": 1, "user_initiated": True, "network_type": "any", "min_latency_ms": 1},
        {"job_id": 1, "user_initiated": True, "network_type": "any", "requires_device_idle": True},
        {"job_id": 1, "user_initiated": True, "network_type": "any", "prefetch": True},
        {"job_id": 1, "user_initiated": True, "network_type": "any", "trigger_content_uris": uri},
        {"job_id": 1, "important_while_foreground": True, "min_latency_ms": 1},
        {"job_id": 1, "debug_tags": ["a"] * 33},
        {"job_id": 1, "debug_tags": [" "]},
        {"job_id": 1, "debug_tags": ["x" * 128]},
        {"job_id": 1, "debug_tags": [" " + "x" * 127 + " "]},
        {"job_id": 1, "trace_tag": ""},
        {"job_id": 1, "trace_tag": "a|b"},
        {"job_id": 1, "trace_tag": "a\nb"},
        {"job_id": 1, "trace_tag": "y" * 128},
        {"job_id": 1, "requires_charging": True, "override_deadline_ms": 60000},
        {"job_id": 1, "requires_charging": True, "min_latency_ms": 60000, "override_deadline_ms": 900000},
        {"job_id": 1, "requires_charging": True, "min_latency_ms": 60000, "override_deadline_ms": 960000},
        {"job_id": 1, "override_deadline_ms": 60000},
        {"job_id": 1, "network_type": "cellular"},
        {"job_id": 1, "network_type": "metered"},
        {"job_id": 1, "network_type": "none"},
        {"job_id": 1, "network_request": {"capabilities": [12], "transports": [1]}},
        {"job_id": 1, "network_request": {"capabilities": [], "transports": [], "remove_capabilities": [12]}},
        {"job_id": 2147483647, "requires_battery_not_low": True},
        {"job_id": -2147483648, "requires_storage_not_low": True},
    ]


def generated(rng: random.Random, count: int) -> list[Spec]:
    """Random combinations; mostly API-26 fields so most specs reach build() on every level."""
    common: dict[str, list[Any]] = {
        "network_type": ["none", "any", "unmetered", "not_roaming", "metered"],
        "requires_charging": [True, False],
        "requires_device_idle": [True],
        "requires_battery_not_low": [True],
        "requires_storage_not_low": [True],
        "min_latency_ms": [0, 1, 1000, 60000, -1],
        "override_deadline_ms": [0, 1, 5000, 900000, 3600000, -1],
        "periodic": [{"interval_ms": 1}, {"interval_ms": 900000}, {"interval_ms": 3600000, "flex_ms": 1000},
                     {"interval_ms": 60000, "flex_ms": 600000}],
        "backoff": [{"initial_ms": 1, "policy": "linear"}, {"initial_ms": 30000, "policy": "exponential"},
                    {"initial_ms": 18000001, "policy": "linear"}],
        "persisted": [True],
        "trigger_content_uris": [[{"uri": "content://media/external", "descendants": True}],
                                 [{"uri": "content://a/b", "descendants": False}]],
        "trigger_content_update_delay_ms": [0, 500, 10000],
        "trigger_content_max_delay_ms": [0, 1000, 120000],
        "extras": [{"k": "v"}, {"n": 3, "b": True, "d": 1.5, "s": "x"}, {"zeta": "z", "alpha": -7, "mid": False},
                   {"key.one": 1e10, "key.two": 0.1, "KEY": "V", "a": "", "b": 2}],
        "transient_extras": [{"t": "x"}],
    }
    later: dict[str, list[Any]] = {
        "network_request": [{"capabilities": [12, 16], "transports": [1]}, {"capabilities": [11], "transports": []},
                            {"capabilities": [12], "transports": [0, 1], "remove_capabilities": [13]}],
        "network_type": ["cellular"],
        "estimated_bytes": [{"down": 1000, "up": 10}, {"down": -1, "up": -1}, {"down": 0, "up": 0},
                            {"down": -2, "up": 5}],
        "important_while_foreground": [True],
        "prefetch": [True],
        "min_chunk_bytes": [-1, 1, 100, 5000, 0],
        "expedited": [True],
        "priority": ["min", "low", "default", "high", "max", 50],
        "user_initiated": [True],
        # Not []: the helper counts an empty list as present (API guard), the host never sends one.
        "debug_tags": [["a", "b"], [" tag "]],
        "trace_tag": ["trace", " t "],
    }
    specs: list[Spec] = []
    for n in range(count):
        spec: Spec = {"job_id": rng.randrange(0, 10000)}
        for _ in range(rng.randrange(1, 5)):
            key = rng.choice(sorted(common))
            spec[key] = rng.choice(common[key])
        if rng.random() < 0.45:
            for _ in range(rng.randrange(1, 3)):
                key = rng.choice(sorted(later))
                spec[key] = rng.choice(later[key])
        if n % 7 == 0:
            spec["requires_charging"] = True
        specs.append(spec)
    return specs


def all_specs() -> list[Spec]:
    return handmade() + generated(random.Random(SEED), 540)


def write_lines(path: Path, head: dict[str, Any], key: str, rows: list[Any]) -> None:
    """JSON with one row per line: compact, and diffs read well."""
    body = ",\n".join(json.dumps(row, separators=(",", ":"), ensure_ascii=True) for row in rows)
    head_text = json.dumps(head, separators=(",", ":"), ensure_ascii=True)[:-1]
    path.write_text(f'{head_text},"{key}":[\n{body}\n]}}\n', encoding="utf-8")


def run(cmd: list[str], cwd: Path) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def main() -> int:
    if shutil.which("mvn") is None or shutil.which("java") is None:
        print("generate_vectors: mvn and java 17 are needed (apt-get install maven openjdk-17-jdk-headless)",
              file=sys.stderr)
        return 2
    GOLDEN.mkdir(parents=True, exist_ok=True)
    specs = all_specs()
    write_lines(GOLDEN / "specs.json", {"seed": SEED, "generator": "android-helper/robolectric/generate_vectors.py"},
                "specs", specs)
    try:
        run([str(ROOT / ".ci" / "java-deps"), "all"], ROOT)
        if OUT_DIR.exists():
            shutil.rmtree(OUT_DIR)
        run(["mvn", "-o", "-B", "-q", f"-Dmaven.repo.local={ROOT / 'android-helper' / 'build' / 'm2'}", "test",
             "-Dsdks=" + ",".join(map(str, LEVELS)), "-Dtest=*Test,GoldenVectorsHarness",
             f"-Dgolden.specs={GOLDEN / 'specs.json'}", f"-Dgolden.out={OUT_DIR}"], POM_DIR)
    except subprocess.CalledProcessError as e:
        print(f"generate_vectors: {e.cmd[0]} failed (exit {e.returncode})", file=sys.stderr)
        return 1
    for level in LEVELS:
        doc = json.loads((OUT_DIR / f"api-{level}.json").read_text(encoding="utf-8"))
        head = {k: v for k, v in doc.items() if k not in ("build", "build_target_35")}
        rows = doc["build"]
        if "build_target_35" in doc:
            head["build_target_35"] = doc["build_target_35"]
        write_lines(GOLDEN / f"api-{level}.json", head, "build", rows)
    print(f"generate_vectors: {len(specs)} specs x {len(LEVELS)} levels written to {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
