"""Languages: UI strings, the fallback rule, and locale formatting through Babel."""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

from generator.model.errors import DataError, Report, strange_characters
from generator.model.models import Text
from generator.model.settings import LANGUAGES
from generator.model.sources import FieldPath, SourceFile, format_field_path, load_file

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


_NORWEGIAN_LAST = {"æ": "z\U0010fffd1", "ø": "z\U0010fffd2", "å": "z\U0010fffd3", "ä": "z\U0010fffd1", "ö": "z\U0010fffd2"}
"""æ, ø and å after z, in that order (ä and ö are sorted as æ and ø, as Norwegian dictionaries do)."""
_ENGLISH_LETTERS = {"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss"}
"""Letters English sorts as others ('Ørsta' under o); 'å', 'é' ... lose their accent."""


def sort_key(text: str, lang: str) -> tuple[str, str]:
    """How a word is sorted alphabetically in `lang`: letters without case or accents ('é' as 'e'),
    and in Norwegian æ, ø, å after z; ties are broken by the text itself, so the order is total."""
    folded = unicodedata.normalize("NFC", text).casefold()
    letters = _NORWEGIAN_LAST if lang == "nb" else _ENGLISH_LETTERS
    folded = "".join(letters.get(c, c) for c in folded)
    plain = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return plain, text


def listing(items: list[str], lang: str) -> str:
    """'a, b og c' / 'a, b and c'."""
    return format_list(items, locale=BABEL_LOCALE[lang])


# --- UI strings -------------------------------------------------------------------------------

UI_FILE = Path(__file__).with_name("ui.yaml")
"""Every UI string of the site and the printed reports: `key:` with its `nb:` and `en:` text beneath."""

UiStrings = dict[str, dict[str, str]]
"""key -> language -> text."""

_UI_KEY = re.compile(r"[a-z][a-z0-9_]*")
"""Keys are written literally in code and templates (`ui("key")`), so they are plain identifiers."""


def load_ui_strings(path: Path, root: Path) -> tuple[UiStrings, Report]:
    """The UI strings in `path`, and every problem with them located as in a data file.

    Each key has a non-empty text in every language, with the same placeholders (`{n}`) in each."""
    report = Report()
    source = load_file(path, root, report)
    strings: UiStrings = {}
    if source is None:
        return strings, report
    if not isinstance(source.value, dict):
        report.add(source.location(()), "", "write one key per UI string, with its text in each language beneath it")
        return strings, report
    for key, entry in source.value.items():
        texts = _entry_texts(source, key, entry, report)
        if texts is not None:
            strings[key] = texts
    return strings, report


def _entry_texts(source: SourceFile, key: str, entry: Any, report: Report) -> dict[str, str] | None:
    """One key's texts, or None (with the problems reported) when any language is missing or wrong."""
    at = source.location((key,))
    usable = True
    if not _UI_KEY.fullmatch(key):
        report.add(at, key, f"key '{key}' must be lower-case letters, digits and underscores{strange_characters(key)}")
        usable = False
    if not isinstance(entry, dict):
        if (key,) not in source.unreadable:
            got = "nothing" if entry is None else f"{type(entry).__name__} {entry!r}"
            report.add(at, key, f"write the text in each language beneath the key ({', '.join(LANGUAGES)}), got {got}")
        return None
    for lang in entry:
        if lang not in LANGUAGES:
            where = (key, lang)
            allowed = ", ".join(LANGUAGES)
            report.add(
                source.location(where),
                format_field_path(where),
                f"unknown language '{lang}'{strange_characters(lang)} (allowed: {allowed})",
            )
            usable = False
    texts: dict[str, str] = {}
    placeholders: dict[str, frozenset[str]] = {}
    for lang in LANGUAGES:
        where = (key, lang)
        if lang not in entry:
            report.add(at, format_field_path(where), "required field is missing: every UI string is written in every language")
            continue
        problem = _text_problem(source, where, entry[lang])
        found = _placeholders(entry[lang]) if problem is None else None
        if isinstance(found, str):
            problem = found
        elif found is not None:
            texts[lang] = entry[lang]
            placeholders[lang] = found
        if problem:
            report.add(source.location(where), format_field_path(where), problem)
    if len(set(placeholders.values())) > 1:
        said = "; ".join(f"{lang} has {_listed(names)}" for lang, names in placeholders.items())
        report.add(at, key, f"the languages must have the same placeholders: {said}")
        usable = False
    return texts if usable and len(texts) == len(LANGUAGES) else None


def _text_problem(source: SourceFile, where: FieldPath, value: Any) -> str | None:
    """What is wrong with one language's text: None if nothing, "" if the loader already said it."""
    if where in source.unreadable:
        return ""
    if value is None:
        return "text is empty: write the string in this language"
    if isinstance(value, bool) and where in source.raw_scalars:
        raw = source.raw_scalars[where]
        return f'YAML reads an unquoted {raw} as the boolean {str(value).lower()}; write it in quotes ("{raw}")'
    if isinstance(value, (int, float, dt.date)):
        return f'write text in quotes, e.g. "{value}" (got {type(value).__name__} {value!r})'
    if not isinstance(value, str):
        return f"write the text as one string, got {type(value).__name__}"
    if not value.strip():
        return "text is empty: write the string in this language"
    return None


def _placeholders(text: str) -> frozenset[str] | str:
    """The names of a text's placeholders (`{n}`), or what is wrong with its braces."""
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)
    except ValueError as exc:
        return f"a brace that is not a placeholder such as {{n}} ({exc}): UI strings use braces only for placeholders"


def _listed(names: frozenset[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) if names else "none"


@functools.cache
def _shipped_ui_strings() -> tuple[UiStrings, Report]:
    """UI_FILE, read once per process; shown by its path in the repository (generator/model/ui.yaml)."""
    return load_ui_strings(UI_FILE, UI_FILE.parents[2])


def ui_problems() -> Report:
    """What is wrong with the UI strings: `check` reports it in the same pass as the data's problems."""
    return _shipped_ui_strings()[1]


@functools.cache
def ui_strings() -> UiStrings:
    """Every UI string; a DataError with the located problems if the file is broken."""
    strings, report = _shipped_ui_strings()
    if report.failed():
        raise DataError(report)
    return strings


def ui(key: str, lang: str) -> str:
    try:
        return ui_strings()[key][lang]
    except KeyError:
        raise KeyError(f"no UI string '{key}' in {lang}: declare it in {UI_FILE.name}") from None
