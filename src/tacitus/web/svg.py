"""Small server-side SVG charts: a dyad's cooperation-conflict series, an actor's partners."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["fill_periods", "partner_network", "trend_chart"]

# Presentation attributes rather than CSS, so a chart also renders standalone.
QUAD_COLOURS = {"q1": "#8fc98f", "q2": "#2e7d32", "q3": "#f0a35e", "q4": "#c62828"}
QUAD_LABELS = {
    "q1": "verbal cooperation",
    "q2": "material cooperation",
    "q3": "verbal conflict",
    "q4": "material conflict",
}
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def _a(value: Any) -> str:
    """Escape a value for an XML attribute or text node."""
    return escape(str(value), quote=True)


def _num(row: Mapping[str, Any], key: str) -> float:
    value = row.get(key)
    return float(value) if isinstance(value, int | float) else 0.0


def trend_chart(
    rows: Sequence[Mapping[str, Any]],
    *,
    link: Callable[[str], str] | None = None,
    selected: str | None = None,
    width: int = 760,
    height: int = 320,
    title: str = "",
) -> str:
    """Diverging bars (cooperation up, conflict down) with the Goldstein mean as a line.

    `rows` are trend rows ({"period", "q1".."q4", "goldstein_mean", "events"}); `link`
    maps a period to the URL its bar opens.
    """
    left, right, top, bottom = 44, 44, 24, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    mid = top + plot_h / 2
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT}>',
        f"<title>{_a(title or 'Cooperation and conflict over time')}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if not rows:
        out.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#555">'
            "No events in this period.</text></svg>"
        )
        return "".join(out)
    coop = [_num(r, "q1") + _num(r, "q2") for r in rows]
    conf = [_num(r, "q3") + _num(r, "q4") for r in rows]
    peak = max(max(coop), max(conf), 1.0)
    scale = (plot_h / 2) / peak
    step = plot_w / len(rows)
    bar = max(min(step * 0.7, 48.0), 1.0)
    # Axes: counts on the left, Goldstein (-10..10) on the right.
    out.append(
        f'<line x1="{left}" y1="{mid}" x2="{left + plot_w}" y2="{mid}" stroke="#444"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>'
        f'<line x1="{left + plot_w}" y1="{top}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#999"/>'
    )
    peak_label = f"{peak:g}"
    for y, label in ((top, peak_label), (mid, "0"), (top + plot_h, peak_label)):
        out.append(
            f'<text x="{left - 4}" y="{y + 4}" text-anchor="end" fill="#333">{_a(label)}</text>'
        )
    for g in (10, 0, -10):
        y = mid - g * (plot_h / 2) / 10
        out.append(
            f'<text x="{left + plot_w + 4}" y="{y + 4}" fill="#1a4f8b">{g:+d}</text>'
            if g
            else f'<text x="{left + plot_w + 4}" y="{y + 4}" fill="#1a4f8b">0</text>'
        )
    out.append(
        f'<text x="{left - 30}" y="{top - 8}" fill="#333">events</text>'
        f'<text x="{left + plot_w - 20}" y="{top - 8}" fill="#1a4f8b">Goldstein</text>'
    )
    label_every = max(1, math.ceil(len(rows) / 12))
    points = []
    for i, row in enumerate(rows):
        period = str(row.get("period", ""))
        cx = left + step * i + step / 2
        x = cx - bar / 2
        y = mid
        for key in ("q2", "q1"):  # material cooperation nearest the axis
            h = _num(row, key) * scale
            if h:
                out.append(
                    f'<rect class="{key}" x="{x:.1f}" y="{y - h:.1f}" width="{bar:.1f}" '
                    f'height="{h:.1f}" fill="{QUAD_COLOURS[key]}"/>'
                )
                y -= h
        y = mid
        for key in ("q4", "q3"):
            h = _num(row, key) * scale
            if h:
                out.append(
                    f'<rect class="{key}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                    f'height="{h:.1f}" fill="{QUAD_COLOURS[key]}"/>'
                )
                y += h
        mean = row.get("goldstein_mean")
        if isinstance(mean, int | float):
            points.append((cx, mid - float(mean) * (plot_h / 2) / 10))
        if i % label_every == 0:
            out.append(
                f'<text x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'fill="#333">{_a(period)}</text>'
            )
        tip = (
            f"{period}: {int(_num(row, 'events'))} events; "
            + ", ".join(f"{QUAD_LABELS[k]} {int(_num(row, k))}" for k in QUAD_LABELS)
            + (f"; Goldstein mean {float(mean):+.2f}" if isinstance(mean, int | float) else "")
        )
        hit = (
            f'<rect class="period{" selected" if period == selected else ""}" '
            f'x="{cx - step / 2:.1f}" y="{top}" width="{step:.1f}" height="{plot_h}" '
            f'fill="{"#1a4f8b" if period == selected else "#000000"}" '
            f'fill-opacity="{0.08 if period == selected else 0}">'
            f"<title>{_a(tip)}</title></rect>"
        )
        if link is not None and _num(row, "events") > 0:
            hit = f'<a href="{_a(link(period))}" data-period="{_a(period)}">{hit}</a>'
        out.append(hit)
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="#1a4f8b" stroke-width="2" '
            'pointer-events="none"/>'
        )
        out.extend(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1a4f8b" pointer-events="none"/>'
            for x, y in points
        )
    legend_y = height - 8
    lx = left
    for key, label in QUAD_LABELS.items():
        out.append(
            f'<rect x="{lx}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{QUAD_COLOURS[key]}"/>'
            f'<text x="{lx + 14}" y="{legend_y}" fill="#333">{_a(label)}</text>'
        )
        lx += 24 + 6 * len(label)
    out.append(
        f'<line x1="{lx}" y1="{legend_y - 4}" x2="{lx + 16}" y2="{legend_y - 4}" '
        'stroke="#1a4f8b" stroke-width="2"/>'
        f'<text x="{lx + 20}" y="{legend_y}" fill="#333">Goldstein mean</text>'
    )
    out.append("</svg>")
    return "".join(out)


def _next_period(period: str, by: str) -> str | None:
    try:
        if by == "year":
            return str(int(period) + 1)
        if by == "month":
            y, m = int(period[:4]), int(period[5:7])
            return f"{y + m // 12}-{m % 12 + 1:02d}"
        step = 7 if by == "week" else 1
        return (dt.date.fromisoformat(period) + dt.timedelta(days=step)).isoformat()
    except ValueError:
        return None


def fill_periods(
    rows: Sequence[Mapping[str, Any]], by: str, *, most: int = 400
) -> list[Mapping[str, Any]]:
    """The rows with empty periods put in the gaps, so that time runs evenly along the axis
    (unless that would make more than `most` periods)."""
    if len(rows) < 2:
        return list(rows)
    out: list[Mapping[str, Any]] = [rows[0]]
    for row in rows[1:]:
        period = _next_period(str(out[-1]["period"]), by)
        while period is not None and period < str(row["period"]):
            out.append({"period": period, "events": 0, "q1": 0, "q2": 0, "q3": 0, "q4": 0})
            if len(out) > most:
                return list(rows)
            period = _next_period(period, by)
        out.append(row)
    return out


def _tone(goldstein: float | None) -> str:
    if goldstein is None:
        return "#888888"
    if goldstein > 0.5:
        return "#2e7d32"
    if goldstein < -0.5:
        return "#c62828"
    return "#888888"


def partner_network(
    actor: str,
    partners: Sequence[tuple[str, int, float | None]],
    *,
    link: Callable[[str], str] | None = None,
    size: int = 420,
) -> str:
    """A star: `actor` in the middle, its partners around it.

    `partners` are (code, events, goldstein mean); edge width grows with events and
    its colour says cooperation (green) or conflict (red).
    """
    c = size / 2
    radius = size / 2 - 50
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" role="img" '
        f'viewBox="0 0 {size} {size}" width="{size}" height="{size}" {FONT}>',
        f"<title>{_a(actor)} and its partners</title>",
        f'<rect x="0" y="0" width="{size}" height="{size}" fill="#ffffff"/>',
    ]
    top = partners[:16]
    most = max((n for _, n, _ in top), default=1) or 1
    nodes = []
    for i, (code, n, mean) in enumerate(top):
        angle = 2 * math.pi * i / max(len(top), 1) - math.pi / 2
        x, y = c + radius * math.cos(angle), c + radius * math.sin(angle)
        w = 1 + 7 * n / most
        tip = f"{actor}–{code}: {n} events" + (
            f", Goldstein mean {mean:+.2f}" if mean is not None else ""
        )
        out.append(
            f'<line x1="{c}" y1="{c}" x2="{x:.1f}" y2="{y:.1f}" stroke="{_tone(mean)}" '
            f'stroke-width="{w:.1f}" stroke-opacity="0.7"><title>{_a(tip)}</title></line>'
        )
        node = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="18" fill="#f4f6fa" stroke="#1a4f8b"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" fill="#111">{_a(code)}</text>'
        )
        if link is not None:
            node = f'<a href="{_a(link(code))}"><title>{_a(tip)}</title>{node}</a>'
        nodes.append(node)
    out.extend(nodes)
    out.append(
        f'<circle cx="{c}" cy="{c}" r="24" fill="#1a4f8b"/>'
        f'<text x="{c}" y="{c + 4}" text-anchor="middle" fill="#ffffff" '
        f'font-weight="bold">{_a(actor)}</text>'
    )
    if not top:
        out.append(
            f'<text x="{c}" y="{c + 50}" text-anchor="middle" fill="#555">No partners yet.</text>'
        )
    out.append("</svg>")
    return "".join(out)
