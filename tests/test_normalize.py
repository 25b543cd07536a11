"""Text at the door: decoding, normalisation with offsets back to the NFC original, and the small parsers
(document numbers, dates) the matcher relies on. Example-based tables plus property-based checks."""

from __future__ import annotations

import codecs
import datetime as dt
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from phoihop.errors import InputError
from phoihop.extract import parse_date, parse_decimal, parse_number
from phoihop.normalize import decode_bytes, fold, is_syllable, normalize, normalize_aligned

SAMPLE = "Ủy ban nhân dân tỉnh Bến Tre và Liên đoàn Lao động tỉnh thống nhất Quy chế phối hợp hoá, thuỷ lợi.\n"

NORMALISED = [
    ("Số: 163 /CTr-UBND-LĐLĐ", "Số: 163/CTr-UBND-LĐLĐ"),
    ("Chỉ thị số 37- CT/TW ngày 03/9/2019", "Chỉ thị số 37-CT/TW ngày 03/9/2019"),
    ("Nghị định số 149/ 2018 /NĐ-CP", "Nghị định số 149/2018/NĐ-CP"),
    ("Quyết địnhsố 04/2007/QĐ-TTg", "Quyết định số 04/2007/QĐ-TTg"),
    ("của TổngLiên đoàn Lao động", "của Tổng Liên đoàn Lao động"),
    ("văn hoá, Uỷ ban, thuỷ lợi, khoẻ, quý, HOÁ", "văn hóa, Ủy ban, thủy lợi, khỏe, quý, HÓA"),
    ("năm 2020 - Ban chỉ đạo", "năm 2020 - Ban chỉ đạo"),
    ("VinFuture và Zalo", "VinFuture và Zalo"),
    ("I. MỤC ĐÍCH, YÊU CẦU.", "I. mục đích, yêu cầu."),
    ("TM. ỦY BAN NHÂN DÂN\nNGUYỄN VĂN AN", "TM. ủy ban nhân dân\nNguyễn Văn An"),
    ("KẾ HOẠCH\nPHỐI HỢP CÔNG TÁC", "Kế hoạch\nphối hợp công tác"),
    ("**Đậm** và  hai   khoảng", "Đậm và hai khoảng"),
    ("dòng một\r\ndòng hai", "dòng một\ndòng hai"),
    ("Đắk Lắk, Krông Pắc, José", "Đắk Lắk, Krông Pắc, José"),
    # an abbreviation glued to the word after it; codes of numbers stay as written
    ("LĐLĐtỉnh và HĐNDhuyện", "LĐLĐ tỉnh và HĐND huyện"),
    ("Tổng LĐLĐViệt Nam, TPHồ Chí Minh", "Tổng LĐLĐ Việt Nam, TP Hồ Chí Minh"),
    ("08-QĐi/TW, 655/QĐ-TTg, 02/CTrPH-LĐLĐ, TPHCM", "08-QĐi/TW, 655/QĐ-TTg, 02/CTrPH-LĐLĐ, TPHCM"),
]


@pytest.mark.parametrize(("raw", "want"), NORMALISED, ids=[w[:24] for w, _ in NORMALISED])
def test_normalize(raw: str, want: str) -> None:
    assert normalize(raw) == want
    assert normalize(want) == want


@pytest.mark.parametrize(("raw", "piece", "original"), [
    ("Số: 163 /CTr-UBND-LĐLĐ", "163/CTr-UBND-LĐLĐ", "163 /CTr-UBND-LĐLĐ"),
    ("theo Quyết địnhsố 12/QĐ-UBND", "định số", "địnhsố"),
    ("**CHƯƠNG TRÌNH PHỐI HỢP**", "Chương trình", "CHƯƠNG TRÌNH"),
    ("Uỷ ban nhân dân", "Ủy ban", "Uỷ ban"),
])
def test_offsets_point_into_the_original(raw: str, piece: str, original: str) -> None:
    norm = normalize_aligned(raw)
    start = norm.text.index(piece)
    s, e = norm.original_span(start, start + len(piece))
    assert raw[s:e] == original


@pytest.mark.parametrize(("word", "ok"), [("nghiêng", True), ("khuya", True), ("người", True), ("Nguyễn", True),
                                          ("địnhsố", False), ("VinFuture", False), ("quốc", True), ("UBND", False)])
def test_is_syllable(word: str, ok: bool) -> None:
    assert is_syllable(word) is ok


def test_fold_matches_the_scorer_rules() -> None:
    assert fold("Sở Lao động- Thương binh và Xã hội") == fold("Sở Lao động, Thương binh và Xã hội")
    assert fold("Uỷ ban nhân dân") == fold("ủy ban nhân dân")


# ----------------------------------------------------------------------------------------------- decoding


TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tone marks combining."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


