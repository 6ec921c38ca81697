"""The virtual device's text forms of framework classes against the real ones (tests/golden).

* ``TimeUtils.formatDuration(long, StringBuilder)`` and ``(long, PrintWriter, fieldLen=19)``
  (jobctl_sim/framework/jobscheduler/timefmt.py, used throughout dump.py);
* ``Intent.toString`` of the helper's work-item intent (dump.py "Pending work" / "Executing
  work", ``Intent { … }`` around ``model.Intent.short()``).
"""

from __future__ import annotations

import pytest

from jobctl_sim.framework.jobscheduler.model import Intent
from jobctl_sim.framework.shell_command import bundle_short_string, bundle_string
from jobctl_sim.framework.jobscheduler.timefmt import HUNDRED_DAY_FIELD_LEN, format_duration
from tests.golden import vectors


@pytest.mark.parametrize("api", vectors.LEVELS)
def test_format_duration_matches_timeutils(api: int) -> None:
    rows = vectors.level(api)["format_duration"]
    assert len(rows) >= 20
    assert [(ms, format_duration(int(ms))) for ms, _ in rows] == [tuple(r) for r in rows]


@pytest.mark.parametrize("api", vectors.LEVELS)
def test_padded_format_duration_matches_timeutils(api: int) -> None:
    rows = vectors.level(api)["format_duration_19"]
    got = [(ms, format_duration(int(ms), HUNDRED_DAY_FIELD_LEN)) for ms, _ in rows]
    assert got == [tuple(r) for r in rows]


@pytest.mark.parametrize("api", vectors.LEVELS)
def test_work_item_intent_prints_as_intent_tostring(api: int) -> None:
    """GoldenVectorsHarness.intents()[0] is the intent WorkItems.build makes below API 34."""
    real = vectors.level(api)["intents"][0]
    sim = Intent(extras=(("jobctl.script", "{}"), ("jobctl.tag", "t")))
    assert sim.to_string() == real


@pytest.mark.parametrize("api", vectors.LEVELS)
def test_intent_shapes_print_as_intent_tostring(api: int) -> None:
    real = vectors.level(api)["intents"]
    shapes = {1: Intent(), 2: Intent(action="a.b.ACTION"), 4: Intent(component="dev.jobctl.helper/.CommandReceiver"),
              5: Intent(action="a.b.ACTION", component="p.q/r.s.T", extras=(("k", 1),))}
    # real[3] (an Intent with data) is left out: from API 33 Intent.toShortString prints the data
    # through Uri.toSafeString ("dat=content://x/..."); no intent the helper or the dump uses has data.
    assert {i: s.to_string() for i, s in shapes.items()} == {i: real[i] for i in shapes}


@pytest.mark.parametrize("api", vectors.LEVELS)
def test_extras_print_as_persistable_bundle_tostring(api: int) -> None:
    """``PersistableBundle.toShortString``/``toString`` of the specs' extras: ArrayMap's key-hash
    order and Java's value text (``true``, ``1.0E10``, ``0.1``)."""
    specs = vectors.specs()
    rows = vectors.level(api)["bundles"]
    assert len(rows) >= 10
    got = [[index, bundle_short_string(specs[index]["extras"]),
            bundle_string(specs[index]["extras"], "PersistableBundle")] for index, _, _ in rows]
    assert got == rows
