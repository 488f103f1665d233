"""One presenter under two thin views: the site's (`render.View`) and the print's (`pdf.PrintView`)
say the same things with the same methods."""

from __future__ import annotations

import html
import re

import pytest
from markupsafe import Markup

from generator import pdf
from generator.build import load_or_fail
from generator.index import Index
from generator.pagespec import PageSpec
from generator.presenter import BADGE_VOCABULARIES, Presenter
from generator.render import View
from generator.settings import LANGUAGES, Project

from .conftest import FIXTURE, WHOLE

# --- the views ---------------------------------------------------------------------------------------


def _defined_on(cls: type) -> set[str]:
    """The methods and properties a class body defines itself (not inherited, not dunders)."""
    return {
        name
        for name, value in vars(cls).items()
        if not (name.startswith("__") and name.endswith("__"))
        and (callable(value) or isinstance(value, property | staticmethod | classmethod))
    }


def test_no_method_is_defined_on_both_views() -> None:
    assert issubclass(View, Presenter) and issubclass(pdf.PrintView, Presenter)
    both = _defined_on(View) & _defined_on(pdf.PrintView)
    assert not both, f"defined on both views (move them to the presenter): {sorted(both)}"


TWINS = {"t": "text", "badge": "confidence_badge", "cell": "matrix_cell", "target": "entity_link"}
"""The print view's old names for what the site called otherwise -> the one name both use."""


@pytest.mark.parametrize(("old", "name"), TWINS.items())
def test_the_print_view_asks_with_the_sites_names(old: str, name: str) -> None:
    assert not hasattr(pdf.PrintView, old) and not hasattr(Presenter, old)
    assert getattr(pdf.PrintView, name) is getattr(View, name) is getattr(Presenter, name)


# --- the same words on the site and in print -----------------------------------------------------------


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Index:
    import shutil

    root = tmp_path_factory.mktemp("whole") / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(WHOLE, root, dirs_exist_ok=True)
    return load_or_fail(Project(root))


def _words(html: Markup) -> str:
    return re.sub(r"<[^>]+>", "", str(html))


def _plain(words: str) -> str:
    """Words without the print's typographic quotes, unescaped."""
    return html.unescape(words).translate(str.maketrans("‘’«»“”", '\'\'""""'))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_badge_says_the_same_on_the_site_and_in_print(whole: Index, lang: str) -> None:
    pub = whole.publications()[0]
    site, printed = View(whole, lang, PageSpec("index.md", "")), pdf.PrintView(whole, pub, lang)
    for vocabulary in BADGE_VOCABULARIES:
        for term in whole.terms(vocabulary):
            badge = site.badge_of(vocabulary, term.id)
            assert badge == printed.badge_of(vocabulary, term.id)
            marked_up = (site.badge_markup(badge), printed.badge_markup(badge))
            assert _words(marked_up[0]) == _words(marked_up[1]) == (f"{term.symbol} " if term.symbol else "") + badge.words
            assert "kb-" in marked_up[0] and "kb-" not in marked_up[1]  # each with its own classes
