"""Server-rendered inline SVG charts: no JavaScript, no CDN, nothing fetched by the browser."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = (
    "#2f6fde",
    "#2e9b6a",
    "#c43c3c",
    "#d9912b",
    "#7a4fc4",
    "#3aa6b9",
    "#b8477f",
    "#6b7488",
    "#8aa63a",
    "#a0522d",
    "#4a5468",
)


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    color: str


def palette(keys: list[str], labels: dict[str, str] | None = None) -> list[Series]:
    return [Series(k, (labels or {}).get(k, k), PALETTE[i % len(PALETTE)]) for i, k in enumerate(keys)]


def nice_max(value: float) -> tuple[float, float]:
    """(axis maximum, tick step) with 2–5 ticks of a round step."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(value / step), step


def _num(v: float) -> str:
    """German number: '3', '2,5', '0,25'."""
    if float(v).is_integer():
        return f"{v:.0f}"
    return f"{v:.2f}".rstrip("0").replace(".", ",")


def bar_chart(
    categories: list[str],
    series: list[Series],
    values: dict[str, list[float]],
    *,
    title: str,
    stacked: bool = False,
    unit: str = "",
    width: int = 760,
    height: int = 250,
    label_every: int = 1,
    highlight: set[int] | None = None,
) -> Markup:
    """Vertical bars per category: grouped (one bar per series) or stacked. Every bar has a tooltip."""
    left, right, top, bottom = 44, 10, 30, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(categories))
    totals = [
        sum(values[s.key][i] for s in series) if stacked else max((values[s.key][i] for s in series), default=0)
        for i in range(len(categories))
    ]
    y_max, step = nice_max(max(totals, default=0))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    # legend
    x = left
    for s in series:
        parts.append(
            f'<rect x="{x}" y="6" width="10" height="10" fill="{s.color}"/>'
            f'<text x="{x + 14}" y="15" font-size="11" fill="#4a5468">{escape(s.label)}</text>'
        )
        x += 22 + 7 * len(s.label)
    # grid and y axis
    if unit.strip():
        parts.append(
            f'<text x="{left - 6}" y="{top - 14}" font-size="10" text-anchor="end" fill="#6b7488">'
            f"{escape(unit.strip())}</text>"
        )
    ticks = round(y_max / step)
    for t in range(ticks + 1):
        v = t * step
        y = top + plot_h - plot_h * v / y_max
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e7eaf0"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#6b7488">{_num(v)}</text>'
        )
    slot = plot_w / n
    for i, cat in enumerate(categories):
        x0 = left + i * slot
        if highlight and i in highlight:
            parts.append(f'<rect x="{x0:.1f}" y="{top}" width="{slot:.1f}" height="{plot_h}" fill="#fff6e0"/>')
        if stacked:
            bw, y = slot * 0.7, top + plot_h
            for s in series:
                v = values[s.key][i]
                if v <= 0:
                    continue
                h = plot_h * v / y_max
                y -= h
                parts.append(
                    f'<rect x="{x0 + (slot - bw) / 2:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                    f'fill="{s.color}"><title>{escape(cat)} · {escape(s.label)}: {_num(v)}{unit}</title></rect>'
                )
        else:
            bw = slot * 0.8 / max(1, len(series))
            for j, s in enumerate(series):
                v = values[s.key][i]
                h = plot_h * v / y_max if v > 0 else 0
                parts.append(
                    f'<rect x="{x0 + slot * 0.1 + j * bw:.1f}" y="{top + plot_h - h:.1f}" width="{bw:.1f}" '
                    f'height="{h:.1f}" fill="{s.color}"><title>{escape(cat)} · {escape(s.label)}: '
                    f"{_num(v)}{unit}</title></rect>"
                )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x0 + slot / 2:.1f}" y="{height - bottom + 16}" font-size="10" '
                f'text-anchor="middle" fill="#4a5468">{escape(cat)}</text>'
            )
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#9aa3b5"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def share_bars(items: list[tuple[str, int]], *, title: str, width: int = 760) -> Markup:
    """One horizontal bar per item with its count and share of the total."""
    total = sum(n for _, n in items) or 1
    row, label_w, right = 24, 190, 90
    height = 10 + row * max(1, len(items))
    bar_w = width - label_w - right
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, n) in enumerate(items):
        y = 5 + i * row
        w = bar_w * n / total
        share = 100 * n / total
        color = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end" fill="#1d2330">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" height="16" fill="{color}">'
            f"<title>{escape(label)}: {n} ({share:.0f} %)</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="12" fill="#4a5468">'
            f"{n} · {share:.0f} %</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
