"""How to cite a page of the knowledge base: one citation per publication, finding and topic page,
in the page's language, given as APA (citeproc-py, through `references.ReferenceCache`), BibTeX and
RIS; and, for a publication, the Google Scholar meta tags and the schema.org JSON-LD of its page.

What is cited is the knowledge base's edition of a work, so a citation carries its version and
date, and the page's public address when the site has one (`Index.site`):

- a publication as the report (or thesis) it is: its authors (or its institutions), its title, its
  series and number, its institutions as publisher, ISBN or ISSN where the source gives one;
- a finding as a part of its publication: its title and "Funn N", in the publication;
- a topic as a web page of the knowledge base, by the knowledge base's publisher, with the
  knowledge base's version and the date of the newest publication it draws on.

A title is the source's (bokmål); on an English page our translation follows it in brackets, as
APA writes a translated title. Every value here is data: BibTeX escapes LaTeX's special characters
(braces too, so a field never ends early), RIS keeps each field on its line, and the JSON-LD has no
`<`, `>` or `&` left that could end its `<script>` element.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.model.i18n import resolve, ui
from generator.model.index import Index
from generator.model.models import Publication, Text
from generator.present import urls
from generator.present.pagespec import PageSpec
from generator.present.references import ReferenceCache, person, ris_field

CITED_TEMPLATES = {"publication.md.j2": "publication", "finding.md.j2": "finding", "topic.md.j2": "topic"}
"""The pages that say how to cite them, and the kind of entity each one is about (its parameter)."""

THESES = ("master-thesis", "phd-thesis")


def cited_entity(page: PageSpec) -> tuple[str, str] | None:
    """(kind, id) of what a page cites, or None for a page without a citation."""
    kind = CITED_TEMPLATES.get(page.template)
    return (kind, page.params[kind]) if kind else None


@dataclass(frozen=True)
class Citation:
    """One page's citation in one language: the CSL item APA is formatted from, and what BibTeX and
    RIS need beside it."""

    kind: str
    entity_id: str
    lang: str
    item: dict[str, Any]
    """CSL-JSON: citeproc-py formats it; BibTeX and RIS are written from it."""
    publication_type: str | None
    """A publication's (or a finding's publication's) type: a thesis is cited as one."""
    publisher: str
    """Its institutions (a topic: the knowledge base). APA leaves them out where they are the author."""
    version: str
    date: dt.date


def names(authors: list[str]) -> str:
    """'Rebecca Lynn Radlick, Vigdis Sveinsdottir, Tonje Fyhn': names written 'Family, Given' in reading order."""
    return ", ".join(reading_order(name) for name in authors)


def reading_order(name: str) -> str:
    family, _, given = name.partition(",")
    return f"{given.strip()} {family.strip()}" if given.strip() else family.strip()


def _title(text: Text, lang: str) -> str:
    """The source's title; on an English page with our translation after it in brackets (APA)."""
    original = text.nb or text.en or ""
    english = text.en
    if lang == "nb" or not english or english == original:
        return original
    return f"{original} [{english}]"


def _language(text: Text) -> str:
    """CSL's language of a title: APA title-cases only English titles, never a Norwegian one."""
    return "nb" if text.nb else "en"


def _authors(index: Index, pub: Publication, lang: str) -> list[dict[str, str]]:
    """The authors, or, where the source names none, its institutions as the author (APA)."""
    if pub.authors:
        return [person(name) for name in pub.authors]
    return [{"literal": resolve(institution, lang).text} for institution in pub.institutions]


def _publisher(pub: Publication, lang: str) -> str:
    return "; ".join(resolve(institution, lang).text for institution in pub.institutions)


def _date_parts(date: dt.date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[date.year, date.month, date.day]]}


def _page_url(index: Index, doc: str, lang: str) -> str | None:
    base = index.site.base_url
    return urls.public_page(base, doc, lang) if base else None


def series_line(pub: Publication) -> str | None:
    """'AFI-rapport 2022:09', 'Notat 14-2025': the series and the number, each once."""
    parts = [part for part in (pub.series, pub.series_number) if part]
    return " ".join(parts) if parts else None


