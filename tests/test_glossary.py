"""The bilingual termbase (data/glossary/) and `check`'s rules on it.

An English text whose Norwegian names a glossary term and that uses one of the term's renderings to
avoid is a warning at the English text; so is an English text that names a numbered part of a
document under its Norwegian name only. English that is the source's own is never warned about.
The fixture (kb + kb-whole) has three terms: helsesykepleier (avoid 'school nurse'), tabell
(numbered) and høy tillit; the real data's glossary is checked at the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from generator.model.errors import Report
from generator.model.glossary import Glossary, conflicts
from generator.model.index import Index
from generator.model.models import GlossaryTerm
from generator.model.settings import Project
from generator.pipeline.build import check

from .conftest import write

ROOT = Path(__file__).resolve().parents[1]
NURSE = "'school nurse' renders helsesykepleier; the glossary says 'public health nurse' (data/glossary/helsesykepleier.yaml)"
TABLE = (
    "'Tabell 9' is the Norwegian name: write 'Table 9' in English, with 'Tabell 9' in brackets where a reader may "
    "look it up (data/glossary/tabell.yaml)"
)


def term(term_id: str, nb: str, en: str, forms: list[str], avoid: tuple[str, ...] = (), **more: object) -> GlossaryTerm:
    return GlossaryTerm.model_validate(
        {
            "id": term_id,
            "term": {"nb": nb, "en": en, "nb_origin": "editorial"},
            "category": "school-role",
            "forms_nb": forms,
            "avoid_en": list(avoid),
            "definition": {"nb": "Definisjon.", "en": "Definition.", "nb_origin": "editorial"},
            **more,
        }
    )


KONTAKTLAERER = term(
    "kontaktlaerer",
    "kontaktlærer",
    "contact teacher",
    ["kontaktlærer", "kontaktlæreren", "kontaktlærere", "kontaktlærerne"],
    ("form teacher", "class teacher"),
)
KLASSELAERER = term("klasselaerer", "klasselærer", "class teacher", ["klasselærer", "klasselæreren"])
HELSESYKEPLEIER = term("helsesykepleier", "helsesykepleier", "public health nurse", ["helsesykepleier"], ("health nurse",))
PPT = term(
    "ppt", "pedagogisk-psykologisk tjeneste", "educational and psychological counselling service", ["PP-tjenesten"],
    ("educational-psychological service",), abbreviation="PPT",
)  # fmt: skip
TABELL = term("tabell", "tabell", "table", ["tabell", "tabellen", "tabellene"], numbered=True)
VEDLEGG = term("vedlegg", "vedlegg", "appendix", ["vedlegg", "vedlegget"], numbered=True)
GLOSSARY = Glossary({t.id: t for t in (KONTAKTLAERER, KLASSELAERER, HELSESYKEPLEIER, PPT, TABELL, VEDLEGG)})


def misrendered(norwegian: str, english: str) -> list[tuple[str, str]]:
    return [(m.term_id, m.written) for m in GLOSSARY.misrenderings(norwegian, english)]


# --- renderings to avoid (pure) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("norwegian", "english", "expected"),
    [
        ("Kontaktlæreren ringte hjem.", "The form teacher called home.", [("kontaktlaerer", "form teacher")]),
        ("Kontaktlærerne møttes.", "The Form Teachers met.", [("kontaktlaerer", "Form Teachers")]),
        ("Kontaktlærer og rektor.", "The form teacher's view.", [("kontaktlaerer", "form teacher's")]),
        ("KONTAKTLÆREREN kom.", "The form\n   teacher came.", [("kontaktlaerer", "form\n   teacher")]),
        ("PPT var med.", "The educational-psychological service took part.", [("ppt", "educational-psychological service")]),
        ("PP-tjenesten var med.", "An educational-psychological services team.", [("ppt", "educational-psychological services")]),
    ],
    ids=["inflected", "plural-any-case", "possessive", "upper-case-and-line-break", "abbreviation", "hyphenated-form"],
)
def test_a_rendering_to_avoid_is_found_whole_in_any_case_and_inflection(
    norwegian: str, english: str, expected: list[tuple[str, str]]
) -> None:
    assert misrendered(norwegian, english) == expected


@pytest.mark.parametrize(
    ("norwegian", "english"),
    [
        ("Kontaktlæreren ringte.", "The former teacher called."),
        ("Kontaktlæreren ringte.", "The platform teachers called."),
        ("Kontaktlæreren ringte.", "A form-teacher called."),
        ("Læreren ringte.", "The form teacher called."),
        ("Kontaktlærerrollen er viktig.", "The form teacher role matters."),
        ("Helsesykepleieren kom.", "The public health nurse came."),
        ("Kontaktlæreren og klasselæreren kom.", "The contact teacher and the class teacher came."),
        ("Kontaktlæreren ringte.", "The contact teacher called."),
    ],
    ids=[
        "longer-word",
        "word-inside-another",
        "hyphen-is-not-a-space",
        "norwegian-does-not-name-the-term",
        "compound-is-not-a-form",
        "inside-the-chosen-rendering",
        "chosen-rendering-of-another-term-named",
        "chosen-rendering",
    ],
)
def test_no_warning_without_a_whole_rendering_to_avoid_for_a_term_the_norwegian_names(norwegian: str, english: str) -> None:
    assert misrendered(norwegian, english) == []


def test_a_letter_typed_in_two_ways_is_the_same_letter() -> None:
    """'å' is one character or 'a' and a combining ring (text pasted from a PDF): in the text, in a
    form, in a rendering, it is the same letter. A no-break space is a space."""
    decomposed = term("radgiver", "ra\u030adgiver", "counsellor", ["ra\u030adgiveren"], ("sa\u030akalt adviser",))
    glossary = Glossary({"radgiver": decomposed})
    assert [m.written for m in glossary.misrenderings("Rådgiveren kom.", "The såkalt adviser came.")] == ["såkalt adviser"]
    assert misrendered("Helsesykepleier kom.", "The public health nurse\u00a0came; the health\u00a0nurse left.") == [
        ("helsesykepleier", "health\u00a0nurse")
    ]


def test_an_empty_abbreviation_is_an_error() -> None:
    with pytest.raises(ValidationError):
        term("x", "x", "x", ["x"], abbreviation="  ")


def test_each_rendering_is_reported_once_per_text_and_terms_in_the_order_named() -> None:
    found = misrendered(
        "PPT og kontaktlæreren møttes; kontaktlæreren ringte.",
        "The form teacher, the educational-psychological service and the form teacher met; the Form teacher called.",
    )
    assert found == [("ppt", "educational-psychological service"), ("kontaktlaerer", "form teacher")]


def test_a_term_may_name_what_it_avoids_in_its_own_texts() -> None:
    text = ("Kalles ikke klasselærer.", "Not called form teacher.")
    assert [m.term_id for m in GLOSSARY.misrenderings(*text, exempt="kontaktlaerer")] == []
    assert misrendered("Kontaktlærer, ikke klasselærer.", "Contact teacher, not form teacher.") == [
        ("kontaktlaerer", "form teacher")
    ]


# --- Norwegian names of numbered parts (pure) ----------------------------------------------------


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("See Tabell 9.", [("Tabell 9", "Table 9")]),
        ("As tabellen 9 shows.", [("tabellen 9", "Table 9")]),
        ("Tabell 9 and Vedlegg 4 agree.", [("Tabell 9", "Table 9"), ("Vedlegg 4", "Appendix 4")]),
        ("Vedlegg 4.2 and Tabell 9, then Tabell 9 again.", [("Vedlegg 4.2", "Appendix 4.2"), ("Tabell 9", "Table 9")]),
        ("Table 91 is not Tabell 9.", [("Tabell 9", "Table 9")]),
        ("Table 9.2 is not Tabell 9.", [("Tabell 9", "Table 9")]),
        ("Appendix 4 is not Vedlegg 4.1.", [("Vedlegg 4.1", "Appendix 4.1")]),
    ],
)
def test_a_numbered_part_under_its_norwegian_name_only_is_found(english: str, expected: list[tuple[str, str]]) -> None:
    assert [(n.written, n.english) for n in GLOSSARY.norwegian_names(english)] == expected


@pytest.mark.parametrize(
    "english",
    [
        "Table 9 (Tabell 9) lists the findings; Tabell 9 is long.",
        "The text refers to «vedlegg 7» (Appendix 7).",
        "Tables 7 and 8 (Tabellene 7 og 8).",
        "Appendices 4 and 5 (Vedlegg 4 og 5).",
        "Chapter (Kapittel) 6 and the tabell.",
        "The table shows 9 findings.",
    ],
)
def test_a_norwegian_name_beside_its_english_one_is_fine(english: str) -> None:
    assert list(GLOSSARY.norwegian_names(english)) == []


# --- the glossary's own declarations -------------------------------------------------------------


def test_declarations_the_check_cannot_follow_are_errors_at_the_field() -> None:
    terms = {
        "a": term("a", "a", "first", ["samme"], ("First",)),
        "b": term("b", "b", "second", ["Samme", "egen", "egen"], abbreviation="EGEN"),
        "c": GlossaryTerm.model_validate(
            {
                "id": "c",
                "term": {"nb": "c", "en": "c"},
                "category": "cerqual",
                "forms_nb": ["c"],
                "definition": {"nb": "Kildens ord.", "en": "The source's words."},
            }
        ),
    }
    assert list(conflicts(terms)) == [
        ("a", ("avoid_en", 0), "'First' is the term's own English rendering ('term.en')"),
        ("b", ("forms_nb", 0), "'Samme' is already a form of term 'a'"),
        ("b", ("forms_nb", 1), "'egen' is the term's abbreviation, recognised already: remove it here"),
        ("b", ("forms_nb", 2), "'egen' is the term's abbreviation, recognised already: remove it here"),
        ("c", ("definition",), "a definition in a source's words names that source in 'defined_in' (a publication id); "
         "a definition of the editors' own says 'nb_origin: editorial'"),
    ]  # fmt: skip


# --- `check` on a knowledge base --------------------------------------------------------------------


def _warnings(project: Project) -> list[str]:
    _, report = check(project)
    return [str(p) for p in report.problems if p.severity == "warning" and "glossary" in p.message]


def _edit(project: Project, rel: str, old: str, new: str) -> None:
    path = project.data_dir / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    write(path, text.replace(old, new, 1))


def test_the_fixture_is_clean(whole_project: Project) -> None:
    index, report = check(whole_project)
    assert index is not None and _warnings(whole_project) == []


def test_each_warning_is_at_its_english_text(whole_project: Project) -> None:
    # A flow mapping on one line (a case's title) and a block mapping (a finding's statement).
    _edit(whole_project, "cases/demo-case.yaml", "with the public health nurse", "with the school nurse")
    _edit(
        whole_project,
        "findings/demo-2025-f01.yaml",
        'statement: {nb: "Foresatte ønsket tidlig kontakt.", en: "Parents wanted early contact."}',
        'statement:\n  nb: "Foresatte ønsket kontakt med helsesykepleier (tabell 9)."\n'
        "  en: >-\n    Parents wanted contact with the school nurse\n    (Tabell 9).",
    )
    assert _warnings(whole_project) == [
        f"data/cases/demo-case.yaml:2:44: title.en: warning: {NURSE}",
        f"data/findings/demo-2025-f01.yaml:6:3: statement.en: warning: {TABLE}",
        f"data/findings/demo-2025-f01.yaml:6:3: statement.en: warning: {NURSE}",
    ]


def test_every_text_of_every_kind_is_read_at_any_depth(whole_project: Project) -> None:
    """Not a list of fields: a vocabulary term's label and a publication's method (a nested model)
    are texts like a finding's statement."""
    _edit(
        whole_project,
        "vocabularies/audience.yaml",
        'label: {nb: "Kommunale tjenester (PPT, helse, barnevern, Nav)", en: "Municipal services (educational-psychological, health, child welfare, Nav)"}',
        'label: {nb: "Helsesykepleiere", en: "School nurses"}',
    )
    _edit(whole_project, "publications/demo-2025.yaml", 'en: "We searched databases."', 'en: "We searched Tabell 9."')
    problems = _warnings(whole_project)
    assert [p.split(": warning")[0] for p in problems] == [
        "data/publications/demo-2025.yaml:29:43: method.searches.en",
        "data/vocabularies/audience.yaml:10:37: terms[2].label.en",
    ]


