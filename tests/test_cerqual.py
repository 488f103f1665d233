from generator.build import check
from generator.cerqual import justification
from generator.settings import Project


def test_justification_matches_the_source_sentence(fixture_project: Project) -> None:
    index, _ = check(fixture_project)
    assert index is not None
    finding = index.finding("demo-2025-f01")  # moderate / none / minor / none, as finding 2 of Tabell 9
    # Tabell 9, finding 2, verbatim from the source:
    assert justification(finding, index, "nb") == (
        "Moderate bekymringer knyttet til metodiske begrensninger, ingen eller svært små bekymringer knyttet til "
        "koherens, små bekymringer knyttet til dataomfang og ingen eller svært små bekymringer knyttet til relevans."
    )