def _publication_item(index: Index, pub: Publication, lang: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"publication-{pub.id}",
        "type": "report",  # a thesis too: APA's thesis form needs a database; a report names its university
        "title": _title(pub.title, lang),
        "language": _language(pub.title),
        "author": _authors(index, pub, lang),
        "issued": _date_parts(pub.date),
        "version": pub.version,
    }
    if pub.authors:  # otherwise the institutions are the author, and APA names them once
        item["publisher"] = _publisher(pub, lang)
    if pub.series_number:
        item["number"] = pub.series_number
    if pub.isbn:
        item["ISBN"] = pub.isbn
    if pub.issn:
        item["ISSN"] = pub.issn
    return item


def citation(index: Index, kind: str, entity_id: str, lang: str) -> Citation:
    """How to cite the page of an entity (a publication, a finding or a topic) in `lang`."""
    if kind == "publication":
        pub = index.publication(entity_id)
        item = _publication_item(index, pub, lang)
        item["genre"] = pub.series or resolve(index.term("publication-type", pub.publication_type).label, lang).text
        doc = urls.publication(pub.id)
        version, date, pub_type, publisher = pub.version, pub.date, pub.publication_type, _publisher(pub, lang)
    elif kind == "finding":
        finding = index.finding(entity_id)
        pub = index.publication(index.publication_of[("finding", entity_id)])
        container = _publication_item(index, pub, lang)
        item = {
            **{key: value for key, value in container.items() if key not in ("title", "number", "ISBN", "ISSN")},
            "id": f"finding-{finding.id}",
            "type": "chapter",
            "title": f"{resolve(finding.title, lang).text} ({ui('finding', lang)} {finding.number})",
            "container-title": container["title"],
        }
        doc = urls.finding(finding.id)
        version, date, pub_type, publisher = pub.version, pub.date, pub.publication_type, _publisher(pub, lang)
    elif kind == "topic":
        topic = index.topic(entity_id)
        site = index.site
        author = resolve(site.publisher, lang).text if site.publisher else ui("site_name", lang)
        drawn_on = {index.publication_of.get(member) for member in index.topic_members.get(topic.id, [])}
        dates = [index.publication(p).date for p in sorted(p for p in drawn_on if p)]
        date = max(dates or [pub.date for pub in index.publications()] or [dt.date(2025, 1, 1)])
        item = {
            "id": f"topic-{topic.id}",
            "type": "webpage",
            "title": resolve(topic.name, lang).text,
            "language": lang,
            "author": [{"literal": author}],
            "issued": _date_parts(date),
            "version": site.version,
        }
        if author != ui("site_name", lang):  # the site's name once: APA leaves out a publisher that is the author
            item["publisher"] = ui("site_name", lang)
        doc = urls.topic(topic.id)
        version, pub_type, publisher = site.version, None, ui("site_name", lang)
    else:
        raise ValueError(f"no citation for a {kind}")
    url = _page_url(index, doc, lang)
    if url:
        item["URL"] = url
    return Citation(kind, entity_id, lang, item, pub_type, publisher, version, date)


def apa(cite: Citation, cache: ReferenceCache | None) -> Markup:
    """The citation in APA style, as sanitised HTML (italics only)."""
    return (cache or ReferenceCache(None)).format(cite.item, cite.lang)


# --- BibTeX -------------------------------------------------------------------------------------

_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIAL = re.compile("[" + re.escape("".join(_LATEX)) + "]")


def latex(value: str) -> str:
    """Text as a BibTeX field's content: LaTeX's special characters escaped, braces included (as
    commands, so every brace in a field is balanced and none can end it), on one line."""
    return _LATEX_SPECIAL.sub(lambda match: _LATEX[match.group(0)], " ".join(value.split()))


def _bibtex_name(author: dict[str, str]) -> str:
    if "literal" in author:
        return "{" + latex(author["literal"]) + "}"  # an institution: one name, never split into family and given
    given = author.get("given")
    return latex(f"{author['family']}, {given}" if given else author["family"])


BIBTEX_TYPE = {"publication": "techreport", "finding": "incollection", "topic": "misc"}


