"""The bilingual termbase (data/glossary/): what one text does with the glossary's terms.

Each term declares the Norwegian forms to recognise (`forms_nb`, and its abbreviation), the English
rendering the knowledge base uses (`term.en`) and the renderings it does not (`avoid_en`). Two
rules follow, for one bilingual text at a time:

- a rendering to avoid: the Norwegian text names a term and the English text uses one of that
  term's `avoid_en` ("form teacher" where the Norwegian says "kontaktlærer");
- a Norwegian name left in English: the English text writes a numbered part of a document under
  its Norwegian name ("Tabell 9", a form of a term marked `numbered`) without the English name with
  the same number anywhere in it ("Table 9 (Tabell 9)" is what the rule asks for).

Words match whole and in any case; the words of a phrase may be split by any spaces; an English
rendering may take a plural or possessive ending ("form teachers", "form teacher's"), never a
longer word ("former teacher" is not "form teacher"). English words that are the chosen rendering
of a term the Norwegian text names are never a rendering to avoid ("public health nurse" holds
"health nurse"; "class teacher" may render another term than kontaktlærer).

Pure: `index.py` walks every text of every entity and reports what these functions find.

The same forms say where a text in either language names a term (`Glossary.names`): in Norwegian
its forms and abbreviation, in English its rendering (with a plural or possessive ending) and its
abbreviation. The site explains a term where a page first names it (`explain.py`), and a
publication's printed report lists the terms its texts name (`counts.glossary_terms`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from generator.model.models import GlossaryTerm

ENGLISH_ENDING = r"(?:'s|’s|s'|s’|es|s)?"
"""What may follow the last word of an English rendering: a plural or possessive ending."""

NUMBER = r"\d+(?:\.\d+)*"
"""The number of a numbered part: 9, 6.2.2."""

_DIGIT = re.compile(r"\d")
"""What every NUMBER holds: a digit, any Unicode digit as in NUMBER."""


def _nfc(text: str) -> str:
    """One spelling of each letter: 'å' typed as 'a' and a combining ring is 'å'."""
    return unicodedata.normalize("NFC", text)


def _key(words: str) -> str:
    """One form as a dictionary key: any case, any spaces. (`lower`, not `casefold`: the key is
    compiled back into a pattern, and `re.IGNORECASE` folds case letter by letter.)"""
    return " ".join(_nfc(words).split()).lower()


def _words(phrase: str) -> str:
    """A phrase as a regular expression: its words escaped, any spaces between them."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


Trie = dict[str, "Trie"]
"""A regular expression's unit (a letter, the space between words) -> what may follow it; "" ends a phrase."""


def _trie(phrases: set[str]) -> str:
    """Any of the phrases as one regular expression, their common beginnings shared (`kontaktlærer`,
    `kontaktlæreren` ... one branch): a page is searched for every form of every term at each word,
    and a plain alternation would try each form in turn. The longest phrase that matches wins."""
    root: Trie = {}
    for phrase in phrases:
        node = root
        for i, word in enumerate(phrase.split()):
            for unit in ([r"\s+"] if i else []) + [re.escape(c) for c in word]:
                node = node.setdefault(unit, {})
        node[""] = {}

    def branch(node: Trie) -> str:
        children = [unit + branch(child) for unit, child in sorted(node.items()) if unit]
        if not children:
            return ""
        body = children[0] if len(children) == 1 else f"(?:{'|'.join(children)})"
        return f"(?:{body})?" if "" in node else body

    return branch(root) or r"(?!)"


def _whole(body: str) -> str:
    return rf"(?<!\w)(?:{body})(?!\w)"


def english_pattern(renderings: list[str]) -> re.Pattern[str]:
    """Any of the English `renderings`, whole words, with a plural or possessive ending."""
    alternatives = "|".join(_words(_nfc(r)) for r in sorted(renderings, key=len, reverse=True))
    return re.compile(_whole(f"(?:{alternatives}){ENGLISH_ENDING}"), re.IGNORECASE)


def _english_plurals(word: str) -> list[str]:
    """`word` and its plurals: table(s), appendix, appendices, appendixes."""
    plurals = [word, word + "s", word + "es"]
    if word.endswith(("ix", "ex")):
        plurals.append(word[:-2] + "ices")
    return plurals


