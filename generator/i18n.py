"""Languages: UI strings, the fallback rule, and locale formatting through Babel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_date
from babel.numbers import format_decimal

from .models import Text

BABEL_LOCALE = {"nb": "nb_NO", "en": "en_GB"}
LUNR_LANGUAGE = {"nb": "no", "en": "en"}
"""lunr.js (the theme's search) knows bokmål only as "no". Kept as Python strings so the
YAML boolean trap (an unquoted no is false) cannot reach the search plugin's config."""
OTHER = {"nb": "en", "en": "nb"}
LANGUAGE_LABEL = {"nb": "Norsk (bokmål)", "en": "English"}


@dataclass(frozen=True)
class Localized:
    """A text resolved for one language; `fallback` names the language shown instead, if any."""

    text: str
    lang: str
    fallback: bool
    editorial: bool


def resolve(text: Text, lang: str) -> Localized:
    """The text in `lang`, or the other language's text marked as a fallback (never silently)."""
    value = text.get(lang)
    shown = lang
    if value is None:
        shown = OTHER[lang]
        value = text.get(shown) or ""
    origin = text.nb_origin if shown == "nb" else text.en_origin
    return Localized(value, shown, shown != lang, origin == "editorial")


def month_year(date: dt.date, lang: str) -> str:
    """'juni 2025' / 'June 2025'."""
    return format_date(date, "LLLL y", locale=BABEL_LOCALE[lang])


def long_date(date: dt.date, lang: str) -> str:
    return format_date(date, "long", locale=BABEL_LOCALE[lang])


def number(value: float, lang: str) -> str:
    """Locale number: '2,2' and '14 903' in Norwegian, '2.2' and '14,903' in English."""
    return format_decimal(value, locale=BABEL_LOCALE[lang])


UI: dict[str, dict[str, str]] = {
    "nb": {
        "home": "Hjem",
        "site_name": "Kunnskapsbase – samarbeid rundt elever",
        "characteristics_group": "Kjennetegn",
        "publication": "Publikasjon",
        "key_messages": "Hovedbudskap",
        "summary": "Sammendrag",
        "method": "Metode i korte trekk",
        "findings_table": "Oppsummering av kvalitative funn",
        "evidence_profiles": "Evidensprofiler",
        "evidence_profile": "Evidensprofil",
        "characteristics": "Kjennetegn ved et godt tiltak",
        "matrix": "Tiltak og kjennetegn",
        "studies": "Studier",
        "all_studies": "Alle studier",
        "notes": "Merknader om kilden",
        "finding": "Funn",
        "number": "Nr.",
        "statement": "Oppsummert funn",
        "confidence": "Tillit (GRADE-CERQual)",
        "explanation": "Begrunnelse for vurderingen",
        "contributing_studies": "Studier som inngår i funnet",
        "component": "Komponent",
        "level": "Vurdering",
        "theme": "Tema",
        "overall": "Samlet vurdering",
        "characteristic": "Kjennetegn",
        "description": "Beskrivelse",
        "question": "Spørsmål",
        "study": "Studie",
        "intervention": "Tiltak",
        "total": "Sum",
        "legend": "Tegnforklaring",
        "design": "Studiedesign",
        "country": "Land",
        "year": "År",
        "authors": "Forfattere",
        "aliases": "Også omtalt som",
        "reference_number": "Referansenummer i kilden",
        "publication_type": "Publikasjonstype",
        "setting": "Kontekst",
        "population": "Populasjon / utvalg",
        "recruitment": "Rekruttering",
        "aim": "Formål",
        "outcomes": "Utfall",
        "school_level": "Skolenivå",
        "appraisal": "Vurdering av metodisk kvalitet",
        "tool": "Verktøy",
        "criterion": "Kriterium",
        "answer": "Svar",
        "results": "Resultater",
        "outcome": "Utfall",
        "result": "Resultat",
        "significance": "Statistisk signifikant",
        "significant_yes": "Ja",
        "significant_no": "Nei",
        "significant_unknown": "Ikke oppgitt",
        "used_in_findings": "Bidrar til funn",
        "used_in_matrix": "Vurdert i matrisen",
        "included_in": "Inkludert i",
        "none": "Ingen",
        "notes_here": "Merknader om kilden",
        "source_wording": "Kildens ordlyd",
        "pyramid_levels": "Nivå i tiltakspyramiden",
        "inclusion_criteria": "Inklusjonskriterier",
        "research_question": "Forskningsspørsmål",
        "searches": "Litteratursøk",
        "selection": "Utvelging av studier",
        "synthesis": "Analyse og sammenstilling",
        "prisma": "Utvelging av studier (flytdiagram)",
        "institutions": "Institusjoner",
        "commissioner": "Oppdragsgiver",
        "funding": "Finansiering",
        "version": "Versjon",
        "status": "Status",
        "date": "Dato",
        "studies_by_design": "Studier etter design",
        "studies_by_country": "Studier etter land",
        "findings_by_confidence": "Funn etter tillit",
        "findings_by_theme": "Funn etter tema",
        "count": "Antall",
        "fallback_notice": "Denne teksten finnes ikke på bokmål ennå; den vises på engelsk.",
        "source_english": "Kildens egen engelske tekst.",
        "editorial_translation": "Engelsk tekst er vår oversettelse.",
        "editorial_text": "Redaksjonell tekst, ikke fra kilden.",
        "history": "Endringer",
        "last_updated": "Sist oppdatert",
        "justification_sentence_note": "Begrunnelsen er laget ut fra vurderingen av de fire komponentene.",
        "explore": "Utforsk",
        "publications": "Publikasjoner",
        "site_description": "Kunnskapsbase om samarbeid rundt elever: skole-hjem-samarbeid ved skolefravær, tverrfaglige team i skolen og samarbeid på tvers av sektorer mot utenforskap.",
        "other_language": "English",
        "what_is_this": "Om kunnskapsbasen",
        "prisma_database_records": "Treff i databaser",
        "prisma_openalex_records": "Treff i OpenAlex",
        "prisma_other_source_records": "Treff i andre kilder",
        "prisma_duplicates_removed": "Dubletter fjernet",
        "prisma_screened": "Referanser screenet (databaser og OpenAlex)",
        "prisma_excluded_by_reviewers": "Ekskludert av forskerne",
        "prisma_excluded_by_machine": "Ekskludert ved maskinlæring (prioritert screening)",
        "prisma_other_source_excluded": "Ekskludert fra andre kilder",
        "prisma_full_text_database": "Lest i fulltekst (databaser)",
        "prisma_included_database": "Inkludert (databaser)",
        "prisma_full_text_other": "Lest i fulltekst (andre kilder)",
        "prisma_included_other": "Inkludert (andre kilder)",
        "prisma_excluded_full_text_database": "Ekskludert etter fulltekst (databaser)",
        "prisma_excluded_full_text_other": "Ekskludert etter fulltekst (andre kilder)",
        "prisma_included_total": "Inkludert totalt",
        "stated_by_source": "Tall slik kilden oppgir dem.",
        "pdf_full": "Last ned rapporten som PDF",
        "pdf_summary": "Last ned sammendraget som PDF",
        "downloads": "PDF",
        "pdf_summary_label": "PDF-sammendrag",
        "filter": "Filtrer tabellen",
        "findings_count": "{n} funn",
        "no_changes": "Ingen endringer er registrert for dette funnet. Publikasjonens gjeldende versjon er {version} ({date}).",
        "reference": "Referanse (APA)",
        "download_references": "Last ned referansene for referanseverktøy",
        "changelog": "Endringslogg",
        "changelog_intro": "Alle endringer i publikasjonen og dens funn og studier, nyeste først.",
        "findings_translated": "Funnene står i kildens ordlyd.",
        "showing_rows": "Viser {n} av {total} tiltak",
        "matrix_drilldown_note": "Hver celle og hver sum lenker til listen over tiltakene bak den. Summene er regnet ut fra dataene.",
        "all": "Alle",
        "showing": "Viser {n} av {total} funn",
        "chart_text_alternative": "Antall funn per tema og tillit (samme tall som figuren)",
    },
    "en": {
        "home": "Home",
        "site_name": "Knowledge base – collaboration around pupils",
        "characteristics_group": "Characteristics",
        "publication": "Publication",
        "key_messages": "Key messages",
        "summary": "Summary",
        "method": "Method in brief",
        "findings_table": "Summary of qualitative findings",
        "evidence_profiles": "Evidence profiles",
        "evidence_profile": "Evidence profile",
        "characteristics": "Characteristics of a good intervention",
        "matrix": "Interventions and characteristics",
        "studies": "Studies",
        "all_studies": "All studies",
        "notes": "Notes on the source",
        "finding": "Finding",
        "number": "No.",
        "statement": "Summarised finding",
        "confidence": "Confidence (GRADE-CERQual)",
        "explanation": "Explanation of the assessment",
        "contributing_studies": "Contributing studies",
        "component": "Component",
        "level": "Assessment",
        "theme": "Theme",
        "overall": "Overall assessment",
        "characteristic": "Characteristic",
        "description": "Description",
        "question": "Question",
        "study": "Study",
        "intervention": "Intervention",
        "total": "Total",
        "legend": "Legend",
        "design": "Study design",
        "country": "Country",
        "year": "Year",
        "authors": "Authors",
        "aliases": "Also cited as",
        "reference_number": "Reference number in the source",
        "publication_type": "Publication type",
        "setting": "Setting",
        "population": "Population / sample",
        "recruitment": "Recruitment",
        "aim": "Aim",
        "outcomes": "Outcomes",
        "school_level": "School level",
        "appraisal": "Methodological quality",
        "tool": "Tool",
        "criterion": "Criterion",
        "answer": "Answer",
        "results": "Results",
        "outcome": "Outcome",
        "result": "Result",
        "significance": "Statistically significant",
        "significant_yes": "Yes",
        "significant_no": "No",
        "significant_unknown": "Not stated",
        "used_in_findings": "Contributes to findings",
        "used_in_matrix": "Assessed in the matrix",
        "included_in": "Included in",
        "none": "None",
        "notes_here": "Notes on the source",
        "source_wording": "Wording in the source",
        "pyramid_levels": "Level of the intervention pyramid",
        "inclusion_criteria": "Inclusion criteria",
        "research_question": "Research question",
        "searches": "Literature search",
        "selection": "Study selection",
        "synthesis": "Analysis and synthesis",
        "prisma": "Study selection (flow diagram)",
        "institutions": "Institutions",
        "commissioner": "Commissioned by",
        "funding": "Funding",
        "version": "Version",
        "status": "Status",
        "date": "Date",
        "studies_by_design": "Studies by design",
        "studies_by_country": "Studies by country",
        "findings_by_confidence": "Findings by confidence",
        "findings_by_theme": "Findings by theme",
        "count": "Number",
        "fallback_notice": "This text is not yet available in English; it is shown in Norwegian.",
        "source_english": "The source's own English text.",
        "editorial_translation": "English text translated by the editors.",
        "editorial_text": "Editorial text, not from the source.",
        "history": "Changes",
        "last_updated": "Last updated",
        "justification_sentence_note": "The explanation is generated from the assessment of the four components.",
        "explore": "Explore",
        "publications": "Publications",
        "site_description": "Knowledge base on collaboration around pupils: school-home collaboration on school absence, interdisciplinary teams in schools, and cross-sector work against social exclusion.",
        "other_language": "Norsk",
        "what_is_this": "About the knowledge base",
        "prisma_database_records": "Database records",
        "prisma_openalex_records": "OpenAlex records",
        "prisma_other_source_records": "Records from other sources",
        "prisma_duplicates_removed": "Duplicates removed",
        "prisma_screened": "Records screened (databases and OpenAlex)",
        "prisma_excluded_by_reviewers": "Excluded by reviewers",
        "prisma_excluded_by_machine": "Excluded by machine learning (priority screening)",
        "prisma_other_source_excluded": "Excluded from other sources",
        "prisma_full_text_database": "Full texts assessed (databases)",
        "prisma_included_database": "Included (databases)",
        "prisma_full_text_other": "Full texts assessed (other sources)",
        "prisma_included_other": "Included (other sources)",
        "prisma_excluded_full_text_database": "Excluded after full text (databases)",
        "prisma_excluded_full_text_other": "Excluded after full text (other sources)",
        "prisma_included_total": "Included in total",
        "stated_by_source": "Numbers as the source reports them.",
        "pdf_full": "Download the report as PDF",
        "pdf_summary": "Download the summary as PDF",
        "downloads": "PDF",
        "pdf_summary_label": "PDF summary",
        "filter": "Filter the table",
        "findings_count": "{n} findings",
        "no_changes": "No changes are recorded for this finding. The publication's current version is {version} ({date}).",
        "reference": "Reference (APA)",
        "download_references": "Download the references for reference managers",
        "changelog": "Changelog",
        "changelog_intro": "Every change to the publication and its findings and studies, newest first.",
        "findings_translated": "The findings are translated by the editors; the Norwegian version keeps the source's wording.",
        "showing_rows": "Showing {n} of {total} interventions",
        "matrix_drilldown_note": "Every cell and every total links to the list of interventions behind it. Totals are computed from the data.",
        "all": "All",
        "showing": "Showing {n} of {total} findings",
        "chart_text_alternative": "Number of findings per theme and confidence (the same numbers as the figure)",
    },
}


def ui(key: str, lang: str) -> str:
    return UI[lang][key]