def bibtex(cite: Citation) -> str:
    """One BibTeX entry (BibLaTeX reads `version`, `urldate`-free, UTF-8)."""
    item = cite.item
    entry_type = BIBTEX_TYPE[cite.kind]
    if cite.kind == "publication" and cite.publication_type in THESES:
        entry_type = "mastersthesis" if cite.publication_type == "master-thesis" else "phdthesis"
    fields: list[tuple[str, str]] = [
        ("author", " and ".join(_bibtex_name(a) for a in item["author"])),
        ("title", "{" + latex(item["title"]) + "}"),  # braced: a style keeps its capitals
    ]
    if "container-title" in item:
        fields.append(("booktitle", latex(item["container-title"])))
    if cite.publisher:
        where = {"techreport": "institution", "mastersthesis": "school", "phdthesis": "school", "misc": "howpublished"}.get(
            entry_type, "publisher"
        )
        fields.append((where, latex(cite.publisher)))
    if cite.kind == "publication" and entry_type == "techreport":
        fields.append(("type", latex(item["genre"])))
    if "number" in item:
        fields.append(("number", latex(item["number"])))
    fields += [("year", str(cite.date.year)), ("date", cite.date.isoformat()), ("version", latex(cite.version))]
    fields += [(name, latex(item[key])) for name, key in (("isbn", "ISBN"), ("issn", "ISSN"), ("url", "URL")) if key in item]
    fields.append(("language", {"nb": "norsk", "en": "english"}[cite.lang]))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{cite.kind}-{cite.entity_id},\n{body}\n}}\n"


# --- RIS ----------------------------------------------------------------------------------------

RIS_TYPE = {"publication": "RPRT", "finding": "CHAP", "topic": "ELEC"}


def ris(cite: Citation) -> str:
    """One RIS record: a field per line, a value never spans two."""
    item = cite.item
    ris_type = "THES" if cite.kind == "publication" and cite.publication_type in THESES else RIS_TYPE[cite.kind]
    lines = [ris_field("TY", ris_type)]
    for author in item["author"]:
        name = author.get("literal") or (f"{author['family']}, {author['given']}" if author.get("given") else author["family"])
        lines.append(ris_field("AU", name))
    lines.append(ris_field("TI", item["title"]))
    if "container-title" in item:
        lines.append(ris_field("T2", item["container-title"]))
    lines.append(ris_field("PY", str(cite.date.year)))
    lines.append(ris_field("DA", cite.date.strftime("%Y/%m/%d")))
    if cite.publisher:
        lines.append(ris_field("PB", cite.publisher))
    if cite.kind == "publication":
        lines.append(ris_field("M3", item["genre"]))
    if "number" in item:
        lines.append(ris_field("IS", item["number"]))
    lines += [ris_field("SN", item[key]) for key in ("ISBN", "ISSN") if key in item]
    lines.append(ris_field("ET", f"{ui('version', cite.lang)} {cite.version}"))
    if "URL" in item:
        lines.append(ris_field("UR", item["URL"]))
    lines.append(ris_field("LA", cite.lang))
    lines.append(ris_field("ID", f"{cite.kind}-{cite.entity_id}"))
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


# --- a publication's page: Google Scholar and schema.org ----------------------------------------

CC_LICENCES = {"CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/"}
"""Licences the source names, and where they are published (schema.org's `license` is an address)."""


def scholar_meta(index: Index, pub: Publication, lang: str, pdfs: bool) -> list[tuple[str, str]]:
    """Google Scholar's inclusion tags for a publication's page, in its order: title, each author,
    date, the PDF (absolute: only when the site has an address and the build writes PDFs), language,
    publisher or institution, report number, ISBN or ISSN."""
    meta = [("citation_title", resolve(pub.title, lang).text)]
    meta += [("citation_author", reading_order(name)) for name in pub.authors]
    if not pub.authors:
        meta += [("citation_author", resolve(institution, lang).text) for institution in pub.institutions]
    meta.append(("citation_publication_date", pub.date.strftime("%Y/%m/%d")))
    base = index.site.base_url
    if base and pdfs:
        meta.append(("citation_pdf_url", urls.public_file(base, urls.pdf_path(pub.id, "full", lang), lang)))
    meta.append(("citation_language", lang))
    publisher = _publisher(pub, lang)
    if pub.publication_type in THESES:
        meta.append(("citation_dissertation_institution", publisher))
    else:
        meta.append(("citation_technical_report_institution", publisher))
    meta.append(("citation_publisher", publisher))
    if pub.series_number and pub.publication_type not in THESES:
        meta.append(("citation_technical_report_number", series_line(pub) or pub.series_number))
    if pub.isbn:
        meta.append(("citation_isbn", pub.isbn))
    if pub.issn:
        meta.append(("citation_issn", pub.issn))
    return meta


