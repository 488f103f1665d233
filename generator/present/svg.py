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


SERIES_FILLS = ("#1f5f99", "#b26a00", "#14532d", "#6b21a8", "#9b1c1c")
"""Dark fills (white text passes AA on each); series are also told apart by their legend order."""


def grouped_bars(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    maximum: float | None,
    format_value: Callable[[float], str],
    missing_label: str,
) -> Markup:
    """Horizontal grouped bars: one group per category, one bar per series, each value written
    beside its bar. A missing value is drawn as no bar and labelled, never as zero."""
    label_width, bar_width, bar_height, group_gap = 230, 380, 18, 14
    values = [v for _, vs in series for v in vs if v is not None]
    top = maximum if maximum is not None else (max(values, default=1) or 1)
    unit = bar_width / top
    group_height = len(series) * bar_height + group_gap
    legend_rows = len(series)
    height = len(categories) * group_height + legend_rows * 20 + 16
    width = label_width + bar_width + 90
    cid = escape(chart_id)
    parts = [
        f'<svg class="kb-chart" id="{cid}" role="img" aria-labelledby="{cid}-title" aria-describedby="{cid}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]
    for row, category in enumerate(categories):
        y0 = row * group_height
        parts.append(
            f'<text x="{label_width - 8}" y="{y0 + len(series) * bar_height / 2 + 5:.1f}" text-anchor="end" class="kb-chart-label">{escape(category)}</text>'
        )
        for s, (_, vs) in enumerate(series):
            value = vs[row]
            y = y0 + s * bar_height
            if value is None:
                parts.append(
                    f'<text x="{label_width + 4}" y="{y + bar_height * 0.75:.1f}" class="kb-chart-missing" fill="#55606a" font-style="italic">{escape(missing_label)}</text>'
                )
                continue
            w = max(value, 0) * unit
            parts.append(
                f'<rect x="{label_width}" y="{y + 1}" width="{w:.1f}" height="{bar_height - 2}" fill="{SERIES_FILLS[s % len(SERIES_FILLS)]}"/>'
            )
            parts.append(
                f'<text x="{label_width + w + 4:.1f}" y="{y + bar_height * 0.75:.1f}" class="kb-chart-count-outside">{escape(format_value(value))}</text>'
            )
    legend_y = len(categories) * group_height + 4
    for s, (name, _) in enumerate(series):
        y = legend_y + s * 20
        parts.append(f'<rect x="{label_width}" y="{y}" width="14" height="14" fill="{SERIES_FILLS[s % len(SERIES_FILLS)]}"/>')
        parts.append(f'<text x="{label_width + 20}" y="{y + 12}" class="kb-chart-legend">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
