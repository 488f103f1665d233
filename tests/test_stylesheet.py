"""generator/pipeline/stylesheet.py: the theme's style sheet keeps what the site can use.

The unit tests give it crafted style sheets, pages and scripts. The test on the real site loads
every kind of page in Chromium with the trimmed and with the theme's whole style sheet, on a phone
and a desktop, and compares the computed style of every element and pseudo-element."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tinycss2

from generator.pipeline.stylesheet import THEME_STYLESHEET, Vocabulary, site_vocabulary, trim, trim_theme_stylesheet
from tests.conftest import write


def vocabulary(*classes: str, prefixes: tuple[str, ...] = (), read: tuple[str, ...] = ()) -> Vocabulary:
    return Vocabulary(frozenset(classes), prefixes, frozenset(read))


def rules(css: str) -> list[str]:
    """Each style rule as `selectors{declarations}`, at-rules whole: to compare without caring for
    how the serializer spaces things."""
    return [tinycss2.serialize([node]).replace(" ", "") for node in tinycss2.parse_stylesheet(css, True, True)]


def test_a_rule_is_kept_when_every_class_of_one_of_its_selectors_can_occur() -> None:
    css = ".a{color:red}.b{color:blue}.a .b{margin:0}.a.c{padding:0}.c,.a>.b{top:0}"
    assert rules(trim(css, vocabulary("a", "b"))) == [".a{color:red}", ".b{color:blue}", ".a.b{margin:0}", ".a>.b{top:0}"]


def test_elements_ids_attributes_and_the_root_need_no_class() -> None:
    css = ":root{--x:1px}html{margin:0}#top{top:0}[data-md-state=lock]{overflow:hidden}a:hover{color:red}"
    assert trim(css, vocabulary(read=("--x",))) == css


def test_classes_inside_not_is_where_and_has_are_not_required() -> None:
    css = ".a:not(.gone){color:red}.a:is(.gone,.b){top:0}.a:where(.gone){left:0}.a:has(.gone){right:0}.gone:not(.a){bottom:0}"
    kept = rules(trim(css, vocabulary("a")))
    assert kept == [".a:not(.gone){color:red}", ".a:is(.gone,.b){top:0}", ".a:where(.gone){left:0}", ".a:has(.gone){right:0}"]


def test_a_class_a_script_builds_from_a_prefix_counts_for_every_class_with_it() -> None:
    css = ".md-tag--draft{color:red}.md-tag{top:0}.md-tags{left:0}"
    assert rules(trim(css, vocabulary(prefixes=("md-tag--",)))) == [".md-tag--draft{color:red}"]


def test_media_and_supports_are_trimmed_inside_and_left_out_when_empty() -> None:
    css = "@media screen and (max-width:76em){.a{top:0}.gone{left:0}}@media print{.gone{display:none}}@supports (display:grid){.a{display:grid}}"
    assert rules(trim(css, vocabulary("a"))) == [
        "@mediascreenand(max-width:76em){.a{top:0}}",
        "@supports(display:grid){.a{display:grid}}",
    ]


def test_other_at_rules_are_kept_as_written() -> None:
    css = '@charset "utf-8";@keyframes spin{0%{transform:rotate(0)}to{transform:rotate(1turn)}}@font-face{font-family:x;src:url(x.woff2)}'
    assert rules(trim(css, vocabulary())) == rules(css)


def test_a_custom_property_nobody_reads_is_left_out_and_its_readers_are_followed() -> None:
    css = (
        ":root{--kept:1px;--unread:2px;--read-by-gone:3px;--chain-a:var(--chain-b);--chain-b:4px;--for-the-site:5px}"
        ".a{margin:var(--kept)}.gone{margin:var(--read-by-gone)}.b{padding:var(--chain-a)}"
    )
    kept = trim(css, vocabulary("a", "b", read=("--for-the-site",)))
    assert rules(kept) == [
        ":root{--kept:1px;--chain-a:var(--chain-b);--chain-b:4px;--for-the-site:5px}",
        ".a{margin:var(--kept)}",
        ".b{padding:var(--chain-a)}",
    ]
    # when nothing reads a chain's head, its tail goes too, and an emptied rule is left out
    assert rules(trim(":root{--a:var(--b);--b:1px}.x{top:0}", vocabulary("x"))) == [".x{top:0}"]


def test_an_image_in_a_custom_property_is_kept_whole() -> None:
    """A data address holds `;` and quotes: cutting a declaration at its first `;` would leave an
    open string that swallows every rule after it."""
    icon = """url('data:image/svg+xml;charset=utf-8,<svg xmlns="http://www.w3.org/2000/svg"><path d="M1 2"/></svg>')"""
    css = f":root{{--icon:{icon};--gone:{icon}}}.a{{mask-image:var(--icon)}}.b{{color:red!important}}"
    kept = trim(css, vocabulary("a", "b"))
    assert rules(kept) == rules(f":root{{--icon:{icon}}}.a{{mask-image:var(--icon)}}.b{{color:red!important}}")


def test_the_vocabulary_is_read_from_pages_and_the_scripts_that_run_in_them(tmp_path: Path) -> None:
    write(
        tmp_path / "index.html",
        """<div class="md-a  md-b"><p class='single'><span class=bare style="--inline:1px">"""
        """<b data-class="not-a-class">x</b><i\nclass="after-a-newline">class="in-text"</i>""",
    )
    write(tmp_path / "en" / "x" / "index.html", '<div class="md-en">')
    write(
        tmp_path / "assets" / "javascripts" / "bundle.js",
        'e.className="md-built";x=`md-tag--${t}`;s.setProperty("--set-by-script",1)',
    )
    write(tmp_path / "assets" / "kb.js", "el.classList.add('kb-open')")
    write(tmp_path / "assets" / "kb.css", ".kb{color:var(--md-primary-fg-color)}")
    write(tmp_path / "assets" / "javascripts" / "workers" / "search.js", '"md-worker-only"')
    write(tmp_path / "assets" / "javascripts" / "lunr" / "wordcut.js", '"bug"')
    write(tmp_path / "pagefind" / "pagefind-ui.js", '"md-pagefind-only"')
    found = site_vocabulary(tmp_path)
    assert {"md-a", "md-b", "single", "bare", "md-en", "md-built", "kb-open"} <= found.classes
    assert {"after-a-newline"} <= found.classes
    assert not {"md-worker-only", "bug", "md-pagefind-only", "not-a-class", "in-text"} & found.classes
    assert found.prefixes == ("md-tag--",)
    assert {"--inline", "--set-by-script", "--md-primary-fg-color"} <= found.properties_read


def test_both_languages_get_the_same_trimmed_sheet_and_no_stale_source_map(tmp_path: Path) -> None:
    sheet = ".md-nb{top:0}.md-en{left:0}.md-gone{right:0}\n/*# sourceMappingURL=main.1.min.css.map */"
    for root in (tmp_path, tmp_path / "en"):
        write(root / "assets" / "stylesheets" / "main.1.min.css", sheet)
        write(root / "assets" / "stylesheets" / "main.1.min.css.map", "{}")
    write(tmp_path / "index.html", '<p class="md-nb">')
    write(tmp_path / "en" / "index.html", '<p class="md-en">')
    trimmed = trim_theme_stylesheet(tmp_path)
    assert len(trimmed.files) == 2 and trimmed.bytes_after < trimmed.bytes_before
    for root in (tmp_path, tmp_path / "en"):
        assert rules((root / "assets" / "stylesheets" / "main.1.min.css").read_text()) == [".md-nb{top:0}", ".md-en{left:0}"]
        assert not (root / "assets" / "stylesheets" / "main.1.min.css.map").exists()


def test_a_site_without_the_theme_sheet_is_left_alone(tmp_path: Path) -> None:
    write(tmp_path / "index.html", "<p>")
    assert trim_theme_stylesheet(tmp_path).files == ()


# --- the real site ----------------------------------------------------------------------------

THEME_SHEET = next((Path(__import__("material").__file__).parent / "templates").glob(THEME_STYLESHEET))
"""The theme's whole style sheet, as the theme ships it."""