def recognised_forms(term: GlossaryTerm) -> list[str]:
    """The Norwegian forms of a term a text is searched for: its forms and its abbreviation."""
    return [*term.forms_nb, *([term.abbreviation] if term.abbreviation else [])]


def english_forms(term: GlossaryTerm) -> list[str]:
    """The English forms of a term a text is searched for: its rendering and its (Norwegian) abbreviation."""
    return [*([term.term.en] if term.term.en else []), *([term.abbreviation] if term.abbreviation else [])]


IN_A_COMPOUND = re.compile(r"(?<=\w)-$|^-(?=\w)")
"""A hyphen that joins a form to the next or the previous word ('PPT-kontakten', 'skole-PPT'): the
form is part of a longer word there, and a word is never split."""


@dataclass(frozen=True)
class Misrendering:
    """An English rendering to avoid, in a text whose Norwegian names the term."""

    term_id: str
    written: str
    """The rendering as the English text writes it ("form teachers")."""


@dataclass(frozen=True)
class NorwegianName:
    """A numbered part of a document under its Norwegian name only, in an English text."""

    term_id: str
    written: str
    """As the English text writes it ("Tabell 9")."""
    english: str
    """What to write instead ("Table 9")."""


class Glossary:
    """The patterns of a set of terms, compiled once for every text a check reads."""

    def __init__(self, terms: Mapping[str, GlossaryTerm]) -> None:
        self.terms = dict(terms)
        self.term_of_form: dict[str, str] = {}
        for term_id, term in sorted(self.terms.items()):
            for form in recognised_forms(term):
                self.term_of_form.setdefault(_key(form), term_id)
        forms = sorted(self.term_of_form, key=len, reverse=True)
        # A trie, as the page search's: every Norwegian text of a check is searched (3,000 in the
        # real data), and the plain alternation tried each form at each word: 3x slower, same matches.
        self._norwegian = re.compile(_whole(_trie(set(forms))), re.IGNORECASE) if forms else None
        numbered = [f for f in forms if self.terms[self.term_of_form[f]].numbered]
        self._numbered = (
            re.compile(_whole("|".join(_words(f) for f in numbered)) + rf"\s+({NUMBER})", re.IGNORECASE) if numbered else None
        )
        self._avoided = {i: english_pattern(t.avoid_en) for i, t in self.terms.items() if t.avoid_en}
        self._chosen = {i: english_pattern([t.term.en]) for i, t in self.terms.items() if t.term.en}
        self._finders: dict[str, tuple[re.Pattern[str], dict[str, str]]] = {}

    def _finder(self, lang: str) -> tuple[re.Pattern[str], dict[str, str]]:
        """The pattern of every form a text in `lang` may name a term by, and the term of each form
        (by `_key`). Each form is also matched as HTML writes it (`&amp;`, `&#39;`), since the site's
        pages are searched as Markdown and HTML, and with its letters typed in two ways ('å' as 'a' and
        a combining ring), since a page cannot be normalised without moving what follows."""
        if lang not in self._finders:
            owner: dict[str, str] = {}
            for term_id, term in sorted(self.terms.items()):
                for form in recognised_forms(term) if lang == "nb" else english_forms(term):
                    owner.setdefault(_key(form), term_id)
            spellings = {w for key in owner for w in (key, unicodedata.normalize("NFD", key))}
            body = _trie({w for s in spellings for w in (s, html.escape(s))})
            ending = ENGLISH_ENDING if lang == "en" else ""
            self._finders[lang] = (re.compile(_whole(f"(?P<form>{body}){ending}"), re.IGNORECASE), owner)
        return self._finders[lang]

    def names(self, text: str, lang: str) -> Iterator[tuple[str, re.Match[str]]]:
        """Every place a text in `lang` names a term, in order: (term id, the match). Whole words in any
        case, a phrase's words split by any spaces; never part of a hyphenated word."""
        pattern, owner = self._finder(lang)
        for match in pattern.finditer(text):
            before, after = text[max(0, match.start() - 2) : match.start()], text[match.end() : match.end() + 2]
            if IN_A_COMPOUND.search(before) or IN_A_COMPOUND.search(after):
                continue
            yield owner[_key(html.unescape(match.group("form")))], match

    def named(self, text: str, lang: str) -> list[str]:
        """The ids of the terms a text in `lang` names, in the order it first names them."""
        return list(dict.fromkeys(term_id for term_id, _ in self.names(_nfc(text), lang)))

    def named_in(self, norwegian: str) -> list[str]:
        """The ids of the terms a Norwegian text names, in the order it first names them."""
        if self._norwegian is None:
            return []
        found = (self.term_of_form[_key(m.group(0))] for m in self._norwegian.finditer(_nfc(norwegian)))
        return list(dict.fromkeys(found))

    def misrenderings(self, norwegian: str, english: str, *, exempt: str | None = None) -> Iterator[Misrendering]:
        """Each rendering to avoid (once per term and wording) that the English text uses for a
        term the Norwegian text names. `exempt`: a term whose own texts may name what it avoids
        (its definition may say which renderings it does not use)."""
        named = [term_id for term_id in self.named_in(norwegian) if term_id != exempt]
        english = _nfc(english)
        chosen = [m.span() for term_id in named if term_id in self._chosen for m in self._chosen[term_id].finditer(english)]
        seen: set[tuple[str, str]] = set()
        for term_id in named:
            pattern = self._avoided.get(term_id)
            for match in pattern.finditer(english) if pattern else ():
                inside_chosen = any(start <= match.start() and match.end() <= end for start, end in chosen)
                key = (term_id, _key(match.group(0)))
                if not inside_chosen and key not in seen:
                    seen.add(key)
                    yield Misrendering(term_id, match.group(0))

    def norwegian_names(self, english: str) -> Iterator[NorwegianName]:
        """Each numbered part the English text names in Norwegian only (once per name)."""
        if self._numbered is None or not _DIGIT.search(english):
            return  # every match ends in a number: most texts have none, and a digit is quicker to look for
        english = _nfc(english)
        seen: set[str] = set()
        for match in self._numbered.finditer(english):
            number = match.group(1)
            term_id = self.term_of_form[_key(match.group(0)[: match.start(1) - match.start()])]
            name = self.terms[term_id].term.en
            written = " ".join(match.group(0).split())
            if name is None or _key(written) in seen:
                continue
            seen.add(_key(written))
            plurals = "|".join(_words(p) for p in _english_plurals(_nfc(name)))
            if not re.search(_whole(rf"(?:{plurals})\s+{re.escape(number)}") + r"(?!\.\d)", english, re.IGNORECASE):
                yield NorwegianName(term_id, written, f"{name[:1].upper()}{name[1:]} {number}")


