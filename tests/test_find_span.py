"""scripts/find_span.py: the offsets a curator pastes into data/*.ttl, on a text we wrote ourselves."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "find_span.py"
_spec = importlib.util.spec_from_file_location("find_span", SCRIPT)
find_span = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(find_span)

# Invented, with a header cut by a line break and a name written twice.
TEXT = "ỦY BAN NHÂN DÂN\nTỈNH BẾN TRE\nUBND tỉnh và LĐLĐ tỉnh ký quy chế; LĐLĐ tỉnh chủ trì việc tuyên truyền.\n"


@pytest.mark.parametrize(("phrase", "to", "expected"), [
    ("LĐLĐ tỉnh", None, [(42, 51), (64, 73)]),
    ("ỦY BAN NHÂN DÂN TỈNH BẾN TRE", None, [(0, 28)]),       # the line break matches the space
    ("LĐLĐ tỉnh chủ trì", "tuyên truyền", [(64, 99)]),      # a range to the end of the end phrase
    ("Công an", None, []),
    ("UBND tỉnh", "không có", []),                          # no end after the start: no span
])
def test_find_spans(phrase, to, expected) -> None:
    text = TEXT.replace("Ế", "Ê\u0301")  # decomposed in the file, NFC offsets out
    assert find_span.find_spans(text, phrase, to) == expected
    nfc = find_span.unicodedata.normalize("NFC", text)
    assert all(nfc[s:e].split()[:len(phrase.split())] == phrase.split() for s, e in expected)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False)


def test_annotation_block_for_the_chosen_match(tmp_path) -> None:
    path = tmp_path / "ben-tre.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = run(str(path), "LĐLĐ tỉnh", "--nth", "1", "--node", "actor/ben-tre/lien-doan-lao-dong")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[:2] == ["42 51", "64 73"]
    block = "\n".join(lines[2:])
    assert "oa:hasBody <actor/ben-tre/lien-doan-lao-dong>" in block and "<source/ben-tre>" in block
    assert 'oa:start "64"^^xsd:nonNegativeInteger' in block and 'oa:end "73"' in block
    assert "LĐLĐ" not in block  # offsets only, never the text


@pytest.mark.parametrize(("args", "says"), [
    (["missing.txt", "UBND"], "missing.txt"),
    (["TEXT", "Công an"], "occurs 0 time(s)"),
    (["TEXT", "UBND tỉnh", "--nth", "3"], "no match number 3"),
])
def test_one_line_errors(tmp_path, args, says) -> None:
    path = tmp_path / "t.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = run(*[str(path) if a == "TEXT" else str(tmp_path / a) if a.endswith(".txt") else a for a in args])
    assert result.returncode == 2 and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""
