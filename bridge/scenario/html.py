"""A self-contained HTML report that explains a run: per scenario its steps and one inline SVG
timeline (:mod:`bridge.scenario.lanes`) -- a lane per job, its runs labelled with how they ended
(the stop reason by name, never colour alone), its work-item deliveries; a lane per condition
the scenario changed; every step as a numbered marker on the time axis. The header names the
device (serial, model, API level) and the jobctl version. No scripts, no network: the file
opens anywhere, at the page's full width.

Colours are the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008), distinct for
the common forms of colour blindness; every bar also carries its label.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from html import escape

from bridge._version import __version__
from bridge.scenario.lanes import Lane, ReportDevice, RunTimeline, Segment, SegmentKind, lanes_of
from bridge.scenario.model import ScenarioResult

SEGMENT_COLOURS: dict[SegmentKind, tuple[str, str]] = {
    SegmentKind.FINISHED: ("#009E73", "#000000"),  # bluish green
    SegmentKind.STOPPED_CONSTRAINT: ("#E69F00", "#000000"),  # orange
    SegmentKind.STOPPED_SYSTEM: ("#D55E00", "#FFFFFF"),  # vermillion
    SegmentKind.STOPPED_BY_APP: ("#CC79A7", "#000000"),  # reddish purple
    SegmentKind.RUNNING: ("#56B4E9", "#000000"),  # sky blue
    SegmentKind.OTHER: ("#000000", "#FFFFFF"),
    SegmentKind.ON: ("#0072B2", "#FFFFFF"),  # blue
    SegmentKind.OFF: ("#F0E442", "#000000"),  # yellow
    SegmentKind.VALUE: ("#56B4E9", "#000000"),
    SegmentKind.AS_FOUND: ("#E8E8E8", "#444444"),
}
"""Fill and text colour of each kind of bar (Okabe-Ito)."""
LEGEND: tuple[tuple[SegmentKind, str], ...] = (
    (SegmentKind.FINISHED, "run finished"), (SegmentKind.STOPPED_CONSTRAINT, "stopped: a constraint no longer held"),
    (SegmentKind.STOPPED_SYSTEM, "stopped by the system (timeout, quota, bucket, Doze, restriction)"),
    (SegmentKind.STOPPED_BY_APP, "cancelled by the app or the user"), (SegmentKind.RUNNING, "still running"),
    (SegmentKind.OTHER, "error or process death"), (SegmentKind.ON, "condition on"),
    (SegmentKind.OFF, "condition off"), (SegmentKind.VALUE, "condition value"),
    (SegmentKind.AS_FOUND, "condition as the device had it"),
)

VIEW_WIDTH = 1400
"""The SVG's coordinate width; it is drawn at the page's full width (``width: 100%``)."""
RIGHT, AXIS_TOP, LANE_GAP = 28, 44, 10
JOB_LANE, CONDITION_LANE, BAR = 58, 28, 22
ITEM_BAND = 12
"""Room above a job's bar for the dequeue markers, and below it for the completed/incomplete ones."""
FONT_PX = 12
CHAR_PX = 7.0
"""Width of one character at :data:`FONT_PX` in the report's font (generous: labels never clip)."""

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px 20px;color:#1a1a1a;max-width:none}
header{border-bottom:1px solid #ccc;padding-bottom:8px;margin-bottom:12px}
header h1{font-size:1.4em;margin:0 0 4px}
header dl{display:flex;flex-wrap:wrap;gap:4px 22px;margin:0}header dt{font-weight:600}header dd{margin:0 0 0 4px}
header dl div{display:flex}
h2{font-size:1.15em;margin-top:1.6em}
.passed{color:#006d4f}.failed,.error{color:#b34000}.skipped{color:#666}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:.9em}
svg.timeline{display:block;width:100%;height:auto;border:1px solid #ddd;background:#fff}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:.85em;margin:8px 0}
.swatch{display:inline-block;width:14px;height:14px;margin-right:5px;vertical-align:middle;border:1px solid #999}
"""


def html_report(results: Sequence[ScenarioResult], title: str = "jobctl scenario report",
                device: ReportDevice | None = None) -> str:
    passed = sum(1 for r in results if r.passed and not r.skipped)
    parts = [f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
             f'<meta name="viewport" content="width=device-width"><style>{_CSS}</style></head><body>',
             _header(title, device), f"<p>{passed} of {len(results)} scenario(s) passed.</p>", _legend()]
    for result, timeline in lanes_of(results):
        parts.append(_scenario(result, timeline))
    parts.append("</body></html>\n")
    return "".join(parts)


def _header(title: str, device: ReportDevice | None) -> str:
    facts = [("jobctl", __version__)]
    if device is not None:
        facts = [("device", device.serial), ("model", device.model or "?"), ("API level", str(device.api_level)),
                 *facts]
    items = "".join(f'<div><dt>{escape(k)}</dt><dd class="fact-{escape(k.split()[0].lower())}">{escape(v)}</dd></div>'
                    for k, v in facts)
    return f"<header><h1>{escape(title)}</h1><dl>{items}</dl></header>"


def _legend() -> str:
    spans = "".join(f'<span><i class="swatch" style="background:{SEGMENT_COLOURS[kind][0]}"></i>{escape(text)}</span>'
                    for kind, text in LEGEND)
    return (f'<p class="legend">{spans}<span>▼ work item dequeued (tag#delivery)</span>'
            f"<span>● completed</span><span>○ left incomplete</span><span>┆ step (number)</span></p>")


def _scenario(result: ScenarioResult, timeline: RunTimeline) -> str:
    scenario = result.scenario
    when = datetime.fromtimestamp(result.started_wall, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    rows = "".join(
        f'<tr><td>{s.index}</td><td>{escape(s.action)}</td><td>{escape(s.description)}</td>'
        f'<td class="{s.status.value}">{s.status.value}</td><td>{s.duration:.3f} s</td>'
        f'<td>{escape(s.message)}</td></tr>'
        for s in result.steps)
    out = [f'<section><h2>{escape(scenario.name)} <span class="{result.status}">{result.status}</span></h2>',
           f"<p>{escape(scenario.description)}<br><small>{escape(scenario.source)} · {when} · "
           f"{result.duration:.2f} s</small></p>"]
    if result.message and not result.passed:
        out.append(f'<p class="{result.status}">{escape(result.message)}</p>')
    if timeline.lanes:
        out.append(timeline_svg(timeline))
    out.append("<table><tr><th>#</th><th>step</th><th>what</th><th>outcome</th><th>time</th><th>message</th></tr>"
               f"{rows}</table></section>")
    return "".join(out)


def nice_ticks(span_ms: int, target: int = 8) -> tuple[int, list[int]]:
    """``(step, ticks)``: a 1-2-5 step giving about ``target`` ticks over ``0..span_ms``."""
    raw = max(span_ms / target, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return int(step), list(range(0, span_ms + 1, int(step)))


def tick_label(ms: int, step_ms: int) -> str:
    """``ms`` in seconds with as many decimals as the step needs (``2 s``, ``0.5 s``, ``0.02 s``)."""
    decimals = next(d for d, unit in ((0, 1000), (1, 100), (2, 10), (3, 1)) if step_ms % unit == 0)
    return f"{ms / 1000:.{decimals}f} s"


def _label_width(text: str) -> float:
    return len(text) * CHAR_PX + 8


def timeline_svg(timeline: RunTimeline) -> str:
    """One scenario's lanes as an inline ``<svg>`` (x: wall-clock ms, see :mod:`bridge.scenario.lanes`)."""
    left = max(_label_width(lane.title) for lane in timeline.lanes) + 12
    plot_right = VIEW_WIDTH - RIGHT
    span = timeline.end_ms - timeline.start_ms

    def x(ms: int) -> float:
        clamped = min(max(ms, timeline.start_ms), timeline.end_ms)
        return left + (plot_right - left) * (clamped - timeline.start_ms) / span

    heights = [JOB_LANE if lane.kind == "job" else CONDITION_LANE for lane in timeline.lanes]
    bottom = AXIS_TOP + sum(heights) + LANE_GAP * len(heights)
    height = bottom + 26
    parts = [f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW_WIDTH} {height}" '
             f'role="img" font-size="{FONT_PX}" font-family="system-ui,sans-serif">']
    step_ms, ticks = nice_ticks(span)
    for tick in ticks:  # grid and labels, top and bottom
        tx = x(timeline.start_ms + tick)
        anchor = "end" if tx > plot_right - 30 else "middle"
        label = escape(tick_label(tick, step_ms))
        parts.append(f'<line x1="{tx:.1f}" y1="{AXIS_TOP - 4}" x2="{tx:.1f}" y2="{bottom}" stroke="#e4e4e4"/>'
                     f'<text class="tick" x="{tx:.1f}" y="{bottom + 16}" text-anchor="{anchor}" fill="#444">'
                     f"{label}</text>")
    y = AXIS_TOP
    for lane, lane_height in zip(timeline.lanes, heights, strict=True):
        parts.append(_lane(lane, y, lane_height, left, plot_right, x))
        y += lane_height + LANE_GAP
    for step in timeline.steps:
        sx = x(step.at_ms)
        what = escape(f"step {step.index}: {step.description} ({step.status.value})")
        parts.append(f'<g class="step-marker" data-step="{step.index}"><title>{what}</title>'
                     f'<line x1="{sx:.1f}" y1="{AXIS_TOP - 16}" x2="{sx:.1f}" y2="{bottom}" stroke="#333" '
                     f'stroke-dasharray="3,3"/><circle cx="{sx:.1f}" cy="{AXIS_TOP - 26}" r="9" fill="#333"/>'
                     f'<text x="{sx:.1f}" y="{AXIS_TOP - 22}" text-anchor="middle" fill="#fff" font-size="11">'
                     f"{step.index}</text></g>")
    parts.append("</svg>")
    return "".join(parts)


def _lane(lane: Lane, top: int, lane_height: int, left: float, plot_right: float, x: Callable[[int], float]) -> str:
    bar_top = top + ITEM_BAND + 1 if lane.kind == "job" else top + lane_height - BAR - 2
    parts = [f'<g class="lane lane-{lane.kind}" data-lane="{escape(lane.title)}">'
             f'<rect x="0" y="{top}" width="{VIEW_WIDTH}" height="{lane_height}" fill="#f7f7f7" opacity=".6"/>'
             f'<text class="lane-title" x="8" y="{bar_top + BAR / 2 + 4}" font-weight="600">'
             f"{escape(lane.title)}</text>"]
    for segment in lane.segments:
        parts.append(_segment(segment, bar_top, left, plot_right, x))
    for marker in lane.markers:
        mx = x(marker.at_ms)
        if marker.done is None:
            parts.append(f'<path d="M{mx - 5:.1f},{top + 2} L{mx + 5:.1f},{top + 2} L{mx:.1f},{top + 11} Z" '
                         f'fill="#222"><title>{escape(marker.detail)}</title></path>'
                         f'<text class="item-label" x="{mx + 7:.1f}" y="{top + 11}" font-size="10">'
                         f"{escape(marker.label)}</text>")
        else:
            parts.append(f'<circle cx="{mx:.1f}" cy="{bar_top + BAR + 6}" r="4" stroke="#222" stroke-width="1.5" '
                         f'fill="{"#222" if marker.done else "#fff"}"><title>{escape(marker.detail)}</title></circle>')
    parts.append("</g>")
    return "".join(parts)


def _segment(segment: Segment, bar_top: int, left: float, plot_right: float, x: Callable[[int], float]) -> str:
    start, stop = x(segment.start_ms), x(segment.end_ms)
    width = max(stop - start, 3.0)
    fill, ink = SEGMENT_COLOURS[segment.kind]
    need = _label_width(segment.label)
    if need <= width:  # inside the bar
        lx, anchor, colour = start + width / 2, "middle", ink
    elif start + width + 4 + need <= plot_right:  # after it
        lx, anchor, colour = start + width + 4, "start", "#1a1a1a"
    else:  # before it
        lx, anchor, colour = max(start - 4, left + need), "end", "#1a1a1a"
    return (f'<g class="segment segment-{segment.kind.value}"><title>{escape(segment.detail)}</title>'
            f'<rect x="{start:.1f}" y="{bar_top}" width="{width:.1f}" height="{BAR}" rx="3" fill="{fill}" '
            f'stroke="#555" stroke-width=".5"/>'
            f'<text class="run-label" x="{lx:.1f}" y="{bar_top + BAR / 2 + 4}" text-anchor="{anchor}" '
            f'fill="{colour}">{escape(segment.label)}</text></g>')