def test_english_that_is_the_sources_own_is_not_warned_about(whole_project: Project) -> None:
    _edit(
        whole_project,
        "publications/demo-2025.yaml",
        '- {nb: "Skolefravær er et problem.", en: "Absence is a problem.", en_origin: source}',
        '- {nb: "Helsesykepleieren så fraværet.", en: "The school nurse saw Tabell 9.", en_origin: source}',
    )
    assert _warnings(whole_project) == []
    _edit(whole_project, "publications/demo-2025.yaml", 'Tabell 9.", en_origin: source}', 'Tabell 9."}')
    assert len(_warnings(whole_project)) == 2


def test_warnings_fail_a_strict_check(whole_project: Project) -> None:
    _edit(whole_project, "cases/demo-case.yaml", "with the public health nurse", "with the school nurse")
    index, _ = check(whole_project)
    assert index is not None
    index, report = check(whole_project, strict=True)
    assert index is None and any(NURSE in p.message for p in report.problems)


def test_a_knowledge_base_without_a_glossary_is_not_checked(fixture_project: Project) -> None:
    _edit(fixture_project, "findings/demo-2025-f01.yaml", 'en: "Parents wanted early contact."', 'en: "See Tabell 9."')
    assert _warnings(fixture_project) == []


# --- the real glossary and data ---------------------------------------------------------------------