def _schema_type(pub: Publication) -> str | list[str]:
    if pub.publication_type == "journal-article":
        return "ScholarlyArticle"
    if pub.publication_type in THESES:
        return ["ScholarlyArticle", "Thesis"]
    return "Report"


def _link(index: Index, from_doc: str, path: str, lang: str) -> str:
    """A file's address in JSON-LD: absolute with the site's address, else relative to the page."""
    base = index.site.base_url
    return urls.public_file(base, path, lang) if base else urls.asset(from_doc, path)


def json_ld(index: Index, pub: Publication, lang: str, pdfs: bool) -> str:
    """schema.org JSON-LD of a publication's page: the publication (a Report, or a ScholarlyArticle),
    and the references of its studies (RIS, CSL-JSON) as a Dataset where it has any; safe inside
    `<script>` (`script_json`)."""
    doc = urls.publication(pub.id)
    url = _page_url(index, doc, lang)
    if pub.authors:
        authors: list[dict[str, str]] = [
            {"@type": "Person", "name": reading_order(n), **{"familyName": p["family"], "givenName": p.get("given", "")}}
            for n, p in ((name, person(name)) for name in pub.authors)
        ]
    else:
        authors = [{"@type": "Organization", "name": resolve(i, lang).text} for i in pub.institutions]
    work: dict[str, Any] = {
        "@type": _schema_type(pub),
        "@id": "#publication",
        "name": resolve(pub.title, lang).text,
        "inLanguage": lang,
        "author": authors,
        "publisher": [{"@type": "Organization", "name": resolve(i, lang).text} for i in pub.institutions],
        "datePublished": pub.date.isoformat(),
        "version": pub.version,
    }
    if lang != "nb" and pub.title.nb:
        work["alternateName"] = pub.title.nb
    if url:
        work["url"] = url
    if pub.url:
        work["sameAs"] = pub.url
    if pub.series:
        work["isPartOf"] = {"@type": "CreativeWorkSeries", "name": pub.series, **({"issn": pub.issn} if pub.issn else {})}
    if pub.series_number and work["@type"] == "Report":
        work["reportNumber"] = pub.series_number
    if pub.isbn:
        work["isbn"] = pub.isbn
    if pub.license:
        work["license"] = CC_LICENCES.get(pub.license, pub.license)
    if pdfs:
        work["encoding"] = [
            {
                "@type": "MediaObject",
                "encodingFormat": "application/pdf",
                "contentUrl": _link(index, doc, urls.pdf_path(pub.id, kind, lang), lang),
            }
            for kind in ("full", "summary")
        ]
    graph: list[dict[str, Any]] = [work]
    if pub.studies:
        graph.append(
            {
                "@type": "Dataset",
                "@id": "#references",
                "name": ui("references_dataset", lang).format(title=resolve(pub.short_title, lang).text),
                "description": ui("references_dataset_description", lang).format(n=len(pub.studies)),
                "inLanguage": lang,
                "creator": authors,
                "isBasedOn": {"@id": "#publication"},
                "isAccessibleForFree": True,
                "distribution": [
                    {
                        "@type": "DataDownload",
                        "encodingFormat": fmt,
                        "contentUrl": _link(index, doc, urls.references_path(pub.id, ext), lang),
                    }
                    for ext, fmt in (
                        ("ris", "application/x-research-info-systems"),
                        ("json", "application/vnd.citationstyles.csl+json"),
                    )
                ],
            }
        )
    return script_json({"@context": "https://schema.org", "@graph": graph})


def script_json(value: object) -> str:
    """JSON that can stand inside `<script>`: no `<`, `>` or `&` (written \\u003c ...), so no data can
    close the element or open a comment; line and paragraph separators escaped for old parsers."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text