ENCODINGS = [
    ("utf-8", lambda t: t.encode("utf-8")),
    ("utf-8-bom", lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
    ("utf-16-bom", lambda t: t.encode("utf-16")),
    ("utf-16-le", lambda t: t.encode("utf-16-le")),
    ("utf-16-be", lambda t: t.encode("utf-16-be")),
    ("cp1258", _cp1258),
    ("nfd-utf-8", lambda t: unicodedata.normalize("NFD", t).encode("utf-8")),
]


@pytest.mark.parametrize(("name", "encode"), ENCODINGS, ids=[n for n, _ in ENCODINGS])
def test_decode_accepts_vietnamese_encodings(name: str, encode) -> None:
    assert decode_bytes(encode(SAMPLE), f"{name}.txt") == unicodedata.normalize("NFC", SAMPLE)


REFUSED = [
    ("empty", b"", "empty"),
    ("blank", b" \n ", "empty"),
    ("nul", b"abc\x00\x01\x02def" * 10, "binary"),
    ("pdf", b"%PDF-1.4 ...", "PDF"),
    ("png", b"\x89PNG\r\n\x1a\n", "PNG"),
    ("zip", b"PK\x03\x04rest", "ZIP"),
    ("tcvn3", "Uû ban nh©n d©n tØnh vµ Liªn ®oµn Lao ®éng ".encode("cp1252") * 4, "TCVN3"),
    ("vni", "UÛy ban nhaân daân tænh vaø Lieân ñoaøn Lao ñoäng ".encode("cp1252") * 4, "VNI"),
]


@pytest.mark.parametrize(("name", "data", "why"), REFUSED, ids=[n for n, _, _ in REFUSED])
def test_decode_refuses_with_a_clear_message(name: str, data: bytes, why: str) -> None:
    with pytest.raises(InputError, match=why) as info:
        decode_bytes(data, f"{name}.txt")
    assert f"{name}.txt" in str(info.value)


def test_decode_size_cap() -> None:
    with pytest.raises(InputError, match="MB"):
        decode_bytes(SAMPLE.encode("utf-8") * 100, "big.txt", max_bytes=1000)


# ----------------------------------------------------------------------------------------- properties

VIET = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
TEXT = st.text(alphabet=VIET + VIET.upper() + " \n\t-/.,:;()*#0123456789%\u00a0\u200b\r", max_size=300)


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("aBUYm")  # a camel-case piece that is itself an abbreviation glued to a syllable
def test_normalize_never_crashes_and_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_offsets_are_monotonic_and_in_range(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    norm = normalize_aligned(nfc)
    assert len(norm.offsets) == len(norm.text) + 1
    assert norm.offsets[-1] == len(nfc)
    assert all(0 <= a <= b <= len(nfc) for a, b in zip(norm.offsets, norm.offsets[1:], strict=False))
    for i, ch in enumerate(norm.text):
        if ch.isalnum():  # a letter or digit comes from the same letter, maybe in another case or tone place
            src = nfc[norm.offsets[i]]
            assert src.isalnum()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_decode_never_crashes(data: bytes) -> None:
    try:
        text = decode_bytes(data, "random.bin")
    except InputError:
        return
    assert unicodedata.is_normalized("NFC", text)


NOTATIONS = ["CT", "NQ", "NĐ", "QĐ", "TT", "TB", "KH", "CTr", "QCPH", "HD", "KL"]
ISSUERS = ["TW", "TU", "CP", "TTg", "UBND", "UBND-LĐLĐ", "VPCP", "BLĐTBXH", "LĐLĐ"]


@given(num=st.integers(1, 99999), year=st.one_of(st.none(), st.integers(1990, 2030)),
       notation=st.sampled_from(NOTATIONS), issuer=st.sampled_from(ISSUERS), party=st.booleans(),
       spaces=st.booleans())
def test_number_grammars_round_trip(num, year, notation, issuer, party, spaces) -> None:
    if party:
        text = f"{num:02d}-{notation}/{issuer.split('-')[0]}"
    else:
        text = f"{num}/{year}/{notation}-{issuer}" if year else f"{num}/{notation}-{issuer}"
    written = text.replace("/", " /", 1) if spaces else text
    parsed = parse_number(written, NOTATIONS)
    assert parsed is not None and parsed.text == text
    assert parsed.notation == notation
    assert parsed.year == (None if party else year)
    assert parsed.party is party


@given(st.text(max_size=60))
def test_parse_number_never_crashes(text: str) -> None:
    parse_number(text, NOTATIONS)


@given(st.dates(min_value=dt.date(1945, 1, 1), max_value=dt.date(2099, 12, 31)), st.booleans(), st.booleans())
def test_date_forms_round_trip(day: dt.date, long_form: bool, padded: bool) -> None:
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if padded else (str(day.day), str(day.month))
    text = f"ngày {d} tháng {m} năm {day.year}" if long_form else f"ngày {d}/{m}/{day.year}"
    assert parse_date(f"ban hành {text} của Chính phủ") == day


@given(st.text(max_size=80))
def test_parse_date_never_crashes(text: str) -> None:
    parse_date(text)


@pytest.mark.parametrize(("text", "value"), [("1.833", "1833"), ("58,32", "58.32"), ("01", "1"), ("100", "100")])
def test_vietnamese_numerals(text: str, value: str) -> None:
    assert parse_decimal(text) == parse_decimal(value)
