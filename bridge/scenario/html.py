"""A self-contained HTML report: per scenario its steps and, per job, an inline SVG timeline
(run bars from start to stop coloured by stop reason, work-item dequeue/complete markers).
No scripts, no network: the file opens anywhere."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

from bridge.model import (
    EventKind,
    JobEvent,
    JobRun,
    RunEnd,
    StopReason,
    runs_from_events,
)
from bridge.scenario.model import ScenarioResult

WIDTH, LEFT, RIGHT = 860, 70, 20
BAR_Y, BAR_H = 34, 26
HEIGHT = 100
STOP_COLOURS: dict[int, str] = {
    StopReason.UNDEFINED: "#9e9e9e", StopReason.CANCELLED_BY_APP: "#8d6e63", StopReason.PREEMPT: "#ab47bc",
    StopReason.TIMEOUT: "#ef6c00", StopReason.DEVICE_STATE: "#5c6bc0",
    StopReason.CONSTRAINT_BATTERY_NOT_LOW: "#f9a825", StopReason.CONSTRAINT_CHARGING: "#fbc02d",
    StopReason.CONSTRAINT_CONNECTIVITY: "#1e88e5", StopReason.CONSTRAINT_DEVICE_IDLE: "#00897b",
    StopReason.CONSTRAINT_STORAGE_NOT_LOW: "#6d4c41", StopReason.QUOTA: "#d81b60",
    StopReason.BACKGROUND_RESTRICTION: "#e53935", StopReason.APP_STANDBY: "#c2185b", StopReason.USER: "#7e57c2",
    StopReason.SYSTEM_PROCESSING: "#546e7a", StopReason.ESTIMATED_APP_LAUNCH_TIME_CHANGED: "#26a69a",
}
FINISHED_COLOUR, OPEN_COLOUR, OTHER_COLOUR = "#43a047", "#bdbdbd", "#616161"
_CSS = """
body{font-family:system-ui,sans-serif;margin:24px;color:#212121}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}h3{font-size:1em;margin:1em 0 .2em}
.passed{color:#2e7d32}.failed,.error{color:#c62828}.skipped{color:#757575}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:.9em}
svg{display:block;border:1px solid #eee;background:#fafafa}
.legend span{display:inline-block;margin-right:12px;font-size:.85em}
.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
"""


def html_report(results: Sequence[ScenarioResult], title: str = "jobctl scenario report") -> str:
    passed = sum(1 for r in results if r.passed and not r.skipped)
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
             f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1>",
             f"<p>{passed} of {len(results)} scenario(s) passed.</p>", _legend()]
    for result in results:
        parts.append(_scenario(result))
    parts.append("</body></html>\n")
    return "".join(parts)


def _legend() -> str:
    items = [(FINISHED_COLOUR, "finished"), (OPEN_COLOUR, "still running")]
    items += [(colour, StopReason(value).name) for value, colour in STOP_COLOURS.items()]
    spans = "".join(f'<span><i class="swatch" style="background:{c}"></i>{escape(n)}</span>' for c, n in items)
    return (f'<p class="legend">{spans}<span>▼ work item dequeued (delivery count)</span>'
            f'<span>● completed</span><span>○ left incomplete</span></p>')


def _scenario(result: ScenarioResult) -> str:
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
    out.append("<table><tr><th>#</th><th>step</th><th>what</th><th>outcome</th><th>time</th><th>message</th></tr>"
               f"{rows}</table>")
    jobs = sorted({(e.namespace, e.job_id) for e in result.events if e.job_id is not None},
                  key=lambda k: (k[0] or "", k[1] if k[1] is not None else 0))
    if result.events:
        origin = min(e.elapsed_ms for e in result.events)
        end = max(max(e.elapsed_ms for e in result.events), origin + 1)
        runs = runs_from_events(result.events)
        for namespace, job_id in jobs:
            mine = [e for e in result.events if e.job_id == job_id and e.namespace == namespace]
            job_runs = [r for r in runs if r.job_id == job_id and r.namespace == namespace]
            label = f"job {job_id}" + (f" (namespace {namespace})" if namespace is not None else "")
            out.append(f"<h3>{escape(label)}</h3>" + timeline_svg(mine, job_runs, origin, end))
    out.append("</section>")
    return "".join(out)


def timeline_svg(events: Sequence[JobEvent], runs: Sequence[JobRun], origin_ms: int, end_ms: int) -> str:
    """One job's timeline as an inline ``<svg>``; x is ``elapsed_ms`` from ``origin_ms`` to ``end_ms``."""
    span = max(end_ms - origin_ms, 1)
    plot = WIDTH - LEFT - RIGHT

    def x(ms: int) -> float:
        return LEFT + plot * (ms - origin_ms) / span

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img">',
             f'<text x="4" y="{BAR_Y + BAR_H / 2 + 4}" font-size="11">runs</text>',
             f'<line x1="{LEFT}" y1="{HEIGHT - 22}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - 22}" stroke="#999"/>']
    for tick in range(5):
        ms = origin_ms + span * tick // 4
        parts.append(f'<line x1="{x(ms):.1f}" y1="{HEIGHT - 22}" x2="{x(ms):.1f}" y2="{HEIGHT - 18}" stroke="#999"/>'
                     f'<text x="{x(ms):.1f}" y="{HEIGHT - 6}" font-size="10" text-anchor="middle">'
                     f"{(ms - origin_ms) / 1000:.3f} s</text>")
    for run in runs:
        start = x(run.start_elapsed_ms)
        stop = x(run.end_elapsed_ms if run.end_elapsed_ms is not None else end_ms)
        colour, what = _run_colour(run)
        parts.append(f'<rect x="{start:.1f}" y="{BAR_Y}" width="{max(stop - start, 3):.1f}" height="{BAR_H}" '
                     f'fill="{colour}" rx="3"><title>{escape(what)}</title></rect>')
    for event in events:
        if event.kind is EventKind.WORK_DEQUEUED:
            cx, tag = x(event.elapsed_ms), str(event.get("tag"))
            count = event.get("delivery_count")
            parts.append(f'<path d="M{cx - 5:.1f},{BAR_Y - 14} L{cx + 5:.1f},{BAR_Y - 14} L{cx:.1f},{BAR_Y - 4} Z" '
                         f'fill="#263238"><title>{escape(f"dequeued {tag} (delivery {count})")}</title></path>'
                         f'<text x="{cx + 7:.1f}" y="{BAR_Y - 6}" font-size="10">{escape(tag)}#{count}</text>')
        elif event.kind in (EventKind.WORK_COMPLETED, EventKind.WORK_INCOMPLETE):
            cx, tag = x(event.elapsed_ms), str(event.get("tag"))
            done = event.kind is EventKind.WORK_COMPLETED
            parts.append(f'<circle cx="{cx:.1f}" cy="{BAR_Y + BAR_H + 8}" r="4" stroke="#263238" '
                         f'fill="{"#263238" if done else "none"}"><title>'
                         f'{escape(("completed " if done else "left incomplete ") + tag)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def _run_colour(run: JobRun) -> tuple[str, str]:
    duration = f"{run.duration_ms} ms" if run.duration_ms is not None else "still running"
    if run.stop_reason is not None:
        reason = run.stop_reason
        name = reason.name if isinstance(reason, StopReason) else f"stop reason {reason}"
        return STOP_COLOURS.get(int(reason), OTHER_COLOUR), f"stopped: {name} ({duration})"
    if run.end is RunEnd.FINISHED:
        return FINISHED_COLOUR, f"finished ({duration})"
    if run.end is None:
        return OPEN_COLOUR, "still running"
    return OTHER_COLOUR, f"{run.end.value} ({duration})"
