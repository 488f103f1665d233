"""What the site and the printed report both draw: a publication chart as accessible SVG."""

from __future__ import annotations

from markupsafe import Markup

from .i18n import number, resolve, ui
from .models import Chart, Text
from .svg import grouped_bars


def chart_svg(pub_id: str, chart: Chart, lang: str) -> Markup:
    """A publication chart as accessible SVG, for the site and the PDF alike."""

    def plain(text: Text) -> str:
        return resolve(text, lang).text

    unit = plain(chart.unit) if chart.unit else ""
    categories = [plain(c) for c in chart.categories]
    series = [(plain(s.name), s.values) for s in chart.series]
    missing = ui("not_given", lang)
    described = "; ".join(
        f"{name}: "
        + ", ".join(f"{cat} {number(v, lang) if v is not None else missing}" for cat, v in zip(categories, vs, strict=True))
        for name, vs in series
    )
    return grouped_bars(
        f"chart-{pub_id}-{chart.id}",
        plain(chart.title),
        f"{described}{' (' + unit + ')' if unit else ''}.",
        categories,
        series,
        chart.maximum,
        lambda v: number(v, lang),
        missing,
    )
