"""What the search index reads of a page, and how much a page counts: decided here, once.

Pagefind indexes each language's pages inside `data-pagefind-body` (overrides/main.html). A
reader's query should find the page that answers it: a topic, a finding, an intervention or a
section of a publication, before the single studies they draw on, and never a page only because
its labels say the query's word (every CERQual finding says "tillit", confidence, in its badge).

- Labels that every page of a kind repeats are not indexed: the ones the templates already mark
  with a class are listed in `NOT_INDEXED` and passed to Pagefind (`--exclude-selectors`);
  the few without a class of their own carry `data-pagefind-ignore` where they are emitted
  (a finding's generated justification sentence and its section headings; on a study's page, the
  statements of the findings it is used in, which are those findings' pages).
- A finding's title is what it is called: its page's heading, searched as the page's title
  (`data-pagefind-meta="title:…"`, weighted like every page's title) and not a second time as the
  heading's words (with them the findings' titles outranked the topics that answer a subject:
  success@1 on the relevance set fell from 93% to 80% in bokmål). Where another page cites the
  finding, its title and number are a label (`.kb-finding-ref`, `.kb-secondary`), not indexed there.
- A page kind that should count less says so in the page plan (`PageSpec.search_weight`):
  overrides/main.html weights its whole body. An informant's quotation counts less than the page
  it illustrates (`QUOTE_WEIGHT`, on the quotation: `contexts.QuoteItem.search_weight`).
- A topic's keywords (`Topic.keywords`) are searched as metadata, weighted in the search box's
  ranking (content/assets/kb.js), and not shown.

`make search-relevance` and tests/test_search_relevance.py measure the result on the relevance
set (tests/relevance.yaml).
"""

from __future__ import annotations

NOT_INDEXED: tuple[str, ...] = (
    ".headerlink",  # the theme's ¶ after every heading
    ".kb-badge",  # confidence, kind of finding, effect direction, evidence status: labels from a vocabulary
    ".kb-cell",  # a matrix cell's Ja / Delvis / Nei
    ".kb-confidence",  # "Tillit (GRADE-CERQual): <badge>" on a finding
    ".kb-profile th",  # the CERQual component names of an evidence profile ...
    ".kb-profile td:nth-child(2)",  # ... and their levels; the explanations stay
    ".kb-overall",  # an evidence profile's last row: "overall", the badge and the generated sentence
    ".kb-meta",  # the publication, version and theme line under a heading
    ".kb-finding-ref",  # "Funn 16 (Skole-hjem-samarbeid og skolefravær)" where a finding is cited
    ".kb-secondary",  # ... and its "(Funn 16, Skole-hjem-samarbeid og skolefravær)"
    ".kb-topic-publication h3",  # on a topic page, the publication each part comes from ...
    ".kb-topic-publication h4",  # ... and the kind of its items ("Funn (14)", "Tiltak")
    ".kb-count-line",  # ... and what a folded part holds, counted ("14 funn · 5 temaer")
    ".kb-certain",  # a topic's most certain findings and effects, which its parts below say again
    ".kb-summary",  # a topic's or an intervention's counts in one sentence ("46 funn: 1 høy ... tillit")
    ".kb-home-cards",  # the home page's cards: every topic's name and counts, each its own page's
    ".kb-topics",  # "Topics: ..." links under a finding
    ".kb-origin",  # "translated by the editors" and the like
    ".kb-source-location",  # "Source: Tabell 9" and the like
    ".kb-history",  # the change history box: dates, versions, "no changes recorded"
    "dl.kb-facts > dt",  # field labels of a study or an intervention ("Population", "Aim", ...)
    ".kb-matrix-row",  # a study's row of a matrix: characteristic names and Ja / Delvis / Nei
    ".kb-notes h2",  # "Notes on the source" over the notes of a page ...
    ".kb-notes li > strong",  # ... and each note's category ("Discrepancy in the source:"); the notes stay
    ".kb-term-tip",  # a glossary term's definition, in a tooltip where a page first names it (explain.py)
    ".kb-related",  # a finding's related evidence: other pages' labels and links, each found on its own page
    ".kb-quote figcaption",  # a quote's informant group, location and "translated by the editors"; the words stay
    ".kb-quote-original",  # a quote's wording in the other language, behind "the source's words": not this index's language
    ".kb-cite",  # "Cite this": the citation repeats the page's title, its authors and its publication
)
"""CSS selectors (the subset Pagefind's HTML rewriter reads: no sibling combinators) of page
chrome that is not indexed, anywhere on the site."""

QUOTE_WEIGHT = 0.5
"""An informant's quotation counts for less than what its page says itself (`data-pagefind-weight`
on the quotation; Pagefind squares weights: a quarter as much per word): the finding answers a
question, the quote illustrates it, in an informant's everyday words ("I don't blame the teacher")
that would otherwise put it first for the subject they name in passing."""

SINGLE_STUDY_WEIGHT = 0.3
"""A single study's page counts for half (Pagefind squares weights: a quarter as much per word),
so the topics, findings and interventions that draw on a study rank above it for a subject, while
its citation (the page title, searched as such) still finds it."""