def conflicts(terms: Mapping[str, GlossaryTerm]) -> Iterator[tuple[str, tuple[str | int, ...], str]]:
    """(term id, field path, message) for each declaration the check cannot follow: a Norwegian form
    of two terms (which one would the text name?), the abbreviation repeated among the forms, a
    rendering to avoid that is the term's own; and a definition in a source's words that does not
    say which source."""
    owner: dict[str, str] = {}
    for term_id, term in sorted(terms.items()):
        abbreviation = _key(term.abbreviation) if term.abbreviation else None
        if abbreviation is not None:
            if abbreviation in owner and owner[abbreviation] != term_id:
                yield term_id, ("abbreviation",), f"'{term.abbreviation}' is already a form of term '{owner[abbreviation]}'"
            owner.setdefault(abbreviation, term_id)
        for i, form in enumerate(term.forms_nb):
            key = _key(form)
            if key == abbreviation:
                yield term_id, ("forms_nb", i), f"'{form}' is the term's abbreviation, recognised already: remove it here"
            elif key in owner and owner[key] != term_id:
                yield term_id, ("forms_nb", i), f"'{form}' is already a form of term '{owner[key]}'"
            elif key in owner:
                yield term_id, ("forms_nb", i), f"'{form}' is listed twice"
            owner.setdefault(key, term_id)
        if term.definition.nb is not None and term.definition.nb_origin == "source" and term.defined_in is None:
            yield (
                term_id,
                ("definition",),
                "a definition in a source's words names that source in 'defined_in' (a publication id); "
                "a definition of the editors' own says 'nb_origin: editorial'",
            )
        own = _key(term.term.en) if term.term.en else None
        for i, avoided in enumerate(term.avoid_en):
            if _key(avoided) == own:
                yield term_id, ("avoid_en", i), f"'{avoided}' is the term's own English rendering ('term.en')"
