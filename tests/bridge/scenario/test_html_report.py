"""The HTML report explains a run, checked the way a person sees it: two shipped scenarios run
through ``jobctl scenario run --html --trace`` on the virtual device, the page laid out by
headless Chromium (its DOM read back, with a probe that measures every label's box, and a
screenshot that must not be blank), and the trace checked as Chrome trace-event JSON with one
track per job and per changed condition (what ui.perfetto.dev opens)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bridge._version import __version__
from bridge.adb.private import PrivateAdbServer
from bridge.scenario.html import SEGMENT_COLOURS, VIEW_WIDTH, nice_ticks, tick_label
from tests.cli.test_sim_and_devices import jobctl
from tests.support.screenshots import artifact, dump_dom, png_size_and_colours, publish, screenshot

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
PROBE = """<script>
addEventListener('load', () => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.timeline')) {
    const view = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBBox();
      out.push({cls: t.getAttribute('class'), text: t.textContent, x0: b.x, x1: b.x + b.width,
                view: view.width, lane: t.closest('[data-lane]')?.getAttribute('data-lane') || null});
    }
  }
  const svg = document.querySelector('svg.timeline');
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify({texts: out, svg_width: svg.getBoundingClientRect().width,
                                    page_width: document.documentElement.clientWidth});
  document.body.appendChild(pre);
});
</script>"""


def test_a_scenario_run_reports_as_html_and_as_a_perfetto_trace(adb: PrivateAdbServer, serial: str,
                                                                 tmp_path: Path) -> None:
    html, trace = artifact("scenario-report.html"), tmp_path / "run.trace.json"
    result = jobctl(adb, "-s", serial, "scenario", "run", str(SCENARIOS / "charging.toml"),
                    str(SCENARIOS / "work_redelivery.toml"), "--html", str(html), "--trace", str(trace),
                    env={"NO_COLOR": "1"}, timeout=180)
    assert result.returncode == 0, result.stderr + result.stdout
    _check_lanes_and_labels(html, serial)
    _check_screenshot(html)
    _check_trace(trace, serial)


def _check_lanes_and_labels(html: Path, serial: str) -> None:
    """A lane per job and per changed condition, stop reasons as labels, step markers, the header; no
    label cut at the edge or running into the plot; the timeline at the page's width."""
    probe = artifact("scenario-report.probe.html")
    probe.write_text(html.read_text().replace("</body>", PROBE + "</body>"))
    dom = dump_dom(probe)
    lanes = re.findall(r'data-lane="([^"]+)"', dom)
    assert "job 101" in lanes and "charging" in lanes and "standby bucket" in lanes, lanes
    assert any(lane.startswith("job ") and lane != "job 101" for lane in lanes), lanes  # work_redelivery's job
    assert re.search(r'class="run-label"[^>]*>CONSTRAINT_CHARGING<', dom), "the stop reason is not a label on the run"
    assert len(re.findall(r'class="step-marker"', dom)) >= 5
    for fact in (serial, "API level", "model", __version__):
        assert fact in dom, fact
    measured = json.loads(re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S).group(1).replace("&quot;", '"'))  # type: ignore[union-attr]
    clipped = [t for t in measured["texts"] if t["x0"] < 0 or t["x1"] > t["view"] + 0.5]
    assert not clipped, f"labels cut at the edge: {clipped}"
    titles = {t["lane"]: t["x1"] for t in measured["texts"] if t["cls"] == "lane-title"}
    first_bar = min(t["x0"] for t in measured["texts"] if t["cls"] in ("run-label", "tick"))
    assert max(titles.values()) < first_bar + 60, "lane titles run into the plot"
    assert measured["svg_width"] >= measured["page_width"] - 60, "the timeline does not use the page's width"


def _check_screenshot(html: Path) -> None:
    png = screenshot(html, artifact("scenario-report.png"), 1400, 1100)
    width, height, colours = png_size_and_colours(png)
    assert (width, height) == (1400, 1100)
    assert colours >= 6, f"only {colours} colours: blank or colourless"
    publish(png, "scenario-report.png")


def _check_trace(trace: Path, serial: str) -> None:
    """Chrome trace-event JSON: named tracks for the steps, each job and each changed condition."""
    document = json.loads(trace.read_text())
    events = document["traceEvents"]
    assert document["metadata"]["device_serial"] == serial and document["metadata"]["jobctl_version"] == __version__
    tracks = {(e["pid"], e["args"]["name"]) for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    names = {name for _, name in tracks}
    assert {"steps", "job 101", "charging", "standby bucket"} <= names, names
    for event in events:
        assert event["ph"] in ("M", "X", "i")
        if event["ph"] != "M":
            assert isinstance(event["ts"], int) and event["ts"] >= 0 and isinstance(event["tid"], int)
        if event["ph"] == "X":
            assert isinstance(event["dur"], int) and event["dur"] > 0
    assert any(e["ph"] == "X" and e["name"] == "CONSTRAINT_CHARGING" for e in events)
    used = {(e["pid"], e["tid"]) for e in events if e["ph"] != "M"}
    named = {(e["pid"], e["tid"]) for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert used <= named, "an event on a track with no name"


def test_colours_are_distinct_and_ticks_are_round() -> None:
    fills = [fill for fill, _ in SEGMENT_COLOURS.values()]
    assert len(set(fills)) == len(fills) - 1  # VALUE shares RUNNING's sky blue: a condition lane is never a job lane
    assert nice_ticks(9_300) == (2000, [0, 2000, 4000, 6000, 8000])
    assert nice_ticks(380)[0] == 50 and tick_label(1500, 500) == "1.5 s" and tick_label(2000, 1000) == "2 s"
    assert VIEW_WIDTH >= 1200
