"""The publishers table (data/lexicon/publishers.csv): tags, names and site names to a province, or none.

The context pass's rows (tests/fixtures/extract/context.json) show these in whole reports; here the lookups
themselves, including the ones that must give nothing, and the table's own check of its province slugs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from phoihop.errors import DataInvalid
from phoihop.extract.lexicon import lexicon
from phoihop.extract.publishers import Publishers

SITES = [  # (site or URL, province slug or None, why)
    ("https://baolangson.vn/a-1.html", "lang-son", "a paper's site carries its province"),
    ("http://liendoanlaodong.tuyenquang.gov.vn/x", "tuyen-quang", "a province's subdomain"),
    ("www.congdoanquangngai.example.vn", "quang-ngai", "Quảng Ngãi, not Quảng Nam"),
    ("https://cucthue.example.vn/", None, "'thue' holds the short name of Huế, which is not used"),
    ("https://nld.com.vn/cong-doan/x.htm", None, "a national paper's site names no province"),
    ("https://baohanoibentre.example.vn/", None, "two provinces in one name: ambiguous"),
]


@pytest.mark.parametrize(("site", "want", "why"), SITES, ids=[s[0] for s in SITES])
def test_site(site: str, want: str | None, why: str) -> None:
    lex = lexicon()
    area = lex.publishers.of_site(site, lex.gazetteer, dt.date(2020, 1, 1))
    assert (area.slug if area else None) == want, why


TAGS = [  # (tag, date, province slug or None, why)
    ("LSO", None, "lang-son", "a listed tag"),
    ("lso", None, "lang-son", "case does not matter"),
    ("QN", None, None, "listed for three provinces: ambiguous"),
    ("VOV", None, None, "a national agency"),
    ("XYZW", None, None, "an unlisted tag is no place"),
    ("BTN", dt.date(2025, 8, 1), "tay-ninh-2025", "after the merger, the successor province"),
]


@pytest.mark.parametrize(("tag", "day", "want", "why"), TAGS, ids=[f"{t[0]}-{t[1]}" for t in TAGS])
def test_tag(tag: str, day: dt.date | None, want: str | None, why: str) -> None:
    lex = lexicon()
    area = lex.publishers.of_tag(tag, lex.gazetteer, day)
    assert (area.slug if area else None) == want, why


def test_an_unknown_province_slug_is_refused_naming_the_table() -> None:
    with pytest.raises(DataInvalid) as err:
        Publishers.build([{"kind": "tag", "form": "XX", "province": "nowhere"}], lexicon().gazetteer)
    assert "publishers.csv" in str(err.value) and "'nowhere'" in str(err.value)
