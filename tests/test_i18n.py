import datetime as dt
import typing

import pytest

from generator.i18n import UI, month_year, number, resolve
from generator.models import Effect, Prisma, Text
from generator.render_helpers import prisma_rows, reading_label
from generator.settings import LANGUAGES


def test_ui_strings_exist_in_both_languages() -> None:
    assert set(UI["nb"]) == set(UI["en"])
    assert all(value.strip() for strings in UI.values() for value in strings.values())


def test_locale_formatting_through_babel() -> None:
    assert month_year(dt.date(2025, 6, 1), "nb") == "juni 2025"
    assert month_year(dt.date(2025, 6, 1), "en") == "June 2025"
    assert number(2.2, "nb") == "2,2"
    assert number(14903, "nb") == "14\xa0903"
    assert number(14903, "en") == "14,903"


def test_fallback_is_marked_never_silent() -> None:
    shown = resolve(Text(nb="Bare norsk"), "en")
    assert (shown.text, shown.lang, shown.fallback) == ("Bare norsk", "nb", True)
    assert resolve(Text(nb="a", en="b"), "en").fallback is False


def test_origin_of_english() -> None:
    assert resolve(Text(nb="a", en="b"), "en").editorial is True
    assert resolve(Text(nb="a", en="b", en_origin="source"), "en").editorial is False


# --- values mapped to UI keys -----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_prisma_count_has_its_own_label(lang: str) -> None:
    prisma = Prisma.model_validate(dict.fromkeys(Prisma.model_fields, 1))
    labels = [label for label, _ in prisma_rows(prisma, lang)]
    assert len(labels) == len(set(labels)) == len(Prisma.model_fields)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reading_of_an_effect_has_its_own_label(lang: str) -> None:
    readings = typing.get_args(Effect.model_fields["reading"].annotation)
    labels = {reading_label(reading, lang) for reading in readings}
    assert len(labels) == len(readings) >= 2