LIVE_CLASSES = """async () => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  for (const id of ['__drawer', '__search']) { const box = document.getElementById(id); if (box) box.click(); }
  window.scrollTo(0, document.body.scrollHeight);
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const found = new Set();
  for (const el of document.querySelectorAll('[class]')) for (const name of el.classList) found.add(name);
  return [...found];
}"""
"""Every class on the page once its scripts have run, every folded part is open, the drawer and the
search have been opened and the page scrolled to its end (the theme marks the header and the table
of contents on scrolling)."""


def theme_classes() -> set[str]:
    """Every class the theme's whole style sheet names."""
    return set(re.findall(r"\.(-?[A-Za-z_][A-Za-z0-9_-]*)", re.sub(r"url\([^)]*\)|\{[^{}]*\}", "", THEME_SHEET.read_text())))


@pytest.mark.long
def test_every_class_the_theme_styles_on_a_live_page_was_foreseen(browser, site_server: str, real_index, real_project) -> None:
    """The trim keeps every rule whose classes can occur in the site as it reads it from the built
    files. On every kind of page in both languages, after the theme's scripts have run and a reader
    has opened everything there is to open, each class the theme's style sheet names is one the
    trim foresaw, so no rule it left out can match."""
    from tests.test_screens import _every_kind_of_page, _phone

    foreseen = site_vocabulary(real_project.site_dir)
    styled = theme_classes()
    pages = [page for lang in ("nb", "en") for page in _every_kind_of_page(real_index, real_project, lang)]
    unforeseen: dict[str, list[str]] = {}
    with _phone(browser, 360) as page:
        for _, path in pages:
            page.goto(site_server + path)
            for name in set(page.evaluate(LIVE_CLASSES)) & styled:
                if not foreseen.can_occur(name):
                    unforeseen.setdefault(name, []).append(path)
    assert len(pages) > 60 and len(styled) > 300
    assert not unforeseen, "classes the trimmed sheet may have lost: " + "; ".join(
        f"{n} on {p[:3]}" for n, p in unforeseen.items()
    )


