from generator.present import urls


def test_href_between_entity_pages() -> None:
    assert urls.href(urls.finding("f1"), urls.study("s1")) == "../../studies/s1/"
    assert urls.href(urls.findings_table("p"), urls.finding("f1")) == "../../../findings/f1/"
    assert urls.href(urls.HOME, urls.publication("p")) == "publications/p/"
    assert urls.href(urls.publication("p"), urls.HOME) == "../../"
    assert urls.href(urls.findings_table("p"), urls.publication("p")) == "../"


def test_href_to_same_page_fragment() -> None:
    assert urls.href(urls.findings_table("p"), urls.findings_table("p"), "theme-a") == "./#theme-a"


def test_site_url_per_language() -> None:
    assert urls.site_url(urls.finding("f1"), "nb") == "/findings/f1/"
    assert urls.site_url(urls.finding("f1"), "en") == "/en/findings/f1/"
    assert urls.site_url(urls.HOME, "en") == "/en/"
    assert urls.site_url(urls.publication("p"), "nb") == "/publications/p/"
