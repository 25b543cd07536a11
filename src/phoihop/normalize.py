"""Text at the door: decode bytes, then normalise Vietnamese text while remembering where each char came from.

Matchers run on the normalised text; evidence offsets must point into the NFC original, so every
normalising step carries an offset map (normalised index -> NFC original index). The steps are the
ones that break naive matching of administrative text: old/new tone placement (`hoá`/`hóa`), words
glued by lost line-wrap spaces (`địnhsố`, `TổngLiên`), spaces inside document numbers
(`163 /CTr-UBND-LĐLĐ`, `37- CT/TW`), upper-case headings and Markdown emphasis.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import select
import stat
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import InputError
from .resources import data_dir

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

LOWER = "a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
UPPER = LOWER.upper().replace("A-Z", "A-Z")
LETTER = LOWER + UPPER

# ----------------------------------------------------------------------------------------------- decoding

_MAGIC = {
    b"%PDF": "a PDF file",
    b"\x89PNG": "a PNG image",
    b"PK\x03\x04": "a ZIP archive (or DOCX/XLSX)",
    b"\xd0\xcf\x11\xe0": "an MS Office (OLE) file",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"{\\rtf": "an RTF file",
}
# Characters that TCVN3 (ABC) bytes turn into when read as Windows-1258, and the VNI letter+mark
# sequences: both are legacy 8-bit Vietnamese font encodings that no codec here reads.
_TCVN3_HINT = re.compile("[¸µ¶·¹¨©ª«®¬¦§£¤¥¢¡]")
_VNI_HINT = re.compile("[øûïñÑöäåëüÖØ]")
_VIET_LETTER = re.compile(f"[{LOWER.removeprefix('a-z')}]", re.IGNORECASE)
_VIET_HINT = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ]|[\u0300\u0301\u0303\u0309\u0323]"
                        "|[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")


def decode_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Bytes of a text file -> NFC str; refuse what is not Vietnamese text with one clear message.

    Accepts UTF-8 (with or without BOM), UTF-16 (with BOM, or detected from NUL patterns) and
    Windows-1258 (whose combining tone marks NFC composes). Refuses empty, oversized, binary input,
    the legacy TCVN3/VNI font encodings, and text without a single Vietnamese letter (an English page or
    a text stripped of its diacritics: every fact would be tagged @vi wrongly or not be found at all).
    """
    if len(data) > max_bytes:  # standard input is read only up to the limit, so its full size is unknown
        raise InputError(f"input is over the {max_bytes / 1048576:.0f} MB limit "
                         "(set a higher limit if this is really one document)", path=name)
    if not data.strip():
        raise InputError("file is empty: nothing to ingest", path=name)
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"this is {what}, not text: convert it to plain text first", path=name)
    text = _decode(data, name)
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise InputError("file is empty: nothing to ingest", path=name)
    _refuse_legacy(text, name)
    if not _VIET_LETTER.search(text):
        raise InputError("no Vietnamese letter (no diacritic, no đ) in the whole text: phoihop reads Vietnamese "
                         "documents; restore the diacritics first if they were stripped", path=name)
    return text


