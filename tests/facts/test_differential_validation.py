"""Differential check: the host's ``bridge.validation.validate()`` and the virtual device's helper +
``JobInfo.Builder`` / ``schedule()`` model give the same verdict and the same message.

The two are written independently on purpose (the host refuses bad input before it reaches a
device; the device model is what the virtual phone runs), so each catches the other's mistakes.
Every generated :class:`JobSpec` is checked at every API level 26-35: the host's verdict is
``validate(spec, api)`` (a :class:`JobSpecError` or nothing); the device's is what its helper
answers to ``{"cmd":"schedule","spec":…}`` (see :mod:`tests.facts.sim_schedule`), after the spec
went through the wire as the host sends it (``encode_spec`` → canonical JSON → the helper's JSON
reader). Both are reduced to ``(error code, message, Java exception class)``.

Specs are well-typed (ill-typed values cannot be encoded, and tests/fuzz covers them on the host)
and biased towards the edges of every platform rule: negative and zero sizes, chunk vs estimate,
the 100..500 priority range, expedited / user-initiated / prefetch / periodic combinations,
empty or over-long tags and namespaces, reserved extras keys, options above the device's level.
"""

from __future__ import annotations

import random
import time
from typing import Any

from bridge.errors import JobSpecError
from bridge.helper_protocol import canonical_json, encode_spec
from bridge.model import (
    Backoff,
    BackoffPolicy,
    ByteEstimate,
    Finish,
    JobScript,
    JobSpec,
    NetworkRequest,
    NetworkType,
    Periodic,
    Sleep,
    TriggerContentUri,
)
from bridge.validation import validate
from jobctl_sim.apps.helper import jsonio
from tests.facts.sim_schedule import ACCEPTED, Verdict, schedule_verdict

API_LEVELS = tuple(range(26, 36))
SPEC_COUNT = 2000
SEED = 20240611
"""A seeded generator (not hypothesis): 2,000 specs are made in milliseconds, and a failure
message carries the offending spec as JSON, so the run is reproducible without shrinking."""

_MS = (0, 1, 5_000, 60_000, 14 * 60_000, 15 * 60_000, 16 * 60_000, 3_600_000, -5, -1)
_BYTES = (-3, -2, -1, 0, 1, 512, 4096, 10**6)
_TAGS = ("", " ", "tag", "a|b", "line\nbreak", "nul\0", "x" * 127, "y" * 128, " " + "z" * 127 + " ", "é", "t2")
_KEYS = ("k", "jobctl", "n", "", "jobctlx", "k2", "n2", "a.b", "jobctl.", "jobctl.x")
_EXTRAS = (True, False, 0, -(2**63), 2**63 - 1, "", "v", 1.5, -0.0)
_PRIORITIES = (100, 200, 300, 400, 500, 0, 99, 250, 501, -1, 1000)
_NAMESPACES = ("ns", "", "  ", " ns ", "n" * 1000, "n" * 1001)


