"""Presentation shared by the site and the print: words, labels, URLs, sections, links, charts."""