Real = tuple[list[str], dict[str, GlossaryTerm]]


@pytest.fixture(scope="module")
def real(repo_checked: tuple[Index, Report]) -> Real:
    """The real data's problems and glossary (read, not built)."""
    index, report = repo_checked
    return [str(p) for p in report.problems], {t: index.glossary_term(t) for t in index.ids("term")}


def test_the_real_data_follows_its_glossary(real: Real) -> None:
    problems, terms = real
    assert len(terms) >= 20 and [p for p in problems if "glossary" in p] == []


@pytest.mark.parametrize(
    ("norwegian", "english"),
    [
        ("kontaktlærer", "contact teacher"),
        ("sosiallærer", "social teacher"),
        ("helsesykepleier", "public health nurse"),
        ("PPT", "educational and psychological counselling service"),
        ("barnevernet", "child welfare services"),
        ("Nav", "Norwegian Labour and Welfare Administration"),
        ("skoleeier", "school owner"),
        ("rektor", "principal"),
        ("miljøterapeut", "milieu therapist"),
        ("høy tillit", "high confidence"),
        ("svært lav tillit", "very low confidence"),
        ("metodiske begrensninger", "methodological limitations"),
        ("koherens", "coherence"),
        ("dataenes omfang og dybde", "adequacy of data"),
        ("relevans", "relevance"),
        ("tabell", "table"),
        ("vedlegg", "appendix"),
    ],
)
def test_the_real_glossary_names_issue_14s_terms(real: Real, norwegian: str, english: str) -> None:
    _, terms = real
    glossary = Glossary(terms)
    (named,) = glossary.named_in(norwegian)
    assert terms[named].term.en == english