def _decode(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8", name, skip=3)
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _strict(data, "utf-32", name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)
    if b"\x00" in data:
        sample = data[:4096]
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > len(sample) // 8 and even * 10 < odd:
            return _strict(data, "utf-16-le", name)
        if even > len(sample) // 8 and odd * 10 < even:
            return _strict(data, "utf-16-be", name)
        raise InputError("file contains NUL bytes: it is binary, not text", path=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        if _mostly_utf8(data):  # a damaged UTF-8 file, not another encoding: say where, not "convert it"
            raise _damaged(data, err, "utf-8", name) from None
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8, UTF-16 or Windows-1258 text (byte 0x{data[err.start]:02x} at offset "
                         f"{err.start}): convert it to UTF-8", path=name) from None
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text[:4096]):
        raise InputError("file holds control bytes: it is binary, not text", path=name)
    return text


def _mostly_utf8(data: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 are still UTF-8 text with a few bad bytes: more valid
    multi-byte characters than broken sequences. Windows-1258 or TCVN3 text read as UTF-8 gives almost no
    valid multi-byte character, Vietnamese UTF-8 gives one in most words."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid = sum(1 for ch in text if ord(ch) > 0x7F) - broken
    return valid > broken


def _damaged(data: bytes, err: UnicodeDecodeError, encoding: str, name: str, skip: int = 0) -> InputError:
    """Where a byte sequence breaks: byte offset in the file, and line and column in the text before it."""
    offset = skip + err.start
    before = data[skip:offset].decode(encoding, errors="replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    what = "a truncated character" if "unexpected end" in err.reason or "continuation" in err.reason else \
        f"byte 0x{data[offset]:02x}, which is not {encoding}"
    return InputError(f"bad {encoding} at byte offset {offset}: {what}; the rest of the file is {encoding}, so "
                      "the file is damaged there (re-save or fix that character; converting the encoding "
                      "would garble it)", path=name, line=line, column=column)


def _strict(data: bytes, encoding: str, name: str, skip: int = 0) -> str:
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as err:
        raise _damaged(data, err, encoding, name, skip) from None


def _refuse_legacy(text: str, name: str) -> None:
    """TCVN3 and VNI text decoded as Windows-1258 shows their letters as Latin-1 symbols. The whole text
    is judged, by the words that hold any non-ASCII character: a long ASCII part (a table of contents, a
    list of links) cannot hide a legacy-encoded body."""
    viet = len(_VIET_HINT.findall(text))
    tcvn, vni = len(_TCVN3_HINT.findall(text)), len(_VNI_HINT.findall(text))
    words = max(1, sum(1 for word in text.split() if not word.isascii()))
    if tcvn > words // 4 and tcvn > viet:
        raise InputError("text looks TCVN3 (ABC font encoding); convert it to Unicode (UTF-8) first, "
                         "e.g. with UniKey's converter", path=name)
    if vni > words // 4 and vni > viet:
        raise InputError("text looks VNI-encoded (VNI font encoding); convert it to Unicode (UTF-8) "
                         "first, e.g. with UniKey's converter", path=name)


FIFO_WAIT_SECONDS = 30.0  # how long a FIFO may stay silent before ingest gives up (no writer, most likely)


def read_text_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, bytes]:
    """Read and decode a file; returns (NFC text, raw bytes) so callers can hash the bytes.

    At most `max_bytes` + 1 bytes are read from anything, so /dev/zero or an endless pipe is refused as too
    large instead of filling memory, and a FIFO that no process writes to is given up after
    FIFO_WAIT_SECONDS instead of waiting for ever."""
    p = Path(path)
    try:
        mode = os.stat(p).st_mode
        if stat.S_ISDIR(mode):
            raise InputError("is a directory, not a text file", path=p)
        size = os.stat(p).st_size if stat.S_ISREG(mode) else 0
        if size > max_bytes:
            raise InputError(f"file is {size / 1048576:.1f} MB, over the {max_bytes / 1048576:.0f} MB "
                             "limit (set a higher limit if this is really one document)", path=p)
        data = _read_fifo(p, max_bytes) if stat.S_ISFIFO(mode) else _read_at_most(p, max_bytes)
    except FileNotFoundError:
        raise InputError("no such file", path=p) from None
    except PermissionError:
        raise InputError("permission denied", path=p) from None
    except OSError as err:
        reason = "a loop of symbolic links" if err.errno == errno.ELOOP else f"cannot read: {err.strerror or err}"
        raise InputError(reason, path=p) from None
    return decode_bytes(data, str(path), max_bytes), data


def _read_at_most(path: Path, max_bytes: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(max_bytes + 1)


def _read_fifo(path: Path, max_bytes: int) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # opening a FIFO for reading blocks until a writer comes
    try:
        poll = select.poll()
        poll.register(fd, select.POLLIN)
        if not poll.poll(FIFO_WAIT_SECONDS * 1000):
            raise InputError(f"nothing came through this FIFO in {FIFO_WAIT_SECONDS:g} s (is anything writing "
                             "to it?)", path=path)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(max_bytes + 1)
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------------ normalising


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for every char, the index of the NFC-original char it came from."""

    text: str
    offsets: tuple[int, ...]  # len(text) + 1 entries; the last is len(original)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Normalised [start, end) -> NFC-original [start, end)."""
        if end <= start:
            at = self.offsets[start]
            return at, at
        return self.offsets[start], self.offsets[end - 1] + 1


class _Aligned:
    """Text under construction with its offset list; each step rebuilds both."""

    __slots__ = ("text", "offs")

    def __init__(self, text: str, offs: list[int]):
        self.text, self.offs = text, offs

    def sub(self, pattern: re.Pattern, repl) -> None:
        """Like re.sub with a function; same-length replacements keep offsets char by char,
        others map every new char to the start of the replaced span (or the next char for insertions)."""
        parts: list[str] = []
        offs: list[int] = []
        last = 0
        text, old = self.text, self.offs
        for m in pattern.finditer(text):
            new = repl(m)
            if new is None or new == m.group(0):
                continue
            s, e = m.span()
            parts.append(text[last:s])
            offs.extend(old[last:s])
            offs.extend(_align(text[s:e], new, old[s:e + 1]))
            parts.append(new)
            last = e
        if not parts:
            return
        parts.append(text[last:])
        offs.extend(old[last:])
        self.text, self.offs = "".join(parts), offs


def _align(old: str, new: str, offs: list[int]) -> list[int]:
    """Offsets for `new`, which replaced `old` (whose chars sit at `offs`, plus one past the end).

    Same length: char for char. Chars kept from `old` (spaces dropped or inserted) keep their own
    offset; an inserted char takes the offset of the next kept one.
    """
    if len(new) == len(old):
        return offs[:len(new)]
    out: list[int] = []
    i = 0
    for ch in new:
        j = old.find(ch, i) if ch != " " or len(new) < len(old) else -1
        if j >= 0 and (len(new) < len(old) or old[j] == ch):
            out.append(offs[j])
            i = j + 1
        else:
            out.append(offs[i] if i < len(offs) else offs[-1])
    return out


def _tone_move(first: str, second: str) -> tuple[str, str]:
    """Move the tone mark of `second` onto `first`, keeping each char's case."""
    d = unicodedata.normalize("NFD", second)
    base, marks = d[0], d[1:]
    new_first = unicodedata.normalize("NFC", first + marks)
    return new_first, base


_RETONE = re.compile(r"(?i)(?<![q])u[ýỳỷỹỵ](?![" + LETTER + r"])|o[áàảãạéèẻẽẹ](?![" + LETTER + r"])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]+")
_CRLF = re.compile(r"\r\n?")
_MARKDOWN = re.compile(r"\*{1,3}|^#{1,6} +|!\[[^\]\n]*\]\([^)\n]*\)", re.M)
_NUMBER_SPACING = re.compile(
    r"\d+ ?- ?[A-ZĐ][A-Za-zĐ]* ?/ ?[A-ZĐ][A-Za-zĐ0-9]*(?![" + LETTER + r"])"  # Party: 37- CT/TW
    r"|\d+ ?/ ?(?:\d{4} ?/ ?)?[A-ZĐ][A-Za-zĐ0-9]*(?:-[A-ZĐ][A-Za-zĐ0-9]*)*(?![" + LETTER + r"])")  # state
_CAMEL = re.compile(f"(?<=[{LOWER}])(?=[{UPPER}])")
_TOKEN = re.compile(f"[{LETTER}]+")
_HEADING_LINE = re.compile(r"^.*$", re.M)
_ROMAN = re.compile(r"[IVXLC]+")

_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEI = ("a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô "
           "uơ uy ưa ưi ươ ưu yê iêu oai oay oeo uây uôi uya uyê uyu ươi ươu yêu").split()
_SYLLABLE = re.compile(
    f"(?:{_ONSETS})?(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(?:ch|nh|ng|c|m|n|p|t)?")


def _strip_tone(word: str) -> str:
    """Drop tone marks but keep vowel-quality marks (ă â ê ô ơ ư) and đ."""
    d = unicodedata.normalize("NFD", word.lower())
    d = "".join(c for c in d if c not in "\u0300\u0301\u0303\u0309\u0323")
    return unicodedata.normalize("NFC", d)


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True when `word` is one well-formed Vietnamese syllable (tone marks ignored)."""
    return _SYLLABLE.fullmatch(_strip_tone(word)) is not None


_GLUED_MAX = 16  # two syllables glued by a lost space ('nghiêngnghiêng' is 14 letters); a longer run is left


def _split_two(word: str) -> str:
    """'địnhsố' -> 'định số' when the token is no syllable but two; else the word unchanged.

    Only tokens of at most _GLUED_MAX letters are tried: each cut tests both halves, so a space-less page
    of thousands of letters would cost time quadratic in its length for a split that cannot be two syllables."""
    if len(word) < 4 or len(word) > _GLUED_MAX or word.isascii() or is_syllable(word) or not word[1:].islower():
        return word
    for cut in range(len(word) - 1, 0, -1):
        if is_syllable(word[:cut]) and is_syllable(word[cut:]):
            return f"{word[:cut]} {word[cut:]}"
    return word


def _split_abbreviation(word: str) -> str | None:
    """'LĐLĐtỉnh' -> 'LĐLĐ tỉnh', 'UBNDViệt' -> 'UBND Việt': an abbreviation of two or more capitals glued to
    the syllable after it; None when the word is no such pair ('QĐi', 'CTrPH', 'TTg' are codes and stay)."""
    n = len(word) - len(word.lstrip("".join(c for c in word if c.isupper())))
    head, rest = word[:n], word[n:]
    if n < 2 or not rest or not rest.islower():
        return None
    if n >= 3 and is_syllable(head[-1] + rest):  # 'LĐLĐViệt': the last capital opens the next word
        return f"{head[:-1]} {head[-1]}{rest}"
    return f"{head} {rest}" if len(rest) >= 2 and is_syllable(rest) else None


@lru_cache(maxsize=65536)
def _split_glued(word: str) -> str | None:
    """Undo lost line-wrap spaces: 'TổngLiên' -> 'Tổng Liên', 'địnhsố' -> 'định số', 'LĐLĐtỉnh' -> 'LĐLĐ
    tỉnh'; None if unchanged.

    Camel-case joins split only when every piece is a Vietnamese syllable (so 'VinFuture' stays).
    """
    abbreviation = _split_abbreviation(word)
    if abbreviation is not None:
        return abbreviation
    pieces = _CAMEL.split(word)
    if len(pieces) > 1 and not all(is_syllable(p) for p in pieces):
        pieces = [word]
    new = " ".join(_split_abbreviation(p) or _split_two(p) for p in pieces)  # 'aBUYm': a piece may be one too
    return None if new == word else new


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    """Family names (data/lexicon/surnames.csv), so an upper-case signature line keeps a person's name."""
    path = data_dir() / "lexicon" / "surnames.csv"
    with path.open(encoding="utf-8") as handle:
        words = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    return frozenset(words[1:])


def _is_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 6 or any(c.islower() for c in letters):
        return False
    return sum(1 for t in _TOKEN.findall(line) if len(t) > 1 and is_syllable(t)) >= 2


def _heading_case(m: re.Match, state: dict[str, bool]) -> str | None:
    """Sentence case for an upper-case line; only the first line of a heading block gets a capital."""
    line = m.group(0)
    after_heading = state.get("heading", False)
    state["heading"] = _is_heading(line)
    if not state["heading"]:
        return None
    words = _TOKEN.findall(line)
    if 2 <= len(words) <= 4 and words[0].capitalize() in _surnames() and all(map(is_syllable, words)):
        new = re.sub(f"[{LETTER}]+", lambda w: w.group(0).capitalize(), line)
        return new if len(new) == len(line) else None
    out = []
    first = True
    for piece in re.split(f"([{LETTER}]+)", line):
        if piece and piece[0].isalpha():
            keep = _ROMAN.fullmatch(piece) or len(piece) == 1 or not is_syllable(piece)
            word = piece if keep else piece.lower()
            if first and not keep and not after_heading:
                word = word[0].upper() + word[1:]
            first = False
            out.append(word)
        else:
            out.append(piece)
    new = "".join(out)
    return new if len(new) == len(line) else None


def _retone(m: re.Match) -> str:
    pair = m.group(0)
    first, second = _tone_move(pair[0], pair[1])
    return first + second


def _unspace(m: re.Match) -> str:
    return m.group(0).replace(" ", "")


def normalize_aligned(text: str) -> Normalized:
    """Normalise NFC text and keep the offset map back to it. Idempotent on its own output."""
    text = unicodedata.normalize("NFC", text)
    a = _Aligned(text, list(range(len(text) + 1)))
    a.sub(_CRLF, lambda m: "\n")
    a.sub(_INVISIBLE, lambda m: "")
    a.sub(_MARKDOWN, lambda m: "")
    a.sub(_SPACES, lambda m: " ")
    a.sub(_NUMBER_SPACING, _unspace)
    state: dict[str, bool] = {}
    a.sub(_HEADING_LINE, lambda m: _heading_case(m, state))
    a.sub(_TOKEN, lambda m: _split_glued(m.group(0)))
    a.sub(_RETONE, _retone)
    a.sub(_SPACES, lambda m: " ")
    return Normalized(a.text, tuple(a.offs))


def retone(text: str) -> str:
    """NFC, single spaces and the one tone placement (`Hoà` -> `Hòa`) and nothing else: for reference names
    (the gazetteer) whose rare syllables (`Pác Miầu`) must keep their words as the official list writes them."""
    return _RETONE.sub(_retone, " ".join(unicodedata.normalize("NFC", text).split()))


def ascii_name(name: str) -> str:
    """'Hoàn Kiếm' -> 'Hoan Kiem': place names in English labels are written without diacritics."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def normalize(text: str) -> str:
    """NFC, one tone placement, unglued words, tight document numbers, sentence-case headings."""
    return normalize_aligned(text).text


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Comparison key: normalised, case-folded, punctuation collapsed to single spaces.

    The same rules the acceptance scorer uses, so a label and its surface forms meet.
    """
    text = normalize(text).casefold()
    return " ".join(re.sub(r"[\s\-–—_.,;:()\"'“”‘’/]+", " ", text).split())
