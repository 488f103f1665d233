"""What the site and the printed report both draw: a publication chart as accessible SVG."""

from __future__ import annotations

from markupsafe import Markup

from .i18n import number, resolve, ui
from .models import Chart, Prisma, Text
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


def prisma_rows(prisma: Prisma, lang: str) -> list[tuple[str, int]]:
    """The flow diagram's counts as (label, count), in the order of the model's fields.

    Each label is named by its literal UI key, so a test can tell which keys are used."""
    labels = {
        "database_records": ui("prisma_database_records", lang),
        "openalex_records": ui("prisma_openalex_records", lang),
        "other_source_records": ui("prisma_other_source_records", lang),
        "duplicates_removed": ui("prisma_duplicates_removed", lang),
        "screened": ui("prisma_screened", lang),
        "excluded_by_reviewers": ui("prisma_excluded_by_reviewers", lang),
        "excluded_by_machine": ui("prisma_excluded_by_machine", lang),
        "other_source_excluded": ui("prisma_other_source_excluded", lang),
        "full_text_database": ui("prisma_full_text_database", lang),
        "included_database": ui("prisma_included_database", lang),
        "full_text_other": ui("prisma_full_text_other", lang),
        "included_other": ui("prisma_included_other", lang),
        "excluded_full_text_database": ui("prisma_excluded_full_text_database", lang),
        "excluded_full_text_other": ui("prisma_excluded_full_text_other", lang),
        "included_total": ui("prisma_included_total", lang),
    }
    return [(labels[name], count) for name, count in prisma]


def reading_label(reading: str, lang: str) -> str:
    """Whose reading an effect's direction is (`Effect.reading`), as a table cell says it."""
    labels = {"authors": ui("reading_authors", lang), "editorial": ui("reading_editorial", lang)}
    return labels[reading]
