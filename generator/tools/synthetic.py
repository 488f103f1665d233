"""Synthetic knowledge bases for benchmarks: realistic text lengths and cross references.

Texts are cycled from the real data so lengths and characters (æøå) are realistic.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

from generator.model.cerqual import CONFIDENCE_STEPS, reconcilable
from generator.model.models import TITLE_MAX_CHARACTERS, TITLE_MAX_WORDS
from generator.model.settings import Project
from generator.model.siteconfig import SITE_FILE


def _texts(project: Project, folder: str, field: str) -> list[dict[str, str]]:
    out = []
    for path in sorted((project.data_dir / folder).glob("*.yaml")):
        value = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader).get(field)
        if isinstance(value, dict) and value.get("nb"):
            out.append({"nb": value["nb"], "en": value.get("en") or value["nb"]})
    return out or [{"nb": "Foresatte opplevde at skolen lyttet.", "en": "Parents felt the school listened."}]


def _numbered_title(title: dict[str, str], number: int) -> dict[str, str]:
    """A real title with the finding's number after it, within the title limits: titles must differ
    within a publication, and a publication here may have more findings than the real data has titles."""
    numbered = {}
    for lang in ("nb", "en"):
        words = title[lang].split()[: TITLE_MAX_WORDS - 1]
        while len(" ".join([*words, str(number)])) > TITLE_MAX_CHARACTERS:
            words.pop()
        numbered[lang] = " ".join([*words, str(number)])
    return {**numbered, "nb_origin": "editorial"}


def _dump(path: Path, data: dict[str, object]) -> None:
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _confidence(components: dict[str, dict[str, object]], wanted: str) -> str:
    """`wanted`, or the nearest overall confidence that the components can explain (check warns otherwise)."""
    options = reconcilable({name: str(component["level"]) for name, component in components.items()})
    return min(options, key=lambda option: abs(CONFIDENCE_STEPS[option] - CONFIDENCE_STEPS[wanted]))


def generate(source: Project, target: Path, studies: int, seed: int = 2025, publications: int | None = None) -> Project:
    """Write a knowledge base of `studies` studies and studies/2 findings into `target`."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    data = target / "data"
    for folder in (
        "publications",
        "themes",
        "findings",
        "studies",
        "characteristics",
        "assessments",
        "matrices",
        "notes",
        "implications",
    ):
        (data / folder).mkdir(parents=True)
    shutil.copytree(source.data_dir / "vocabularies", data / "vocabularies")
    shutil.copytree(source.data_dir / "topics", data / "topics")
    topics = sorted(path.stem for path in (data / "topics").glob("*.yaml"))
    audiences = ["school-leaders", "teachers", "municipal-services", "school-owners", "policy-makers", "researchers"]
    shutil.copy(source.mkdocs_config, target / "mkdocs.yml")
    if (source.root / SITE_FILE).is_file():
        shutil.copy(source.root / SITE_FILE, target / SITE_FILE)
    # Theme overrides and the site's CSS/JS, but not the hand-written pages: they cite real ids.
    for folder in ("content/assets", "overrides"):
        if (source.root / folder).is_dir():
            shutil.copytree(source.root / folder, target / folder)
    statements = _texts(source, "findings", "statement")
    titles = _texts(source, "findings", "title")
    populations = _texts(source, "studies", "population")
    interventions = _texts(source, "assessments", "intervention")
    findings_total = studies // 2
    publications = publications or max(1, studies // 100)
    designs = ["rct", "qualitative", "cross-sectional", "mixed-methods", "rdd"]
    countries = ["nor", "swe", "dnk", "usa", "gbr", "nld"]
    study_ids = [f"study-{i:05d}" for i in range(studies)]
    for i, sid in enumerate(study_ids):
        _dump(
            data / "studies" / f"{sid}.yaml",
            {
                "id": sid,
                "citation": f"Forfatter{i} et al. {2010 + i % 15}",
                "authors": [f"Forfatter{i}, A."],
                "year": 2010 + i % 15,
                "publication_type": "journal-article",
                "design": designs[i % len(designs)],
                "country": countries[i % len(countries)],
                "population": populations[i % len(populations)],
                "appraisal": {"tool": "epoc-qualitative", "overall": "moderate"},
            },
        )
    per_pub_studies = studies // publications
    per_pub_findings = findings_total // publications
    confidences = ["high", "moderate", "moderate", "low", "very-low"]
    levels = ["none-or-very-minor", "minor", "moderate", "serious"]
    finding_number = 0
    for p in range(publications):
        pid = f"pub-{p:03d}"
        themes = [f"{pid}-tema-{i}" for i in range(7)]
        for theme in themes:
            _dump(
                data / "themes" / f"{theme}.yaml", {"id": theme, "name": {"nb": f"Tema {theme[-1]}", "en": f"Theme {theme[-1]}"}}
            )
        characteristics = [f"{pid}-kjennetegn-{i}" for i in range(6)]
        for char in characteristics:
            _dump(
                data / "characteristics" / f"{char}.yaml",
                {
                    "id": char,
                    "name": {"nb": f"Kjennetegn {char[-1]}", "en": f"Characteristic {char[-1]}"},
                    "short_name": {"nb": f"kjennetegn {char[-1]}", "en": f"characteristic {char[-1]}"},
                    "description": [
                        {"nb": "Systematisk kunnskapsheving blant ansatte", "en": "Systematic competence building among staff"}
                    ],
                    "question": {"nb": "Førte tiltaket til økt kompetanse?", "en": "Did the intervention build competence?"},
                },
            )
        pub_studies = study_ids[p * per_pub_studies : (p + 1) * per_pub_studies]
        pub_findings = []
        for n in range(per_pub_findings):
            finding_number += 1
            fid = f"{pid}-f{n + 1:04d}"
            pub_findings.append(fid)
            comps: dict[str, dict[str, object]] = {
                name: {"level": rng.choice(levels)}
                for name in ("methodological_limitations", "coherence", "adequacy", "relevance")
            }
            for comp in comps.values():
                if comp["level"] != "none-or-very-minor":
                    comp["explanation"] = {
                        "nb": "Bekymringer knyttet til noe manglende beskrivelser av analyse",
                        "en": "Concerns about incomplete descriptions of the analysis",
                    }
            _dump(
                data / "findings" / f"{fid}.yaml",
                {
                    "id": fid,
                    "number": n + 1,
                    "theme": themes[n % len(themes)],
                    "title": _numbered_title(titles[finding_number % len(titles)], n + 1),
                    "statement": statements[finding_number % len(statements)],
                    "components": comps,
                    "confidence": _confidence(comps, confidences[n % len(confidences)]),
                    "studies": rng.sample(pub_studies, k=min(len(pub_studies), rng.randint(2, 8))),
                    # every topic gets content (round robin), plus one at random
                    "topics": sorted({topics[finding_number % len(topics)], rng.choice(topics)}),
                },
            )
        # One implication per ten findings, each for one or two audiences and backed by findings:
        # the topic, practice and overview pages then scale with the data like the real ones.
        pub_implications = []
        for n in range(max(1, per_pub_findings // 10)):
            iid = f"{pid}-i{n + 1:04d}"
            pub_implications.append(iid)
            _dump(
                data / "implications" / f"{iid}.yaml",
                {
                    "id": iid,
                    "number": n + 1,
                    "implication_type": "implication-for-practice",
                    "audiences": rng.sample(audiences, k=rng.randint(1, 2)),
                    "text": statements[(finding_number + n) % len(statements)],
                    "findings": rng.sample(pub_findings, k=min(len(pub_findings), 3)),
                    "topics": rng.sample(topics, k=min(len(topics), 1)),
                },
            )
        rows = []
        for r, sid in enumerate(pub_studies[:15]):
            aid = f"{pid}-tiltak-{r:02d}"
            rows.append(aid)
            _dump(
                data / "assessments" / f"{aid}.yaml",
                {
                    "id": aid,
                    "study": sid,
                    "intervention": interventions[r % len(interventions)],
                    "values": {c: rng.choice(["yes", "partly", "no"]) for c in characteristics},
                },
            )
        mid = f"{pid}-matrise"
        _dump(
            data / "matrices" / f"{mid}.yaml",
            {
                "id": mid,
                "title": {"nb": f"Tiltak og kjennetegn {p}", "en": f"Interventions and characteristics {p}"},
                "columns": characteristics,
                "rows": rows,
            },
        )
        real = yaml.load(
            (source.data_dir / "publications" / "skole-hjem-2025.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader
        )
        real.pop("kind", None)
        real.update(
            {
                "id": pid,
                "title": {"nb": f"Syntetisk oversikt {p}", "en": f"Synthetic review {p}"},
                "short_title": {"nb": f"Oversikt {p}", "en": f"Review {p}"},
                "themes": themes,
                "findings": pub_findings,
                "studies": pub_studies,
                "characteristics": characteristics,
                "matrices": [mid],
                "implications": pub_implications,
                "interventions": [],
                "cases": [],
                "history": [],
            }
        )
        _dump(data / "publications" / f"{pid}.yaml", real)
    return Project(target)
