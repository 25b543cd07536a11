"""IRIs are derived from content: readable, stable, and the same for the same name and area."""

from __future__ import annotations

import pytest

from phoihop.iris import actor_iri, area_iri, instrument_iri, issuer_key, law_iri, number_slug, slug
from phoihop.namespaces import ID

CASES = [
    ("Liên đoàn Lao động", "lien-doan-lao-dong"),
    ("Ủy ban nhân dân", "uy-ban-nhan-dan"),
    ("Sở Lao động, Thương binh và Xã hội", "so-lao-dong-thuong-binh-va-xa-hoi"),
    ("ĐẮK LẮK", "dak-lak"),
    ("  quận  Hoàn Kiếm ", "quan-hoan-kiem"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


NUMBERS = [
    ("37-CT/TW", None, "tw", "37-ct"),
    ("09-NQ/TU", "Hà Nội", "ha-noi-tu", "09-nq"),
    ("149/2018/NĐ-CP", None, "cp", "149-2018-nd"),
    ("202/2025/QH15", None, "qh15", "202-2025"),
    ("1656/NQ-UBTVQH15", None, "ubtvqh15", "1656-nq"),
    ("5816/QĐ-UBND", "Hà Nội", "ha-noi-ubnd", "5816-qd"),
    ("163/CTr-UBND-LĐLĐ", "Hà Nội", "ha-noi-ubnd-ldld", "163-ctr"),
    ("249/TB-VPCP", None, "vpcp", "249-tb"),
    ("655/QĐ-TTg", None, "ttg", "655-qd"),
    # a joint number whose type has a segment of its own: the type, not the first issuer, names the kind
    ("01/QCPH/UBND-UBMTTQ", "Đắk Lắk", "dak-lak-ubnd-ubmttq", "01-qcph"),
    ("19/2008/NQLT/CP-UBTUMTTQVN", None, "cp-ubtumttqvn", "19-2008-nqlt"),
    ("02/CTrPH-LĐLĐ-BHXH-CT", "Quảng Ninh", "quang-ninh-ldld-bhxh-ct", "02-ctrph"),
]


@pytest.mark.parametrize(("number", "area", "issuer", "local"), NUMBERS)
def test_instrument_parts(number: str, area: str | None, issuer: str, local: str) -> None:
    assert issuer_key(number, area) == issuer
    assert number_slug(number) == local


def test_examples_from_the_model() -> None:
    assert instrument_iri("tw", "37-ct") == ID["instrument/tw/37-ct"]
    assert instrument_iri("cp", number_slug("149/2018/NĐ-CP")) == ID["instrument/cp/149-2018-nd"]
    assert law_iri("Luật Công đoàn", 2012) == ID["instrument/quoc-hoi/luat-cong-doan-2012"]
    assert law_iri("Bộ luật Lao động", "2019") == ID["instrument/quoc-hoi/bo-luat-lao-dong-2019"]
    assert actor_iri("Liên đoàn Lao động", "Hà Nội", "quận Hoàn Kiếm") == \
        ID["actor/ha-noi/quan-hoan-kiem/lien-doan-lao-dong"]
    assert actor_iri("Chính phủ") == ID["actor/viet-nam/chinh-phu"]
    assert area_iri("Hà Nội") == ID["area/ha-noi"]


# Regression (issue 13): law IRIs carried an "undated" segment that changed once the date was known. The key
# is now what the citation itself carries (issuer, number with its own year, or name and edition year), so a
# date learnt later cannot change it, and two editions of one law stay two resources.
@pytest.mark.parametrize(("args", "expected"), [
    (("vpcp", "249-tb"), "instrument/vpcp/249-tb"),
    (("ha-noi-ubnd", "5816-qd", 2021), "instrument/ha-noi-ubnd/5816-qd-2021"),
    (("ha-noi-quan-hoan-kiem-ldld", "Kế hoạch năm 2021"), "instrument/ha-noi-quan-hoan-kiem-ldld/ke-hoach-nam-2021"),
])
def test_instrument_keys_have_no_date_segment(args: tuple, expected: str) -> None:
    iri = instrument_iri(*args)
    assert iri == ID[expected]
    assert "undated" not in iri


def test_two_editions_of_a_law_are_two_resources() -> None:
    assert law_iri("Luật Bảo hiểm xã hội", 2014) != law_iri("Luật Bảo hiểm xã hội", 2024)