def random_job_spec(rng: random.Random) -> JobSpec:
    """A well-typed :class:`JobSpec` with a random subset of options set, edges favoured."""

    def maybe(values: tuple[Any, ...], chance: float = 0.5) -> Any:
        return rng.choice(values) if rng.random() < chance else None

    def ms() -> int:
        return rng.choice(_MS) if rng.random() < 0.7 else rng.randint(-5, 10**8)

    def size() -> int:
        return rng.choice(_BYTES) if rng.random() < 0.7 else rng.randint(-10, 10**7)

    options: dict[str, Any] = {name: rng.random() < 0.5 for name in (
        "requires_storage_not_low",)}
    options["expedited"] = rng.random() < 0.3
    options["user_initiated"] = rng.random() < 0.2
    for name in ("requires_charging", "requires_device_idle", "requires_battery_not_low", "persisted",
                 "important_while_foreground", "prefetch"):
        options[name] = rng.random() < 0.25
    options["namespace"] = maybe(_NAMESPACES, 0.3)
    options["network_type"] = maybe(tuple(NetworkType))
    if rng.random() < 0.1:
        options["network_request"] = NetworkRequest(tuple(rng.sample((12, 11, 18), rng.randint(0, 2))),
                                                    tuple(rng.sample((0, 1), rng.randint(0, 1))))
    if rng.random() < 0.5:
        options["estimated_bytes"] = ByteEstimate(size(), size())
    options["min_chunk_bytes"] = size() if rng.random() < 0.5 else None
    options["min_latency_ms"] = ms() if rng.random() < 0.5 else None
    options["override_deadline_ms"] = ms() if rng.random() < 0.5 else None
    if rng.random() < 0.25:
        options["periodic"] = Periodic(ms(), ms() if rng.random() < 0.5 else None)
    if rng.random() < 0.25:
        options["backoff"] = Backoff(ms(), rng.choice(tuple(BackoffPolicy)))
    options["priority"] = maybe(_PRIORITIES, 0.4)
    if rng.random() < 0.25:
        options["trigger_content_uris"] = tuple(
            TriggerContentUri(rng.choice(("content://media", "content://x/y")), rng.random() < 0.5)
            for _ in range(rng.randint(0, 2)))
    options["trigger_content_update_delay_ms"] = ms() if rng.random() < 0.5 else None
    options["trigger_content_max_delay_ms"] = ms() if rng.random() < 0.5 else None
    options["extras"] = {rng.choice(_KEYS): rng.choice(_EXTRAS) for _ in range(rng.randint(0, 1))}
    options["transient_extras"] = {rng.choice(_KEYS): rng.choice(_EXTRAS) for _ in range(rng.randint(0, 2))}
    if rng.random() < 0.2:
        count = rng.randint(0, 3) if rng.random() < 0.9 else rng.randint(30, 40)
        options["debug_tags"] = tuple(rng.choice(_TAGS) if rng.random() < 0.6 else f"tag{rng.randint(0, 99)}"
                                      for _ in range(count))
    options["trace_tag"] = maybe(_TAGS, 0.2)
    if rng.random() < 0.2:
        options["script"] = JobScript((Sleep(rng.randint(0, 100)), Finish(rng.random() < 0.5)))
    return JobSpec(rng.choice((0, 1, 42, -1, 2**31 - 1, -(2**31))), **options)


def generated_specs(count: int = SPEC_COUNT, seed: int = SEED) -> list[JobSpec]:
    rng = random.Random(seed)
    return [random_job_spec(rng) for _ in range(count)]


def host_verdict(spec: JobSpec, api_level: int) -> Verdict:
    """``bridge.validation.validate`` as the helper would have answered (PROTOCOL.md §4 codes)."""
    try:
        validate(spec, api_level, limits=False)  # jobctl's own limits are not the device's
    except JobSpecError as error:
        if error.java_type is not None:
            return Verdict("platform_exception", error.message, error.java_type)
        if error.min_api is not None:
            return Verdict("unsupported_option", error.message)
        return Verdict("bad_request", error.message)
    return ACCEPTED


def device_verdict(spec: JobSpec, api_level: int) -> Verdict:
    """The SPEC as the host sends it (canonical JSON), read by the helper's JSON reader, then scheduled."""
    wire = jsonio.parse(canonical_json(encode_spec(spec)))
    return schedule_verdict(wire, api_level)


def _explain(spec: JobSpec, api: int, host: Verdict, device: Verdict) -> str:
    return f"API {api}: host {host} != device {device}\nspec: {canonical_json(encode_spec(spec))}"


def test_host_validation_and_the_virtual_device_agree_on_every_spec_and_level() -> None:
    started = time.monotonic()
    specs = generated_specs()
    assert len(specs) >= 2000
    tally: dict[str, int] = {}
    messages: set[str] = set()
    for spec in specs:
        for api in API_LEVELS:
            host, device = host_verdict(spec, api), device_verdict(spec, api)
            assert host == device, _explain(spec, api, host, device)
            key = "accepted" if host.ok else str(host.code)
            tally[key] = tally.get(key, 0) + 1
            if host.code == "platform_exception" and host.message:
                messages.add(host.message[:40])
    # The generator is useful: every kind of verdict, in volume, and most of the platform's messages.
    assert set(tally) == {"accepted", "bad_request", "unsupported_option", "platform_exception"}, tally
    assert min(tally.values()) >= 200, tally
    assert len(messages) >= 30, sorted(messages)
    assert time.monotonic() - started < 60
