"""Small accessible SVG charts drawn from computed counts (no chart library, no JavaScript).

Every number is also printed in the chart and given as a table beside it, so neither
colour nor the picture carries meaning alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Segment:
    key: str
    count: int
    href: str | None


@dataclass(frozen=True)
class Bar:
    label: str
    segments: Sequence[Segment]


PALETTE = {"high": "#14532d", "moderate": "#1f5f99", "low": "#b26a00", "very-low": "#9b1c1c"}
"""Dark fills so the white count printed on each segment passes WCAG AA contrast."""


def stacked_bars(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    legend: Sequence[tuple[str, str]],
    segment_label: Callable[[Bar, Segment], str],
) -> Markup:
    """Horizontal stacked bars, one per row, with the count written on every segment."""
    label_width, bar_width, row_height, gap = 230, 420, 26, 8
    total_max = max((sum(s.count for s in bar.segments) for bar in bars), default=1) or 1
    unit = bar_width / total_max
    height = len(bars) * (row_height + gap) + 40
    width = label_width + bar_width + 40
    parts = [
        # role="group", not "img": an image cannot contain the segments' links (WCAG 4.1.2, axe nested-interactive).
        (
            f'<svg class="kb-chart" id="{escape(chart_id)}" role="group" aria-labelledby="{escape(chart_id)}-title" aria-describedby="{escape(chart_id)}-desc" '
            f'viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        ),
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for row, bar in enumerate(bars):
        y = row * (row_height + gap)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + row_height * 0.68:.1f}" text-anchor="end" class="kb-chart-label">{escape(bar.label)}</text>'
        )
        x = float(label_width)
        for segment in bar.segments:
            if not segment.count:
                continue
            w = segment.count * unit
            rect = (
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_height}" fill="{PALETTE.get(segment.key, "#444")}">'
                f"<title>{escape(segment_label(bar, segment))}</title></rect>"
                f'<text x="{x + w / 2:.1f}" y="{y + row_height * 0.68:.1f}" text-anchor="middle" fill="#fff" class="kb-chart-count">{segment.count}</text>'
            )
            if segment.href:
                rect = f'<a href="{escape(segment.href)}" aria-label="{escape(segment_label(bar, segment))}">{rect}</a>'
            parts.append(rect)
            x += w
    legend_y = len(bars) * (row_height + gap) + 14
    x = float(label_width)
    for key, text in legend:
        parts.append(f'<rect x="{x:.1f}" y="{legend_y}" width="14" height="14" fill="{PALETTE.get(key, "#444")}"/>')
        parts.append(f'<text x="{x + 18:.1f}" y="{legend_y + 12}" class="kb-chart-legend">{escape(text)}</text>')
        x += 18 + 7.5 * len(text) + 16
    parts.append("</svg>")
    return Markup("".join(parts))