@pytest.mark.parametrize(("width", "kind"), [(360, "home.md.j2"), (1280, "publication.md.j2"), (1280, "finding.md.j2")])
def test_a_page_looks_the_same_with_the_trimmed_and_the_whole_sheet(
    browser, site_server: str, real_index, real_project, width: int, kind: str
) -> None:
    """Every element's box and every property of its style and of its ::before and ::after are the
    same with either sheet, with every folded part open (and on a phone the drawer open). What
    Chromium paints follows from these; unlike pixels, they do not vary with raster passes, and
    comparing them costs a second where full-page screenshots of a long page cost a minute of CPU."""
    from tests.test_screens import _every_kind_of_page, _screen

    trimmed = next(real_project.site_dir.glob(THEME_STYLESHEET)).read_bytes()
    assert len(trimmed) < 0.7 * THEME_SHEET.stat().st_size  # it was trimmed
    path = dict(_every_kind_of_page(real_index, real_project, "nb"))[kind]
    sheets = (trimmed, THEME_SHEET.read_bytes())
    with _screen(browser, width) as page:
        trimmed_look, whole_look = (_look(page, site_server + path, sheet) for sheet in sheets)
        assert len(trimmed_look) == len(whole_look) > 100
        differing = [i for i, (a, b) in enumerate(zip(trimmed_look, whole_look, strict=True)) if a != b][:3]
        if differing:  # what differs, in words
            trimmed_look, whole_look = (_look(page, site_server + path, sheet, differing) for sheet in sheets)
    assert differing == [], f"{path} at {width} px looks otherwise with the trimmed sheet: " + "; ".join(
        _difference(a, b) for a, b in zip(trimmed_look, whole_look, strict=True)
    )


def _look(page, url: str, sheet: bytes, elements: list[int] | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    """The page with `sheet` as the theme's style sheet, once its transitions have ended: each
    element's tag, classes and box with a hash of its style, or for `elements` (their places in
    document order) the style itself, written out."""
    page.route("**/assets/stylesheets/main.*.min.css", _served(sheet))
    try:
        page.goto(url)
        page.evaluate(OPENED)
        page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)))")
        return page.evaluate(LOOK, elements)
    finally:
        page.unroute("**/assets/stylesheets/main.*.min.css")


LOOK = """(only) => {
  const names = Array.from(getComputedStyle(document.documentElement)).filter((n) => !n.startsWith('--'));
  const style = (s) => names.map((n) => n + ':' + s.getPropertyValue(n)).join(';');
  const pseudo = (e, which) => {
    const s = getComputedStyle(e, which);
    return ['none', 'normal'].includes(s.content) ? 'none' : style(s);  // not generated: nothing painted
  };
  const hash = (text) => {  // cyrb53: 53 bits, so two different styles share one by chance never in practice
    let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761); h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
  };
  const all = Array.from(document.querySelectorAll('*'));
  return (only === null ? all : only.map((i) => all[i])).map((e) => {
    const r = e.getBoundingClientRect();
    const box = [r.x, r.y, r.width, r.height].map((v) => Math.round(v * 10) / 10).join(',');
    const classes = typeof e.className === 'string' ? e.className : '';
    const look = [style(getComputedStyle(e)), pseudo(e, '::before'), pseudo(e, '::after')].join('|');
    return e.tagName + '.' + classes + '@' + box + '|' + (only === null ? hash(look) : look);
  });
}"""
"""Custom properties (--md-...) are left out: the trimmed sheet drops those nothing reads, and what
they did decide is in the standard properties compared."""


def _difference(first: str, second: str) -> str:
    """Where two elements' looks differ: the element, then the first properties that differ."""
    a, b = first.split("|"), second.split("|")
    if a[0] != b[0]:
        return f"{a[0]} != {b[0]}"
    parts = ("", "", "::before ", "::after ")
    changed = [
        f"{parts[i]}{x} != {y}" for i in range(1, 4) for x, y in zip(a[i].split(";"), b[i].split(";"), strict=False) if x != y
    ]
    return f"{a[0]}: {', '.join(changed[:4])}"


def _served(body: bytes):  # type: ignore[no-untyped-def]
    """A route handler that answers with `body` (a handler with two parameters gets the request too)."""
    return lambda route: route.fulfill(body=body, content_type="text/css")


OPENED = """() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  const drawer = document.getElementById('__drawer');
  if (drawer && window.innerWidth < 1220) drawer.checked = true;
}"""
