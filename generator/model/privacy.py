"""Personal contact details in a text: what a quotation must never carry.

The sources' informants are anonymised, but a source's own pages hold e-mail addresses and phone
numbers (a thesis's appendices, a report's colophon) that a quotation copied with too wide a
margin would bring along. `personal_data` names each one; `index.py` reports them, located, for
every quote. It looks for the forms, not for real numbers: a range of years such as '2017-2020'
is no phone number, eight digits grouped as a Norwegian number is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|[\w.+-]+\s*[\[(]\s*(?:at|@)\s*[\])]\s*[\w-]+(?:\.[\w-]+)+",  # 'name (at) host.no', 'name [at] host.no'
    re.IGNORECASE,
)

WEB_ADDRESS = re.compile(
    r"\b(?i:https?|ftp)://\S+"
    r"|\b(?i:www)\.[\w-]+(?:\.[\w-]+)+\S*"
    # a bare 'host.no' or 'host.no/page': lower case only, so that 'skolen.Se' (a lost space) is not one
    r"|\b[a-z0-9][\w-]*(?:\.[\w-]+)*\.(?:no|com|org|net|se|dk|fi|eu|info|io)(?:/\S*)?(?![\w-]|\.\w)"
)

INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[ .\-\u00a0]?\(?\d{1,4}\)?){2,6}(?!\w)")
"""'+47 22 33 44 55', '+4722334455', '0047 412 34 567', '+1 (555) 123-4567'."""

NATIONAL_PHONE = re.compile(
    r"(?<![\d+])(?:"
    r"\d{8}"  # 22334455
    r"|\d{2}([ .\-\u00a0])\d{2}\1\d{2}\1\d{2}"  # 22 33 44 55, 22-33-44-55, 22.33.44.55
    r"|\d{3}([ .\-\u00a0])\d{2}\2\d{3}"  # 412 34 567
    r"|(?!(?:19|20)\d\d[ \u00a0](?:19|20)\d\d)\d{4}[ \u00a0]\d{4}"  # 2233 4455, but not '2017 2018'
    r")(?!\d|[ .\-\u00a0]\d)"
)
"""An eight-digit Norwegian number, grouped as it is written. The separator is the same throughout,
so a range of years ('2019-2022') is not one; nor is a longer number ('10 000 000')."""


@dataclass(frozen=True)
class Found:
    what: str
    """'an e-mail address', 'a web address' or 'a phone number'."""
    text: str
    start: int


def personal_data(text: str) -> list[Found]:
    """Every e-mail address, web address and phone number in `text`, in the order they appear.
    Each place is named once: an e-mail address is not also the web address its host looks like."""
    found: list[Found] = []
    taken: list[range] = []
    for what, pattern in (
        ("an e-mail address", EMAIL),
        ("a web address", WEB_ADDRESS),
        ("a phone number", INTERNATIONAL_PHONE),
        ("a phone number", NATIONAL_PHONE),
    ):
        for match in pattern.finditer(text):
            if any(match.start() in span or match.end() - 1 in span for span in taken):
                continue
            taken.append(range(match.start(), match.end()))
            found.append(Found(what, match.group(0).rstrip(".,;:!?)»”'\""), match.start()))
    return sorted(found, key=lambda f: f.start)
