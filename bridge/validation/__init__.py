"""Refuse, on the host, what the device would refuse: ``validate(spec, api_level)``.

Three layers, checked in the helper's own order (PROTOCOL.md §3.3):

1. the helper protocol's value rules (PROTOCOL.md §6.1, §7.3; messages are the helper's
   ``bad_request`` texts, e.g. ``field spec.extras.jobctl.x: reserved key prefix jobctl.``);
2. the API-level guard (PROTOCOL.md §6.2): ``spec.expedited requires API 31, device is API 30``;
3. the platform: eager setter checks, ``JobInfo.Builder.build()`` / ``JobInfo.enforceValidity``
   (android-helper.md §3.1) and ``JobScheduler.schedule()`` / ``enqueue()`` (§3.2), with the
   platform's exception class and message verbatim. Rules that exist only from some API
   level or targetSdk apply only there (the helper targets SDK 34, PROTOCOL.md §1).

Right after layer 1, jobctl's own limits (:mod:`bridge.validation.sizes`, numbers and reasons
in :mod:`bridge.validation.limits`, docs/cli-json.md "Limits"): sizes, counts, and the
characters no string may contain. Like layer 1 they need no device (:func:`validate_values`).
Everything raises :class:`bridge.errors.JobSpecError`. Rules that need device state (component
checks, permissions, the 150-job cap, quotas) are not checked here.
"""

from __future__ import annotations

from collections.abc import Sequence

from bridge.model.spec import HELPER_TARGET_SDK, JobSpec, WorkItem, item_options, spec_options
from bridge.validation.limits import MAX_ITEMS_PER_ENQUEUE, MIN_TIME_WINDOW_MS, RESERVED_EXTRAS_PREFIX
from bridge.validation.platform import check_build, check_item_platform, check_namespace, check_setters
from bridge.validation.sizes import check_item_limits, check_spec_limits
from bridge.validation.values import (
    check_helper_level,
    check_item_count,
    check_item_values,
    check_levels,
    check_spec_values,
)


def validate(spec: JobSpec, api_level: int, *, target_sdk: int = HELPER_TARGET_SDK, limits: bool = True) -> None:
    """Raise :class:`JobSpecError` if scheduling ``spec`` on a device at ``api_level`` would fail,
    or it exceeds jobctl's own limits (``limits=False``: the device's rules only, as a test that
    compares this with a device wants).

    ``target_sdk`` is the scheduling app's targetSdk (the helper's, 34, by default); it
    switches the targetSdk-gated rules of android-helper.md §3.1.
    """
    check_helper_level(api_level)
    check_spec_values(spec)
    if limits:
        check_spec_limits(spec)
    check_levels(spec_options(spec), "spec", api_level)
    check_setters(spec, api_level, target_sdk)
    check_build(spec, api_level, target_sdk)
    check_namespace(spec, api_level)


def validate_work_item(item: WorkItem, spec: JobSpec, api_level: int, *, index: int = 0,
                       target_sdk: int = HELPER_TARGET_SDK) -> None:
    """Raise :class:`JobSpecError` if ``enqueue(spec, item)`` would fail (android-helper.md §2.4, §3.2).

    ``index`` is the item's position in the request, used in field paths (``items[3].tag``).
    ``spec`` itself is not re-validated: call :func:`validate` (or :func:`validate_enqueue`).
    """
    check_helper_level(api_level)
    path = f"items[{index}]"
    check_item_values(item, path)
    check_item_limits([item], index)
    check_levels(item_options(item), path, api_level)
    check_item_platform(item, spec, api_level, target_sdk)


def validate_enqueue(spec: JobSpec, items: Sequence[WorkItem], api_level: int, *,
                     target_sdk: int = HELPER_TARGET_SDK) -> None:
    """:func:`validate` for ``spec``, then every item in order (PROTOCOL.md §3.3 check order)."""
    check_helper_level(api_level)
    check_spec_values(spec)
    check_spec_limits(spec)
    check_levels(spec_options(spec), "spec", api_level)
    check_item_count(items)
    for index, item in enumerate(items):
        path = f"items[{index}]"
        check_item_values(item, path)
        check_levels(item_options(item), path, api_level)
    check_item_limits(items)
    check_setters(spec, api_level, target_sdk)
    check_build(spec, api_level, target_sdk)
    check_namespace(spec, api_level)
    for item in items:
        check_item_platform(item, spec, api_level, target_sdk)


def validate_values(spec: JobSpec, items: Sequence[WorkItem] = ()) -> None:
    """Only the first layer (the helper protocol's value rules, PROTOCOL.md §6.1, §7.3) for
    ``spec`` and ``items``: what needs no device and no API level, so a front end can refuse bad
    input before it contacts a device (the size limits of :mod:`bridge.validation.limits`
    included). :func:`validate` / :func:`validate_enqueue` repeat it."""
    check_spec_values(spec)
    check_spec_limits(spec)
    if items:
        check_item_count(items)
    for index, item in enumerate(items):
        check_item_values(item, f"items[{index}]")
    check_item_limits(items)


__all__ = [
    "MAX_ITEMS_PER_ENQUEUE",
    "MIN_TIME_WINDOW_MS",
    "RESERVED_EXTRAS_PREFIX",
    "validate",
    "validate_enqueue",
    "validate_values",
    "validate_work_item",
]
