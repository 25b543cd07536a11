"""IRIs are derived from content: readable, stable, and the same for the same name and area."""

from __future__ import annotations

import pytest

from phoihop.iris import actor_iri, area_iri, instrument_iri, issuer_key, number_slug, slug
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
    ("149/2018/NĐ-CP", None, "cp", "149-nd"),
    ("5816/QĐ-UBND", "Hà Nội", "ha-noi-ubnd", "5816-qd"),
    ("163/CTr-UBND-LĐLĐ", "Hà Nội", "ha-noi-ubnd-ldld", "163-ctr"),
    ("249/TB-VPCP", None, "vpcp", "249-tb"),
    ("655/QĐ-TTg", None, "ttg", "655-qd"),
]


@pytest.mark.parametrize(("number", "area", "issuer", "local"), NUMBERS)
def test_instrument_parts(number: str, area: str | None, issuer: str, local: str) -> None:
    assert issuer_key(number, area) == issuer
    assert number_slug(number) == local


def test_examples_from_the_model() -> None:
    assert instrument_iri("tw", 2019, "37-ct") == ID["instrument/tw/2019/37-ct"]
    assert instrument_iri("vpcp", None, "249-tb") == ID["instrument/vpcp/undated/249-tb"]
    assert actor_iri("Liên đoàn Lao động", "Hà Nội", "quận Hoàn Kiếm") == \
        ID["actor/ha-noi/quan-hoan-kiem/lien-doan-lao-dong"]
    assert actor_iri("Chính phủ") == ID["actor/viet-nam/chinh-phu"]
    assert area_iri("Hà Nội") == ID["area/ha-noi"]
